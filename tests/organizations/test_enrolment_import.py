"""Bulk enrolment: validate all rows first, write atomically, never twice, within the seats; big files as a task."""

import datetime as dt

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from enrolments.models import Enrollment, EnrolmentImport
from enrolments.services import imports as enrolment_import
from enrolments.services import learning as course_services
from organizations.models import Membership, OrgAuditEvent
from organizations.services import add_member

from .conftest import csv_bytes, learner_rows

pytestmark = pytest.mark.django_db


def upload(client, cohort, content: bytes, name: str = "learners.csv"):
    url = reverse("enrolments:cohort_enrol", args=[cohort.organization.slug, cohort.pk])
    return client.post(url, {"file": SimpleUploadedFile(name, content)})


def test_small_file_is_enrolled_at_once(admin_client, cohort_a, org_a, django_capture_on_commit_callbacks):
    """Three rows: accounts created, learners enrolled in the cohort, learner members, audited; admin told."""
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(admin_client, cohort_a, csv_bytes(learner_rows(3)))
    assert response.status_code == 302
    enrollments = Enrollment.objects.filter(cohort=cohort_a)
    assert enrollments.count() == 3
    assert set(enrollments.values_list("organization_id", "accreditation_id").distinct()) == {
        (org_a.pk, cohort_a.accreditation_id)
    }
    assert (
        Membership.objects.filter(organization=org_a, role="learner", user__email__endswith="@example.net").count() == 3
    )
    event = OrgAuditEvent.objects.get(action="enrolled")
    # The audit row gives one figure: enrolled and invited together say nothing about who had an account.
    assert event.after["enrolled_or_invited"] == 3 and "accounts_created" not in event.after
    recipients = [message.to[0] for message in mail.outbox]
    assert cohort_a.organization.memberships.get(role="admin").user.email in recipients
    welcome = next(m for m in mail.outbox if m.to == ["t0@example.net"])
    assert "/accounts/password-reset/" in welcome.body
    assert not User.objects.get(email="t0@example.net").has_usable_password()


def test_one_bad_row_writes_nothing_and_names_row_and_column(admin_client, cohort_a):
    """A file with a bad row is refused as a whole: 400, the row and column listed, no account created."""
    rows = learner_rows(4)
    rows[2][1] = "kaputt"
    response = upload(admin_client, cohort_a, csv_bytes(rows))
    page = response.content.decode()
    assert response.status_code == 400
    assert "<td>4</td><td>email</td>" in page and "is not a valid e-mail address" in page
    assert not User.objects.filter(email__endswith="@example.net").exists()
    assert not Enrollment.objects.filter(cohort=cohort_a).exists()


def test_uploading_the_same_file_again_creates_no_duplicates(admin_client, cohort_a):
    """The second upload of the same file enrols nobody again and says how many were enrolled already."""
    content = csv_bytes(learner_rows(5))
    upload(admin_client, cohort_a, content)
    response = upload(admin_client, cohort_a, content)
    assert response.status_code == 302
    assert Enrollment.objects.filter(cohort=cohort_a).count() == 5
    assert User.objects.filter(email__endswith="@example.net").count() == 5
    assert EnrolmentImport.objects.order_by("pk").last().skipped == 5


def test_seat_limit_is_respected(admin_client, org_a, admin_a, make_cohort):
    """A file needing more seats than are free is refused whole, saying how many are free."""
    cohort = make_cohort(org_a, admin_a, name="Klein", seats=4)
    upload(admin_client, cohort, csv_bytes(learner_rows(3)))
    response = upload(admin_client, cohort, csv_bytes(learner_rows(3, start=3)))
    assert response.status_code == 400 and "1 free seats of 4" in response.content.decode()
    assert Enrollment.objects.filter(cohort=cohort).count() == 3
    # Rows already enrolled take no new seat.
    assert upload(admin_client, cohort, csv_bytes(learner_rows(4))).status_code == 302
    assert Enrollment.objects.filter(cohort=cohort).count() == 4


def test_existing_accounts_are_enrolled_and_other_cohorts_refused(
    admin_client, org_a, admin_a, cohort_a, make_cohort, make_user, version
):
    """A member's account is enrolled as it is; a member's self-enrolment joins; another cohort's learner is refused.

    (Accounts that are not members are invited instead: tests/organizations/test_consent.py.)"""
    existing = make_user("t0@example.net", name="Schon Da")
    self_enrolled = make_user("t1@example.net", name="Selbst")
    for user in (existing, self_enrolled):
        add_member(org_a, user=user)
    course_services.enroll(version, user=self_enrolled)
    assert upload(admin_client, cohort_a, csv_bytes(learner_rows(2))).status_code == 302
    assert Enrollment.objects.get(user=existing).cohort == cohort_a
    assert Enrollment.objects.get(user=self_enrolled).cohort == cohort_a
    assert User.objects.get(pk=existing.pk).name == "Schon Da"
    second = make_cohort(org_a, admin_a, name="Zweite")
    response = upload(admin_client, second, csv_bytes(learner_rows(1)))
    assert response.status_code == 400 and "in the cohort “Frühjahr”" in response.content.decode()


