"""
Chambers and training institutes (the tenants), who belongs to them in which role, invitations, the audit
trail of admin actions, and generated report files.

Every row here belongs to one organization; reads go through ``for_organization`` so that no page can show
another tenant's data by forgetting a filter.
"""

import uuid
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User


class OrganizationQuerySet(models.QuerySet["Organization"]):
    def for_user(self, user: User | AnonymousUser) -> "OrganizationQuerySet":
        if isinstance(user, AnonymousUser):
            return self.none()
        return self.filter(memberships__user=user).distinct()

    def with_backoffice_for(self, user: Any) -> "OrganizationQuerySet":
        """Organizations whose back office the user may open (admins and tutors)."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(memberships__user=user, memberships__role__in=["admin", "tutor"]).distinct()


def _logo_path(instance: "Organization", filename: str) -> str:
    extension = filename.rsplit(".", 1)[-1].lower()
    return f"organizations/logos/{uuid.uuid4().hex}.{extension}"


class Organization(models.Model):
    class Kind(models.TextChoices):
        CHAMBER = "chamber", _("Chamber")
        INSTITUTE = "institute", _("Training institute")
        OTHER = "other", _("Other")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.INSTITUTE)
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), unique=True)
    organizer_line = models.CharField(
        _("organizer line"),
        max_length=300,
        blank=True,
        help_text=_("How the organization is named as organizer on certificates."),
    )
    logo = models.FileField(
        _("logo for certificates"),
        upload_to=_logo_path,
        blank=True,
        validators=[FileExtensionValidator(["png", "jpg", "jpeg"])],
        help_text=_("A PNG or JPEG image, printed on certificates."),
    )
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    postal_address = models.TextField(
        _("postal address"),
        blank=True,
        help_text=_("Printed under the organizer's name on certificates, one line per address line."),
    )
    default_language = models.CharField(_("default language"), max_length=2, choices=settings.LANGUAGES, default="de")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def certificate_name(self) -> str:
        return self.organizer_line or self.name


class MembershipQuerySet(models.QuerySet["Membership"]):
    def for_organization(self, organization: Organization) -> "MembershipQuerySet":
        return self.filter(organization=organization)

    def admins(self) -> "MembershipQuerySet":
        return self.filter(role=Membership.Role.ADMIN)


class Membership(models.Model):
    class Role(models.TextChoices):
        ADMIN = "admin", _("Administrator")
        TUTOR = "tutor", _("Tutor")
        LEARNER = "learner", _("Learner")

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("organization")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.LEARNER)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["organization", "user"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "user"], name="membership_unique_per_organization")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organization} ({self.get_role_display()})"


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def for_organization(self, organization: Organization) -> "InvitationQuerySet":
        return self.filter(organization=organization)

    def open(self, now: object = None) -> "InvitationQuerySet":
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now or timezone.now())


class Invitation(models.Model):
    """An e-mailed invitation to join in a role. The link carries a signed, expiring token for this row."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("organization")
    )
    email = models.EmailField(_("e-mail address"))
    role = models.CharField(_("role"), max_length=20, choices=Membership.Role.choices, default=Membership.Role.LEARNER)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("invited by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    sent_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepted by"),
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One open invitation per address and organization; inviting again renews it.
            models.UniqueConstraint(
                fields=["organization", "email"],
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_open_per_email",
            )
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.organization}"

    @property
    def state(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "open"


class OrgAuditEventQuerySet(models.QuerySet["OrgAuditEvent"]):
    def for_organization(self, organization: Organization) -> "OrgAuditEventQuerySet":
        return self.filter(organization=organization)


class OrgAuditEvent(models.Model):
    """One admin action in an organization: who, when, on what, and the state before and after."""

    class Action(models.TextChoices):
        MEMBER_INVITED = "member_invited", _("Member invited")
        INVITATION_REVOKED = "invitation_revoked", _("Invitation revoked")
        INVITATION_ACCEPTED = "invitation_accepted", _("Invitation accepted")
        ROLE_CHANGED = "role_changed", _("Role changed")
        MEMBER_REMOVED = "member_removed", _("Member removed")
        MEMBER_LEFT = "member_left", _("Member left")
        ORGANIZATION_CHANGED = "organization_changed", _("Organization settings changed")
        COHORT_CREATED = "cohort_created", _("Cohort created")
        COHORT_CHANGED = "cohort_changed", _("Cohort changed")
        ENROLLED = "enrolled", _("Learners enrolled")
        ACCREDITATION_CREATED = "accreditation_created", _("Accreditation created")
        ACCREDITATION_CHANGED = "accreditation_changed", _("Accreditation changed")
        CERTIFICATE_REVOKED = "certificate_revoked", _("Certificate revoked")
        CERTIFICATE_CORRECTED = "certificate_corrected", _("Certificate corrected")
        REPORT_EXPORTED = "report_exported", _("Report exported")
        SCHEDULE_CHANGED = "schedule_changed", _("Report schedule changed")
        ORGANIZATION_CREATED = "organization_created", _("Organization created")
        COURSE_ASSIGNED = "course_assigned", _("Course ownership assigned")
        UNENROLLED = "unenrolled", _("Learner unenrolled")
        ENROLMENT_MOVED = "enrolment_moved", _("Learner moved to another cohort")
        IMPORT_UNDONE = "import_undone", _("Enrolment upload undone")
        VERSION_RETIRED = "version_retired", _("Course version retired from new cohorts")
        ATTEMPT_GRANTED = "attempt_granted", _("Another final-test attempt granted")

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="audit_events", verbose_name=_("organization")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    action = models.CharField(_("action"), max_length=40, choices=Action.choices)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=300, blank=True)
    before = models.JSONField(_("before"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(_("after"), default=dict, blank=True, encoder=DjangoJSONEncoder)

    objects = OrgAuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["organization", "-at"], name="orgaudit_org_at_idx")]

    def __str__(self) -> str:
        return f"{self.organization_id} {self.action} {self.object_repr}"


