"""
The final knowledge check (LEK): the item bank, assessments, learners' attempts, accommodations and item
statistics.

An ``Item`` row is one *version* of an item. Rows are never edited: revising an item writes a new row with
the next version number (``quizzes.bank.revise_item``), and an attempt points at the rows it showed, so its
wording, key, result and statistics stay reproducible (decision 0201).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from courses.i18n import localized
from courses.models import Accreditation, CourseVersion
from enrolments.models import Enrollment

from . import review


class CaseSet(models.Model):
    """A case vignette shared by several items; the draw takes its items together, in their order."""

    course_version = models.ForeignKey(
        CourseVersion, on_delete=models.PROTECT, related_name="case_sets", verbose_name=_("course version")
    )
    key = models.CharField(_("key"), max_length=100)
    module_slug = models.SlugField(_("module"))
    stem = models.JSONField(_("vignette"), default=dict)

    class Meta:
        verbose_name = _("case-based set")
        verbose_name_plural = _("case-based sets")
        ordering = ["course_version", "key"]
        constraints = [models.UniqueConstraint(fields=["course_version", "key"], name="caseset_unique_key")]

    def __str__(self) -> str:
        return self.key


class ItemQuerySet(models.QuerySet["Item"]):
    def current(self) -> "ItemQuerySet":
        return self.filter(is_current=True)


class Item(models.Model):
    class Type(models.TextChoices):
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple response")
        TRUEFALSE = "truefalse", _("True/false")

    class Scoring(models.TextChoices):
        ALL_OR_NOTHING = "all_or_nothing", _("All or nothing")
        PARTIAL = "partial", _("Partial credit")

    course_version = models.ForeignKey(
        CourseVersion, on_delete=models.PROTECT, related_name="items", verbose_name=_("course version")
    )
    key = models.CharField(_("key"), max_length=100)
    version = models.PositiveSmallIntegerField(_("item version"), default=1)
    is_current = models.BooleanField(_("current version"), default=True)
    content_hash = models.CharField(_("content hash"), max_length=64, blank=True)
    case = models.ForeignKey(
        CaseSet,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="items",
        verbose_name=_("case-based set"),
    )
    case_position = models.PositiveSmallIntegerField(_("position in the case"), null=True, blank=True)
    module_slug = models.SlugField(_("module"))
    type = models.CharField(_("type"), max_length=20, choices=Type.choices, default=Type.SINGLE)
    scoring = models.CharField(_("scoring"), max_length=20, choices=Scoring.choices, default=Scoring.ALL_OR_NOTHING)
    principles = models.JSONField(_("principles"), default=list)
    difficulty = models.CharField(_("difficulty"), max_length=10, blank=True)
    stem = models.JSONField(_("stem"), default=dict)

    objects = ItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("item")
        verbose_name_plural = _("items")
        ordering = ["course_version", "key", "version"]
        constraints = [
            models.UniqueConstraint(fields=["course_version", "key", "version"], name="item_unique_version"),
            # Exactly one version of an item is drawn from.
            models.UniqueConstraint(
                fields=["course_version", "key"], condition=Q(is_current=True), name="item_one_current_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} v{self.version}"

    def as_spec(self) -> dict:
        """The shape ``courses.scoring.score_item`` reads, with option primary keys as ids."""
        return {
            "type": self.type,
            "scoring": self.scoring,
            "options": [{"id": str(o.pk), "correct": o.correct} for o in self.options.all()],
        }


class Option(models.Model):
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="options", verbose_name=_("item"))
    key = models.CharField(_("key"), max_length=50)
    position = models.PositiveSmallIntegerField(_("position"))
    text = models.JSONField(_("text"), default=dict)
    rationale = models.JSONField(_("rationale"), default=dict)
    correct = models.BooleanField(_("correct"), default=False)

    class Meta:
        verbose_name = _("option")
        verbose_name_plural = _("options")
        ordering = ["item", "position"]
        constraints = [models.UniqueConstraint(fields=["item", "key"], name="option_unique_key")]

    def __str__(self) -> str:
        return str(localized(self.text))


class Assessment(models.Model):
    """
    The final test of a course version under one accreditation (or none): the settings the package's
    accreditation profile does not carry. Pass mark, attempts, cooldown and the module blueprint are read
    from the accreditation.
    """

    class GradingMethod(models.TextChoices):
        HIGHEST = "highest", _("Highest attempt")
        LAST = "last", _("Last attempt")

    class Layout(models.TextChoices):
        ALL = "all", _("All questions on one page")
        PAGED = "paged", _("One question (or case) per page")

    course_version = models.ForeignKey(
        CourseVersion, on_delete=models.PROTECT, related_name="+", verbose_name=_("course version")
    )
    accreditation = models.ForeignKey(
        Accreditation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accreditation"),
    )
    grading_method = models.CharField(
        _("grading method"), max_length=10, choices=GradingMethod.choices, default=GradingMethod.HIGHEST
    )
    layout = models.CharField(_("layout"), max_length=10, choices=Layout.choices, default=Layout.ALL)
    time_limit_minutes = models.PositiveSmallIntegerField(
        _("time limit (minutes)"), null=True, blank=True, help_text=_("Empty: no time limit.")
    )
    grace_minutes = models.PositiveSmallIntegerField(
        _("grace period (minutes)"),
        default=2,
        help_text=_("Answers arriving this long after the time limit still count (slow connections)."),
    )
    principle_quotas = models.JSONField(
        _("principle quotas"),
        default=dict,
        blank=True,
        help_text=_('At least this many drawn items per principle slug, e.g. {"abstinence": 3}.'),
    )
    review = models.JSONField(
        _("review policy"),
        default=review.default_matrix,
        help_text=_("What learners see at each moment: during, right_after, after_close."),
    )
    closes_at = models.DateTimeField(
        _("window closes at"), null=True, blank=True, help_text=_("When the after-close review column applies.")
    )

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["course_version", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["course_version", "accreditation"], name="assessment_unique_accreditation"),
            models.UniqueConstraint(
                fields=["course_version"], condition=Q(accreditation__isnull=True), name="assessment_one_unaccredited"
            ),
        ]

    def __str__(self) -> str:
        accreditation = self.accreditation
        return f"{self.course_version} · {accreditation.key if accreditation is not None else '–'}"

    def clean(self) -> None:
        try:
            review.validate(self.review)
        except ValueError as error:
            raise ValidationError({"review": str(error)}, code="invalid_review") from None
        if not isinstance(self.principle_quotas, dict) or not all(
            isinstance(v, int) and v >= 0 for v in self.principle_quotas.values()
        ):
            raise ValidationError(
                {"principle_quotas": _("Map principle slugs to whole numbers.")}, code="invalid_quotas"
            )


class AttemptQuerySet(models.QuerySet["Attempt"]):
    def for_user(self, user: User) -> "AttemptQuerySet":
        return self.filter(enrollment__user=user)

    def submitted(self) -> "AttemptQuerySet":
        return self.filter(status=Attempt.Status.SUBMITTED)

    def overdue(self, now: object) -> "AttemptQuerySet":
        """Open attempts whose deadline plus grace period has passed."""
        return self.filter(status=Attempt.Status.OPEN, closes_at__lt=now)


class Attempt(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("In progress")
        SUBMITTED = "submitted", _("Submitted")

    class SubmittedBy(models.TextChoices):
        LEARNER = "learner", _("Learner")
        TIME_LIMIT = "time_limit", _("Time limit")

    enrollment = models.ForeignKey(
        Enrollment, on_delete=models.PROTECT, related_name="attempts", verbose_name=_("enrolment")
    )
    assessment = models.ForeignKey(
        Assessment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="attempts",
        verbose_name=_("assessment"),
    )
    number = models.PositiveSmallIntegerField(_("attempt number"))
    seed = models.BigIntegerField(_("draw seed"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    pass_mark = models.PositiveSmallIntegerField(_("pass mark (percent)"))
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    deadline = models.DateTimeField(_("time limit ends"), null=True, blank=True)
    # deadline + grace period: answers after this are refused and the attempt is submitted as saved.
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)
    saved_at = models.DateTimeField(_("last saved at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.CharField(_("submitted by"), max_length=20, choices=SubmittedBy.choices, blank=True)
    score = models.DecimalField(_("score (percent)"), max_digits=5, decimal_places=2, null=True, blank=True)
    passed = models.BooleanField(_("passed"), null=True, blank=True)

    objects = AttemptQuerySet.as_manager()

    class Meta:
        verbose_name = _("attempt")
        verbose_name_plural = _("attempts")
        ordering = ["enrollment", "number"]
        constraints = [
            models.UniqueConstraint(fields=["enrollment", "number"], name="attempt_unique_number"),
            # At most one open attempt per enrolment: two tabs cannot start two.
            models.UniqueConstraint(fields=["enrollment"], condition=Q(status="open"), name="attempt_one_open"),
        ]
        indexes = [models.Index(fields=["status", "closes_at"], name="attempt_overdue_idx")]

    def __str__(self) -> str:
        return f"{self.enrollment} #{self.number}"

    def get_absolute_url(self) -> str:
        return reverse("quizzes:attempt", args=[self.pk])


class AttemptItem(models.Model):
    """One drawn item version in an attempt, in the order shown, with the learner's saved answer and credit."""

    attempt = models.ForeignKey(
        Attempt, on_delete=models.CASCADE, related_name="attempt_items", verbose_name=_("attempt")
    )
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+", verbose_name=_("item"))
    position = models.PositiveSmallIntegerField(_("position"))
    page = models.PositiveSmallIntegerField(_("page"), default=1)
    option_order = models.JSONField(_("option order"), default=list)
    selected = models.JSONField(_("selected options"), default=list)
    flagged = models.BooleanField(_("flagged for review"), default=False)
    credit = models.FloatField(_("credit"), null=True, blank=True)

    class Meta:
        verbose_name = _("attempt item")
        verbose_name_plural = _("attempt items")
        ordering = ["attempt", "position"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "position"], name="attemptitem_unique_position"),
            models.UniqueConstraint(fields=["attempt", "item"], name="attemptitem_no_repeat"),
        ]

    def __str__(self) -> str:
        return f"{self.attempt_id}:{self.position}"


