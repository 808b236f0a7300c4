"""The credential against 1EdTech's official Open Badges 3.0 JSON Schema (see tests/certificates/data/README.md)."""

import json
from pathlib import Path

import pytest
from jsonschema import Draft201909Validator

SCHEMA = Path(__file__).parent / "data" / "ob_v3p0_achievementcredential_schema.json"
pytestmark = pytest.mark.django_db


@pytest.fixture
def schema() -> dict:
    if not SCHEMA.exists():
        pytest.skip(f"{SCHEMA.name} is not in the repository yet: see tests/certificates/data/README.md")
    return json.loads(SCHEMA.read_text(encoding="utf-8"))


def test_credential_validates_against_the_official_schema(schema, certificate):
    """No schema error at all, with formats checked (date-time, uri)."""
    validator = Draft201909Validator(schema, format_checker=Draft201909Validator.FORMAT_CHECKER)
    errors = [
        f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}"
        for e in validator.iter_errors(certificate.credential)
    ]
    assert errors == []


def test_proof_is_the_array_the_schema_requires(certificate):
    """The one finding of issue 19 against the 2024 build, checked without the file: proof is an array."""
    proof = certificate.credential["proof"]
    assert isinstance(proof, list) and len(proof) == 1 and proof[0]["type"] == "DataIntegrityProof"
    assert "validFrom" in certificate.credential and "issuanceDate" not in certificate.credential
