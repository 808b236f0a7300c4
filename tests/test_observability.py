"""Structured logs with request and user id, Prometheus metrics behind a token, error reports without PII."""

import io
import json
import logging
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
from django.urls import reverse

from config.celery import app, heartbeat_task
from config.logs import ContextFilter, JsonFormatter
from tests.certificates.conftest import VALID_EFN

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "metrics-token-for-tests-0123456789"


@pytest.fixture
def json_log():
    """The JSON lines the request and task loggers write while the test runs."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(ContextFilter())
    loggers = [logging.getLogger(name) for name in ("haltung.request", "haltung.task", "django.request")]
    for logger in loggers:
        logger.addHandler(handler)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    for logger in loggers:
        logger.removeHandler(handler)


@pytest.mark.django_db
def test_request_log_line_has_request_id_user_id_and_timing_but_no_email_or_efn(client, make_user, json_log):
    """One JSON line per request: ids, view, status and duration; the e-mail and EFN appear nowhere."""
    user = make_user("efn.person@example.org", efn=VALID_EFN)
    client.force_login(user)
    response = client.get(reverse("accounts:profile"), {"q": "efn.person@example.org"})
    assert response.status_code == 200
    (line,) = [entry for entry in json_log() if entry.get("event") == "request"]
    assert line["request_id"] == response["X-Request-ID"] and len(line["request_id"]) == 32
    assert line["user_id"] == user.pk
    assert line["view"] == "accounts:profile" and line["status"] == 200 and line["method"] == "GET"
    assert line["path"] == "/accounts/profile/"
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] > 0
    assert line["level"] == "INFO" and line["time"].endswith("+00:00")
    text = json.dumps(json_log())
    assert "efn.person@example.org" not in text and VALID_EFN not in text


@pytest.mark.django_db
def test_proxy_request_id_is_kept_and_junk_is_replaced(client, json_log):
    """A plausible X-Request-ID from the proxy is used and echoed; anything else gets a fresh id."""
    kept = client.get("/", headers={"X-Request-ID": "edge-7f3a9c21"})
    assert kept["X-Request-ID"] == "edge-7f3a9c21"
    replaced = client.get("/", headers={"X-Request-ID": "<script>\n"})
    assert replaced["X-Request-ID"] != "<script>\n" and len(replaced["X-Request-ID"]) == 32
    assert [entry["request_id"] for entry in json_log()] == ["edge-7f3a9c21", replaced["X-Request-ID"]]


@pytest.mark.django_db
def test_reset_tokens_in_urls_are_masked(client, json_log):
    """A password-reset link's token never reaches the log."""
    client.get("/accounts/password-reset/MQ/c4kxyz-0123456789abcdef0123456789abcdef/")
    (line,) = json_log()
    assert "0123456789abcdef" not in json.dumps(line) and line["path"] == "/accounts/password-reset/…/…/"


@pytest.mark.django_db
def test_task_log_line_carries_the_request_id_and_duration(json_log):
    """An eager task logs one line with its name, state and duration, inside the caller's request id."""
    from config.logs import request_id_var

    token = request_id_var.set("req-for-task-0001")
    try:
        heartbeat_task.delay()
    finally:
        request_id_var.reset(token)
    (line,) = [entry for entry in json_log() if entry.get("event") == "task"]
    assert line["task"] == "haltung.heartbeat" and line["state"] == "SUCCESS"
    assert line["request_id"] == "req-for-task-0001" and line["duration_ms"] >= 0


def test_json_formatter_writes_exceptions_and_extras():
    record = logging.getLogger("x").makeRecord("x", logging.ERROR, __file__, 1, "failed %s", ("once",), None)
    record.certificate_id = 42
    try:
        raise ValueError("boom")
    except ValueError:
        record.exc_info = sys.exc_info()
    ContextFilter().filter(record)
    entry = json.loads(JsonFormatter().format(record))
    assert entry["message"] == "failed once" and entry["certificate_id"] == 42
    assert "ValueError: boom" in entry["exception"] and entry["request_id"] is None


# Metrics ---------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_metrics_endpoint_does_not_exist_without_a_token(client, settings):
    settings.HALTUNG_METRICS_TOKEN = ""
    assert client.get(reverse("metrics")).status_code == 404


