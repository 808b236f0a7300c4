"""
The learner's next action in an enrolment, composed in the app that sees everything it depends on (decision
0604): the steps (``enrolments``), the final test (``quizzes``), the evaluation and the certificate. In
that order: continue a module, take or continue the test (or wait, or the way on after the last attempt),
fill in a required evaluation, get the certificate, download it.
"""

from django.urls import reverse
from django.utils.translation import gettext as _

from enrolments import next_action as steps
from enrolments.models import Enrollment
from enrolments.next_action import NextAction
from enrolments.selectors import Outline
from quizzes.next_action import final_test_action, state_for_page

from .models import Certificate

CERTIFICATE_KEY = "_current_certificate"


def current_certificate(enrollment: Enrollment) -> Certificate | None:
    """The enrolment's current certificate, read once per request (the next action and the panel share it)."""
    if CERTIFICATE_KEY not in enrollment.__dict__:
        enrollment.__dict__[CERTIFICATE_KEY] = enrollment.certificates.current().summary().first()
    return enrollment.__dict__[CERTIFICATE_KEY]


def remember_certificate(enrollment: Enrollment, certificate: Certificate | None) -> None:
    """For a page that has read the learner's certificates already (the dashboard)."""
    enrollment.__dict__[CERTIFICATE_KEY] = certificate


def certificate_action(certificate: Certificate) -> NextAction:
    detail = reverse("certificates:detail", args=[certificate.code])
    if certificate.pdf:
        return NextAction(
            "download",
            _("Your certificate is ready"),
            _("Certificate code %(code)s.") % {"code": certificate.code},
            reverse("certificates:download", args=[certificate.code]),
            _("Download the certificate (PDF)"),
        )
    if certificate.pdf_state() == "failed":
        return NextAction(
            "certificate",
            _("Your certificate's PDF could not be made"),
            _("Your certificate is valid; open it to try making the PDF again."),
            detail,
            _("Open the certificate"),
        )
    return NextAction(
        "certificate",
        _("Your certificate is being prepared"),
        _("The PDF is being made; it is usually ready within a minute."),
        detail,
        _("Open the certificate"),
    )


def next_action(enrollment: Enrollment, outline: Outline) -> NextAction:
    if enrollment.status == Enrollment.Status.ENDED:
        return steps.ended_action(enrollment)
    certificate = current_certificate(enrollment)
    if certificate is not None:
        return certificate_action(certificate)
    state = state_for_page(enrollment, outline)
    if state.passed is None:
        return (
            (state.open_attempt and final_test_action(enrollment, outline))
            or steps.steps_action(enrollment, outline)
            or final_test_action(enrollment, outline)
            or steps.done_action(enrollment)
        )
    return (
        steps.steps_action(enrollment, outline)
        or steps.evaluation_action(enrollment)
        or NextAction(
            "claim",
            _("Get your certificate"),
            _("You have passed the final test with %(score)s %%.") % {"score": f"{state.passed.score:.0f}"},
            reverse("certificates:claim", args=[enrollment.pk]),
            _("Get your certificate"),
            post=True,
        )
    )
