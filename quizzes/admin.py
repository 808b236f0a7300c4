from django.contrib import admin

from .models import Attempt, Item, Option


class OptionInline(admin.TabularInline):
    model = Option
    extra = 0


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin):
    list_display = ["key", "course_version", "module_slug", "type", "difficulty"]
    list_filter = ["type", "difficulty"]
    search_fields = ["key"]
    inlines = [OptionInline]


@admin.register(Attempt)
class AttemptAdmin(admin.ModelAdmin):
    list_display = ["enrollment", "number", "status", "score", "passed", "submitted_at"]
    list_filter = ["status", "passed"]
    raw_id_fields = ["enrollment"]
