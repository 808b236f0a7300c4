"""Queueing Celery tasks with the transaction (decision 0010), and slow ones after the response (decision 0610)."""

import contextvars
import logging
from collections.abc import Callable
from functools import partial
from typing import Any

from celery import Task
from django.db import transaction

logger = logging.getLogger(__name__)

# Set by config.middleware.AfterResponseMiddleware while a request is handled: the tasks it defers.
after_response_var: contextvars.ContextVar[list[tuple[contextvars.Context, Callable[[], Any]]] | None] = (
    contextvars.ContextVar("haltung_after_response", default=None)
)


class AfterResponseTask(Task):
    """The base of slow tasks (a PDF render): in the embedded mode they run after the request's response."""

    after_response = True


def enqueue_on_commit(task: Any, *args: Any, **kwargs: Any) -> None:
    """Queue ``task.delay(*args, **kwargs)`` once the current transaction commits; at once outside one.

    A task that ran before the commit could read rows that are not there yet (or never will be, after a
    rollback); every side effect of a service goes through here. A task built on ``AfterResponseTask`` (a
    slow one, such as a PDF render) never holds up a request: with a broker it is only queued anyway; in
    the embedded mode, where tasks run eagerly in-process, it runs once the request's response has gone out.
    """
    transaction.on_commit(partial(_send, task, args, kwargs))


def _send(task: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    waiting = after_response_var.get()
    if waiting is not None and getattr(task, "after_response", False) and task.app.conf.task_always_eager:
        # The copied context keeps the request id and user id, so the task's log lines name the request.
        waiting.append((contextvars.copy_context(), partial(task.delay, *args, **kwargs)))
        return
    task.delay(*args, **kwargs)


def run_after_response(waiting: list[tuple[contextvars.Context, Callable[[], Any]]]) -> None:
    """Run the deferred tasks; called when the server closes the response, after the client has it."""
    for context, send in waiting:
        try:
            context.run(send)
        except Exception:
            # Django swallows errors of response closers; say what failed (the task records its own state).
            logger.exception("A task run after the response failed.", extra={"event": "task_after_response_failed"})
