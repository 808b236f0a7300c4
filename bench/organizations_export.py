"""
Benchmark: the participant report of N enrolments (default 100,000), written by the report task as CSV and
XLSX. Sets up a throwaway test database (SQLite in memory, or PostgreSQL with DATABASE_URL) and bulk-creates
the learners and enrolments (not timed), then for 10 % of N and for N:

- times ``organizations.reports.write_report`` (query, stream, escape, write, store the file);
- measures the peak of Python allocations during a second run with tracemalloc. Memory is flat when the
  peak stays about the same for ten times the rows.

    .venv/bin/python bench/organizations_export.py [N] [--json PATH]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_orgs .venv/bin/python bench/organizations_export.py
"""

import logging
import os
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
os.environ.setdefault("HALTUNG_MEDIA_ROOT", tempfile.mkdtemp(prefix="bench-media-"))

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_databases, setup_test_environment, teardown_databases  # noqa: E402

from bench import _output  # noqa: E402

logging.getLogger("celery").setLevel(logging.WARNING)


def populate(count: int) -> tuple:
    import datetime as dt

    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from accounts.models import User
    from courses.packages.importing import import_package
    from courses.packages.reading import read_package
    from enrolments.models import Enrollment
    from enrolments.services import cohorts
    from organizations.models import Organization
    from organizations.services import add_member
    from tests.conftest import MINI_COURSE
    from tests.organizations.conftest import own_accreditation

    version = import_package(read_package(MINI_COURSE)).version
    organization = Organization.objects.create(name="Bench-Institut", slug="bench")
    admin = User.objects.create_user("admin@example.org", "bench-password-1234", name="Bench Admin", language="en")
    add_member(organization, user=admin, role="admin")
    today = timezone.localdate()
    cohort = cohorts.create_cohort(
        organization,
        by=admin,
        tutors=[],
        name="Bench",
        course_version=version,
        accreditation=own_accreditation(organization, version),  # its own (decision 0310)
        starts_on=today - dt.timedelta(days=30),
        ends_on=today + dt.timedelta(days=30),
        seats=None,
    )
    password = make_password(None)
    for start in range(0, count, 10_000):
        users = User.objects.bulk_create(
            [
                # Every tenth name looks like a formula, so escaping is part of the measured work.
                User(
                    email=f"b{i}@example.net",
                    name=f"=Learner {i}" if i % 10 == 0 else f"Learner {i}",
                    password=password,
                )
                for i in range(start, min(count, start + 10_000))
            ],
            batch_size=2000,
        )
        Enrollment.objects.bulk_create(
            [
                Enrollment(
                    user=user,
                    course_version=version,
                    accreditation_id=cohort.accreditation_id,
                    organization=organization,
                    cohort=cohort,
                )
                for user in users
            ],
            batch_size=2000,
        )
    return organization, admin, cohort


def write(organization, admin, fmt: str) -> tuple[float, int, int]:
    from organizations.models import ReportRun
    from organizations.reports import write_report

    run = ReportRun.objects.create(organization=organization, kind="participants", format=fmt, requested_by=admin)
    started = time.perf_counter()
    assert write_report(run.pk) == "done"
    seconds = time.perf_counter() - started
    run.refresh_from_db()
    return seconds, run.rows_written, run.file.size


def main() -> None:
    args, json_path = _output.arguments()
    count = int(args[0]) if args else 100_000
    figures: dict = {"rows": count, "runs": []}
    setup_test_environment()
    old = setup_databases(verbosity=0, interactive=False)
    try:
        organization, admin, cohort = populate(count)
        print(f"database: {connection.vendor}")
        from enrolments.models import Enrollment

        # A second organization holding a tenth of the rows, for the flat-memory comparison.
        small = organization.__class__.objects.create(name="Klein", slug="klein")
        tenth = list(Enrollment.objects.filter(cohort=cohort).values_list("pk", flat=True)[: count // 10])
        Enrollment.objects.filter(pk__in=tenth).update(organization=small)
        for target in (small, organization):
            if target is organization:
                Enrollment.objects.filter(cohort=cohort).update(organization=organization)
            for fmt in ("csv", "xlsx"):
                seconds, written, size = write(target, admin, fmt)
                tracemalloc.start()
                write(target, admin, fmt)
                _current, peak = tracemalloc.get_traced_memory()
                tracemalloc.stop()
                print(
                    f"{fmt.upper():4} {written:>7} rows: {seconds:6.2f} s, {size / 1_048_576:5.1f} MiB file, "
                    f"peak Python memory {peak / 1_048_576:5.1f} MiB"
                )
                figures["runs"].append(
                    {
                        "format": fmt,
                        "rows": written,
                        "seconds": round(seconds, 2),
                        "file_mib": round(size / 1_048_576, 1),
                        "peak_python_mib": round(peak / 1_048_576, 1),
                    }
                )
        figures["database"] = connection.vendor
        _output.write(json_path, figures)
    finally:
        teardown_databases(old, verbosity=0)


if __name__ == "__main__":
    main()
