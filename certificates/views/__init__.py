"""Views of the certificates app, split by audience: learner, public verification, organization admins."""

from . import wallet
from .learner import claim, credential_download, dashboard, detail, download, pdf_retry, pdf_status
from .organization import (
    certificate_list,
    certificate_manage,
    participant_export,
    report_detail,
    report_push,
    report_retract,
    reports,
)
from .public import issuer, issuer_key, status_list, verify, verify_credential, verify_form, verify_json
from .transcript import evidence_download, transcript, transcript_add, transcript_export

__all__ = [
    "certificate_list",
    "certificate_manage",
    "claim",
    "credential_download",
    "dashboard",
    "detail",
    "download",
    "evidence_download",
    "issuer",
    "issuer_key",
    "participant_export",
    "pdf_retry",
    "pdf_status",
    "report_detail",
    "report_push",
    "report_retract",
    "reports",
    "status_list",
    "transcript",
    "transcript_add",
    "transcript_export",
    "verify",
    "verify_credential",
    "verify_form",
    "verify_json",
    "wallet",
]
