"""Writes to certificates: issue (idempotent), revoke, and the course completion that leads to issue."""

from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from courses.i18n import localized
from courses.models import Enrollment
from quizzes.models import Attempt
from quizzes.services import required_steps_done

from . import codes
from .models import AuditEvent, Certificate

COURSE_FORMAT = {
    "de": "E-Learning / Selbststudium mit Lernerfolgskontrolle",
    "en": "E-learning (self-study) with learning-success check",
}


class CertificateError(Exception):
    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.message, self.code = message, code


def passed_attempt(enrollment: Enrollment) -> Attempt | None:
    return enrollment.attempts.filter(passed=True).order_by("submitted_at").first()


@transaction.atomic(durable=True)
def issue(enrollment: Enrollment, *, by: Any) -> Certificate:
    """Issue the enrolment's certificate once; calling again returns the current one.

    The PDF is rendered by a task queued on commit, so a rolled-back issue never renders anything.
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
    certificate = _create(enrollment, attempt)
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
    from .tasks import render_certificate_pdf_task

    transaction.on_commit(lambda: render_certificate_pdf_task.delay(certificate.pk))
    return certificate


def _create(enrollment: Enrollment, attempt: Attempt) -> Certificate:
    user, version, accreditation = enrollment.user, enrollment.course_version, enrollment.accreditation
    language = user.language
    organization = version.course.organization
    organizer = organization.certificate_name if organization else "Haltung"
    with translation.override(language):
        wording = localized(accreditation.wording) if accreditation else ""
        title = localized(version.title)
    for _try in range(5):
        code = codes.new_code()
        try:
            with transaction.atomic():
                return Certificate.objects.create(
                    code=code,
                    enrollment=enrollment,
                    user=user,
                    participant_name=user.name,
                    participant_efn=user.efn,
                    participant_licence=user.licence_number,
                    course_title=title,
                    course_version=version.number,
                    course_format=COURSE_FORMAT.get(language, COURSE_FORMAT["en"]),
                    completed_at=attempt.submitted_at,
                    accreditation_body=accreditation.body if accreditation else "",
                    vnr=accreditation.vnr if accreditation else "",
                    category=accreditation.category if accreditation else "",
                    points=accreditation.points if accreditation else None,
                    wording=wording,
                    organizer=organizer,
                    scientific_lead=version.scientific_lead,
                    result_percent=attempt.score,
                    pass_mark=attempt.pass_mark,
                    language=language,
                    verification_url=settings.SITE_URL + reverse("certificates:verify", args=[code]),
                )
        except IntegrityError:
            # Either the code collided (astronomically rare) or another issue won the race.
            current = enrollment.certificates.current().first()
            if current is not None:
                return current
    raise CertificateError("Could not allocate a unique verification code.", code="code_space")


@transaction.atomic(durable=True)
def revoke(certificate: Certificate, *, by: Any, reason: str) -> Certificate:
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if certificate.status == Certificate.Status.REVOKED:
        return certificate
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
        data={"before": before, "reason": certificate.revocation_reason},
    )
    return certificate


def store_pdf(certificate_id: int, *, content: bytes, worker: str) -> bool:
    """Store the rendered PDF once; return False when another run stored it first."""
    from django.core.files.base import ContentFile

    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().get(pk=certificate_id)
        if certificate.pdf:
            return False
        certificate.pdf.save(f"{certificate.code}.pdf", ContentFile(content), save=False)
        certificate.pdf_rendered_at = timezone.now()
        certificate.pdf_rendered_by = worker
        certificate.save(update_fields=["pdf", "pdf_rendered_at", "pdf_rendered_by"])
    return True
