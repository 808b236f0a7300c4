"""The certificate panel on the enrolment page."""

from django.http import HttpRequest

from enrolments.models import Enrollment
from enrolments.panels import Panel

from .services import passed_attempt


def certificate_panel(request: HttpRequest, enrollment: Enrollment, outline: object) -> Panel | None:
    certificate = enrollment.certificates.current().first()
    if certificate is None and passed_attempt(enrollment) is None:
        return None
    return Panel("certificates/panel.html", {"enrollment": enrollment, "certificate": certificate})
