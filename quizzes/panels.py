"""The final-test panel on the enrolment page."""

from django.http import HttpRequest

from courses.models import Enrollment
from courses.panels import Panel

from . import services
from .models import Attempt


def final_test_panel(request: HttpRequest, enrollment: Enrollment, outline: object) -> Panel:
    attempts = list(enrollment.attempts.order_by("number"))
    open_attempt = next((a for a in attempts if a.status == Attempt.Status.OPEN), None)
    passed = next((a for a in attempts if a.passed), None)
    blocked = ""
    if open_attempt is None and passed is None:
        try:
            services.check_can_start(enrollment)
        except services.QuizError as error:
            blocked = error.message
    accreditation = enrollment.accreditation
    return Panel(
        "quizzes/panel.html",
        {
            "enrollment": enrollment,
            "attempts": [a for a in attempts if a.status == Attempt.Status.SUBMITTED],
            "open_attempt": open_attempt,
            "passed": passed,
            "blocked": blocked,
            "max_attempts": accreditation.max_attempts if accreditation else None,
        },
    )
