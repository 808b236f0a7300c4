"""Writes of a learner's enrolment: enrolment, step progress, vignette choices, reflections, formative checks."""

from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import DateTimeField, F, Func, IntegerField, Value
from django.db.models.functions import Least
from django.utils import timezone
from django.utils.translation import gettext as _

from config.text import validate_text
from courses import vignettes
from courses.models import Accreditation, CourseVersion, Step
from courses.scoring import score_item
from courses.validity import refusal_outside_window

from .. import evaluation
from ..errors import EnrolmentError
from ..models import Enrollment, EvaluationResponse, Reflection, StepProgress, VignetteChoice
from .reflection_log import forget_logs


@transaction.atomic
def enroll(version: CourseVersion, *, user: Any, accreditation: Accreditation | None = None) -> Enrollment:
    """Enrol the user in a version (idempotent: enrolling twice returns the same enrolment)."""
    if version.status != CourseVersion.Status.PUBLISHED:
        raise EnrolmentError(_("This course version is not open for enrolment."), code="not_published")
    if accreditation is None:
        # Self-enrolment gets only an accreditation its holder opened for it (decision 0706); cohorts pass theirs.
        # Only the course's owner's (for a public course: the package's own, held by nobody; decision 0310).
        accreditation = (
            version.accreditations.filter(open_for_self_enrolment=True, holder_id=version.course.organization_id)
            .order_by("-is_default", "pk")
            .first()
        )
    if accreditation is not None:
        refusal = refusal_outside_window(accreditation, on=timezone.localdate(), action="enrol")
        if refusal:
            raise EnrolmentError(refusal, code="outside_validity")
    try:
        with transaction.atomic():
            enrollment, _created = Enrollment.objects.live().get_or_create(
                user=user, course_version=version, defaults={"accreditation": accreditation}
            )
    except IntegrityError:
        # A concurrent request created it between our read and write.
        enrollment = Enrollment.objects.live().get(user=user, course_version=version)
    return enrollment


def _accreditation_in(version: CourseVersion, old: Accreditation | None) -> Accreditation | None:
    """The same accreditation in another version: same key and holder; else what self-enrolment gets."""
    if old is not None and old.course_version_id == version.pk:
        return old
    if old is not None:
        same = version.accreditations.filter(key=old.key, holder_id=old.holder_id).first()
        if same is not None:
            return same
    return (
        version.accreditations.filter(open_for_self_enrolment=True, holder_id=version.course.organization_id)
        .order_by("-is_default", "pk")
        .first()
    )


@transaction.atomic
def enrol_again(enrollment: Enrollment) -> Enrollment:
    """End the enrolment and start a fresh one in the course's current version (decision 0605).

    The ended enrolment keeps its progress, attempts and reflections as a record; it leaves its cohort, which
    the fresh enrolment takes when the cohort runs the current version. Calling again returns the fresh one.
    Whether the learner may do this is the caller's policy (the final test's, after the last attempt).
    """
    locked = (
        Enrollment.objects.select_for_update(of=("self",))
        .select_related("accreditation", "cohort", "course_version__course")
        .get(pk=enrollment.pk)
    )
    course = locked.course_version.course
    if locked.status == Enrollment.Status.ENDED:
        fresh = (
            Enrollment.objects.live()
            .filter(user_id=locked.user_id, course_version__course=course)
            .order_by("-enrolled_at")
            .first()
        )
        if fresh is not None:
            return fresh
    version = CourseVersion.objects.current().filter(course=course).select_related("course").first()
    if version is None:
        raise EnrolmentError(_("This course is not open for enrolment any more."), code="not_published")
    accreditation = _accreditation_in(version, locked.accreditation)
    if accreditation is not None:
        refusal = refusal_outside_window(accreditation, on=timezone.localdate(), action="enrol")
        if refusal:
            raise EnrolmentError(refusal, code="outside_validity")
    cohort = locked.cohort if locked.cohort and locked.cohort.course_version_id == version.pk else None
    locked.status = Enrollment.Status.ENDED
    locked.cohort = None
    locked.save(update_fields=["status", "cohort"])
    existing = Enrollment.objects.live().filter(user_id=locked.user_id, course_version=version).first()
    if existing is not None:  # already enrolled in the newer version on their own
        return existing
    return Enrollment.objects.create(
        user_id=locked.user_id,
        course_version=version,
        accreditation=accreditation,
        organization_id=locked.organization_id,
        cohort=cohort,
    )


def _progress(enrollment: Enrollment, step: Step) -> StepProgress:
    progress, _created = StepProgress.objects.get_or_create(enrollment=enrollment, step=step)
    return progress


IDLE_CAP = timedelta(minutes=5)
HEARTBEAT_CAP = timedelta(seconds=90)


