"""
Back-office pages for report files: request one, watch its progress, download it; monthly schedules.
The file is written by a task; these pages only queue, poll and serve.
"""

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import backoffice, reports
from .errors import OrganizationError
from .forms import ExportForm, ScheduleForm
from .models import ReportRun, ReportSchedule
from .permissions import OrganizationRequest, can_export, organization_required

RECENT_RUNS = 30
CONTENT_TYPES: dict[str, str] = {
    ReportRun.Format.CSV: "text/csv; charset=utf-8",
    ReportRun.Format.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _labels() -> dict[str, str | Promise]:
    return {definition.key: definition.label for definition in reports.available_reports()}


@organization_required(can_export)
def exports(request: OrganizationRequest) -> HttpResponse:
    organization = request.organization
    form = ExportForm(request.POST or None, organization=organization)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            run = reports.request_report(
                organization, kind=data["kind"], format=data["format"], by=request.user, params={"scope": data["scope"]}
            )
        except OrganizationError as error:
            error.add_to_form(form)
        else:
            return redirect("organizations:export_detail", org_slug=organization.slug, run_id=run.pk)
    labels = _labels()
    runs = list(ReportRun.objects.for_organization(organization).select_related("requested_by")[:RECENT_RUNS])
    schedules = list(ReportSchedule.objects.for_organization(organization).select_related("requested_by"))
    # Each row with the label of its report kind (a kind no longer registered shows its key).
    context = backoffice.context(
        request,
        organization,
        active="exports",
        form=form,
        runs=[(run, labels.get(run.kind, run.kind)) for run in runs],
        definitions=reports.available_reports(),
        schedules=[(schedule, labels.get(schedule.kind, schedule.kind)) for schedule in schedules],
        retention_days=settings.ORGANIZATIONS_REPORT_RETENTION_DAYS,
        schedule_form=ScheduleForm(),
    )
    return render(request, "organizations/backoffice/exports.html", context, status=400 if form.errors else 200)


def _run(request: OrganizationRequest, run_id: int) -> ReportRun:
    return get_object_or_404(ReportRun.objects.for_organization(request.organization), pk=run_id)


@organization_required(can_export)
def export_detail(request: OrganizationRequest, run_id: int) -> HttpResponse:
    run = _run(request, run_id)
    context = backoffice.context(
        request, request.organization, active="exports", run=run, label=_labels().get(run.kind)
    )
    return render(request, "organizations/backoffice/export_detail.html", context)


@organization_required(can_export)
def export_progress(request: OrganizationRequest, run_id: int) -> JsonResponse:
    """Polled by the progress bar."""
    run = _run(request, run_id)
    return JsonResponse(
        {
            "status": run.status,
            "progress": run.progress,
            "rows": run.rows_written,
            "finished": run.status in {ReportRun.Status.DONE, ReportRun.Status.FAILED, ReportRun.Status.EXPIRED},
        }
    )


@organization_required(can_export)
def export_download(request: OrganizationRequest, run_id: int) -> FileResponse:
    run = _run(request, run_id)
    if run.status != ReportRun.Status.DONE or not run.file:
        raise Http404
    content_type = CONTENT_TYPES[run.format]
    return FileResponse(run.file.open("rb"), as_attachment=True, filename=run.filename, content_type=content_type)


@require_POST
@organization_required(can_export)
def schedule_save(request: OrganizationRequest) -> HttpResponse:
    organization = request.organization
    form = ScheduleForm(request.POST)
    if form.is_valid():
        try:
            reports.save_schedule(organization, by=request.user, **form.cleaned_data)
        except OrganizationError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("The report will be written on day %(day)d of every month; you get an e-mail when it is ready.")
                % {"day": form.cleaned_data["day_of_month"]},
            )
    else:
        messages.error(request, _("Check the schedule: choose a report, a format and a day between 1 and 28."))
    return redirect("organizations:exports", org_slug=organization.slug)


@require_POST
@organization_required(can_export)
def schedule_delete(request: OrganizationRequest, schedule_id: int) -> HttpResponse:
    organization = request.organization
    schedule = get_object_or_404(ReportSchedule.objects.for_organization(organization), pk=schedule_id)
    reports.delete_schedule(schedule, by=request.user)
    messages.success(request, _("The monthly report is stopped."))
    return redirect("organizations:exports", org_slug=organization.slug)
