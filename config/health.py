"""/healthz: does every configured service answer? 200 if so, 503 naming the one that does not."""

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse


def check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return "ok"


def check_broker() -> str:
    if settings.CELERY_BROKER_URL.startswith("memory://"):
        return "eager"
    from config.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    return "ok"


def healthz(request: HttpRequest) -> JsonResponse:  # noqa: ARG001
    results: dict[str, str] = {}
    healthy = True
    for name, check in (("database", check_database), ("broker", check_broker)):
        try:
            results[name] = check()
        except Exception as error:  # noqa: BLE001 - any failure means "not answering"
            results[name] = f"error: {type(error).__name__}"
            healthy = False
    return JsonResponse({"status": "ok" if healthy else "unavailable", **results}, status=200 if healthy else 503)
