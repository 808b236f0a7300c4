"""
Organization admins: certificates of their members and courses (revoke, correct), and reporting points to
chambers (participant lists, EIV pushes, deadlines, failures). Another organization's objects answer 404.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Min, Q, QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from config.text import clean_search
from courses.models import Accreditation, AccreditationSecret
from enrolments.models import Cohort
from organizations.models import Membership
from organizations.permissions import (
    OrganizationRequest,
    can_manage,
    can_view_reports,
    organization_required,
    role_in,
)

from .. import services
from ..forms import CorrectionForm, RevokeForm
from ..models import Certificate, ParticipantReport
from ..reporting import lists


def _deadline_days() -> timedelta:
    return timedelta(days=settings.HALTUNG_REPORTING_DEADLINE_DAYS)


def _followed(request: OrganizationRequest) -> QuerySet[Cohort] | None:
    """The cohorts a tutor follows; None for an admin, who sees the whole organization (decision 0707)."""
    role = role_in(request.user, request.organization)
    if role == Membership.Role.ADMIN:
        return None
    return Cohort.objects.filter(organization=request.organization).followed_by(request.user, role=role)


def _tutor_scope(request: OrganizationRequest, certificates: QuerySet[Certificate]) -> QuerySet[Certificate]:
    followed = _followed(request)
    return certificates if followed is None else certificates.filter(enrollment__cohort__in=followed)


@login_required
@organization_required(can_view_reports)
def certificate_list(request: OrganizationRequest) -> HttpResponse:
    organization = request.organization
    certificates = _tutor_scope(
        request, Certificate.objects.for_organization(organization).select_related("superseded_by")
    )
    query = clean_search(request.GET.get("q", ""))
    if query:
        certificates = certificates.filter(Q(code__icontains=query) | Q(participant_name__icontains=query))
    page = Paginator(certificates.order_by("-issued_at", "-pk"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "certificates/org/certificate_list.html",
        {
            "organization": organization,
            "page": page,
            "query": query,
            "can_manage": can_manage(request.user, organization),
        },
    )


@login_required
@organization_required(can_manage)
def certificate_manage(request: OrganizationRequest, code: str) -> HttpResponse:
    organization = request.organization
    certificate = get_object_or_404(
        Certificate.objects.for_organization(organization).select_related("superseded_by"), code=code
    )
    revoke_form = RevokeForm(prefix="revoke")
    correct_form = CorrectionForm(
        prefix="correct",
        initial={
            "participant_name": certificate.participant_name,
            "participant_efn": certificate.participant_efn,
            "participant_licence": certificate.participant_licence,
        },
    )
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "revoke":
                revoke_form = RevokeForm(request.POST, prefix="revoke")
                if revoke_form.is_valid():
                    services.revoke(certificate, by=request.user, reason=revoke_form.cleaned_data["reason"])
                    messages.success(request, _("The certificate is revoked."))
                    return redirect("certificates:org_certificate", org_slug=organization.slug, code=code)
            elif action == "correct":
                correct_form = CorrectionForm(request.POST, prefix="correct")
                if correct_form.is_valid():
                    data = correct_form.cleaned_data
                    new = services.correct(
                        certificate,
                        by=request.user,
                        changes={f: data[f] for f in ("participant_name", "participant_efn", "participant_licence")},
                        reason=data["reason"],
                    )
                    messages.success(
                        request, _("A corrected certificate %(code)s replaces this one.") % {"code": new.code}
                    )
                    return redirect("certificates:org_certificate", org_slug=organization.slug, code=new.code)
        except services.CertificateError as error:
            messages.error(request, error.message)
    return render(
        request,
        "certificates/org/certificate_manage.html",
        {
            "organization": organization,
            "certificate": certificate,
            "status": certificate.public_status(),
            "events": certificate.audit_events.select_related("actor"),
            "revoke_form": revoke_form,
            "correct_form": correct_form,
        },
        status=400 if request.method == "POST" else 200,
    )


def _accreditations(request: OrganizationRequest) -> QuerySet[Accreditation]:
    """The accreditations the organization holds (decision 0310); for a tutor only those of the cohorts they follow."""
    accreditations = Accreditation.objects.held_by(request.organization).select_related("course_version__course")
    followed = _followed(request)
    if followed is not None:
        accreditations = accreditations.filter(pk__in=followed.values("accreditation_id"))
    return accreditations


@login_required
@organization_required(can_view_reports)
def reports(request: OrganizationRequest) -> HttpResponse:
    """Per accreditation: participants, reported, problems, and the next reporting deadline."""
    organization = request.organization
    valid = Q(certificates__status=Certificate.Status.VALID)
    problem = Q(
        certificates__chamber_report__status__in=[
            ParticipantReport.Status.REFUSED,
            ParticipantReport.Status.BLOCKED,
            ParticipantReport.Status.FAILED,
        ]
    )
    unreported = valid & (
        Q(certificates__chamber_report__isnull=True)
        | ~Q(certificates__chamber_report__status=ParticipantReport.Status.REPORTED)
    )
    followed = _followed(request)
    if followed is not None:  # a tutor counts the certificates of their own cohorts only
        mine = Q(certificates__enrollment__cohort__in=followed)
        valid, problem, unreported = valid & mine, problem & mine, unreported & mine
    accreditations = _accreditations(request).annotate(
        participants=Count("certificates", filter=valid, distinct=True),
        reported=Count(
            "certificates", filter=valid & Q(certificates__chamber_report__status="reported"), distinct=True
        ),
        problems=Count("certificates", filter=valid & problem, distinct=True),
        oldest_open=Min("certificates__completed_at", filter=unreported),
    )
    rows = [(a, a.oldest_open + _deadline_days() if a.oldest_open else None) for a in accreditations]
    return render(
        request, "certificates/org/reports.html", {"organization": organization, "rows": rows, "now": timezone.now()}
    )


@login_required
@organization_required(can_view_reports)
def report_detail(request: OrganizationRequest, accreditation_id: int) -> HttpResponse:
    organization = request.organization
    accreditation = get_object_or_404(_accreditations(request), pk=accreditation_id)
    certificates = _tutor_scope(
        request,
        Certificate.objects.for_accreditation(accreditation)
        .filter(status=Certificate.Status.VALID)
        .select_related("chamber_report")
        .order_by("completed_at", "pk"),
    )
    now = timezone.now()
    rows = [(c, c.completed_at + _deadline_days(), getattr(c, "chamber_report", None)) for c in certificates]
    return render(
        request,
        "certificates/org/report_detail.html",
        {
            "organization": organization,
            "accreditation": accreditation,
            "rows": rows,
            "now": now,
            "can_manage": can_manage(request.user, organization),
            "eiv_configured": bool(
                settings.HALTUNG_EIV_BASE_URL
                and AccreditationSecret.objects.filter(accreditation=accreditation).exists()
            ),
        },
    )


@login_required
@organization_required(can_view_reports)
def participant_export(request: OrganizationRequest, accreditation_id: int, fmt: str) -> HttpResponse:
    organization = request.organization
    accreditation = get_object_or_404(_accreditations(request), pk=accreditation_id)
    rows = lists.participant_rows(accreditation, cohorts=_followed(request))
    name = f"participants-{accreditation.vnr or accreditation.pk}"
    if fmt == "csv":
        response = HttpResponse(lists.as_csv(rows), content_type="text/csv; charset=utf-8")
    elif fmt == "xlsx":
        response = HttpResponse(
            lists.as_xlsx(rows, title=accreditation.vnr or accreditation.key),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = HttpResponse(
            lists.as_pdf(rows, accreditation=accreditation, organizer=organization.certificate_name),
            content_type="application/pdf",
        )
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@login_required
@require_POST
@organization_required(can_manage)
def report_push(request: OrganizationRequest, accreditation_id: int) -> HttpResponse:
    organization = request.organization
    accreditation = get_object_or_404(_accreditations(request), pk=accreditation_id)
    queued = services.request_reports(accreditation, by=request.user)
    messages.success(request, _("%(count)d participants queued for the EIV.") % {"count": len(queued)})
    return redirect("certificates:org_report", org_slug=organization.slug, accreditation_id=accreditation.pk)


@login_required
@require_POST
@organization_required(can_manage)
def report_retract(request: OrganizationRequest, report_id: int) -> HttpResponse:
    organization = request.organization
    report = get_object_or_404(
        ParticipantReport.objects.filter(certificate__accreditation__holder=organization),
        pk=report_id,
    )
    services.request_retraction(report, by=request.user)
    messages.success(request, _("The retraction is queued."))
    return redirect(
        "certificates:org_report", org_slug=organization.slug, accreditation_id=report.certificate.accreditation_id
    )
