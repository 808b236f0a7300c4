"""
The benchmark's floor: the cheapest page this stack can serve.

A function view renders a trivial template (no database, no cache, no session read) through the full
middleware stack, so that ``make bench`` can report every endpoint's throughput as a share of what the
same gunicorn settings, middleware and template engine manage with no application work at all. Mounted only
when ``HALTUNG_BENCH_FLOOR`` is set (the benchmark harness sets it); see docs/decisions/0401.
"""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


@login_not_required
def floor(request: HttpRequest) -> HttpResponse:
    return render(request, "bench/floor.html", {"title": "Haltung"})
