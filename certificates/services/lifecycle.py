"""After issue: revoke, correct (a new certificate supersedes the old), pseudonymise on erasure, reminders."""

import unicodedata
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from accounts import mail
from accounts.validators import normalize_efn, validate_efn
from config.text import clean_printed
from enrolments.models import Enrollment
from organizations import audit
from organizations.models import OrgAuditEvent

from ..models import AuditEvent, Certificate
from .errors import CertificateError
from .issuing import create_with_code, queue_render
from .status import queue_publication

# The frozen facts a correction may change; everything else is copied unchanged.
CORRECTABLE = ("participant_name", "participant_efn", "participant_licence")
COPIED = (
    "enrollment",
    "user",
    "accreditation",
    "course_title",
    "course_version",
    "course_format",
    "completed_at",
    "accreditation_body",
    "vnr",
    "category",
    "points",
    "wording",
    "organizer",
    "organizer_address",
    "organizer_logo",
    "scientific_lead",
    "scientific_lead_qualification",
    "signature",
    "signature_image",
    "design",
    "result_percent",
    "pass_mark",
    "language",
    "expires_at",
)


@transaction.atomic(durable=True)
def revoke(certificate: Certificate, *, by: Any, reason: str) -> Certificate:
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if certificate.status == Certificate.Status.REVOKED:
        return certificate
    if certificate.status == Certificate.Status.SUPERSEDED:
        raise CertificateError(
            _("A superseded certificate cannot be revoked; revoke its successor."), code="superseded"
        )
    if not reason.strip():
        raise CertificateError(_("Give a reason for the revocation."), code="no_reason")
    before = certificate.status
    certificate.status = Certificate.Status.REVOKED
    certificate.revoked_at = timezone.now()
    certificate.revoked_by = by
    certificate.revocation_reason = reason.strip()
    certificate.save(update_fields=["status", "revoked_at", "revoked_by", "revocation_reason"])
    AuditEvent.objects.create(
        certificate=certificate,
        action=AuditEvent.Action.REVOKE,
        actor=by,
        data={"before": before, "after": certificate.status, "reason": certificate.revocation_reason},
    )
    _organization_audit(
        certificate,
        by=by,
        action=OrgAuditEvent.Action.CERTIFICATE_REVOKED,
        before={"status": before},
        after={"status": certificate.status, "reason": certificate.revocation_reason},
    )
    queue_publication(certificate)
    return certificate


def _organization_audit(certificate: Certificate, *, by: Any, action: str, before: dict, after: dict) -> None:
    """Also record the change in the audit log of the organization the learner took the course with."""
    enrollment = Enrollment.objects.select_related("organization", "course_version__course__organization").get(
        pk=certificate.enrollment_id
    )
    organization = enrollment.organization or enrollment.course_version.course.organization
    if organization is not None:
        audit.record(organization, actor=by, action=action, target=certificate, before=before, after=after)


def _clean_changes(certificate: Certificate, changes: dict[str, str]) -> dict[str, str]:
    unknown = set(changes) - set(CORRECTABLE)
    if unknown:
        raise CertificateError(f"Not correctable: {', '.join(sorted(unknown))}", code="not_correctable")
    cleaned = {field: clean_printed(value) for field, value in changes.items()}
    if "participant_name" in cleaned and not cleaned["participant_name"]:
        raise CertificateError(_("The name cannot be empty."), code="empty_name")
    if cleaned.get("participant_efn"):
        cleaned["participant_efn"] = normalize_efn(cleaned["participant_efn"])
        try:
            validate_efn(cleaned["participant_efn"])
        except ValidationError as error:
            raise CertificateError(error.messages[0], code="bad_efn") from error
    cleaned = {field: value for field, value in cleaned.items() if getattr(certificate, field) != value}
    if not cleaned:
        raise CertificateError(_("Nothing to correct: the new values equal the certificate."), code="no_change")
    return cleaned


