"""Accreditations edited by organization admins: VNR check, the EIV password encrypted and never shown again."""

import datetime as dt
from decimal import Decimal

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ValidationError
from django.urls import reverse

from courses import accreditations
from courses.models import Accreditation, AccreditationSecret, Course, CourseVersion
from enrolments.errors import EnrolmentError
from enrolments.services.learning import check_completion_window
from organizations.models import OrgAuditEvent

pytestmark = pytest.mark.django_db

VNR = "2760012024200354002"


@pytest.fixture
def own_version(org_a) -> CourseVersion:
    course = Course.objects.create(slug="eigener-kurs", organization=org_a)
    return CourseVersion.objects.create(
        course=course, number=1, content_hash="a", title={"en": "Own course"}, minutes=360
    )


def form_data(version, **extra) -> dict:
    return {
        "course_version": version.pk,
        "key": "ptk-nrw",
        "body_organization": "",
        "body": "PTK NRW",
        "category": "D",
        "unit": "fe",
        "points": "4",
        "vnr": VNR,
        "valid_from": "",
        "valid_until": "",
        "pass_mark": "70",
        "max_attempts": "3",
        "cooldown_hours": "0",
        "after_last_attempt": "grant",
        "new_round_days": "30",
        "certificate_validity_months": "",
        "scientific_lead": "",
        "scientific_lead_qualification": "",
        "reporting_channel": "eiv",
        "wording_de": "Anerkannt mit 4 Punkten.",
        "wording_en": "",
        "eiv_password": "",
        **extra,
    }


@pytest.mark.parametrize(
    ("value", "code"),
    [
        (VNR, None),
        ("2760 0120 2420 0355 009", None),
        ("276001202420035400", "vnr_length"),
        ("2760012024200354003", "vnr_checksum"),
    ],
)
def test_vnr_is_validated(value, code):
    """19 digits with a Luhn check digit; spaces are ignored; every published example passes."""
    if code is None:
        accreditations.validate_vnr(value)
    else:
        with pytest.raises(ValidationError) as excinfo:
            accreditations.validate_vnr(value)
        assert excinfo.value.code == code


def test_admin_creates_an_accreditation_with_an_encrypted_password(admin_client, org_a, own_version):
    """The password is stored encrypted, never rendered again, and the audit row says only that it changed."""
    url = reverse("courses:accreditation_create", args=[org_a.slug])
    response = admin_client.post(url, form_data(own_version, eiv_password="geheim-123"))
    assert response.status_code == 302
    accreditation = Accreditation.objects.get(key="ptk-nrw")
    assert accreditation.wording == {"de": "Anerkannt mit 4 Punkten."} and accreditation.points == Decimal(4)
    stored = AccreditationSecret.objects.get(accreditation=accreditation).eiv_password
    assert "geheim" not in stored and accreditations.eiv_password(accreditation) == "geheim-123"
    edit = admin_client.get(reverse("courses:accreditation_edit", args=[org_a.slug, accreditation.pk])).content.decode()
    assert "geheim" not in edit and stored not in edit and "An EIV password is stored" in edit
    event = OrgAuditEvent.objects.get(action="accreditation_created")
    assert event.after["eiv_password"] == "changed" and "geheim" not in str(event.after)


def test_empty_password_keeps_the_stored_one_and_edits_are_audited(admin_client, org_a, own_version):
    """Saving without a password keeps it; the audit row holds only the fields that changed."""
    url = reverse("courses:accreditation_create", args=[org_a.slug])
    admin_client.post(url, form_data(own_version, eiv_password="geheim-123"))
    accreditation = Accreditation.objects.get()
    edit_url = reverse("courses:accreditation_edit", args=[org_a.slug, accreditation.pk])
    assert admin_client.post(edit_url, form_data(own_version, points="6")).status_code == 302
    assert accreditations.eiv_password(accreditation) == "geheim-123"
    event = OrgAuditEvent.objects.get(action="accreditation_changed")
    assert (event.before, event.after) == ({"points": "4"}, {"points": "6"})


