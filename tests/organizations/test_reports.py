"""Report files: written by a task from registered builders, escaped, downloadable, kept for a while, scheduled."""

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from courses.models import Course, CourseVersion
from enrolments.models import EvaluationResponse
from organizations import exports, reports
from organizations.models import OrgAuditEvent, ReportRun, ReportSchedule

from .test_dashboard import enrol

pytestmark = pytest.mark.django_db


def download(client, run) -> bytes:
    response = client.get(reverse("organizations:export_download", args=[run.organization.slug, run.pk]))
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def request(client, org, **data):
    with_defaults = {"format": "csv", "scope": "", **data}
    return client.post(reverse("organizations:exports", args=[org.slug]), with_defaults)


def test_all_reports_are_registered():
    """Courses and certificates register their builders from ready(); organizations knows none of them."""
    assert {d.key for d in reports.available_reports()} >= {
        "participants",
        "completions",
        "evaluation",
        "certificates",
        "cpd-points",
    }


def test_participant_report_as_csv(
    admin_client, org_a, org_b, cohort_a, cohort_b, admin_a, people, django_capture_on_commit_callbacks
):
    """The admin requests the participant list; the task writes it; the page offers the file; only A's learners."""
    enrol(cohort_a, admin_a, 3)
    enrol(cohort_b, people[org_b.slug]["admin"], 2, start=100)
    with django_capture_on_commit_callbacks(execute=True):
        response = request(admin_client, org_a, kind="participants")
    run = ReportRun.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/exports/{run.pk}/")
    assert run.status == "done" and run.rows_written == 3 and run.expires_at > timezone.now()
    page = admin_client.get(response["Location"]).content.decode()
    assert "Download" in page and "3 rows." in page
    content = download(admin_client, run)
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Cohort", "Name", "E-mail"]
    assert sorted(r[2] for r in rows[1:]) == ["t0@example.net", "t1@example.net", "t2@example.net"]
    event = OrgAuditEvent.objects.get(action="report_exported")
    assert event.actor == admin_a and event.after["kind"] == "participants"


def test_report_scope_limits_to_one_cohort_and_refuses_foreign_scopes(
    admin_client, org_a, cohort_a, admin_a, make_cohort, cohort_b, django_capture_on_commit_callbacks
):
    """Scoped to a cohort, only its learners are listed; another organization's cohort is not a choice."""
    enrol(cohort_a, admin_a, 2)
    other = make_cohort(org_a, admin_a, name="Andere")
    enrol(other, admin_a, 1, start=50)
    with django_capture_on_commit_callbacks(execute=True):
        request(admin_client, org_a, kind="participants", scope=f"cohort:{other.pk}")
    assert ReportRun.objects.get().rows_written == 1
    response = request(admin_client, org_a, kind="participants", scope=f"cohort:{cohort_b.pk}")
    assert response.status_code == 400 and ReportRun.objects.count() == 1


def test_xlsx_report_escapes_formulas(admin_client, org_a, cohort_a, admin_a, django_capture_on_commit_callbacks):
    """A learner named like a formula comes out of the XLSX as text with an apostrophe, not as a formula."""
    enrol(cohort_a, admin_a, 1)
    cohort_a.enrollments.get().user.__class__.objects.filter(email="t0@example.net").update(
        name='=HYPERLINK("http://x","y")'
    )
    with django_capture_on_commit_callbacks(execute=True):
        request(admin_client, org_a, kind="participants", format="xlsx")
    sheet = load_workbook(io.BytesIO(download(admin_client, ReportRun.objects.get()))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][1] == '\'=HYPERLINK("http://x","y")'
    assert sheet.cell(row=2, column=2).data_type == "s"


def test_csv_writer_escapes_every_formula_prefix():
    """=, +, -, @, tab and CR at the start of a text cell get an apostrophe; numbers and dates stay as they are."""
    target = io.BytesIO()
    rows = [["=1+1", "+1", "-1", "@A1", "\tx", "\rx", "plain", -5, dt.date(2026, 1, 2)]]
    assert exports.write_csv(target, ["h"] * 9, iter(rows)) == 1
    written = list(csv.reader(io.StringIO(target.getvalue().decode("utf-8-sig")), delimiter=";"))[1]
    assert written == ["'=1+1", "'+1", "'-1", "'@A1", "'\tx", "'\rx", "plain", "-5", "2026-01-02"]


def test_writers_consume_rows_lazily():
    """The writers pull rows one by one from a generator (no list of all rows is built)."""
    pulled = []

    def rows():
        for index in range(3000):
            pulled.append(index)
            yield [index, f"name {index}"]

    progress = []
    assert exports.write_xlsx(io.BytesIO(), ["n", "name"], rows(), title="t", progress=progress.append) == 3000
    assert progress == [1000, 2000, 3000] and len(pulled) == 3000


def test_evaluation_summary_is_anonymous_and_needs_five_answers(
    admin_client, org_a, django_capture_on_commit_callbacks
):
    """Only the organization's own versions with at least five answers are summarised; comments never appear."""
    course = Course.objects.create(slug="eigen", organization=org_a)
    version = CourseVersion.objects.create(
        course=course, number=1, content_hash="x", title={"en": "Own", "de": "Eigen"}
    )
    month = timezone.localdate().replace(day=1)
    answers = {"relevance": 5, "practice": 4, "vignettes": 4, "test": 3, "neutrality": 5, "workload": 2, "overall": 4}
    for _ in range(5):
        EvaluationResponse.objects.create(
            course_version=version, answers=answers, comment="Frau X war toll", submitted_month=month
        )
    with django_capture_on_commit_callbacks(execute=True):
        request(admin_client, org_a, kind="evaluation")
    content = download(admin_client, ReportRun.objects.get()).decode("utf-8-sig")
    assert "Frau X" not in content and len(content.strip().splitlines()) == 8
    assert ";5;5.0;0;0;0;0;5" in content


