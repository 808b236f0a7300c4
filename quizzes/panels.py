"""The final-test panel on the enrolment page."""

from django.http import HttpRequest

from enrolments.models import Enrollment
from enrolments.panels import Panel

from . import selectors, services
from .errors import QuizError
from .models import Accommodation, Assessment, Attempt


def final_test_panel(request: HttpRequest, enrollment: Enrollment, outline: object) -> Panel:
    attempts = list(enrollment.attempts.order_by("number"))
    open_attempt = next((a for a in attempts if a.status == Attempt.Status.OPEN), None)
    submitted_now = open_attempt is not None and services.submit_if_overdue(open_attempt)
    if submitted_now:
        open_attempt = None
    passed = next((a for a in attempts if a.passed), None)
    blocked = ""
    if open_attempt is None and passed is None:
        try:
            # The attempts just read and the outline's progress, unless an attempt was submitted in between
            # (decision 0412: one read per page).
            services.check_can_start(
                enrollment,
                attempts=None if submitted_now else attempts,
                progress=getattr(outline, "progress", None),
            )
        except QuizError as error:
            blocked = error.message
    accreditation = enrollment.accreditation
    assessment = Assessment.objects.filter(
        course_version_id=enrollment.course_version_id, accreditation=enrollment.accreditation_id
    ).first()
    accommodation = Accommodation.objects.filter(enrollment=enrollment).first()
    allowed = services.time_allowed(assessment, accommodation) if assessment else None
    submitted = [a for a in attempts if a.status == Attempt.Status.SUBMITTED]
    method = assessment.grading_method if assessment else Assessment.GradingMethod.HIGHEST
    return Panel(
        "quizzes/panel.html",
        {
            "enrollment": enrollment,
            "attempts": submitted,
            "counted": selectors.graded_attempt(submitted, method) if len(submitted) > 1 else None,
            "grading_method_label": Assessment.GradingMethod(method).label,
            "open_attempt": open_attempt,
            "passed": passed,
            "blocked": blocked,
            "max_attempts": accreditation.max_attempts if accreditation else None,
            "minutes": int(allowed.total_seconds() // 60) if allowed else None,
            "accommodation": accommodation,
        },
    )
