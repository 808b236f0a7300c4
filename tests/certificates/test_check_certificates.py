"""`manage.py check_certificates`: every certificate's PDF is in storage and its credential verifies."""

import io

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command

from certificates import services
from tests.certificates.conftest import KEY_B

pytestmark = pytest.mark.django_db


def check() -> str:
    out = io.StringIO()
    call_command("check_certificates", stdout=out)
    return out.getvalue().strip()


def test_issued_certificate_checks_out(certificate):
    assert check() == "Certificates: 1 ok, 0 pseudonymised, 0 broken."


def test_missing_pdf_and_foreign_key_are_named(certificate, settings, capsys):
    default_storage.delete(certificate.pdf.name)
    settings.HALTUNG_CREDENTIAL_KEYS = [KEY_B]
    with pytest.raises(CommandError, match="0 ok, 0 pseudonymised, 1 broken"):
        check()
    err = capsys.readouterr().err
    assert f"{certificate.code}: PDF {certificate.pdf.name} missing from storage; credential signature" in err


def test_erased_persons_certificates_are_counted_apart(certificate, learner):
    services.pseudonymise_person(learner, by=learner)
    assert check() == "Certificates: 0 ok, 1 pseudonymised, 0 broken."
