"""The quizzes' part of a person's data export: test attempts with the questions shown and the answers given.

The answer key is not included: exam answers are the candidate's personal data, the questions and key are not
(CJEU C-434/16, Nowak), and the bank stays usable for the next learner.
"""

from typing import Any

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from accounts.data_export import Section, labels, record
from courses.i18n import localized

from .models import Accommodation, Attempt, AttemptItem

ATTEMPT_FIELDS = ["number", "status", "started_at", "deadline", "submitted_at", "submitted_by", "score", "passed"]


def _answers(attempt: Attempt) -> list[dict[str, Any]]:
    rows = []
    for attempt_item in attempt.attempt_items.all():
        options = {option.pk: option for option in attempt_item.item.options.all()}
        rows.append(
            {
                "position": attempt_item.position,
                "question": localized(attempt_item.item.stem),
                "options_shown": [localized(options[pk].text) for pk in attempt_item.option_order if pk in options],
                "your_answer": [localized(options[pk].text) for pk in attempt_item.selected if pk in options],
                "flagged": attempt_item.flagged,
            }
        )
    return rows


def export_quizzes(user: Any) -> list[Section]:
    items = AttemptItem.objects.select_related("item").prefetch_related("item__options").order_by("position")
    attempts = (
        Attempt.objects.filter(enrollment__user=user)
        .select_related("enrollment__course_version")
        .prefetch_related(Prefetch("attempt_items", queryset=items))
        .order_by("enrollment_id", "number")
    )
    accommodations = Accommodation.objects.filter(enrollment__user=user).select_related("enrollment__course_version")
    return [
        Section(
            "attempts",
            _("Final test attempts"),
            [
                record(
                    a,
                    ATTEMPT_FIELDS,
                    enrolment=a.enrollment_id,
                    course=localized(a.enrollment.course_version.title),
                    answers=_answers(a),
                )
                for a in attempts
            ],
            labels(
                Attempt,
                ATTEMPT_FIELDS,
                enrolment=_("enrolment id"),
                course=_("course"),
                answers=_("questions and your answers"),
            ),
            note=_("The questions and your answers are included; the answer key is not."),
        ),
        Section(
            "accommodations",
            _("Test accommodations"),
            [
                record(
                    a, ["kind", "time_multiplier", "granted_at"], course=localized(a.enrollment.course_version.title)
                )
                for a in accommodations
            ],
            labels(Accommodation, ["kind", "time_multiplier", "granted_at"], course=_("course")),
        ),
    ]
