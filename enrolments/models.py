"""
What learners do in a course, and the groups organizations run them in.

An Enrollment pins one CourseVersion (and the accreditation that applies), so a new version never changes
what an enrolled learner is doing. Progress, vignette choices and private reflections hang off it; the
course evaluation is anonymous and hangs off the version only. Cohorts and bulk-enrolment uploads are the
organization's side (decision 0302).

The tables keep their names from when these models lived in ``courses`` (``db_table``), so a database
migrated before the move upgrades without copying a row (migration ``enrolments.0001``).
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Count, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from courses.models import VERSION_PACKAGE_FIELDS, Accreditation, CourseVersion, Step
from organizations.models import Organization


class EnrollmentQuerySet(models.QuerySet["Enrollment"]):
    def for_user(self, user: Any) -> "EnrollmentQuerySet":
        return self.filter(user=user)

    def for_organization(self, organization: Organization) -> "EnrollmentQuerySet":
        return self.filter(organization=organization)

    def live(self) -> "EnrollmentQuerySet":
        """Without the enrolments that ended when their learner enrolled again (decision 0605)."""
        return self.exclude(status=Enrollment.Status.ENDED)

    def with_version(self) -> "EnrollmentQuerySet":
        """With the course version, its course and the accreditation; the package JSON is read on first use."""
        return self.select_related("course_version__course", "accreditation").defer(
            *(f"course_version__{name}" for name in VERSION_PACKAGE_FIELDS)
        )

    def with_progress(self) -> "EnrollmentQuerySet":
        # A correlated subquery rather than a join and GROUP BY: grouping by every selected column of the
        # enrolment, version, course and accreditation cost more to compile than to run (docs/PERFORMANCE.md).
        done = (
            StepProgress.objects.filter(
                enrollment=models.OuterRef("pk"), step__required=True, completed_at__isnull=False
            )
            .order_by()
            .values("enrollment")
            .annotate(count=Count("pk"))
            .values("count")
        )
        return self.with_version().annotate(
            completed_steps=Coalesce(models.Subquery(done, output_field=models.IntegerField()), 0)
        )

    def with_step_totals(self) -> "EnrollmentQuerySet":
        """With progress and ``required_steps``, the version's required steps (the dashboard's "n of N")."""
        required = (
            Step.objects.filter(module__version=models.OuterRef("course_version"), required=True)
            .order_by()
            .values("module__version")
            .annotate(count=Count("pk"))
            .values("count")
        )
        return self.with_progress().annotate(
            required_steps=Coalesce(models.Subquery(required, output_field=models.IntegerField()), 0)
        )


class Enrollment(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("In progress")
        COMPLETED = "completed", _("Completed")
        # Closed after the last failed attempt when the learner enrolled again (decision 0605); kept as a record.
        ENDED = "ended", _("Ended: enrolled again")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="enrollments", verbose_name=_("learner")
    )
    course_version = models.ForeignKey(
        CourseVersion, on_delete=models.PROTECT, related_name="enrollments", verbose_name=_("course version")
    )
    accreditation = models.ForeignKey(
        Accreditation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enrollments",
        verbose_name=_("accreditation"),
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enrollments",
        verbose_name=_("organization"),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    enrolled_at = models.DateTimeField(_("enrolled at"), auto_now_add=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    evaluated_at = models.DateTimeField(_("evaluation submitted at"), null=True, blank=True)
    last_step = models.ForeignKey(
        Step, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("last step visited")
    )
    cohort = models.ForeignKey(
        "Cohort",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enrollments",
        verbose_name=_("cohort"),
    )

    objects = EnrollmentQuerySet.as_manager()

    class Meta:
        db_table = "courses_enrollment"
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["-enrolled_at"]
        constraints = [
            # One live enrolment per version; ended ones stay beside it as records (decision 0605).
            models.UniqueConstraint(
                fields=["user", "course_version"],
                condition=~Q(status="ended"),
                name="enrollment_unique_per_version",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.course_version}"

    def get_absolute_url(self) -> str:
        return reverse("enrolments:enrollment", args=[self.pk])

    @property
    def pass_mark(self) -> int:
        accreditation = self.accreditation  # None without a query when the id is empty
        if accreditation is not None:
            return accreditation.pass_mark
        return settings.HALTUNG_DEFAULT_PASS_MARK


class StepProgress(models.Model):
    enrollment = models.ForeignKey(
        Enrollment, on_delete=models.CASCADE, related_name="progress", verbose_name=_("enrolment")
    )
    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="+", verbose_name=_("step"))
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    # Active time on task: requests and heartbeats add the time since the last sign of activity, each gap
    # capped, so an idle tab never piles up time. It is shown and reported, never credited by itself.
    active_seconds = models.PositiveIntegerField(_("active seconds"), default=0)
    last_seen_at = models.DateTimeField(_("last seen at"), null=True, blank=True)
    # The vignette path the learner is on; earlier paths keep their choices.
    path = models.PositiveSmallIntegerField(_("current vignette path"), default=1)
    # Formative answers of a module check, keyed by item id.
    answers = models.JSONField(_("answers"), default=dict, blank=True)

    class Meta:
        db_table = "courses_stepprogress"
        verbose_name = _("step progress")
        verbose_name_plural = _("step progress")
        constraints = [models.UniqueConstraint(fields=["enrollment", "step"], name="progress_unique_step")]

    def __str__(self) -> str:
        return f"{self.enrollment_id}/{self.step_id}"


class VignetteChoice(models.Model):
    """One decision (or embedded-item answer) on one path through a vignette; all paths are kept."""

    enrollment = models.ForeignKey(
        Enrollment, on_delete=models.CASCADE, related_name="choices", verbose_name=_("enrolment")
    )
    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="+", verbose_name=_("step"))
    path = models.PositiveSmallIntegerField(_("path"), default=1)
    node = models.CharField(_("node"), max_length=100)
    option = models.CharField(_("option"), max_length=200)
    correct = models.BooleanField(_("embedded item answered correctly"), null=True, blank=True)
    chosen_at = models.DateTimeField(_("chosen at"), auto_now_add=True)

    class Meta:
        db_table = "courses_vignettechoice"
        verbose_name = _("vignette choice")
        verbose_name_plural = _("vignette choices")
        ordering = ["chosen_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["enrollment", "step", "path", "node"], name="choice_once_per_path")
        ]

    def __str__(self) -> str:
        return f"{self.node}.{self.option}"


class Reflection(models.Model):
    """A learner's private free text; nobody else ever sees it."""

    enrollment = models.ForeignKey(
        Enrollment, on_delete=models.CASCADE, related_name="reflections", verbose_name=_("enrolment")
    )
    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="+", verbose_name=_("step"))
    text = models.TextField(_("reflection"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        db_table = "courses_reflection"
        verbose_name = _("reflection")
        verbose_name_plural = _("reflections")
        constraints = [models.UniqueConstraint(fields=["enrollment", "step"], name="reflection_unique_step")]

    def __str__(self) -> str:
        return f"{self.enrollment_id}/{self.step_id}"


class EvaluationResponse(models.Model):
    """One anonymous course evaluation. It has no link to the enrolment, so exports cannot name anyone."""

    course_version = models.ForeignKey(
        CourseVersion, on_delete=models.PROTECT, related_name="evaluations", verbose_name=_("course version")
    )
    answers = models.JSONField(_("answers"), default=dict)
    comment = models.TextField(_("comment"), blank=True)
    # Only the month is kept: an exact time could be matched against an enrolment's completion time.
    submitted_month = models.DateField(_("month submitted"))

    class Meta:
        db_table = "courses_evaluationresponse"
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        ordering = ["course_version", "submitted_month"]

    def __str__(self) -> str:
        return f"{self.course_version} {self.submitted_month:%Y-%m}"


# The organization back office: cohorts and bulk-enrolment runs (decision 0302). Services live in
# enrolments/services/cohorts.py and imports.py.


class CohortQuerySet(models.QuerySet["Cohort"]):
    def for_organization(self, organization: Organization) -> "CohortQuerySet":
        return self.filter(organization=organization)

    def followed_by(self, user: Any, *, role: str | None) -> "CohortQuerySet":
        """Admins follow every cohort; tutors the cohorts they are named on; anyone else none."""
        if role == "admin":
            return self
        if role == "tutor":
            return self.filter(tutors=user)
        return self.none()


class Cohort(models.Model):
    """A group of learners an organization runs through one course version under one accreditation."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="cohorts", verbose_name=_("organization")
    )
    name = models.CharField(_("name"), max_length=200)
    course_version = models.ForeignKey(
        CourseVersion, on_delete=models.PROTECT, related_name="cohorts", verbose_name=_("course version")
    )
    accreditation = models.ForeignKey(
        Accreditation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cohorts",
        verbose_name=_("accreditation"),
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    seats = models.PositiveIntegerField(_("seats"), null=True, blank=True, help_text=_("Empty: no limit."))
    tutors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="tutored_cohorts",
        verbose_name=_("tutors"),
        db_table="courses_cohort_tutors",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = CohortQuerySet.as_manager()

    class Meta:
        db_table = "courses_cohort"
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")
        ordering = ["-starts_on", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="cohort_ends_after_start"),
            models.UniqueConstraint(fields=["organization", "name"], name="cohort_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("enrolments:cohort", kwargs={"org_slug": self.organization.slug, "cohort_id": self.pk})


class EnrolmentImportQuerySet(models.QuerySet["EnrolmentImport"]):
    def for_organization(self, organization: Organization) -> "EnrolmentImportQuerySet":
        return self.filter(organization=organization)


class EnrolmentImport(models.Model):
    """One bulk-enrolment upload: validated as a whole, then written in one transaction or not at all."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Being imported")
        INVALID = "invalid", _("Refused: the file has errors")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Failed")
        UNDONE = "undone", _("Undone")

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="enrolment_imports", verbose_name=_("organization")
    )
    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="imports", verbose_name=_("cohort"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    # Kept only until the task has read it: the file holds personal data.
    file = models.FileField(_("file"), upload_to="enrolment-imports/%Y/%m/", blank=True)
    filename = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (percent)"), default=0)
    # [{"row": 5, "column": "email", "message": "..."}], capped; error_count has the full number.
    errors = models.JSONField(_("errors"), default=list, blank=True)
    error_count = models.PositiveIntegerField(_("errors found"), default=0)
    accounts_created = models.PositiveIntegerField(_("accounts created"), default=0)
    enrolled = models.PositiveIntegerField(_("learners enrolled"), default=0)
    # People with an account who are not members: invited first, enrolled when they accept (decision 0705).
    invited = models.PositiveIntegerField(_("invited to join first"), default=0)
    invitation_ids = models.JSONField(_("invitations of this upload"), default=list, blank=True)
    skipped = models.PositiveIntegerField(_("rows already enrolled"), default=0)
    # Whom the welcome e-mails go to (only the learners this run enrolled).
    learner_ids = models.JSONField(_("learners enrolled by this upload"), default=list, blank=True)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    notified_at = models.DateTimeField(_("uploader told at"), null=True, blank=True)
    learners_mailed_at = models.DateTimeField(_("learners e-mailed at"), null=True, blank=True)
    # When the write began: enrolments and memberships made from then on are this upload's (for undo).
    write_started_at = models.DateTimeField(_("written from"), null=True, blank=True)
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("undone by"),
    )

    objects = EnrolmentImportQuerySet.as_manager()

    class Meta:
        db_table = "courses_enrolmentimport"
        verbose_name = _("enrolment upload")
        verbose_name_plural = _("enrolment uploads")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.filename} → {self.cohort_id} ({self.status})"


class CohortInvitation(models.Model):
    """A cohort an organization invitation is for: the person is enrolled when they accept (decision 0705)."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("cohort"))
    invitation = models.ForeignKey(
        "organizations.Invitation", on_delete=models.CASCADE, related_name="cohorts", verbose_name=_("invitation")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    enrolled_at = models.DateTimeField(_("enrolled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("cohort invitation")
        verbose_name_plural = _("cohort invitations")
        constraints = [
            models.UniqueConstraint(fields=["cohort", "invitation"], name="cohortinvitation_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.invitation_id} → {self.cohort_id}"
