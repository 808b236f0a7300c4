"""Claiming a certificate: the claim answers at once, the page shows the PDF's state, a failed render is retried."""

import logging
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from certificates import services
from certificates.models import Certificate

pytestmark = pytest.mark.django_db

STATUS_URL = "certificates:pdf_status"


def claim(client: Client, enrollment) -> Certificate:
    response = client.post(reverse("certificates:claim", args=[enrollment.pk]))
    certificate = Certificate.objects.get(enrollment=enrollment)
    assert response.status_code == 302 and response.url == reverse("certificates:detail", args=[certificate.code])
    return certificate


def state(client: Client, certificate: Certificate) -> str:
    response = client.get(reverse(STATUS_URL, args=[certificate.code]))
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    return response.json()["state"]


@pytest.mark.django_db(transaction=True)
def test_the_claim_answers_before_the_pdf_is_rendered(passed_enrollment, learner, learner_client, caplog):
    """Embedded default (eager Celery, real commits): the claim's response is finished, and its server time logged,
    before the render starts; the render follows in the same process right after, under the same request id."""
    caplog.set_level(logging.INFO)
    response = learner_client.post(reverse("certificates:claim", args=[passed_enrollment.pk]))
    certificate = Certificate.objects.get(enrollment=passed_enrollment)
    assert response.url == reverse("certificates:detail", args=[certificate.code])
    lines = [r for r in caplog.records if r.name in {"haltung.request", "haltung.task"}]
    claim_line = next(i for i, r in enumerate(lines) if getattr(r, "view", "") == "certificates:claim")
    render_line = next(
        i for i, r in enumerate(lines) if getattr(r, "task", "") == "certificates.tasks.render_certificate_pdf_task"
    )
    assert claim_line < render_line, [r.getMessage() for r in lines]
    assert lines[render_line].request_id == response["X-Request-ID"]
    certificate.refresh_from_db()
    assert certificate.pdf and certificate.credential  # both there once the response was out
    assert state(learner_client, certificate) == "ready"


def test_the_certificate_page_shows_the_pdf_being_prepared(
    passed_enrollment, learner_client, client, django_capture_on_commit_callbacks
):
    """Before the render ran: the page shows the certificate with 'being prepared' and no download; verification
    works already. After it: the status says ready and the page offers the download."""
    with django_capture_on_commit_callbacks() as callbacks:
        certificate = claim(learner_client, passed_enrollment)
    assert callbacks and not Certificate.objects.get(pk=certificate.pk).pdf
    page = learner_client.get(reverse("certificates:detail", args=[certificate.code]))
    html = page.content.decode()
    assert 'data-pdf-state="pending"' in html
    assert reverse(STATUS_URL, args=[certificate.code]) in html
    assert "Das PDF wird erstellt." in html
    assert reverse("certificates:download", args=[certificate.code]) in html  # in the hidden 'ready' part
    assert '<script src="/static/certificates/pdf-status.js" defer></script>' in html
    assert state(learner_client, certificate) == "pending"
    assert client.get(reverse("certificates:verify", args=[certificate.code])).status_code == 200

    for callback in callbacks:
        callback()
    assert state(learner_client, certificate) == "ready"
    html = learner_client.get(reverse("certificates:detail", args=[certificate.code])).content.decode()
    assert 'data-pdf-state="ready"' in html


def test_the_status_answers_the_owner_only(certificate, learner_client, make_user, django_assert_num_queries):
    """Another learner gets 404 for the status, as for everything else of the certificate; unknown codes too."""
    # Budget: the user (1; the session comes from the cache, decision 0413), the certificate (1).
    with django_assert_num_queries(2):
        assert state(learner_client, certificate) == "ready"
    other = Client()
    other.force_login(make_user("other@example.org", "Other Person"))
    assert other.get(reverse(STATUS_URL, args=[certificate.code])).status_code == 404
    assert learner_client.get(reverse(STATUS_URL, args=["HX-NOPE"])).status_code == 404
    assert other.post(reverse("certificates:pdf_retry", args=[certificate.code])).status_code == 404


def test_a_double_claim_gives_one_certificate_and_one_render(
    passed_enrollment, learner_client, django_capture_on_commit_callbacks
):
    """Claiming twice (a double click, a reload of the form) leads to the same certificate and queues nothing more."""
    with django_capture_on_commit_callbacks(execute=True) as first:
        certificate = claim(learner_client, passed_enrollment)
    with django_capture_on_commit_callbacks(execute=True) as second:
        again = claim(learner_client, passed_enrollment)
    assert first and not second
    assert again.pk == certificate.pk and Certificate.objects.count() == 1


