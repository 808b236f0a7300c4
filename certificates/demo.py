"""
Walk an enrolment to its certificate through the real services, for the demonstration data of ``make run``
(``seed_demo``) and the end-to-end browser test: every required step done, the final test passed with
the key, the evaluation filled in, the certificate issued. Never used by a page.
"""

import math
from datetime import timedelta
from typing import Any

from django.utils import timezone

from courses.models import Step
from enrolments import evaluation
from enrolments.models import Enrollment
from enrolments.services import learning
from quizzes import services as quizzes
from quizzes.selectors import option_values

from . import services
from .models import Certificate


def complete_steps(enrollment: Enrollment, *, limit: int | None = None) -> int:
    """Mark the enrolment's required steps done in course order (the first ``limit``), each after active time.

    A learner spends each module's estimated minutes on it, spread over its required steps and recorded as
    visits at most ``IDLE_CAP`` apart, dated in the past: accreditations that ask for a minimum active time
    per module (decision 0508) are satisfied as a diligent reader would satisfy them.
    """
    required = list(
        Step.objects.filter(module__version=enrollment.course_version_id, required=True)
        .select_related("module")
        .order_by("module__position", "position")
    )
    per_module: dict[int, int] = {}
    for step in required:
        per_module[step.module_id] = per_module.get(step.module_id, 0) + 1
    steps = required[:limit]
    seconds = {step.pk: math.ceil(step.module.minutes * 60 / per_module[step.module_id]) for step in steps}
    gap = int(learning.IDLE_CAP.total_seconds())
    clock = timezone.now() - timedelta(seconds=sum(seconds.values()) + gap * (len(steps) + 1))
    for step in steps:
        learning.visit_step(enrollment, step, now=clock)
        left = seconds[step.pk]
        while left > 0:
            clock += timedelta(seconds=min(gap, left))
            left -= gap
            learning.visit_step(enrollment, step, now=clock)
        learning.complete_step(enrollment, step)
    return len(steps)


def pass_final_test(enrollment: Enrollment) -> Any:
    """Start an attempt and answer every drawn item with its key."""
    attempt = quizzes.start_attempt(enrollment)
    form: dict[str, list[str]] = {}
    for attempt_item in attempt.attempt_items.select_related("item").prefetch_related("item__options"):
        values = option_values(attempt_item)  # the opaque values the page shows (decision 0212)
        form[f"item-{attempt_item.pk}"] = [values[o.pk] for o in attempt_item.item.options.all() if o.correct]
    return quizzes.submit_attempt(attempt, answers=quizzes.parse_form(form))


def certify(enrollment: Enrollment, *, by: Any) -> Certificate:
    """Everything a learner does before the certificate, then the certificate."""
    complete_steps(enrollment)
    pass_final_test(enrollment)
    if enrollment.course_version.require_evaluation and enrollment.evaluated_at is None:
        learning.submit_evaluation(enrollment, answers={key: 4 for key, _text in evaluation.ITEMS})
    enrollment.refresh_from_db()
    return services.issue(enrollment, by=by)
