"""Observability against the real services: the request id reaches a worker process, the queue is measured."""

import time
import uuid

import pytest
from django.urls import reverse

from config.celery import app, heartbeat_task
from config.logs import request_id_var
from config.metrics import queue_length
from tests.integration.conftest import require_services

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_request_id_travels_into_the_worker_log(celery_worker, tmp_path):
    """A task queued while a request id is set logs its line in the worker process under that id."""
    token = request_id_var.set("req-lane-0001")
    try:
        heartbeat_task.delay()
    finally:
        request_id_var.reset(token)
    log = tmp_path / "worker.log"
    deadline = time.monotonic() + 60
    while "task haltung.heartbeat SUCCESS" not in log.read_text():
        if time.monotonic() > deadline:
            pytest.fail(f"the worker did not run the heartbeat:\n{log.read_text()}")
        time.sleep(0.2)
    (line,) = [line for line in log.read_text().splitlines() if "task haltung.heartbeat SUCCESS" in line]
    assert "[req-lane-0001]" in line


def test_queue_length_is_read_from_the_broker(client, settings):
    """Three tasks waiting on a queue no worker serves: the gauge says 3, and 0 once the queue is empty."""
    require_services()
    queue = f"ops-{uuid.uuid4().hex[:8]}"
    settings.CELERY_TASK_DEFAULT_QUEUE = queue
    settings.CELERY_TASK_ALWAYS_EAGER = False  # publish to the broker; no worker serves this queue
    settings.HALTUNG_METRICS_TOKEN = "lane-token-0123456789"
    assert queue_length(queue) == 0
    for _ in range(3):
        heartbeat_task.apply_async(queue=queue)
    try:
        assert queue_length(queue) == 3
        body = client.get(reverse("metrics"), headers={"Authorization": "Bearer lane-token-0123456789"})
        assert f'haltung_celery_queue_length{{queue="{queue}"}} 3.0' in body.content.decode()
    finally:
        with app.connection_for_write() as connection:
            connection.default_channel.queue_purge(queue)
    assert queue_length(queue) == 0
