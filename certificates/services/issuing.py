"""Issue a certificate once per enrolment, freezing every printed fact, and store what the tasks produce."""

import hashlib
import logging
from datetime import datetime
from pathlib import PurePosixPath
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from config.tasks import enqueue_on_commit
from config.text import clean_printed
from courses.i18n import localized
from courses.models import Accreditation
from enrolments.errors import EnrolmentError
from enrolments.models import Enrollment
from enrolments.selectors import required_steps_done
from enrolments.services.learning import check_completion_window
from quizzes.models import Attempt

from .. import codes, designs
from ..models import AuditEvent, Certificate, Signature
from .errors import CertificateError

logger = logging.getLogger(__name__)

COURSE_FORMAT = {
    "de": "E-Learning / Selbststudium mit Lernerfolgskontrolle",
    "en": "E-learning (self-study) with learning-success check",
}


def passed_attempt(enrollment: Enrollment) -> Attempt | None:
    return enrollment.attempts.filter(passed=True).order_by("submitted_at").first()


def expiry_for(accreditation: Accreditation | None, completed_at: datetime | None) -> datetime | None:
    if accreditation is None or not accreditation.certificate_validity_months or completed_at is None:
        return None
    return completed_at + relativedelta(months=accreditation.certificate_validity_months)


def verification_url(code: str) -> str:
    return settings.SITE_URL + reverse("certificates:verify", args=[code])


@transaction.atomic(durable=True)
def issue(enrollment: Enrollment, *, by: Any) -> Certificate:
    """Issue the enrolment's certificate once; calling again returns the current one.

    The enrolment row lock serialises concurrent calls; the conditional unique constraint backs it where a
    lock cannot (another process that skipped it). The PDF is rendered by a task queued on commit, so a
    rolled-back issue never renders anything.
    """
    enrollment = (
        Enrollment.objects.select_for_update(of=("self",))
        .select_related("user", "course_version__course__organization", "accreditation")
        .get(pk=enrollment.pk)
    )
    existing = enrollment.certificates.current().first()
    if existing is not None:
        return existing
    attempt = passed_attempt(enrollment)
    if attempt is None:
        raise CertificateError(_("The final test has not been passed yet."), code="not_passed")
    if not required_steps_done(enrollment):
        raise CertificateError(_("Some required steps are still open."), code="steps_open")
    if enrollment.course_version.require_evaluation and enrollment.evaluated_at is None:
        raise CertificateError(_("Please fill in the course evaluation first."), code="evaluation_open")
    try:
        check_completion_window(enrollment)
    except EnrolmentError as error:
        raise CertificateError(error.message, code=error.code) from None
    certificate = create_with_code(facts_from(enrollment, attempt))
    AuditEvent.objects.create(
        certificate=certificate,
        action=AuditEvent.Action.ISSUE,
        actor=by,
        data={"attempt": attempt.pk, "score": str(attempt.score)},
    )
    if enrollment.status != Enrollment.Status.COMPLETED:
        enrollment.status = Enrollment.Status.COMPLETED
        enrollment.completed_at = attempt.submitted_at
        enrollment.save(update_fields=["status", "completed_at"])
    queue_render(certificate)
    return certificate


def queue_render(certificate: Certificate) -> None:
    """Sign the credential and render the PDF after commit, in tasks that take the id only.

    The credential comes first and never waits for the PDF: in the embedded mode it is signed at commit
    (milliseconds), while the render runs after the response (decision 0610).
    """
    from ..tasks import render_certificate_pdf_task, sign_credential_task

    enqueue_on_commit(sign_credential_task, certificate.pk)
    enqueue_on_commit(render_certificate_pdf_task, certificate.pk)


@transaction.atomic(durable=True)
def retry_pdf(certificate: Certificate, *, by: Any) -> bool:
    """Ask for the PDF again after a failed render or a long wait; False, with nothing queued, in any other state.

    The row lock makes a double click queue one render; the render task itself stores a PDF only once.
    """
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if certificate.pdf_state() not in {"failed", "delayed"}:
        return False
    certificate.pdf_failed_at = None
    certificate.pdf_requested_at = timezone.now()
    certificate.save(update_fields=["pdf_failed_at", "pdf_requested_at"])
    logger.info(
        "PDF of certificate %s asked for again",
        certificate.code,
        extra={"event": "certificate_pdf_retry", "certificate_id": certificate.pk, "actor_id": getattr(by, "pk", None)},
    )
    from ..tasks import render_certificate_pdf_task

    enqueue_on_commit(render_certificate_pdf_task, certificate.pk)
    return True


def record_pdf_failure(certificate_id: int, *, error: BaseException) -> None:
    """Mark the render as failed (the learner sees it and can retry) and alert staff with an error log line."""
    Certificate.objects.filter(pk=certificate_id, pdf="").update(pdf_failed_at=timezone.now())
    logger.error(
        "The PDF of certificate %s could not be rendered: %s: %s",
        certificate_id,
        type(error).__name__,
        error,
        extra={"event": "certificate_pdf_failed", "certificate_id": certificate_id},
    )


