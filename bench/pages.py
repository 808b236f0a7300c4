"""
Repeat the steady load of chosen pages against the database a ``make bench`` run left behind, without
generating data again: the quick loop for trying a change.

    python -m bench.pages [--only catalogue,overview,...] [--duration S] [--rounds R]

Starts gunicorn as ``make bench`` does (4 sync workers, the bench settings; no Celery worker), then per round
measures the floor and each page for S seconds with wrk (2 s of warm-up per page first) and prints req/s,
the share of that round's floor, p50/p95/p99 and errors. Only pages that can be requested again and again
("cycle" endpoints: not the vignette choice or the submit). The pages write what they always write (step
visits, the session's idle clock). Figures for docs/PERFORMANCE.md come from ``make bench``; this is for the
comparison of two commits on the same database, alternating.
"""

import argparse
import json

from . import env, load, scenarios, server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", default="", help="comma-separated endpoint names (default: every repeatable one)")
    parser.add_argument("--duration", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    env.activate()
    import django

    django.setup()
    manifest = json.loads((env.VAR / "manifest.json").read_text())
    only = {name for name in args.only.split(",") if name}
    targets = [
        e for e in scenarios.endpoints(manifest, submit_rows=[]) if e.mode == "cycle" and (not only or e.name in only)
    ]
    floor = scenarios.floor_endpoint()
    web = server.start_gunicorn(2 * server.workers_per_core())
    try:
        server.wait_healthy(web)
        scenarios.warm_up([floor, *targets])
        for round_number in range(1, args.rounds + 1):
            base = load.run_wrk(floor, duration=args.duration)
            print(f"round {round_number}: floor {base.throughput:.0f} req/s, p99 {base.p99_ms:.1f} ms", flush=True)
            for endpoint in targets:
                r = load.run_wrk(endpoint, duration=args.duration)
                share = 100 * r.throughput / base.throughput if base.throughput else 0
                print(
                    f"  {endpoint.name:12} {r.throughput:8.1f} req/s {share:5.1f} %  p50 {r.p50_ms:7.1f}  "
                    f"p95 {r.p95_ms:7.1f}  p99 {r.p99_ms:7.1f} ms  errors {r.errors}",
                    flush=True,
                )
    finally:
        web.stop()


if __name__ == "__main__":
    main()
