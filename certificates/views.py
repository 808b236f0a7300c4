"""Learner dashboard, certificate claim and download, and the public verification pages."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from courses.models import Enrollment

from . import codes, services
from .models import Certificate
from .pdf import certificate_context


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    enrollments = list(Enrollment.objects.for_user(request.user).with_progress().order_by("-enrolled_at"))
    certificates = list(Certificate.objects.for_user(request.user).current().select_related("enrollment"))
    return render(request, "certificates/dashboard.html", {"enrollments": enrollments, "certificates": certificates})


@login_required
@require_POST
def claim(request: HttpRequest, enrollment_id: int) -> HttpResponse:
    enrollment = get_object_or_404(Enrollment, pk=enrollment_id, user=request.user)
    try:
        certificate = services.issue(enrollment, by=request.user)
    except services.CertificateError as error:
        messages.error(request, error.message)
        return redirect(enrollment)
    return redirect("certificates:detail", code=certificate.code)


@login_required
def detail(request: HttpRequest, code: str) -> HttpResponse:
    certificate = get_object_or_404(Certificate, code=code, user=request.user)
    return render(request, "certificates/detail.html", certificate_context(certificate))


@login_required
def download(request: HttpRequest, code: str) -> HttpResponse:
    certificate = get_object_or_404(Certificate, code=code, user=request.user)
    if not certificate.pdf:
        return render(request, "certificates/pending.html", {"certificate": certificate}, status=202)
    return FileResponse(
        certificate.pdf.open("rb"),
        as_attachment=True,
        filename=f"haltung-{certificate.code}.pdf",
        content_type="application/pdf",
    )


def verify_form(request: HttpRequest) -> HttpResponse:
    code = request.GET.get("code", "").strip()
    if code:
        if not codes.is_well_formed(code):
            return render(request, "certificates/verify_form.html", {"code": code, "mistyped": True}, status=400)
        return redirect("certificates:verify", code=codes.format_code(codes.normalize(code)))
    return render(request, "certificates/verify_form.html", {})


def verify(request: HttpRequest, code: str) -> HttpResponse:
    """Public: status and frozen facts of one certificate, nothing about any other."""
    if not codes.is_well_formed(code):
        return render(request, "certificates/verify_form.html", {"code": code, "mistyped": True}, status=400)
    formatted = codes.format_code(codes.normalize(code))
    certificate = Certificate.objects.select_related("superseded_by").filter(code=formatted).first()
    if certificate is None:
        return render(request, "certificates/verify_unknown.html", {"code": formatted}, status=404)
    return render(request, "certificates/verify.html", {"certificate": certificate})
