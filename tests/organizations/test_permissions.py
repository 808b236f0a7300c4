"""Every back-office view × every role × own and foreign organization; foreign objects answer 404."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from certificates.models import Certificate, ParticipantReport
from courses.models import Accreditation, Course, CourseVersion
from enrolments.models import Cohort, Enrollment, EnrolmentImport
from organizations.models import Invitation, Membership, Organization, ReportRun, ReportSchedule
from organizations.services import add_member
from quizzes.models import Assessment
from tests.conftest import with_second_factor

from .conftest import ROLES

# (url name, kwargs keys, method, roles allowed in their own organization)
# URLs with their own role tests: the chamber pages (test_chamber_pages_by_role and _of_another_chamber below)
# and the corrections (tests/organizations/test_corrections.py). They still need rows in VIEWS so that the
# outsider sweep covers them too (closing note of the second round).
VIEWS = [
    ("organizations:overview", [], "get", {"admin", "tutor"}),
    ("organizations:settings", [], "get", {"admin"}),
    ("organizations:members", [], "get", {"admin"}),
    ("organizations:invite", [], "get", {"admin"}),
    ("organizations:change_role", ["membership_id"], "post", {"admin"}),
    ("organizations:remove_member", ["membership_id"], "post", {"admin"}),
    ("organizations:revoke_invitation", ["invitation_id"], "post", {"admin"}),
    ("organizations:audit", [], "get", {"admin"}),
    ("organizations:exports", [], "get", {"admin"}),
    ("organizations:export_detail", ["run_id"], "get", {"admin"}),
    ("organizations:export_progress", ["run_id"], "get", {"admin"}),
    ("organizations:export_download", ["run_id"], "get", {"admin"}),
    ("organizations:schedule_save", [], "post", {"admin"}),
    ("organizations:schedule_delete", ["schedule_id"], "post", {"admin"}),
    ("enrolments:cohorts", [], "get", {"admin", "tutor"}),
    ("enrolments:cohort_create", [], "get", {"admin"}),
    ("enrolments:cohort", ["cohort_id"], "get", {"admin", "tutor"}),
    ("enrolments:cohort_edit", ["cohort_id"], "get", {"admin"}),
    ("enrolments:cohort_enrol", ["cohort_id"], "get", {"admin"}),
    ("enrolments:enrolment_import", ["cohort_id", "import_id"], "get", {"admin"}),
    ("enrolments:enrolment_import_progress", ["cohort_id", "import_id"], "get", {"admin"}),
    ("enrolments:enrolment_import_undo", ["cohort_id", "import_id"], "get", {"admin"}),
    ("enrolments:cohort_learners", ["cohort_id"], "get", {"admin"}),
    ("enrolments:learner_unenrol", ["cohort_id", "enrollment_id"], "get", {"admin"}),
    ("enrolments:learner_move", ["cohort_id", "enrollment_id"], "post", {"admin"}),
    ("courses:version_retire", ["version_id"], "get", {"admin"}),
    ("courses:accreditations", [], "get", {"admin"}),
    ("courses:accreditation_create", [], "get", {"admin"}),
    ("courses:accreditation_edit", ["accreditation_id"], "get", {"admin"}),
    # Certificates, chamber reports and exports (tutors: their cohorts only, decision 0707).
    ("certificates:org_certificates", [], "get", {"admin", "tutor"}),
    ("certificates:org_certificate", ["code"], "get", {"admin"}),
    ("certificates:org_reports", [], "get", {"admin", "tutor"}),
    ("certificates:org_report", ["accreditation_id"], "get", {"admin", "tutor"}),
    ("certificates:org_participants", ["accreditation_id", "fmt"], "get", {"admin", "tutor"}),
    ("certificates:org_report_push", ["accreditation_id"], "post", {"admin"}),
    ("certificates:org_report_retract", ["report_id"], "post", {"admin"}),
    # Final-test accommodations and item analysis.
    ("quizzes:accommodations", [], "get", {"admin"}),
    ("quizzes:accommodation_update", ["enrollment_id"], "post", {"admin"}),
    ("quizzes:attempts_used", [], "get", {"admin"}),
    ("quizzes:grant_attempt", ["enrollment_id"], "post", {"admin"}),
    ("quizzes:org_analysis_index", [], "get", {"admin"}),
    ("quizzes:org_analysis", ["assessment_id"], "get", {"admin"}),
    ("quizzes:org_analysis_csv", ["assessment_id"], "get", {"admin"}),
    ("quizzes:org_analysis_recompute", ["assessment_id"], "post", {"admin"}),
]
POST_DATA = {
    "organizations:change_role": {"role": "tutor"},
    "organizations:schedule_save": {"kind": "participants", "format": "csv", "day_of_month": "3"},
}


@pytest.fixture
def objects(org_a, org_b, people, cohort_a, cohort_b) -> dict:
    """One object of every kind the back office addresses by id, in each organization."""
    result = {}
    for organization, cohort in ((org_a, cohort_a), (org_b, cohort_b)):
        admin = people[organization.slug]["admin"]
        course = Course.objects.create(slug=f"own-{organization.slug}", organization=organization)
        version = CourseVersion.objects.create(
            course=course, number=1, content_hash=organization.slug, title={"de": "Eigen"}
        )
        run = ReportRun.objects.create(
            organization=organization,
            kind="participants",
            status=ReportRun.Status.DONE,
            requested_by=admin,
            expires_at=timezone.now() + dt.timedelta(days=1),
        )
        run.file.save("r.csv", ContentFile(b"a;b\n"))
        result[organization.slug] = {
            "membership_id": Membership.objects.get(
                organization=organization, user=people[organization.slug]["learner"]
            ).pk,
            "invitation_id": Invitation.objects.create(
                organization=organization,
                email="new@example.org",
                invited_by=admin,
                expires_at=timezone.now() + dt.timedelta(days=3),
            ).pk,
            "run_id": run.pk,
            "schedule_id": ReportSchedule.objects.create(
                organization=organization, kind="participants", requested_by=admin
            ).pk,
            "cohort_id": cohort.pk,
            "import_id": EnrolmentImport.objects.create(
                organization=organization, cohort=cohort, uploaded_by=admin, filename="x.csv", sha256="", status="done"
            ).pk,
            "accreditation_id": Accreditation.objects.create(
                course_version=version, holder=organization, key="k", body="Kammer", points=Decimal(2)
            ).pk,
            "fmt": "csv",
        }
        result[organization.slug].update(_reporting_objects(organization, version, people))
        # A learner in the cohort itself, for the correction pages (learners, unenrol, move).
        result[organization.slug]["enrollment_id"] = Enrollment.objects.create(
            user=people[organization.slug]["learner"],
            course_version=cohort.course_version,
            accreditation=cohort.accreditation,
            organization=organization,
            cohort=cohort,
        ).pk
        result[organization.slug]["version_id"] = version.pk
    return result


def _certificate(enrollment, accreditation, code: str) -> Certificate:
    now = timezone.now()
    return Certificate.objects.create(
        code=code,
        enrollment=enrollment,
        user=enrollment.user,
        accreditation=accreditation,
        participant_name=enrollment.user.name,
        participant_efn="802761234567896",
        course_title="Eigen",
        course_version=1,
        course_format="E-Learning",
        completed_at=now,
        organizer="Institut",
        result_percent=Decimal(90),
        pass_mark=70,
        points=Decimal(2),
        language="de",
        verification_url="https://example.org/verify/",
        issued_at=now,
    )


def _reporting_objects(organization, version, people) -> dict:
    """A cohort of the organization's own course followed by its tutor, with one learner's certificate."""
    accreditation = Accreditation.objects.get(course_version=version, key="k")
    today = timezone.localdate()
    cohort = Cohort.objects.create(
        organization=organization,
        name="Eigene Kohorte",
        course_version=version,
        accreditation=accreditation,
        starts_on=today,
        ends_on=today + dt.timedelta(days=30),
    )
    cohort.tutors.add(people[organization.slug]["tutor"])
    enrollment = Enrollment.objects.create(
        user=people[organization.slug]["learner"],
        course_version=version,
        accreditation=accreditation,
        organization=organization,
        cohort=cohort,
    )
    certificate = _certificate(enrollment, accreditation, f"CERT-{organization.slug[-1].upper()}AAA-AAAA-A")
    report = ParticipantReport.objects.create(certificate=certificate, status=ParticipantReport.Status.REPORTED)
    assessment = Assessment.objects.create(course_version=version, accreditation=accreditation)
    return {
        "code": certificate.code,
        "report_id": report.pk,
        "enrollment_id": enrollment.pk,
        "assessment_id": assessment.pk,
    }


def _request(client: Client, url_name: str, slug: str, ids: dict, keys: list[str], method: str):
    url = reverse(url_name, kwargs={"org_slug": slug, **{key: ids[key] for key in keys}})
    if method == "post":
        return client.post(url, POST_DATA.get(url_name, {}))
    return client.get(url)


def _client(people, slug: str, role: str) -> Client:
    client = Client()
    if role == "outsider":
        client.force_login(people["outsider"])
    elif role != "anonymous":
        client.force_login(people[slug][role])
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("url_name", "keys", "method", "allowed"), VIEWS, ids=[v[0] for v in VIEWS])
def test_own_organization(people, objects, org_a, role, url_name, keys, method, allowed):
    """In their own organization each role gets exactly the pages its row in the table allows."""
    response = _request(_client(people, org_a.slug, role), url_name, org_a.slug, objects[org_a.slug], keys, method)
    if role == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    elif role in allowed:
        # 400: the view was reached and refused the (empty) form, which is access all the same.
        assert response.status_code in ((200, 302, 400) if method == "post" else (200, 302)), response.status_code
        if response.status_code == 302:
            assert "/accounts/login/" not in response["Location"]
    else:
        assert response.status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["admin", "tutor", "learner"])
@pytest.mark.parametrize(("url_name", "keys", "method", "allowed"), VIEWS, ids=[v[0] for v in VIEWS])
def test_foreign_organization(people, objects, org_a, org_b, role, url_name, keys, method, allowed):
    """Every role of institute B gets 404 for institute A's pages, and for A's objects under B's own address."""
    client = _client(people, org_b.slug, role)
    assert _request(client, url_name, org_a.slug, objects[org_a.slug], keys, method).status_code == 404
    if keys:
        assert _request(client, url_name, org_b.slug, objects[org_a.slug], keys, method).status_code == 404


