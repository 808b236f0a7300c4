"""
Benchmark: issue N certificates end to end through Celery (PostgreSQL + Redis + real worker processes).

Sets up a throwaway test database, N learners who passed the mini course (not timed), starts a Celery worker
with CONCURRENCY processes on a private queue, then times N ``certificates.services.issue`` calls and the
wait until every certificate has its PDF, its signed credential and its e-mail. Rerun:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_certs CELERY_BROKER_URL=redis://127.0.0.1:6379/15 \\
        DJANGO_DEBUG=true .venv/bin/python bench/certificates_issue.py [N] [CONCURRENCY]
"""

import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_DEBUG", "true")
os.environ.setdefault("HALTUNG_MEDIA_ROOT", tempfile.mkdtemp(prefix="bench-media-"))
if not (os.environ.get("DATABASE_URL", "").startswith("postgres") and os.environ.get("CELERY_BROKER_URL")):
    sys.exit("Set DATABASE_URL (PostgreSQL) and CELERY_BROKER_URL (Redis); see the module docstring.")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_databases, teardown_databases  # noqa: E402


def prepare(count: int) -> list:
    from accounts.models import User
    from courses.packages.importing import import_package
    from courses.packages.reading import read_package
    from enrolments.services import learning as course_services
    from quizzes import services as quiz_services
    from tests.conftest import MINI_COURSE, answer_all, complete_all_steps

    version = import_package(read_package(MINI_COURSE)).version
    enrollments = []
    for number in range(count):
        user = User.objects.create_user(
            f"bench{number}@example.org", "bench-password-1234", name=f"Bench Learner {number}"
        )
        enrollment = course_services.enroll(version, user=user)
        complete_all_steps(enrollment)
        attempt = quiz_services.start_attempt(enrollment)
        quiz_services.submit_attempt(attempt, answers=quiz_services.parse_form(answer_all(attempt, correct=True)))
        enrollments.append(enrollment)
    return enrollments


def start_worker(queue: str, concurrency: int, log: Path) -> subprocess.Popen:
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "CELERY_TASK_DEFAULT_QUEUE": queue,
    }
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "config",
        "worker",
        "--queues",
        queue,
        "--concurrency",
        str(concurrency),
    ]
    command += ["--hostname", f"{queue}@%h", "--without-mingle", "--without-gossip", "--loglevel", "warning"]
    with log.open("w") as out:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)  # noqa: S603


def issue_and_wait(enrollments: list, *, timeout: float = 1800) -> dict:
    """Issue each enrolment's certificate (web side), then wait until every one is rendered, signed, mailed."""
    from certificates import services
    from certificates.models import Certificate

    count = len(enrollments)
    started = time.perf_counter()
    issued = []
    for enrollment in enrollments:
        issued.append(services.issue(enrollment, by=enrollment.user).pk)
    issue_seconds = time.perf_counter() - started
    done = Certificate.objects.filter(pk__in=issued).exclude(pdf="").exclude(credential={})
    done = done.filter(emailed_at__isnull=False)
    while (finished := done.count()) < count:
        if time.perf_counter() - started > timeout:
            raise RuntimeError(f"timed out with {finished} of {count} certificates done")
        time.sleep(0.5)
    total = time.perf_counter() - started
    return {
        "certificates": count,
        "issue_seconds": round(issue_seconds, 2),
        "issue_per_second": round(count / issue_seconds, 1),
        "total_seconds": round(total, 1),
        "per_second": round(count / total, 1),
    }


def main() -> None:
    from config.celery import app

    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    concurrency = int(sys.argv[2]) if len(sys.argv) > 2 else os.cpu_count() or 2
    old_config = setup_databases(verbosity=0, interactive=False)
    queue = f"bench-{uuid.uuid4().hex[:8]}"
    worker = None
    try:
        started = time.perf_counter()
        enrollments = prepare(count)
        print(f"setup: {count} passed enrolments in {time.perf_counter() - started:.1f} s (not counted)")
        settings.CELERY_TASK_ALWAYS_EAGER = False
        settings.CELERY_TASK_DEFAULT_QUEUE = queue
        worker = start_worker(queue, concurrency, Path(tempfile.gettempdir()) / f"{queue}.log")
        while not app.control.ping(destination=[f"{queue}@{os.uname().nodename}"], timeout=1):
            time.sleep(0.5)

        figures = issue_and_wait(enrollments)
        print(
            f"issue calls: {count} in {figures['issue_seconds']:.1f} s ({figures['issue_per_second']:.0f}/s, web side)"
        )
        print(f"end to end (issued, PDF stored, credential signed, e-mail sent): {figures['total_seconds']:.1f} s")
        print(f"  => {figures['per_second']:.1f} certificates per second with one worker of {concurrency} processes")
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=30)
        connection.close()
        teardown_databases(old_config, verbosity=0)


if __name__ == "__main__":
    main()
