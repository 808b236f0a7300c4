"""JSON-LD processing with bundled contexts only, and RDF canonicalization for Data Integrity proofs."""

import json
from functools import cache
from pathlib import Path
from typing import Any

from pyld import jsonld

CONTEXT_DIR = Path(__file__).parent / "contexts"
VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
MULTIKEY_V1 = "https://w3id.org/security/multikey/v1"
SECURITY_V1 = "https://w3id.org/security/v1"
SECURITY_V2 = "https://w3id.org/security/v2"
CONTEXT_FILES = {
    VC_V2: "credentials-v2.jsonld",
    OB_V3: "ob-v3p0-context-3.0.3.json",
    # The issuer's controller and key documents (docs/decisions/0110).
    MULTIKEY_V1: "multikey-v1.jsonld",
    SECURITY_V1: "security-v1.jsonld",
    SECURITY_V2: "security-v2.jsonld",
}


class ContextNotBundled(Exception):
    pass


class UndefinedTerm(Exception):
    pass


@cache
def bundled_context(url: str) -> dict[str, Any]:
    if url not in CONTEXT_FILES:
        raise ContextNotBundled(f"The JSON-LD context {url} is not bundled; it is never fetched.")
    return json.loads((CONTEXT_DIR / CONTEXT_FILES[url]).read_text(encoding="utf-8"))


def document_loader(url: str, options: Any = None) -> dict[str, Any]:
    return {
        "contentType": "application/ld+json",
        "contextUrl": None,
        "documentUrl": url,
        "document": bundled_context(url),
    }


def _refuse_dropped(term: Any) -> None:
    raise UndefinedTerm(f"The term {term!r} is not defined by the document's contexts.")


def canonical_nquads(document: dict[str, Any]) -> str:
    """Canonical N-Quads (RDFC-1.0) of a document; a term that would be silently dropped is an error.

    Expansion runs in 'safe mode' first: Data Integrity signs RDF, so a JSON key that maps to nothing would
    otherwise change the document without changing the signature.
    """
    contexts = document.get("@context")
    for context in contexts if isinstance(contexts, list) else [contexts]:
        if isinstance(context, str):
            bundled_context(context)  # raises for a context that is not bundled, before pyld tries to fetch it
    options = {"documentLoader": document_loader}
    expanded = jsonld.expand(document, options, on_property_dropped=_refuse_dropped)
    # pyld names the algorithm URDNA2015; RDFC-1.0 is its W3C standardisation with the same output.
    return jsonld.normalize(
        expanded, {"algorithm": "URDNA2015", "format": "application/n-quads", "documentLoader": document_loader}
    )
