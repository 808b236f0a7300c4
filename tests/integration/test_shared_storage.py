"""
Two app servers, one database, one S3-compatible bucket (docs/decisions/0903).

Two gunicorn processes run with different local directories (as on two machines), against the test's
PostgreSQL database and a bucket on a moto S3 server in this process. The learner claims the certificate
on the first (which renders and stores the PDF) and downloads it from the second. Nothing lands on either
machine's disk.
"""

import http.client
import io
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.test import Client
from PIL import Image

from certificates import services as certificate_services
from certificates.models import Certificate
from enrolments.services import learning as enrolment_services
from tests.certificates.conftest import pass_final_test
from tests.conftest import complete_all_steps
from tests.integration.conftest import ROOT, require_services
from tests.integration.conftest import test_database_url as database_url

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

BUCKET = "haltung-media"
CSRF = "x" * 32  # an unmasked CSRF secret: Django accepts it as cookie and header alike


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def s3(settings):
    """A moto S3 server on loopback with one bucket; this process stores its files there too."""
    require_services()
    import boto3
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    env = {
        "HALTUNG_STORAGE": "s3",
        "HALTUNG_S3_BUCKET": BUCKET,
        "HALTUNG_S3_ENDPOINT_URL": f"http://{host}:{port}",
        "HALTUNG_S3_REGION": "eu-central-1",
        "HALTUNG_S3_ACCESS_KEY_ID": "test-access-key",
        "HALTUNG_S3_SECRET_ACCESS_KEY": "test-secret-key",
    }
    client = boto3.client(
        "s3",
        endpoint_url=env["HALTUNG_S3_ENDPOINT_URL"],
        region_name=env["HALTUNG_S3_REGION"],
        aws_access_key_id=env["HALTUNG_S3_ACCESS_KEY_ID"],
        aws_secret_access_key=env["HALTUNG_S3_SECRET_ACCESS_KEY"],
    )
    client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-central-1"})
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": env["HALTUNG_S3_ENDPOINT_URL"],
                "region_name": env["HALTUNG_S3_REGION"],
                "access_key": env["HALTUNG_S3_ACCESS_KEY_ID"],
                "secret_key": env["HALTUNG_S3_SECRET_ACCESS_KEY"],
                "file_overwrite": False,
            },
        },
    }
    try:
        yield env, client
    finally:
        server.stop()


def start_server(name: str, directory: Path, storage_env: dict[str, str]) -> tuple[subprocess.Popen, int, Path]:
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("CELERY_BROKER_URL", "HALTUNG_"))},
        **storage_env,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "true",
        "DATABASE_URL": database_url(),
        "HALTUNG_DATA_DIR": str(directory / "data"),
        "HALTUNG_MEDIA_ROOT": str(directory / "media"),
        "HALTUNG_LEGAL_DIR": str(ROOT / "tests" / "fixtures" / "legal"),
    }
    directory.mkdir(parents=True, exist_ok=True)
    log = directory / f"{name}.log"
    command = [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"]
    with log.open("w") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)  # noqa: S603
    deadline = time.monotonic() + 60
    while True:
        try:
            if request(port, "GET", "/healthz?scope=web")[0] == 200:
                return process, port, log
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"app server {name} did not start:\n{log.read_text()}")
        time.sleep(0.3)


def request(port: int, method: str, path: str, *, session: str = "") -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Host": "localhost", "Cookie": f"csrftoken={CSRF}; sessionid={session}", "X-CSRFToken": CSRF}
    connection.request(method, path, headers=headers)
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, dict(response.getheaders()), body


def files_under(directory: Path) -> list[Path]:
    return [path for path in directory.rglob("*") if path.is_file() and path.suffix in {".pdf", ".png", ".json"}]


def test_certificate_issued_on_one_server_downloads_from_the_other(s3, version, learner, tmp_path):
    storage_env, bucket = s3
    buffer = io.BytesIO()
    Image.new("RGB", (240, 80), "white").save(buffer, format="PNG")
    certificate_services.add_signature(
        signatory_name=version.scientific_lead, content=buffer.getvalue(), filename="lead.png"
    )
    enrollment = enrolment_services.enroll(version, user=learner)
    complete_all_steps(enrollment)
    pass_final_test(enrollment)
    client = Client()
    client.force_login(learner)
    session = client.cookies["sessionid"].value

    machines = {name: tmp_path / name for name in ("machine-a", "machine-b")}
    servers = [start_server(name, directory, storage_env) for name, directory in machines.items()]
    try:
        (_a, port_a, log_a), (_b, port_b, log_b) = servers
        status, headers, _body = request(port_a, "POST", f"/learn/{enrollment.pk}/certificate/", session=session)
        assert status == 302, log_a.read_text()
        certificate = Certificate.objects.get(enrollment=enrollment)
        assert headers["Location"] == f"/certificates/{certificate.code}/"
        # The render runs once the claim's response has gone out (decision 0610): wait for it, bounded.
        deadline = time.monotonic() + 60
        while not certificate.pdf and time.monotonic() < deadline:
            time.sleep(0.2)
            certificate.refresh_from_db()
        assert certificate.pdf.name.startswith("certificates/"), log_a.read_text()
        stored = bucket.get_object(Bucket=BUCKET, Key=certificate.pdf.name)["Body"].read()
        assert stored.startswith(b"%PDF")

        status, headers, body = request(port_b, "GET", f"/certificates/{certificate.code}/pdf/", session=session)
        assert status == 200, log_b.read_text()
        assert headers["Content-Type"] == "application/pdf" and body == stored
        for directory in machines.values():
            assert files_under(directory) == [], "a file was written to a machine's local disk"
    finally:
        for process, _port, _log in servers:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