def visit_step(enrollment: Enrollment, step: Step, *, now: datetime | None = None) -> None:
    """Remember where the learner is (for resuming) and account active time on the step they came from.

    No reads: one conditional UPDATE adds the time on the step left, one upsert marks this step as seen, and
    'last visited' is written only when it changes (one to three statements; decision 0411), in one
    transaction (one commit).
    """
    now = now or timezone.now()
    previous_id = enrollment.last_step_id
    added = 0
    # One transaction: one commit (one WAL flush on PostgreSQL) per page view instead of up to three.
    with transaction.atomic():
        if previous_id is not None:
            added = _add_active_time(enrollment, previous_id, now=now, cap=IDLE_CAP)
        if not (added and previous_id == step.pk):  # a reload that added time has set last_seen_at already
            StepProgress.objects.bulk_create(
                [StepProgress(enrollment=enrollment, step=step, last_seen_at=now)],
                update_conflicts=True,
                unique_fields=["enrollment", "step"],
                update_fields=["last_seen_at"],
            )
        if previous_id != step.pk:
            Enrollment.objects.filter(pk=enrollment.pk).update(last_step=step)
            enrollment.last_step = step


def heartbeat(enrollment: Enrollment, step: Step, *, now: datetime | None = None) -> None:
    """A visible, active page says it is still being read; gaps longer than the cap count only up to it."""
    now = now or timezone.now()
    if not _add_active_time(enrollment, step.pk, now=now, cap=HEARTBEAT_CAP):
        StepProgress.objects.filter(enrollment=enrollment, step=step).update(last_seen_at=now)


class _SecondsSince(Func):
    """Whole seconds from a timestamp column to a given moment (the moment minus the column, floored)."""

    output_field = IntegerField()
    # PostgreSQL: the moment minus the column is an interval.
    template = "FLOOR(EXTRACT(EPOCH FROM (%(expressions)s)))"
    arg_joiner = " - "

    def __init__(self, moment: datetime, column: str) -> None:
        super().__init__(Value(moment, output_field=DateTimeField()), F(column))

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # Django's SQLite connection registers django_timestamp_diff (microseconds between two timestamps).
        return super().as_sql(
            compiler,
            connection,
            template="(django_timestamp_diff(%(expressions)s) / 1000000)",
            arg_joiner=", ",
            **extra,
        )


def _add_active_time(enrollment: Enrollment, step_id: int, *, now: datetime, cap: timedelta) -> int:
    """Add the whole seconds since the step was last seen (at most ``cap``) and mark it seen now, in one
    conditional UPDATE; nothing happens when it was never seen or less than a second ago. Returns the rows
    changed (0 or 1)."""
    return StepProgress.objects.filter(
        enrollment=enrollment, step_id=step_id, last_seen_at__lte=now - timedelta(seconds=1)
    ).update(
        active_seconds=F("active_seconds") + Least(_SecondsSince(now, "last_seen_at"), Value(int(cap.total_seconds()))),
        last_seen_at=now,
    )


@transaction.atomic
def complete_step(enrollment: Enrollment, step: Step) -> StepProgress:
    progress = _progress(enrollment, step)
    if progress.completed_at is None:
        progress.completed_at = timezone.now()
        progress.save(update_fields=["completed_at"])
    return progress


def vignette_path(enrollment: Enrollment, step: Step, path: int) -> dict[str, vignettes.Answer]:
    return {
        c.node: vignettes.Answer(c.option, c.correct)
        for c in VignetteChoice.objects.filter(enrollment=enrollment, step=step, path=path)
    }


def current_path_number(enrollment: Enrollment, step: Step) -> int:
    path = StepProgress.objects.filter(enrollment=enrollment, step=step).values_list("path", flat=True).first()
    return path or 1


@transaction.atomic
def choose(enrollment: Enrollment, step: Step, *, node: str, selected: list[str]) -> VignetteChoice:
    """Record the learner's answer at the node the current path waits on; anything else is refused."""
    graph = step.data
    path = current_path_number(enrollment, step)
    answers = vignette_path(enrollment, step, path)
    state = vignettes.walk(graph, answers)
    if state.pending != node:
        raise EnrolmentError(_("This decision is not open on your current path."), code="not_pending")
    spec = graph["nodes"][node]
    if spec["type"] == "decision":
        option_ids = {o["id"] for o in spec["options"]}
        if len(selected) != 1 or selected[0] not in option_ids:
            raise EnrolmentError(_("Choose one of the options shown."), code="invalid_option")
        option, correct = selected[0], None
    else:
        item = step.formative_items()[spec["item"]]
        option_ids = {o["id"] for o in item["options"]}
        if not selected or not set(selected) <= option_ids:
            raise EnrolmentError(_("Choose an answer from the options shown."), code="invalid_option")
        option, correct = ",".join(sorted(selected)), score_item(item, selected) == 1.0
    try:
        with transaction.atomic():
            choice = VignetteChoice.objects.create(
                enrollment=enrollment, step=step, path=path, node=node, option=option, correct=correct
            )
    except IntegrityError:
        # A double click: the first request already answered this node on this path.
        raise EnrolmentError(_("This decision is not open on your current path."), code="not_pending") from None
    if vignettes.walk(graph, {**answers, node: vignettes.Answer(choice.option, choice.correct)}).finished:
        complete_step(enrollment, step)
    return choice


