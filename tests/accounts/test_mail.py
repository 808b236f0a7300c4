"""The one mail service: rendered once, sent after the commit, never twice (decision 0010)."""

import pytest
from django.core import mail as outbox
from django.core.mail.backends.locmem import EmailBackend

from accounts import mail
from accounts.models import OutgoingMail

pytestmark = pytest.mark.django_db


class FailingOnceBackend(EmailBackend):
    """A real (in-memory) backend whose first delivery fails as an unreachable SMTP server does."""

    failures = 1

    def send_messages(self, messages):
        if FailingOnceBackend.failures:
            FailingOnceBackend.failures -= 1
            raise OSError("connection refused")
        return super().send_messages(messages)


def report_mail(key: str = "report-ready:1") -> mail.Mail:
    return mail.Mail(
        key=key,
        template="organizations/email/report_ready",
        context={"run": None, "organization": None, "url": "https://example.org/x", "label": "Report"},
        to="admin@example.org",
        language="en",
    )


def test_a_key_is_queued_and_sent_once(django_capture_on_commit_callbacks):
    """Queueing the same key twice stores one mail; sending it again (a redelivered task) sends nothing."""
    with django_capture_on_commit_callbacks(execute=True):
        assert mail.queue(report_mail()) is True
        assert mail.queue(report_mail()) is False
    assert len(outbox.outbox) == 1
    row = OutgoingMail.objects.get()
    assert row.status == OutgoingMail.Status.SENT and row.body == ""  # the text is not kept once sent
    assert mail.send([row.pk]) == 0
    assert len(outbox.outbox) == 1


def test_a_failed_delivery_is_retried_and_still_sent_once(settings):
    """An SMTP error puts the mail back in the queue; the retry sends it, and a third run sends nothing."""
    settings.EMAIL_BACKEND = f"{__name__}.FailingOnceBackend"
    FailingOnceBackend.failures = 1
    mail.queue(report_mail())
    row = OutgoingMail.objects.get()
    with pytest.raises(OSError, match="connection refused"):
        mail.send([row.pk])
    row.refresh_from_db()
    assert row.status == OutgoingMail.Status.QUEUED
    assert mail.send([row.pk]) == 1
    assert mail.send([row.pk]) == 0
    assert len(outbox.outbox) == 1
