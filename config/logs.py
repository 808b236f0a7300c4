"""
Structured logs: one JSON object per line, carrying the request id and the user id of the request or task
that wrote it.

The request id comes from the proxy (``X-Request-ID``, when it looks like an id) or is made here, is echoed
in the response and travels into Celery tasks queued by that request (a message header), so one id ties a
click to the PDF a worker renders for it. Only the user's numeric id is logged, never an e-mail address, a
name or an EFN: the formatter writes the fields it is given, and the callers here give none of those.
"""

import json
import logging
import re
import traceback
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

# Set per request by config.middleware.RequestLogMiddleware and per task by config.celery's signal handlers.
request_id_var: ContextVar[str] = ContextVar("haltung_request_id", default="")
user_id_var: ContextVar[int | None] = ContextVar("haltung_user_id", default=None)

REQUEST_ID_PATTERN = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")

# Attributes every LogRecord has; anything else on a record came in through ``extra=`` and is logged.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime", "taskName"}
# Django's request loggers pass the request object; its repr carries the query string, which may hold an
# e-mail address (a search), so it is never written.
_DROPPED = {"request", "server_time"}


def new_request_id(offered: str | None = None) -> str:
    """The proxy's id when it is a plausible one, otherwise a fresh random id."""
    if offered and REQUEST_ID_PATTERN.match(offered):
        return offered
    return uuid.uuid4().hex


class ContextFilter(logging.Filter):
    """Put the current request id and user id on every record, for both formatters."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            record.request_id = request_id_var.get()
        if getattr(record, "user_id", None) is None:
            record.user_id = user_id_var.get()
        return True


def _jsonable(value: Any) -> Any:
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _jsonable(item) for key, item in value.items()}
    return str(value)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, request and user id, extras."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "") or None,
            "user_id": getattr(record, "user_id", None),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in _DROPPED and key not in entry:
                entry[key] = _jsonable(value)
        if record.exc_info:
            entry["exception"] = "".join(traceback.format_exception(*record.exc_info)).rstrip()
        return json.dumps(entry, ensure_ascii=False, separators=(",", ":"))
