"""
A chamber's back office (``/org/<slug>/chamber/``): the accreditations naming it, each with its participants,
certificates, points and reporting state, filtered by a period of completion; participant lists and the EIV
status as downloads. Read-only. Only a chamber's admins open these pages; everyone else gets 404, as does an
accreditation naming another chamber (decision 0312).
"""

import csv
import io

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from config.text import escape_formula
from courses.models import Accreditation
from organizations import audit, backoffice
from organizations.models import Organization, OrgAuditEvent
from organizations.permissions import OrganizationRequest, can_view_chamber, organization_required

from .. import chamber
from ..forms import PeriodForm
from ..models import ParticipantReport
from ..reporting import lists

PAGE_SIZE = 100


def _period(request: HttpRequest) -> tuple[PeriodForm, chamber.Period]:
    form = PeriodForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return form, chamber.Period(form.cleaned_data["start"], form.cleaned_data["end"])
    return form, chamber.Period()


def _querystring(form: PeriodForm) -> str:
    if not form.is_bound or form.errors:
        return ""
    return urlencode({key: value.isoformat() for key, value in form.cleaned_data.items() if value})


def _accreditation(organization: Organization, accreditation_id: int) -> Accreditation:
    return get_object_or_404(
        Accreditation.objects.naming(organization).select_related("holder", "course_version__course"),
        pk=accreditation_id,
    )


@organization_required(can_view_chamber)
def accreditation_list(request: OrganizationRequest) -> HttpResponse:
    organization = request.organization
    form, period = _period(request)
    context = backoffice.context(
        request,
        organization,
        active="chamber",
        form=form,
        accreditations=chamber.accreditations(organization, period),
        querystring=_querystring(form),
    )
    return render(request, "certificates/chamber/accreditations.html", context, status=400 if form.errors else 200)


@organization_required(can_view_chamber)
def accreditation_detail(request: OrganizationRequest, accreditation_id: int) -> HttpResponse:
    organization = request.organization
    accreditation = _accreditation(organization, accreditation_id)
    form, period = _period(request)
    page = Paginator(chamber.certificates(accreditation, period), PAGE_SIZE).get_page(request.GET.get("page"))
    querystring = _querystring(form)
    context = backoffice.context(
        request,
        organization,
        active="chamber",
        accreditation=accreditation,
        form=form,
        page=page,
        download_query=f"?{querystring}" if querystring else "",
    )
    status = 400 if form.errors else 200
    return render(request, "certificates/chamber/accreditation.html", context, status=status)


def _record_download(
    request: OrganizationRequest, accreditation: Accreditation, what: str, period: chamber.Period
) -> None:
    # The list leaves Haltung with the request: the chamber's audit trail says who took which one.
    audit.record(
        request.organization,
        actor=request.user,
        action=OrgAuditEvent.Action.REPORT_EXPORTED,
        target=accreditation,
        object_repr=f"{accreditation.body} · {accreditation.vnr or accreditation.key}",
        after={"report": what, "start": period.start, "end": period.end},
    )


@organization_required(can_view_chamber)
def participants(request: OrganizationRequest, accreditation_id: int, fmt: str) -> HttpResponse:
    accreditation = _accreditation(request.organization, accreditation_id)
    form, period = _period(request)
    if form.errors:
        return HttpResponse(_("The period is not valid."), status=400, content_type="text/plain; charset=utf-8")
    rows = lists.participant_rows(accreditation, completed=period.q())
    if fmt == "csv":
        response = HttpResponse(lists.as_csv(rows), content_type="text/csv; charset=utf-8")
    elif fmt == "xlsx":
        response = HttpResponse(
            lists.as_xlsx(rows, title=accreditation.vnr or accreditation.key),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        organizer = accreditation.holder.certificate_name if accreditation.holder else ""
        response = HttpResponse(
            lists.as_pdf(rows, accreditation=accreditation, organizer=organizer), content_type="application/pdf"
        )
    _record_download(request, accreditation, f"participants.{fmt}", period)
    response["Content-Disposition"] = (
        f'attachment; filename="participants-{accreditation.vnr or accreditation.pk}.{fmt}"'
    )
    response["Cache-Control"] = "no-store"
    return response


def eiv_status_headers() -> list[str]:
    return [
        _("VNR"),
        _("EFN"),
        _("Name"),
        _("Completion date"),
        _("Points"),
        _("Certificate code"),
        _("Certificate status"),
        _("EIV status"),
        _("Reported at"),
    ]


@organization_required(can_view_chamber)
def eiv_status(request: OrganizationRequest, accreditation_id: int) -> HttpResponse:
    """Per certificate: what the organizer's EIV reporting says (CSV, UTF-8 with BOM, semicolons)."""
    accreditation = _accreditation(request.organization, accreditation_id)
    form, period = _period(request)
    if form.errors:
        return HttpResponse(_("The period is not valid."), status=400, content_type="text/plain; charset=utf-8")
    statuses = dict(ParticipantReport.Status.choices)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(eiv_status_headers())
    for certificate in chamber.certificates(accreditation, period).iterator(2000):
        report = getattr(certificate, "chamber_report", None)
        writer.writerow(
            [
                accreditation.vnr,
                certificate.participant_efn,
                escape_formula(certificate.participant_name),
                timezone.localtime(certificate.completed_at).date().isoformat(),
                "" if certificate.points is None else f"{certificate.points.normalize():f}",
                certificate.code,
                certificate.get_status_display(),
                statuses.get(report.status, report.status) if report else _("Not reported yet"),
                timezone.localtime(report.reported_at).isoformat(timespec="minutes")
                if report and report.reported_at
                else "",
            ]
        )
    _record_download(request, accreditation, "eiv-status.csv", period)
    response = HttpResponse(buffer.getvalue().encode("utf-8-sig"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="eiv-status-{accreditation.vnr or accreditation.pk}.csv"'
    response["Cache-Control"] = "no-store"
    return response
