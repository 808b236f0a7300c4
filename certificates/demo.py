"""
Walk an enrolment to its certificate through the real services, for the demonstration data of ``make run``
(``seed_demo``) and the end-to-end browser test: every required step done, the final test passed with
the key, the evaluation filled in, the certificate issued. Never used by a page.
"""

from typing import Any

from courses.models import Step
from enrolments import evaluation
from enrolments.models import Enrollment
from enrolments.services import learning
from quizzes import services as quizzes

from . import services
from .models import Certificate


def complete_steps(enrollment: Enrollment, *, limit: int | None = None) -> int:
    """Mark the enrolment's required steps done, in course order (the first ``limit`` of them)."""
    steps = list(
        Step.objects.filter(module__version=enrollment.course_version_id, required=True)
        .select_related("module")
        .order_by("module__position", "position")[:limit]
    )
    for step in steps:
        learning.visit_step(enrollment, step)
        learning.complete_step(enrollment, step)
    return len(steps)


def pass_final_test(enrollment: Enrollment) -> Any:
    """Start an attempt and answer every drawn item with its key."""
    attempt = quizzes.start_attempt(enrollment)
    form: dict[str, list[str]] = {}
    for attempt_item in attempt.attempt_items.select_related("item").prefetch_related("item__options"):
        form[f"item-{attempt_item.pk}"] = [str(o.pk) for o in attempt_item.item.options.all() if o.correct]
    return quizzes.submit_attempt(attempt, answers=quizzes.parse_form(form))


def certify(enrollment: Enrollment, *, by: Any) -> Certificate:
    """Everything a learner does before the certificate, then the certificate."""
    complete_steps(enrollment)
    pass_final_test(enrollment)
    if enrollment.course_version.require_evaluation and enrollment.evaluated_at is None:
        learning.submit_evaluation(enrollment, answers={key: 4 for key, _text in evaluation.ITEMS})
    enrollment.refresh_from_db()
    return services.issue(enrollment, by=by)
