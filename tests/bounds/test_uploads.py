"""
Bulk-enrolment uploads under hostile files (issue 18): each case refused with a clear message, nothing written,
large files parsed in the task rather than the request, and the reader's memory bounded.
"""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import User
from enrolments.models import Cohort, Enrollment, EnrolmentImport
from enrolments.services import cohorts as cohort_services
from enrolments.uploads import FileRefused, check_rows, read_file
from tests.organizations.conftest import own_accreditation

from . import hostile_files

ROOT = Path(__file__).resolve().parents[2]
# The stated bound for a worker reading the largest allowed file (decision 0803).
PEAK_MEMORY_BOUND_MB = 256


def built(builder, **kwargs) -> bytes:
    buffer = io.BytesIO()
    builder(buffer, **kwargs)
    return buffer.getvalue()


def refused(content: bytes, name: str) -> FileRefused:
    with pytest.raises(FileRefused) as excinfo:
        read_file(io.BytesIO(content), name)
    return excinfo.value


def test_openpyxl_reads_through_defusedxml():
    """openpyxl parses XML with defusedxml when it is installed; the reader refuses to run without it."""
    import openpyxl

    assert openpyxl.DEFUSEDXML is True


@pytest.mark.parametrize("ref", ["A1:XFD1048576", "A1:XFD3000"])
def test_dimension_bomb_reads_only_the_real_rows(ref):
    """A 1.6 KB workbook declaring A1:XFD1048576 made openpyxl pad every row to 16,384 cells (2.9 GB, 500)."""
    content = built(hostile_files.dimension_bomb, ref=ref)
    assert len(content) < 2000
    rows = read_file(io.BytesIO(content), "bomb.xlsx")
    assert [row.cells["email"] for row in rows] == ["ada@example.net", "bo@example.net"]


def test_zip_bomb_is_refused_by_its_uncompressed_size():
    """1 MB of zip holding 297 MB of sheet XML: refused from the zip directory, before any XML is parsed."""
    content = built(hostile_files.zip_bomb)
    assert len(content) < 1_500_000
    error = refused(content, "bomb.xlsx")
    assert error.code == "unzipped_too_large"
    assert "297" in error.message or "MB" in error.message


def test_shared_strings_bomb_is_refused():
    """3 million shared strings in 125 KB took 65 s to load; the table's size is checked first."""
    content = built(hostile_files.shared_strings_bomb)
    assert len(content) < 300_000
    assert refused(content, "strings.xlsx").code in {"shared_strings", "unzipped_too_large"}


def test_shared_string_table_over_its_own_cap_is_refused():
    content = built(hostile_files.shared_strings_bomb, count=300_000)
    assert refused(content, "strings.xlsx").code == "shared_strings"


def test_a_row_at_the_end_of_the_sheet_stops_at_the_line_cap():
    """A learner in row 1,048,576 would make the reader walk a million empty rows; it stops at the cap."""
    error = refused(built(hostile_files.far_row), "far.xlsx")
    assert error.code == "too_many_lines"
    assert "100,000" in error.message or "100000" in error.message


def test_xml_entities_are_refused():
    """A DTD with nested entities (billion laughs) is refused by defusedxml, as a damaged workbook."""
    assert refused(built(hostile_files.entity_bomb), "lol.xlsx").code == "bad_xlsx"


def test_million_row_workbook_stops_at_the_row_limit():
    """1,000,000 rows (5 MB) timed out the web worker; reading stops at the first row over the limit."""
    content = built(hostile_files.many_rows, rows=1_000_000)
    error = refused(content, "million.xlsx")
    assert error.code in {"too_many_rows", "unzipped_too_large"}


def test_blank_line_csv_is_streamed_and_stops_at_the_line_cap():
    """8 MB of empty lines built 8 million empty records (808 MB) before the row limit was checked."""
    error = refused(built(hostile_files.blank_lines_csv), "blank.csv")
    assert error.code == "too_many_lines"


def test_a_csv_line_longer_than_the_cap_is_refused_with_its_number():
    content = b"name;email\nAda;ada@example.net\n" + b"x" * 2_000_000 + b";b@example.net\n"
    error = refused(content, "long.csv")
    assert error.code in {"line_too_long", "csv_syntax"}
    assert "Line 3" in error.message


def test_non_utf8_csv_names_line_and_byte():
    error = refused("name;email\nAda;a@example.org\nJürgen;j@example.org\n".encode("cp1252"), "win.csv")
    assert error.code == "encoding" and "line 3" in error.message and "0xFC" in error.message