def test_certificate_reports(admin_client, org_a, cohort_a, admin_a, django_capture_on_commit_callbacks):
    """The certificate list and CPD points per VNR are written from certificates' builders."""
    from certificates import services as certificate_services
    from tests.conftest import complete_all_steps

    from .test_dashboard import take_test

    enrollment = enrol(cohort_a, admin_a, 1)[0]
    complete_all_steps(enrollment)
    take_test(enrollment, correct=True)
    with django_capture_on_commit_callbacks(execute=True):
        certificate = certificate_services.issue(enrollment, by=enrollment.user)
    with django_capture_on_commit_callbacks(execute=True):
        request(admin_client, org_a, kind="certificates")
    with django_capture_on_commit_callbacks(execute=True):
        request(admin_client, org_a, kind="cpd-points")
    certificates_run, points_run = ReportRun.objects.order_by("pk")
    assert certificate.code in download(admin_client, certificates_run).decode("utf-8-sig")
    points = list(csv.reader(io.StringIO(download(admin_client, points_run).decode("utf-8-sig")), delimiter=";"))
    assert points[1][0] == "2760012024200355009" and points[1][4:6] == ["1", "2"]


def test_retention_deletes_files_and_keeps_the_record(admin_client, org_a, django_capture_on_commit_callbacks):
    """Past its retention the file is deleted and the download answers 404; the run and its audit row stay."""
    with django_capture_on_commit_callbacks(execute=True):
        request(admin_client, org_a, kind="participants")
    run = ReportRun.objects.get()
    path = run.file.path
    assert reports.expire_runs(now=timezone.now() + dt.timedelta(days=31)) == 1
    run.refresh_from_db()
    assert run.status == "expired" and not run.file
    assert not Path(path).exists()
    assert admin_client.get(reverse("organizations:export_download", args=[org_a.slug, run.pk])).status_code == 404
    assert OrgAuditEvent.objects.filter(action="report_exported").count() == 1


def test_monthly_schedule_runs_once_a_month_and_mails(admin_client, org_a, admin_a, django_capture_on_commit_callbacks):
    """A schedule for day 5 runs from the 5th, once per month, and mails the admin a link."""
    response = admin_client.post(
        reverse("organizations:schedule_save", args=[org_a.slug]),
        {"kind": "participants", "format": "xlsx", "day_of_month": "5"},
    )
    assert response.status_code == 302 and ReportSchedule.objects.get().day_of_month == 5
    assert reports.queue_due_schedules(today=dt.date(2026, 3, 4)) == []
    with django_capture_on_commit_callbacks(execute=True):
        assert len(reports.queue_due_schedules(today=dt.date(2026, 3, 5))) == 1
    assert reports.queue_due_schedules(today=dt.date(2026, 3, 20)) == []
    run = ReportRun.objects.get()
    assert run.scheduled and run.status == "done" and run.format == "xlsx"
    assert any(f"/exports/{run.pk}/" in message.body and message.to == [admin_a.email] for message in mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        assert len(reports.queue_due_schedules(today=dt.date(2026, 4, 5))) == 1


def test_progress_endpoint_reports_state(admin_client, org_a, admin_a, django_capture_on_commit_callbacks):
    """Before the task runs the poll says queued; afterwards finished with 100 %."""
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        request(admin_client, org_a, kind="participants")
    run = ReportRun.objects.get()
    url = reverse("organizations:export_progress", args=[org_a.slug, run.pk])
    assert admin_client.get(url).json()["finished"] is False
    assert (
        'role="progressbar"'
        in admin_client.get(reverse("organizations:export_detail", args=[org_a.slug, run.pk])).content.decode()
    )
    for callback in callbacks:
        callback()
    assert admin_client.get(url).json() == {"status": "done", "progress": 100, "rows": 0, "finished": True}


@pytest.mark.parametrize(("fmt", "small", "large"), [("csv", 2_000, 20_000), ("xlsx", 500, 5_000)])
def test_writers_memory_stays_flat(fmt, small, large):
    """Ten times the rows: the peak of Python allocations grows by less than 1 MiB."""
    import tracemalloc

    def peak(count: int) -> int:
        rows = ([i, f"Learner {i}", f"=x{i}", dt.date(2026, 1, 1)] for i in range(count))
        tracemalloc.start()
        if fmt == "csv":
            exports.write_csv(_Sink(), ["a", "b", "c", "d"], rows)
        else:
            exports.write_xlsx(_Sink(), ["a", "b", "c", "d"], rows, title="t")
        _current, top = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return top

    assert peak(large) - peak(small) < 1_048_576


class _Sink(io.RawIOBase):
    """A file that forgets what is written (a BytesIO would itself grow with the rows)."""

    def __init__(self) -> None:
        self.size = 0
        self.position = 0

    def writable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.position += len(data)
        self.size = max(self.size, self.position)
        return len(data)

    def seek(self, offset: int, whence: int = 0) -> int:
        self.position = offset if whence == 0 else (self.position + offset if whence == 1 else self.size + offset)
        return self.position

    def tell(self) -> int:
        return self.position
