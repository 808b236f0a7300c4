"""
Benchmark: start, autosave and grade 36-item attempts of the flagship course (the "us-ce-hours" profile).

Prints the queries each service runs (constant in the number of items; the test
``tests/quizzes/test_grading_queries.py`` pins the submit view) and the time per call.

    DJANGO_DEBUG=true .venv/bin/python bench/quizzes_grading.py
    DJANGO_DEBUG=true DATABASE_URL=postgres://postgres@127.0.0.1:5432/helper_quiz \
        .venv/bin/python bench/quizzes_grading.py
"""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_DEBUG", "true")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

LEARNERS = 100


def main() -> None:
    from accounts.models import User
    from courses.models import Step
    from courses.packages.importing import import_package
    from courses.packages.reading import read_package
    from enrolments.models import StepProgress
    from enrolments.services import learning as course_services
    from quizzes import services
    from quizzes.models import AttemptItem

    # As in production, the item analysis is queued (to the in-memory broker here), not run inside the submit.
    settings.CELERY_TASK_ALWAYS_EAGER = False
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        version = import_package(read_package(ROOT / "content" / "social-media-presence")).version
        accreditation = version.accreditations.get(key="us-ce-hours")
        steps = list(Step.objects.filter(module__version=version, required=True))
        timings = {"start": [], "save": [], "submit": []}
        queries = {"start": set(), "save": set(), "submit": set()}
        for n in range(LEARNERS):
            user = User.objects.create_user(f"g{n}@example.org", None, name=f"G {n}")
            enrollment = course_services.enroll(version, user=user, accreditation=accreditation)
            StepProgress.objects.bulk_create(
                StepProgress(enrollment=enrollment, step=s, completed_at=user.date_joined) for s in steps
            )
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                attempt = services.start_attempt(enrollment)
                timings["start"].append(time.perf_counter() - started)
            queries["start"].add(len(captured))
            rows = list(AttemptItem.objects.filter(attempt=attempt).prefetch_related("item__options"))
            answers = {r.pk: [o.pk for o in r.item.options.all() if o.correct][:1] for r in rows}
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                services.save_answers(attempt, answers=dict(list(answers.items())[:18]))
                timings["save"].append(time.perf_counter() - started)
            queries["save"].add(len(captured))
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                services.submit_attempt(attempt, answers=dict(list(answers.items())[18:]))
                timings["submit"].append(time.perf_counter() - started)
            queries["submit"].add(len(captured))
        print(f"database: {connection.vendor}; {LEARNERS} learners, 36 items each")
        for name in ("start", "save", "submit"):
            print(
                f"{name:7s} queries {sorted(queries[name])}, "
                f"median {statistics.median(timings[name]) * 1000:.1f} ms, "
                f"p95 {sorted(timings[name])[int(0.95 * LEARNERS)] * 1000:.1f} ms"
            )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
