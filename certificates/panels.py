"""The certificate panel on the enrolment page."""

from typing import Any

from django.http import HttpRequest

from enrolments.models import Enrollment
from enrolments.panels import Panel
from quizzes.next_action import state_for_page

from .next_action import current_certificate


def certificate_panel(request: HttpRequest, enrollment: Enrollment, outline: Any) -> Panel | None:
    certificate = current_certificate(enrollment)
    if certificate is None and state_for_page(enrollment, outline).passed is None:
        return None
    return Panel("certificates/panel.html", {"enrollment": enrollment, "certificate": certificate})
