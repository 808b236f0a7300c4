"""
The final knowledge check (LEK): the item bank of a course version and learners' attempts.

Items belong to an immutable course version, so an attempt always points at exactly the wording it showed.
"""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from courses.i18n import localized
from courses.models import CourseVersion, Enrollment


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
    module_slug = models.SlugField(_("module"))
    type = models.CharField(_("type"), max_length=20, choices=Type.choices, default=Type.SINGLE)
    scoring = models.CharField(_("scoring"), max_length=20, choices=Scoring.choices, default=Scoring.ALL_OR_NOTHING)
    principles = models.JSONField(_("principles"), default=list)
    difficulty = models.CharField(_("difficulty"), max_length=10, blank=True)
    stem = models.JSONField(_("stem"), default=dict)

    class Meta:
        verbose_name = _("item")
        verbose_name_plural = _("items")
        ordering = ["course_version", "key"]
        constraints = [models.UniqueConstraint(fields=["course_version", "key"], name="item_unique_key")]

    def __str__(self) -> str:
        return self.key

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


class AttemptQuerySet(models.QuerySet["Attempt"]):
    def for_user(self, user: object) -> "AttemptQuerySet":
        return self.filter(enrollment__user=user)


class Attempt(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("In progress")
        SUBMITTED = "submitted", _("Submitted")

    enrollment = models.ForeignKey(
        Enrollment, on_delete=models.PROTECT, related_name="attempts", verbose_name=_("enrolment")
    )
    number = models.PositiveSmallIntegerField(_("attempt number"))
    seed = models.BigIntegerField(_("draw seed"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    pass_mark = models.PositiveSmallIntegerField(_("pass mark (percent)"))
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
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

    def __str__(self) -> str:
        return f"{self.enrollment} #{self.number}"

    def get_absolute_url(self) -> str:
        return reverse("quizzes:attempt", args=[self.pk])


class AttemptItem(models.Model):
    """One drawn item in an attempt, in the order shown, with the learner's answer once submitted."""

    attempt = models.ForeignKey(
        Attempt, on_delete=models.CASCADE, related_name="attempt_items", verbose_name=_("attempt")
    )
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+", verbose_name=_("item"))
    position = models.PositiveSmallIntegerField(_("position"))
    option_order = models.JSONField(_("option order"), default=list)
    selected = models.JSONField(_("selected options"), default=list)
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
