from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from .models import Accommodation, Assessment, Attempt, CaseSet, Item, Option


class OptionInline(admin.TabularInline):
    model = Option
    extra = 0
    can_delete = False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin):
    # Item rows are versions that attempts point at: read-only here; quizzes.bank.revise_item writes new ones.
    list_display = ["key", "version", "is_current", "course_version", "module_slug", "type", "difficulty"]
    list_filter = ["type", "difficulty", "is_current"]
    search_fields = ["key"]
    inlines = [OptionInline]

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(CaseSet)
class CaseSetAdmin(admin.ModelAdmin):
    list_display = ["key", "course_version", "module_slug"]

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    list_display = ["course_version", "accreditation", "grading_method", "layout", "time_limit_minutes"]
    list_filter = ["grading_method", "layout"]
    readonly_fields = ["course_version", "accreditation"]


@admin.register(Attempt)
class AttemptAdmin(admin.ModelAdmin):
    list_display = ["enrollment", "number", "status", "score", "passed", "submitted_at", "submitted_by"]
    list_filter = ["status", "passed", "submitted_by"]
    raw_id_fields = ["enrollment"]


@admin.register(Accommodation)
class AccommodationAdmin(admin.ModelAdmin):
    list_display = ["enrollment", "kind", "time_multiplier", "granted_by", "granted_at"]
    raw_id_fields = ["enrollment", "granted_by"]
