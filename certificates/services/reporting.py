"""Participant reports to chambers: what to send, and what the chamber's answer means (cpd-rules 1.6)."""

from typing import Any

from django.db import transaction
from django.utils import timezone

from config.tasks import enqueue_on_commit
from courses.models import Accreditation

from ..models import AuditEvent, Certificate, ParticipantReport

# Reports that are settled: sending again needs a new request (a data fix or a retraction).
SETTLED = {ParticipantReport.Status.REPORTED, ParticipantReport.Status.RETRACTED}


def _queue(report_ids: list[int]) -> None:
    from ..tasks import eiv_report_task

    for report_id in report_ids:
        enqueue_on_commit(eiv_report_task, report_id)


@transaction.atomic
def request_reports(accreditation: Accreditation, *, by: Any) -> list[ParticipantReport]:
    """Queue one EIV push per valid certificate with an EFN that is not reported yet (or was refused)."""
    certificates = (
        Certificate.objects.for_accreditation(accreditation)
        .filter(status=Certificate.Status.VALID)
        .exclude(participant_efn="")
        .select_related("chamber_report")
    )
    queued = []
    for certificate in certificates:
        report = getattr(certificate, "chamber_report", None)
        if report is None:
            report = ParticipantReport.objects.create(certificate=certificate, efn=certificate.participant_efn)
        elif report.status in SETTLED and report.efn == certificate.participant_efn:
            continue
        else:
            report.status, report.efn, report.retract = (
                ParticipantReport.Status.PENDING,
                certificate.participant_efn,
                False,
            )
            report.requested_at = timezone.now()
            report.save(update_fields=["status", "efn", "retract", "requested_at"])
        queued.append(report)
    _queue([report.pk for report in queued])
    return queued


@transaction.atomic
def request_retraction(report: ParticipantReport, *, by: Any) -> ParticipantReport:
    """Retract a reported participation: the EIV has no delete, a push with both flags false replaces it."""
    report = ParticipantReport.objects.select_for_update().get(pk=report.pk)
    report.retract = True
    report.status = ParticipantReport.Status.PENDING
    report.requested_at = timezone.now()
    report.save(update_fields=["retract", "status", "requested_at"])
    _queue([report.pk])
    return report


def outcome_status(http_status: int, *, retract: bool) -> str:
    """Decide on the HTTP status only; the EIV's response bodies are not contractual."""
    if 200 <= http_status < 300:
        return ParticipantReport.Status.RETRACTED if retract else ParticipantReport.Status.REPORTED
    if http_status in (400, 422):
        return ParticipantReport.Status.REFUSED
    if http_status == 406:
        return ParticipantReport.Status.BLOCKED
    return ParticipantReport.Status.RETRY


@transaction.atomic
def record_report_outcome(report_id: int, *, http_status: int, message: str, final: bool = False) -> str:
    """Store the chamber's answer to one push; ``final`` turns a retryable answer into 'failed'."""
    report = ParticipantReport.objects.select_for_update().get(pk=report_id)
    status = outcome_status(http_status, retract=report.retract)
    if status == ParticipantReport.Status.RETRY and final:
        status = ParticipantReport.Status.FAILED
    report.status = status
    report.http_status = http_status or None
    report.message = message[:2000]
    report.attempts += 1
    if status in SETTLED:
        report.reported_at = timezone.now()
    report.save(update_fields=["status", "http_status", "message", "attempts", "reported_at"])
    AuditEvent.objects.create(
        certificate_id=report.certificate_id,
        action=AuditEvent.Action.REPORT,
        data={"channel": "eiv", "efn": report.efn, "retract": report.retract, "http": http_status, "status": status},
    )
    return status
