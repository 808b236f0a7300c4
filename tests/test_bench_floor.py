"""The benchmark floor (config/bench_floor.py) exists only when the harness asks for it."""

import importlib

import pytest
from django.test import RequestFactory
from django.urls import NoReverseMatch, clear_url_caches, reverse

import config.urls
from config.bench_floor import floor


@pytest.mark.django_db
def test_floor_is_not_mounted_by_default(client):
    """Without HALTUNG_BENCH_FLOOR the URL does not exist."""
    with pytest.raises(NoReverseMatch):
        reverse("bench_floor")
    assert client.get("/bench/floor/").status_code == 404


def test_floor_is_mounted_when_the_harness_asks(monkeypatch):
    """With HALTUNG_BENCH_FLOOR=1 the URL configuration gains the floor page, and only then."""
    monkeypatch.setenv("HALTUNG_BENCH_FLOOR", "1")
    try:
        names = [getattr(p, "name", None) for p in importlib.reload(config.urls).urlpatterns]
        assert "bench_floor" in names
    finally:
        monkeypatch.delenv("HALTUNG_BENCH_FLOOR")
        importlib.reload(config.urls)
        clear_url_caches()
    assert "bench_floor" not in [getattr(p, "name", None) for p in config.urls.urlpatterns]


def test_floor_renders_a_small_page_without_the_database():
    """The floor renders its template and touches no database (no django_db mark: a query would fail)."""
    response = floor(RequestFactory().get("/bench/floor/"))
    assert response.status_code == 200
    assert b"benchmark floor" in response.content
