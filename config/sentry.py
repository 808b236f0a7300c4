"""
Error reporting through ``sentry-sdk`` when ``SENTRY_DSN`` is set (any Sentry-compatible service).

No personal data leaves: ``send_default_pii`` stays off, and every event is scrubbed of the user's e-mail,
name and address, of cookies, and of request bodies and query strings (a form may carry an EFN). What stays is
the user's numeric id and the request id, the same keys the logs use.
"""

import logging
from typing import Any, cast

import sentry_sdk
from sentry_sdk.integrations.celery import CeleryIntegration
from sentry_sdk.integrations.django import DjangoIntegration
from sentry_sdk.integrations.logging import LoggingIntegration
from sentry_sdk.types import Event, Hint

_USER_KEYS_KEPT = {"id"}


def scrub(sentry_event: Event, hint: Hint | None = None) -> Event:
    """Drop everything that could name a person; keep ids."""
    event = cast(dict[str, Any], sentry_event)
    user = event.get("user")
    if isinstance(user, dict):
        event["user"] = {key: value for key, value in user.items() if key in _USER_KEYS_KEPT}
    request = event.get("request")
    if isinstance(request, dict):
        for key in ("cookies", "data", "query_string", "env"):
            request.pop(key, None)
        headers = request.get("headers")
        if isinstance(headers, dict):
            request["headers"] = {
                key: value for key, value in headers.items() if key.lower() not in {"cookie", "authorization"}
            }
    from .logs import request_id_var, user_id_var

    if request_id_var.get():
        event.setdefault("tags", {})["request_id"] = request_id_var.get()
    if user_id_var.get() is not None and not event.get("user"):
        event["user"] = {"id": str(user_id_var.get())}
    return sentry_event


def init_sentry(dsn: str, *, environment: str, traces_sample_rate: float) -> None:
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        send_default_pii=False,
        traces_sample_rate=traces_sample_rate,
        integrations=[
            DjangoIntegration(),
            CeleryIntegration(),
            # Errors logged with logger.exception() become events; other log lines stay breadcrumbs.
            LoggingIntegration(event_level=logging.ERROR),
        ],
        before_send=scrub,
        max_request_body_size="never",
    )
