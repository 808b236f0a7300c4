"""
A fixed-window request limit per client, counted in Django's cache (Redis in production, so all web
processes share the count). It protects the public verification pages from code enumeration. Clients are
counted by ``accounts.clientip.client_key`` (trusted proxies, IPv6 by /64), like every other limit.
"""

import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.clientip import client_key


def hit(scope: str, client: str, *, limit: int, window: int) -> int | None:
    """Count one request; return the seconds to wait when over the limit, else None."""
    now = int(time.time())
    bucket = now // window
    key = f"ratelimit:{scope}:{client}:{bucket}"
    # Increment first: after a window's first request the counter exists, and this saves the cache round
    # trip of an `add` on every request (docs/PERFORMANCE.md).
    try:
        count = cache.incr(key)
    except ValueError:  # the window's first request (or the counter just expired)
        if cache.add(key, 1, timeout=window + 1):
            count = 1
        else:  # another process created it in between
            try:
                count = cache.incr(key)
            except ValueError:
                cache.set(key, 1, timeout=window + 1)
                count = 1
    if count > limit:
        return (bucket + 1) * window - now or 1
    return None


def rate_limited(scope: str) -> Callable:
    """Limit a view to ``HALTUNG_VERIFY_RATE_LIMIT`` requests per client per ``HALTUNG_VERIFY_RATE_WINDOW`` s."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            wait = hit(
                scope,
                client_key(request),
                limit=settings.HALTUNG_VERIFY_RATE_LIMIT,
                window=settings.HALTUNG_VERIFY_RATE_WINDOW,
            )
            if wait is not None:
                response = render(request, "certificates/rate_limited.html", {"wait": wait}, status=429)
                response["Retry-After"] = str(wait)
                return response
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
