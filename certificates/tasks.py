"""Thin Celery tasks: ids in, a service call inside, retries for transient failures only."""

from celery import shared_task
from celery.utils.log import get_task_logger
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

logger = get_task_logger(__name__)


@shared_task(
    bind=True,
    autoretry_for=(OSError,),
    retry_backoff=2,
    retry_backoff_max=300,
    max_retries=5,
    soft_time_limit=60,
    time_limit=90,
    acks_late=True,
)
def render_certificate_pdf_task(self, certificate_id: int) -> str:
    from .models import Certificate
    from .pdf import render_certificate
    from .services import store_pdf

    certificate = Certificate.objects.get(pk=certificate_id)
    if certificate.pdf:
        return "exists"
    content = render_certificate(certificate)
    worker = "" if self.request.is_eager else (self.request.hostname or "worker")
    if store_pdf(certificate_id, content=content, worker=worker):
        transaction.on_commit(lambda: email_certificate_task.delay(certificate_id))
        return "rendered"
    return "exists"


@shared_task(
    bind=True,
    autoretry_for=(OSError,),
    retry_backoff=5,
    retry_backoff_max=600,
    max_retries=5,
    soft_time_limit=30,
    time_limit=60,
    acks_late=True,
)
def email_certificate_task(self, certificate_id: int) -> str:
    from .models import Certificate

    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().select_related("user").get(pk=certificate_id)
        if certificate.emailed_at is not None:
            return "sent already"
        with translation.override(certificate.language):
            subject = render_to_string("certificates/email/issued_subject.txt", {"certificate": certificate})
            body = render_to_string("certificates/email/issued.txt", {"certificate": certificate})
        send_mail(" ".join(subject.split()), body, None, [certificate.user.email])
        certificate.emailed_at = timezone.now()
        certificate.save(update_fields=["emailed_at"])
    return "sent"
