"""The credential against 1EdTech's official Open Badges 3.0 JSON Schema (see tests/certificates/data/README.md)."""

import json
from pathlib import Path

import pytest
from jsonschema import Draft201909Validator

SCHEMA = Path(__file__).parent / "data" / "ob_v3p0_achievementcredential_schema.json"
pytestmark = pytest.mark.django_db


@pytest.fixture
def schema() -> dict:
    return json.loads(SCHEMA.read_text(encoding="utf-8"))


def test_credential_validates_against_the_official_schema(schema, certificate):
    """No schema error at all; date-time formats are checked too."""
    validator = Draft201909Validator(schema, format_checker=Draft201909Validator.FORMAT_CHECKER)
    errors = [
        f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}"
        for e in validator.iter_errors(certificate.credential)
    ]
    assert errors == []


def test_the_schema_refuses_what_issue_19_found(schema, certificate):
    """The schema bites: a single proof object (the old form) and a missing validFrom are errors."""
    validator = Draft201909Validator(schema)
    old = {**certificate.credential, "proof": certificate.credential["proof"][0]}
    assert [e.absolute_path[0] for e in validator.iter_errors(old)] == ["proof"]
    undated = {k: v for k, v in certificate.credential.items() if k != "validFrom"}
    assert any("validFrom" in e.message for e in validator.iter_errors(undated))


def test_proof_is_the_array_the_schema_requires(certificate):
    """The one finding of issue 19 against the 2024 build: proof is an array; the VC 2.0 dates are used."""
    proof = certificate.credential["proof"]
    assert isinstance(proof, list) and len(proof) == 1 and proof[0]["type"] == "DataIntegrityProof"
    assert "validFrom" in certificate.credential and "issuanceDate" not in certificate.credential
