"""The learner's data export (GDPR Art. 15 and 20): one ZIP, built by a task, kept for a limited time, logged."""

import io
import json
import logging
import zipfile
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.models import DataExport
from certificates.services import add_external_credit
from organizations.models import Membership
from organizations.services import add_member, change_role
from tests.certificates.conftest import VALID_EFN

pytestmark = pytest.mark.django_db


@pytest.fixture
def rich_learner(certificate, learner, organization, make_user):
    """A learner with a certificate, an EFN, a membership whose role an admin changed, and external CPD."""
    learner.efn = VALID_EFN
    learner.save(update_fields=["efn"])
    admin = make_user("admin@example.org", "Ada Admin")
    add_member(organization, user=admin, role=Membership.Role.ADMIN)
    membership = add_member(organization, user=learner, role=Membership.Role.LEARNER)
    change_role(membership, role=Membership.Role.TUTOR, by=admin)
    add_external_credit(
        learner,
        title="Supervision group",
        completed_on=date(2026, 3, 1),
        points=Decimal("4"),
        evidence=SimpleUploadedFile("attendance.pdf", b"%PDF-1.4 evidence", content_type="application/pdf"),
    )
    return learner


def request_export(client, django_capture_on_commit_callbacks) -> DataExport:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:data_export"))
    assert response.status_code == 302
    return DataExport.objects.get()


