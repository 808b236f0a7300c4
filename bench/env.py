"""
The benchmark's environment: its own PostgreSQL database and Redis database number, its own data
directory, and production settings (DEBUG off, a generated secret key, persistent connections).

Every process the harness starts (itself once Django is set up, ``manage.py``, gunicorn, the Celery worker,
the timing scripts) gets ``environment()``, so none of them can reach the development SQLite file or
another Redis database.
"""

import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
VAR = ROOT / "var" / "bench"
DATA_DIR = VAR / "data"
RESULTS = VAR / "results.json"
PORT = int(os.environ.get("HALTUNG_BENCH_PORT", "8765"))
BASE_URL = f"http://127.0.0.1:{PORT}"
DATABASE_URL = os.environ.get("HALTUNG_BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/haltung_bench")
# One Redis database for the cache and the broker; the harness empties it before each run.
REDIS_URL = os.environ.get("HALTUNG_BENCH_REDIS_URL", "redis://127.0.0.1:6379/5")
QUEUE = "haltung-bench"


def secret_key() -> str:
    """A random key, kept under var/bench so that sessions made by the harness stay valid across reruns."""
    path = VAR / "secret_key"
    if not path.exists():
        VAR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
    return path.read_text().strip()


def credential_key() -> str:
    """An Ed25519 seed for the Open Badges credentials, so the Celery figure includes the signing."""
    import base64

    path = VAR / "credential_seed"
    if not path.exists():
        VAR.mkdir(parents=True, exist_ok=True)
        path.write_text(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode().rstrip("="))
    return f"bench-1:{path.read_text().strip()}"


def environment(**extra: str) -> dict[str, str]:
    """The environment of every benchmark process: production settings against the bench services."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "HALTUNG_", "CELERY_", "DATABASE_URL", "REDIS_URL"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=secret_key(),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SECURE_SSL_REDIRECT="false",
        DJANGO_CONN_MAX_AGE="600",
        DJANGO_LOG_LEVEL="WARNING",
        DATABASE_URL=DATABASE_URL,
        REDIS_URL=REDIS_URL,
        CELERY_BROKER_URL=REDIS_URL,
        CELERY_TASK_DEFAULT_QUEUE=QUEUE,
        HALTUNG_DATA_DIR=str(DATA_DIR),
        HALTUNG_MEDIA_ROOT=str(DATA_DIR / "media"),
        HALTUNG_SITE_URL=BASE_URL,
        HALTUNG_CREDENTIAL_KEYS=credential_key(),
        # All load comes from 127.0.0.1: without this the verification pages would answer 429 after 60
        # requests. The limiter still runs (two cache round trips per request), it just never trips.
        HALTUNG_VERIFY_RATE_LIMIT="1000000000",
        # The debounced item analysis would otherwise land on the worker in the middle of a load scenario;
        # it is timed on its own (figures.item_analysis).
        QUIZZES_ANALYSIS_DELAY_SECONDS="3600",
        HALTUNG_BENCH_FLOOR="1",
        # Production refuses to start without the operator's legal texts (docs/decisions/0900).
        HALTUNG_LEGAL_DIR=str(ROOT / "tests" / "fixtures" / "legal"),
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def database_name(url: str = DATABASE_URL) -> str:
    return urlsplit(url).path.lstrip("/")


def maintenance_url(url: str = DATABASE_URL) -> str:
    """The same server's ``postgres`` database, to drop and create the bench database from."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/postgres"))


def activate() -> None:
    """Make this process a benchmark process (before ``django.setup()``)."""
    os.environ.update(environment())
