"""The learner journey on PostgreSQL with the certificate PDF rendered by a real Celery worker."""

import time

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from certificates.models import Certificate
from enrolments.models import Enrollment
from quizzes.models import Attempt
from tests.conftest import answer_all, complete_all_steps

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def wait_for(predicate, *, timeout: float = 60.0, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.2)


def test_worker_renders_the_certificate(celery_worker, version, learner, tmp_path):
    """Pass the test through the views; the worker process, not eager mode, renders and stores the PDF."""
    client = Client()
    client.force_login(learner)
    client.post(reverse("enrolments:enroll", args=["mini-course"]))
    enrollment = Enrollment.objects.get(user=learner)
    complete_all_steps(enrollment)
    client.post(reverse("quizzes:start", args=[enrollment.pk]))
    attempt = Attempt.objects.get(enrollment=enrollment)
    client.post(reverse("quizzes:submit", args=[attempt.pk]), answer_all(attempt, correct=True))

    response = client.post(reverse("certificates:claim", args=[enrollment.pk]))
    certificate = Certificate.objects.get(enrollment=enrollment)
    assert response.url == reverse("certificates:detail", args=[certificate.code])

    def rendered() -> bool:
        certificate.refresh_from_db()
        return bool(certificate.pdf)

    wait_for(rendered, what="the worker to store the PDF")
    assert certificate.pdf_rendered_by.startswith(celery_worker), certificate.pdf_rendered_by

    download = client.get(reverse("certificates:download", args=[certificate.code]))
    path = tmp_path / "c.pdf"
    path.write_bytes(b"".join(download.streaming_content))
    assert certificate.code in PdfReader(path).pages[0].extract_text()

    # Redelivery is harmless: running the task again leaves one PDF.
    from certificates.tasks import render_certificate_pdf_task

    name = certificate.pdf.name
    render_certificate_pdf_task.delay(certificate.pk)
    time.sleep(1)
    certificate.refresh_from_db()
    assert certificate.pdf.name == name
    assert Certificate.objects.count() == 1

    verify = Client().get(reverse("certificates:verify", args=[certificate.code]))
    assert verify.status_code == 200


def test_health_reports_both_services(client, celery_worker):
    """/healthz answers 200 with PostgreSQL and Redis both up."""
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}
