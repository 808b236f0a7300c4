from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

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
    fields = readonly_fields = ("number", "status", "content_hash", "published_at")
    extra = 0
    can_delete = False
    show_change_link = True


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ["slug", "organization", "visibility", "created_at"]
    inlines = [CourseVersionInline]


class AccreditationInline(admin.StackedInline):
    model = Accreditation
    extra = 0


class ModuleInline(admin.TabularInline):
    model = Module
    fields = readonly_fields = ("position", "slug", "minutes")
    extra = 0
    can_delete = False


VERSION_FIELDS = (
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
)


@admin.register(CourseVersion)
class CourseVersionAdmin(admin.ModelAdmin):
    """A published version is immutable: content changes come as a new package import, never as edits here.

    Only the status can change (to retire a version); accreditations stay editable for their dates and VNR.
    """

    list_display = ["__str__", "course", "number", "status", "published_at"]
    list_filter = ["status"]
    fields = VERSION_FIELDS
    readonly_fields = [f for f in VERSION_FIELDS if f != "status"]
    inlines = [AccreditationInline, ModuleInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(AccreditationSecret)
class AccreditationSecretAdmin(admin.ModelAdmin):
    """Shows only that a secret exists; the encrypted EIV password is never displayed."""

    list_display = ["accreditation", "set_at", "set_by"]
    fields = readonly_fields = ("accreditation", "set_at", "set_by")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False
