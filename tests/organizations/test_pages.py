"""List pages of the back office: their query counts do not grow with the rows shown."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from courses.models import Accreditation, AccreditationSecret, Course, CourseVersion
from organizations.models import ReportRun

pytestmark = pytest.mark.django_db


def test_cohort_list_query_count(admin_client, org_a, admin_a, make_cohort, django_assert_num_queries):
    """2 or 8 cohorts: user, organization, role (3; the session comes from the cache) and the annotated cohort
    list (1)."""
    url = reverse("enrolments:cohorts", args=[org_a.slug])
    for index in range(2):
        make_cohort(org_a, admin_a, name=f"K{index}")
    with django_assert_num_queries(4):
        admin_client.get(url)
    for index in range(2, 8):
        make_cohort(org_a, admin_a, name=f"K{index}")
    with django_assert_num_queries(4):
        page = admin_client.get(url).content.decode()
    assert "K7" in page


def test_exports_page_query_count(admin_client, org_a, admin_a, cohort_a, django_assert_num_queries):
    """1 or 20 report runs: 4 for the request, the cohort scopes (1), runs (1), schedules (1)."""
    url = reverse("organizations:exports", args=[org_a.slug])

    def runs(count: int) -> None:
        for _ in range(count):
            ReportRun.objects.create(organization=org_a, kind="participants", requested_by=admin_a, status="done")

    runs(1)
    with django_assert_num_queries(6):
        admin_client.get(url)
    runs(19)
    with django_assert_num_queries(6):
        assert admin_client.get(url).status_code == 200


def test_accreditation_list_query_count(admin_client, org_a, admin_a, django_assert_num_queries):
    """1 or 6 accreditations: 4 for the request, the accreditations with whether each has a password (1), the
    versions of the organization's own courses (1)."""
    course = Course.objects.create(slug="eigen", organization=org_a)
    version = CourseVersion.objects.create(course=course, number=1, content_hash="h", title={"en": "Own"})
    url = reverse("courses:accreditations", args=[org_a.slug])

    def accreditations(start: int, stop: int) -> None:
        for index in range(start, stop):
            accreditation = Accreditation.objects.create(
                course_version=version, holder=org_a, key=f"k{index}", body=f"Kammer {index}", points=Decimal(1)
            )
            AccreditationSecret.objects.create(accreditation=accreditation, eiv_password="x", set_by=admin_a)

    accreditations(0, 1)
    with django_assert_num_queries(5):
        admin_client.get(url)
    accreditations(1, 6)
    with django_assert_num_queries(5):
        page = admin_client.get(url).content.decode()
    assert "Kammer 5" in page and page.count("stored") >= 6


def test_enrol_page_lists_uploads_in_fixed_queries(admin_client, org_a, cohort_a, django_assert_num_queries):
    """The upload page: 3 for the request (the session comes from the cache), cohort, uploads, seats taken (3)."""
    url = reverse("enrolments:cohort_enrol", args=[org_a.slug, cohort_a.pk])
    with django_assert_num_queries(6):
        assert admin_client.get(url).status_code == 200


def test_invitation_expiry_is_shown(admin_client, org_a, admin_a):
    """Open invitations show on the member page until they expire."""
    from organizations.models import Invitation

    Invitation.objects.create(
        organization=org_a, email="bald@example.org", expires_at=timezone.now() + dt.timedelta(hours=1)
    )
    Invitation.objects.create(
        organization=org_a, email="vorbei@example.org", expires_at=timezone.now() - dt.timedelta(hours=1)
    )
    page = admin_client.get(reverse("organizations:members", args=[org_a.slug])).content.decode()
    assert "bald@example.org" in page and "vorbei@example.org" not in page


@pytest.mark.django_db
def test_report_file_name_carries_the_sites_local_time(org_a, admin_a):
    """A report requested at 23:30 UTC on 7 December is named for 00:30 on 8 December in Berlin, the time the
    organization sees on its pages."""
    created = dt.datetime(2026, 12, 7, 23, 30, tzinfo=dt.UTC)
    run = ReportRun.objects.create(organization=org_a, kind="participants", requested_by=admin_a, created_at=created)
    assert run.filename == f"{org_a.slug}-participants-20261208-0030.{run.format}"