@pytest.mark.django_db
def test_metrics_need_the_bearer_token(client, settings):
    settings.HALTUNG_METRICS_TOKEN = TOKEN
    assert client.get(reverse("metrics")).status_code == 401
    assert client.get(reverse("metrics"), headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert client.get(reverse("metrics"), headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200


@app.task(name="tests.always_fails")
def always_fails_task() -> None:
    raise RuntimeError("this task fails on purpose")


@pytest.mark.django_db
def test_metrics_expose_requests_latencies_task_outcomes_and_heartbeat(client, settings):
    """Requests and latency per view, task outcomes from the shared cache, the beat heartbeat's age."""
    settings.HALTUNG_METRICS_TOKEN = TOKEN
    settings.CELERY_BROKER_URL = "memory://"  # the embedded default; the service lane measures its queue
    client.get(reverse("healthz"))
    heartbeat_task.delay()
    with pytest.raises(RuntimeError):
        always_fails_task.delay()
    body = client.get(reverse("metrics"), headers={"Authorization": f"Bearer {TOKEN}"}).content.decode()
    assert 'haltung_http_requests_total{method="GET",status="200",view="healthz"}' in body
    assert 'haltung_http_request_duration_seconds_bucket{le="0.5",method="GET",view="healthz"}' in body
    assert 'haltung_celery_tasks_total{outcome="success",task="haltung.heartbeat"}' in body
    assert 'haltung_celery_tasks_total{outcome="failure",task="tests.always_fails"} 1.0' in body
    assert 'haltung_celery_tasks_total{outcome="success",task="certificates.tasks.render_certificate_pdf_task"}' in body
    assert "haltung_beat_heartbeat_age_seconds " in body
    # No broker in the embedded default: no queue to measure.
    assert "haltung_celery_queue_length{" not in body


# Error reports ---------------------------------------------------------------------------------------------


class _Collector(BaseHTTPRequestHandler):
    received: list[bytes] = []

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        body = self.rfile.read(length)
        encoding = self.headers.get("Content-Encoding")
        if encoding == "gzip":
            import gzip

            body = gzip.decompress(body)
        elif encoding == "br":
            import brotli

            body = brotli.decompress(body)
        _Collector.received.append(body)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


def test_sentry_reports_errors_without_personal_data(tmp_path):
    """With SENTRY_DSN set, an error reaches the (local) collector with user id and request id, no e-mail or EFN."""
    server = HTTPServer(("127.0.0.1", 0), _Collector)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    script = """
import django, sentry_sdk
django.setup()
from config.logs import request_id_var, user_id_var
request_id_var.set("req-sentry-0001")
user_id_var.set(7)
sentry_sdk.set_user({"id": "7", "email": "someone@example.org", "username": "someone@example.org"})
with sentry_sdk.new_scope() as scope:
    scope.set_context("profile", {"note": "nothing personal"})
    try:
        raise RuntimeError("the render failed")
    except RuntimeError as error:
        sentry_sdk.capture_exception(error)
sentry_sdk.flush(5)
"""
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "true",
        "HALTUNG_DATA_DIR": str(tmp_path),
        "SENTRY_DSN": f"http://publickey@127.0.0.1:{server.server_port}/1",
    }
    try:
        result = subprocess.run(  # noqa: S603
            [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False
        )
    finally:
        server.shutdown()
    assert result.returncode == 0, result.stderr
    envelope = b"".join(_Collector.received).decode()
    assert "the render failed" in envelope
    assert "req-sentry-0001" in envelope and '"id":"7"' in envelope.replace(" ", "")
    assert "someone@example.org" not in envelope


def test_metrics_sum_gunicorn_workers_in_multiprocess_mode(tmp_path):
    """With PROMETHEUS_MULTIPROC_DIR set, /metrics reads every process's counts from that directory."""
    script = """
import django
django.setup()
from django.test import Client
client = Client()
for _ in range(2):
    assert client.get("/healthz").status_code == 200
import os
token = os.environ["HALTUNG_METRICS_TOKEN"]
body = client.get("/metrics", headers={"Authorization": "Bearer " + token}).content.decode()
print(body)
"""
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "true",
        "HALTUNG_DATA_DIR": str(tmp_path / "data"),
        "HALTUNG_METRICS_TOKEN": TOKEN,
        "DJANGO_ALLOWED_HOSTS": "testserver",
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "prometheus"),
    }
    (tmp_path / "prometheus").mkdir()
    migrate = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert migrate.returncode == 0, migrate.stderr
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    assert 'haltung_http_requests_total{method="GET",status="200",view="healthz"} 2.0' in result.stdout
    assert list((tmp_path / "prometheus").glob("counter_*.db")), "the counts were not written to the directory"
