"""
Benchmark: the learner's certificate claim request in the embedded default (SQLite, eager Celery, Django's
threaded development server, as ``make run`` serves it).

    .venv/bin/python bench/certificates_claim.py [N] [--json PATH]

Makes a throwaway data directory (SQLite database and media), migrates it, imports the mini course and
prepares N learners who passed its final test (not timed). The threaded WSGI server of ``runserver`` serves
the project on a free port inside this process. For each learner, one HTTP client POSTs the claim and times
the round trip until the redirect has arrived; then it waits until the PDF is stored and the server's
request threads have ended (the e-mail that follows the PDF runs in them) before the next learner claims,
so every claim meets an idle server. Printed: p50, p95 and max of the round trip, of the server time the
request log writes for the claim (``duration_ms`` of the ``haltung.request`` line, the server's own clock
from the request's arrival to its finished response), and of the time from the response to the
stored PDF. Run it a few times on a busy machine: other processes show in every figure.
"""

import argparse
import json
import logging
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DATA = Path(tempfile.mkdtemp(prefix="bench-claim-"))
# The embedded default: no DATABASE_URL and no broker, so SQLite in the data directory and eager Celery.
for name in ("DATABASE_URL", "CELERY_BROKER_URL", "REDIS_URL"):
    os.environ.pop(name, None)
os.environ.update(
    {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "true",
        "HALTUNG_DATA_DIR": str(DATA),
        "HALTUNG_MEDIA_ROOT": str(DATA / "media"),
        "DJANGO_LOG_LEVEL": "WARNING",
        "DJANGO_ACCESS_LOG_LEVEL": "INFO",
    }
)

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402


class ClaimLog(logging.Handler):
    """Keeps the server time of every claim request, as the request log line reports it."""

    def __init__(self) -> None:
        super().__init__()
        self.durations: list[float] = []

    def emit(self, record: logging.LogRecord) -> None:
        if getattr(record, "view", "") == "certificates:claim":
            self.durations.append(float(record.duration_ms))


def prepare(count: int) -> list[tuple[int, str]]:
    """N learners who passed the mini course's final test, each with a signed-in session."""
    from django.core.management import call_command
    from django.test import Client

    from accounts.models import User
    from courses.packages.importing import import_package
    from courses.packages.reading import read_package
    from enrolments.services import learning as course_services
    from quizzes import services as quiz_services
    from tests.conftest import MINI_COURSE, answer_all, complete_all_steps

    call_command("migrate", verbosity=0)
    version = import_package(read_package(MINI_COURSE)).version
    learners = []
    for number in range(count):
        user = User.objects.create_user(f"claim{number}@example.org", None, name=f"Bench Learner {number}")
        enrollment = course_services.enroll(version, user=user)
        complete_all_steps(enrollment)
        attempt = quiz_services.start_attempt(enrollment)
        quiz_services.submit_attempt(attempt, answers=quiz_services.parse_form(answer_all(attempt, correct=True)))
        client = Client()
        client.force_login(user)
        learners.append((enrollment.pk, client.cookies["sessionid"].value))
    return learners


def serve() -> tuple[Any, int]:
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler, get_internal_wsgi_application

    class Quiet(WSGIRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadedWSGIServer(("127.0.0.1", 0), Quiet)
    server.set_app(get_internal_wsgi_application())
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, server.server_address[1]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def claim(port: int, enrollment_id: int, session: str) -> tuple[float, int]:
    from django.utils.crypto import get_random_string

    csrf = get_random_string(32)
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/learn/{enrollment_id}/certificate/",
        data=b"",
        method="POST",
        headers={"Cookie": f"sessionid={session}; csrftoken={csrf}", "X-CSRFToken": csrf},
    )
    opener = urllib.request.build_opener(NoRedirect)
    started = time.perf_counter()
    try:
        response = opener.open(request, timeout=120)
        status = response.status
        response.read()
    except urllib.error.HTTPError as error:  # the 302 arrives as an "error" without the redirect handler
        status = error.code
        error.read()
    return time.perf_counter() - started, status


def wait_for_pdf(enrollment_id: int, timeout: float = 120.0) -> None:
    from certificates.models import Certificate

    deadline = time.monotonic() + timeout
    while not Certificate.objects.filter(enrollment_id=enrollment_id).exclude(pdf="").exists():
        if time.monotonic() > deadline:
            sys.exit(f"no PDF for enrolment {enrollment_id} after {timeout:.0f} s")
        time.sleep(0.01)


def wait_until_idle(baseline: int, timeout: float = 120.0) -> None:
    """Until the server's request threads have ended: the e-mail after the PDF runs in them too."""
    deadline = time.monotonic() + timeout
    while threading.active_count() > baseline:
        if time.monotonic() > deadline:
            sys.exit(f"the server was still busy after {timeout:.0f} s")
        time.sleep(0.01)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))]


def summary(values: list[float]) -> dict[str, float]:
    return {
        "p50": round(statistics.median(values), 1),
        "p95": round(percentile(values, 0.95), 1),
        "max": round(max(values), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("count", nargs="?", type=int, default=30, help="learners who claim (default 30)")
    parser.add_argument("--json", type=Path, help="write the figures to this file")
    args = parser.parse_args()

    learners = prepare(args.count)
    baseline = threading.active_count()
    server, port = serve()
    baseline += 1  # serve_forever's thread
    # After the server's application is loaded: loading it configures logging again.
    log = ClaimLog()
    logging.getLogger("haltung.request").addHandler(log)
    logging.getLogger("weasyprint").setLevel(logging.ERROR)  # the design's screen-only CSS, reported per render
    for handler in logging.getLogger().handlers:  # the console keeps warnings and errors only
        handler.setLevel(logging.WARNING)
    # Mail goes to memory instead of the console (the embedded default prints it; same cost, less noise).
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    round_trips, until_pdf = [], []
    try:
        # One claim first, not counted: the first render loads WeasyPrint and its fonts.
        warm_id, warm_session = learners[0]
        first, _status = claim(port, warm_id, warm_session)
        wait_for_pdf(warm_id)
        wait_until_idle(baseline)
        log.durations.clear()
        for enrollment_id, session in learners[1:]:
            seconds, status = claim(port, enrollment_id, session)
            answered = time.perf_counter()
            if status != 302:
                sys.exit(f"claim for enrolment {enrollment_id} answered {status}, not 302")
            wait_for_pdf(enrollment_id)
            until_pdf.append((time.perf_counter() - answered) * 1000)
            wait_until_idle(baseline)
            round_trips.append(seconds * 1000)
    finally:
        server.shutdown()
        shutil.rmtree(DATA, ignore_errors=True)
    figures = {
        "claims": len(round_trips),
        "first_claim_round_trip_ms": round(first * 1000, 1),
        "round_trip_ms": summary(round_trips),
        "server_ms": summary(log.durations),
        "response_to_pdf_ms": summary(until_pdf),
    }
    for label, key in (
        ("claim round trip", "round_trip_ms"),
        ("claim server time (request log)", "server_ms"),
        ("response → PDF stored", "response_to_pdf_ms"),
    ):
        values = figures[key]
        print(f"{label:34} p50 {values['p50']:8.1f} ms   p95 {values['p95']:8.1f} ms   max {values['max']:8.1f} ms")
    print(f"{figures['claims']} claims, one at a time, each on an idle server, after a first claim in the fresh")
    print(f"process (it loads WeasyPrint and the fonts): {figures['first_claim_round_trip_ms']:.1f} ms")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
