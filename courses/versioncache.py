"""
Per-process caches of what a course version's content implies, keyed by the version id.

A course version's modules and steps never change after import (a new package is a new version, with a new
id), so anything computed only from them can be kept for the life of the process: a new version invalidates
itself by having another key. Keep only version content here, never a learner's data, never anything an
administrator can edit under the same version (status, dates, accreditations).

Tests roll back transactions, so an id can come back with other content; ``clear()`` empties every cache
(tests/conftest.py calls it before each test). Other per-process caches of rows that never change (an item
version in ``quizzes.itemcache``) join that through ``register()``.
"""

import functools
from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

_CLEARS: list[Callable[[], None]] = []


def per_version(maxsize: int = 64) -> Callable[[F], F]:
    """Memoize a function whose first argument is a course version id (an LRU of ``maxsize`` entries)."""

    def decorate(function: F) -> F:
        cached = functools.lru_cache(maxsize=maxsize)(function)
        register(cached.cache_clear)
        return cached  # type: ignore[return-value]

    return decorate


def register(clear_cache: Callable[[], None]) -> None:
    """Have ``clear()`` also empty another per-process cache (its function that empties it)."""
    _CLEARS.append(clear_cache)


def clear() -> None:
    for clear_cache in _CLEARS:
        clear_cache()
