"""With a real Celery worker (service lane): PDF and credential are made by the worker; EIV 429s back off."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from certificates import services
from certificates.models import Certificate, ParticipantReport
from tests.certificates.conftest import KEY_A, VALID_EFN, pass_final_test
from tests.certificates.eiv_contract_server import ContractServer
from tests.certificates.tools import store_eiv_password
from tests.conftest import complete_all_steps
from tests.integration.conftest import celery_worker  # noqa: F401 - the real worker fixture

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]
PASSWORD = "vnr-secret"


def wait_for(predicate, *, timeout: float = 60.0, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.2)


@pytest.fixture
def eiv_environment(monkeypatch, version, settings):
    """The contract server, configured through the environment the worker process inherits."""
    accreditation = version.accreditations.get()
    today = timezone.localdate()
    with ContractServer() as server:
        server.add_event(accreditation.vnr, PASSWORD, begins=today - timedelta(days=5), ends=today + timedelta(days=5))
        monkeypatch.setenv("HALTUNG_EIV_BASE_URL", server.url)
        monkeypatch.setenv("HALTUNG_CREDENTIAL_KEYS", KEY_A)
        settings.HALTUNG_EIV_BASE_URL = server.url
        store_eiv_password(accreditation, PASSWORD)
        yield server


def test_worker_signs_and_reports_with_backoff(eiv_environment, celery_worker, make_user, version):  # noqa: F811
    """The worker renders and signs; a 429 from the EIV is retried after a countdown and then reported."""
    from enrolments.services import learning as course_services

    user = make_user("efn@example.org", "Efn Person", efn=VALID_EFN)
    enrollment = course_services.enroll(version, user=user)
    complete_all_steps(enrollment)
    pass_final_test(enrollment)
    certificate = services.issue(enrollment, by=user)

    def finished() -> bool:
        certificate.refresh_from_db()
        return bool(certificate.pdf and certificate.credential)

    wait_for(finished, what="the worker to render and sign")
    assert certificate.pdf_rendered_by.startswith(celery_worker)
    assert certificate.credential["proof"][0]["cryptosuite"] == "eddsa-rdfc-2022"

    eiv_environment.state.rate_limit_next = 1
    services.request_reports(certificate.accreditation, by=user)
    report = ParticipantReport.objects.get(certificate=certificate)
    wait_for(lambda: ParticipantReport.objects.get(pk=report.pk).status == "reported", what="the EIV report")
    statuses = [s for _m, path, s in eiv_environment.state.requests if path.endswith("push_teilnahme")]
    assert statuses == [429, 200]
    assert Certificate.objects.count() == 1


@pytest.fixture
def worker_keys(monkeypatch):
    """The private key in the environment the worker process inherits (set before the worker starts)."""
    monkeypatch.setenv("HALTUNG_CREDENTIAL_KEYS", KEY_A)


def test_worker_signs_and_publishes_status_web_holds_public_keys_only(
    worker_keys,
    celery_worker,  # noqa: F811
    settings,
    make_user,
    version,
):
    """The web process has only public keys; the worker signs the credential and the status lists."""
    from certificates.credentials import keys, status
    from certificates.models import StatusList
    from enrolments.services import learning
    from tests.certificates.test_status_and_keys import public_entry

    settings.HALTUNG_CREDENTIAL_KEYS = []  # this (web) process: public keys only
    settings.HALTUNG_CREDENTIAL_PUBLIC_KEYS = [public_entry(KEY_A)]
    assert keys.signing_key() is None

    user = make_user("status@example.org", "Status Person")
    enrollment = learning.enroll(version, user=user)
    complete_all_steps(enrollment)
    pass_final_test(enrollment)
    certificate = services.issue(enrollment, by=user)
    number, index = status.position(certificate.pk)

    def signed_and_listed() -> bool:
        certificate.refresh_from_db()
        return bool(certificate.credential) and StatusList.objects.filter(number=number).exists()

    wait_for(signed_and_listed, what="the worker to sign the credential and publish its list")
    assert keys.public_key_for(certificate.credential["proof"][0]["verificationMethod"]) is not None
    assert not status.is_set(status.decode(StatusList.objects.get(number=number).encoded_list), index)

    services.revoke(certificate, by=user, reason="Issued in error")

    def flipped() -> bool:
        return status.is_set(status.decode(StatusList.objects.get(number=number).encoded_list), index)

    wait_for(flipped, what="the worker to re-publish the list with the bit set")
