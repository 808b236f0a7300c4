"""The Open Badges 3.0 credential: signed with eddsa-rdfc-2022, verified by an independent implementation."""

import copy
import json
import socket

import pytest
from django.urls import reverse

from certificates.credentials import keys, proofs
from certificates.credentials.jsonld import ContextNotBundled, canonical_nquads
from certificates.credentials.openbadges import signed_credential
from certificates.tasks import sign_credential_task
from tests.certificates import independent_verifier as independent
from tests.certificates.conftest import KEY_A, KEY_B

pytestmark = [pytest.mark.django_db, pytest.mark.filterwarnings("ignore::DeprecationWarning")]


def published_keys(client) -> dict[str, bytes]:
    """The issuer's public keys as the site publishes them, decoded by the independent helper."""
    document = client.get(reverse("certificates:issuer")).json()
    assert set(document["assertionMethod"]) == {m["id"] for m in document["verificationMethod"]}
    return {
        m["id"]: independent.public_key_from_multikey(m["publicKeyMultibase"]) for m in document["verificationMethod"]
    }


def downloaded(client, certificate) -> dict:
    response = client.get(reverse("certificates:verify_credential", args=[certificate.code]))
    assert response.status_code == 200 and response["Content-Type"] == "application/ld+json"
    return json.loads(response.content)


def leaf_paths(value, path=()):
    if isinstance(value, dict):
        for key, item in value.items():
            yield from leaf_paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from leaf_paths(item, (*path, index))
    else:
        yield path


def changed(document: dict, path: tuple) -> dict:
    edited = copy.deepcopy(document)
    target = edited
    for key in path[:-1]:
        target = target[key]
    value = target[path[-1]]
    if isinstance(value, bool):
        target[path[-1]] = not value
    elif isinstance(value, int | float):
        target[path[-1]] = value + 1
    elif path[-1] == "proofValue":
        target[path[-1]] = value[:-2] + ("11" if not value.endswith("11") else "22")
    else:
        target[path[-1]] = value + "x"
    return edited


def test_credential_is_an_open_badge_with_points(certificate):
    """The stored credential is a VC 2.0 OpenBadgeCredential with the points in creditsEarned."""
    credential = certificate.credential
    assert credential["@context"][0] == "https://www.w3.org/ns/credentials/v2"
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    subject = credential["credentialSubject"]
    assert subject["creditsEarned"] == 2
    assert subject["identifier"][0]["identityHash"] == "Alex Beispiel"
    assert subject["achievement"]["humanCode"] == certificate.vnr
    assert credential["proof"][0]["cryptosuite"] == "eddsa-rdfc-2022"
    assert credential["proof"][0]["verificationMethod"].endswith("/issuer/keys/key-2026a")


def test_downloaded_credential_verifies_independently(client, certificate):
    """The credential from the verification page verifies with the independent implementation."""
    credential = downloaded(client, certificate)
    assert independent.verify(credential, published_keys(client))
    assert proofs.verify(credential, resolve=keys.public_key_for)


def test_independent_canonicalization_matches(certificate):
    """The test's own RDFC-1.0 (over rdflib) gives the same canonical N-Quads as the app (over pyld)."""
    unsecured = {k: v for k, v in certificate.credential.items() if k != "proof"}
    assert independent.canonicalize(independent.to_quads(unsecured)) == canonical_nquads(unsecured)


def test_any_edit_breaks_the_proof(client, certificate):
    """Changing any single value, adding a field or dropping one makes both verifiers refuse."""
    credential = certificate.credential
    public = published_keys(client)
    paths = list(leaf_paths(credential))
    assert len(paths) > 25
    for path in paths:
        edited = changed(credential, path)
        assert not independent.verify(edited, public), path
        assert not proofs.verify(edited, resolve=keys.public_key_for), path
    added = copy.deepcopy(credential)
    added["credentialSubject"]["note"] = "extra"
    dropped = copy.deepcopy(credential)
    del dropped["credentialSubject"][
        "licenseNumber" if "licenseNumber" in dropped["credentialSubject"] else "activityEndDate"
    ]
    for edited in (added, dropped):
        assert not independent.verify(edited, public)
        assert not proofs.verify(edited, resolve=keys.public_key_for)


