"""/healthz: database, broker, cache, file storage and the beat heartbeat, each named when it fails."""

import time

import pytest
from django.core.cache import cache
from django.urls import reverse

from config.celery import heartbeat_task
from config.metrics import HEARTBEAT_KEY

DOWN = "redis://127.0.0.1:1/0"  # nothing listens on port 1


@pytest.fixture(autouse=True)
def _clean_heartbeat():
    cache.delete(HEARTBEAT_KEY)
    yield
    cache.delete(HEARTBEAT_KEY)


@pytest.mark.django_db
def test_healthz_ok_on_embedded_default(client, settings):
    """With no broker configured every service answers and broker and beat are reported as eager."""
    settings.CELERY_BROKER_URL = "memory://"
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "broker": "eager",
        "cache": "ok",
        "storage": "ok",
        "beat": "eager",
    }


@pytest.mark.django_db
def test_healthz_503_when_broker_is_down(client, settings):
    """A configured broker that does not answer turns the check into 503 and names it."""
    settings.CELERY_BROKER_URL = DOWN
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    body = response.json()
    assert body["database"] == "ok" and body["broker"].startswith("error")


@pytest.mark.django_db
def test_healthz_names_a_missing_and_a_stale_beat_heartbeat(client, settings):
    """With a broker configured, beat is down until its heartbeat ran, and again once the heartbeat is old."""
    settings.CELERY_BROKER_URL = DOWN
    assert client.get(reverse("healthz")).json()["beat"] == "error: no heartbeat yet"

    heartbeat_task.apply()  # what the worker does when beat queues it
    assert client.get(reverse("healthz")).json()["beat"] == "ok"

    cache.set(HEARTBEAT_KEY, time.time() - settings.HALTUNG_BEAT_HEARTBEAT_MAX_AGE - 60, timeout=None)
    body = client.get(reverse("healthz")).json()
    assert body["beat"].startswith("error: last heartbeat") and body["status"] == "unavailable"


@pytest.mark.django_db
def test_web_scope_leaves_out_broker_and_beat(client, settings):
    """The load balancer's check stays 200 while beat and the broker are down, and does not list them."""
    settings.CELERY_BROKER_URL = DOWN
    response = client.get(reverse("healthz"), {"scope": "web"})
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok", "storage": "ok"}


@pytest.mark.django_db
def test_healthz_503_when_storage_cannot_be_written(client, settings, tmp_path):
    """A storage that refuses writes is named."""
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the media directory should be")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(blocker)}},
    }
    response = client.get(reverse("healthz"), {"scope": "web"})
    assert response.status_code == 503
    assert response.json()["storage"].startswith("error")


@pytest.mark.django_db
def test_healthz_503_when_the_cache_does_not_answer(client, settings):
    """A configured Redis cache that does not answer is named."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": DOWN}}
    response = client.get(reverse("healthz"), {"scope": "web"})
    assert response.status_code == 503
    assert response.json()["cache"].startswith("error")
