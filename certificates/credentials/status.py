"""
W3C Bitstring Status List (revocation) for the Open Badges credentials (docs/decisions/0111).

Every certificate owns one bit: list ``pk // LIST_SIZE + 1``, index ``pk % LIST_SIZE``. The bit is set when the
certificate is revoked or superseded; nothing ever clears it, because neither state is undone. The lists are
computed from the certificate rows (the database stays the only record of the status), signed by the worker
and stored; the web processes serve the stored signed copy.
"""

import base64
import gzip
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.urls import reverse

from .jsonld import VC_V2
from .keys import issuer_id

# 131,072 entries = 16 KiB uncompressed, the minimum the specification sets for group privacy.
LIST_SIZE = 131_072
PURPOSE = "revocation"
# How long a verifier may cache the list (milliseconds, the spec's `ttl`); the HTTP max-age says the same.
TTL_SECONDS = 300


def position(certificate_pk: int) -> tuple[int, int]:
    """(list number, index) of a certificate's bit."""
    return certificate_pk // LIST_SIZE + 1, certificate_pk % LIST_SIZE


def list_url(number: int) -> str:
    return settings.SITE_URL + reverse("certificates:status_list", args=[number])


def status_entry(certificate_pk: int) -> dict[str, Any]:
    """The ``credentialStatus`` of a certificate's credential."""
    number, index = position(certificate_pk)
    url = list_url(number)
    return {
        "id": f"{url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": PURPOSE,
        "statusListIndex": str(index),
        "statusListCredential": url,
    }


def encode(indices: Iterable[int]) -> str:
    """Multibase base64url (no padding) of the GZIP-compressed bitstring; index 0 is the leftmost bit."""
    bits = bytearray(LIST_SIZE // 8)
    for index in indices:
        if not 0 <= index < LIST_SIZE:
            raise ValueError(f"status list index {index} is outside 0..{LIST_SIZE - 1}")
        bits[index // 8] |= 0x80 >> (index % 8)
    # mtime=0 keeps the encoding a function of the bits alone, so an unchanged list is not re-signed.
    compressed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).decode().rstrip("=")


def decode(encoded_list: str) -> bytes:
    if not encoded_list.startswith("u"):
        raise ValueError("an encodedList starts with the multibase prefix 'u'")
    text = encoded_list[1:]
    return gzip.decompress(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))


def is_set(bits: bytes, index: int) -> bool:
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def list_credential(number: int, *, encoded_list: str, now: datetime) -> dict[str, Any]:
    """The unsigned status list credential; the worker signs it with the issuer's key."""
    url = list_url(number)
    return {
        "@context": [VC_V2],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_id(),
        "validFrom": now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": PURPOSE,
            "encodedList": encoded_list,
            "ttl": TTL_SECONDS * 1000,
        },
    }