class Accommodation(models.Model):
    """
    Extra time (a multiplier) or no time limit for one learner's enrolment, granted by an organization admin.
    No reason is stored: the admin has seen the evidence; the platform needs only the effect.
    """

    class Kind(models.TextChoices):
        EXTRA_TIME = "extra_time", _("Extra time")
        NO_LIMIT = "no_limit", _("No time limit")

    enrollment = models.OneToOneField(
        Enrollment, on_delete=models.CASCADE, related_name="accommodation", verbose_name=_("enrolment")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.EXTRA_TIME)
    time_multiplier = models.DecimalField(
        _("time multiplier"),
        max_digits=3,
        decimal_places=2,
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(4)],
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("granted by"),
    )
    granted_at = models.DateTimeField(_("granted at"), auto_now=True)

    class Meta:
        verbose_name = _("accommodation")
        verbose_name_plural = _("accommodations")
        constraints = [
            models.CheckConstraint(
                condition=Q(time_multiplier__gte=1) & Q(time_multiplier__lte=4), name="accommodation_multiplier_range"
            )
        ]

    def __str__(self) -> str:
        if self.kind == self.Kind.NO_LIMIT:
            return str(self.Kind.NO_LIMIT.label)
        return f"× {self.time_multiplier}"


class ExtraAttempt(models.Model):
    """One more attempt an organization admin granted a learner who had used every attempt (decision 0605)."""

    enrollment = models.ForeignKey(
        Enrollment, on_delete=models.CASCADE, related_name="extra_attempts", verbose_name=_("enrolment")
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("granted by"),
    )
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("extra attempt")
        verbose_name_plural = _("extra attempts")
        ordering = ["enrollment", "granted_at"]

    def __str__(self) -> str:
        return f"{self.enrollment_id} +1"


