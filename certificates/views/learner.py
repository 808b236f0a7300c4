"""The learner's pages: dashboard, claiming a certificate, viewing it with its PDF's state, downloading it."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.http import AuthenticatedRequest
from courses.i18n import localized
from enrolments import selectors as enrolment_selectors
from enrolments.models import Enrollment
from enrolments.next_action import refusal_link, with_link
from organizations.models import Organization

from .. import services
from ..models import Certificate
from ..next_action import next_action, remember_certificate
from ..pdf import certificate_context


@login_required
def dashboard(request: AuthenticatedRequest) -> HttpResponse:
    enrollments = list(Enrollment.objects.for_user(request.user).with_step_totals().order_by("-enrolled_at"))
    certificates = list(Certificate.objects.for_user(request.user).current().summary())
    organizations = list(Organization.objects.with_backoffice_for(request.user))
    return render(
        request,
        "certificates/dashboard.html",
        {
            "enrollments": enrollments,
            "certificates": certificates,
            "organizations": organizations,
            "lead": _lead(enrollments, certificates),
        },
    )


def _lead(enrollments: list[Enrollment], certificates: list[Certificate]) -> dict | None:
    """The next action of the course in progress (the newest), else of the newest completed one (0604)."""
    live = [e for e in enrollments if e.status != Enrollment.Status.ENDED]
    current = next((e for e in live if e.status == Enrollment.Status.ACTIVE), live[0] if live else None)
    if current is None:
        return None
    remember_certificate(current, next((c for c in certificates if c.enrollment_id == current.pk), None))
    return {
        "action": next_action(current, enrolment_selectors.outline(current)),
        "course": localized(current.course_version.title),
    }


@login_required
@require_POST
def claim(request: HttpRequest, enrollment_id: int) -> HttpResponse:
    enrollment = get_object_or_404(Enrollment, pk=enrollment_id, user=request.user)
    try:
        certificate = services.issue(enrollment, by=request.user)
    except services.CertificateError as error:
        # The refusal names what is missing and links to it (decision 0604).
        messages.error(request, with_link(error.message, refusal_link(enrollment, error.code)))
        return redirect(enrollment)
    return redirect("certificates:detail", code=certificate.code)


def _own(request: HttpRequest, code: str) -> Certificate:
    return get_object_or_404(
        Certificate.objects.select_related("signature", "superseded_by"), code=code, user=request.user
    )


@login_required
def detail(request: HttpRequest, code: str) -> HttpResponse:
    """The certificate at once, with the PDF's state; a script asks for the state until the PDF is there."""
    certificate = _own(request, code)
    return render(
        request, "certificates/detail.html", {**certificate_context(certificate), "pdf_state": certificate.pdf_state()}
    )


@login_required
def pdf_status(request: HttpRequest, code: str) -> JsonResponse:
    """The PDF's state as JSON for the certificate page's script: the owner's certificates only, else 404."""
    certificate = get_object_or_404(
        Certificate.objects.only("code", "pdf", "pdf_failed_at", "pdf_requested_at", "issued_at", "pseudonymised_at"),
        code=code,
        user=request.user,
    )
    return JsonResponse({"state": certificate.pdf_state()}, headers={"Cache-Control": "no-store"})


@login_required
@require_POST
def pdf_retry(request: HttpRequest, code: str) -> HttpResponse:
    """Ask for the PDF again after a failure or a long wait; in any other state nothing happens (a double click)."""
    certificate = _own(request, code)
    if services.retry_pdf(certificate, by=request.user):
        messages.info(request, _("The PDF is being prepared again."))
    return redirect("certificates:detail", code=certificate.code)


@login_required
def download(request: HttpRequest, code: str) -> HttpResponseBase:
    certificate = _own(request, code)
    if not certificate.pdf:
        context = {"certificate": certificate, "pdf_state": certificate.pdf_state()}
        return render(request, "certificates/pending.html", context, status=202)
    return FileResponse(
        certificate.pdf.open("rb"),
        as_attachment=True,
        filename=f"haltung-{certificate.code}.pdf",
        content_type="application/pdf",
    )


@login_required
def credential_download(request: HttpRequest, code: str) -> HttpResponse:
    certificate = _own(request, code)
    if not certificate.credential:
        raise Http404
    response = HttpResponse(
        json.dumps(certificate.credential, ensure_ascii=False, indent=2), content_type="application/ld+json"
    )
    response["Content-Disposition"] = f'attachment; filename="haltung-{certificate.code}.credential.json"'
    return response
