"""
Offer to a wallet: a contract test written from OpenID for Verifiable Credential Issuance 1.0 (pre-authorized
code flow). The test plays the wallet: it reads the offer the learner is shown, discovers the metadata from the
Credential Issuer Identifier alone, trades the code for a token and the token for the credential.
"""

import json
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from certificates import services
from certificates.models import WalletOffer
from tests.certificates import independent_verifier as independent

pytestmark = [pytest.mark.django_db, pytest.mark.filterwarnings("ignore::DeprecationWarning")]
PRE_AUTH = "urn:ietf:params:oauth:grant-type:pre-authorized_code"


def local(url: str) -> str:
    """The path of a URL under the test site's public address."""
    return url.removeprefix("http://127.0.0.1:8000")


def shown_offer(learner_client, certificate) -> dict:
    """Ask for an offer as the learner does and read the Credential Offer from the link on the page (4.1)."""
    page = learner_client.post(reverse("certificates:wallet_offer", args=[certificate.code]))
    assert page.status_code == 200 and page["Cache-Control"] == "no-store"
    html = page.content.decode()
    link = html.split('href="openid-credential-offer://', 1)[1].split('"', 1)[0]
    query = parse_qs(urlsplit("openid-credential-offer://" + link.replace("&amp;", "&")).query)
    assert set(query) == {"credential_offer"}
    assert '<img src="data:image/svg+xml;base64,' in html
    return json.loads(query["credential_offer"][0])


def redeem(wallet: Client, token_endpoint: str, code: str):
    return wallet.post(local(token_endpoint), {"grant_type": PRE_AUTH, "pre-authorized_code": code})


def discover(wallet: Client, offer: dict) -> tuple[dict, dict]:
    """Issuer metadata at /.well-known/openid-credential-issuer (12.2.2); the issuer is its own AS (RFC 8414)."""
    issuer = offer["credential_issuer"]
    metadata = wallet.get(local(issuer) + "/.well-known/openid-credential-issuer").json()
    assert metadata["credential_issuer"] == issuer
    authorization = wallet.get(local(issuer) + "/.well-known/oauth-authorization-server").json()
    assert authorization["issuer"] == issuer
    assert authorization["pre-authorized_grant_anonymous_access_supported"] is True
    return metadata, authorization


def test_wallet_receives_the_signed_credential(learner_client, certificate, client):
    """Offer → metadata → token → credential: the wallet gets the stored credential, and it verifies."""
    offer = shown_offer(learner_client, certificate)
    assert set(offer) == {"credential_issuer", "credential_configuration_ids", "grants"}
    configuration_id = offer["credential_configuration_ids"][0]
    code = offer["grants"][PRE_AUTH]["pre-authorized_code"]
    assert "tx_code" not in offer["grants"][PRE_AUTH]

    metadata, authorization = discover(client, offer)
    configuration = metadata["credential_configurations_supported"][configuration_id]
    assert configuration["format"] == "ldp_vc"
    assert configuration["credential_definition"]["type"] == ["VerifiableCredential", "OpenBadgeCredential"]

    token = redeem(client, authorization["token_endpoint"], code)
    assert token.status_code == 200 and token["Cache-Control"] == "no-store"
    body = token.json()
    assert body["token_type"].lower() == "bearer" and body["expires_in"] > 0

    response = client.post(
        local(metadata["credential_endpoint"]),
        json.dumps({"credential_configuration_id": configuration_id}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {body['access_token']}",
    )
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    credentials = response.json()["credentials"]
    assert len(credentials) == 1 and credentials[0]["credential"] == certificate.credential
    issuer = client.get(reverse("certificates:issuer")).json()
    keys = {
        m["id"]: independent.public_key_from_multikey(m["publicKeyMultibase"]) for m in issuer["verificationMethod"]
    }
    assert independent.verify(credentials[0]["credential"], keys)
    assert WalletOffer.objects.get().delivered_at is not None


def test_codes_and_tokens_are_single_use_and_expire(learner_client, certificate, client):
    """A used or expired code is invalid_grant (6.3); a used or wrong token is 401 invalid_token (RFC 6750)."""
    offer = shown_offer(learner_client, certificate)
    code = offer["grants"][PRE_AUTH]["pre-authorized_code"]
    metadata, authorization = discover(client, offer)
    token = redeem(client, authorization["token_endpoint"], code).json()["access_token"]
    again = redeem(client, authorization["token_endpoint"], code)
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"
    assert redeem(client, authorization["token_endpoint"], "made-up").json()["error"] == "invalid_grant"
    wrong_grant = client.post(local(authorization["token_endpoint"]), {"grant_type": "authorization_code"})
    assert wrong_grant.status_code == 400 and wrong_grant.json()["error"] == "unsupported_grant_type"

    endpoint = local(metadata["credential_endpoint"])
    request = json.dumps({"credential_configuration_id": offer["credential_configuration_ids"][0]})
    unknown = client.post(
        endpoint,
        json.dumps({"credential_configuration_id": "x"}),
        "application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert unknown.status_code == 400 and unknown.json()["error"] == "unknown_credential_configuration"
    assert client.post(endpoint, request, "application/json", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
    reused = client.post(endpoint, request, "application/json", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert reused.status_code == 401 and reused["WWW-Authenticate"] == 'Bearer error="invalid_token"'
    assert client.post(endpoint, request, "application/json").status_code == 401
    assert client.post(endpoint, "[]", "application/json", HTTP_AUTHORIZATION="Bearer x").status_code == 400

    late = shown_offer(learner_client, certificate)
    WalletOffer.objects.filter(redeemed_at__isnull=True).update(expires_at=timezone.now() - timedelta(seconds=1))
    expired = redeem(client, authorization["token_endpoint"], late["grants"][PRE_AUTH]["pre-authorized_code"])
    assert expired.json()["error"] == "invalid_grant"


def test_only_the_holder_and_only_valid_certificates(learner_client, certificate, learner, make_user, client):
    """Another user gets 404; a revoked certificate is not offered, and a pending offer stops delivering."""
    client.force_login(make_user("other@example.org", "Other"))
    assert client.post(reverse("certificates:wallet_offer", args=[certificate.code])).status_code == 404
    wallet = Client()
    offer = shown_offer(learner_client, certificate)
    token = redeem(wallet, reverse("certificates:oid4vci_token"), offer["grants"][PRE_AUTH]["pre-authorized_code"])
    services.revoke(certificate, by=learner, reason="Issued in error")
    refused = wallet.post(
        reverse("certificates:oid4vci_credential"),
        json.dumps({"credential_configuration_id": offer["credential_configuration_ids"][0]}),
        "application/json",
        HTTP_AUTHORIZATION=f"Bearer {token.json()['access_token']}",
    )
    assert refused.status_code == 400 and refused.json()["error"] == "invalid_credential_request"
    page = learner_client.post(reverse("certificates:wallet_offer", args=[certificate.code]), follow=True)
    assert "Only a valid certificate" in page.content.decode() or "gültige" in page.content.decode()
    assert WalletOffer.objects.count() == 1
