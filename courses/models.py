"""
Courses and what learners do in them.

A Course has immutable CourseVersions (made by importing a course package); an Enrollment pins one version,
so a new version never changes what an enrolled learner is doing. Accreditations hang off a version: the
pass policy and the points a chamber grants are data, not constants.
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Count, Prefetch, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from organizations.models import Organization

from .i18n import localized


class Principle(models.Model):
    """An ethical or professional principle that vignette options and items are tagged with."""

    slug = models.SlugField(_("slug"), unique=True)
    name = models.JSONField(_("name"), default=dict)
    definition = models.JSONField(_("definition"), default=dict)

    class Meta:
        verbose_name = _("principle")
        verbose_name_plural = _("principles")
        ordering = ["slug"]

    def __str__(self) -> str:
        return str(localized(self.name) or self.slug)


class CourseQuerySet(models.QuerySet["Course"]):
    def published(self) -> "CourseQuerySet":
        return self.filter(versions__status=CourseVersion.Status.PUBLISHED).distinct()


class Course(models.Model):
    slug = models.SlugField(_("slug"), unique=True)
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="courses",
        verbose_name=_("owning organization"),
        help_text=_("Empty for courses in the public catalogue."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = CourseQuerySet.as_manager()

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.slug

    def get_absolute_url(self) -> str:
        return reverse("courses:course", args=[self.slug])


class CourseVersionQuerySet(models.QuerySet["CourseVersion"]):
    def published(self) -> "CourseVersionQuerySet":
        return self.filter(status=CourseVersion.Status.PUBLISHED)

    def current(self) -> "CourseVersionQuerySet":
        """The newest published version of each course."""
        newest = (
            CourseVersion.objects.published()
            .filter(course=models.OuterRef("course"))
            .order_by("-number")
            .values("pk")[:1]
        )
        return self.published().filter(pk=models.Subquery(newest))

    def for_catalogue(self) -> "CourseVersionQuerySet":
        """What a catalogue card shows, in one query: not the package's JSON, only the number of modules."""
        return (
            self.select_related("course")
            .only("course", "course__slug", "number", "title", "summary", "minutes")
            .annotate(module_count=Count("modules"))
        )

    def with_outline(self) -> "CourseVersionQuerySet":
        return self.select_related("course").prefetch_related(
            Prefetch("modules", queryset=Module.objects.annotate(step_count=Count("steps")))
        )