def test_bad_vnr_and_another_organizations_course_are_refused(admin_client, org_a, org_b, own_version):
    """A wrong check digit is shown at the VNR field; a version of another organization's own course is not offered."""
    url = reverse("courses:accreditation_create", args=[org_a.slug])
    response = admin_client.post(url, form_data(own_version, vnr="2760012024200354003"))
    assert response.status_code == 400 and "check digit does not match" in response.content.decode()
    foreign = CourseVersion.objects.create(
        course=Course.objects.create(slug="kurs-b", organization=org_b), number=1, content_hash="b", minutes=360
    )
    response = admin_client.post(url, form_data(foreign))
    assert response.status_code == 400 and not Accreditation.objects.filter(key="ptk-nrw").exists()


def test_keys_rotate(settings, org_a, own_version, admin_a):
    """With a new key first, old passwords still decrypt; rotation re-encrypts them so the old key can go."""
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.HALTUNG_EIV_PASSWORD_KEYS = [old]
    accreditation = accreditations.save_accreditation(
        org_a,
        by=admin_a,
        fields={"course_version": own_version, "key": "k", "body": "B", "points": Decimal(1)},
        eiv_password="pw",
    )
    settings.HALTUNG_EIV_PASSWORD_KEYS = [new, old]
    assert accreditations.eiv_password(accreditation) == "pw"
    assert accreditations.rotate_keys() == 1
    settings.HALTUNG_EIV_PASSWORD_KEYS = [new]
    assert accreditations.eiv_password(accreditation) == "pw"


def test_without_a_key_passwords_are_refused(settings, admin_client, org_a, own_version):
    """No key configured: the form says so at the password field and nothing is stored."""
    settings.HALTUNG_EIV_PASSWORD_KEYS = []
    response = admin_client.post(
        reverse("courses:accreditation_create", args=[org_a.slug]), form_data(own_version, eiv_password="x")
    )
    assert response.status_code == 400 and "no encryption key" in response.content.decode()
    assert not AccreditationSecret.objects.exists()


def test_completion_outside_the_window_is_refused(enrollment):
    """Completing after the accreditation's end (or before its start) raises with a clear message."""
    accreditation = enrollment.accreditation
    check_completion_window(enrollment)
    accreditation.valid_until = dt.date(2025, 12, 31)
    accreditation.save()
    enrollment.refresh_from_db()
    with pytest.raises(EnrolmentError) as excinfo:
        check_completion_window(enrollment, on=dt.date(2026, 1, 1))
    assert excinfo.value.code == "outside_validity" and "ended on" in excinfo.value.message
    accreditation.valid_from = dt.date(2026, 2, 1)
    accreditation.valid_until = None
    accreditation.save()
    enrollment.refresh_from_db()
    with pytest.raises(EnrolmentError, match="not possible yet"):
        check_completion_window(enrollment, on=dt.date(2026, 1, 1))


def test_the_way_on_after_the_last_attempt_is_set_in_the_back_office(admin_client, org_a, own_version):
    """Issue 15: the form carries the rule after the last attempt, the waiting days and the contact; audited."""
    url = reverse("courses:accreditation_create", args=[org_a.slug])
    assert 'name="after_last_attempt"' in admin_client.get(url).content.decode()
    data = form_data(
        own_version,
        after_last_attempt="new_round",
        new_round_days="21",
        contact_name="Kursbüro",
        contact_email="kurs@example.org",
    )
    assert admin_client.post(url, data).status_code == 302
    accreditation = Accreditation.objects.get(key="ptk-nrw")
    assert (accreditation.after_last_attempt, accreditation.new_round_days) == ("new_round", 21)
    assert (accreditation.contact_name, accreditation.contact_email) == ("Kursbüro", "kurs@example.org")
    event = OrgAuditEvent.objects.get(action="accreditation_created")
    assert event.after["after_last_attempt"] == "new_round" and event.after["contact_email"] == "kurs@example.org"
