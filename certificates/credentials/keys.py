"""
The issuer's Ed25519 keys, from the environment.

``HALTUNG_CREDENTIAL_KEYS`` is a comma-separated list of ``key-id:seed`` pairs, the seed being 32 random
bytes in base64url. The first key signs new credentials; every listed key is published, so credentials
signed before a rotation still verify. Rotate by putting a new key first and keeping the old one listed.
"""

import base64
import hashlib
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
ED25519_PUB_MULTICODEC = b"\xed\x01"


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


@dataclass(frozen=True)
class IssuerKey:
    key_id: str
    private_key: Ed25519PrivateKey

    @property
    def public_bytes(self) -> bytes:
        return self.private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)

    @property
    def public_multibase(self) -> str:
        return "z" + base58btc_encode(ED25519_PUB_MULTICODEC + self.public_bytes)

    @property
    def verification_method(self) -> str:
        return f"{issuer_id()}#{self.key_id}"


def issuer_id() -> str:
    return settings.SITE_URL + reverse("certificates:issuer")


def _seed(text: str) -> bytes:
    seed = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    if len(seed) != 32:
        raise ImproperlyConfigured("Each HALTUNG_CREDENTIAL_KEYS seed must be 32 bytes in base64url.")
    return seed


def issuer_keys() -> list[IssuerKey]:
    spec = settings.HALTUNG_CREDENTIAL_KEYS
    if not spec:
        if not settings.DEBUG:
            return []
        # Development only: a key derived from SECRET_KEY, so `make run` signs without configuration.
        seed = hashlib.sha256(b"haltung-dev-credential-key:" + settings.SECRET_KEY.encode()).digest()
        return [IssuerKey("dev", Ed25519PrivateKey.from_private_bytes(seed))]
    keys = []
    for entry in spec:
        key_id, _, seed = entry.partition(":")
        if not key_id or not seed:
            raise ImproperlyConfigured("HALTUNG_CREDENTIAL_KEYS entries look like 'key-id:base64url-seed'.")
        keys.append(IssuerKey(key_id.strip(), Ed25519PrivateKey.from_private_bytes(_seed(seed.strip()))))
    return keys


def signing_key() -> IssuerKey | None:
    keys = issuer_keys()
    return keys[0] if keys else None


def public_key_for(verification_method: str) -> bytes | None:
    """The raw public key of one of our published verification methods, or None."""
    return next((key.public_bytes for key in issuer_keys() if key.verification_method == verification_method), None)


def controller_document() -> dict:
    """What the site publishes at the issuer URL: the keys that verify its credentials."""
    keys = issuer_keys()
    return {
        "@context": ["https://www.w3.org/ns/cid/v1"],
        "id": issuer_id(),
        "name": settings.HALTUNG_ISSUER_NAME,
        "url": settings.SITE_URL + "/",
        "verificationMethod": [
            {
                "id": key.verification_method,
                "type": "Multikey",
                "controller": issuer_id(),
                "publicKeyMultibase": key.public_multibase,
            }
            for key in keys
        ],
        "assertionMethod": [key.verification_method for key in keys],
    }