class ItemStatistic(models.Model):
    """Classical item analysis of one item version in one assessment, over the attempts that showed it."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="item_statistics", verbose_name=_("assessment")
    )
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="statistics", verbose_name=_("item"))
    responses = models.PositiveIntegerField(_("responses"))
    facility = models.FloatField(_("facility"), null=True)
    discrimination = models.FloatField(_("discrimination (upper − lower 27 %)"), null=True)
    point_biserial = models.FloatField(_("point-biserial"), null=True)
    # option key -> number of attempts that selected it
    distractors = models.JSONField(_("option frequencies"), default=dict)
    flags = models.JSONField(_("flags"), default=list)

    class Meta:
        verbose_name = _("item statistic")
        verbose_name_plural = _("item statistics")
        ordering = ["assessment", "item__key", "item__version"]
        constraints = [models.UniqueConstraint(fields=["assessment", "item"], name="itemstatistic_unique")]
        permissions = [("view_item_analysis", _("Can view the item analysis of any assessment"))]

    def __str__(self) -> str:
        return f"{self.assessment_id}/{self.item_id}"


class AssessmentStatistic(models.Model):
    """Whole-test statistics of an assessment, stored by the debounced analysis task."""

    assessment = models.OneToOneField(
        Assessment, on_delete=models.CASCADE, related_name="statistic", verbose_name=_("assessment")
    )
    attempts = models.PositiveIntegerField(_("attempts"))
    responses = models.PositiveIntegerField(_("responses"))
    mean = models.FloatField(_("mean score (percent)"), null=True)
    sd = models.FloatField(_("standard deviation (percent)"), null=True)
    kr20 = models.FloatField(_("KR-20"), null=True)
    computed_at = models.DateTimeField(_("computed at"))
    seconds = models.FloatField(_("computation time (seconds)"), default=0)

    class Meta:
        verbose_name = _("assessment statistic")
        verbose_name_plural = _("assessment statistics")

    def __str__(self) -> str:
        return f"{self.assessment_id}"
