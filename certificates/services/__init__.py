"""
Writes to certificates. Every state change a user cares about goes through a function here.

- ``issuing``: issue (idempotent), store the rendered PDF and the signed credential, record a failed render and
  ask for the PDF again;
- ``lifecycle``: revoke, correct (supersede), pseudonymise on erasure, expiry reminders;
- ``transcript``: the learner's external CPD entries;
- ``reporting``: participant reports to chambers;
- ``status``: the signed revocation status lists;
- ``wallet``: offering a credential to a wallet (OpenID4VCI, pre-authorized code).
"""

from ..models import PDF_OVERDUE
from .errors import CertificateError
from .issuing import issue, passed_attempt, record_pdf_failure, retry_pdf, store_credential, store_pdf
from .lifecycle import correct, mail_certificate, mark_expiry_reminded, pseudonymise_person, revoke
from .reporting import record_report_outcome, request_reports, request_retraction
from .signatures import add_signature
from .status import publish_status_list, published_bit, queue_publication
from .transcript import add_external_credit

__all__ = [
    "PDF_OVERDUE",
    "CertificateError",
    "add_external_credit",
    "add_signature",
    "correct",
    "issue",
    "mail_certificate",
    "mark_expiry_reminded",
    "passed_attempt",
    "pseudonymise_person",
    "publish_status_list",
    "published_bit",
    "queue_publication",
    "record_pdf_failure",
    "record_report_outcome",
    "request_reports",
    "request_retraction",
    "retry_pdf",
    "revoke",
    "store_credential",
    "store_pdf",
]
