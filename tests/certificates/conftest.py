"""Fixtures for the certificates tests: a passed enrolment, an issued certificate, organizations and roles."""

import io

import pytest

from certificates import services
from certificates.models import Signature
from organizations.models import Membership, Organization
from organizations.services import add_member
from quizzes import services as quiz_services
from tests.conftest import answer_all, with_second_factor

VALID_EFN = "802761234567896"  # 15 digits, Luhn check digit correct
BAD_EFN = "802761234567890"  # check digit wrong: the EIV refuses it


def pass_final_test(enrollment) -> None:
    """Take and pass the final test through the real quiz services."""
    attempt = quiz_services.start_attempt(enrollment)
    quiz_services.submit_attempt(attempt, answers=quiz_services.parse_form(answer_all(attempt, correct=True)))


@pytest.fixture
def passed_enrollment(ready_enrollment):
    pass_final_test(ready_enrollment)
    return ready_enrollment


@pytest.fixture
def signature(db, version) -> Signature:
    from PIL import Image

    buffer = io.BytesIO()
    image = Image.new("RGB", (240, 80), "white")
    for x in range(20, 220):
        image.putpixel((x, 40 + (x % 17) - 8), (20, 30, 60))
    image.save(buffer, format="PNG")
    return services.add_signature(
        signatory_name=version.scientific_lead, content=buffer.getvalue(), filename="lead.png"
    )


@pytest.fixture
def certificate(passed_enrollment, learner, signature, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        issued = services.issue(passed_enrollment, by=learner)
    issued.refresh_from_db()
    return issued


@pytest.fixture
def organization(db) -> Organization:
    return Organization.objects.create(name="Testkammer Nord", slug="nord", kind=Organization.Kind.CHAMBER)


@pytest.fixture
def other_organization(db) -> Organization:
    return Organization.objects.create(name="Institut Süd", slug="sued")


@pytest.fixture
def org_version(version, organization):
    """The mini course, organized by ``organization`` (which now holds the package's accreditation)."""
    from courses.ownership import assign_owner

    assign_owner(version.course, organization, by=None)
    version.refresh_from_db()
    return version


@pytest.fixture
def member(make_user):
    """A user with a given role in an organization, and a logged-in client for them."""
    from django.test import Client

    def make(organization, role: str, email: str):
        user = make_user(email, f"{role.title()} Person", language="en")
        add_member(organization, user=user, role=role)
        if role == Membership.Role.ADMIN:
            with_second_factor(user)  # administrators must have one (docs/decisions/0701)
        client = Client()
        client.force_login(user)
        return user, client

    return make


@pytest.fixture
def admin_client(member, organization):
    return member(organization, Membership.Role.ADMIN, "admin@example.org")


KEY_A = "key-2026a:" + "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE"  # 32 bytes "A…", base64url
KEY_B = "key-2027b:" + "QkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkI"


@pytest.fixture(autouse=True)
def credential_keys(settings):
    """A fixed issuer key, as production sets HALTUNG_CREDENTIAL_KEYS."""
    settings.HALTUNG_CREDENTIAL_KEYS = [KEY_A]
    return settings
