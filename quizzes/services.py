"""
Writes to attempts: start (draw by blueprint), save answers, submit (grade once, on the server), submit
overdue attempts, and grant accommodations.

Every write locks the attempt row (``select_for_update``) inside a transaction, so a double submit, two tabs,
an autosave racing a submit, or a submit racing the time limit end in exactly one graded result, and an
answer that was saved is never lost. Grading reads only stored selections.
"""

import json
import secrets
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import partial
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Prefetch
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from courses import opaque
from courses.i18n import localized
from courses.scoring import score_item
from enrolments.models import Enrollment
from enrolments.selectors import Progress, active_time_missing, required_steps_done
from organizations.permissions import can_manage

from . import blueprint, selectors
from .errors import QuizError
from .models import Accommodation, Assessment, Attempt, AttemptItem, CaseSet, Item, Option

__all__ = ["QuizError"]


@dataclass
class Answers:
    """Parsed answer form: selections per attempt item, the items the form showed, and review flags.

    A form sends opaque option values (``values``), which are checked against the attempt and turned into
    option primary keys (``selected``); callers inside the server may give ``selected`` directly.
    """

    selected: dict[int, list[int]] = field(default_factory=dict)
    values: dict[int, list[str]] = field(default_factory=dict)
    # Items on the form: one of them with no selection was cleared by the learner.
    shown: set[int] = field(default_factory=set)
    # None when the form carried no flags (an API call); otherwise the flagged items among ``shown``.
    flagged: set[int] | None = None

    @classmethod
    def of(cls, value: "Answers | Mapping[int, Sequence[int]] | None") -> "Answers":
        if isinstance(value, Answers):
            return value
        selected = {int(k): [int(o) for o in v] for k, v in (value or {}).items()}
        return cls(selected=selected, shown=set(selected))

    def __bool__(self) -> bool:
        return bool(self.selected or self.values or self.shown or self.flagged)


def _ids(values: Iterable[str]) -> list[int]:
    try:
        return [int(v) for v in values]
    except ValueError:
        raise QuizError(_("The answers sent are malformed."), code="malformed") from None


def parse_form(post: Mapping[str, list[str]]) -> Answers:
    """Read ``item-<id>``, ``shown`` and ``flag`` fields; checks against the attempt happen when saving."""
    answers = Answers(shown=set(_ids(post.get("shown", []))))
    if "shown" in post:
        answers.flagged = set(_ids(post.get("flag", [])))
    for name, values in post.items():
        if name.startswith("item-"):
            (attempt_item_id,) = _ids([name.removeprefix("item-")])
            answers.values[attempt_item_id] = [str(v)[:64] for v in values]
    return answers


def parse_answers(attempt: Attempt, post: Mapping[str, list[str]]) -> Answers:
    """Parse a form and check it against the attempt's items and options (raises :class:`QuizError`)."""
    answers = parse_form(post)
    _check(answers, _load_items(attempt))
    return answers


def _foreign_option() -> QuizError:
    return QuizError(_("An answer refers to an option that does not belong to its question."), code="foreign_option")


def _check(answers: Answers, attempt_items: Sequence[AttemptItem]) -> None:
    by_id = {ai.pk: ai for ai in attempt_items}
    referenced = set(answers.selected) | set(answers.values) | answers.shown | (answers.flagged or set())
    if not referenced <= set(by_id):
        raise QuizError(_("An answer refers to a question that is not part of this attempt."), code="foreign_item")
    for attempt_item_id, values in answers.values.items():
        attempt_item = by_id[attempt_item_id]
        option_ids = opaque.resolve(selectors.option_scope(attempt_item), attempt_item.option_order, values)
        if option_ids is None:
            raise _foreign_option()
        answers.selected[attempt_item_id] = option_ids
    answers.values = {}
    for attempt_item_id, option_ids in answers.selected.items():
        attempt_item = by_id[attempt_item_id]
        if not set(option_ids) <= set(attempt_item.option_order):
            raise _foreign_option()
        if attempt_item.item.type != Item.Type.MULTIPLE and len(option_ids) > 1:
            raise QuizError(
                _("Question %(number)d takes one answer only.") % {"number": attempt_item.position},
                code="one_answer_only",
            )