@transaction.atomic
def restart_vignette(enrollment: Enrollment, step: Step) -> int:
    """Start another path; earlier paths stay stored and are shown in the debrief."""
    progress = _progress(enrollment, step)
    if VignetteChoice.objects.filter(enrollment=enrollment, step=step, path=progress.path).exists():
        progress.path += 1
        progress.save(update_fields=["path"])
    return progress.path


def _checked_text(text: str, *, kind: str, field: str) -> str:
    """A learner's free text within its limit and without control characters (decision 0800)."""
    try:
        validate_text(text, kind=kind)
    except ValidationError as error:
        raise EnrolmentError(error.messages[0], code=error.code or "invalid_text", field=field) from None
    return text.strip()


@transaction.atomic
def save_reflection(enrollment: Enrollment, step: Step, *, text: str) -> Reflection:
    text = _checked_text(text, kind="reflection", field="text")
    if not text:
        raise EnrolmentError(_("Write a few words before saving."), code="empty")
    reflection, _created = Reflection.objects.update_or_create(
        enrollment=enrollment, step=step, defaults={"text": text}
    )
    complete_step(enrollment, step)
    return reflection


@transaction.atomic
def answer_check(enrollment: Enrollment, step: Step, *, answers: dict[str, list[str]]) -> StepProgress:
    """Store a formative module check; it is ungraded and completes the step once every item is answered."""
    items = step.formative_items()
    for item_id, selected in answers.items():
        listed = item_id in step.data["items"] and item_id in items
        option_ids = {o["id"] for o in items[item_id]["options"]} if listed else set()
        if not listed or not selected or not set(selected) <= option_ids:
            raise EnrolmentError(
                _("An answer refers to an option that is not part of this check."), code="invalid_option"
            )
    missing = [item_id for item_id in step.data["items"] if item_id not in answers]
    if missing:
        raise EnrolmentError(_("Answer every question of the check."), code="incomplete")
    progress = _progress(enrollment, step)
    progress.answers = {item_id: sorted(selected) for item_id, selected in answers.items()}
    progress.completed_at = progress.completed_at or timezone.now()
    progress.save(update_fields=["answers", "completed_at"])
    return progress


@transaction.atomic
def submit_evaluation(enrollment: Enrollment, *, answers: dict[str, int], comment: str = "") -> EvaluationResponse:
    """Store the evaluation anonymously and mark the enrolment as evaluated; once per enrolment."""
    enrollment = Enrollment.objects.select_for_update(of=("self",)).get(pk=enrollment.pk)
    if enrollment.evaluated_at is not None:
        raise EnrolmentError(_("You have submitted the evaluation already. Thank you!"), code="evaluated")
    comment = _checked_text(comment, kind="comment", field="comment")
    keys = {key for key, _text in evaluation.ITEMS}
    values = {value for value, _label in evaluation.LIKERT}
    if set(answers) != keys or not set(answers.values()) <= values:
        raise EnrolmentError(_("Answer every statement on the scale shown."), code="incomplete")
    now = timezone.now()
    response = EvaluationResponse.objects.create(
        course_version_id=enrollment.course_version_id,
        answers=answers,
        comment=comment,
        submitted_month=now.date().replace(day=1),
    )
    enrollment.evaluated_at = now
    enrollment.save(update_fields=["evaluated_at"])
    return response


def forget_reflections(user: Any, *, by: Any) -> None:
    """Erasure hook: reflections are private notes, not records, so they go with the person."""
    enrollment_ids = list(Enrollment.objects.filter(user=user).values_list("pk", flat=True))
    Reflection.objects.filter(enrollment__user=user).delete()
    for enrollment_id in enrollment_ids:
        forget_logs(enrollment_id)


def check_completion_window(enrollment: Enrollment, *, on: date | None = None) -> None:
    """Raise ``EnrolmentError(code="outside_validity")`` when completing today falls outside the window."""
    accreditation = enrollment.accreditation  # None without a query when the id is empty
    if accreditation is None:
        return
    message = refusal_outside_window(accreditation, on=on or timezone.localdate(), action="complete")
    if message:
        raise EnrolmentError(message, code="outside_validity")
