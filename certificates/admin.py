from django.contrib import admin

from .models import AuditEvent, Certificate


class AuditEventInline(admin.TabularInline):
    model = AuditEvent
    fields = ["action", "actor", "at", "data"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    """Read-only: certificates change only through services (revoke, supersede), never by editing."""

    list_display = ["code", "participant_name", "course_title", "status", "issued_at"]
    list_filter = ["status"]
    search_fields = ["code", "participant_name", "user__email"]
    inlines = [AuditEventInline]

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
