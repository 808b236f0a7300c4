"""
Backup and restore, as docs/operations.md describes it: dump PostgreSQL, copy the file storage, keep the key
material; restore into a fresh database and directory; every certificate still verifies.
"""

import io
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.db import connection
from PIL import Image

from certificates import services as certificate_services
from certificates.models import Certificate
from tests.certificates.conftest import KEY_A, KEY_B, pass_final_test
from tests.conftest import complete_all_steps
from tests.integration.conftest import ROOT, require_services
from tests.integration.conftest import test_database_url as database_url

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

SECRET_KEY = "restore-test-secret-key-" + "k" * 40


def run(*command: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603
        list(command), cwd=ROOT, env={**os.environ, **env}, capture_output=True, text=True, check=False
    )


def manage(*args: str, database: str, media: Path, keys: str) -> subprocess.CompletedProcess:
    """manage.py as production runs it: DEBUG off, the restored database and files, the kept keys."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "HALTUNG_", "CELERY_"))}
    environment.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": SECRET_KEY,
            "DJANGO_ALLOWED_HOSTS": "haltung.example.org",
            "DATABASE_URL": database,
            "HALTUNG_MEDIA_ROOT": str(media),
            "HALTUNG_CREDENTIAL_KEYS": keys,
            "HALTUNG_LEGAL_DIR": str(ROOT / "tests" / "fixtures" / "legal"),
        }
    )
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True, check=False
    )


@pytest.fixture
def populated(version, make_user, settings):
    """Three learners with certificates: one valid, one corrected (old superseded), one revoked."""
    require_services()
    settings.HALTUNG_CREDENTIAL_KEYS = [KEY_A]
    from enrolments.services import learning

    buffer = io.BytesIO()
    Image.new("RGB", (240, 80), "white").save(buffer, format="PNG")
    certificate_services.add_signature(
        signatory_name=version.scientific_lead, content=buffer.getvalue(), filename="s.png"
    )
    issued = []
    for number in range(3):
        learner = make_user(f"learner{number}@example.org", f"Learner {number}")
        enrollment = learning.enroll(version, user=learner)
        complete_all_steps(enrollment)
        pass_final_test(enrollment)
        issued.append(certificate_services.issue(enrollment, by=learner))
    certificate_services.correct(
        issued[1], by=issued[1].user, changes={"participant_name": "Learner Eins"}, reason="Typo"
    )
    certificate_services.revoke(issued[2], by=issued[2].user, reason="Issued in error")
    return Certificate.objects.count()


def test_dump_and_restore_keeps_every_certificate_verifiable(populated, settings, tmp_path):
    assert populated == 4
    backup = tmp_path / "backup"
    backup.mkdir()
    source = database_url()

    # Backup: the database, the file storage, and (from the secret store) the keys.
    dumped = run("pg_dump", "--format=custom", "--no-owner", f"--file={backup / 'haltung.dump'}", source)
    assert dumped.returncode == 0, dumped.stderr
    shutil.copytree(settings.MEDIA_ROOT, backup / "media")

    # Restore into a fresh database and a fresh directory.
    name = f"{connection.settings_dict['NAME']}_restore_{uuid.uuid4().hex[:6]}"
    target = source.rsplit("/", 1)[0] + f"/{name}"
    maintenance = source.rsplit("/", 1)[0] + "/postgres"
    created = run("psql", maintenance, "-c", f'CREATE DATABASE "{name}"')
    assert created.returncode == 0, created.stderr
    try:
        restored = run(
            "pg_restore", "--no-owner", "--exit-on-error", f"--dbname={target}", str(backup / "haltung.dump")
        )
        assert restored.returncode == 0, restored.stderr
        media = tmp_path / "restored-media"
        shutil.copytree(backup / "media", media)

        assert manage("migrate", "--check", database=target, media=media, keys=KEY_A).returncode == 0
        checked = manage("check_certificates", database=target, media=media, keys=KEY_A)
        assert checked.returncode == 0, checked.stdout + checked.stderr
        assert checked.stdout.strip() == "Certificates: 4 ok, 0 pseudonymised, 0 broken."

        # The check is real: a lost file or lost key material is caught and named.
        lost = Certificate.objects.order_by("pk").first()
        (media / lost.pdf.name).unlink()
        missing = manage("check_certificates", database=target, media=media, keys=KEY_A)
        assert missing.returncode != 0
        assert f"{lost.code}: PDF {lost.pdf.name} missing from storage" in missing.stderr
        wrong_keys = manage("check_certificates", database=target, media=backup / "media", keys=KEY_B)
        assert wrong_keys.returncode != 0
        assert wrong_keys.stderr.count("credential signature does not verify") == 4
    finally:
        run("psql", maintenance, "-c", f'DROP DATABASE IF EXISTS "{name}"')
