"""Issuer keys as served (Multikey documents, public keys only on the web) and the revocation status list."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.urls import reverse

from certificates import services
from certificates.credentials import keys, proofs, status
from certificates.credentials.jsonld import canonical_nquads
from certificates.models import Certificate, StatusList
from certificates.tasks import publish_status_list_task, sign_credential_task
from tests.certificates import independent_verifier as independent
from tests.certificates.conftest import KEY_A, KEY_B

pytestmark = [pytest.mark.django_db, pytest.mark.filterwarnings("ignore::DeprecationWarning")]


def public_entry(private_entry: str) -> str:
    """The HALTUNG_CREDENTIAL_PUBLIC_KEYS entry an operator derives from a private key entry."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key_id, _, seed = private_entry.partition(":")
    key = keys.IssuerKey(key_id, Ed25519PrivateKey.from_private_bytes(keys._seed(seed)))
    return f"{key_id}:{key.public_multibase}"


@pytest.fixture
def web_process(settings):
    """A web process as production configures it: the public keys, no private key."""
    settings.HALTUNG_CREDENTIAL_KEYS = []
    settings.HALTUNG_CREDENTIAL_PUBLIC_KEYS = [public_entry(KEY_A)]
    return settings


def test_key_document_is_a_multikey_a_verifier_can_read(client):
    """/issuer/keys/<id> is a Multikey with id, type, controller and publicKeyMultibase, every term defined."""
    url = reverse("certificates:issuer_key", args=["key-2026a"])
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/ld+json"
    document = response.json()
    assert document["@context"] == "https://w3id.org/security/multikey/v1"
    assert document["type"] == "Multikey" and document["id"].endswith(url)
    assert document["controller"].endswith(reverse("certificates:issuer"))
    assert independent.public_key_from_multikey(document["publicKeyMultibase"]) == keys.issuer_keys()[0].public_bytes
    assert "<https://w3id.org/security#publicKeyMultibase>" in canonical_nquads(document)
    assert client.get(reverse("certificates:issuer_key", args=["no-such-key"])).status_code == 404


def test_controller_document_has_only_defined_terms(client):
    """The issuer document expands in safe mode: no undefined term (the old name/url were undefined)."""
    document = client.get(reverse("certificates:issuer")).json()
    assert set(document) == {"@context", "id", "verificationMethod", "assertionMethod"}
    nquads = canonical_nquads(document)  # raises on any term the contexts do not define
    assert "<https://w3id.org/security#assertionMethod>" in nquads
    assert document["assertionMethod"] == [m["id"] for m in document["verificationMethod"]]


def test_web_process_publishes_public_keys_and_cannot_sign(certificate, web_process, client):
    """With only public keys configured, the site publishes them and a signing task has nothing to sign with."""
    assert keys.issuer_keys() == [] and keys.signing_key() is None
    document = client.get(reverse("certificates:issuer_key", args=["key-2026a"])).json()
    assert document["publicKeyMultibase"] == web_process.HALTUNG_CREDENTIAL_PUBLIC_KEYS[0].split(":")[1]
    assert proofs.verify(certificate.credential, resolve=keys.public_key_for)
    Certificate.objects.filter(pk=certificate.pk).update(credential={})
    assert sign_credential_task.delay(certificate.pk).get() == "no key"


def test_retired_public_key_stays_published(settings, client, certificate):
    """After rotation the worker holds only the new private key; the old public key is still served."""
    settings.HALTUNG_CREDENTIAL_KEYS = [KEY_B]
    settings.HALTUNG_CREDENTIAL_PUBLIC_KEYS = [public_entry(KEY_A), public_entry(KEY_B)]
    served = client.get(reverse("certificates:issuer")).json()
    assert [m["id"].rsplit("/", 1)[1] for m in served["verificationMethod"]] == ["key-2026a", "key-2027b"]
    assert proofs.verify(certificate.credential, resolve=keys.public_key_for)


def test_a_signing_key_the_web_does_not_publish_fails_the_system_check(settings):
    """The worker refuses to start with a key whose public half is missing or different in the public list."""
    settings.HALTUNG_CREDENTIAL_KEYS = [KEY_B]
    settings.HALTUNG_CREDENTIAL_PUBLIC_KEYS = [public_entry(KEY_A)]
    with pytest.raises(SystemCheckError, match="key-2027b"):
        call_command("check")
    settings.HALTUNG_CREDENTIAL_PUBLIC_KEYS = ["key-2027b:zNotAKey"]
    with pytest.raises(SystemCheckError, match="not an Ed25519 Multikey"):
        call_command("check")