@pytest.mark.django_db
def test_tutor_sees_only_cohorts_they_tutor(people, org_a, make_cohort, cohort_a):
    """A tutor of the organization opens their own cohort's dashboard; another cohort answers 404."""
    other = make_cohort(org_a, people[org_a.slug]["admin"], name="Ohne Tutor")
    client = _client(people, org_a.slug, "tutor")
    assert client.get(reverse("enrolments:cohort", args=[org_a.slug, cohort_a.pk])).status_code == 200
    assert client.get(reverse("enrolments:cohort", args=[org_a.slug, other.pk])).status_code == 404
    listing = client.get(reverse("enrolments:cohorts", args=[org_a.slug])).content.decode()
    assert cohort_a.name in listing and other.name not in listing


def _org_patterns(resolver: URLResolver, namespace: str = "") -> list[tuple[str, list[str]]]:
    """(namespaced url name, argument names) of every URL pattern that takes ``org_slug``."""
    found = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = ":".join(filter(None, [namespace, entry.namespace or ""]))
            found += _org_patterns(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name and "org_slug" in entry.pattern.regex.groupindex:
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            found.append((name, [k for k in entry.pattern.regex.groupindex if k != "org_slug"]))
    return found


SAMPLE_ARGUMENTS = {"fmt": "csv", "code": "ABCD-EFGH-JKMN-P"}


def test_the_matrix_covers_every_organization_url():
    """Every URL with an organization in it, whichever app adds it, has its row in VIEWS or, for the chamber
    pages, in CHAMBER_VIEWS (and so every role)."""
    in_matrix = {name for name, *_rest in VIEWS} | {name for name, *_rest in CHAMBER_VIEWS}
    missing = sorted(name for name, _keys in _org_patterns(get_resolver()) if name not in in_matrix)
    assert not missing, f"add these to VIEWS: {missing}"


@pytest.mark.django_db
def test_tutors_see_only_their_cohorts_certificates_lists_and_exports(people, org_a, objects, admin_a):
    """Another cohort of the same organization: its certificate, report and participant list answer 404 to the
    tutor, and its learner is in none of the tutor's lists; the admin sees both cohorts."""
    from enrolments.models import Cohort

    own = objects[org_a.slug]
    version = CourseVersion.objects.get(course__slug=f"own-{org_a.slug}")
    other_accreditation = Accreditation.objects.create(
        course_version=version, holder=org_a, key="other", body="Kammer", points=2
    )
    today = timezone.localdate()
    other = Cohort.objects.create(
        organization=org_a,
        name="Ohne Tutor",
        course_version=version,
        accreditation=other_accreditation,
        starts_on=today,
        ends_on=today + dt.timedelta(days=30),
    )
    stranger = people["outsider"]
    enrollment = Enrollment.objects.create(
        user=stranger, course_version=version, accreditation=other_accreditation, organization=org_a, cohort=other
    )
    hidden = _certificate(enrollment, other_accreditation, "CERT-XBBB-BBBB-B")
    tutor = _client(people, org_a.slug, "tutor")
    slug = org_a.slug
    listing = tutor.get(reverse("certificates:org_certificates", args=[slug])).content.decode()
    assert own["code"] in listing and hidden.code not in listing
    for url in (
        reverse("certificates:org_report", args=[slug, other_accreditation.pk]),
        reverse("certificates:org_participants", args=[slug, other_accreditation.pk, "csv"]),
    ):
        assert tutor.get(url).status_code == 404, url
    reports = tutor.get(reverse("certificates:org_reports", args=[slug])).content.decode()
    assert reverse("certificates:org_report", args=[slug, other_accreditation.pk]) not in reports
    assert reverse("certificates:org_report", args=[slug, own["accreditation_id"]]) in reports
    export = tutor.get(reverse("certificates:org_participants", args=[slug, own["accreditation_id"], "csv"]))
    assert stranger.name not in export.content.decode("utf-8-sig")
    admin = _client(people, slug, "admin")
    assert hidden.code in admin.get(reverse("certificates:org_certificates", args=[slug])).content.decode()
    assert admin.get(reverse("certificates:org_report", args=[slug, other_accreditation.pk])).status_code == 200


@pytest.mark.django_db
def test_every_organization_url_is_closed_to_outsiders_and_learners(people, org_a):
    """Every URL under /org/<slug>/, whichever app adds it, answers 404 to outsiders, learners and other tenants."""
    patterns = _org_patterns(get_resolver())
    assert len(patterns) >= len(VIEWS)
    for url_name, keys in patterns:
        kwargs = {key: SAMPLE_ARGUMENTS.get(key, 1) for key in keys}
        url = reverse(url_name, kwargs={"org_slug": org_a.slug, **kwargs})
        for who in (people["outsider"], people[org_a.slug]["learner"], people["institut-b"]["admin"]):
            client = Client()
            client.force_login(who)
            for method in (client.get, client.post):
                status = method(url).status_code
                assert status in (404, 405), f"{url_name} answered {status} to {who.email}"


# The chamber pages (decision 0312): (url name, kwargs keys, roles allowed in their own chamber).
CHAMBER_VIEWS = [
    ("certificates:chamber", [], {"admin"}),
    ("certificates:chamber_accreditation", ["accreditation_id"], {"admin"}),
    ("certificates:chamber_participants", ["accreditation_id", "fmt"], {"admin"}),
    ("certificates:chamber_eiv_status", ["accreditation_id"], {"admin"}),
]


@pytest.fixture
def chambers(make_user, org_a, version) -> dict:
    """Two chambers with an admin, a tutor and a learner each; institute A holds an accreditation naming each."""
    result = {}
    for slug in ("kammer-a", "kammer-b"):
        chamber = Organization.objects.create(name=slug.title(), slug=slug, kind=Organization.Kind.CHAMBER)
        members = {}
        for role in (Membership.Role.ADMIN, Membership.Role.TUTOR, Membership.Role.LEARNER):
            user = make_user(f"{role}@{slug}.example.org", name=f"{role.title()} {slug}", language="en")
            if role == Membership.Role.ADMIN:
                with_second_factor(user)  # administrators must have one (decision 0701)
            add_member(chamber, user=user, role=role)
            members[role] = user
        accreditation = Accreditation.objects.create(
            course_version=version, holder=org_a, key=slug, body=chamber.name, body_organization=chamber, points=2
        )
        result[slug] = {"organization": chamber, "members": members, "accreditation_id": accreditation.pk, "fmt": "csv"}
    return result


def _chamber_url(url_name: str, slug: str, ids: dict, keys: list[str]) -> str:
    return reverse(url_name, kwargs={"org_slug": slug, **{key: ids[key] for key in keys}})


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("url_name", "keys", "allowed"), CHAMBER_VIEWS, ids=[v[0] for v in CHAMBER_VIEWS])
def test_chamber_pages_by_role(people, chambers, org_a, role, url_name, keys, allowed):
    """In its own chamber only the admin opens the pages; tutor, learner and outsider get 404, anonymous login.
    The same pages under an institute's address answer 404 to every role of the institute."""
    own = chambers["kammer-a"]
    client = Client()
    if role == "outsider":
        client.force_login(people["outsider"])
    elif role != "anonymous":
        client.force_login(own["members"][role])
    response = client.get(_chamber_url(url_name, "kammer-a", own, keys))
    if role == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    elif role in allowed:
        assert response.status_code == 200
    else:
        assert response.status_code == 404
    if role not in ("outsider", "anonymous"):
        institute_client = _client(people, org_a.slug, role)
        assert institute_client.get(_chamber_url(url_name, org_a.slug, own, keys)).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["admin", "tutor", "learner"])
@pytest.mark.parametrize(("url_name", "keys", "allowed"), CHAMBER_VIEWS, ids=[v[0] for v in CHAMBER_VIEWS])
def test_chamber_pages_of_another_chamber(chambers, role, url_name, keys, allowed):
    """Every role of chamber B gets 404 for chamber A's pages, and for A's accreditation under B's own address."""
    client = Client()
    client.force_login(chambers["kammer-b"]["members"][role])
    own, other = chambers["kammer-a"], chambers["kammer-b"]
    assert client.get(_chamber_url(url_name, "kammer-a", own, keys)).status_code == 404
    if keys:
        assert client.get(_chamber_url(url_name, "kammer-b", own, keys)).status_code == 404
        if role in allowed:
            assert client.get(_chamber_url(url_name, "kammer-b", other, keys)).status_code == 200