def frozen_copy(field_file: Any, folder: str) -> str:
    """Copy a stored image to a content-addressed name, so a later upload leaves issued certificates alone."""
    if not field_file:
        return ""
    with field_file.open("rb") as handle:
        content = handle.read()
    suffix = PurePosixPath(field_file.name).suffix.lower()
    name = f"certificates/{folder}/{hashlib.sha256(content).hexdigest()}{suffix}"
    if not default_storage.exists(name):
        name = default_storage.save(name, ContentFile(content))
    return name


def frozen_logo(organization: Any) -> str:
    return frozen_copy(organization.logo, "logos") if organization is not None else ""


def accreditation_lead(accreditation: Accreditation | None, version: Any) -> dict[str, Any]:
    """The scientific lead as the accreditation names them (decision 0310), else the course version's.

    An accreditation that names its own lead brings its qualification and signature image; the version's
    qualification never attaches to another person's name.
    """
    if accreditation is not None and accreditation.scientific_lead:
        return {
            "name": accreditation.scientific_lead,
            "qualification": accreditation.scientific_lead_qualification,
            "signature": accreditation.scientific_lead_signature or None,
        }
    return {
        "name": version.scientific_lead,
        "qualification": version.scientific_lead_qualification or {},
        "signature": None,
    }


def facts_from(enrollment: Enrollment, attempt: Attempt) -> dict[str, Any]:
    """Everything printed, copied from the live rows as they are now."""
    user, version, accreditation = enrollment.user, enrollment.course_version, enrollment.accreditation
    language = user.language
    organization = version.course.organization
    lead = accreditation_lead(accreditation, version)
    with translation.override(language):
        wording = localized(accreditation.wording) if accreditation else ""
        title = localized(version.title)
        qualification = localized(lead["qualification"]) if lead["name"] else ""
    signature = (
        Signature.objects.filter(signatory_name=lead["name"]).order_by("-uploaded_at").first() if lead["name"] else None
    )
    return {
        "enrollment": enrollment,
        "user": user,
        "accreditation": accreditation,
        "participant_name": clean_printed(user.name),
        "participant_efn": user.efn,
        "participant_licence": user.licence_number,
        "course_title": title,
        "course_version": version.number,
        "course_format": COURSE_FORMAT.get(language, COURSE_FORMAT["en"]),
        "completed_at": attempt.submitted_at,
        "accreditation_body": accreditation.body if accreditation else "",
        "vnr": accreditation.vnr if accreditation else "",
        "category": accreditation.category if accreditation else "",
        "points": accreditation.points if accreditation else None,
        "wording": wording,
        "organizer": organization.certificate_name if organization else "Haltung",
        "organizer_address": organization.postal_address.strip() if organization else "",
        "organizer_logo": frozen_logo(organization),
        "scientific_lead": lead["name"],
        "scientific_lead_qualification": qualification,
        "signature": signature,
        # The accreditation's signature image wins over a Signature row; both are frozen at issue.
        "signature_image": frozen_copy(lead["signature"], "signatures")
        or (frozen_copy(signature.image, "signatures") if signature else ""),
        "design": designs.CURRENT,
        "result_percent": attempt.score,
        "pass_mark": attempt.pass_mark,
        "language": language,
        "expires_at": expiry_for(accreditation, attempt.submitted_at),
    }


def create_with_code(facts: dict[str, Any]) -> Certificate:
    for _try in range(5):
        code = codes.new_code()
        try:
            with transaction.atomic():
                return Certificate.objects.create(code=code, verification_url=verification_url(code), **facts)
        except IntegrityError:
            # Either the code collided (astronomically rare) or another issue won the race.
            current = facts["enrollment"].certificates.current().first()
            if current is not None:
                return current
    raise CertificateError("Could not allocate a unique verification code.", code="code_space")


def store_pdf(certificate_id: int, *, content: bytes, worker: str) -> bool:
    """Store the rendered PDF once; return False when another run stored it first."""
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().get(pk=certificate_id)
        if certificate.pdf or certificate.pseudonymised_at:
            return False
        certificate.pdf.save(f"{certificate.code}.pdf", ContentFile(content), save=False)
        certificate.pdf_rendered_at = timezone.now()
        certificate.pdf_rendered_by = worker
        certificate.pdf_failed_at = None
        certificate.save(update_fields=["pdf", "pdf_rendered_at", "pdf_rendered_by", "pdf_failed_at"])
    return True


def store_credential(certificate_id: int, *, credential: dict[str, Any]) -> bool:
    """Store the signed credential once; return False when one is there already."""
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().get(pk=certificate_id)
        if certificate.credential:
            return False
        certificate.credential = credential
        certificate.save(update_fields=["credential"])
    return True
