"""Celery tasks of organizations: ids in, one service call inside."""

from celery import shared_task

from .reports import expire_runs, queue_due_schedules, run_report_task

__all__ = ["expire_report_runs_task", "queue_scheduled_reports_task", "run_report_task"]


@shared_task(soft_time_limit=300, time_limit=360)
def expire_report_runs_task() -> int:
    """Beat, daily: delete report files past their retention period."""
    return expire_runs()


@shared_task(soft_time_limit=120, time_limit=180)
def queue_scheduled_reports_task() -> int:
    """Beat, daily: queue the monthly report runs whose day has come."""
    return len(queue_due_schedules())
