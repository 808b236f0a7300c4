"""/healthz: does every configured service answer? 200 if so, 503 naming the one that does not.

Checks the database, the broker, the cache (write and read back), the file storage (write, read back,
delete) and Celery beat (its heartbeat task ran lately). A load balancer that routes to web processes asks
``/healthz?scope=web``, which leaves out the broker and beat, so a stopped beat does not take the site
down; monitoring asks the full check.
"""

import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.http import HttpRequest, JsonResponse

from .metrics import beat_heartbeat_age


def check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return "ok"


def check_broker() -> str:
    if settings.CELERY_BROKER_URL.startswith("memory://"):
        return "eager"
    # Imported here, not at module level: only the health check with a real broker opens a connection.
    from kombu import Connection

    # A fresh connection, not the app's pool: the check must see the broker as it is now.
    with Connection(settings.CELERY_BROKER_URL, connect_timeout=2) as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    return "ok"


def check_cache() -> str:
    key, value = f"haltung:healthz:{uuid.uuid4().hex}", uuid.uuid4().hex
    cache.set(key, value, timeout=30)
    try:
        if cache.get(key) != value:
            raise RuntimeError("the cache did not return what was written")
    finally:
        cache.delete(key)
    return "ok"


def check_storage() -> str:
    content = uuid.uuid4().hex.encode()
    name = default_storage.save(f"healthz/{uuid.uuid4().hex}.txt", ContentFile(content))
    try:
        with default_storage.open(name, "rb") as handle:
            if handle.read() != content:
                raise RuntimeError("the storage did not return what was written")
    finally:
        default_storage.delete(name)
    return "ok"


def check_beat() -> str:
    if settings.CELERY_BROKER_URL.startswith("memory://"):
        return "eager"
    age = beat_heartbeat_age(time.time())
    if age is None:
        raise RuntimeError("no heartbeat yet")
    if age > settings.HALTUNG_BEAT_HEARTBEAT_MAX_AGE:
        raise RuntimeError(f"last heartbeat {int(age)} s ago")
    return "ok"


CHECKS: dict[str, Callable[[], str]] = {
    "database": check_database,
    "broker": check_broker,
    "cache": check_cache,
    "storage": check_storage,
    "beat": check_beat,
}
WEB_CHECKS = ("database", "cache", "storage")


@login_not_required
def healthz(request: HttpRequest) -> JsonResponse:
    names = WEB_CHECKS if request.GET.get("scope") == "web" else tuple(CHECKS)
    results: dict[str, str] = {}
    healthy = True
    for name in names:
        try:
            results[name] = CHECKS[name]()
        except Exception as error:
            # The kind of error and, for our own checks, what went wrong; never a connection string.
            detail = str(error) if isinstance(error, RuntimeError) else type(error).__name__
            results[name] = f"error: {detail}"
            healthy = False
    return JsonResponse({"status": "ok" if healthy else "unavailable", **results}, status=200 if healthy else 503)