def download(client, export: DataExport) -> zipfile.ZipFile:
    response = client.get(reverse("accounts:data_export_download", args=[export.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert f'filename="haltung-data-{timezone.localdate():%Y-%m-%d}.zip"' in response["Content-Disposition"]
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def test_export_of_a_learner_with_a_certificate_holds_every_kind_of_data(
    rich_learner, certificate, django_capture_on_commit_callbacks
):
    """Profile, enrolments, progress, choices, reflections, attempts with answers, certificates with PDF and
    credential, memberships and the audit entries about them: in data.json, readable in index.html, files beside."""
    client = Client()
    client.force_login(rich_learner)
    export = request_export(client, django_capture_on_commit_callbacks)
    assert export.status == DataExport.Status.READY and export.size > 0
    archive = download(client, export)
    names = set(archive.namelist())
    data = json.loads(archive.read("data.json"))
    sections = {key: value["records"] for key, value in data["sections"].items()}
    assert data["format"] == "haltung-data-export/1" and data["user_id"] == rich_learner.pk
    assert data["missing_files"] == []

    (profile,) = sections["profile"]
    assert profile["email"] == rich_learner.email and profile["efn"] == VALID_EFN

    (enrolment,) = sections["enrolments"]
    assert enrolment["id"] == certificate.enrollment_id and enrolment["course_version"] == 1
    assert len(sections["progress"]) >= 3 and all(row["enrolment"] == enrolment["id"] for row in sections["progress"])
    assert {(c["node"], c["option"]) for c in sections["vignette_choices"]} >= {("decide", "decline"), ("after", "a")}
    assert [r["text"] for r in sections["reflections"]] == ["I keep my accounts apart."]

    (attempt,) = sections["attempts"]
    assert attempt["passed"] is True and attempt["score"] == "100"
    assert attempt["answers"] and all(a["question"] and a["your_answer"] for a in attempt["answers"])
    assert all(
        set(a) == {"position", "question", "options_shown", "your_answer", "flagged"} for a in attempt["answers"]
    )

    (issued,) = sections["certificates"]
    assert issued["code"] == certificate.code and issued["participant_efn"] == ""  # issued before the EFN was added
    assert archive.read(issued["pdf"]).startswith(b"%PDF")
    credential = json.loads(archive.read(issued["credential"]))
    assert credential == certificate.credential and credential["proof"][0]["type"] == "DataIntegrityProof"
    assert [e["action"] for e in sections["certificate_audit"]] == ["issue"]

    (membership,) = sections["memberships"]
    assert membership["organization"] == "Testkammer Nord" and membership["role"] == "tutor"
    assert [e["action"] for e in sections["organization_audit"]] == ["role_changed"]
    assert sections["organization_audit"][0]["by_you"] is False

    # The sign-in log (decision 0701): the force_login above is a log-in like any other.
    assert [event["kind"] for event in sections["sign_in_events"]] == ["login"]

    (credit,) = sections["external_credits"]
    assert archive.read(credit["evidence"]) == b"%PDF-1.4 evidence"

    assert names == {"data.json", "index.html", issued["pdf"], issued["credential"], credit["evidence"]}
    readable = archive.read("index.html").decode()
    assert 'lang="de"' in readable and "Ihre Daten" in readable and "Reflexionen" in readable
    assert "I keep my accounts apart." in readable and certificate.code in readable


def test_export_page_lists_requests_and_asking_twice_queues_one(learner, django_capture_on_commit_callbacks):
    """A second click while one is waiting returns the same export; the page shows the download link."""
    first = services.request_data_export(learner, by=learner)
    second = services.request_data_export(learner, by=learner)
    assert first.pk == second.pk and first.status == DataExport.Status.QUEUED
    services.build_data_export(first.pk)
    assert services.build_data_export(first.pk) is False  # built once
    client = Client()
    client.force_login(learner)
    page = client.get(reverse("accounts:data_export")).content.decode()
    assert reverse("accounts:data_export_download", args=[first.pk]) in page


def test_someone_elses_export_answers_404(learner, make_user):
    export = services.request_data_export(learner, by=learner)
    services.build_data_export(export.pk)
    other = Client()
    other.force_login(make_user("other@example.org", "Otto Anders"))
    assert other.get(reverse("accounts:data_export_download", args=[export.pk])).status_code == 404
    anonymous = Client().get(reverse("accounts:data_export_download", args=[export.pk]))
    assert anonymous.status_code == 302


def test_export_expires_and_its_file_is_deleted(learner, settings):
    """After HALTUNG_DATA_EXPORT_HOURS the download is gone (404) and the beat task deletes the file."""
    export = services.request_data_export(learner, by=learner)
    services.build_data_export(export.pk)
    export.refresh_from_db()
    name = export.file.name
    assert default_storage.exists(name)
    assert export.expires_at == export.finished_at + timedelta(hours=settings.HALTUNG_DATA_EXPORT_HOURS)
    client = Client()
    client.force_login(learner)
    later = export.expires_at + timedelta(seconds=1)
    assert services.expire_data_exports(now=export.expires_at - timedelta(seconds=1)) == 0
    DataExport.objects.filter(pk=export.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get(reverse("accounts:data_export_download", args=[export.pk])).status_code == 404
    assert services.expire_data_exports(now=later) == 1
    export.refresh_from_db()
    assert export.status == DataExport.Status.EXPIRED and not export.file and not default_storage.exists(name)


def test_a_lost_build_does_not_block_a_new_request(learner):
    """An export stuck in the queue past the time limit (its worker died) is given up; a new one is queued."""
    stuck = services.request_data_export(learner, by=learner)
    DataExport.objects.filter(pk=stuck.pk).update(requested_at=timezone.now() - timedelta(hours=1))
    fresh = services.request_data_export(learner, by=learner)
    assert fresh.pk != stuck.pk
    stuck.refresh_from_db()
    assert stuck.status == DataExport.Status.FAILED


def test_requests_builds_and_downloads_are_logged_without_the_email(
    learner, caplog, django_capture_on_commit_callbacks
):
    client = Client()
    client.force_login(learner)
    with caplog.at_level(logging.INFO, logger="accounts.services"):
        export = request_export(client, django_capture_on_commit_callbacks)
        download(client, export)
    messages = [r.getMessage() for r in caplog.records if r.name == "accounts.services"]
    assert messages[0] == f"Data export {export.pk} requested"
    assert messages[1].startswith(f"Data export {export.pk} ready (")
    assert messages[2] == f"Data export {export.pk} downloaded"
    assert all(getattr(r, "export_id", None) == export.pk for r in caplog.records if r.name == "accounts.services")
    assert learner.email not in caplog.text


def test_building_the_archive_does_not_query_per_row(rich_learner, django_assert_max_num_queries):
    """The builders read each kind of row in one query (prefetches), whatever the number of rows."""
    from accounts.data_export import build_archive

    with django_assert_max_num_queries(20):
        build_archive(rich_learner)
