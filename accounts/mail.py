"""
The one way Haltung sends e-mail (decision 0010): render once, store, send after the commit, at most once.

A service calls :func:`queue` (or :func:`queue_many` for a batch) inside its transaction; the mail is sent by
:data:`send_mails_task` after the commit, outside any row lock. Sending claims the row first
(``queued`` → ``sending``), so a retried or redelivered task never mails twice; an SMTP error puts the row
back to ``queued`` and the task retries.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from celery import shared_task
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from config.tasks import enqueue_on_commit

from .models import OutgoingMail

BATCH = 500


@dataclass(frozen=True)
class Mail:
    key: str
    template: str  # "certificates/email/issued" → issued_subject.txt and issued.txt
    context: dict[str, Any]
    to: str
    language: str


def render(mail: Mail) -> tuple[str, str]:
    with translation.override(mail.language):
        subject = render_to_string(f"{mail.template}_subject.txt", mail.context)
        body = render_to_string(f"{mail.template}.txt", mail.context)
    return " ".join(subject.split()), body


def queue(mail: Mail) -> bool:
    """Queue one mail for after the commit; False when a mail with this key was queued before."""
    return queue_many([mail]) == 1


def queue_many(mails: Iterable[Mail]) -> int:
    """Queue mails whose keys are new, in batches of one task each; returns how many were queued."""
    mails = list(mails)
    known = set(OutgoingMail.objects.filter(key__in=[m.key for m in mails]).values_list("key", flat=True))
    rows = []
    for mail in mails:
        if mail.key in known:
            continue
        known.add(mail.key)
        subject, body = render(mail)
        rows.append(OutgoingMail(key=mail.key, to=mail.to, subject=subject[:255], body=body))
    with transaction.atomic():
        created = OutgoingMail.objects.bulk_create(rows, ignore_conflicts=True)
        ids = list(
            OutgoingMail.objects.filter(key__in=[r.key for r in created], status="queued").values_list("pk", flat=True)
        )
        for start in range(0, len(ids), BATCH):
            enqueue_on_commit(send_mails_task, ids[start : start + BATCH])
    return len(ids)


def send(mail_ids: list[int]) -> int:
    """Send the queued mails among ``mail_ids`` over one connection; returns how many went out."""
    sent = 0
    with get_connection() as connection:
        for mail_id in mail_ids:
            claimed = OutgoingMail.objects.filter(pk=mail_id, status=OutgoingMail.Status.QUEUED).update(
                status=OutgoingMail.Status.SENDING
            )
            if not claimed:
                continue  # sent already, or being sent by another delivery of this task
            mail = OutgoingMail.objects.get(pk=mail_id)
            try:
                EmailMessage(mail.subject, mail.body, None, [mail.to], connection=connection).send()
            except Exception:
                OutgoingMail.objects.filter(pk=mail_id).update(status=OutgoingMail.Status.QUEUED)
                raise
            OutgoingMail.objects.filter(pk=mail_id).update(
                status=OutgoingMail.Status.SENT, sent_at=timezone.now(), subject="", body=""
            )
            sent += 1
    return sent


@shared_task(
    name="accounts.send_mails",
    autoretry_for=(OSError,),
    retry_backoff=5,
    retry_backoff_max=600,
    max_retries=5,
    soft_time_limit=600,
    time_limit=660,
    acks_late=True,
)
def send_mails_task(mail_ids: list[int]) -> int:
    return send(mail_ids)
