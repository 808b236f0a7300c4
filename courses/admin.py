from django.contrib import admin

from .models import (
    Accreditation,
    AccreditationSecret,
    Course,
    CourseVersion,
    Module,
    Principle,
)


@admin.register(Principle)
class PrincipleAdmin(admin.ModelAdmin):
    list_display = ["slug", "__str__"]


class CourseVersionInline(admin.TabularInline):
    model = CourseVersion
    fields = ["number", "status", "content_hash", "published_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ["slug", "organization", "created_at"]
    inlines = [CourseVersionInline]


class AccreditationInline(admin.StackedInline):
    model = Accreditation
    extra = 0


class ModuleInline(admin.TabularInline):
    model = Module
    fields = ["position", "slug", "minutes"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(CourseVersion)
class CourseVersionAdmin(admin.ModelAdmin):
    """A published version is immutable: content changes come as a new package import, never as edits here.

    Only the status can change (to retire a version); accreditations stay editable for their dates and VNR.
    """

    list_display = ["__str__", "course", "number", "status", "published_at"]
    list_filter = ["status"]
    fields = [
        "course",
        "number",
        "status",
        "content_hash",
        "title",
        "sequential",
        "require_assessment",
        "require_evaluation",
        "minutes",
        "published_at",
    ]
    readonly_fields = [f for f in fields if f != "status"]
    inlines = [AccreditationInline, ModuleInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AccreditationSecret)
class AccreditationSecretAdmin(admin.ModelAdmin):
    """Shows only that a secret exists; the encrypted EIV password is never displayed."""

    list_display = ["accreditation", "set_at", "set_by"]
    fields = ["accreditation", "set_at", "set_by"]
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
