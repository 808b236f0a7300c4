"""The issue's 'done when', end to end through the views (the EIV part is test_reporting's cohort test)."""

import copy
import json

import pytest
from django.test import Client
from django.urls import reverse

from certificates.models import Certificate
from enrolments.models import Enrollment
from organizations.models import Membership
from quizzes.models import Attempt
from tests.certificates import independent_verifier as independent
from tests.certificates.tools import scan
from tests.conftest import answer_all, complete_all_steps

pytestmark = [pytest.mark.django_db, pytest.mark.filterwarnings("ignore::DeprecationWarning")]


def test_pass_scan_correct_revoke_and_verify_offline(
    org_version, organization, learner, learner_client, member, signature, tmp_path, django_capture_on_commit_callbacks
):
    """Pass → PDF → QR says valid; name corrected → old superseded; revoke → revoked; credential checks offline."""
    from organizations.services import add_member

    add_member(organization, user=learner)  # the organization's own course is for its members (decision 0706)
    learner_client.post(reverse("enrolments:enroll", args=[org_version.course.slug]))
    enrollment = Enrollment.objects.get(user=learner)
    complete_all_steps(enrollment)
    learner_client.post(reverse("quizzes:start", args=[enrollment.pk]))
    attempt = Attempt.objects.get(enrollment=enrollment)
    learner_client.post(reverse("quizzes:submit", args=[attempt.pk]), answer_all(attempt, correct=True))
    with django_capture_on_commit_callbacks(execute=True):
        learner_client.post(reverse("certificates:claim", args=[enrollment.pk]))
    certificate = Certificate.objects.get()

    # Receive the PDF and scan its QR code: the page says valid.
    pdf = tmp_path / "certificate.pdf"
    pdf.write_bytes(
        b"".join(learner_client.get(reverse("certificates:download", args=[certificate.code])).streaming_content)
    )
    url = next(line for line in scan(pdf, tmp_path) if line.startswith("http"))
    public = Client()
    assert "Valid." in public.get(url.removeprefix("http://127.0.0.1:8000"), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    # The credential verifies offline with the published key, and fails after an edit.
    credential = json.loads(public.get(reverse("certificates:verify_credential", args=[certificate.code])).content)
    issuer = public.get(reverse("certificates:issuer")).json()
    keys = {
        m["id"]: independent.public_key_from_multikey(m["publicKeyMultibase"]) for m in issuer["verificationMethod"]
    }
    assert independent.verify(credential, keys)
    edited = copy.deepcopy(credential)
    edited["credentialSubject"]["identifier"][0]["identityHash"] = "Mallory"
    assert not independent.verify(edited, keys)

    # An admin corrects the name: new code, the old one is superseded by it.
    _admin, admin = member(organization, Membership.Role.ADMIN, "admin@example.org")
    manage = reverse("certificates:org_certificate", args=[organization.slug, certificate.code])
    with django_capture_on_commit_callbacks(execute=True):
        admin.post(
            manage,
            {
                "action": "correct",
                "correct-participant_name": "Alex Beispiel-Korrekt",
                "correct-participant_efn": "",
                "correct-participant_licence": "",
                "correct-reason": "Typo in the surname",
            },
        )
    corrected = Certificate.objects.get(participant_name="Alex Beispiel-Korrekt")
    old = public.get(reverse("certificates:verify_json", args=[certificate.code])).json()
    assert corrected.code != certificate.code
    assert old["status"] == "superseded" and old["superseded_by"]["code"] == corrected.code
    assert corrected.pdf and corrected.credential

    # Revoke the corrected one: verification says revoked; the reason is for the holder and the admin.
    admin.post(
        reverse("certificates:org_certificate", args=[organization.slug, corrected.code]),
        {"action": "revoke", "revoke-reason": "Completed by someone else"},
    )
    page = public.get(reverse("certificates:verify", args=[corrected.code]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Revoked." in page and "Completed by someone else" not in page
    own = admin.get(reverse("certificates:verify", args=[corrected.code]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Completed by someone else" in own