@transaction.atomic(durable=True)
def correct(certificate: Certificate, *, by: Any, changes: dict[str, str], reason: str) -> Certificate:
    """Issue a corrected copy of a valid certificate; the old one points at it and says 'superseded'."""
    old = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if old.status != Certificate.Status.VALID:
        raise CertificateError(_("Only a valid certificate can be corrected."), code="not_valid")
    if old.pseudonymised_at:
        raise CertificateError(_("This certificate belongs to an erased person."), code="pseudonymised")
    if not reason.strip():
        raise CertificateError(_("Give a reason for the correction."), code="no_reason")
    cleaned = _clean_changes(old, changes)
    # Free the one-current-certificate slot first; the constraint then admits the successor.
    old.status = Certificate.Status.SUPERSEDED
    old.save(update_fields=["status"])
    facts = {field: getattr(old, field) for field in (*COPIED, *CORRECTABLE)} | cleaned
    new = create_with_code(facts)
    old.superseded_by = new
    old.save(update_fields=["superseded_by"])
    before = {field: getattr(old, field) for field in cleaned}
    AuditEvent.objects.create(
        certificate=old,
        action=AuditEvent.Action.SUPERSEDE,
        actor=by,
        data={"superseded_by": new.code, "reason": reason.strip(), "before": before, "after": cleaned},
    )
    AuditEvent.objects.create(
        certificate=new, action=AuditEvent.Action.ISSUE, actor=by, data={"corrects": old.code, "after": cleaned}
    )
    _organization_audit(
        old,
        by=by,
        action=OrgAuditEvent.Action.CERTIFICATE_CORRECTED,
        before=before,
        after={**cleaned, "code": new.code},
    )
    queue_render(new)
    queue_publication(old)
    return new


def name_digest(name: str) -> str:
    """A keyed digest of a name as printed, so an erased person's paper certificate can still be checked."""
    normalized = " ".join(unicodedata.normalize("NFKC", name).casefold().split())
    key = settings.HALTUNG_ERASURE_KEY
    return salted_hmac("haltung.certificates.erasure", normalized, secret=key, algorithm="sha256").hexdigest()


@transaction.atomic
def pseudonymise_person(user: Any, *, by: Any) -> int:
    """Replace the person's identifying facts on all their certificates; keep them verifiable.

    The stored PDF and the stored credential carry the name, so they are removed from storage (the learner's
    own downloaded copies stay valid). Status, course, points and code stay, and a keyed digest of the name
    lets a verifier check the name on a paper certificate. Returns how many certificates changed.
    """
    changed = 0
    for certificate in Certificate.objects.select_for_update().filter(user=user, pseudonymised_at__isnull=True):
        certificate.participant_digest = name_digest(certificate.participant_name)
        certificate.participant_name = f"P-{certificate.participant_digest[:10].upper()}"
        certificate.participant_efn = ""
        certificate.participant_licence = ""
        certificate.credential = {}
        if certificate.pdf:
            certificate.pdf.delete(save=False)
        certificate.pseudonymised_at = timezone.now()
        certificate.save(
            update_fields=[
                "participant_digest",
                "participant_name",
                "participant_efn",
                "participant_licence",
                "credential",
                "pdf",
                "pseudonymised_at",
            ]
        )
        AuditEvent.objects.create(
            certificate=certificate,
            action=AuditEvent.Action.PSEUDONYMISE,
            actor=by,
            data={"fields": ["participant_name", "participant_efn", "participant_licence", "pdf", "credential"]},
        )
        changed += 1
    return changed


@transaction.atomic
def mark_expiry_reminded(certificate_id: int) -> bool:
    """Queue one expiry reminder and mark it; False when it was queued already (redelivery)."""
    certificate = Certificate.objects.select_for_update(of=("self",)).select_related("user").get(pk=certificate_id)
    if certificate.expiry_reminded_at is not None or certificate.public_status() != "valid":
        return False
    mail.queue(
        mail.Mail(
            key=f"certificate-expiry:{certificate.pk}",
            template="certificates/email/expiry",
            context={"certificate": certificate, "site_url": settings.SITE_URL},
            to=certificate.user.email,
            language=certificate.language,
        )
    )
    certificate.expiry_reminded_at = timezone.now()
    certificate.save(update_fields=["expiry_reminded_at"])
    return True


@transaction.atomic
def mail_certificate(certificate_id: int) -> bool:
    """Queue the "your certificate is ready" mail once; False when it was queued already."""
    certificate = Certificate.objects.select_for_update(of=("self",)).select_related("user").get(pk=certificate_id)
    if certificate.emailed_at is not None or certificate.pseudonymised_at is not None:
        return False
    mail.queue(
        mail.Mail(
            key=f"certificate-issued:{certificate.pk}",
            template="certificates/email/issued",
            context={"certificate": certificate},
            to=certificate.user.email,
            language=certificate.language,
        )
    )
    certificate.emailed_at = timezone.now()
    certificate.save(update_fields=["emailed_at"])
    return True
