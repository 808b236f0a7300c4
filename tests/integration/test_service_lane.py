"""The learner journey on PostgreSQL with the certificate PDF rendered by a real Celery worker."""

import os
import time

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from certificates.models import Certificate
from config.celery import heartbeat_task
from config.metrics import HEARTBEAT_KEY, TASK_COUNTER_PREFIX
from enrolments.models import Enrollment
from quizzes.models import Attempt
from tests.conftest import answer_all, complete_all_steps
from tests.integration.conftest import require_services

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
    # The page is there at once, whatever the worker has done so far; its script asks the status endpoint.
    page = client.get(response.url).content.decode()
    assert 'data-pdf-state="pending"' in page or 'data-pdf-state="ready"' in page
    status = reverse("certificates:pdf_status", args=[certificate.code])
    wait_for(lambda: client.get(status).json()["state"] == "ready", what="the status endpoint to say ready")

    certificate.refresh_from_db()
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


@pytest.fixture
def shared_cache(monkeypatch, settings):
    """The test and the worker share one Redis cache, as web and worker processes do in production.

    Set before the worker starts (it reads REDIS_URL from its environment); without the services the lane
    skips here (or, where they are required, fails)."""
    require_services()
    monkeypatch.setenv("REDIS_URL", os.environ.get("CELERY_BROKER_URL", ""))
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["REDIS_URL"]}
    }
    from django.core.cache import cache

    keys = [HEARTBEAT_KEY, f"{TASK_COUNTER_PREFIX}:haltung.heartbeat:success"]
    cache.delete_many(keys)
    yield
    cache.delete_many(keys)


def test_health_reports_every_service_and_the_workers_heartbeat(client, shared_cache, celery_worker, settings):
    """/healthz: PostgreSQL, Redis, cache and storage answer; beat is down until a worker ran its heartbeat,
    then up; the worker's task counts reach /metrics through the shared cache."""
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["beat"] == "error: no heartbeat yet"

    heartbeat_task.delay()  # what beat queues every minute; the worker process runs it
    wait_for(lambda: client.get(reverse("healthz")).status_code == 200, what="the worker's heartbeat")
    assert client.get(reverse("healthz")).json() == {
        "status": "ok",
        "database": "ok",
        "broker": "ok",
        "cache": "ok",
        "storage": "ok",
        "beat": "ok",
    }
    settings.HALTUNG_METRICS_TOKEN = "service-lane-token-0123"
    metrics = client.get(reverse("metrics"), headers={"Authorization": "Bearer service-lane-token-0123"})
    assert 'haltung_celery_tasks_total{outcome="success",task="haltung.heartbeat"} 1.0' in metrics.content.decode()
