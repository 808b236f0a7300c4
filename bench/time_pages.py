"""
Time pages in-process against the bench database a ``make bench`` run left behind, under one setting or another.

    python -m bench.time_pages [--session-engine ENGINE] [--requests N] [--rounds R] [--only PAGES]
    python -m bench.time_pages --profile [--only PAGES] [--requests N] [--top N]

Each page is requested through Django's full handler (the test client, production settings of the bench,
Redis cache) with the sessions the generator wrote, N times per round; the median per request is printed per
round: CPU time of this process (which other load on the machine disturbs much less than wall time) and wall
time. Two settings or two commits compare by alternating processes (``--session-engine`` picks the session
backend before the middleware is built). One process, no server: read the figures against each other, not
as throughput. Nothing is written apart from what the pages themselves write (step visits, the idle clock).

With ``--profile`` each page is requested N times under cProfile instead (after one warm-up request) and the
functions with the largest cumulative and own time are printed: the profiles behind docs/PERFORMANCE.md.
"""

import argparse
import cProfile
import io
import json
import pstats
import statistics
import time
from pathlib import Path
from typing import Any

from . import env


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--session-engine", default="")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", default="", help="comma-separated page names")
    parser.add_argument("--json", help="write the medians to this file")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of each page instead of timing")
    parser.add_argument("--top", type=int, default=35, help="rows of each profile table")
    args = parser.parse_args()
    env.activate()
    import django
    from django.conf import settings

    django.setup()
    if args.session_engine:
        settings.SESSION_ENGINE = args.session_engine
    settings.ALLOWED_HOSTS = ["*"]
    from django.test import Client

    manifest = json.loads((env.VAR / "manifest.json").read_text())
    pools = manifest["pools"]
    learner = pools["step_pool"][0]
    step = manifest["flagship"]["steps"][0]
    pages = {
        "floor": ("", "/bench/floor/"),
        "catalogue": ("", "/"),
        "overview": (learner["session"], f"/learn/{learner['enrollment']}/"),
        "step": (learner["session"], f"/learn/{learner['enrollment']}/steps/{step}/"),
        "quiz": (pools["quiz_pool"][0]["session"], f"/attempts/{pools['quiz_pool'][0]['attempt']}/"),
        "dashboard": (pools["dashboard_pool"][0]["session"], "/dashboard/"),
        "verify": ("", f"/verify/{manifest['codes'][0]}/"),
    }
    only = {name for name in args.only.split(",") if name}
    engine = settings.SESSION_ENGINE.rsplit(".", 1)[-1]
    results: dict[str, dict[str, list[float]]] = {}
    for name, (session, url) in pages.items():
        if only and name not in only:
            continue
        client = Client(HTTP_HOST="127.0.0.1")
        if session:
            client.cookies[settings.SESSION_COOKIE_NAME] = session
        response = client.get(url)
        assert response.status_code == 200, (name, url, response.status_code)
        if args.profile:
            _profile(client, name, url, args.requests, args.top)
            continue
        cpu_medians, wall_medians = [], []
        for _round in range(args.rounds):
            cpu, wall = [], []
            for _ in range(args.requests):
                started_cpu, started = time.process_time(), time.perf_counter()
                client.get(url)
                cpu.append((time.process_time() - started_cpu) * 1000)
                wall.append((time.perf_counter() - started) * 1000)
            cpu_medians.append(statistics.median(cpu))
            wall_medians.append(statistics.median(wall))
        results[name] = {"cpu_ms": cpu_medians, "wall_ms": wall_medians}
        print(
            f"{engine:10} {name:10} CPU ms (median per round): " + " ".join(f"{m:6.2f}" for m in cpu_medians)
            + "   wall ms: " + " ".join(f"{m:6.2f}" for m in wall_medians),
            flush=True,
        )  # fmt: skip
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))


def _profile(client: Any, name: str, url: str, requests: int, top: int) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        client.get(url)
    profiler.disable()
    for order in ("cumulative", "tottime"):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(order).print_stats(top)
        print(f"== {name} {url}: {requests} requests, by {order} time ==")
        print(out.getvalue().split("\n", 4)[-1], flush=True)


if __name__ == "__main__":
    main()
