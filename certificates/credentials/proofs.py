"""The ``eddsa-rdfc-2022`` Data Integrity cryptosuite: sign and verify (W3C vc-di-eddsa, section 3.3)."""

import copy
import hashlib
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from .jsonld import canonical_nquads
from .keys import IssuerKey, base58btc_decode, base58btc_encode

CRYPTOSUITE = "eddsa-rdfc-2022"


def _hash_data(document: dict[str, Any], proof_config: dict[str, Any]) -> bytes:
    """SHA-256 of the canonical proof options, then of the canonical document (the order the spec sets)."""
    config_hash = hashlib.sha256(canonical_nquads(proof_config).encode()).digest()
    document_hash = hashlib.sha256(canonical_nquads(document).encode()).digest()
    return config_hash + document_hash


def sign(document: dict[str, Any], *, key: IssuerKey, created: datetime) -> dict[str, Any]:
    """Return a copy of ``document`` with an assertion proof made by ``key``.

    ``proof`` is a one-element array: VC 2.0 allows a set of proofs, and 1EdTech's OB 3.0 JSON Schema accepts
    only the array form.
    """
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    proof = {
        "type": "DataIntegrityProof",
        "cryptosuite": CRYPTOSUITE,
        "created": created.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "verificationMethod": key.verification_method,
        "proofPurpose": "assertionMethod",
    }
    signature = key.private_key.sign(_hash_data(unsecured, {"@context": unsecured["@context"], **proof}))
    secured = copy.deepcopy(unsecured)
    secured["proof"] = [{**proof, "proofValue": "z" + base58btc_encode(signature)}]
    return secured


def verify(document: dict[str, Any], *, resolve: Callable[[str], bytes | None]) -> bool:
    """Check the document's proof; ``resolve`` maps a verification method id to a raw Ed25519 public key."""
    proofs = document.get("proof")
    proof = proofs[0] if isinstance(proofs, list) and len(proofs) == 1 else None
    if not isinstance(proof, dict) or proof.get("type") != "DataIntegrityProof":
        return False
    if proof.get("cryptosuite") != CRYPTOSUITE or proof.get("proofPurpose") != "assertionMethod":
        return False
    value = proof.get("proofValue", "")
    public = resolve(proof.get("verificationMethod", ""))
    if public is None or not isinstance(value, str) or not value.startswith("z"):
        return False
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    config = {"@context": unsecured.get("@context"), **{k: v for k, v in proof.items() if k != "proofValue"}}
    try:
        hash_data = _hash_data(unsecured, config)
        Ed25519PublicKey.from_public_bytes(public).verify(base58btc_decode(value[1:]), hash_data)
    except InvalidSignature:
        return False
    except Exception:
        # Any JSON-LD failure (an undefined term, a context that is not bundled) means "not verified".
        return False
    return True
