"""Reads for quizzes pages: the graded result of an enrolment, per-principle results, what a review shows."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils import timezone

from courses import opaque
from courses.i18n import localized
from enrolments.models import Enrollment

from . import review
from .itemcache import shown_items
from .models import Assessment, Attempt, AttemptItem


def graded_attempt(attempts: Iterable[Attempt], method: str) -> Attempt | None:
    """The attempt that counts for the enrolment: the highest score (earliest of equals) or the last one."""
    submitted = [a for a in attempts if a.status == Attempt.Status.SUBMITTED]
    if not submitted:
        return None
    if method == Assessment.GradingMethod.LAST:
        return max(submitted, key=lambda a: a.number)
    return max(submitted, key=lambda a: (a.score, -a.number))


def enrollment_result(enrollment: Enrollment) -> Attempt | None:
    assessment = (
        Assessment.objects.filter(
            course_version_id=enrollment.course_version_id, accreditation=enrollment.accreditation_id
        )
        .only("grading_method")
        .first()
    )
    method = assessment.grading_method if assessment else Assessment.GradingMethod.HIGHEST
    return graded_attempt(enrollment.attempts.all(), method)


@dataclass(frozen=True)
class PrincipleResult:
    slug: str
    name: str
    earned: float
    items: int

    @property
    def percent(self) -> int:
        return round(100 * self.earned / self.items) if self.items else 0


def principle_results(attempt_items: Iterable[AttemptItem], principles: Sequence[dict[str, Any]]) -> list:
    """Credit per principle over the items tagged with it, in the package's principle order."""
    earned: dict[str, float] = {}
    counted: dict[str, int] = {}
    for attempt_item in attempt_items:
        for slug in attempt_item.item.principles:
            earned[slug] = earned.get(slug, 0.0) + (attempt_item.credit or 0.0)
            counted[slug] = counted.get(slug, 0) + 1
    order = [p["slug"] for p in principles]
    names = {p["slug"]: localized(p.get("name", {})) or p["slug"] for p in principles}
    slugs = sorted(counted, key=lambda s: (order.index(s) if s in order else len(order), s))
    return [PrincipleResult(s, names.get(s, s), earned[s], counted[s]) for s in slugs]


def review_aspects(attempt: Attempt, assessment: Assessment | None, *, now: datetime | None = None) -> frozenset:
    if attempt.status != Attempt.Status.SUBMITTED:
        return frozenset()
    matrix = assessment.review if assessment else review.default_matrix()
    at = review.moment(closes_at=assessment.closes_at if assessment else None, now=now or timezone.now())
    return review.aspects(matrix, at)


def option_scope(attempt_item: AttemptItem) -> str:
    return f"quizzes.attempt-item:{attempt_item.pk}"


def option_values(attempt_item: AttemptItem) -> dict[int, str]:
    """The opaque value the form sends for each option of a drawn item (option primary key -> value)."""
    return opaque.values(option_scope(attempt_item), attempt_item.option_order)


@dataclass(frozen=True, slots=True)
class AttemptQuestion:
    """One question of the attempt page: the item's content in one language with this learner's answer."""

    attempt_item_id: int
    number: int
    stem: str
    multiple: bool
    options: list[tuple[str, str, bool]]  # (opaque value, text, selected), in the attempt's order
    flagged: bool
    case_id: int | None  # set on the first item of a case-based set only: the vignette heads it
    case_stem: Any


def attempt_questions(attempt_items: Iterable[AttemptItem], *, language: str) -> list[AttemptQuestion]:
    """What the attempt page renders per item: item content from ``itemcache``, the answer from the row.

    The rows need ``pk``, ``item_id``, ``position``, ``option_order``, ``selected`` and ``flagged`` only.
    Options come in the stored shuffled order with opaque values, as in ``question_rows``; nothing here
    knows which option is correct.
    """
    attempt_items = list(attempt_items)
    items = shown_items({ai.item_id for ai in attempt_items})
    questions, previous_case = [], None
    for attempt_item in attempt_items:
        item = items[attempt_item.item_id]
        selected = set(attempt_item.selected)
        values = option_values(attempt_item)
        texts = item.options
        options = [(values[pk], localized(texts[pk], language), pk in selected) for pk in attempt_item.option_order]
        first_of_case = item.case_id is not None and item.case_id != previous_case
        questions.append(
            AttemptQuestion(
                attempt_item_id=attempt_item.pk,
                number=attempt_item.position,
                stem=localized(item.stem, language),
                multiple=item.multiple,
                options=options,
                flagged=attempt_item.flagged,
                case_id=item.case_id if first_of_case else None,
                case_stem=item.case_stem if first_of_case else None,
            )
        )
        previous_case = item.case_id
    return questions


def question_rows(attempt_items: Iterable[AttemptItem], *, reveal: frozenset = frozenset()) -> list[dict]:
    """What the result page renders per item. Keys and rationales only when ``reveal`` says so (the attempt
    page reads ``attempt_questions``).

    Options come in the attempt's stored shuffled order, each with an opaque value (not its database id), so
    neither the order nor the values in the page say anything about the key.
    """
    rows, previous_case = [], None
    for attempt_item in attempt_items:
        item = attempt_item.item
        by_id = {o.pk: o for o in item.options.all()}
        selected = set(attempt_item.selected)
        values = option_values(attempt_item)
        options = []
        for pk in attempt_item.option_order:
            option = by_id[pk]
            entry = {"value": values[pk], "text": option.text, "selected": pk in selected}
            if "answer" in reveal:
                entry["correct"] = option.correct
            if "rationale" in reveal and pk in selected:
                entry["rationale"] = option.rationale
            options.append(entry)
        row = {
            "attempt_item": attempt_item,
            "number": attempt_item.position,
            "stem": item.stem,
            "multiple": item.type == "multiple",
            "options": options,
            "answered": bool(selected),
            # The vignette heads the first item of a case-based set.
            "case": item.case if item.case_id and item.case_id != previous_case else None,
        }
        if "correctness" in reveal and attempt_item.credit is not None:
            row["credit"] = attempt_item.credit
        rows.append(row)
        previous_case = item.case_id
    return rows
