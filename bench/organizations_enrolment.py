"""
Benchmark: bulk enrolment of N rows (default 10,000) through the task path, then the cohort dashboard at that
size. Sets up a throwaway test database (SQLite in memory, or PostgreSQL with DATABASE_URL), imports the mini
course, creates an institute, an admin and a cohort (not timed), then times:

- the upload: parse, check every row, plan against the database, write accounts, memberships and enrolments
  in one transaction (the task runs eagerly, as without a broker);
- the welcome e-mails to every new learner (locmem backend: rendering and queueing, no SMTP);
- the cohort dashboard page with 40 % of the learners part-way through, counting its queries.

    .venv/bin/python bench/organizations_enrolment.py [N] [--json PATH]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_orgs .venv/bin/python bench/organizations_enrolment.py
"""

import io
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
os.environ.setdefault("HALTUNG_MEDIA_ROOT", tempfile.mkdtemp(prefix="bench-media-"))

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import (  # noqa: E402
    CaptureQueriesContext,
    setup_databases,
    setup_test_environment,
    teardown_databases,
)

from bench import _output  # noqa: E402


def csv_content(count: int) -> bytes:
    lines = ["name;email;efn;language"]
    lines += [f"Bench Learner {i};bench{i}@example.net;;" for i in range(count)]
    return ("\n".join(lines) + "\n").encode()


def run(count: int) -> dict:
    import datetime as dt

    from django.core import mail
    from django.test import Client
    from django.utils import timezone

    from accounts.models import User
    from courses.models import Step
    from courses.packages.importing import import_package
    from courses.packages.reading import read_package
    from enrolments.models import Enrollment, EnrolmentImport, StepProgress
    from enrolments.services import cohorts
    from enrolments.services import imports as enrolment_import
    from organizations.models import Organization
    from organizations.services import add_member
    from tests.conftest import MINI_COURSE, with_second_factor
    from tests.organizations.conftest import own_accreditation

    version = import_package(read_package(MINI_COURSE)).version
    organization = Organization.objects.create(name="Bench-Institut", slug="bench")
    admin = User.objects.create_user("admin@example.org", "bench-password-1234", name="Bench Admin", language="en")
    add_member(organization, user=admin, role="admin")
    with_second_factor(admin)  # administrators must have one, or the dashboard sends them to set it up (0701)
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
    content = csv_content(count)
    mail.outbox = []
    started = time.perf_counter()
    run_row = enrolment_import.import_upload(cohort, source=io.BytesIO(content), filename="bench.csv", by=admin)
    total = time.perf_counter() - started
    # Files up to ORGANIZATIONS_IMPORT_SYNC_ROWS are written at once (an Outcome, no import row): time those
    # with more rows, which go through the task path.
    assert isinstance(run_row, EnrolmentImport), f"{count} rows are imported in the request; ask for more"
    run_row = EnrolmentImport.objects.get(pk=run_row.pk)
    assert run_row.status == "done", (run_row.status, run_row.errors[:3])
    import_seconds = (run_row.finished_at - run_row.created_at).total_seconds()
    print(f"rows: {count}  file: {len(content) / 1024:.0f} KiB  database: {connection.vendor}")
    print(f"import (upload → committed enrolments): {import_seconds:.2f} s")
    print(f"import + {len(mail.outbox) - 1} welcome e-mails + the admin's e-mail: {total:.2f} s")
    assert Enrollment.objects.filter(cohort=cohort).count() == count

    steps = list(Step.objects.filter(module__version=version, required=True).order_by("module__position", "position"))
    enrollments = list(Enrollment.objects.filter(cohort=cohort).values_list("pk", flat=True))
    progress = [
        StepProgress(enrollment_id=pk, step=step, completed_at=timezone.now())
        for index, pk in enumerate(enrollments[: int(count * 0.4)])
        for step in steps[: 1 + index % len(steps)]
    ]
    StepProgress.objects.bulk_create(progress, batch_size=2000)
    Enrollment.objects.filter(pk__in=enrollments[: int(count * 0.4)]).update(last_step=steps[0])

    client = Client()
    client.force_login(admin)
    url = f"/org/{organization.slug}/cohorts/{cohort.pk}/"
    client.get(url)
    timings = []
    for _ in range(5):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            timings.append(time.perf_counter() - started)
        assert response.status_code == 200, (response.status_code, response.get("Location"))
    timings.sort()
    print(
        f"dashboard with {count} learners ({len(progress)} completed steps): {len(queries)} queries, "
        f"median {timings[2] * 1000:.0f} ms (min {timings[0] * 1000:.0f}, max {timings[-1] * 1000:.0f})"
    )
    return {
        "database": connection.vendor,
        "rows": count,
        "file_kib": round(len(content) / 1024),
        "import_seconds": round(import_seconds, 2),
        "import_and_mails_seconds": round(total, 2),
        "dashboard_learners": count,
        "dashboard_queries": len(queries),
        "dashboard_median_ms": round(timings[2] * 1000, 1),
    }


def main() -> None:
    args, json_path = _output.arguments()
    count = int(args[0]) if args else 10_000
    setup_test_environment()
    old = setup_databases(verbosity=0, interactive=False)
    try:
        _output.write(json_path, run(count))
    finally:
        teardown_databases(old, verbosity=0)


if __name__ == "__main__":
    main()
