"""The final-test panel on the enrolment page."""

from typing import Any

from django.http import HttpRequest

from enrolments.models import Enrollment
from enrolments.panels import Panel

from . import selectors, services
from .models import Accommodation, Assessment
from .next_action import STATE_KEY, attempts_left_text, state_for_page, way_on


def final_test_panel(request: HttpRequest, enrollment: Enrollment, outline: Any) -> Panel:
    # Without an outline (the start page opened by GET) the policy reads the steps itself.
    state = state_for_page(enrollment, outline)
    open_attempt = state.open_attempt
    if open_attempt is not None and services.submit_if_overdue(open_attempt):
        # Graded now: read the policy again for this page.
        enrollment.__dict__.pop(STATE_KEY, None)
        state = state_for_page(enrollment, outline)
        open_attempt = None
    assessment = Assessment.objects.filter(
        course_version_id=enrollment.course_version_id, accreditation=enrollment.accreditation_id
    ).first()
    accommodation = Accommodation.objects.filter(enrollment=enrollment).first()
    allowed = services.time_allowed(assessment, accommodation) if assessment else None
    submitted = state.submitted
    method = assessment.grading_method if assessment else Assessment.GradingMethod.HIGHEST
    return Panel(
        "quizzes/panel.html",
        {
            "enrollment": enrollment,
            "attempts": submitted,
            "counted": selectors.graded_attempt(submitted, method) if len(submitted) > 1 else None,
            "grading_method_label": Assessment.GradingMethod(method).label,
            "open_attempt": open_attempt,
            "passed": state.passed,
            "blocked": state.refusal.message if state.refusal and not state.passed else "",
            "attempts_left": attempts_left_text(state) if state.allowed is not None else "",
            "way_on": way_on(enrollment, state) if state.exhausted else None,
            "minutes": int(allowed.total_seconds() // 60) if allowed else None,
            "accommodation": accommodation,
        },
    )
