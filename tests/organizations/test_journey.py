"""The issue's closing scenario, end to end through the pages, with real services and eager tasks."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from enrolments.models import Cohort, Enrollment, EnrolmentImport
from enrolments.services import learning as course_services
from organizations.models import ReportRun
from tests.conftest import complete_all_steps

from .conftest import csv_bytes, english_client, learner_rows

pytestmark = pytest.mark.django_db


def test_institute_runs_a_cohort_and_another_institute_sees_nothing(
    org_a, org_b, people, version, accreditation, django_capture_on_commit_callbacks
):
    """Create a cohort, upload 2,000 rows with 3 bad ones, fix, re-upload, watch it finish, follow, export."""
    admin = english_client(people[org_a.slug]["admin"])
    slug = org_a.slug
    today = timezone.localdate()
    response = admin.post(
        reverse("enrolments:cohort_create", args=[slug]),
        {
            "name": "Sommer 2026",
            "course_version": version.pk,
            "accreditation": accreditation.pk,
            "starts_on": today.isoformat(),
            "ends_on": today.replace(year=today.year + 1).isoformat(),
            "seats": "2500",
            "tutors": [people[slug]["tutor"].pk],
        },
    )
    assert response.status_code == 302
    cohort = Cohort.objects.get(name="Sommer 2026")
    enrol_url = reverse("enrolments:cohort_enrol", args=[slug, cohort.pk])

    rows = learner_rows(2000)
    rows[10][1] = "nicht-gültig"
    rows[500][2] = "123"
    rows[1999][1] = rows[3][1]
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(enrol_url, {"file": SimpleUploadedFile("kohorte.csv", csv_bytes(rows))})
    refused = EnrolmentImport.objects.get()
    assert response.status_code == 302 and refused.status == "invalid" and refused.error_count == 3
    page = admin.get(response["Location"]).content.decode()
    for row, column in ((12, "email"), (502, "efn"), (2001, "email")):
        assert f"<td>{row}</td><td>{column}</td>" in page
    assert not Enrollment.objects.filter(cohort=cohort).exists()

    rows[10][1], rows[500][2], rows[1999][1] = "t10@example.net", "", "t1999@example.net"
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(enrol_url, {"file": SimpleUploadedFile("kohorte.csv", csv_bytes(rows))})
    run = EnrolmentImport.objects.latest("pk")
    progress = admin.get(reverse("enrolments:enrolment_import_progress", args=[slug, cohort.pk, run.pk])).json()
    assert progress == {"status": "done", "progress": 100, "finished": True}
    assert "2000 people enrolled or invited" in admin.get(response["Location"]).content.decode()
    assert Enrollment.objects.filter(cohort=cohort).count() == 2000

    dashboard_url = reverse("enrolments:cohort", args=[slug, cohort.pk])
    assert '<th scope="row">Completed</th><td>0</td>' in admin.get(dashboard_url).content.decode()
    learners = list(Enrollment.objects.filter(cohort=cohort).order_by("pk")[:3])
    for enrollment in learners:
        complete_all_steps(enrollment)
        course_services.visit_step(enrollment, enrollment.course_version.modules.first().steps.first())
    tutor_view = english_client(people[slug]["tutor"]).get(dashboard_url).content.decode()
    assert '<th scope="row">In progress</th><td>3</td>' in tutor_view

    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(reverse("organizations:exports", args=[slug]), {"kind": "participants", "format": "csv"})
    export = ReportRun.objects.get()
    download = admin.get(reverse("organizations:export_download", args=[slug, export.pk]))
    listed = list(csv.reader(io.StringIO(b"".join(download.streaming_content).decode("utf-8-sig")), delimiter=";"))
    assert len(listed) == 2001 and export.rows_written == 2000

    other = english_client(people[org_b.slug]["admin"])
    for url in (
        dashboard_url,
        enrol_url,
        reverse("enrolments:enrolment_import", args=[slug, cohort.pk, run.pk]),
        reverse("organizations:export_detail", args=[slug, export.pk]),
        reverse("organizations:export_download", args=[slug, export.pk]),
        reverse("enrolments:cohort", args=[org_b.slug, cohort.pk]),
        reverse("organizations:export_download", args=[org_b.slug, export.pk]),
        reverse("enrolments:enrolment_import", args=[org_b.slug, cohort.pk, run.pk]),
    ):
        assert other.get(url).status_code == 404, url
    listing = other.get(reverse("enrolments:cohorts", args=[org_b.slug])).content.decode()
    assert "Sommer 2026" not in listing
