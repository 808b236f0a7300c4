"""The Celery application. Settings come from Django's settings under the ``CELERY_`` namespace.

Beside the app live the operational hooks every task shares: the request id travels from the request that
queued a task into the worker's log lines (a message header), each finished task writes one log line with
its duration and counts its outcome for /metrics, and beat's heartbeat task lets /healthz see that beat and a
worker are alive.
"""

import contextlib
import logging
import os
import time
from typing import Any

from celery import Celery
from celery.signals import before_task_publish, task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("haltung")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

logger = logging.getLogger("haltung.task")
REQUEST_ID_HEADER = "haltung_request_id"
OUTCOMES = {"SUCCESS": "success", "FAILURE": "failure", "RETRY": "retry"}
_started: dict[str, tuple[float, Any, Any]] = {}


@app.task(name="haltung.heartbeat", ignore_result=True, soft_time_limit=10, time_limit=20)
def heartbeat_task() -> float:
    """Queued by beat every minute; the worker that runs it stamps the time in the shared cache."""
    from django.core.cache import cache

    from .metrics import HEARTBEAT_KEY

    now = time.time()
    cache.set(HEARTBEAT_KEY, now, timeout=None)
    return now


@before_task_publish.connect(dispatch_uid="haltung.request_id_header")
def _add_request_id(headers: dict[str, Any] | None = None, **kwargs: Any) -> None:
    from .logs import request_id_var

    if headers is not None and request_id_var.get():
        headers[REQUEST_ID_HEADER] = request_id_var.get()


@task_prerun.connect(dispatch_uid="haltung.task_prerun")
def _task_started(task_id: str = "", task: Any = None, **kwargs: Any) -> None:
    from .logs import new_request_id, request_id_var, user_id_var

    offered = getattr(task.request, REQUEST_ID_HEADER, None) if task is not None else None
    if offered is None and task is not None:
        offered = (getattr(task.request, "headers", None) or {}).get(REQUEST_ID_HEADER)
    # An eager task runs inside the request and keeps its context; a worker takes the id from the header.
    request_token = None if request_id_var.get() else request_id_var.set(new_request_id(offered))
    user_token = None if request_token is None else user_id_var.set(None)
    _started[task_id] = (time.perf_counter(), request_token, user_token)


@task_postrun.connect(dispatch_uid="haltung.task_postrun")
def _task_finished(task_id: str = "", task: Any = None, state: str | None = None, **kwargs: Any) -> None:
    from .logs import request_id_var, user_id_var
    from .metrics import count_task

    started, request_token, user_token = _started.pop(task_id, (time.perf_counter(), None, None))
    logger.info(
        "task %s %s",
        getattr(task, "name", "?"),
        state,
        extra={
            "event": "task",
            "task": getattr(task, "name", "?"),
            "task_id": task_id,
            "state": state,
            "duration_ms": round((time.perf_counter() - started) * 1000, 1),
        },
    )
    # An eager task whose error propagates to the caller finishes without a state: it failed.
    count_task(getattr(task, "name", "?"), OUTCOMES.get(state or "FAILURE", "other"))
    with contextlib.suppress(ValueError):  # a token from another context: nothing of ours to undo
        if request_token is not None:
            request_id_var.reset(request_token)
        if user_token is not None:
            user_id_var.reset(user_token)