def test_encoding_follows_the_specification():
    """16 KiB of bits, GZIP, base64url with the multibase 'u'; index 0 is the most significant bit."""
    encoded = status.encode([0, 9, status.LIST_SIZE - 1])
    bits = status.decode(encoded)
    assert encoded.startswith("u") and "=" not in encoded and len(bits) == 16 * 1024
    assert bits[0] == 0x80 and bits[1] == 0x40 and bits[-1] == 0x01
    assert [i for i in range(status.LIST_SIZE) if status.is_set(bits, i)] == [0, 9, status.LIST_SIZE - 1]
    assert status.encode([9, 0]) == status.encode([0, 9])  # deterministic: unchanged bits, unchanged list
    with pytest.raises(ValueError, match="outside"):
        status.encode([status.LIST_SIZE])


def served_list(client, certificate) -> tuple[dict, bytes]:
    entry = certificate.credential["credentialStatus"]
    response = client.get(entry["statusListCredential"].removeprefix("http://127.0.0.1:8000"))
    assert response.status_code == 200 and response["Content-Type"] == "application/vc"
    assert "max-age=300" in response["Cache-Control"]
    document = json.loads(response.content)
    return document, status.decode(document["credentialSubject"]["encodedList"])


def test_issue_publishes_a_signed_list_with_the_bit_clear(client, certificate):
    """Signing the credential publishes its list; the list is a signed BitstringStatusListCredential."""
    entry = certificate.credential["credentialStatus"]
    assert entry["type"] == "BitstringStatusListEntry" and entry["statusPurpose"] == "revocation"
    assert entry["statusListIndex"] == str(certificate.pk % status.LIST_SIZE)
    document, bits = served_list(client, certificate)
    assert document["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert document["issuer"] == certificate.credential["issuer"]["id"]
    assert not status.is_set(bits, int(entry["statusListIndex"]))
    published = {m["id"]: independent.public_key_from_multikey(m["publicKeyMultibase"]) for m in _methods(client)}
    assert independent.verify(document, published)


def _methods(client) -> list[dict]:
    return client.get(reverse("certificates:issuer")).json()["verificationMethod"]


def test_revocation_flips_the_bit_and_the_pages_agree(client, certificate, learner, django_capture_on_commit_callbacks):
    """Revoking re-signs the list with the bit set; the HTML page and the JSON say what the list says."""
    with django_capture_on_commit_callbacks(execute=True):
        services.revoke(certificate, by=learner, reason="Completed by someone else")
    certificate.refresh_from_db()
    document, bits = served_list(client, certificate)
    index = int(certificate.credential["credentialStatus"]["statusListIndex"])
    assert status.is_set(bits, index)
    facts = client.get(reverse("certificates:verify_json", args=[certificate.code])).json()
    assert facts["status"] == "revoked" and facts["status_list"]["revoked"] is True
    assert facts["status_list"]["index"] == index
    page = client.get(reverse("certificates:verify", args=[certificate.code]), HTTP_ACCEPT_LANGUAGE="en")
    assert "listed as revoked" in page.content.decode()
    published = {m["id"]: independent.public_key_from_multikey(m["publicKeyMultibase"]) for m in _methods(client)}
    assert independent.verify(document, published)


def test_correction_sets_the_old_bit_and_leaves_the_new_one_clear(
    client, certificate, learner, django_capture_on_commit_callbacks
):
    """A superseded certificate's credential stops verifying as current; its successor's bit is clear."""
    with django_capture_on_commit_callbacks(execute=True):
        new = services.correct(certificate, by=learner, changes={"participant_name": "Alex B."}, reason="Typo")
    new.refresh_from_db()
    _document, bits = served_list(client, new)
    assert status.is_set(bits, certificate.pk % status.LIST_SIZE)
    assert not status.is_set(bits, new.pk % status.LIST_SIZE)
    old = client.get(reverse("certificates:verify_json", args=[certificate.code])).json()
    assert old["status"] == "superseded" and old["status_list"]["revoked"] is True


def test_publishing_twice_keeps_the_stored_list(certificate):
    """A repeated publication with unchanged bits stores nothing new (the task is idempotent)."""
    number = status.position(certificate.pk)[0]
    before = StatusList.objects.get(number=number)
    assert publish_status_list_task.delay(number).get() == "unchanged"
    assert StatusList.objects.get(number=number).signed_at == before.signed_at


def test_unknown_list_is_404_and_json_is_honest_before_publication(client, certificate):
    """A list never published answers 404; the verification JSON says 'not published yet' as null."""
    assert client.get(reverse("certificates:status_list", args=[99])).status_code == 404
    StatusList.objects.all().delete()
    facts = client.get(reverse("certificates:verify_json", args=[certificate.code])).json()
    assert facts["status_list"]["revoked"] is None
    assert json.dumps(facts)  # still plain JSON
