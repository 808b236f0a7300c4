"""
The service lane: PostgreSQL, Redis and a real Celery worker process.

It runs whenever DATABASE_URL and CELERY_BROKER_URL are set. When they are set but a service does not
answer, the tests fail; they never skip then. HALTUNG_REQUIRE_SERVICES=1 (set by .ci/run) makes a missing
configuration fail too.
"""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from django.conf import settings
from django.db import connection

from config.celery import app

ROOT = Path(__file__).resolve().parents[2]


def require_services() -> None:
    if not (os.environ.get("DATABASE_URL") and os.environ.get("CELERY_BROKER_URL")):
        message = "the service lane needs DATABASE_URL (PostgreSQL) and CELERY_BROKER_URL (Redis)"
        if os.environ.get("HALTUNG_REQUIRE_SERVICES"):
            pytest.fail(message)
        pytest.skip(message)
    if connection.vendor != "postgresql":
        pytest.fail(f"DATABASE_URL must point at PostgreSQL for the service lane, not {connection.vendor}")
    try:
        redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_connect_timeout=3).ping()
    except redis.RedisError as error:
        pytest.fail(f"CELERY_BROKER_URL={settings.CELERY_BROKER_URL} does not answer: {error}")


def test_database_url() -> str:
    db = connection.settings_dict
    user = quote(db.get("USER") or "")
    password = f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


@pytest.fixture
def celery_worker(transactional_db, tmp_path, settings):
    """Start a real worker process on a private queue, against the test database and media directory."""
    require_services()
    name = f"svc-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "true",
        "DATABASE_URL": test_database_url(),
        "HALTUNG_MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "CELERY_TASK_DEFAULT_QUEUE": name,
    }
    log = tmp_path / "worker.log"
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "config",
        "worker",
        "--pool=solo",
        "--queues",
        name,
        "--hostname",
        f"{name}@%h",
        "--without-mingle",
        "--without-gossip",
        "--loglevel",
        "info",
    ]
    with log.open("w") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)  # noqa: S603
    # Celery reads these from Django's settings on each use, so the override reaches the sender.
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_TASK_DEFAULT_QUEUE = name
    try:
        deadline = time.monotonic() + 60
        while not app.control.ping(destination=[f"{name}@{os.uname().nodename}"], timeout=1):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the Celery worker did not start:\n{log.read_text()}")
        yield name
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