def test_long_values_are_quoted_as_excerpts_only():
    """50 rows of 10,000-character values made a 522 KB error page; messages quote at most a short excerpt."""
    rows = "".join(f"{'N' * 10_000};{'e' * 10_000}@example.org;{'9' * 10_000};{'l' * 10_000}\n" for _ in range(50))
    result = check_rows(
        read_file(io.BytesIO(b"name;email;efn;language\n" + rows.encode()), "long.csv"), default_language="de"
    )
    assert len(result.errors) == 200
    assert max(len(error.message) for error in result.errors) < 300


def test_address_longer_than_the_column_is_a_row_error():
    """A 311-character address passed the e-mail check and overflowed the 254-character column (500)."""
    address = "a" * 64 + "@" + ".".join(["b" * 60] * 4) + ".example"
    result = check_rows(
        read_file(io.BytesIO(f"name;email\nLong Address;{address}\n".encode()), "long.csv"), default_language="de"
    )
    assert [(e.row, e.column) for e in result.errors] == [(2, "email")]
    assert "254" in result.errors[0].message


@pytest.mark.parametrize("value", ["\u00a0=HYPERLINK(1)", "\u2003+1", "\uff1d1+1", " @SUM(A1)"])
def test_formula_cells_behind_spaces_and_full_width_forms_are_refused(value):
    result = check_rows(
        read_file(io.BytesIO(f"name;email\n{value};a@example.org\n".encode()), "f.csv"), default_language="de"
    )
    assert [(e.row, e.column) for e in result.errors] == [(2, "name")]


# Through the page ------------------------------------------------------------------------------------------


@pytest.fixture
def cohort(organization, org_admin, version) -> Cohort:
    import datetime as dt

    from django.utils import timezone

    today = timezone.localdate()
    return cohort_services.create_cohort(
        organization,
        by=org_admin,
        tutors=[],
        name="Frühjahr",
        course_version=version,
        accreditation=own_accreditation(organization, version),
        starts_on=today - dt.timedelta(days=1),
        ends_on=today + dt.timedelta(days=30),
        seats=None,
    )


def upload(client, cohort, content: bytes, name: str):
    return client.post(
        reverse("enrolments:cohort_enrol", args=[cohort.organization.slug, cohort.pk]),
        {"file": SimpleUploadedFile(name, content)},
    )


def test_a_large_file_is_parsed_in_the_task_not_the_request(
    admin_client, cohort, settings, django_capture_on_commit_callbacks
):
    """A zip bomb (40 KB unpacking to 40 MB) is stored and handed to the task unread; the task refuses it."""
    content = built(hostile_files.zip_bomb, megabytes=40)
    assert len(content) < settings.ORGANIZATIONS_IMPORT_SYNC_BYTES  # small, but unpacks past the request's bound
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = upload(admin_client, cohort, content, "bomb.xlsx")
    assert response.status_code == 302
    run = EnrolmentImport.objects.get()
    assert run.status == EnrolmentImport.Status.QUEUED  # not read in the request
    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()
    run.refresh_from_db()
    assert run.status == EnrolmentImport.Status.INVALID
    assert "uncompressed" in run.errors[0]["message"]
    assert not Enrollment.objects.filter(cohort=cohort).exists()


def test_dimension_bomb_through_the_page_enrols_the_two_learners(admin_client, cohort):
    response = upload(admin_client, cohort, built(hostile_files.dimension_bomb), "bomb.xlsx")
    assert response.status_code == 302
    assert set(Enrollment.objects.filter(cohort=cohort).values_list("user__email", flat=True)) == {
        "ada@example.net",
        "bo@example.net",
    }


def test_error_pages_of_long_values_stay_small(admin_client, cohort, settings, django_capture_on_commit_callbacks):
    """50 rows of 10,000-character values gave a 522 KB error page; each value is quoted as an excerpt."""
    rows = "".join(f"{'N' * 10_000};{'e' * 10_000}@example.org\n" for _ in range(50))
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(admin_client, cohort, b"name;email\n" + rows.encode(), "long.csv")
    page = admin_client.get(response["Location"]) if response.status_code == 302 else response
    assert "longer than 200 characters" in page.content.decode()
    assert len(page.content) < 100_000
    assert not User.objects.filter(email__startswith="eeee").exists()
    settings.ORGANIZATIONS_IMPORT_SYNC_BYTES = 10 * 1024 * 1024  # the same file read in the request
    response = upload(admin_client, cohort, b"name;email\n" + rows.encode(), "long.csv")
    assert response.status_code == 400 and len(response.content) < 100_000


