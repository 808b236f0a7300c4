"""Accreditation belongs to whoever holds it (decision 0310): any organization that runs a course version
records its own, several accredit the same version independently, none sees another's, and bad input is a
field error with nothing written."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from courses import accreditations
from courses.errors import CourseError
from courses.forms import AccreditationForm
from courses.models import Accreditation, CourseVersion
from organizations.models import Organization, OrgAuditEvent

from .conftest import english_client

pytestmark = pytest.mark.django_db

VNR_A = "2760012024200354002"
VNR_B = "2760012024200355009"


@pytest.fixture
def chamber(db) -> Organization:
    return Organization.objects.create(name="Testkammer", slug="testkammer", kind=Organization.Kind.CHAMBER)


def post_data(version: CourseVersion, **extra) -> dict:
    return {
        "course_version": version.pk,
        "body_organization": "",
        "body": "",
        "vnr": VNR_A,
        "category": "D",
        "unit": "fe",
        "points": "2",
        "valid_from": "",
        "valid_until": "",
        "pass_mark": "70",
        "max_attempts": "3",
        "cooldown_hours": "0",
        "after_last_attempt": "grant",
        "new_round_days": "30",
        "certificate_validity_months": "",
        "scientific_lead": "Dr. Mira Lehmann",
        "scientific_lead_qualification": "Psychologische Psychotherapeutin",
        "reporting_channel": "eiv",
        "key": "",
        "wording_de": "Anerkannt mit 2 Punkten der Kategorie D.",
        "wording_en": "",
        "eiv_password": "",
        **extra,
    }


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 12), "white").save(buffer, format="PNG")
    return buffer.getvalue()


def test_two_institutes_accredit_the_same_public_version_independently(people, org_a, org_b, version, chamber):
    """A and B each record their own accreditation of the public course; each sees only its own; 404 across."""
    client_a = english_client(people[org_a.slug]["admin"])
    client_b = english_client(people[org_b.slug]["admin"])
    create_a = reverse("courses:accreditation_create", args=[org_a.slug])
    create_b = reverse("courses:accreditation_create", args=[org_b.slug])
    assert client_a.post(create_a, post_data(version, body_organization=chamber.pk)).status_code == 302
    assert client_b.post(create_b, post_data(version, vnr=VNR_B, body="Andere Kammer")).status_code == 302
    own_a = Accreditation.objects.get(holder=org_a)
    own_b = Accreditation.objects.get(holder=org_b)
    # The chamber's name is printed when no other name is given; the test is drawn as the package draws it.
    assert (own_a.body, own_a.body_organization, own_a.vnr) == ("Testkammer", chamber, VNR_A)
    assert (own_a.draw, own_a.blueprint) == (2, {"one": 1, "two": 1}) and not own_a.is_default
    assert own_a.key == org_a.slug and own_b.key == org_b.slug
    listing_a = client_a.get(reverse("courses:accreditations", args=[org_a.slug])).content.decode()
    assert VNR_A in listing_a and VNR_B not in listing_a
    assert client_b.get(reverse("courses:accreditation_edit", args=[org_b.slug, own_a.pk])).status_code == 404
    assert client_b.post(reverse("courses:accreditation_edit", args=[org_b.slug, own_a.pk]), {}).status_code == 404
    assert client_b.get(reverse("courses:accreditation_edit", args=[org_a.slug, own_a.pk])).status_code == 404
    # The package's own profile of the public course is nobody's: it is listed for neither.
    package_profile = version.accreditations.get(key="de-d")
    assert package_profile.holder is None
    assert client_a.get(reverse("courses:accreditation_edit", args=[org_a.slug, package_profile.pk])).status_code == 404


def test_the_service_refuses_another_holders_accreditation(org_a, org_b, admin_a, version):
    """Even called directly, the service will not change an accreditation the organization does not hold."""
    theirs = accreditations.save_accreditation(
        org_b, by=None, fields={"course_version": version, "body": "Kammer", "points": Decimal(2)}
    )
    with pytest.raises(CourseError) as excinfo:
        accreditations.save_accreditation(org_a, by=admin_a, fields={"points": Decimal(1)}, accreditation=theirs)
    assert excinfo.value.code == "not_held"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"vnr": "2760012024200354003"}, "vnr", "check digit does not match"),
        ({"vnr": "27600120242003540"}, "vnr", "exactly 19 digits"),
        ({"valid_from": "2026-06-01", "valid_until": "2026-05-31"}, "valid_until", "The end lies before the start."),
        ({"valid_from": "2001-01-01"}, "valid_from", "cannot start before that"),
        ({"points": "3"}, "points", "minutes: 2 full 45-minute units, so at most 2 points, not 3"),
        ({"unit": "hour", "points": "2"}, "points", "hours, not 2"),
        ({"body": "", "body_organization": ""}, "body", "Choose the accrediting chamber or name the accrediting body."),
    ],
)
def test_bad_input_is_a_field_error_and_writes_nothing(people, org_a, version, changes, field, message):
    """Each problem is shown at its field with status 400; no accreditation and no audit row is written."""
    client = english_client(people[org_a.slug]["admin"])
    data = post_data(version, **{"body": "Kammer", **changes})
    response = client.post(reverse("courses:accreditation_create", args=[org_a.slug]), data)
    assert response.status_code == 400
    form = response.context["form"]
    assert any(message in error for error in form.errors[field]), form.errors
    assert not Accreditation.objects.filter(holder=org_a).exists()
    assert not OrgAuditEvent.objects.filter(action="accreditation_created").exists()


def test_every_problem_is_reported_at_once(org_a, admin_a, version):
    """The form shows every field's problem at once; the service, called directly, refuses at the first."""
    data = post_data(
        version, body="Kammer", vnr="2760012024200354003", points="5", valid_from="2030-02-01", valid_until="2030-01-01"
    )
    form = AccreditationForm(data, organization=org_a)
    assert not form.is_valid() and set(form.errors) == {"vnr", "points", "valid_until"}
    with pytest.raises(CourseError) as excinfo:
        accreditations.save_accreditation(
            org_a,
            by=admin_a,
            fields={"course_version": version, "body": "K", "points": Decimal(5), "vnr": "2760012024200354003"},
        )
    assert (excinfo.value.code, excinfo.value.field) == ("vnr_checksum", "vnr")
    assert not Accreditation.objects.filter(holder=org_a).exists()


