"""Build the Open Badges 3.0 credential of a certificate from its frozen facts only."""

import hashlib
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils.crypto import salted_hmac

from ..models import Certificate
from .jsonld import OB_V3, VC_V2
from .keys import issuer_id
from .status import status_entry

# What the achievement asks for, in the certificate's language; the abbreviation LEK is spelled out, since a
# reader of the credential (a wallet, another country's chamber) may not know it.
CRITERIA = {
    "de": "Lernerfolgskontrolle (LEK) mit mindestens {} % bestanden",
    "en": "Learning-success check (LEK, German: Lernerfolgskontrolle) passed with at least {} %",
}


def _instant(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _number(points: Decimal) -> int | float:
    # Whole points stay integers in JSON, so every JSON-LD processor writes the same literal.
    return int(points) if points == points.to_integral_value() else float(points)


def achievement_id(certificate: Certificate) -> str:
    """One achievement per course version and accreditation, shared by everyone who completed it."""
    key = f"{settings.SITE_URL}|{certificate.course_title}|{certificate.course_version}|{certificate.vnr}"
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, key)}"


def build_credential(certificate: Certificate) -> dict[str, Any]:
    identifiers = [
        {
            "type": "IdentityObject",
            "identityHash": certificate.participant_name,
            "identityType": "name",
            "hashed": False,
        }
    ]
    if certificate.participant_efn:
        # The credential is public (anyone with the code fetches it): the EFN goes in as a salted hash, which
        # the holder can prove by showing EFN and salt, and nobody can read back (docs/decisions/0704).
        salt = salted_hmac("certificates.credential.efn-salt", certificate.code).hexdigest()[:32]
        identifiers.append(
            {
                "type": "IdentityObject",
                "identityHash": "sha256$" + hashlib.sha256((certificate.participant_efn + salt).encode()).hexdigest(),
                "identityType": "ext:EFN",
                "hashed": True,
                "salt": salt,
            }
        )
    achievement: dict[str, Any] = {
        "id": achievement_id(certificate),
        "type": ["Achievement"],
        "achievementType": "Course",
        "name": certificate.course_title,
        "description": certificate.course_format,
        "version": str(certificate.course_version),
        "criteria": {"narrative": CRITERIA.get(certificate.language, CRITERIA["en"]).format(certificate.pass_mark)},
    }
    subject: dict[str, Any] = {
        "type": ["AchievementSubject"],
        "identifier": identifiers,
        "achievement": achievement,
        "activityEndDate": _instant(certificate.completed_at),
        "result": [{"type": ["Result"], "status": "Completed"}],
    }
    if certificate.points is not None:
        achievement["creditsAvailable"] = _number(certificate.points)
        subject["creditsEarned"] = _number(certificate.points)
    if certificate.vnr:
        achievement["humanCode"] = certificate.vnr
    credential: dict[str, Any] = {
        "@context": [VC_V2, OB_V3],
        "id": certificate.credential_id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer_id(), "type": ["Profile"], "name": settings.HALTUNG_ISSUER_NAME},
        "validFrom": _instant(certificate.issued_at),
        "name": certificate.course_title,
        "description": certificate.wording or certificate.course_format,
        "credentialSubject": subject,
        # Revocation and supersession flip this bit in the published status list (docs/decisions/0111).
        "credentialStatus": status_entry(certificate.pk),
    }
    if certificate.expires_at:
        credential["validUntil"] = _instant(certificate.expires_at)
    return credential


def signed_credential(certificate: Certificate, *, now: datetime) -> dict[str, Any] | None:
    """The credential with a proof by the current signing key; None when no key is configured."""
    from .keys import signing_key
    from .proofs import sign

    key = signing_key()
    if key is None:
        return None
    return sign(build_credential(certificate), key=key, created=now)
