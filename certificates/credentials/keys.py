"""
The issuer's Ed25519 keys: public halves for the processes that publish them, private halves where signing
happens (docs/decisions/0110).

- ``HALTUNG_CREDENTIAL_PUBLIC_KEYS`` (web processes): ``key-id:z6Mk…`` pairs, the public key as a Multikey
  ``publicKeyMultibase``. Every listed key is published, retired ones included, so credentials signed before
  a rotation keep verifying.
- ``HALTUNG_CREDENTIAL_KEYS`` (the Celery worker): ``key-id:seed`` pairs, the seed being 32 random bytes in
  base64url. The first one signs. A process that has a private key also publishes its public half, so a
  single-process install (``make run``) needs one setting only.

Each key is a Multikey document of its own at ``/issuer/keys/<key-id>``, under the ``multikey/v1`` context
that Digital Bazaar's libraries ship; the issuer's controller document at ``/issuer/`` lists them all.
"""

import base64
import hashlib
import re
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
ED25519_PUB_MULTICODEC = b"\xed\x01"
KEY_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
MULTIKEY_V1 = "https://w3id.org/security/multikey/v1"
SECURITY_V2 = "https://w3id.org/security/v2"


def base58btc_encode(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    encoded = ""
    while number:
        number, remainder = divmod(number, 58)
        encoded = BASE58[remainder] + encoded
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + encoded


def base58btc_decode(text: str) -> bytes:
    number = 0
    for char in text:
        number = number * 58 + BASE58.index(char)
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * (len(text) - len(text.lstrip("1"))) + body


def issuer_id() -> str:
    return settings.SITE_URL + reverse("certificates:issuer")


def key_url(key_id: str) -> str:
    return settings.SITE_URL + reverse("certificates:issuer_key", args=[key_id])


@dataclass(frozen=True)
class PublicKey:
    key_id: str
    public_bytes: bytes

    @property
    def public_multibase(self) -> str:
        return "z" + base58btc_encode(ED25519_PUB_MULTICODEC + self.public_bytes)

    @property
    def verification_method(self) -> str:
        return key_url(self.key_id)

    def multikey(self) -> dict[str, Any]:
        return {
            "id": self.verification_method,
            "type": "Multikey",
            "controller": issuer_id(),
            "publicKeyMultibase": self.public_multibase,
        }


@dataclass(frozen=True)
class IssuerKey:
    """A private signing key; only the worker is configured with these."""

    key_id: str
    private_key: Ed25519PrivateKey

    @property
    def public(self) -> PublicKey:
        return PublicKey(self.key_id, self.private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw))

    @property
    def public_bytes(self) -> bytes:
        return self.public.public_bytes

    @property
    def public_multibase(self) -> str:
        return self.public.public_multibase

    @property
    def verification_method(self) -> str:
        return self.public.verification_method


def _pair(entry: str, setting: str) -> tuple[str, str]:
    key_id, _, value = entry.partition(":")
    key_id, value = key_id.strip(), value.strip()
    if not KEY_ID.match(key_id) or not value:
        raise ImproperlyConfigured(
            f"{setting} entries look like 'key-id:value' (key id: letters, digits, '.', '_', '-'); got {entry!r}."
        )
    return key_id, value


def _seed(text: str) -> bytes:
    seed = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    if len(seed) != 32:
        raise ImproperlyConfigured("Each HALTUNG_CREDENTIAL_KEYS seed must be 32 bytes in base64url.")
    return seed


def public_key_from_multibase(text: str, *, setting: str = "HALTUNG_CREDENTIAL_PUBLIC_KEYS") -> bytes:
    try:
        raw = base58btc_decode(text[1:]) if text.startswith("z") else b""
    except ValueError:
        raw = b""
    if raw[:2] != ED25519_PUB_MULTICODEC or len(raw) != 34:
        raise ImproperlyConfigured(f"{setting}: {text!r} is not an Ed25519 Multikey (z6Mk…).")
    return raw[2:]


def issuer_keys() -> list[IssuerKey]:
    """The private keys configured in this process (the worker's); the first one signs."""
    spec = settings.HALTUNG_CREDENTIAL_KEYS
    if not spec:
        if not settings.DEBUG or settings.HALTUNG_CREDENTIAL_PUBLIC_KEYS:
            return []
        # Development only: a key derived from SECRET_KEY, so `make run` signs without configuration.
        dev_seed = hashlib.sha256(b"haltung-dev-credential-key:" + settings.SECRET_KEY.encode()).digest()
        return [IssuerKey("dev", Ed25519PrivateKey.from_private_bytes(dev_seed))]
    keys = []
    for entry in spec:
        key_id, seed = _pair(entry, "HALTUNG_CREDENTIAL_KEYS")
        keys.append(IssuerKey(key_id, Ed25519PrivateKey.from_private_bytes(_seed(seed))))
    return keys


def configured_public_keys() -> list[PublicKey]:
    keys = []
    for entry in settings.HALTUNG_CREDENTIAL_PUBLIC_KEYS:
        key_id, multibase = _pair(entry, "HALTUNG_CREDENTIAL_PUBLIC_KEYS")
        keys.append(PublicKey(key_id, public_key_from_multibase(multibase)))
    return keys


def published_keys() -> list[PublicKey]:
    """Every key the site publishes: the configured public keys, then the public halves of local private keys."""
    keys = configured_public_keys()
    known = {key.key_id for key in keys}
    keys.extend(key.public for key in issuer_keys() if key.key_id not in known)
    return keys


def signing_key() -> IssuerKey | None:
    keys = issuer_keys()
    return keys[0] if keys else None


def public_key_for(verification_method: str) -> bytes | None:
    """The raw public key of one of our published verification methods, or None."""
    return next((key.public_bytes for key in published_keys() if key.verification_method == verification_method), None)


def configuration_problems() -> list[str]:
    """Private keys whose public half the web processes would publish differently (or not at all)."""
    published = {key.key_id: key for key in configured_public_keys()}
    if not published:
        return []
    problems = []
    for key in issuer_keys():
        listed = published.get(key.key_id)
        if listed is None:
            problems.append(f"The signing key {key.key_id!r} is missing from HALTUNG_CREDENTIAL_PUBLIC_KEYS.")
        elif listed.public_bytes != key.public_bytes:
            problems.append(f"HALTUNG_CREDENTIAL_PUBLIC_KEYS lists another public key for {key.key_id!r}.")
    return problems


def key_document(key_id: str) -> dict[str, Any] | None:
    """One verification method as a Multikey document, the way a verifier dereferences it."""
    key = next((key for key in published_keys() if key.key_id == key_id), None)
    if key is None:
        return None
    return {"@context": MULTIKEY_V1, **key.multikey()}


def controller_document() -> dict[str, Any]:
    """What the site publishes at the issuer URL: the keys that may sign its credentials.

    The security/v2 context defines ``verificationMethod`` and ``assertionMethod`` (the same IRIs as the
    W3C Controlled Identifiers vocabulary) and multikey/v1 the key terms; both ship with the reference
    libraries, so a verifier needs nothing it does not already have.
    """
    keys = published_keys()
    return {
        "@context": [SECURITY_V2, MULTIKEY_V1],
        "id": issuer_id(),
        "verificationMethod": [key.multikey() for key in keys],
        "assertionMethod": [key.verification_method for key in keys],
    }
