"""Lifecycle: the constraint behind idempotent issue, correction (supersede), revocation, erasure, expiry, audit."""

import threading
from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from certificates import services
from certificates.models import AuditEvent, Certificate
from certificates.tasks import queue_expiry_reminders_task

pytestmark = pytest.mark.django_db


def test_database_allows_one_current_certificate_per_enrolment(certificate):
    """A second non-superseded certificate for the same enrolment violates the constraint."""
    fields = {f.name: getattr(certificate, f.name) for f in Certificate._meta.fields if f.name not in ("id", "code")}
    with pytest.raises(IntegrityError), transaction.atomic():
        Certificate.objects.create(**fields, code="XXXX-XXXX-XXXX-2")


@pytest.mark.django_db(transaction=True)
def test_concurrent_issue_gives_one_certificate(passed_enrollment, learner):
    """Eight threads issuing at once get the same certificate (PostgreSQL: row lock + constraint)."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the concurrency case needs PostgreSQL")
    results, errors = [], []

    def issue() -> None:
        try:
            results.append(services.issue(passed_enrollment, by=learner).pk)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=issue) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors and len(set(results)) == 1
    assert Certificate.objects.count() == 1 and AuditEvent.objects.filter(action="issue").count() == 1


def test_correction_supersedes(certificate, make_user, django_capture_on_commit_callbacks):
    """A name fix issues a new certificate with a new code; the old one says superseded by it."""
    admin = make_user("clerk@example.org", "Clerk")
    with django_capture_on_commit_callbacks(execute=True):
        new = services.correct(
            certificate, by=admin, changes={"participant_name": "Alex  Beispiel-Neu "}, reason="Typo"
        )
    certificate.refresh_from_db()
    new.refresh_from_db()
    assert certificate.status == "superseded" and certificate.superseded_by_id == new.pk
    assert new.code != certificate.code and new.participant_name == "Alex Beispiel-Neu"
    assert (new.course_title, new.vnr, new.points, new.completed_at) == (
        certificate.course_title,
        certificate.vnr,
        certificate.points,
        certificate.completed_at,
    )
    assert new.pdf and new.credential, "the successor is rendered and signed on commit"
    supersede = AuditEvent.objects.get(certificate=certificate, action="supersede")
    assert supersede.actor == admin and supersede.data["before"] == {"participant_name": "Alex Beispiel"}
    assert AuditEvent.objects.get(certificate=new, action="issue").data["corrects"] == certificate.code
    with pytest.raises(services.CertificateError) as excinfo:
        services.correct(certificate, by=admin, changes={"participant_name": "X"}, reason="again")
    assert excinfo.value.code == "not_valid"


def test_correction_refuses_bad_efn_and_no_change(certificate, make_user):
    """A correction validates the EFN and needs a real change."""
    admin = make_user("clerk@example.org", "Clerk")
    with pytest.raises(services.CertificateError) as excinfo:
        services.correct(certificate, by=admin, changes={"participant_efn": "123"}, reason="EFN")
    assert excinfo.value.code == "bad_efn"
    with pytest.raises(services.CertificateError) as excinfo:
        services.correct(certificate, by=admin, changes={"participant_name": "Alex Beispiel"}, reason="same")
    assert excinfo.value.code == "no_change"
    assert Certificate.objects.count() == 1


def test_revoke_records_reason_actor_time(certificate, make_user):
    """Revocation keeps the row, records who, when and why, and writes one audit row."""
    admin = make_user("clerk@example.org", "Clerk")
    services.revoke(certificate, by=admin, reason="Fraud")
    services.revoke(certificate, by=admin, reason="Again")  # idempotent
    certificate.refresh_from_db()
    assert certificate.status == "revoked" and certificate.revoked_by == admin
    assert certificate.revocation_reason == "Fraud" and certificate.revoked_at is not None
    assert AuditEvent.objects.filter(certificate=certificate, action="revoke").count() == 1


def test_erasure_pseudonymises_and_keeps_it_verifiable(client, certificate, learner, make_user):
    """After erasure the name is gone, the code still verifies and the printed name can be checked."""
    admin = make_user("dpo@example.org", "Data Protection")
    assert services.pseudonymise_person(learner, by=admin) == 1
    certificate.refresh_from_db()
    assert "Alex" not in certificate.participant_name and not certificate.participant_efn
    assert not certificate.pdf and not certificate.credential
    url = reverse("certificates:verify", args=[certificate.code])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Valid." in page and "erased on request" in page and "Alex Beispiel" not in page
    assert "The name matches" in client.get(url, {"name": "alex  beispiel"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "does not match" in client.get(url, {"name": "Someone"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert AuditEvent.objects.filter(certificate=certificate, action="pseudonymise").count() == 1
    assert Certificate.objects.filter(pk=certificate.pk).exists()


def test_expiry_from_the_accreditation(passed_enrollment, learner):
    """An accreditation with a validity period gives the certificate an expiry date."""
    accreditation = passed_enrollment.accreditation
    accreditation.certificate_validity_months = 24
    accreditation.save(update_fields=["certificate_validity_months"])
    certificate = services.issue(passed_enrollment, by=learner)
    assert certificate.expires_at.year == certificate.completed_at.year + 2


def test_expiry_reminder_mailed_once(certificate, mailoutbox, settings, django_capture_on_commit_callbacks):
    """The daily beat task mails one reminder before expiry, and never twice."""
    settings.HALTUNG_CERTIFICATE_EXPIRY_REMINDER_DAYS = 30
    Certificate.objects.filter(pk=certificate.pk).update(expires_at=timezone.now() + timedelta(days=10))
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):  # the mail goes out after the commit
        assert queue_expiry_reminders_task.delay().get() == 1
    assert len(mailoutbox) == 1 and certificate.verification_url in mailoutbox[0].body
    assert queue_expiry_reminders_task.delay().get() == 0
    assert len(mailoutbox) == 1


def test_nothing_is_deleted(certificate):
    """Certificates are protected: deleting the enrolment or user is refused by the database layer."""
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        certificate.user.delete()


def test_correction_adds_a_valid_efn(certificate, make_user):
    """Adding a missing EFN (with a correct check digit) is a correction like a name fix."""
    from tests.certificates.conftest import VALID_EFN

    new = services.correct(
        certificate, by=make_user("clerk@example.org", "Clerk"), changes={"participant_efn": VALID_EFN}, reason="EFN"
    )
    assert new.participant_efn == VALID_EFN and new.participant_name == certificate.participant_name


@pytest.mark.django_db
def test_revoke_and_correct_appear_in_the_organization_audit_log(certificate, organization, make_user):
    """An organization's admins see revocations and corrections of their learners' certificates."""
    from organizations.models import OrgAuditEvent

    enrollment = certificate.enrollment
    enrollment.organization = organization
    enrollment.save()
    admin = make_user("auditor@example.org", "Auditor")
    new = services.correct(certificate, by=admin, changes={"participant_name": "Alex Beispiel-Neu"}, reason="Name")
    services.revoke(new, by=admin, reason="Issued in error")
    events = list(OrgAuditEvent.objects.filter(organization=organization).order_by("pk"))
    assert [e.action for e in events] == ["certificate_corrected", "certificate_revoked"]
    assert events[0].after["participant_name"] == "Alex Beispiel-Neu"
    assert events[1].after["reason"] == "Issued in error"
    assert events[1].actor == admin


@pytest.mark.django_db
def test_erasing_the_account_pseudonymises_its_certificates(client, certificate, learner):
    """accounts.erase_account runs the certificates hook: the certificate stays verifiable under a pseudonym."""
    from accounts.services import erase_account

    erase_account(learner, by=learner)
    certificate.refresh_from_db()
    assert certificate.pseudonymised_at is not None
    assert "Beispiel" not in certificate.participant_name
    assert client.get(reverse("certificates:verify", args=[certificate.code])).status_code == 200
