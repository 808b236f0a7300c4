"""Thin Celery tasks: ids in, a service call inside, retries for transient failures only."""

from datetime import timedelta

from celery import Task, shared_task
from celery.utils.log import get_task_logger
from django.conf import settings
from django.utils import timezone

from config.tasks import AfterResponseTask, enqueue_on_commit

logger = get_task_logger(__name__)


@shared_task(bind=True, base=AfterResponseTask, max_retries=5, soft_time_limit=60, time_limit=90, acks_late=True)
def render_certificate_pdf_task(self: AfterResponseTask, certificate_id: int) -> str:
    """Render and store the PDF once. A failure that stays is recorded for the learner, who can retry.

    In the embedded mode it runs once the claim's response is out (``AfterResponseTask``, decision 0610).
    """
    from .models import Certificate
    from .pdf import render_certificate
    from .services import record_pdf_failure, store_pdf

    certificate = Certificate.objects.select_related("signature").get(pk=certificate_id)
    if certificate.pdf or certificate.pseudonymised_at:
        return "exists"
    worker = "" if self.request.is_eager else (self.request.hostname or "worker")
    try:
        stored = store_pdf(certificate_id, content=render_certificate(certificate), worker=worker)
    except OSError as error:
        # Storage or fonts away for a moment: a worker tries again after 2, 4, 8 … s. The embedded mode has no
        # broker to hold a delayed retry; there the failure is recorded at once and the learner retries.
        if not self.request.is_eager and self.request.retries < (self.max_retries or 0):
            raise self.retry(exc=error, countdown=min(2 ** (self.request.retries + 1), 300)) from error
        record_pdf_failure(certificate_id, error=error)
        raise
    except Exception as error:
        record_pdf_failure(certificate_id, error=error)
        raise
    if stored:
        enqueue_on_commit(email_certificate_task, certificate_id)
        return "rendered"
    return "exists"


@shared_task(soft_time_limit=30, time_limit=60, acks_late=True)
def sign_credential_task(certificate_id: int) -> str:
    from .credentials.openbadges import signed_credential
    from .models import Certificate
    from .services import store_credential

    certificate = Certificate.objects.get(pk=certificate_id)
    if certificate.credential or certificate.pseudonymised_at:
        return "exists"
    credential = signed_credential(certificate, now=timezone.now())
    if credential is None:
        logger.warning("No credential key configured; certificate %s has no signed credential.", certificate.code)
        return "no key"
    stored = store_credential(certificate_id, credential=credential)
    ensure_status_list(certificate_id)
    return "signed" if stored else "exists"


def ensure_status_list(certificate_id: int) -> None:
    """Publish the certificate's status list if it was never published, so its credentialStatus resolves."""
    from .credentials.status import position
    from .models import StatusList
    from .services import publish_status_list

    number, _index = position(certificate_id)
    if not StatusList.objects.filter(number=number).exists():
        publish_status_list(number)


@shared_task(
    autoretry_for=(OSError,), retry_backoff=2, max_retries=5, soft_time_limit=60, time_limit=90, acks_late=True
)
def publish_status_list_task(number: int) -> str:
    """Re-sign one revocation list after a certificate's bit changed; a no-op when the bits are unchanged."""
    from .services import publish_status_list

    return publish_status_list(number)


@shared_task(soft_time_limit=300, time_limit=360)
def republish_status_lists_task() -> int:
    """Beat, daily: re-publish every list that has certificates, in case a queued publication was lost."""
    from .credentials.status import position
    from .models import Certificate

    last = Certificate.objects.order_by("-pk").values_list("pk", flat=True).first()
    if last is None:
        return 0
    count = position(last)[0]
    for number in range(1, count + 1):
        publish_status_list_task.delay(number)
    return count


@shared_task(soft_time_limit=30, time_limit=60, acks_late=True)
def email_certificate_task(certificate_id: int) -> str:
    from .services import mail_certificate

    return "queued" if mail_certificate(certificate_id) else "sent already"


@shared_task(soft_time_limit=120, time_limit=180)
def queue_expiry_reminders_task() -> int:
    """Beat, daily: one reminder task per valid certificate that expires within the reminder window."""
    from .models import Certificate

    now = timezone.now()
    window = timedelta(days=settings.HALTUNG_CERTIFICATE_EXPIRY_REMINDER_DAYS)
    ids = list(
        Certificate.objects.expiring_between(now, now + window)
        .filter(expiry_reminded_at__isnull=True, pseudonymised_at__isnull=True)
        .values_list("pk", flat=True)
    )
    for certificate_id in ids:
        send_expiry_reminder_task.delay(certificate_id)
    return len(ids)


@shared_task(soft_time_limit=30, time_limit=60, acks_late=True)
def send_expiry_reminder_task(certificate_id: int) -> str:
    from .services import mark_expiry_reminded

    return "queued" if mark_expiry_reminded(certificate_id) else "skipped"


EIV_MAX_RETRIES = 6


@shared_task(bind=True, max_retries=EIV_MAX_RETRIES, soft_time_limit=60, time_limit=90, acks_late=True)
def eiv_report_task(self: Task, report_id: int) -> str:
    """Push one participant to the EIV; back off and retry on 429, 5xx and network errors only."""
    from .reporting.eiv import push_report

    retries = self.request.retries
    while True:
        status = push_report(report_id, final=retries >= EIV_MAX_RETRIES)
        if status != "retry":
            return status
        if not self.request.is_eager:
            raise self.retry(countdown=min(2 ** (retries + 1), 600))
        # The embedded mode has no broker to hold a delayed retry: try again in-process, still bounded.
        retries += 1
