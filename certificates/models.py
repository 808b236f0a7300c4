"""
Certificates are frozen records: everything printed is copied into the row at issue time, so later edits to
courses, accreditations or the learner's name never change an issued certificate. Nothing is deleted; a
correction supersedes, a revocation keeps the row and shows on verification.

Beside the certificate live the things that hang off it: the audit trail, the scientific lead's signature
images (immutable, so a certificate can point at one), the learner's external CPD entries, and the record of
each participant reported to a chamber.
"""

import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from courses.models import Accreditation
from enrolments.models import Enrollment
from organizations.models import Organization

# A PDF still missing this long after it was asked for is late (a lost task, a worker that was down): the
# learner may ask for it again. Rendering takes about a second; a busy queue a few minutes at most.
PDF_OVERDUE = timedelta(minutes=10)


class Signature(models.Model):
    """A scientific lead's signature image. Rows are never edited: a new image is a new row."""

    signatory_name = models.CharField(
        _("signatory"), max_length=200, help_text=_("Exactly as the course names its scientific lead.")
    )
    image = models.FileField(_("signature image (PNG or JPEG)"), upload_to="signatures/")
    sha256 = models.CharField(_("SHA-256 of the image"), max_length=64, editable=False)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        ordering = ["signatory_name", "-uploaded_at"]

    def __str__(self) -> str:
        return f"{self.signatory_name} ({self.uploaded_at:%Y-%m-%d})" if self.uploaded_at else self.signatory_name


