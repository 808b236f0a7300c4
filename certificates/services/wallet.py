"""
Offer a certificate's credential to a wallet with OpenID for Verifiable Credential Issuance 1.0, pre-authorized
code flow (docs/decisions/0113).

The learner asks for an offer on their certificate page; the offer (a QR code and an
``openid-credential-offer://`` link) carries a random pre-authorized code. The wallet trades the code for an
access token at the token endpoint and the token for the stored, already signed credential at the credential
endpoint. Code and token are single-use and short-lived; only their SHA-256 digests are stored.
"""

import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ..credentials.jsonld import OB_V3, VC_V2
from ..models import Certificate, WalletOffer
from .errors import CertificateError

PRE_AUTHORIZED_GRANT = "urn:ietf:params:oauth:grant-type:pre-authorized_code"
CONFIGURATION_ID = "OpenBadgeCredential_ldp_vc"
CODE_LIFETIME = timedelta(minutes=10)
TOKEN_LIFETIME = timedelta(minutes=5)


class WalletError(Exception):
    """An OAuth / OpenID4VCI error answer: ``error`` code, HTTP status, optional description."""

    def __init__(self, error: str, *, status: int = 400, description: str = "") -> None:
        super().__init__(description or error)
        self.error, self.status, self.description = error, status, description


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def credential_issuer() -> str:
    """The Credential Issuer Identifier: the site's origin, so the metadata sits at /.well-known/…."""
    return settings.SITE_URL


def issuer_metadata() -> dict[str, Any]:
    """Credential Issuer Metadata (OpenID4VCI 1.0, section 12.2)."""
    return {
        "credential_issuer": credential_issuer(),
        "credential_endpoint": settings.SITE_URL + reverse("certificates:oid4vci_credential"),
        "display": [{"name": settings.HALTUNG_ISSUER_NAME, "locale": "de"}],
        "credential_configurations_supported": {
            CONFIGURATION_ID: {
                "format": "ldp_vc",
                "credential_definition": {
                    "@context": [VC_V2, OB_V3],
                    "type": ["VerifiableCredential", "OpenBadgeCredential"],
                },
                "credential_signing_alg_values_supported": ["eddsa-rdfc-2022"],
                "credential_metadata": {
                    "display": [
                        {"name": "Fortbildungszertifikat", "locale": "de"},
                        {"name": "CPD certificate", "locale": "en"},
                    ]
                },
            }
        },
    }


def authorization_server_metadata() -> dict[str, Any]:
    """OAuth 2.0 Authorization Server Metadata (RFC 8414): the issuer is its own authorization server."""
    return {
        "issuer": credential_issuer(),
        "token_endpoint": settings.SITE_URL + reverse("certificates:oid4vci_token"),
        "grant_types_supported": [PRE_AUTHORIZED_GRANT],
        "response_types_supported": [],
        "pre-authorized_grant_anonymous_access_supported": True,
    }


@dataclass(frozen=True)
class Offer:
    offer: WalletOffer
    uri: str


def offer_uri(code: str) -> str:
    """The Credential Offer by value, as the ``openid-credential-offer://`` link a wallet opens (section 4.1)."""
    offer = {
        "credential_issuer": credential_issuer(),
        "credential_configuration_ids": [CONFIGURATION_ID],
        "grants": {PRE_AUTHORIZED_GRANT: {"pre-authorized_code": code}},
    }
    return "openid-credential-offer://?credential_offer=" + quote(json.dumps(offer, separators=(",", ":")), safe="")


@transaction.atomic
def create_offer(certificate: Certificate, *, by: Any) -> Offer:
    """A fresh offer for the learner's own, valid, signed certificate."""
    if certificate.user_id != getattr(by, "pk", None):
        raise CertificateError(_("Only the certificate holder can send it to a wallet."), code="not_holder")
    if certificate.public_status() != "valid":
        raise CertificateError(_("Only a valid certificate can be sent to a wallet."), code="not_valid")
    if not certificate.credential:
        raise CertificateError(_("The digital credential is still being signed; try again shortly."), code="unsigned")
    code = secrets.token_urlsafe(32)
    offer = WalletOffer.objects.create(
        certificate=certificate, code_digest=_digest(code), expires_at=timezone.now() + CODE_LIFETIME
    )
    return Offer(offer=offer, uri=offer_uri(code))


@transaction.atomic
def redeem_code(*, grant_type: str, code: str) -> dict[str, Any]:
    """Token endpoint (section 6): a pre-authorized code buys one short-lived access token, once."""
    if grant_type != PRE_AUTHORIZED_GRANT:
        raise WalletError("unsupported_grant_type", description="Only the pre-authorized code grant is supported.")
    if not code:
        raise WalletError("invalid_request", description="pre-authorized_code is missing.")
    now = timezone.now()
    offer = WalletOffer.objects.select_for_update().filter(code_digest=_digest(code)).first()
    if offer is None or offer.redeemed_at is not None or offer.expires_at <= now:
        raise WalletError("invalid_grant", description="The pre-authorized code is unknown, used or expired.")
    token = secrets.token_urlsafe(32)
    offer.redeemed_at = now
    offer.token_digest = _digest(token)
    offer.token_expires_at = now + TOKEN_LIFETIME
    offer.save(update_fields=["redeemed_at", "token_digest", "token_expires_at"])
    return {"access_token": token, "token_type": "Bearer", "expires_in": int(TOKEN_LIFETIME.total_seconds())}


@transaction.atomic
def deliver_credential(*, token: str, request: dict[str, Any]) -> dict[str, Any]:
    """Credential endpoint (section 8): the stored, signed credential for a valid token, once."""
    now = timezone.now()
    offer = (
        WalletOffer.objects.select_for_update(of=("self",))
        .select_related("certificate")
        .filter(token_digest=_digest(token))
        .first()
        if token
        else None
    )
    if (
        offer is None
        or offer.delivered_at is not None
        or offer.token_expires_at is None
        or offer.token_expires_at <= now
    ):
        raise WalletError("invalid_token", status=401, description="The access token is unknown, used or expired.")
    if request.get("credential_configuration_id") != CONFIGURATION_ID:
        raise WalletError(
            "unknown_credential_configuration",
            description=f"Request {CONFIGURATION_ID!r} as credential_configuration_id.",
        )
    certificate = offer.certificate
    if certificate.public_status() != "valid" or not certificate.credential:
        raise WalletError("invalid_credential_request", description="This certificate is no longer valid.")
    offer.delivered_at = now
    offer.save(update_fields=["delivered_at"])
    return {"credentials": [{"credential": certificate.credential}]}