class CourseVersion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        RETIRED = "retired", _("Retired")

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="versions", verbose_name=_("course"))
    number = models.PositiveIntegerField(_("version number"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PUBLISHED)
    content_hash = models.CharField(_("content hash"), max_length=64)
    title = models.JSONField(_("title"), default=dict)
    summary = models.JSONField(_("summary"), default=dict)
    languages = models.JSONField(_("languages"), default=list)
    scientific_lead = models.CharField(_("scientific lead"), max_length=200, blank=True)
    scientific_lead_qualification = models.JSONField(_("qualification of the scientific lead"), default=dict)
    sequential = models.BooleanField(_("modules unlock in order"), default=True)
    # The completion rule: required steps are always needed; the test and the evaluation can be switched off.
    require_assessment = models.BooleanField(_("final test required"), default=True)
    require_evaluation = models.BooleanField(_("evaluation required"), default=False)
    minutes = models.PositiveIntegerField(_("minutes of content"), default=0)
    references = models.JSONField(_("references"), default=list, blank=True)
    takeaways = models.JSONField(_("take-aways"), default=list, blank=True)
    # The canonical course.yaml and principles.yaml of the imported package, for export.
    manifest = models.JSONField(_("package manifest"), default=dict, blank=True)
    principles = models.JSONField(_("principles of the package"), default=list, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    objects = CourseVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("course version")
        verbose_name_plural = _("course versions")
        ordering = ["course", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["course", "number"], name="courseversion_unique_number"),
            models.UniqueConstraint(fields=["course", "content_hash"], name="courseversion_unique_content"),
        ]

    def __str__(self) -> str:
        return f"{localized(self.title)} (v{self.number})"

    @property
    def units(self) -> int:
        """Full 45-minute units; leftover minutes never count (cpd-rules 1.2)."""
        return self.minutes // 45


# The imported package's JSON on a version: tens of kilobytes, read by the export, the references and
# take-away pages and the principle results. Pages that load a version beside something else leave them to
# be read on first use (``Enrollment.objects.with_version()``); decoding them was a measurable share of every
# learner page (docs/PERFORMANCE.md).
VERSION_PACKAGE_FIELDS = ("manifest", "references", "takeaways", "principles")


class Accreditation(models.Model):
    """A course version's accreditation by one body: the points it grants and the pass policy it sets."""

    course_version = models.ForeignKey(
        CourseVersion, on_delete=models.PROTECT, related_name="accreditations", verbose_name=_("course version")
    )
    key = models.SlugField(_("key"))
    body = models.CharField(_("accrediting body"), max_length=200)
    body_organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="accreditations",
        verbose_name=_("accrediting organization"),
    )
    category = models.CharField(_("category"), max_length=20, blank=True)
    points = models.DecimalField(_("points"), max_digits=5, decimal_places=1)
    vnr = models.CharField(_("event number (VNR)"), max_length=19, blank=True)
    pass_mark = models.PositiveSmallIntegerField(_("pass mark (percent)"), default=70)
    max_attempts = models.PositiveSmallIntegerField(_("attempts allowed"), null=True, blank=True)
    cooldown_hours = models.PositiveSmallIntegerField(_("hours between attempts"), default=0)
    draw = models.PositiveSmallIntegerField(_("items drawn"), default=20)
    blueprint = models.JSONField(_("blueprint"), default=dict, help_text=_("Items per module slug."))
    wording = models.JSONField(_("certificate wording"), default=dict, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    is_default = models.BooleanField(_("default for self-enrolment"), default=False)
    certificate_validity_months = models.PositiveSmallIntegerField(
        _("certificate validity (months)"),
        null=True,
        blank=True,
        help_text=_("Empty: certificates of this accreditation do not expire."),
    )
    reporting_channel = models.CharField(
        _("reporting channel"),
        max_length=20,
        blank=True,
        help_text=_("How points are reported to the chamber, e.g. 'eiv' or 'list'."),
    )

    class Meta:
        verbose_name = _("accreditation")
        verbose_name_plural = _("accreditations")
        ordering = ["course_version", "key"]
        constraints = [
            models.UniqueConstraint(fields=["course_version", "key"], name="accreditation_unique_key"),
            models.CheckConstraint(
                condition=Q(pass_mark__gte=1) & Q(pass_mark__lte=100), name="accreditation_pass_mark_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.body} · {self.points} ({self.category})"


class Module(models.Model):
    version = models.ForeignKey(
        CourseVersion, on_delete=models.CASCADE, related_name="modules", verbose_name=_("course version")
    )
    position = models.PositiveSmallIntegerField(_("position"))
    slug = models.SlugField(_("slug"))
    title = models.JSONField(_("title"), default=dict)
    objectives = models.JSONField(_("learning objectives"), default=dict)
    minutes = models.PositiveSmallIntegerField(_("estimated minutes"), default=45)
    # Formative items (module checks and items embedded in vignettes), as written in the package.
    items = models.JSONField(_("formative items"), default=list, blank=True)

    class Meta:
        verbose_name = _("module")
        verbose_name_plural = _("modules")
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "position"], name="module_unique_position"),
            models.UniqueConstraint(fields=["version", "slug"], name="module_unique_slug"),
        ]

    def __str__(self) -> str:
        return str(localized(self.title))


