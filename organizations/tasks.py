"""Thin Celery tasks of organizations: ids in, a service call inside, retries for transient failures only."""

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from config.tasks import enqueue_on_commit


def _mail(template: str, context: dict, *, to: str, language: str) -> None:
    with translation.override(language):
        subject = render_to_string(f"organizations/email/{template}_subject.txt", context)
        body = render_to_string(f"organizations/email/{template}.txt", context)
    send_mail(" ".join(subject.split()), body, None, [to])


@shared_task(
    autoretry_for=(OSError,), retry_backoff=5, max_retries=5, soft_time_limit=30, time_limit=60, acks_late=True
)
def send_invitation_task(invitation_id: int) -> str:
    from .models import Invitation
    from .services import invitation_token

    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update(of=("self",))
            .select_related("organization", "invited_by")
            .get(pk=invitation_id)
        )
        if invitation.state != "open":
            return "not open"
        url = settings.SITE_URL + reverse("organizations:accept", args=[invitation_token(invitation)])
        context = {"invitation": invitation, "organization": invitation.organization, "url": url}
        _mail("invitation", context, to=invitation.email, language=invitation.organization.default_language)
        invitation.sent_at = timezone.now()
        invitation.save(update_fields=["sent_at"])
    return "sent"


@shared_task(soft_time_limit=1800, time_limit=1900, acks_late=True)
def run_report_task(run_id: int) -> str:
    from .reports import write_report

    result = write_report(run_id)
    if result == "done":
        enqueue_on_commit(notify_report_ready_task, run_id)
    return result


@shared_task(
    autoretry_for=(OSError,), retry_backoff=5, max_retries=5, soft_time_limit=30, time_limit=60, acks_late=True
)
def notify_report_ready_task(run_id: int) -> str:
    """Scheduled runs are mailed to the admin who set the schedule; interactive ones show on the page."""
    from .models import ReportRun
    from .reports import REPORTS

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
    _mail("report_ready", context, to=run.requested_by.email, language=run.requested_by.language)
    return "sent"


@shared_task(soft_time_limit=300, time_limit=360)
def expire_report_runs_task() -> int:
    """Beat, daily: delete report files past their retention period."""
    from .reports import expire_runs

    return expire_runs()


@shared_task(soft_time_limit=120, time_limit=180)
def queue_scheduled_reports_task() -> int:
    """Beat, daily: queue the monthly report runs whose day has come."""
    from .reports import queue_due_schedules

    return len(queue_due_schedules())
