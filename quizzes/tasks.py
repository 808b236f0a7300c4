"""Thin Celery tasks over quizzes services: ids in, idempotent by state."""

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.db import OperationalError


def _pending_key(assessment_id: int) -> str:
    return f"quizzes:item-analysis-pending:{assessment_id}"


def request_item_analysis(assessment_id: int) -> bool:
    """Queue one recomputation a while from now, unless one is pending already (the debounce).

    Returns whether a task was queued. Many submissions within the delay cost one recomputation.
    """
    delay = settings.QUIZZES_ANALYSIS_DELAY_SECONDS
    if not cache.add(_pending_key(assessment_id), 1, timeout=delay + 300):
        return False
    recompute_item_analysis_task.apply_async(args=(assessment_id,), countdown=delay)
    return True


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5, soft_time_limit=300, time_limit=360)
def recompute_item_analysis_task(assessment_id: int) -> None:
    from .models import Assessment
    from .statistics import compute_item_analysis

    # Submissions from now on need another run: they may not be in the rows read below.
    cache.delete(_pending_key(assessment_id))
    assessment = Assessment.objects.filter(pk=assessment_id).first()
    if assessment is not None:
        compute_item_analysis(assessment)


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3, soft_time_limit=50, time_limit=55)
def submit_overdue_attempts_task() -> int:
    """Periodic (beat): submit attempts whose time limit and grace period have passed, as saved."""
    from .services import submit_overdue_attempts

    return submit_overdue_attempts()
