"""Public verification: HTML and JSON by code, statuses, mistyped and unknown codes, per-client rate limit."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from certificates import codes, services

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_counts():
    cache.clear()


def _json(client, code, **extra):
    return client.get(reverse("certificates:verify_json", args=[code]), **extra)


def _unknown_code() -> str:
    data = codes.normalize(codes.new_code())[:12]
    return codes.format_code(data + codes.check_character(data))


def test_json_shows_status_and_frozen_facts_only(client, certificate):
    """The JSON has the status and the printed facts; nothing internal (no ids, no e-mail)."""
    response = _json(client, certificate.code)
    assert response.status_code == 200
    facts = response.json()
    assert facts["status"] == "valid"
    assert facts["participant"]["name"] == "Alex Beispiel"
    assert facts["accreditation"] == {"body": "Testkammer", "vnr": certificate.vnr, "category": "D", "points": "2"}
    assert facts["result"] == {"passed": True}  # the score is the holder's (tests/security)
    assert facts["credential_url"].endswith("/credential.json")
    text = response.content.decode()
    assert "learner@example.org" not in text and '"user"' not in text and '"enrollment"' not in text


def test_json_revoked_superseded_and_expired(client, certificate, make_user):
    """Revoked shows when (the reason is the holder's); superseded points at the successor."""
    admin = make_user("clerk@example.org", "Clerk")
    new = services.correct(certificate, by=admin, changes={"participant_name": "Alex Beispiel-Neu"}, reason="Name")
    old = _json(client, certificate.code).json()
    assert old["status"] == "superseded" and old["superseded_by"]["code"] == new.code
    services.revoke(new, by=admin, reason="Attempt was not by the participant")
    revoked = _json(client, new.code).json()
    assert revoked["status"] == "revoked" and revoked["revocation"]["at"] and "reason" not in revoked["revocation"]


def test_expired_status(client, certificate):
    """A certificate whose validity has run out verifies as expired, with the date."""
    type(certificate).objects.filter(pk=certificate.pk).update(expires_at=timezone.now() - timedelta(days=1))
    assert _json(client, certificate.code).json()["status"] == "expired"
    page = client.get(reverse("certificates:verify", args=[certificate.code]), HTTP_ACCEPT_LANGUAGE="en")
    assert "Expired." in page.content.decode()


def test_json_mistyped_and_unknown(client, certificate):
    """A wrong check character answers 400 'mistyped'; an unknown code 404 'unknown'."""
    raw = codes.normalize(certificate.code)
    typo = raw[:-1] + ("A" if raw[-1] != "A" else "B")
    assert _json(client, typo).json()["error"] == "mistyped"
    response = _json(client, _unknown_code())
    assert response.status_code == 404 and response.json()["error"] == "unknown"


def test_unknown_code_page_says_so(client):
    """The HTML 404 for an unknown code says that no certificate has it."""
    response = client.get(reverse("certificates:verify", args=[_unknown_code()]), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404 and "No certificate with the code" in response.content.decode()


def test_rate_limit_per_client(client, certificate, settings):
    """Past the limit a client gets 429 with Retry-After; another client is still served."""
    settings.HALTUNG_VERIFY_RATE_LIMIT = 5
    for _ in range(5):
        assert _json(client, certificate.code, REMOTE_ADDR="203.0.113.7").status_code == 200
    limited = _json(client, certificate.code, REMOTE_ADDR="203.0.113.7")
    assert limited.status_code == 429 and int(limited["Retry-After"]) >= 1
    page = client.get(reverse("certificates:verify", args=[certificate.code]), REMOTE_ADDR="203.0.113.7")
    assert page.status_code == 429
    assert _json(client, certificate.code, REMOTE_ADDR="198.51.100.9").status_code == 200


def test_rate_limit_counts_unknown_codes_too(client, settings):
    """Guessing codes is limited as well: 404s count."""
    settings.HALTUNG_VERIFY_RATE_LIMIT = 3
    statuses = [_json(client, _unknown_code()).status_code for _ in range(4)]
    assert statuses == [404, 404, 404, 429]


def test_verification_page_offers_the_credential(client, certificate):
    """The public page links the JSON facts and the signed credential."""
    page = client.get(reverse("certificates:verify", args=[certificate.code])).content.decode()
    assert reverse("certificates:verify_json", args=[certificate.code]) in page
    assert reverse("certificates:verify_credential", args=[certificate.code]) in page


def test_issuer_publishes_its_keys(client):
    """The issuer document lists the verification methods as Multikeys."""
    document = client.get(reverse("certificates:issuer")).json()
    method = document["verificationMethod"][0]
    assert method["type"] == "Multikey" and method["publicKeyMultibase"].startswith("z6Mk")


def test_verification_reads_the_certificate_and_its_published_list_in_one_query(
    client, certificate, django_assert_num_queries
):
    """The page and the JSON read the certificate with the encoded revocation list its bit is published in, in
    one query (decision 0414); the status comes from the row on every request, so a revocation shows at once."""
    url = reverse("certificates:verify", args=[certificate.code])
    with django_assert_num_queries(1):
        assert client.get(url).status_code == 200
    with django_assert_num_queries(1):
        assert _json(client, certificate.code).json()["status_list"]["revoked"] is False  # published at issue
    services.revoke(certificate, by=certificate.user, reason="Attempt was not by the participant")
    with django_assert_num_queries(1):
        facts = _json(client, certificate.code).json()
    # The row says revoked at once; the signed list is re-published by the worker after the commit.
    assert facts["status"] == "revoked"
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Revoked." in page
