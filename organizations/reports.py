"""
The report framework: a registry of report builders and the runs that write them to files.

``organizations`` knows nothing about courses or certificates; those apps register a
:class:`ReportDefinition` from their ``AppConfig.ready`` (decision 0303). A builder yields rows lazily
(``.iterator()`` over ``values_list``), the task streams them into a CSV or XLSX file with formula escaping,
and the file is kept for ``ORGANIZATIONS_REPORT_RETENTION_DAYS``.
"""

import logging
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from celery import shared_task
from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from accounts import mail
from config.tasks import enqueue_on_commit

from . import audit, exports
from .errors import OrganizationError
from .models import Organization, OrgAuditEvent, ReportRun, ReportSchedule

logger = logging.getLogger(__name__)

Rows = Iterable[Sequence[Any]]


@dataclass(frozen=True)
class ReportDefinition:
    key: str
    label: str | Promise
    description: str | Promise
    headers: Callable[[], list[str]]
    rows: Callable[[Organization, dict[str, Any]], Rows]
    # The number of rows, for the progress bar; None when counting would cost as much as writing.
    count: Callable[[Organization, dict[str, Any]], int] | None = None
    # An optional scope the admin picks (e.g. one cohort): choices per organization, as (value, label).
    scope_label: str | Promise = ""
    scope_choices: Callable[[Organization], list[tuple[str, str]]] | None = None
    order: int = 100


REPORTS: dict[str, ReportDefinition] = {}


def register_report(definition: ReportDefinition) -> ReportDefinition:
    """Add or replace (by key) a report; idempotent so that ``ready()`` may run twice."""
    REPORTS[definition.key] = definition
    return definition


def available_reports() -> list[ReportDefinition]:
    return sorted(REPORTS.values(), key=lambda d: (d.order, d.key))


def get_report(key: str) -> ReportDefinition:
    try:
        return REPORTS[key]
    except KeyError:
        raise OrganizationError(_("There is no report of this kind."), code="unknown_report") from None


def _clean_params(definition: ReportDefinition, organization: Organization, params: dict[str, Any]) -> dict:
    scope = str(params.get("scope") or "")
    if not scope:
        return {}
    allowed = {value for value, _label in definition.scope_choices(organization)} if definition.scope_choices else set()
    if scope not in allowed:
        raise OrganizationError(_("Choose a scope from the list."), code="invalid_scope")
    return {"scope": scope}


@transaction.atomic(durable=True)
def request_report(
    organization: Organization,
    *,
    kind: str,
    format: str,
    by: Any,
    params: dict[str, Any] | None = None,
    scheduled: bool = False,
) -> ReportRun:
    """Queue a report file; the export is audited when requested, since the data leaves with it."""
    definition = get_report(kind)
    if format not in ReportRun.Format.values:
        raise OrganizationError(_("Choose CSV or XLSX."), code="invalid_format")
    params = _clean_params(definition, organization, params or {})
    run = ReportRun.objects.create(
        organization=organization, kind=kind, format=format, params=params, requested_by=by, scheduled=scheduled
    )
    audit.record(
        organization,
        actor=by,
        action=OrgAuditEvent.Action.REPORT_EXPORTED,
        target=run,
        object_repr=f"{definition.label} ({format.upper()})",
        after={"kind": kind, "format": format, "params": params, "scheduled": scheduled},
    )
    enqueue_on_commit(run_report_task, run.pk)
    return run


def _set_progress(run_id: int, written: int, total: int | None) -> None:
    percent = min(99, int(100 * written / total)) if total else 0
    ReportRun.objects.filter(pk=run_id).update(rows_written=written, progress=percent)


