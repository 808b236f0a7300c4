from django.contrib import admin

from .models import Invitation, Membership, Organization, OrgAuditEvent, ReportRun, ReportSchedule


class MembershipInline(admin.TabularInline):
    model = Membership
    autocomplete_fields = ["user"]
    extra = 0


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "slug"]
    list_filter = ["kind"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "organization", "role", "created_at", "expires_at", "accepted_at", "revoked_at"]
    list_filter = ["role", "organization"]
    search_fields = ["email"]
    readonly_fields = ["created_at", "sent_at", "accepted_at", "accepted_by", "revoked_at"]


@admin.register(OrgAuditEvent)
class OrgAuditEventAdmin(admin.ModelAdmin):
    """The audit trail is a record: readable here, never edited."""

    list_display = ["at", "organization", "actor", "action", "object_repr"]
    list_filter = ["action", "organization"]
    search_fields = ["object_repr"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(ReportRun)
class ReportRunAdmin(admin.ModelAdmin):
    list_display = ["created_at", "organization", "kind", "format", "status", "rows_written", "expires_at"]
    list_filter = ["status", "kind", "format"]
    readonly_fields = [f.name for f in ReportRun._meta.fields]

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(ReportSchedule)
class ReportScheduleAdmin(admin.ModelAdmin):
    list_display = ["organization", "kind", "format", "day_of_month", "requested_by", "last_month"]
