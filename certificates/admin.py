from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.forms import ModelForm
from django.http import HttpRequest

from .models import AuditEvent, Certificate, ExternalCredit, ParticipantReport, Signature


class AuditEventInline(admin.TabularInline):
    model = AuditEvent
    fields = readonly_fields = ("action", "actor", "at", "data")
    extra = 0
    can_delete = False


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    """Read-only: certificates change only through services (revoke, correct), never by editing."""

    list_display = ["code", "participant_name", "course_title", "status", "issued_at"]
    # "PDF rendering failed at: not empty" lists the certificates whose PDF is missing after a failure (0612).
    list_filter = ["status", ("pdf_failed_at", admin.EmptyFieldListFilter)]
    search_fields = ["code", "participant_name", "user__email"]
    inlines = [AuditEventInline]

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(Signature)
class SignatureAdmin(admin.ModelAdmin):
    """Upload only: a signature a certificate points at must never change, so there is no edit or delete."""

    list_display = ["signatory_name", "uploaded_at", "sha256"]
    fields = ["signatory_name", "image"]

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return obj is None

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Signature, form: ModelForm, change: bool) -> None:  # noqa: FBT001 - Django's signature
        from .services import add_signature

        upload = form.cleaned_data["image"]
        try:
            stored = add_signature(signatory_name=obj.signatory_name, content=upload.read(), filename=upload.name)
        except ValidationError as error:
            raise ValidationError(error.messages) from error
        obj.pk, obj.image, obj.sha256 = stored.pk, stored.image, stored.sha256


@admin.register(ExternalCredit)
class ExternalCreditAdmin(admin.ModelAdmin):
    list_display = ["title", "user", "completed_on", "points", "body"]
    search_fields = ["title", "user__email"]


@admin.register(ParticipantReport)
class ParticipantReportAdmin(admin.ModelAdmin):
    list_display = ["certificate", "status", "efn", "http_status", "attempts", "reported_at"]
    list_filter = ["status"]
    readonly_fields = [f.name for f in ParticipantReport._meta.fields]

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False
