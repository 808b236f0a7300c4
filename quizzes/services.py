"""Writes to quizzes: importing an item bank, starting and submitting attempts."""

import secrets
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.models import CourseVersion, Enrollment
from courses.packages import Package
from courses.scoring import score_item

from . import blueprint
from .models import Attempt, AttemptItem, Item, Option


class QuizError(Exception):
    """A refused quiz action. ``code`` is machine-readable; ``status`` is the HTTP answer a view gives."""

    def __init__(self, message: str, *, code: str, status: int = 400) -> None:
        super().__init__(message)
        self.message, self.code, self.status = message, code, status


def import_item_bank(version: CourseVersion, package: Package) -> None:
    for data in package.items:
        item = Item.objects.create(
            course_version=version,
            key=data["id"],
            module_slug=data["module"],
            type=data["type"],
            scoring=data["scoring"],
            principles=data["principles"],
            difficulty=data["difficulty"],
            stem=data["stem"],
        )
        Option.objects.bulk_create(
            Option(
                item=item,
                key=str(o["id"]),
                position=pos,
                text=o["text"],
                rationale=o["rationale"],
                correct=bool(o.get("correct")),
            )
            for pos, o in enumerate(data["options"], start=1)
        )


def export_item_bank(version: CourseVersion) -> list[dict]:
    """The bank as package items, in import order."""
    items = Item.objects.filter(course_version=version).prefetch_related("options").order_by("pk")
    return [
        {
            "id": item.key,
            "type": item.type,
            "module": item.module_slug,
            "principles": item.principles,
            "difficulty": item.difficulty,
            "scoring": item.scoring,
            "stem": item.stem,
            "options": [
                {"id": o.key, "correct": o.correct, "text": o.text, "rationale": o.rationale}
                for o in item.options.all()
            ],
        }
        for item in items
    ]


def required_steps_done(enrollment: Enrollment) -> bool:
    from courses.models import Step, StepProgress

    required = Step.objects.filter(module__version=enrollment.course_version_id, required=True).count()
    done = StepProgress.objects.filter(enrollment=enrollment, step__required=True, completed_at__isnull=False).count()
    return done >= required


def check_can_start(enrollment: Enrollment) -> None:
    """Raise :class:`QuizError` when the policy refuses a new attempt now."""
    accreditation = enrollment.accreditation
    attempts = list(enrollment.attempts.order_by("number"))
    if any(a.passed for a in attempts):
        raise QuizError(_("You have passed this test already."), code="already_passed", status=403)
    if not required_steps_done(enrollment):
        raise QuizError(_("Complete all required steps before the final test."), code="steps_open", status=403)
    if accreditation and accreditation.max_attempts and len(attempts) >= accreditation.max_attempts:
        raise QuizError(
            _("You have used all %(count)d attempts for this test.") % {"count": accreditation.max_attempts},
            code="no_attempts_left",
            status=403,
        )
    if accreditation and accreditation.cooldown_hours and attempts and attempts[-1].submitted_at:
        ready_at = attempts[-1].submitted_at + timedelta(hours=accreditation.cooldown_hours)
        if timezone.now() < ready_at:
            raise QuizError(
                _("You can start the next attempt at %(time)s.")
                % {"time": timezone.localtime(ready_at).strftime("%d.%m.%Y %H:%M")},
                code="cooldown",
                status=403,
            )


@transaction.atomic
def start_attempt(enrollment: Enrollment) -> Attempt:
    """Return the open attempt, or draw a new one by the blueprint with a fresh stored seed."""
    enrollment = (
        Enrollment.objects.select_for_update(of=("self",)).select_related("accreditation").get(pk=enrollment.pk)
    )
    open_attempt = enrollment.attempts.filter(status=Attempt.Status.OPEN).first()
    if open_attempt is not None:
        return open_attempt
    check_can_start(enrollment)
    accreditation = enrollment.accreditation
    items = {
        i.key: i for i in Item.objects.filter(course_version=enrollment.course_version_id).prefetch_related("options")
    }
    bank: dict[str, list[str]] = {}
    for item in items.values():
        bank.setdefault(item.module_slug, []).append(item.key)
    seed = secrets.randbits(62)
    keys = blueprint.draw(bank, accreditation.blueprint if accreditation else {}, seed)
    number = enrollment.attempts.count() + 1
    try:
        with transaction.atomic():
            attempt = Attempt.objects.create(
                enrollment=enrollment, number=number, seed=seed, pass_mark=enrollment.pass_mark
            )
    except IntegrityError:
        return enrollment.attempts.get(status=Attempt.Status.OPEN)
    rows = []
    for position, key in enumerate(keys, start=1):
        item = items[key]
        option_ids = [o.pk for o in item.options.all()]
        order = option_ids if item.type == Item.Type.TRUEFALSE else blueprint.option_order(option_ids, seed, position)
        rows.append(AttemptItem(attempt=attempt, item=item, position=position, option_order=order))
    AttemptItem.objects.bulk_create(rows)
    return attempt


def parse_answers(attempt: Attempt, post: dict[str, list[str]]) -> dict[int, list[int]]:
    """Map attempt-item ids to selected option ids, refusing anything that is not part of this attempt."""
    allowed = {ai.pk: set(ai.option_order) for ai in attempt.attempt_items.all()}
    answers: dict[int, list[int]] = {}
    for field_name, values in post.items():
        if not field_name.startswith("item-"):
            continue
        try:
            attempt_item_id = int(field_name.removeprefix("item-"))
            option_ids = [int(v) for v in values]
        except ValueError:
            raise QuizError(_("The answers sent are malformed."), code="malformed") from None
        if attempt_item_id not in allowed:
            raise QuizError(_("An answer refers to a question that is not part of this attempt."), code="foreign_item")
        if not set(option_ids) <= allowed[attempt_item_id]:
            raise QuizError(
                _("An answer refers to an option that does not belong to its question."), code="foreign_option"
            )
        answers[attempt_item_id] = option_ids
    return answers


@transaction.atomic
def submit_attempt(attempt: Attempt, *, answers: dict[int, list[int]]) -> Attempt:
    """Grade on the server, once. A second submit (double click, second tab) returns the first result."""
    attempt = Attempt.objects.select_for_update().get(pk=attempt.pk)
    if attempt.status == Attempt.Status.SUBMITTED:
        return attempt
    attempt_items = list(attempt.attempt_items.select_related("item").prefetch_related("item__options"))
    total = 0.0
    for attempt_item in attempt_items:
        selected = answers.get(attempt_item.pk, [])
        attempt_item.selected = sorted(selected)
        attempt_item.credit = score_item(attempt_item.item.as_spec(), [str(s) for s in selected]) if selected else 0.0
        total += attempt_item.credit
    AttemptItem.objects.bulk_update(attempt_items, ["selected", "credit"])
    score = (
        Decimal(100 * total / len(attempt_items)).quantize(Decimal("0.01"), ROUND_HALF_UP)
        if attempt_items
        else Decimal(0)
    )
    attempt.score = score
    attempt.passed = score >= attempt.pass_mark
    attempt.status = Attempt.Status.SUBMITTED
    attempt.submitted_at = timezone.now()
    attempt.save(update_fields=["score", "passed", "status", "submitted_at"])
    return attempt