def test_a_window_starting_after_retirement_is_refused(org_a, admin_a, version):
    """A retired version takes no new accreditation window after its retirement."""
    CourseVersion.objects.filter(pk=version.pk).update(retired_at=timezone.now() - dt.timedelta(days=3))
    version.refresh_from_db()
    with pytest.raises(CourseError) as excinfo:
        accreditations.save_accreditation(
            org_a,
            by=admin_a,
            fields={"course_version": version, "body": "K", "points": Decimal(1), "valid_from": timezone.localdate()},
        )
    assert (excinfo.value.code, excinfo.value.field) == ("after_version", "valid_from")


def test_only_chambers_are_offered_as_accrediting_chamber(people, org_a, org_b, version, chamber):
    """An institute cannot be named as accrediting chamber: the form refuses it at the field."""
    client = english_client(people[org_a.slug]["admin"])
    page = client.get(reverse("courses:accreditation_create", args=[org_a.slug])).content.decode()
    assert "Testkammer" in page and f'value="{org_b.pk}"' not in page
    response = client.post(
        reverse("courses:accreditation_create", args=[org_a.slug]), post_data(version, body_organization=org_b.pk)
    )
    assert response.status_code == 400 and "body_organization" in response.context["form"].errors


def test_scientific_lead_signature_is_an_image(people, org_a, version):
    """A PNG is stored with the accreditation; a text file posing as PNG is refused at the field."""
    client = english_client(people[org_a.slug]["admin"])
    url = reverse("courses:accreditation_create", args=[org_a.slug])
    fake = SimpleUploadedFile("signature.png", b"not an image", content_type="image/png")
    response = client.post(url, {**post_data(version, body="K"), "scientific_lead_signature": fake})
    assert response.status_code == 400
    assert "PNG or JPEG" in str(response.context["form"].errors["scientific_lead_signature"])
    real = SimpleUploadedFile("signature.png", png_bytes(), content_type="image/png")
    assert client.post(url, {**post_data(version, body="K"), "scientific_lead_signature": real}).status_code == 302
    accreditation = Accreditation.objects.get(holder=org_a)
    assert accreditation.scientific_lead_signature.name.startswith("accreditations/signatures/")
    event = OrgAuditEvent.objects.get(action="accreditation_created")
    assert event.after["scientific_lead_signature"] == accreditation.scientific_lead_signature.name


