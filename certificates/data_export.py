"""The certificates' part of a person's data export: certificates with PDFs and signed credentials, their audit
trail, what was reported to a chamber, and the external CPD entries with evidence files."""

import json
from typing import Any

from django.utils.translation import gettext_lazy as _

from accounts.data_export import ExportFile, Section, labels, record
from organizations.models import OrgAuditEvent

from .models import AuditEvent, Certificate, ExternalCredit, ParticipantReport

CERTIFICATE_FIELDS = [
    "code",
    "status",
    "participant_name",
    "participant_efn",
    "participant_licence",
    "course_title",
    "course_version",
    "course_format",
    "completed_at",
    "accreditation_body",
    "vnr",
    "category",
    "points",
    "organizer",
    "scientific_lead",
    "result_percent",
    "pass_mark",
    "language",
    "verification_url",
    "issued_at",
    "expires_at",
    "revoked_at",
    "revocation_reason",
    "pseudonymised_at",
]
REPORT_FIELDS = ["status", "efn", "retract", "http_status", "message", "attempts", "requested_at", "reported_at"]
CREDIT_FIELDS = ["title", "completed_on", "points", "category", "body", "created_at"]


def export_certificates(user: Any) -> list[Section]:
    certificates = list(Certificate.objects.for_user(user).select_related("superseded_by").order_by("issued_at", "pk"))
    codes = {c.pk: c.code for c in certificates}
    files: list[ExportFile] = []
    rows = []
    for certificate in certificates:
        pdf = f"certificates/{certificate.code}.pdf" if certificate.pdf else None
        credential = f"certificates/{certificate.code}.credential.json" if certificate.credential else None
        if pdf:
            files.append(ExportFile(pdf, storage_name=certificate.pdf.name))
        if credential:
            files.append(ExportFile(credential, content=json.dumps(certificate.credential, indent=2).encode()))
        superseded_by = certificate.superseded_by.code if certificate.superseded_by else None
        rows.append(
            record(certificate, CERTIFICATE_FIELDS, pdf=pdf, credential=credential, superseded_by=superseded_by)
        )
    trail = AuditEvent.objects.filter(certificate__in=certificates).order_by("at", "pk")
    org_trail = OrgAuditEvent.objects.filter(
        object_type="certificates.certificate", object_id__in=[str(pk) for pk in codes]
    ).select_related("organization")
    reports = ParticipantReport.objects.filter(certificate__in=certificates).order_by("requested_at", "pk")
    credits = list(ExternalCredit.objects.for_user(user).order_by("completed_on", "pk"))
    evidence = [
        ExportFile(f"evidence/{credit.pk}-{credit.evidence.name.rsplit('/', 1)[-1]}", storage_name=credit.evidence.name)
        for credit in credits
        if credit.evidence
    ]
    return [
        Section(
            "certificates",
            _("Certificates"),
            rows,
            labels(
                Certificate,
                CERTIFICATE_FIELDS,
                pdf=_("PDF in this archive"),
                credential=_("signed credential in this archive"),
                superseded_by=_("superseded by"),
            ),
            files=files,
        ),
        Section(
            "certificate_audit",
            _("Audit entries about your certificates"),
            [record(e, ["at", "action", "data"], certificate=codes[e.certificate_id]) for e in trail]
            + [
                record(
                    e,
                    ["at", "action", "before", "after"],
                    certificate=codes[int(e.object_id)],
                    organization=e.organization.name,
                )
                for e in org_trail
            ],
            {
                **labels(AuditEvent, ["at", "action", "data"], certificate=_("certificate")),
                **labels(OrgAuditEvent, ["before", "after"], organization=_("organization")),
            },
        ),
        Section(
            "chamber_reports",
            _("Reports to chambers"),
            [record(r, REPORT_FIELDS, certificate=codes[r.certificate_id]) for r in reports],
            labels(ParticipantReport, REPORT_FIELDS, certificate=_("certificate")),
        ),
        Section(
            "external_credits",
            _("External CPD entries"),
            [
                record(
                    c,
                    CREDIT_FIELDS,
                    evidence=f"evidence/{c.pk}-{c.evidence.name.rsplit('/', 1)[-1]}" if c.evidence else None,
                )
                for c in credits
            ],
            labels(ExternalCredit, CREDIT_FIELDS, evidence=_("evidence file in this archive")),
            files=evidence,
        ),
    ]
