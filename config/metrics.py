"""
Prometheus metrics (docs/decisions/0902): requests and latencies per view, Celery task outcomes, queue length
and the age of the beat heartbeat, at ``/metrics`` behind a bearer token.

Requests are counted in the web process with ``prometheus_client``; under gunicorn with several workers set
``PROMETHEUS_MULTIPROC_DIR`` so every worker's numbers are summed. Task outcomes happen in workers on other
machines, so they are counted in the shared cache (Redis) and read at scrape time, like the queue length,
which is asked of the broker. Labels are view names and task names, never paths or ids, so the number of
series stays bounded.
"""

import logging
import os
import time
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.crypto import constant_time_compare
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import REGISTRY, Collector

logger = logging.getLogger(__name__)

REQUESTS = Counter(
    "haltung_http_requests_total", "HTTP requests answered, by method, view and status.", ["method", "view", "status"]
)
LATENCY = Histogram(
    "haltung_http_request_duration_seconds",
    "Time from the first middleware to the response, by method and view.",
    ["method", "view"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)

TASK_OUTCOMES = ("success", "failure", "retry", "other")
TASK_COUNTER_PREFIX = "haltung:metrics:task"
HEARTBEAT_KEY = "haltung:beat:heartbeat"


def observe_request(method: str, view: str, status: int, seconds: float) -> None:
    REQUESTS.labels(method=method, view=view, status=str(status)).inc()
    LATENCY.labels(method=method, view=view).observe(seconds)


def count_task(name: str, outcome: str) -> None:
    """Add one to a task's outcome counter in the shared cache; a cache outage never fails the task."""
    key = f"{TASK_COUNTER_PREFIX}:{name}:{outcome}"
    try:
        try:
            cache.incr(key)
        except ValueError:
            cache.add(key, 0, timeout=None)
            cache.incr(key)
    except Exception:
        logger.warning("Could not count task outcome %s:%s in the cache", name, outcome, exc_info=True)


def beat_heartbeat_age(now: float | None = None) -> float | None:
    """Seconds since the beat heartbeat task last ran, or None if it never did."""
    beat = cache.get(HEARTBEAT_KEY)
    return None if beat is None else max(0.0, (now or time.time()) - float(beat))


def queue_length(queue: str) -> int | None:
    """Messages waiting in the broker queue, or None without a broker (eager tasks)."""
    if settings.CELERY_BROKER_URL.startswith("memory://"):
        return None
    from kombu import Connection

    with Connection(settings.CELERY_BROKER_URL, connect_timeout=2) as connection:
        channel: Any = connection.default_channel  # kombu's channel types do not declare queue_declare
        try:
            return int(channel.queue_declare(queue=queue, passive=True).message_count)
        except connection.channel_errors as error:
            # Redis deletes an empty list, so an idle queue "does not exist": nothing is waiting.
            if "NOT_FOUND" in str(error):
                return 0
            raise


def task_names() -> list[str]:
    from config.celery import app

    # Autodiscovery is lazy outside a worker: import every app's tasks module so all names are listed.
    app.loader.import_default_modules()
    return sorted(name for name in app.tasks if not name.startswith("celery."))


class SharedStateCollector(Collector):
    """What lives outside this process, read at scrape time: task outcomes, queue length, heartbeat age."""

    def collect(self) -> Iterator[CounterMetricFamily | GaugeMetricFamily]:
        tasks = CounterMetricFamily(
            "haltung_celery_tasks",
            "Celery tasks finished, by task and outcome (all workers).",
            labels=["task", "outcome"],
        )
        names = task_names()
        keys = [f"{TASK_COUNTER_PREFIX}:{name}:{outcome}" for name in names for outcome in TASK_OUTCOMES]
        try:
            counts = cache.get_many(keys)
        except Exception:
            logger.warning("Could not read task counters from the cache", exc_info=True)
            counts = {}
        for name in names:
            for outcome in TASK_OUTCOMES:
                tasks.add_metric([name, outcome], counts.get(f"{TASK_COUNTER_PREFIX}:{name}:{outcome}", 0))
        yield tasks

        queue = settings.CELERY_TASK_DEFAULT_QUEUE
        length = GaugeMetricFamily(
            "haltung_celery_queue_length",
            "Messages waiting in the broker queue (-1: broker unreachable).",
            labels=["queue"],
        )
        try:
            waiting = queue_length(queue)
        except Exception:
            logger.warning("Could not read the length of queue %s", queue, exc_info=True)
            waiting = -1
        if waiting is not None:
            length.add_metric([queue], waiting)
        yield length

        age = beat_heartbeat_age()
        heartbeat = GaugeMetricFamily(
            "haltung_beat_heartbeat_age_seconds", "Seconds since Celery beat's heartbeat task last ran."
        )
        if age is not None:
            heartbeat.add_metric([], age)
        yield heartbeat


def _registry() -> CollectorRegistry:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
    else:
        registry = CollectorRegistry()
        registry.register(_ProcessMetrics())
    registry.register(SharedStateCollector())
    return registry


class _ProcessMetrics(Collector):
    """This process's own metrics (requests, latencies, the client's default process metrics)."""

    def collect(self) -> Iterator:
        yield from REGISTRY.collect()


@login_not_required  # Prometheus authenticates with the bearer token, not a session
def metrics(request: HttpRequest) -> HttpResponse:
    """The scrape endpoint; without ``HALTUNG_METRICS_TOKEN`` it does not exist (404)."""
    token = settings.HALTUNG_METRICS_TOKEN
    if not token:
        raise Http404
    offered = request.headers.get("Authorization", "")
    if not constant_time_compare(offered, f"Bearer {token}"):
        response = HttpResponse("A bearer token is required.\n", status=401, content_type="text/plain")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse(generate_latest(_registry()), content_type=CONTENT_TYPE_LATEST)
