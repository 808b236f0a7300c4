"""
What the public verification pages tell: the status and the frozen facts a verifier needs (name, course,
date, points, VNR, status), nothing more. The EFN, the licence number, the score and a revocation's reason
are the holder's; they and the admins of the organizations entitled to the certificate see them too
(docs/decisions/0704).
"""

from typing import Any

from django.db.models import Q
from django.urls import reverse

from .credentials.status import position, status_entry
from .models import Certificate
from .services.status import published_bit


def sees_personal_facts(user: Any, certificate: Certificate) -> bool:
    """The holder, and admins of the organization that enrolled them or runs the course."""
    if not user.is_authenticated:
        return False
    if certificate.user_id == user.pk:
        return True
    admin = {"memberships__user": user, "memberships__role": "admin"}
    enrolled_by = {f"enrollment__organization__{key}": value for key, value in admin.items()}
    runs_course = {f"enrollment__course_version__course__organization__{key}": value for key, value in admin.items()}
    return Certificate.objects.filter(Q(**enrolled_by) | Q(**runs_course), pk=certificate.pk).exists()


def public_facts(certificate: Certificate, *, personal: bool = False) -> dict[str, Any]:
    """The JSON a verifier gets (with ``personal``: what the holder and entitled admins get)."""
    status = certificate.public_status()
    participant: dict[str, Any] = {
        "name": certificate.participant_name,
        "pseudonymised": certificate.pseudonymised_at is not None,
    }
    if personal:
        participant["efn"] = certificate.participant_efn or None
        participant["licence_number"] = certificate.participant_licence or None
    facts: dict[str, Any] = {
        "code": certificate.code,
        "status": status,
        "participant": participant,
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
        "result": {"passed": certificate.result_percent >= certificate.pass_mark},
        "issued_at": certificate.issued_at.isoformat(),
        "expires_at": certificate.expires_at.isoformat() if certificate.expires_at else None,
        "language": certificate.language,
        "verification_url": certificate.verification_url,
    }
    if personal:
        facts["result"]["percent"] = str(certificate.result_percent)
    if status == Certificate.Status.REVOKED and certificate.revoked_at is not None:
        facts["revocation"] = {"at": certificate.revoked_at.isoformat()}
        if personal:
            facts["revocation"]["reason"] = certificate.revocation_reason
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