def _apply(answers: Answers, attempt_items: Sequence[AttemptItem]) -> list[AttemptItem]:
    """Merge the form into the stored answers; items the form did not carry keep what was saved."""
    changed = []
    for attempt_item in attempt_items:
        pk = attempt_item.pk
        if pk not in answers.selected and pk not in answers.shown:
            continue
        attempt_item.selected = sorted(set(answers.selected.get(pk, [])))
        if answers.flagged is not None:
            attempt_item.flagged = pk in answers.flagged
        changed.append(attempt_item)
    return changed


# Policy -----------------------------------------------------------------------------------------------


def assessment_for(enrollment: Enrollment) -> Assessment:
    """The enrolment's assessment, created with defaults for versions imported before assessments existed."""
    assessment, _created = Assessment.objects.get_or_create(
        course_version_id=enrollment.course_version_id, accreditation_id=enrollment.accreditation_id
    )
    return assessment


def time_allowed(assessment: Assessment, accommodation: Accommodation | None) -> timedelta | None:
    if not assessment.time_limit_minutes:
        return None
    if accommodation is None:
        return timedelta(minutes=assessment.time_limit_minutes)
    if accommodation.kind == Accommodation.Kind.NO_LIMIT:
        return None
    return timedelta(minutes=float(assessment.time_limit_minutes * accommodation.time_multiplier))


def _set_deadline(attempt: Attempt, assessment: Assessment, accommodation: Accommodation | None) -> None:
    allowed = time_allowed(assessment, accommodation)
    if not allowed:
        attempt.deadline = attempt.closes_at = None
        return
    attempt.deadline = attempt.started_at + allowed
    attempt.closes_at = attempt.deadline + timedelta(minutes=assessment.grace_minutes)


