"""
One log line and one metrics sample per request, with a request id that the response echoes.

The middleware runs first, so its timing covers the whole stack. It logs the user's id only (never the
e-mail), the route and the path with secret URL parts (reset tokens) masked, and no query string, which may
hold search terms such as an e-mail address.
"""

import logging
import time
from collections.abc import Callable
from functools import partial

from django.http import HttpRequest, HttpResponse

from .logs import new_request_id, request_id_var, user_id_var
from .metrics import observe_request
from .tasks import after_response_var, run_after_response

logger = logging.getLogger("haltung.request")

SECRET_URL_PARTS = ("token", "uidb64")


def _view_name(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    return match.view_name if match is not None and match.view_name else "unmatched"


def _logged_path(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    path = request.path
    if match is not None:
        for name, value in match.kwargs.items():
            if any(part in name for part in SECRET_URL_PARTS) and isinstance(value, str) and value:
                path = path.replace(value, "…")
    return path


class RequestLogMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        request_id = new_request_id(request.headers.get("X-Request-ID"))
        request_token = request_id_var.set(request_id)
        user_token = user_id_var.set(None)
        try:
            response = self.get_response(request)
            seconds = time.perf_counter() - started
            user = getattr(request, "user", None)
            user_id = user.pk if user is not None and user.is_authenticated else None
            user_id_var.set(user_id)
            view = _view_name(request)
            response["X-Request-ID"] = request_id
            observe_request(request.method or "", view, response.status_code, seconds)
            logger.info(
                "%s %s %s",
                request.method,
                _logged_path(request),
                response.status_code,
                extra={
                    "event": "request",
                    "method": request.method,
                    "path": _logged_path(request),
                    "view": view,
                    "status": response.status_code,
                    "duration_ms": round(seconds * 1000, 1),
                    "user_id": user_id,
                },
            )
            return response
        finally:
            request_id_var.reset(request_token)
            user_id_var.reset(user_token)


class RequestUserMiddleware:
    """After authentication: put the user's id into the log context for every line the view writes."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            user_id_var.set(user.pk)
        return self.get_response(request)


class AfterResponseMiddleware:
    """Tasks built on ``AfterResponseTask`` that a request queues in the embedded mode run after its response.

    The server calls the response's closers once the last byte is written (wsgiref, gunicorn and the test
    client alike), so the learner has the page while the same process renders the PDF. With a broker nothing
    is deferred: the task is only queued. The middleware sits inside RequestLogMiddleware, whose logged
    duration therefore never includes a deferred task.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        waiting: list = []
        token = after_response_var.set(waiting)
        try:
            response = self.get_response(request)
        finally:
            after_response_var.reset(token)
        if waiting:
            # Django's hook for work at close: its handler closes the request this way, FileResponse its file.
            response._resource_closers.append(partial(run_after_response, waiting))  # type: ignore[attr-defined]
        return response
