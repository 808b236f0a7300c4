"""Each server error and unbounded text of issue 18 outside uploads and packages, reproduced, then fixed."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import User
from accounts.services import NewAccount, create_accounts
from certificates.models import ExternalCredit

from .conftest import english_client

RLO = "\u202e"


def test_registration_stores_the_printed_name_without_direction_overrides(client, db):
    """An RLO in a name would print it backwards on the certificate; it is removed before storing."""
    response = client.post(
        reverse("accounts:register"),
        {
            "name": f"Alex {RLO}leipsieB",
            "email": "alex@example.org",
            "efn": "",
            "licence_number": "",
            "language": "en",
            "password1": "a-long-test-password-1",
            "password2": "a-long-test-password-1",
        },
    )
    assert response.status_code == 302
    assert User.objects.get(email="alex@example.org").name == "Alex leipsieB"


@pytest.mark.parametrize("field", ["name", "licence_number"])
def test_profile_refuses_control_characters(learner, field):
    client = english_client(learner)
    data = {"name": "Alex Beispiel", "efn": "", "licence_number": "", "language": "en"}
    data[field] = "Alex\x1b[2JBeispiel"
    response = client.post(reverse("accounts:profile"), data)
    assert response.status_code == 200  # the form page again, with the error
    assert "control character" in response.content.decode()
    learner.refresh_from_db()
    assert learner.name == "Alex Beispiel"


def test_transcript_far_start_date_is_a_page_not_a_server_error(learner):
    """``?start=9999-12-31`` overflowed the year in the 5-year periods (500 "year 10004 is out of range")."""
    ExternalCredit.objects.create(
        user=learner, title="Supervision", completed_on=dt.date(2024, 3, 1), points=Decimal("4")
    )
    client = english_client(learner)
    for start in ("9999-12-31", "0001-01-01", "9999-99-99", "2024-01-01\x00"):
        response = client.get(reverse("certificates:transcript"), {"start": start})
        assert response.status_code == 200, start
    assert (
        client.get(reverse("certificates:transcript_export", args=["csv"]), {"start": "9999-12-31"}).status_code == 200
    )


def test_bulk_accounts_refuse_an_address_longer_than_the_column(db):
    """A 311-character address passes Django's e-mail check (up to 320) but not the 254-character column."""
    address = "a" * 64 + "@" + ".".join(["b" * 60] * 4) + ".example"
    assert len(address) > 254
    with pytest.raises(ValidationError) as error:
        create_accounts([NewAccount(email=address, name="Long Address")])
    assert "254" in error.value.messages[0]
    assert len(error.value.messages[0]) < 200  # the address is quoted as a short excerpt only
    assert not User.objects.filter(name="Long Address").exists()


def test_bulk_accounts_clean_printed_names(db):
    (user,) = create_accounts([NewAccount(email="x@example.org", name=f"Alex {RLO}Beispiel")])
    assert user.name == "Alex Beispiel"


def test_member_search_with_nul_is_a_page(admin_client, organization):
    """A NUL in ``?q=`` reached PostgreSQL ("A string literal cannot contain NUL") and gave a 500."""
    response = admin_client.get(reverse("organizations:members", args=[organization.slug]), {"q": "Ada\x00"})
    assert response.status_code == 200
    assert "\x00" not in response.content.decode()
    assert "Ada Admin" in response.content.decode()


def test_certificate_search_with_nul_is_a_page(admin_client, organization):
    response = admin_client.get(
        reverse("certificates:org_certificates", args=[organization.slug]), {"q": "\x00" + "x" * 5000}
    )
    assert response.status_code == 200
    assert "\x00" not in response.content.decode()
    assert 'value="' + "x" * 100 + '"' in response.content.decode()  # the search box keeps 100 characters


def test_organization_settings_clean_printed_lines(admin_client, organization):
    response = admin_client.post(
        reverse("organizations:settings", args=[organization.slug]),
        {
            "name": f"Institut {RLO}droN",
            "organizer_line": f"Institut\u200b Nord{RLO}",
            "contact_email": "",
            "default_language": "de",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    organization.refresh_from_db()
    assert (organization.name, organization.organizer_line) == ("Institut droN", "Institut Nord")


def test_organization_settings_refuse_control_characters(admin_client, organization):
    response = admin_client.post(
        reverse("organizations:settings", args=[organization.slug]),
        {"name": "Institut\x07Nord", "organizer_line": "", "contact_email": "", "default_language": "de"},
    )
    assert response.status_code == 400
    organization.refresh_from_db()
    assert organization.name == "Institut Nord"


def test_invited_person_names_are_cleaned(db, organization, org_admin):
    from organizations import services

    invitation = services.invite_member(organization, email="new@example.org", role="learner", by=org_admin)
    token = services.invitation_token(invitation)
    response = english_client().post(
        reverse("organizations:accept", args=[token]),
        {"name": f"Nia {RLO}weN", "password1": "a-long-test-password-1", "password2": "a-long-test-password-1"},
    )
    assert response.status_code == 302
    assert User.objects.get(email="new@example.org").name == "Nia weN"


def test_a_body_over_the_request_cap_is_refused_unread(admin_client, organization, settings):
    """The declared length alone decides: the 50 MB body is never read (the payload here is a few bytes)."""
    response = admin_client.post(
        reverse("organizations:settings", args=[organization.slug]),
        data=b"x" * 10,
        content_type="application/octet-stream",
        CONTENT_LENGTH=str(50 * 1024 * 1024),
    )
    assert response.status_code == 413
    assert "larger than 11 MB" in response.content.decode()


def test_an_external_entry_dated_9999_is_refused_and_old_ones_still_show(learner):
    """A credit dated 9999-12-31 overflowed the periods (500 "year 10001 is out of range") on every view."""
    client = english_client(learner)
    response = client.post(
        reverse("certificates:transcript_add"),
        {"title": "Far future", "completed_on": "9999-12-31", "points": "1", "category": "", "body": ""},
    )
    assert response.status_code == 400
    assert "between 1950-01-01 and today" in response.content.decode()
    # Stored before the form refused such dates: the transcript still renders.
    ExternalCredit.objects.create(user=learner, title="Old", completed_on=dt.date(9999, 12, 31), points=Decimal(1))
    ExternalCredit.objects.create(user=learner, title="Older", completed_on=dt.date(2024, 1, 1), points=Decimal(1))
    assert client.get(reverse("certificates:transcript")).status_code == 200
    assert client.get(reverse("certificates:transcript_export", args=["csv"])).status_code == 200


def test_evidence_is_checked_by_content(learner):
    """A renamed HTML file was stored as evidence and handed back on download."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = english_client(learner)
    data = {"title": "Kurs", "completed_on": "2025-01-02", "points": "1", "category": "", "body": ""}
    html = SimpleUploadedFile("proof.pdf", b"<html><script>alert(1)</script></html>")
    response = client.post(reverse("certificates:transcript_add"), {**data, "evidence": html})
    assert response.status_code == 400 and "Upload a PDF, PNG or JPEG file." in response.content.decode()
    pdf = SimpleUploadedFile("proof.pdf", b"%PDF-1.4\n%%EOF\n")
    assert client.post(reverse("certificates:transcript_add"), {**data, "evidence": pdf}).status_code == 302