def test_a_cohort_runs_only_under_the_organizations_own_accreditation(people, org_a, org_b, version, accreditation):
    """The cohort form offers A's own accreditations; naming B's (or the package's) answers 404; the service refuses."""
    from enrolments.errors import EnrolmentError
    from enrolments.services import cohorts as cohort_services

    from .conftest import own_accreditation

    theirs = own_accreditation(org_b, version)
    package_profile = version.accreditations.get(holder__isnull=True)
    client = english_client(people[org_a.slug]["admin"])
    url = reverse("enrolments:cohort_create", args=[org_a.slug])
    offered = client.get(url).context["form"].fields["accreditation"].queryset
    assert list(offered) == [accreditation]
    today = timezone.localdate()
    data = {
        "name": "Winter",
        "course_version": version.pk,
        "starts_on": today.isoformat(),
        "ends_on": (today + dt.timedelta(days=30)).isoformat(),
        "seats": "",
    }
    for foreign in (theirs, package_profile):
        assert client.post(url, {**data, "accreditation": foreign.pk}).status_code == 404
    assert client.post(url, {**data, "accreditation": accreditation.pk}).status_code == 302
    with pytest.raises(EnrolmentError) as excinfo:
        cohort_services.create_cohort(
            org_a,
            by=people[org_a.slug]["admin"],
            tutors=[],
            name="Direkt",
            course_version=version,
            accreditation=theirs,
            starts_on=today,
            ends_on=today,
        )
    assert (excinfo.value.code, excinfo.value.field) == ("not_held", "accreditation")


def test_self_enrolment_uses_the_owners_open_accreditation(people, org_a, org_b, version):
    """Opening an accreditation for self-enrolment: refused on a public course (field error), honoured on the
    organization's own course even when recorded in the back office (not the package's default)."""
    from courses.models import Course
    from enrolments.services import learning

    client = english_client(people[org_a.slug]["admin"])
    url = reverse("courses:accreditation_create", args=[org_a.slug])
    response = client.post(url, post_data(version, body="Kammer", open_for_self_enrolment="on"))
    assert response.status_code == 400 and "open_for_self_enrolment" in response.context["form"].errors
    own = CourseVersion.objects.create(
        course=Course.objects.create(slug="eigen", organization=org_a, visibility="public"),
        number=1,
        content_hash="o",
        title={"en": "Own"},
        minutes=90,
        published_at=timezone.now(),
    )
    assert client.post(url, post_data(own, body="Kammer", open_for_self_enrolment="on")).status_code == 302
    opened = Accreditation.objects.get(course_version=own)
    assert opened.open_for_self_enrolment and not opened.is_default
    enrollment = learning.enroll(own, user=people["outsider"])
    assert enrollment.accreditation == opened
    # Another organization's accreditation of a public course is never what a self-enrolled learner gets.
    accreditations.save_accreditation(
        org_b, by=None, fields={"course_version": version, "body": "K", "points": Decimal(1)}
    )
    assert learning.enroll(version, user=people[org_b.slug]["learner"]).accreditation.holder is None
