"""An institute runs the public course under its own accreditation naming a chamber (decisions 0310, 0312):
the certificate prints the institute's VNR, points and scientific lead; the chamber sees the participants,
read-only, filtered by period, with lists and the EIV status to download; nobody else sees any of it."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import User
from certificates import services
from certificates.models import Certificate, ParticipantReport
from courses import accreditations
from enrolments.services import learning
from organizations.models import Membership, Organization, OrgAuditEvent
from organizations.services import add_member
from tests.certificates.conftest import pass_final_test
from tests.conftest import complete_all_steps, with_second_factor

pytestmark = pytest.mark.django_db

VNR = "2760012024200354002"
EFNS = ["802761234567896", "802761000000018", "802761000000026"]


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def orgs(db, make_user) -> dict:
    """A chamber, a second chamber, two institutes; an admin (and for the chamber a tutor) in each."""
    result = {}
    for slug, kind in (
        ("kammer", Organization.Kind.CHAMBER),
        ("andere-kammer", Organization.Kind.CHAMBER),
        ("institut", Organization.Kind.INSTITUTE),
        ("zweites-institut", Organization.Kind.INSTITUTE),
    ):
        organization = Organization.objects.create(name=slug.replace("-", " ").title(), slug=slug, kind=kind)
        admin = with_second_factor(make_user(f"admin@{slug}.example.org", name=f"Admin {slug}", language="en"))
        add_member(organization, user=admin, role=Membership.Role.ADMIN)
        result[slug] = (organization, admin)
    tutor = make_user("tutor@kammer.example.org", name="Tutor Kammer", language="en")
    add_member(result["kammer"][0], user=tutor, role=Membership.Role.TUTOR)
    result["tutor"] = tutor
    return result


@pytest.fixture
def png(tmp_path) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (120, 40), "white").save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def institute_accreditation(orgs, version, png):
    from django.core.files.uploadedfile import SimpleUploadedFile

    institute, admin = orgs["institut"]
    return accreditations.save_accreditation(
        institute,
        by=admin,
        fields={
            "course_version": version,
            "body_organization": orgs["kammer"][0],
            "vnr": VNR,
            "category": "D",
            "points": Decimal(2),
            "wording": {"en": "Counts with 2 points of category D.", "de": "Anrechenbar mit 2 Punkten."},
            "scientific_lead": "Dr. Mira Lehmann",
            "scientific_lead_qualification": "Psychological psychotherapist",
            "scientific_lead_signature": SimpleUploadedFile("lead.png", png, content_type="image/png"),
            "reporting_channel": "eiv",
        },
    )


@pytest.fixture
def certified(institute_accreditation, version, django_capture_on_commit_callbacks) -> list[Certificate]:
    """Three learners of the institute pass under its accreditation; one completed 40 days ago, one is revoked."""
    from enrolments.services import cohorts

    institute = institute_accreditation.holder
    today = timezone.localdate()
    cohort = cohorts.create_cohort(
        institute,
        by=orgs_admin(institute),
        tutors=[],
        name="Frühjahr",
        course_version=version,
        accreditation=institute_accreditation,
        starts_on=today - timedelta(days=60),
        ends_on=today + timedelta(days=30),
    )
    issued = []
    for index, efn in enumerate(EFNS):
        user = User.objects.create_user(
            f"learner{index}@example.net", "a-long-test-password", name=f"Learner {index}", efn=efn, language="en"
        )
        enrollment = learning.enroll(version, user=user, accreditation=institute_accreditation)
        enrollment.organization, enrollment.cohort = institute, cohort
        enrollment.save(update_fields=["organization", "cohort"])
        complete_all_steps(enrollment)
        pass_final_test(enrollment)
        with django_capture_on_commit_callbacks(execute=True):
            issued.append(services.issue(enrollment, by=user))
    Certificate.objects.filter(pk=issued[0].pk).update(completed_at=timezone.now() - timedelta(days=40))
    ParticipantReport.objects.create(
        certificate=issued[1], efn=EFNS[1], status=ParticipantReport.Status.REPORTED, reported_at=timezone.now()
    )
    services.revoke(issued[2], by=orgs_admin(institute), reason="Enrolled by mistake")
    return [Certificate.objects.get(pk=c.pk) for c in issued]


def orgs_admin(organization):
    return Membership.objects.filter(organization=organization, role="admin").get().user


def test_certificate_prints_the_holders_vnr_points_and_scientific_lead(certified, institute_accreditation):
    """The institute's accreditation, not the package's, is frozen into the certificate."""
    certificate = certified[1]
    assert certificate.accreditation == institute_accreditation
    assert (certificate.vnr, certificate.points, certificate.category) == (VNR, Decimal(2), "D")
    assert certificate.accreditation_body == "Kammer"
    assert certificate.scientific_lead == "Dr. Mira Lehmann"
    assert certificate.scientific_lead_qualification == "Psychological psychotherapist"
    assert certificate.signature_image.startswith("certificates/signatures/")  # a frozen copy of the image
    assert certificate.wording == "Counts with 2 points of category D."
    assert certificate.design == "classic-3"


def test_chamber_admin_sees_the_accreditation_with_counts(orgs, certified, institute_accreditation):
    """Participants, points and reporting per accreditation; the revoked certificate is counted apart."""
    chamber, admin = orgs["kammer"]
    page = logged_in(admin).get(reverse("certificates:chamber", args=[chamber.slug]))
    assert page.status_code == 200
    row = page.context["accreditations"].get()
    assert row == institute_accreditation
    assert (row.participants, row.certificates_valid, row.certificates_revoked, row.reported) == (2, 2, 1, 1)
    assert row.points_total == Decimal(4)
    text = page.content.decode()
    assert VNR in text and "Institut" in text


def test_period_filter_and_bad_period(orgs, certified, institute_accreditation):
    """Only completions in the period count; an end before the start is a field error, status 400."""
    chamber, admin = orgs["kammer"]
    client = logged_in(admin)
    since = (timezone.localdate() - timedelta(days=10)).isoformat()
    page = client.get(reverse("certificates:chamber", args=[chamber.slug]), {"start": since})
    assert page.context["accreditations"].get().participants == 1
    detail = client.get(
        reverse("certificates:chamber_accreditation", args=[chamber.slug, institute_accreditation.pk]),
        {"start": since},
    )
    names = [c.participant_name for c in detail.context["page"]]
    assert names == ["Learner 1", "Learner 2"]  # valid and revoked in the period; Learner 0 completed earlier
    bad = client.get(reverse("certificates:chamber", args=[chamber.slug]), {"start": "2026-05-02", "end": "2026-05-01"})
    assert bad.status_code == 400 and "The end lies before the start." in bad.content.decode()


def test_detail_shows_only_what_the_chamber_receives(orgs, certified, institute_accreditation):
    """Name, EFN, completion date, points, code and reporting state; no e-mail address, no test score."""
    chamber, admin = orgs["kammer"]
    url = reverse("certificates:chamber_accreditation", args=[chamber.slug, institute_accreditation.pk])
    text = logged_in(admin).get(url).content.decode()
    for certificate in certified:
        assert certificate.participant_name in text and certificate.participant_efn in text
    assert "@example.net" not in text and "%" not in text.split("<table", 1)[1]
    assert "Revoked" in text and "Reported" in text


def test_downloads_follow_the_period_and_are_audited(orgs, certified, institute_accreditation):
    """CSV, XLSX and PDF lists of valid participants, and the EIV status CSV; each download is audited."""
    chamber, admin = orgs["kammer"]
    client = logged_in(admin)
    args = [chamber.slug, institute_accreditation.pk]
    listed = client.get(reverse("certificates:chamber_participants", args=[*args, "csv"]))
    assert "no-store" in listed["Cache-Control"]
    rows = list(csv.reader(io.StringIO(listed.content.decode("utf-8-sig")), delimiter=";"))
    assert [row[0] for row in rows[1:]] == EFNS[:2]
    since = (timezone.localdate() - timedelta(days=10)).isoformat()
    recent = client.get(reverse("certificates:chamber_participants", args=[*args, "csv"]), {"start": since})
    assert [row[0] for row in csv.reader(io.StringIO(recent.content.decode("utf-8-sig")), delimiter=";")][1:] == [
        EFNS[1]
    ]
    workbook = load_workbook(
        io.BytesIO(client.get(reverse("certificates:chamber_participants", args=[*args, "xlsx"])).content)
    )
    assert workbook.active.max_row == 3
    assert client.get(reverse("certificates:chamber_participants", args=[*args, "pdf"])).content.startswith(b"%PDF")
    status = client.get(reverse("certificates:chamber_eiv_status", args=args))
    status_rows = list(csv.reader(io.StringIO(status.content.decode("utf-8-sig")), delimiter=";"))
    assert [(r[1], r[6], r[7]) for r in status_rows[1:]] == [
        (EFNS[0], "Valid", "Not reported yet"),
        (EFNS[1], "Valid", "Reported"),
        (EFNS[2], "Revoked", "Not reported yet"),
    ]
    exported = OrgAuditEvent.objects.filter(organization=chamber, action="report_exported")
    assert exported.count() == 5 and {e.after["report"] for e in exported} >= {"participants.csv", "eiv-status.csv"}


def test_nobody_else_sees_the_chamber_pages(orgs, certified, institute_accreditation, make_user):
    """Another chamber, the chamber's tutor, the institutes' admins and the learner get 404 on every page."""
    chamber, _admin = orgs["kammer"]
    args = [chamber.slug, institute_accreditation.pk]
    urls = [
        reverse("certificates:chamber", args=[chamber.slug]),
        reverse("certificates:chamber_accreditation", args=args),
        reverse("certificates:chamber_participants", args=[*args, "csv"]),
        reverse("certificates:chamber_eiv_status", args=args),
    ]
    other_chamber, other_admin = orgs["andere-kammer"]
    learner = certified[0].user
    for who in (other_admin, orgs["tutor"], orgs["institut"][1], orgs["zweites-institut"][1], learner):
        client = logged_in(who)
        for url in urls:
            assert client.get(url).status_code == 404, (who.email, url)
    # The other chamber sees nothing under its own address either, not even the accreditation's id.
    client = logged_in(other_admin)
    assert not client.get(reverse("certificates:chamber", args=[other_chamber.slug])).context["accreditations"]
    own_address = reverse("certificates:chamber_accreditation", args=[other_chamber.slug, institute_accreditation.pk])
    assert client.get(own_address).status_code == 404
    # The institute's own reporting pages are its own; the second institute gets 404 there too.
    institute = institute_accreditation.holder
    report = reverse("certificates:org_report", args=[institute.slug, institute_accreditation.pk])
    assert logged_in(orgs["institut"][1]).get(report).status_code == 200
    assert logged_in(orgs["zweites-institut"][1]).get(report).status_code == 404
    second = reverse("certificates:org_report", args=["zweites-institut", institute_accreditation.pk])
    assert logged_in(orgs["zweites-institut"][1]).get(second).status_code == 404


def test_chamber_pages_run_a_fixed_number_of_queries(
    orgs, certified, institute_accreditation, version, django_assert_num_queries
):
    """List: 4 queries with one or three accreditations; detail: 6 with any number of certificates (the session
    comes from the cache, decision 0413)."""
    chamber, admin = orgs["kammer"]
    client = logged_in(admin)
    list_url = reverse("certificates:chamber", args=[chamber.slug])
    detail_url = reverse("certificates:chamber_accreditation", args=[chamber.slug, institute_accreditation.pk])
    with django_assert_num_queries(4):
        client.get(list_url)
    with django_assert_num_queries(6):
        client.get(detail_url)
    institute, institute_admin = orgs["zweites-institut"]
    for vnr in ("2760012024200355009", "2760012024200356007"):
        accreditations.save_accreditation(
            institute,
            by=institute_admin,
            fields={"course_version": version, "body_organization": chamber, "vnr": vnr, "points": Decimal(1)},
        )
    with django_assert_num_queries(4):
        page = client.get(list_url)
    assert len(page.context["accreditations"]) == 3


def test_points_per_vnr_is_one_row_whatever_the_learners_language(certified, institute_accreditation):
    """Two learners with certificates in German and English: one row for the VNR, not one per title."""
    from certificates.report_builders import points_rows

    Certificate.objects.filter(pk=certified[0].pk).update(course_title="Minikurs", language="de")
    rows = list(points_rows(institute_accreditation.holder, {}))
    assert len(rows) == 1
    vnr, body, category, _title, certificates, points, reported = rows[0]
    assert (vnr, body, category, certificates, points, reported) == (VNR, "Kammer", "D", 2, Decimal(4), 1)


def test_cohort_dashboard_counts_what_the_report_page_reports(orgs, certified, institute_accreditation, version):
    """'Not yet reported' counts the cohort's certificates under the institute's own VNR and links to that report;
    a cohort under no accreditation of its own says there is nothing to report."""
    from enrolments.models import Cohort

    institute, admin = orgs["institut"]
    cohort = certified[0].enrollment.cohort
    client = logged_in(admin)
    text = client.get(reverse("enrolments:cohort", args=[institute.slug, cohort.pk])).content.decode()
    report_url = reverse("certificates:org_report", args=[institute.slug, institute_accreditation.pk])
    assert f"1 not yet reported to the chamber under VNR {VNR}, 1 of them past the deadline." in text
    assert f'href="{report_url}"' in text
    report = client.get(report_url).content.decode()
    assert certified[0].participant_name in report and "overdue" in report
    legacy = Cohort.objects.create(
        organization=institute,
        name="Alt",
        course_version=version,
        accreditation=version.accreditations.get(holder__isnull=True),
        starts_on=cohort.starts_on,
        ends_on=cohort.ends_on,
    )
    text = client.get(reverse("enrolments:cohort", args=[institute.slug, legacy.pk])).content.decode()
    assert "nothing to report to a chamber" in text