class ReportRunQuerySet(models.QuerySet["ReportRun"]):
    def for_organization(self, organization: Organization) -> "ReportRunQuerySet":
        return self.filter(organization=organization)

    def expired(self, now: object = None) -> "ReportRunQuerySet":
        return self.filter(expires_at__lte=now or timezone.now()).exclude(status=ReportRun.Status.EXPIRED)


class ReportRun(models.Model):
    """One generated report file: requested, written by a task in the background, kept for a while."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Being written")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Deleted after the retention period")

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "XLSX"

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="report_runs", verbose_name=_("organization")
    )
    kind = models.CharField(_("report"), max_length=50)
    format = models.CharField(_("format"), max_length=10, choices=Format.choices, default=Format.CSV)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (percent)"), default=0)
    rows_written = models.PositiveIntegerField(_("rows written"), default=0)
    file = models.FileField(_("file"), upload_to="reports/%Y/%m/", blank=True)
    error = models.TextField(_("error"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    scheduled = models.BooleanField(_("from the monthly schedule"), default=False)
    created_at = models.DateTimeField(_("requested at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("kept until"), null=True, blank=True)

    objects = ReportRunQuerySet.as_manager()

    class Meta:
        verbose_name = _("report run")
        verbose_name_plural = _("report runs")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.kind}.{self.format} ({self.organization_id}, {self.status})"

    @property
    def filename(self) -> str:
        # In the site's time zone, like every time the organization reads on its pages.
        return f"{self.organization.slug}-{self.kind}-{timezone.localtime(self.created_at):%Y%m%d-%H%M}.{self.format}"


class ReportScheduleQuerySet(models.QuerySet["ReportSchedule"]):
    def for_organization(self, organization: Organization) -> "ReportScheduleQuerySet":
        return self.filter(organization=organization)


class ReportSchedule(models.Model):
    """A report written every month on a given day; the requester is told by e-mail when it is ready."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="report_schedules", verbose_name=_("organization")
    )
    kind = models.CharField(_("report"), max_length=50)
    format = models.CharField(_("format"), max_length=10, choices=ReportRun.Format.choices, default="csv")
    day_of_month = models.PositiveSmallIntegerField(
        _("day of the month"), default=1, validators=[MinValueValidator(1), MaxValueValidator(28)]
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("sent to")
    )
    # The first day of the last month a run was queued for: at most one run per month.
    last_month = models.DateField(_("last month run"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ReportScheduleQuerySet.as_manager()

    class Meta:
        verbose_name = _("report schedule")
        verbose_name_plural = _("report schedules")
        ordering = ["organization", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "kind", "format"], name="reportschedule_unique_kind"),
            models.CheckConstraint(
                condition=Q(day_of_month__gte=1) & Q(day_of_month__lte=28), name="reportschedule_day_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization_id} {self.kind}.{self.format} @ {self.day_of_month}"
