"""
Digital Bazaar's verifier against the documents Haltung serves (issue 19's "done when").

The test issues a certificate on a live server and hands the reference verifier only the credential and the
server's origin: its document loader knows the standard contexts the npm packages ship and fetches the
issuer's key, controller document and status list from that server, nothing else. After revocation the same
verifier reads the status list and reports the bit as set.
"""

import json
import shutil
import subprocess
from pathlib import Path
from urllib.request import urlopen

import pytest

from certificates import services
from certificates.models import Certificate

REFERENCE = Path(__file__).parent / "js"
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.filterwarnings("ignore::DeprecationWarning")]


def reference_verify(credential: dict, origin: str, tmp_path: Path) -> dict:
    if not (REFERENCE / "node_modules").is_dir() or not shutil.which("node"):
        pytest.skip(f"run `npm ci --prefix {REFERENCE.relative_to(Path.cwd())}` (needs Node.js) for this check")
    path = tmp_path / "credential.json"
    path.write_text(json.dumps(credential))
    result = subprocess.run(  # noqa: S603
        [shutil.which("node"), str(REFERENCE / "verify.mjs"), str(path), origin],
        capture_output=True,
        text=True,
        check=True,
        cwd=REFERENCE,
        timeout=120,
    )
    return json.loads(result.stdout)


@pytest.fixture
def served_certificate(live_server, settings, passed_enrollment, learner, signature):
    """A certificate issued while the site's public URL is the live server, so every link points there."""
    settings.SITE_URL = live_server.url
    certificate = services.issue(passed_enrollment, by=learner)  # tasks run eagerly on commit
    return Certificate.objects.get(pk=certificate.pk)


def served_credential(certificate: Certificate) -> dict:
    with urlopen(certificate.verification_url + "credential.json") as response:  # noqa: S310 - the live server
        return json.loads(response.read())


def test_reference_verifier_resolves_served_keys_and_status(served_certificate, live_server, learner, tmp_path):
    """The served credential verifies with served keys; after revocation the served list says revoked."""
    credential = served_credential(served_certificate)
    first = reference_verify(credential, live_server.url, tmp_path)
    assert first["verified"] is True, first["error"]
    assert first["status"] == [{"purpose": "revocation", "set": False}]
    key_url = credential["proof"][0]["verificationMethod"]
    assert {key_url, f"{live_server.url}/issuer/", credential["credentialStatus"]["statusListCredential"]} <= set(
        first["fetched"]
    )

    services.revoke(served_certificate, by=learner, reason="Completed by someone else")
    after = reference_verify(credential, live_server.url, tmp_path)
    assert after["status"] == [{"purpose": "revocation", "set": True}]

    edited = {**credential, "name": credential["name"] + " (edited)"}
    assert reference_verify(edited, live_server.url, tmp_path)["verified"] is False
