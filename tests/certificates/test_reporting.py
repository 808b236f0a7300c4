"""Reporting points to chambers: participant lists and the EIV client against a local contract server."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import User
from certificates import services
from certificates.models import AuditEvent, Certificate, ParticipantReport
from certificates.reporting.eiv import EivClient
from enrolments.services import learning as course_services
from organizations.models import Membership
from tests.certificates.conftest import BAD_EFN, pass_final_test
from tests.certificates.eiv_contract_server import ContractServer
from tests.certificates.tools import pdf_text, run, scan, store_eiv_password
from tests.conftest import complete_all_steps

pytestmark = pytest.mark.django_db
PASSWORD = "vnr-secret"


def with_check_digit(digits: str) -> str:
    for check in "0123456789":
        candidate = digits + check
        total = sum(
            (v * 2 - 9 if v * 2 > 9 else v * 2) if i % 2 else v
            for i, v in enumerate(int(c) for c in reversed(candidate))
        )
        if total % 10 == 0:
            return candidate
    raise AssertionError


@pytest.fixture
def cohort(org_version, django_capture_on_commit_callbacks):
    """Three participants of the organization's course: two with good EFNs, one with a bad check digit."""
    people = [
        ("ada@example.org", "Ada Lovelace", with_check_digit("80276100000001")),
        ("bert@example.org", "Bert Brecht", with_check_digit("80276100000002")),
        ("cleo@example.org", "Cleo Bad-EFN", BAD_EFN),  # legacy data, entered before EFN validation
    ]
    certificates = []
    for email, name, efn in people:
        user = User.objects.create_user(email, "a-long-test-password", name=name, efn=efn)
        enrollment = course_services.enroll(org_version, user=user)
        complete_all_steps(enrollment)
        pass_final_test(enrollment)
        with django_capture_on_commit_callbacks(execute=True):
            certificates.append(services.issue(enrollment, by=user))
    return certificates


@pytest.fixture
def accreditation(cohort):
    return cohort[0].accreditation


@pytest.fixture
def eiv(settings, accreditation):
    today = timezone.localdate()
    with ContractServer() as server:
        server.add_event(
            accreditation.vnr, PASSWORD, begins=today - timedelta(days=30), ends=today + timedelta(days=30)
        )
        settings.HALTUNG_EIV_BASE_URL = server.url
        store_eiv_password(accreditation, PASSWORD)
        yield server


def _push(client, organization, accreditation, capture):
    with capture(execute=True):
        response = client.post(reverse("certificates:org_report_push", args=[organization.slug, accreditation.pk]))
    assert response.status_code == 302


def _statuses() -> dict[str, str]:
    return dict(ParticipantReport.objects.values_list("certificate__participant_name", "status"))