class CertificateQuerySet(models.QuerySet["Certificate"]):
    def for_user(self, user: User) -> "CertificateQuerySet":
        return self.filter(user=user)

    def current(self) -> "CertificateQuerySet":
        return self.exclude(status=Certificate.Status.SUPERSEDED)

    def summary(self) -> "CertificateQuerySet":
        """Only what the learner's lists, panels and next action show: not the signed credential (JSON) nor the
        snapshot's long texts, which cost more to read than the rest of the row (docs/PERFORMANCE.md)."""
        return self.only(
            "code", "enrollment", "user", "status", "course_title", "points", "category", "completed_at",
            "issued_at", "pdf", "pdf_requested_at", "pdf_failed_at", "pseudonymised_at",
        )  # fmt: skip

    def for_organization(self, organization: Organization) -> "CertificateQuerySet":
        """Certificates of the organization's members' enrolments or of the courses it organizes."""
        return self.filter(
            Q(enrollment__organization=organization) | Q(enrollment__course_version__course__organization=organization)
        )

    def for_accreditation(self, accreditation: Accreditation) -> "CertificateQuerySet":
        return self.filter(accreditation=accreditation)

    def with_published_list(self) -> "CertificateQuerySet":
        """Each certificate with ``published_list``: the encoded revocation list its bit is published in (None
        while none is), read in the same query (decision 0414). Integer division, as in ``status.position``."""
        from .credentials.status import LIST_SIZE

        number = models.ExpressionWrapper(
            models.OuterRef("pk") / LIST_SIZE + 1, output_field=models.PositiveIntegerField()
        )
        published = StatusList.objects.filter(number=number).values("encoded_list")[:1]
        return self.annotate(published_list=models.Subquery(published, output_field=models.TextField()))

    def expiring_between(self, start: object, end: object) -> "CertificateQuerySet":
        return self.filter(status=Certificate.Status.VALID, expires_at__gte=start, expires_at__lt=end)


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
    # Not printed: groups certificates for chamber reports.
    accreditation = models.ForeignKey(
        Accreditation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="certificates",
        verbose_name=_("accreditation"),
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
    organizer_address = models.TextField(_("organizer address"), blank=True)
    # A content-addressed copy of the organizer's logo at issue time (never overwritten).
    organizer_logo = models.CharField(_("organizer logo (stored copy)"), max_length=200, blank=True)
    scientific_lead = models.CharField(_("scientific lead"), max_length=200, blank=True)
    scientific_lead_qualification = models.CharField(
        _("qualification of the scientific lead"), max_length=200, blank=True
    )
    # A content-addressed copy of the lead's signature image from the accreditation at issue time.
    signature_image = models.CharField(_("signature image (stored copy)"), max_length=200, blank=True)
    signature = models.ForeignKey(
        Signature,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="certificates",
        verbose_name=_("signature of the scientific lead"),
    )
    design = models.CharField(_("certificate design"), max_length=40, default="classic-1")
    result_percent = models.DecimalField(_("result (percent)"), max_digits=5, decimal_places=2)
    pass_mark = models.PositiveSmallIntegerField(_("pass mark (percent)"))
    language = models.CharField(_("language"), max_length=2)
    verification_url = models.URLField(_("verification URL"))
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    # The rendered document, stored once.
    pdf = models.FileField(_("PDF"), upload_to="certificates/%Y/%m/", blank=True)
    pdf_rendered_at = models.DateTimeField(_("PDF rendered at"), null=True, blank=True)
    pdf_rendered_by = models.CharField(_("rendered by worker"), max_length=200, blank=True)
    # When the PDF was last asked for again after a failure or a long wait (the first request is the issue).
    pdf_requested_at = models.DateTimeField(_("PDF requested again at"), null=True, blank=True)
    # When rendering last failed for good; cleared by a new request. The learner sees it and can retry.
    pdf_failed_at = models.DateTimeField(_("PDF rendering failed at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)
    expiry_reminded_at = models.DateTimeField(_("expiry reminder sent at"), null=True, blank=True)
    # The signed Open Badges 3.0 credential, made once like the PDF.
    credential = models.JSONField(_("signed credential"), default=dict, blank=True)
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
    # Erasure keeps the certificate verifiable: the name is replaced, a keyed digest of it stays.
    pseudonymised_at = models.DateTimeField(_("pseudonymised at"), null=True, blank=True)
    participant_digest = models.CharField(_("digest of the erased name"), max_length=64, blank=True)

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

    @property
    def credential_id(self) -> str:
        return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, self.verification_url)}"

    def pdf_state(self, now: datetime | None = None) -> str:
        """Where the PDF is: ready, pending, delayed (pending for long), failed, or unavailable (erased)."""
        if self.pdf:
            return "ready"
        if self.pseudonymised_at is not None:
            return "unavailable"
        if self.pdf_failed_at is not None:
            return "failed"
        asked = self.pdf_requested_at or self.issued_at
        if asked + PDF_OVERDUE <= (now or timezone.now()):
            return "delayed"
        return "pending"

    def public_status(self, now: datetime | None = None) -> str:
        """valid, revoked, superseded or expired: what a verifier is told."""
        if self.status != self.Status.VALID:
            return self.status
        if self.expires_at is not None and self.expires_at <= (now or timezone.now()):
            return "expired"
        return "valid"


class AuditEvent(models.Model):
    """A legally relevant state change of a certificate: who, when, what, before/after."""

    class Action(models.TextChoices):
        ISSUE = "issue", _("Issued")
        REVOKE = "revoke", _("Revoked")
        SUPERSEDE = "supersede", _("Superseded")
        PSEUDONYMISE = "pseudonymise", _("Pseudonymised")
        REPORT = "report", _("Reported to the chamber")

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


class ExternalCreditQuerySet(models.QuerySet["ExternalCredit"]):
    def for_user(self, user: User) -> "ExternalCreditQuerySet":
        return self.filter(user=user)


class ExternalCredit(models.Model):
    """CPD the learner earned elsewhere and records on their transcript, with optional evidence."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="external_credits", verbose_name=_("learner")
    )
    title = models.CharField(_("title"), max_length=300)
    completed_on = models.DateField(_("date"))
    points = models.DecimalField(_("points"), max_digits=5, decimal_places=1)
    category = models.CharField(_("category"), max_length=20, blank=True)
    body = models.CharField(_("accrediting body"), max_length=200, blank=True)
    evidence = models.FileField(_("evidence file"), upload_to="evidence/%Y/", blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ExternalCreditQuerySet.as_manager()

    class Meta:
        verbose_name = _("external CPD entry")
        verbose_name_plural = _("external CPD entries")
        ordering = ["-completed_on", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(points__gte=0), name="externalcredit_points_not_negative")]

    def __str__(self) -> str:
        return self.title


class ParticipantReportQuerySet(models.QuerySet["ParticipantReport"]):
    def for_accreditation(self, accreditation: Accreditation) -> "ParticipantReportQuerySet":
        return self.filter(certificate__accreditation=accreditation)


class ParticipantReport(models.Model):
    """What the chamber's EIV was told about one certificate, and what it answered."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        REPORTED = "reported", _("Reported")
        REFUSED = "refused", _("Refused: fix the data")
        BLOCKED = "blocked", _("Refused by the chamber: needs an administrator")
        RETRY = "retry", _("Rate limited: will retry")
        FAILED = "failed", _("Failed after retries")
        RETRACTED = "retracted", _("Retracted")

    certificate = models.OneToOneField(
        Certificate, on_delete=models.PROTECT, related_name="chamber_report", verbose_name=_("certificate")
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    efn = models.CharField(_("EFN sent"), max_length=15, blank=True)
    retract = models.BooleanField(_("retraction requested"), default=False)
    http_status = models.PositiveSmallIntegerField(_("last HTTP status"), null=True, blank=True)
    message = models.TextField(_("last answer"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    reported_at = models.DateTimeField(_("reported at"), null=True, blank=True)

    objects = ParticipantReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("participant report")
        verbose_name_plural = _("participant reports")
        ordering = ["certificate__completed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.certificate_id} {self.status}"


class StatusList(models.Model):
    """A signed Bitstring Status List credential as published; the bits come from the certificates' status."""

    number = models.PositiveIntegerField(_("list number"), primary_key=True)
    credential = models.JSONField(_("signed status list credential"))
    encoded_list = models.TextField(_("encoded list"))
    signed_at = models.DateTimeField(_("signed at"))

    class Meta:
        verbose_name = _("status list")
        verbose_name_plural = _("status lists")
        ordering = ["number"]

    def __str__(self) -> str:
        return f"status list {self.number}"


class WalletOffer(models.Model):
    """An OpenID4VCI credential offer (pre-authorized code flow) for one certificate's credential.

    Only SHA-256 digests of the code and the access token are stored; both are single-use and short-lived.
    """

    certificate = models.ForeignKey(
        Certificate, on_delete=models.PROTECT, related_name="wallet_offers", verbose_name=_("certificate")
    )
    code_digest = models.CharField(_("digest of the pre-authorized code"), max_length=64, unique=True)
    # NULL until the code is redeemed: NULLs never collide under the unique constraint, empty strings would.
    token_digest = models.CharField(_("digest of the access token"), max_length=64, unique=True, null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("code expires at"))
    redeemed_at = models.DateTimeField(_("code redeemed at"), null=True, blank=True)
    token_expires_at = models.DateTimeField(_("token expires at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("credential delivered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("wallet offer")
        verbose_name_plural = _("wallet offers")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return (
            f"{self.certificate_id} {self.created_at:%Y-%m-%d %H:%M}" if self.created_at else str(self.certificate_id)
        )