def write_report(run_id: int) -> str:
    """Write the file of a queued run; a run that is not queued any more is left alone (idempotent)."""
    claimed = ReportRun.objects.filter(pk=run_id, status=ReportRun.Status.QUEUED).update(
        status=ReportRun.Status.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return "skipped"
    run = ReportRun.objects.select_related("organization", "requested_by").get(pk=run_id)
    definition = get_report(run.kind)
    language = getattr(run.requested_by, "language", "") or run.organization.default_language
    try:
        with translation.override(language), tempfile.TemporaryFile() as target:
            total = definition.count(run.organization, run.params) if definition.count else None
            rows = definition.rows(run.organization, run.params)

            def progress(written: int) -> None:
                _set_progress(run.pk, written, total)

            if run.format == ReportRun.Format.XLSX:
                written = exports.write_xlsx(
                    target, definition.headers(), rows, title=str(definition.label), progress=progress
                )
            else:
                written = exports.write_csv(target, definition.headers(), rows, progress=progress)
            target.seek(0)
            run.file.save(run.filename, File(target, name=run.filename), save=False)
    except Exception as error:
        logger.exception("Report run %s failed", run_id)
        ReportRun.objects.filter(pk=run_id).update(
            status=ReportRun.Status.FAILED, error=f"{type(error).__name__}: {error}"[:2000], finished_at=timezone.now()
        )
        return "failed"
    now = timezone.now()
    ReportRun.objects.filter(pk=run_id).update(
        status=ReportRun.Status.DONE,
        file=run.file.name,
        progress=100,
        rows_written=written,
        finished_at=now,
        expires_at=now + timedelta(days=settings.ORGANIZATIONS_REPORT_RETENTION_DAYS),
    )
    return "done"


def expire_runs(*, now: Any = None) -> int:
    """Delete the files of runs past their retention; the rows stay as a record that the export happened."""
    count = 0
    for run in ReportRun.objects.expired(now):
        if run.file:
            run.file.delete(save=False)
        ReportRun.objects.filter(pk=run.pk).update(status=ReportRun.Status.EXPIRED, file="")
        count += 1
    return count


@transaction.atomic(durable=True)
def save_schedule(
    organization: Organization,
    *,
    kind: str,
    format: str,
    day_of_month: int,
    by: Any,
) -> ReportSchedule:
    get_report(kind)
    if format not in ReportRun.Format.values:
        raise OrganizationError(_("Choose CSV or XLSX."), code="invalid_format")
    if not 1 <= day_of_month <= 28:
        raise OrganizationError(_("Choose a day between 1 and 28."), code="invalid_day")
    schedule, created = ReportSchedule.objects.update_or_create(
        organization=organization,
        kind=kind,
        format=format,
        defaults={"day_of_month": day_of_month, "requested_by": by},
    )
    audit.record(
        organization,
        actor=by,
        action=OrgAuditEvent.Action.SCHEDULE_CHANGED,
        target=schedule,
        after={"kind": kind, "format": format, "day_of_month": day_of_month, "created": created},
    )
    return schedule


@transaction.atomic(durable=True)
def delete_schedule(schedule: ReportSchedule, *, by: Any) -> None:
    audit.record(
        schedule.organization,
        actor=by,
        action=OrgAuditEvent.Action.SCHEDULE_CHANGED,
        target=schedule,
        before={"kind": schedule.kind, "format": schedule.format, "day_of_month": schedule.day_of_month},
        after={"deleted": True},
    )
    schedule.delete()


def queue_due_schedules(*, today: date | None = None) -> list[int]:
    """Queue this month's run of every schedule whose day has come; at most one run per month each."""
    today = today or timezone.localdate()
    month = today.replace(day=1)
    queued = []
    due = ReportSchedule.objects.filter(day_of_month__lte=today.day).exclude(last_month=month)
    for schedule in due.select_related("organization", "requested_by"):
        # Claim the month first: a second beat run (or a retry) finds it taken and queues nothing.
        if not ReportSchedule.objects.filter(pk=schedule.pk).exclude(last_month=month).update(last_month=month):
            continue
        if schedule.kind not in REPORTS:
            logger.warning("Report schedule %s names an unknown report %r", schedule.pk, schedule.kind)
            continue
        run = request_report(
            schedule.organization,
            kind=schedule.kind,
            format=schedule.format,
            by=schedule.requested_by,
            scheduled=True,
        )
        queued.append(run.pk)
    return queued


def notify_report_ready(run_id: int) -> str:
    """Scheduled runs are mailed to the admin who set the schedule (once); interactive ones show on the page."""
    run = ReportRun.objects.select_related("organization", "requested_by").get(pk=run_id)
    if not run.scheduled or run.requested_by is None or run.status != ReportRun.Status.DONE:
        return "skipped"
    url = settings.SITE_URL + reverse(
        "organizations:export_detail", kwargs={"org_slug": run.organization.slug, "run_id": run.pk}
    )
    definition = REPORTS.get(run.kind)
    context = {
        "run": run,
        "organization": run.organization,
        "url": url,
        "label": definition.label if definition else run.kind,
    }
    queued = mail.queue(
        mail.Mail(
            key=f"report-ready:{run.pk}",
            template="organizations/email/report_ready",
            context=context,
            to=run.requested_by.email,
            language=run.requested_by.language,
        )
    )
    return "queued" if queued else "skipped"


# The task sits beside the service it calls, so that ``request_report`` can queue it without an import
# cycle; ``organizations.tasks`` re-exports it for Celery's autodiscovery.
@shared_task(name="organizations.tasks.run_report_task", soft_time_limit=1800, time_limit=1900, acks_late=True)
def run_report_task(run_id: int) -> str:
    result = write_report(run_id)
    if result == "done":
        notify_report_ready(run_id)
    return result
