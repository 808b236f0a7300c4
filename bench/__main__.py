"""
``python -m bench`` (``make bench``): the whole benchmark, from an empty database to docs/PERFORMANCE.md.

1. Recreate the bench database (``haltung_bench``) and empty the bench Redis database (6379/5); migrate,
   collect static files, import the flagship course.
2. Generate the data (bench/generate.py) and the sessions of the learner pools.
3. Start gunicorn (2 sync workers per core, DEBUG off, persistent connections) and one Celery worker; run the
   steady load per endpoint and the floor with wrk, then the paced and synchronized scenarios.
4. Stop gunicorn; time the certificate PDF, 1,000 certificates through Celery, the item analysis, bulk
   enrolment and the report export.
5. Write var/bench/results.json and the tables of docs/PERFORMANCE.md.

Never touches another database or Redis number; sends traffic to 127.0.0.1 only.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime

from . import env


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", action="store_true", help="a quick run: 2,000 learners, 6 s per endpoint")
    parser.add_argument("--learners", type=int)
    parser.add_argument("--organizations", type=int)
    parser.add_argument("--courses", type=int)
    parser.add_argument("--attempts", type=int)
    parser.add_argument("--certificates", type=int)
    parser.add_argument("--cohort", type=int, help="learners in the cohort whose dashboard is measured")
    parser.add_argument("--sync", type=int, help="attempts started and submitted at once (default 200)")
    parser.add_argument("--duration", type=int, help="seconds of steady load per endpoint (default 15)")
    parser.add_argument("--skip", default="", help="comma-separated parts to skip: web, sync, figures, scripts")
    parser.add_argument("--report-only", action="store_true", help="rewrite docs/PERFORMANCE.md from the JSON")
    return parser.parse_args()


def step(message: str) -> None:
    print(f"[{datetime.now(UTC):%H:%M:%S}] {message}", flush=True)


def check_tools() -> None:
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install wrk (make bench installs it when it may)")


def reset_services() -> None:
    import psycopg
    import redis

    name = env.database_name()
    if not name.startswith(("haltung_bench", "bench")):
        raise SystemExit(f"refusing to drop {name!r}: the bench database's name must start with haltung_bench")
    with psycopg.connect(env.maintenance_url(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    redis.Redis.from_url(env.REDIS_URL).flushdb()
    shutil.rmtree(env.DATA_DIR, ignore_errors=True)
    env.DATA_DIR.mkdir(parents=True)


def failures(results: dict) -> list[str]:
    """Every measured scenario with an error (a failed connection or a status other than the expected one),
    and every synchronized scenario whose check found fewer started or graded attempts than it sent."""
    rows = [*results.get("web", {}).get("floor", []), *results.get("web", {}).get("endpoints", [])]
    rows += [results["web"][key] for key in ("submit_paced", "cohort_single") if key in results.get("web", {})]
    rows += list(results.get("synchronized", {}).values())
    found = []
    for row in rows:
        extra = row.get("extra", {})
        if row["errors"]:
            status = extra.get("last_unexpected_status") or extra.get("sample_errors")
            found.append(f"{row['label']}: {row['errors']} of {row['requests']} requests failed ({status})")
        for check in ("attempts_started", "attempts_graded"):
            if row["name"].startswith("sync_") and check in extra and extra[check] != row["requests"]:
                found.append(f"{row['label']}: {extra[check]} {check.replace('_', ' ')} of {row['requests']}")
    return found


def manage(*args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=env.ROOT, env=env.environment(), check=True)  # noqa: S603


def main() -> None:
    args = parse()
    if args.report_only:
        env.activate()
        import django

        django.setup()
        from .report import load_results, write_doc

        write_doc(load_results(env.RESULTS))
        return
    skip = {part.strip() for part in args.skip.split(",") if part.strip()}
    started = time.perf_counter()
    started_at = datetime.now(UTC)
    check_tools()
    env.activate()
    step(f"resetting {env.database_name()} and {env.REDIS_URL}")
    reset_services()
    manage("migrate", "--noinput", "-v0")
    manage("collectstatic", "--noinput", "-v0")
    manage("import_course", "content/social-media-presence")
    setup_seconds = time.perf_counter() - started

    import django

    django.setup()
    from . import figures, scenarios, server
    from .generate import generate, sizes_from
    from .report import machine, write_doc

    sizes = sizes_from(
        small=args.small,
        learners=args.learners,
        organizations=args.organizations,
        courses=args.courses,
        attempts=args.attempts,
        certificates=args.certificates,
        cohort=args.cohort,
        sync=args.sync,
    )
    step(f"generating data: {sizes}")
    manifest = generate(sizes)
    (env.VAR / "manifest.json").write_text(json.dumps(manifest))
    for name, seconds in manifest["timings"].items():
        print(f"    {name:45} {seconds:6.1f} s")
    step(f"generated in {manifest['generate_seconds']:.0f} s")

    cores = os.cpu_count() or 2
    workers = server.workers_per_core() * cores
    results: dict = {
        "started_at": started_at.strftime("%Y-%m-%d %H:%M UTC"),
        "command": " ".join(["python -m bench", *sys.argv[1:]]),
        "machine": machine(),
        "server": {"workers": workers, "per_core": server.workers_per_core(), "celery_concurrency": cores},
        "data": {
            "sizes": manifest["sizes"],
            "attempts": manifest["attempts"],
            "responses": manifest["responses"],
            "certificates": manifest["certificates"],
            "step_progress_rows": manifest["step_progress_rows"],
            "generate_seconds": manifest["generate_seconds"],
            "setup_seconds": round(setup_seconds, 1),
            "timings": manifest["timings"],
        },
    }
    duration = args.duration or (6 if args.small else 15)

    def checkpoint() -> None:
        # Written after each part, so that a later part failing does not lose the figures taken so far
        # (``--report-only`` then writes the tables from them).
        results["total_seconds"] = round(time.perf_counter() - started, 1)
        env.RESULTS.write_text(json.dumps(results, indent=2, default=str))

    web = celery = None
    try:
        web = server.start_gunicorn(workers)
        celery = server.start_celery(cores)
        server.wait_healthy(web)
        server.wait_celery()
        if "web" not in skip:
            step(f"steady load, {duration} s per endpoint")
            results["web"] = scenarios.steady(manifest, duration=duration, paced_share=0.25)
            checkpoint()
        if "sync" not in skip:
            step("synchronized start and submit")
            results["synchronized"] = scenarios.synchronized(manifest)
            for key in ("start", "submit"):
                r = results["synchronized"][key]
                print(f"  {r['label']}: p99 {r['p99_ms']:.0f} ms, errors {r['errors']}")
            checkpoint()
        web.stop()
        results["figures"] = {}
        if "figures" not in skip:
            step("certificate PDF")
            results["figures"]["pdf"] = figures.pdf(40)
            step(f"{len(manifest['pools']['claim'])} certificates through Celery")
            results["figures"]["celery"] = figures.celery_certificates(manifest)
            step("item analysis of the largest assessment")
            results["figures"]["item_analysis_at_scale"] = figures.item_analysis_at_scale()
            checkpoint()
        celery.stop()
        if "scripts" not in skip:
            step("item analysis, 100,000 responses (bench/quizzes_item_analysis.py)")
            results["figures"]["item_analysis"] = figures.script("quizzes_item_analysis")
            rows = "2000" if args.small else "10000"
            step(f"bulk enrolment, {rows} rows (bench/organizations_enrolment.py)")
            results["figures"]["enrolment"] = figures.script(
                "organizations_enrolment", rows, settings="config.settings_test"
            )
            rows = "20000" if args.small else "100000"
            step(f"report export, {rows} rows (bench/organizations_export.py)")
            results["figures"]["export"] = figures.script("organizations_export", rows, settings="config.settings_test")
    finally:
        for process in (web, celery):
            if process is not None:
                process.stop()
    results["total_seconds"] = round(time.perf_counter() - started, 1)
    env.RESULTS.write_text(json.dumps(results, indent=2, default=str))
    write_doc(results)
    step(f"done in {results['total_seconds'] / 60:.1f} min: {env.RESULTS}, docs/PERFORMANCE.md")
    failed = failures(results)
    if failed:
        # A scenario with errors measured something else than its page (a redirect, a refusal): say so, and
        # let make bench fail, rather than print its figures as if they were the page's.
        raise SystemExit("bench: scenarios with errors:\n  " + "\n  ".join(failed))


if __name__ == "__main__":
    main()
