"""
Certificates are frozen records: everything printed is copied into the row at issue time, so later edits to
courses, accreditations or the learner's name never change an issued certificate. Nothing is deleted; a
correction supersedes, a revocation keeps the row and shows on verification.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from courses.models import Enrollment


class CertificateQuerySet(models.QuerySet["Certificate"]):
    def for_user(self, user: object) -> "CertificateQuerySet":
        return self.filter(user=user)

    def current(self) -> "CertificateQuerySet":
        return self.exclude(status=Certificate.Status.SUPERSEDED)


class Certificate(models.Model):
    class Status(models.TextChoices):
        VALID = "valid", _("Valid")
        REVOKED = "revoked", _("Revoked")
        SUPERSEDED = "superseded", _("Superseded")

    code = models.CharField(_("verification code"), max_length=20, unique=True)
    enrollment = models.ForeignKey(
        Enrollment, on_delete=models.PROTECT, related_name="certificates", verbose_name=_("enrolment")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="certificates", verbose_name=_("learner")
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.VALID)
    # Frozen facts, as printed.
    participant_name = models.CharField(_("participant name"), max_length=200)
    participant_efn = models.CharField(_("EFN"), max_length=15, blank=True)
    participant_licence = models.CharField(_("licence number"), max_length=50, blank=True)
    course_title = models.CharField(_("course title"), max_length=300)
    course_version = models.PositiveIntegerField(_("course version"))
    course_format = models.CharField(_("format"), max_length=200)
    completed_at = models.DateTimeField(_("completed at"))
    accreditation_body = models.CharField(_("accrediting body"), max_length=200, blank=True)
    vnr = models.CharField(_("event number (VNR)"), max_length=19, blank=True)
    category = models.CharField(_("category"), max_length=20, blank=True)
    points = models.DecimalField(_("points"), max_digits=5, decimal_places=1, null=True, blank=True)
    wording = models.TextField(_("accreditation wording"), blank=True)
    organizer = models.CharField(_("organizer"), max_length=300)
    scientific_lead = models.CharField(_("scientific lead"), max_length=200, blank=True)
    result_percent = models.DecimalField(_("result (percent)"), max_digits=5, decimal_places=2)
    pass_mark = models.PositiveSmallIntegerField(_("pass mark (percent)"))
    language = models.CharField(_("language"), max_length=2)
    verification_url = models.URLField(_("verification URL"))
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    # The rendered document, stored once.
    pdf = models.FileField(_("PDF"), upload_to="certificates/%Y/%m/", blank=True)
    pdf_rendered_at = models.DateTimeField(_("PDF rendered at"), null=True, blank=True)
    pdf_rendered_by = models.CharField(_("rendered by worker"), max_length=200, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)
    # Lifecycle.
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revoked by"),
    )
    revocation_reason = models.TextField(_("reason for revocation"), blank=True)
    superseded_by = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supersedes",
        verbose_name=_("superseded by"),
    )

    objects = CertificateQuerySet.as_manager()

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment"], condition=~Q(status="superseded"), name="certificate_one_current_per_enrollment"
            ),
        ]

    def __str__(self) -> str:
        return self.code

    def get_absolute_url(self) -> str:
        return reverse("certificates:verify", args=[self.code])


class AuditEvent(models.Model):
    """A legally relevant state change of a certificate: who, when, what, before/after."""

    class Action(models.TextChoices):
        ISSUE = "issue", _("Issued")
        REVOKE = "revoke", _("Revoked")
        SUPERSEDE = "supersede", _("Superseded")

    certificate = models.ForeignKey(
        Certificate, on_delete=models.PROTECT, related_name="audit_events", verbose_name=_("certificate")
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.certificate_id} {self.action}"
