"""Public verification shows what a verifier needs; EFN, licence number and score only to the holder and admins."""

import hashlib

import pytest
from django.test import Client
from django.urls import reverse

from certificates import services
from certificates.models import Certificate
from organizations.models import Membership
from tests.certificates.conftest import VALID_EFN

pytestmark = pytest.mark.django_db

LICENCE = "PP-4711-HH"


@pytest.fixture
def identified_certificate(passed_enrollment, learner, signature, django_capture_on_commit_callbacks):
    """A certificate of a learner with EFN and licence number, issued in an organization's course."""
    learner.efn, learner.licence_number = VALID_EFN, LICENCE
    learner.save(update_fields=["efn", "licence_number"])
    with django_capture_on_commit_callbacks(execute=True):
        issued = services.issue(passed_enrollment, by=learner)
    issued.refresh_from_db()
    assert issued.participant_efn == VALID_EFN and issued.participant_licence == LICENCE
    return issued


def _json(client, certificate):
    return client.get(reverse("certificates:verify_json", args=[certificate.code])).json()


def _page(client, certificate):
    return client.get(reverse("certificates:verify", args=[certificate.code]), HTTP_ACCEPT_LANGUAGE="en")


def test_public_json_has_no_efn_licence_or_score(client, identified_certificate):
    """Anyone with the code learns name, course, date, points, VNR and status, and nothing about the person else."""
    facts = _json(client, identified_certificate)
    text = str(facts)
    assert VALID_EFN not in text and LICENCE not in text
    assert "efn" not in facts["participant"] and "licence_number" not in facts["participant"]
    assert "percent" not in facts["result"]
    assert facts["participant"]["name"] == "Alex Beispiel" and facts["status"] == "valid"
    assert facts["course"]["title"] and facts["completed_at"] and facts["accreditation"]["vnr"]
    assert facts["accreditation"]["points"] == "2"


def test_public_page_has_no_efn_licence_or_score(client, identified_certificate):
    page = _page(client, identified_certificate).content.decode()
    assert VALID_EFN not in page and LICENCE not in page
    assert "100 %" not in page and "passed, 100" not in page
    assert "Alex Beispiel" in page


def test_revocation_reason_stays_with_the_holder(client, identified_certificate, make_user, learner):
    """The public sees that and when it was revoked; the reason is for the holder."""
    clerk = make_user("clerk@example.org", "Clerk")
    services.revoke(identified_certificate, by=clerk, reason="Attempt was not by the participant")
    public = _json(client, identified_certificate)
    assert public["status"] == "revoked" and "reason" not in public["revocation"]
    assert "not by the participant" not in _page(client, identified_certificate).content.decode()
    holder = Client()
    holder.force_login(learner)
    assert _json(holder, identified_certificate)["revocation"]["reason"] == "Attempt was not by the participant"


def test_holder_and_entitled_admin_see_the_full_facts(identified_certificate, learner, member, organization):
    """The holder and the admins of the organization running the course see EFN, licence number and score."""
    course = identified_certificate.enrollment.course_version.course
    course.organization = organization
    course.save(update_fields=["organization"])
    holder = Client()
    holder.force_login(learner)
    _admin, admin = member(organization, Membership.Role.ADMIN, "admin@example.org")
    for client in (holder, admin):
        facts = _json(client, identified_certificate)
        assert facts["participant"]["efn"] == VALID_EFN and facts["participant"]["licence_number"] == LICENCE
        assert facts["result"]["percent"] == "100.00"
        assert VALID_EFN in _page(client, identified_certificate).content.decode()
    _stranger, stranger = member(course.organization.__class__.objects.create(name="B", slug="b"), "admin", "b@x.org")
    assert "efn" not in _json(stranger, identified_certificate)["participant"]


def test_credential_identifies_the_holder_by_a_salted_hash_of_the_efn(client, identified_certificate):
    """The public credential carries no EFN or licence number in clear; the holder can prove the EFN with the salt."""
    credential = Certificate.objects.get(pk=identified_certificate.pk).credential
    text = str(credential)
    assert VALID_EFN not in text and LICENCE not in text
    efn_id = next(i for i in credential["credentialSubject"]["identifier"] if i["identityType"] == "ext:EFN")
    assert efn_id["hashed"] is True and efn_id["salt"]
    assert efn_id["identityHash"] == "sha256$" + hashlib.sha256((VALID_EFN + efn_id["salt"]).encode()).hexdigest()
    served = client.get(reverse("certificates:verify_credential", args=[identified_certificate.code]))
    assert VALID_EFN not in served.content.decode()