def test_fractional_points_verify_independently(certificate, client):
    """Points like 1.5 are written so that every JSON-LD processor makes the same literal."""
    certificate.points = type(certificate.points)("1.5")
    credential = signed_credential(certificate, now=certificate.issued_at)
    assert credential["credentialSubject"]["creditsEarned"] == 1.5
    assert independent.verify(credential, published_keys(client))


def test_old_credentials_verify_after_key_rotation(client, certificate, credential_keys):
    """After rotating to a new key, credentials signed with the old one still verify; new ones use the new key."""
    old = certificate.credential
    credential_keys.HALTUNG_CREDENTIAL_KEYS = [KEY_B, KEY_A]
    public = published_keys(client)
    assert independent.verify(old, public)
    new = signed_credential(certificate, now=certificate.issued_at)
    assert new["proof"][0]["verificationMethod"].endswith("/issuer/keys/key-2027b")
    assert independent.verify(new, public)
    # A key that is no longer published verifies nothing: rotation must keep old keys listed.
    credential_keys.HALTUNG_CREDENTIAL_KEYS = [KEY_B]
    assert not independent.verify(old, published_keys(client))


def test_contexts_are_never_fetched(certificate, monkeypatch):
    """Signing and verifying work with the network cut; an unknown context is refused, not fetched."""

    def no_network(*args, **kwargs):
        raise AssertionError("the network was used")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    assert proofs.verify(signed_credential(certificate, now=certificate.issued_at), resolve=keys.public_key_for)
    foreign = copy.deepcopy(certificate.credential)
    foreign["@context"] = [*foreign["@context"], "https://example.org/other-context.json"]
    with pytest.raises(ContextNotBundled):
        canonical_nquads(foreign)
    assert not proofs.verify(foreign, resolve=keys.public_key_for)


def test_signing_is_idempotent(certificate):
    """A redelivered signing task keeps the stored credential."""
    before = certificate.credential
    assert sign_credential_task.delay(certificate.pk).get() == "exists"
    certificate.refresh_from_db()
    assert certificate.credential == before


def test_learner_downloads_own_credential_only(learner_client, certificate, make_user, client):
    """The learner's download works; another user gets 404."""
    response = learner_client.get(reverse("certificates:credential", args=[certificate.code]))
    assert response.status_code == 200 and json.loads(response.content)["id"] == certificate.credential_id
    client.force_login(make_user("other@example.org", "Other"))
    assert client.get(reverse("certificates:credential", args=[certificate.code])).status_code == 404


def test_independent_canonicalization_of_indistinguishable_blank_nodes():
    """Blank nodes with equal first-degree hashes go through the n-degree step; pyld agrees on the result."""
    from pyld import jsonld

    link = ("iri", "http://example.org/link")
    # Two rings of blank nodes: every node looks the same to the first-degree hash.
    rings = [("a", "b", "c"), ("d", "e")]
    quads = [
        (("blank", ring[i]), link, ("blank", ring[(i + 1) % len(ring)]), None)
        for ring in rings
        for i in range(len(ring))
    ]
    nquads = "".join(f"_:{s[1]} <{p[1]}> _:{o[1]} .\n" for s, p, o, _graph in quads)
    expected = jsonld.normalize(
        nquads, {"algorithm": "URDNA2015", "inputFormat": "application/n-quads", "format": "application/n-quads"}
    )
    assert independent.canonicalize(quads) == expected


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("de", "Lernerfolgskontrolle (LEK) mit mindestens 70 % bestanden"),
        ("en", "Learning-success check (LEK, German: Lernerfolgskontrolle) passed with at least 70 %"),
    ],
)
def test_criteria_spell_out_the_learning_success_check(certificate, language, expected):
    """The achievement's criteria expand the abbreviation LEK, in the certificate's language."""
    from certificates.credentials.openbadges import build_credential

    certificate.language = language
    criteria = build_credential(certificate)["credentialSubject"]["achievement"]["criteria"]["narrative"]
    assert criteria == expected
