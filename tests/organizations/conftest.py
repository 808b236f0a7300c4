"""Two institutes with an admin, a tutor and a learner each, a cohort in each, and CSV helpers."""

import datetime as dt

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone, translation

from courses.models import Accreditation
from enrolments.models import Cohort
from enrolments.services import cohorts as cohort_services
from organizations.models import Membership, Organization
from organizations.services import add_member
from tests.conftest import with_second_factor

ROLES = ["admin", "tutor", "learner", "outsider", "anonymous"]


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English (the message ids); German translations come with the catalogue."""
    with translation.override("en"):
        yield


def english_client(user=None) -> Client:
    """A browser that chose English in the language switcher (the cookie wins over the profile)."""
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    if user is not None:
        client.force_login(user)
    return client


def efn_with_check_digit(body: str) -> str:
    """Append the Luhn check digit to 14 digits."""
    for digit in "0123456789":
        candidate = body + digit
        total = 0
        for position, char in enumerate(reversed(candidate)):
            value = int(char) * (2 if position % 2 else 1)
            total += value - 9 if value > 9 else value
        if total % 10 == 0:
            return candidate
    raise AssertionError("unreachable")


def csv_bytes(rows: list[list[str]], *, header: tuple[str, ...] = ("name", "email", "efn", "language")) -> bytes:
    lines = [";".join(header)] + [";".join(row) for row in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def learner_rows(count: int, *, start: int = 0, domain: str = "example.net") -> list[list[str]]:
    return [[f"Teilnehmerin {i}", f"t{i}@{domain}", "", ""] for i in range(start, start + count)]


@pytest.fixture
def org_a(db) -> Organization:
    return Organization.objects.create(name="Institut A", slug="institut-a", kind=Organization.Kind.INSTITUTE)


@pytest.fixture
def org_b(db) -> Organization:
    return Organization.objects.create(name="Institut B", slug="institut-b", kind=Organization.Kind.INSTITUTE)


@pytest.fixture
def people(make_user, org_a, org_b) -> dict:
    """people[org_slug][role] -> user; plus an outsider who belongs nowhere."""
    result = {}
    for organization in (org_a, org_b):
        result[organization.slug] = {}
        for role in (Membership.Role.ADMIN, Membership.Role.TUTOR, Membership.Role.LEARNER):
            user = make_user(
                f"{role}@{organization.slug}.example.org", name=f"{role.title()} {organization.name}", language="en"
            )
            add_member(organization, user=user, role=role)
            if role == Membership.Role.ADMIN:
                with_second_factor(user)  # administrators must have one (docs/decisions/0701)
            result[organization.slug][role] = user
    result["outsider"] = make_user("outsider@example.org", name="Olga Outsider", language="en")
    return result


@pytest.fixture
def admin_a(people, org_a):
    return people[org_a.slug]["admin"]


@pytest.fixture
def admin_client(admin_a) -> Client:
    return english_client(admin_a)


def own_accreditation(organization: Organization, version) -> Accreditation:
    """The organization's own accreditation of the version, drawn like the package's profile (decision 0310)."""
    profile = version.accreditations.get(holder__isnull=True)
    accreditation, _created = Accreditation.objects.get_or_create(
        course_version=version,
        holder=organization,
        defaults={
            "key": organization.slug,
            "body": profile.body,
            "category": profile.category,
            "points": profile.points,
            "vnr": profile.vnr,
            "pass_mark": profile.pass_mark,
            "max_attempts": profile.max_attempts,
            "draw": profile.draw,
            "blueprint": profile.blueprint,
            "wording": profile.wording,
        },
    )
    return accreditation


@pytest.fixture
def accreditation(org_a, version) -> Accreditation:
    """Institute A's own accreditation of the mini course."""
    return own_accreditation(org_a, version)


def _cohort(organization, version, accreditation, by, *, name: str, seats=None, tutors=()) -> Cohort:
    today = timezone.localdate()
    return cohort_services.create_cohort(
        organization,
        by=by,
        tutors=list(tutors),
        name=name,
        course_version=version,
        accreditation=accreditation,
        starts_on=today - dt.timedelta(days=10),
        ends_on=today + dt.timedelta(days=20),
        seats=seats,
    )


@pytest.fixture
def cohort_a(org_a, version, accreditation, people) -> Cohort:
    return _cohort(
        org_a,
        version,
        accreditation,
        people[org_a.slug]["admin"],
        name="Frühjahr",
        tutors=[people[org_a.slug]["tutor"]],
    )


@pytest.fixture
def cohort_b(org_b, version, people) -> Cohort:
    return _cohort(
        org_b,
        version,
        own_accreditation(org_b, version),
        people[org_b.slug]["admin"],
        name="Herbst",
        tutors=[people[org_b.slug]["tutor"]],
    )


@pytest.fixture
def make_cohort(version, accreditation):
    def make(organization, by, **extra) -> Cohort:
        return _cohort(organization, version, own_accreditation(organization, version), by, **extra)

    return make
