"""
Per-process caches of what a course version's content implies, keyed by the version id.

A course version's modules and steps never change after import (a new package is a new version, with a new
id), so anything computed only from them can be kept for the life of the process: a new version invalidates
itself by having another key. Keep only version content here, never a learner's data, never anything an
administrator can edit under the same version (status, dates, accreditations).

Tests roll back transactions, so an id can come back with other content; ``clear()`` empties every cache
(tests/conftest.py calls it before each test).
"""

import functools
from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

_CACHES: list[Any] = []


def per_version(maxsize: int = 64) -> Callable[[F], F]:
    """Memoize a function whose first argument is a course version id (an LRU of ``maxsize`` entries)."""

    def decorate(function: F) -> F:
        cached = functools.lru_cache(maxsize=maxsize)(function)
        _CACHES.append(cached)
        return cached  # type: ignore[return-value]

    return decorate


def clear() -> None:
    for cached in _CACHES:
        cached.cache_clear()