def test_a_large_csv_is_read_by_the_task(admin_client, cohort, settings, django_capture_on_commit_callbacks):
    """A CSV over the request's byte bound is stored unread; the task reads, checks and enrols it."""
    settings.ORGANIZATIONS_IMPORT_SYNC_BYTES = 1024
    content = b"name;email\n" + "".join(f"P {n};p{n}@example.net\n" for n in range(100)).encode()
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(admin_client, cohort, content, "learners.csv")
    assert response.status_code == 302
    run = EnrolmentImport.objects.get()
    assert (run.status, run.rows, run.enrolled) == (EnrolmentImport.Status.DONE, 100, 100)


def test_an_upload_over_the_cap_is_refused_before_it_is_read(admin_client, cohort, settings):
    settings.ORGANIZATIONS_IMPORT_MAX_BYTES = 1024
    response = upload(admin_client, cohort, b"name;email\n" + b"a;a@example.org\n" * 200, "big.csv")
    assert response.status_code == 400
    assert "at most 0.0 MB" in response.content.decode() or "at most" in response.content.decode()
    assert not EnrolmentImport.objects.exists()


# Peak memory, measured in a fresh process -------------------------------------------------------------------

MEASURE = """
import io, json, resource, sys, tracemalloc
import django


def high_water_kb():
    # VmHWM: the peak resident set of this process's own memory. ru_maxrss would also count the pytest
    # process this one was forked from (Linux keeps the larger of the two across exec).
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


django.setup()
from enrolments.uploads import FileRefused, check_rows, read_file
baseline = high_water_kb()
tracemalloc.start()
outcome = "read"
try:
    with open(sys.argv[1], "rb") as handle:
        rows = read_file(handle, sys.argv[2])
    outcome = f"{len(rows)} rows, {len(check_rows(rows, default_language='de').errors)} errors"
except FileRefused as refused:
    outcome = refused.code
peak = tracemalloc.get_traced_memory()[1]
print(json.dumps({"outcome": outcome, "peak_rss_kb": high_water_kb(),
                  "baseline_rss_kb": baseline, "python_peak_bytes": peak}))
"""


def measure(path: Path, name: str) -> dict:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings_test"}
    env.pop("DATABASE_URL", None)
    limit = 1024 * 1024 * 1024  # the process is stopped at 1 GiB of heap instead of swapping the machine

    def cap() -> None:
        import resource

        resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))

    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", MEASURE, str(path), name],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=cap,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def _largest_xlsx(target) -> None:
    # As many rows as allowed, names padded so the sheet XML comes close to the uncompressed cap.
    hostile_files.many_rows(target, rows=django_settings.ORGANIZATIONS_IMPORT_MAX_ROWS, width=1200)


CASES = {
    "largest.csv": lambda target: hostile_files.largest_csv(
        target, size=django_settings.ORGANIZATIONS_IMPORT_MAX_BYTES, rows=django_settings.ORGANIZATIONS_IMPORT_MAX_ROWS
    ),
    "largest.xlsx": _largest_xlsx,
    "dimension-bomb.xlsx": hostile_files.dimension_bomb,
    "zip-bomb.xlsx": hostile_files.zip_bomb,
    "shared-strings.xlsx": hostile_files.shared_strings_bomb,
    # Just under the shared-string cap (4 MiB of 17-byte entries): the most strings openpyxl is given to load.
    "shared-strings-at-cap.xlsx": lambda target: hostile_files.shared_strings_bomb(target, count=240_000),
    "million-rows.xlsx": hostile_files.many_rows,
    "blank-lines.csv": hostile_files.blank_lines_csv,
}


def test_peak_memory_of_the_reader_stays_under_the_bound(tmp_path):
    """Every file up to the size cap is read in a fresh process whose peak RSS stays under 256 MB."""
    report = {}
    for name, builder in CASES.items():
        path = tmp_path / name
        with path.open("wb") as target:
            builder(target)
        assert path.stat().st_size <= django_settings.ORGANIZATIONS_IMPORT_MAX_BYTES, name
        figures = measure(path, name)
        report[name] = {**figures, "file_bytes": path.stat().st_size}
        assert figures["peak_rss_kb"] < PEAK_MEMORY_BOUND_MB * 1024, (name, figures)
    print("\nupload memory:", json.dumps(report, indent=1))