def block_pdf_folder(settings, tmp_path) -> None:
    """Storage that cannot take the PDF: a file stands where its folder would be (a real OSError)."""
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "certificates").mkdir()
    (tmp_path / "certificates" / timezone.now().strftime("%Y")).write_text("in the way")


def test_a_failed_render_is_shown_logged_and_retried(
    passed_enrollment, learner_client, settings, tmp_path, caplog, django_capture_on_commit_callbacks
):
    """The render fails for good (after its retries): the learner sees it with a retry button, staff get an error
    log line; the retry renders the PDF, and a second retry queues nothing."""
    block_pdf_folder(settings, tmp_path)
    with django_capture_on_commit_callbacks() as callbacks:
        certificate = claim(learner_client, passed_enrollment)
    with caplog.at_level(logging.INFO), pytest.raises(NotADirectoryError):  # noqa: PT012 - one task of them fails
        for callback in callbacks:
            callback()
    certificate.refresh_from_db()
    assert certificate.credential, "the credential does not wait for the PDF"
    assert not certificate.pdf and certificate.pdf_failed_at is not None
    alert = next(r for r in caplog.records if getattr(r, "event", "") == "certificate_pdf_failed")
    assert alert.levelno == logging.ERROR and alert.certificate_id == certificate.pk
    assert state(learner_client, certificate) == "failed"
    page = learner_client.get(reverse("certificates:detail", args=[certificate.code]))
    html = page.content.decode()
    assert 'data-pdf-state="failed"' in html and "Das PDF konnte nicht erstellt werden." in html
    assert f'action="{reverse("certificates:pdf_retry", args=[certificate.code])}"' in html

    (tmp_path / "certificates" / timezone.now().strftime("%Y")).unlink()  # the operator fixed the storage
    retry = reverse("certificates:pdf_retry", args=[certificate.code])
    with django_capture_on_commit_callbacks(execute=True) as queued:
        response = learner_client.post(retry)
    assert response.url == reverse("certificates:detail", args=[certificate.code]) and queued
    assert state(learner_client, certificate) == "ready"
    with django_capture_on_commit_callbacks(execute=True) as queued:
        learner_client.post(retry)
    assert not queued


def test_a_long_wait_offers_the_retry_too(certificate, passed_enrollment, learner, django_capture_on_commit_callbacks):
    """A PDF still missing long after it was queued (a lost task, a worker that was down) can be asked for again;
    a fresh one cannot."""
    Certificate.objects.filter(pk=certificate.pk).update(pdf="", issued_at=timezone.now())
    certificate.refresh_from_db()
    assert certificate.pdf_state() == "pending"
    with django_capture_on_commit_callbacks() as queued:
        assert services.retry_pdf(certificate, by=learner) is False
    assert not queued
    later = timezone.now() + services.PDF_OVERDUE + timedelta(seconds=1)
    assert certificate.pdf_state(now=later) == "delayed"
    Certificate.objects.filter(pk=certificate.pk).update(issued_at=timezone.now() - services.PDF_OVERDUE * 2)
    certificate.refresh_from_db()
    assert certificate.pdf_state() == "delayed"
    with django_capture_on_commit_callbacks(execute=True) as queued:
        assert services.retry_pdf(certificate, by=learner) is True
    certificate.refresh_from_db()
    assert certificate.pdf and certificate.pdf_state() == "ready"


def test_staff_find_failed_pdfs_in_the_admin(certificate, make_user):
    """The admin's certificate list filters those whose PDF failed (and was not rendered since)."""
    from tests.conftest import with_second_factor

    staff = with_second_factor(make_user("staff@example.org", "Staff Person", is_staff=True, is_superuser=True))
    admin = Client()
    admin.force_login(staff)
    changelist = reverse("admin:certificates_certificate_changelist")
    assert certificate.code not in admin.get(changelist, {"pdf_failed_at__isempty": "0"}).content.decode()
    Certificate.objects.filter(pk=certificate.pk).update(pdf="", pdf_failed_at=timezone.now())
    assert certificate.code in admin.get(changelist, {"pdf_failed_at__isempty": "0"}).content.decode()