class Step(models.Model):
    class Kind(models.TextChoices):
        TEXT = "text", _("Text")
        MEDIA = "media", _("Media")
        VIGNETTE = "vignette", _("Case vignette")
        REFLECTION = "reflection", _("Reflection")
        CHECK = "check", _("Module check")

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="steps", verbose_name=_("module"))
    position = models.PositiveSmallIntegerField(_("position"))
    slug = models.SlugField(_("slug"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.JSONField(_("title"), default=dict)
    required = models.BooleanField(_("required for completion"), default=True)
    # The kind-specific content as imported: Markdown body, vignette graph, prompt or check items.
    data = models.JSONField(_("content"), default=dict)

    class Meta:
        verbose_name = _("step")
        verbose_name_plural = _("steps")
        ordering = ["module", "position"]
        constraints = [
            models.UniqueConstraint(fields=["module", "position"], name="step_unique_position"),
            models.UniqueConstraint(fields=["module", "slug"], name="step_unique_slug"),
        ]

    def __str__(self) -> str:
        return str(localized(self.title) or self.slug)

    def formative_items(self) -> dict[str, dict[str, Any]]:
        """The module's formative items by id (the module is usually select_related with the step)."""
        return {item["id"]: item for item in self.module.items}


class EnrollmentQuerySet(models.QuerySet["Enrollment"]):
    def for_user(self, user: Any) -> "EnrollmentQuerySet":
        return self.filter(user=user)

    def for_organization(self, organization: Organization) -> "EnrollmentQuerySet":
        return self.filter(organization=organization)

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


class Enrollment(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("In progress")
        COMPLETED = "completed", _("Completed")

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
        "Step", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("last step visited")
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
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["-enrolled_at"]
        constraints = [models.UniqueConstraint(fields=["user", "course_version"], name="enrollment_unique_per_version")]

    def __str__(self) -> str:
        return f"{self.user} → {self.course_version}"

    def get_absolute_url(self) -> str:
        return reverse("courses:enrollment", args=[self.pk])

    @property
    def pass_mark(self) -> int:
        if self.accreditation_id:
            return self.accreditation.pass_mark
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
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        ordering = ["course_version", "submitted_month"]

    def __str__(self) -> str:
        return f"{self.course_version} {self.submitted_month:%Y-%m}"


# The organization back office: cohorts, bulk enrolment runs and the EIV password of an accreditation
# (decision 0302). Pages and services live in courses/cohorts.py, enrolment_import.py, accreditations.py.


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
        settings.AUTH_USER_MODEL, blank=True, related_name="tutored_cohorts", verbose_name=_("tutors")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = CohortQuerySet.as_manager()

    class Meta:
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
        return reverse("courses:cohort", kwargs={"org_slug": self.organization.slug, "cohort_id": self.pk})


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
    skipped = models.PositiveIntegerField(_("rows already enrolled"), default=0)
    # Whom the welcome e-mails go to (only the learners this run enrolled).
    learner_ids = models.JSONField(_("learners enrolled by this upload"), default=list, blank=True)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    notified_at = models.DateTimeField(_("uploader told at"), null=True, blank=True)
    learners_mailed_at = models.DateTimeField(_("learners e-mailed at"), null=True, blank=True)

    objects = EnrolmentImportQuerySet.as_manager()

    class Meta:
        verbose_name = _("enrolment upload")
        verbose_name_plural = _("enrolment uploads")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.filename} → {self.cohort_id} ({self.status})"


class AccreditationSecret(models.Model):
    """The EIV password of an accreditation, encrypted (Fernet); it is never shown again after entry."""

    accreditation = models.OneToOneField(
        Accreditation, on_delete=models.CASCADE, related_name="secret", verbose_name=_("accreditation")
    )
    eiv_password = models.TextField(_("EIV password (encrypted)"))
    set_at = models.DateTimeField(_("set at"), auto_now=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("set by")
    )

    class Meta:
        verbose_name = _("EIV password")
        verbose_name_plural = _("EIV passwords")

    def __str__(self) -> str:
        return f"{self.accreditation_id}: ••••••"
