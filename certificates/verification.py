"""What the public verification pages tell: the status and the frozen facts, nothing more."""

from typing import Any

from django.urls import reverse

from .credentials.status import position, status_entry
from .models import Certificate
from .services.status import published_bit


def public_facts(certificate: Certificate) -> dict[str, Any]:
    """The JSON a verifier gets; the HTML page shows the same facts."""
    status = certificate.public_status()
    facts: dict[str, Any] = {
        "code": certificate.code,
        "status": status,
        "participant": {
            "name": certificate.participant_name,
            "efn": certificate.participant_efn or None,
            "licence_number": certificate.participant_licence or None,
            "pseudonymised": certificate.pseudonymised_at is not None,
        },
        "course": {
            "title": certificate.course_title,
            "version": certificate.course_version,
            "format": certificate.course_format,
        },
        "completed_at": certificate.completed_at.isoformat(),
        "accreditation": {
            "body": certificate.accreditation_body or None,
            "vnr": certificate.vnr or None,
            "category": certificate.category or None,
            "points": None if certificate.points is None else str(certificate.points.normalize()),
        },
        "organizer": certificate.organizer,
        "scientific_lead": certificate.scientific_lead or None,
        "result": {
            "passed": certificate.result_percent >= certificate.pass_mark,
            "percent": str(certificate.result_percent),
        },
        "issued_at": certificate.issued_at.isoformat(),
        "expires_at": certificate.expires_at.isoformat() if certificate.expires_at else None,
        "language": certificate.language,
        "verification_url": certificate.verification_url,
    }
    if status == Certificate.Status.REVOKED and certificate.revoked_at is not None:
        facts["revocation"] = {"at": certificate.revoked_at.isoformat(), "reason": certificate.revocation_reason}
    successor = certificate.superseded_by if status == Certificate.Status.SUPERSEDED else None
    if successor is not None:
        facts["superseded_by"] = {"code": successor.code, "verification_url": successor.verification_url}
    if certificate.credential:
        facts["credential_url"] = reverse("certificates:verify_credential", args=[certificate.code])
    facts["status_list"] = status_list_facts(certificate)
    return facts


def status_list_facts(certificate: Certificate) -> dict[str, Any]:
    """Where the certificate's revocation bit is published, and what the published list says now.

    ``revoked`` is None until the worker has published the list; it trails a revocation by one task run.
    """
    entry = status_entry(certificate.pk)
    return {
        "credential": entry["statusListCredential"],
        "index": position(certificate.pk)[1],
        "purpose": entry["statusPurpose"],
        "revoked": published_bit(certificate),
    }