def test_cohort_report_with_one_refusal(
    admin_client, organization, accreditation, eiv, django_capture_on_commit_callbacks
):
    """Reporting the cohort: two participants accepted, the bad EFN refused (422) and shown as such."""
    _user, client = admin_client
    _push(client, organization, accreditation, django_capture_on_commit_callbacks)
    assert _statuses() == {"Ada Lovelace": "reported", "Bert Brecht": "reported", "Cleo Bad-EFN": "refused"}
    assert ParticipantReport.objects.get(efn=BAD_EFN).http_status == 422
    assert {efn for (_vnr, efn) in eiv.state.reported} == set(
        Certificate.objects.exclude(participant_efn=BAD_EFN).values_list("participant_efn", flat=True)
    )
    assert AuditEvent.objects.filter(action="report").count() == 3
    page = client.get(
        reverse("certificates:org_report", args=[organization.slug, accreditation.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    html = page.content.decode()
    cleo = html[html.index("Cleo Bad-EFN") :]
    assert "report-refused" in cleo[: cleo.index("</tr>")] and "HTTP 422" in cleo[: cleo.index("</tr>")]
    overview = client.get(reverse("certificates:org_reports", args=[organization.slug]), HTTP_ACCEPT_LANGUAGE="en")
    assert overview.context["rows"][0][0].problems == 1


def test_repeated_push_is_idempotent(
    admin_client, organization, accreditation, eiv, django_capture_on_commit_callbacks
):
    """Pushing again sends only what is not reported; the EIV still holds one entry per EFN."""
    _user, client = admin_client
    _push(client, organization, accreditation, django_capture_on_commit_callbacks)
    pushes = [r for r in eiv.state.requests if r[1].endswith("push_teilnahme")]
    _push(client, organization, accreditation, django_capture_on_commit_callbacks)
    again = [r for r in eiv.state.requests if r[1].endswith("push_teilnahme")]
    assert len(again) == len(pushes) + 1  # only the refused participant is tried again
    assert len(eiv.state.reported) == 2


def test_rate_limit_backs_off_then_reports(
    admin_client, organization, accreditation, eiv, django_capture_on_commit_callbacks
):
    """429 answers are retried with backoff until the push goes through."""
    _user, client = admin_client
    eiv.state.rate_limit_next = 2
    _push(client, organization, accreditation, django_capture_on_commit_callbacks)
    statuses = [status for _m, path, status in eiv.state.requests if path.endswith("push_teilnahme")]
    assert statuses.count(429) == 2
    assert _statuses() == {"Ada Lovelace": "reported", "Bert Brecht": "reported", "Cleo Bad-EFN": "refused"}
    assert sorted(ParticipantReport.objects.values_list("attempts", flat=True)) == [1, 1, 3]


def test_date_outside_period_is_flagged_for_admin(
    admin_client, organization, accreditation, eiv, django_capture_on_commit_callbacks
):
    """406 (a date outside the accredited period) is not retried and is flagged as blocked."""
    today = timezone.localdate()
    eiv.add_event(accreditation.vnr, PASSWORD, begins=today - timedelta(days=60), ends=today - timedelta(days=30))
    _user, client = admin_client
    _push(client, organization, accreditation, django_capture_on_commit_callbacks)
    assert set(_statuses().values()) == {"blocked", "refused"}
    assert all(r.attempts == 1 for r in ParticipantReport.objects.all())


def test_retraction(admin_client, organization, accreditation, eiv, django_capture_on_commit_callbacks):
    """Retracting pushes both flags false; the EIV no longer holds the participation."""
    _user, client = admin_client
    _push(client, organization, accreditation, django_capture_on_commit_callbacks)
    report = ParticipantReport.objects.get(certificate__participant_name="Ada Lovelace")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("certificates:org_report_retract", args=[organization.slug, report.pk]))
    report.refresh_from_db()
    assert report.status == "retracted"
    assert (accreditation.vnr, report.efn) not in eiv.state.reported


def test_wrong_password_fails_without_retry(
    admin_client, organization, accreditation, eiv, settings, django_capture_on_commit_callbacks
):
    """A refused VNR password marks the reports failed with a message; nothing is pushed."""
    store_eiv_password(accreditation, "wrong")
    _user, client = admin_client
    _push(client, organization, accreditation, django_capture_on_commit_callbacks)
    report = ParticipantReport.objects.first()
    assert report.status == "failed" and "password" in report.message
    assert not [r for r in eiv.state.requests if r[1].endswith("push_teilnahme")]


def test_client_reads_event_and_reported_points(accreditation, eiv):
    """The client authenticates, pushes and reconciles against what the EIV holds."""
    client = EivClient(eiv.url, vnr=accreditation.vnr, password=PASSWORD)
    efn = with_check_digit("80276100000009")
    assert client.push(efn=efn, on=timezone.localdate()).status == 200
    assert client.push(efn=efn, on=timezone.localdate()).status == 200  # a repeat replaces
    assert client.event()["vnr"] == accreditation.vnr
    assert [row["efn"] for row in client.reported()] == [efn]
    assert client.push(efn="12345", on=timezone.localdate()).status == 422


def test_participant_lists(admin_client, organization, accreditation, tmp_path):
    """CSV, XLSX and a PDF list with EFN barcodes, one row per valid certificate."""
    _user, client = admin_client

    def get(fmt):
        response = client.get(reverse("certificates:org_participants", args=[organization.slug, accreditation.pk, fmt]))
        assert response.status_code == 200
        return response.content

    rows = list(csv.reader(io.StringIO(get("csv").decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 4 and rows[1][1] == "Ada Lovelace" and rows[1][3] == "2"
    sheet = load_workbook(io.BytesIO(get("xlsx"))).active
    assert [cell.value for cell in sheet[2]][:2] == [rows[1][0], "Ada Lovelace"]
    pdf = tmp_path / "list.pdf"
    pdf.write_bytes(get("pdf"))
    assert run("qpdf", "--check", pdf, check=False).returncode == 0
    assert "Bert Brecht" in pdf_text(pdf)
    scanned = scan(pdf, tmp_path)
    assert rows[1][0] in scanned and rows[2][0] in scanned


def test_deadline_overdue_is_shown(admin_client, organization, accreditation):
    """A participant completed more than 8 days ago and not reported shows as overdue."""
    Certificate.objects.filter(participant_name="Ada Lovelace").update(completed_at=timezone.now() - timedelta(days=9))
    _user, client = admin_client
    page = client.get(
        reverse("certificates:org_report", args=[organization.slug, accreditation.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "overdue" in page.content.decode()


@pytest.mark.parametrize(
    ("role", "view_status", "push_status"),
    [(Membership.Role.ADMIN, 200, 302), (Membership.Role.TUTOR, 404, 404), (Membership.Role.LEARNER, 404, 404)],
)
def test_report_permissions(member, organization, accreditation, role, view_status, push_status):
    """Admins view and push; a tutor following no cohort of this accreditation sees nothing of it (decision
    0707; the tutor's own cohorts: tests/organizations/test_permissions.py); learners see nothing (404)."""
    _user, client = member(organization, role, f"{role}-member@example.org")
    assert (
        client.get(reverse("certificates:org_report", args=[organization.slug, accreditation.pk])).status_code
        == view_status
    )
    assert (
        client.post(reverse("certificates:org_report_push", args=[organization.slug, accreditation.pk])).status_code
        == push_status
    )


def test_foreign_organization_answers_404(member, other_organization, organization, accreditation, cohort):
    """An admin of another organization gets 404 for this organization's reports and certificates."""
    _user, client = member(other_organization, Membership.Role.ADMIN, "foreign@example.org")
    assert (
        client.get(reverse("certificates:org_report", args=[other_organization.slug, accreditation.pk])).status_code
        == 404
    )
    assert client.get(reverse("certificates:org_reports", args=[organization.slug])).status_code == 404
    code = cohort[0].code
    assert client.get(reverse("certificates:org_certificate", args=[other_organization.slug, code])).status_code == 404