def test_enrolment_outside_the_validity_window_is_refused(admin_client, cohort_a, accreditation):
    """After the accreditation's end no file is enrolled, with a message that says so."""
    accreditation.valid_until = timezone.localdate() - dt.timedelta(days=1)
    accreditation.save()
    response = upload(admin_client, cohort_a, csv_bytes(learner_rows(2)))
    assert response.status_code == 400 and "enrolment is closed" in response.content.decode()
    assert not Enrollment.objects.filter(cohort=cohort_a).exists()


def test_malformed_uploads_write_nothing(admin_client, cohort_a, settings):
    """Wrong encoding, missing columns, duplicates, formula cells and oversize files: 400 and nothing written."""
    settings.ORGANIZATIONS_IMPORT_MAX_BYTES = 1_048_576
    cases = [
        ("name;email\nJürgen;j@example.org\n".encode("cp1252"), "not UTF-8 encoded"),
        (b"vorname;email\nA;a@example.org\n", "lacks the column"),
        (b"name;email\nA;a@example.org\nB;A@example.org\n", "appears already in row 2"),
        (b'name;email\n=HYPERLINK("http://x");a@example.org\n', "run as a formula"),
        (b"name;email\n" + b"a;a@example.org\n" * 70_000, "at most 1.0 MB"),
    ]
    for content, message in cases:
        response = upload(admin_client, cohort_a, content)
        assert response.status_code == 400 and message in response.content.decode(), message
    assert not Enrollment.objects.filter(cohort=cohort_a).exists()
    assert not User.objects.filter(email="a@example.org").exists()


def test_large_file_runs_as_a_task_with_progress(admin_client, cohort_a, settings, django_capture_on_commit_callbacks):
    """Over the threshold the upload is queued; the page polls progress, then shows the result; the admin is mailed."""
    settings.ORGANIZATIONS_IMPORT_SYNC_ROWS = 10
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = upload(admin_client, cohort_a, csv_bytes(learner_rows(30)))
    run = EnrolmentImport.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/enrol/{run.pk}/")
    page = admin_client.get(response["Location"])
    assert 'role="progressbar"' in page.content.decode()
    progress_url = reverse(
        "enrolments:enrolment_import_progress", args=[cohort_a.organization.slug, cohort_a.pk, run.pk]
    )
    assert admin_client.get(progress_url).json() == {"status": "queued", "progress": 0, "finished": False}
    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()
    assert admin_client.get(progress_url).json() == {"status": "done", "progress": 100, "finished": True}
    run.refresh_from_db()
    assert (run.enrolled, run.accounts_created, run.file.name) == (30, 30, "")
    assert "30 people enrolled or invited" in admin_client.get(response["Location"]).content.decode()
    assert any("finished" in message.subject for message in mail.outbox)


def test_large_invalid_file_lists_errors_on_the_progress_page(
    admin_client, cohort_a, settings, django_capture_on_commit_callbacks
):
    """A queued file with bad rows ends as 'refused', its errors listed per row and column; nothing written."""
    settings.ORGANIZATIONS_IMPORT_SYNC_ROWS = 10
    rows = learner_rows(30)
    rows[5][0] = "@evil"
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(admin_client, cohort_a, csv_bytes(rows))
    page = admin_client.get(response["Location"]).content.decode()
    assert "<td>7</td><td>name</td>" in page
    assert EnrolmentImport.objects.get().status == "invalid"
    assert not Enrollment.objects.filter(cohort=cohort_a).exists()
    assert any("refused" in message.subject for message in mail.outbox)


def test_self_enrolment_made_after_reading_joins_the_cohort(cohort_a, admin_a, make_user, version):
    """Planning sees an enrolment made after the file was read: the row is taken into the cohort, not duplicated."""
    from enrolments.uploads import check_rows, read_file

    rows = check_rows(
        read_file(csv_bytes(learner_rows(2)), "x.csv", max_bytes=10**6, max_rows=10), default_language="de"
    ).rows
    member = make_user("t1@example.net", name="Schnell")
    add_member(cohort_a.organization, user=member)
    course_services.enroll(version, user=member)
    outcome = enrolment_import.enrol_rows(cohort_a, rows, by=admin_a, filename="x.csv")
    assert outcome.enrolled == 2 and Enrollment.objects.filter(cohort=cohort_a).count() == 2
