"""Queueing Celery tasks with the transaction (decision 0010)."""

from functools import partial
from typing import Any

from django.db import transaction


def enqueue_on_commit(task: Any, *args: Any, **kwargs: Any) -> None:
    """Queue ``task.delay(*args, **kwargs)`` once the current transaction commits; at once outside one.

    A task that ran before the commit could read rows that are not there yet (or never will be, after a
    rollback); every side effect of a service goes through here.
    """
    transaction.on_commit(partial(task.delay, *args, **kwargs))
