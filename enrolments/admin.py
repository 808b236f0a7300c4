from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from .models import Cohort, Enrollment, EnrolmentImport


@admin.register(Enrollment)
class EnrollmentAdmin(admin.ModelAdmin):
    list_display = ["user", "course_version", "status", "enrolled_at", "completed_at"]
    list_filter = ["status"]
    search_fields = ["user__email", "user__name"]
    raw_id_fields = ["user", "course_version", "accreditation", "organization", "last_step"]


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    list_display = ["name", "organization", "course_version", "starts_on", "ends_on", "seats"]
    list_filter = ["organization"]
    search_fields = ["name"]
    raw_id_fields = ["course_version", "accreditation"]
    filter_horizontal = ["tutors"]


@admin.register(EnrolmentImport)
class EnrolmentImportAdmin(admin.ModelAdmin):
    """Read-only: imports are made in the back office, where every row is validated first."""

    list_display = ["cohort", "filename", "rows", "status"]
    list_filter = ["status"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False