def _when(moment: datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


def check_can_start(
    enrollment: Enrollment,
    *,
    now: datetime | None = None,
    attempts: list[Attempt] | None = None,
    progress: Progress | None = None,
) -> None:
    """Raise :class:`QuizError` when the policy refuses a new attempt now.

    A page that has read the enrolment's attempts (in order of their number) and its progress already passes
    them in; starting an attempt reads them here, under its lock."""
    now = now or timezone.now()
    accreditation = enrollment.accreditation
    attempts = list(enrollment.attempts.order_by("number")) if attempts is None else attempts
    if any(a.passed for a in attempts):
        raise QuizError(_("You have passed this test already."), code="already_passed", status=403)
    if not required_steps_done(enrollment, progress):
        raise QuizError(_("Complete all required steps before the final test."), code="steps_open", status=403)
    missing = active_time_missing(enrollment, progress)
    if missing:
        modules = "; ".join(
            ngettext("%(module)s: %(minutes)d more minute", "%(module)s: %(minutes)d more minutes", row.missing_minutes)
            % {"module": localized(row.module.title), "minutes": row.missing_minutes}
            for row in missing
        )
        raise QuizError(
            _(
                "This accreditation asks for active time in each module before the final test. "
                "Still missing: %(modules)s."
            )
            % {"modules": modules},
            code="active_time",
            status=403,
        )
    if accreditation and accreditation.max_attempts and len(attempts) >= accreditation.max_attempts:
        raise QuizError(
            _("You have used all %(count)d attempts for this test; no further attempt is possible.")
            % {"count": accreditation.max_attempts},
            code="no_attempts_left",
            status=403,
        )
    if accreditation and accreditation.cooldown_hours and attempts and attempts[-1].submitted_at:
        ready_at = attempts[-1].submitted_at + timedelta(hours=accreditation.cooldown_hours)
        if now < ready_at:
            raise QuizError(
                _(
                    "There is a waiting time of %(hours)d hours between attempts. "
                    "You can start the next attempt on %(time)s."
                )
                % {"hours": accreditation.cooldown_hours, "time": _when(ready_at)},
                code="cooldown",
                status=403,
            )


# Attempts ---------------------------------------------------------------------------------------------


def _units(items: Iterable[Item]) -> list[blueprint.Unit]:
    singles: list[blueprint.Unit] = []
    cases: dict[CaseSet, list[Item]] = {}
    for item in items:
        case = item.case  # None without a query for a loose item
        if case is None:
            singles.append(blueprint.Unit(item.key, item.module_slug, (item.key,), _tags([item])))
        else:
            cases.setdefault(case, []).append(item)
    for case, members in cases.items():
        members.sort(key=lambda i: (i.case_position or 0, i.key))
        units_items = tuple(i.key for i in members)
        singles.append(blueprint.Unit(f"case:{case.key}", case.module_slug, units_items, _tags(members)))
    return singles


def _tags(items: Iterable[Item]) -> Counter:
    return Counter(p for item in items for p in item.principles)


def start_attempt(enrollment: Enrollment) -> Attempt:
    """Return the open attempt, or draw a new one by the blueprint with a fresh stored seed."""
    # An open attempt whose time ran out is submitted first, in its own transaction, so that the grading
    # stays even when the policy then refuses a new attempt.
    open_attempt = Attempt.objects.filter(enrollment=enrollment, status=Attempt.Status.OPEN).first()
    if open_attempt is not None:
        submit_if_overdue(open_attempt)
    return _start_attempt(enrollment)


@transaction.atomic
def _start_attempt(enrollment: Enrollment) -> Attempt:
    enrollment = (
        Enrollment.objects.select_for_update(of=("self",)).select_related("accreditation").get(pk=enrollment.pk)
    )
    open_attempt = enrollment.attempts.filter(status=Attempt.Status.OPEN).first()
    if open_attempt is not None:
        return open_attempt
    check_can_start(enrollment)
    accreditation = enrollment.accreditation
    assessment = assessment_for(enrollment)
    # The draw reads keys, modules, principles, cases and option ids; not the wording (docs/PERFORMANCE.md).
    options = Option.objects.only("pk", "item_id", "position")
    items = {
        i.key: i
        for i in Item.objects.current()
        .filter(course_version=enrollment.course_version_id)
        .select_related("case")
        .defer("stem", "case__stem")
        .prefetch_related(Prefetch("options", queryset=options))
    }
    seed = secrets.randbits(62)
    try:
        keys = blueprint.draw(
            _units(items.values()),
            seed=seed,
            modules=accreditation.blueprint if accreditation else None,
            principles=assessment.principle_quotas,
            total=None if accreditation is None or accreditation.blueprint else accreditation.draw,
        )
    except blueprint.BlueprintError as error:
        raise QuizError(
            _("This test cannot be drawn from its item bank (%(reason)s). Please tell the course team.")
            % {"reason": error},
            code="blueprint",
            status=409,
        ) from None
    number = enrollment.attempts.count() + 1
    try:
        with transaction.atomic():
            attempt = Attempt.objects.create(
                enrollment=enrollment, assessment=assessment, number=number, seed=seed, pass_mark=enrollment.pass_mark
            )
    except IntegrityError:
        return enrollment.attempts.get(status=Attempt.Status.OPEN)
    accommodation = Accommodation.objects.filter(enrollment=enrollment).first()
    _set_deadline(attempt, assessment, accommodation)
    if attempt.deadline:
        attempt.save(update_fields=["deadline", "closes_at"])
    rows, page, previous_case = [], 0, object()
    for position, key in enumerate(keys, start=1):
        item = items[key]
        # One page per unit: a case-based set shares a page.
        if assessment.layout == Assessment.Layout.PAGED and (item.case_id is None or item.case_id != previous_case):
            page += 1
        previous_case = item.case_id
        # Every type is shuffled, true/false too: "true" first every time would be a pattern to learn.
        order = blueprint.option_order([o.pk for o in item.options.all()], seed, position)
        rows.append(AttemptItem(attempt=attempt, item=item, position=position, page=max(page, 1), option_order=order))
    AttemptItem.objects.bulk_create(rows)
    return attempt


def _store(attempt_items: Sequence[AttemptItem], fields: list[str]) -> None:
    """Write the given fields of an attempt's rows in one UPDATE.

    ``bulk_update`` builds a CASE expression per row and field: 12 ms of Python for the 20 rows of a submit,
    most of its time (docs/PERFORMANCE.md). PostgreSQL takes the rows as a VALUES list instead.
    """
    if not attempt_items:
        return
    if connection.vendor != "postgresql":
        AttemptItem.objects.bulk_update(attempt_items, fields)
        return
    meta = AttemptItem._meta
    casts = {"selected": "jsonb", "flagged": "boolean", "credit": "double precision"}
    column_of = {field.name: field.column for field in meta.concrete_fields}
    columns = [column_of[name] for name in fields]
    row = "(%s::bigint, " + ", ".join(f"%s::{casts[name]}" for name in fields) + ")"
    params: list[Any] = []
    for attempt_item in attempt_items:
        params.append(attempt_item.pk)
        for name in fields:
            value = getattr(attempt_item, name)
            params.append(json.dumps(value) if name == "selected" else value)
    assignments = ", ".join(f'"{column}" = v."{column}"' for column in columns)
    names = ", ".join(f'"{column}"' for column in columns)
    sql = (
        f'UPDATE "{meta.db_table}" AS t SET {assignments} '  # noqa: S608 - names from _meta, values are parameters
        f"FROM (VALUES {', '.join([row] * len(attempt_items))}) AS v(id, {names}) WHERE t.id = v.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _lock(attempt: Attempt) -> Attempt:
    return Attempt.objects.select_for_update().get(pk=attempt.pk)


def _load_items(attempt: Attempt) -> list[AttemptItem]:
    # Checks and grading read types, keys and option ids, not the wording: stems and option texts are JSON
    # in every language, and decoding them was a third of a submit (docs/PERFORMANCE.md).
    options = Option.objects.only("pk", "item_id", "position", "correct")
    return list(
        AttemptItem.objects.filter(attempt=attempt)
        .select_related("item")
        .defer("item__stem")
        .prefetch_related(Prefetch("item__options", queryset=options))
    )


def is_overdue(attempt: Attempt, now: datetime | None = None) -> bool:
    return (
        attempt.status == Attempt.Status.OPEN
        and attempt.closes_at is not None
        and (now or timezone.now()) > attempt.closes_at
    )


def _time_up() -> QuizError:
    return QuizError(
        _("The time limit has passed: answers sent after it were not saved. Your saved answers have been graded."),
        code="time_up",
        status=403,
    )


def _submitted() -> QuizError:
    return QuizError(
        _("This attempt has been submitted; its answers can no longer change."), code="submitted", status=403
    )


def save_answers(attempt: Attempt, *, answers: Answers | Mapping[int, Sequence[int]]) -> Attempt:
    """Store answers without grading (autosave, page navigation). Refused once submitted or past the time."""
    answers = Answers.of(answers)
    now = timezone.now()
    with transaction.atomic():
        locked = _lock(attempt)
        if locked.status == Attempt.Status.SUBMITTED:
            refusal = _submitted()
        elif is_overdue(locked, now):
            # The attempt ends here, as saved; the late answers are refused after the grading is stored.
            _grade(locked, _load_items(locked), by=Attempt.SubmittedBy.TIME_LIMIT, now=now)
            refusal = _time_up()
        else:
            attempt_items = _load_items(locked)
            _check(answers, attempt_items)
            _store(_apply(answers, attempt_items), ["selected", "flagged"])
            locked.saved_at = now
            locked.save(update_fields=["saved_at"])
            return locked
    raise refusal


def submit_attempt(
    attempt: Attempt,
    *,
    answers: Answers | Mapping[int, Sequence[int]] | None = None,
    by: str = Attempt.SubmittedBy.LEARNER,
) -> Attempt:
    """Grade on the server, once. A second submit (double click, second tab) returns the first result.

    Answers sent with the submit are merged into the saved ones first. Past the time limit plus grace, the
    saved answers are graded and the late ones refused with ``time_up``.
    """
    answers = Answers.of(answers)
    now = timezone.now()
    with transaction.atomic():
        locked = _lock(attempt)
        if locked.status == Attempt.Status.SUBMITTED:
            return locked
        attempt_items = _load_items(locked)
        late = is_overdue(locked, now)
        if not late:
            _check(answers, attempt_items)
            _apply(answers, attempt_items)
        _grade(locked, attempt_items, by=Attempt.SubmittedBy.TIME_LIMIT if late else by, now=now)
    if late and answers:
        raise _time_up()
    return locked


def _grade(attempt: Attempt, attempt_items: list[AttemptItem], *, by: str, now: datetime) -> None:
    total = 0.0
    for attempt_item in attempt_items:
        selected = [str(s) for s in attempt_item.selected]
        attempt_item.credit = score_item(attempt_item.item.as_spec(), selected) if selected else 0.0
        total += attempt_item.credit
    _store(attempt_items, ["selected", "flagged", "credit"])
    score = (
        Decimal(100 * total / len(attempt_items)).quantize(Decimal("0.01"), ROUND_HALF_UP)
        if attempt_items
        else Decimal(0)
    )
    attempt.score = score
    attempt.passed = score >= attempt.pass_mark
    attempt.status = Attempt.Status.SUBMITTED
    # An attempt ended by the clock ended when its time (with grace) ran out, however late it is processed:
    # the cooldown and the completion date count from then.
    closes_at = attempt.closes_at
    ended_by_clock = by == Attempt.SubmittedBy.TIME_LIMIT and closes_at is not None
    attempt.submitted_at = min(now, closes_at) if ended_by_clock and closes_at is not None else now
    attempt.submitted_by = by
    attempt.save(update_fields=["score", "passed", "status", "submitted_at", "submitted_by"])
    if attempt.assessment_id:
        from .tasks import request_item_analysis

        assessment_id = attempt.assessment_id
        transaction.on_commit(partial(request_item_analysis, assessment_id))


def submit_if_overdue(attempt: Attempt) -> bool:
    """Submit an open attempt whose time (plus grace) is over, as saved. True when it is now submitted."""
    if not is_overdue(attempt):
        return False
    graded = submit_attempt(attempt, by=Attempt.SubmittedBy.TIME_LIMIT)
    attempt.refresh_from_db()
    return graded.status == Attempt.Status.SUBMITTED


def submit_overdue_attempts(*, limit: int = 500) -> int:
    """Submit up to ``limit`` overdue attempts, each in its own transaction; return how many."""
    now = timezone.now()
    ids = list(Attempt.objects.overdue(now).order_by("closes_at").values_list("pk", flat=True)[:limit])
    for pk in ids:
        submit_attempt(Attempt(pk=pk), by=Attempt.SubmittedBy.TIME_LIMIT)
    return len(ids)


# Accommodations ---------------------------------------------------------------------------------------


def _reschedule_open_attempt(enrollment: Enrollment, accommodation: Accommodation | None) -> None:
    open_attempt = enrollment.attempts.filter(status=Attempt.Status.OPEN).select_related("assessment").first()
    if open_attempt is None or open_attempt.assessment is None:
        return
    locked = _lock(open_attempt)
    if is_overdue(locked):
        # Time ran out before the grant: it does not reopen what has ended.
        _grade(locked, _load_items(locked), by=Attempt.SubmittedBy.TIME_LIMIT, now=timezone.now())
        return
    _set_deadline(locked, open_attempt.assessment, accommodation)
    locked.save(update_fields=["deadline", "closes_at"])


def _check_admin(enrollment: Enrollment, user: Any) -> None:
    organization = enrollment.organization  # None without a query when the id is empty
    if organization is None or not can_manage(user, organization):
        raise QuizError(_("This enrolment is not managed by your organization."), code="not_admin", status=404)


@transaction.atomic
def grant_accommodation(
    enrollment: Enrollment, *, kind: str, time_multiplier: Decimal | None = None, granted_by: Any
) -> Accommodation:
    """Give a learner extra time or no time limit; an open attempt's timer follows at once."""
    _check_admin(enrollment, granted_by)
    multiplier = Decimal(1) if kind == Accommodation.Kind.NO_LIMIT else Decimal(time_multiplier or 0)
    if kind == Accommodation.Kind.EXTRA_TIME and not Decimal(1) < multiplier <= Decimal(4):
        raise QuizError(_("Extra time is a multiplier above 1 and at most 4."), code="multiplier")
    accommodation, _created = Accommodation.objects.update_or_create(
        enrollment=enrollment,
        defaults={"kind": kind, "time_multiplier": multiplier, "granted_by": granted_by},
    )
    _reschedule_open_attempt(enrollment, accommodation)
    return accommodation


@transaction.atomic
def withdraw_accommodation(enrollment: Enrollment, *, withdrawn_by: Any) -> None:
    _check_admin(enrollment, withdrawn_by)
    Accommodation.objects.filter(enrollment=enrollment).delete()
    _reschedule_open_attempt(enrollment, None)
