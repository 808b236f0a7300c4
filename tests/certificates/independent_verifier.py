"""
An independent check of ``eddsa-rdfc-2022`` proofs, written from the W3C specifications for the tests.

It shares no code with ``certificates.credentials``: JSON-LD is turned into RDF by rdflib (not pyld), the
RDF Dataset Canonicalization (RDFC-1.0, https://www.w3.org/TR/rdf-canon/) is implemented below, base58 is
decoded here, and the Ed25519 signature is checked with PyNaCl (libsodium), not ``cryptography``.

One spec detail rdflib does not follow: JSON-LD turns a native number with a fractional part into the
canonical xsd:double form ("1.5E0"). The Open Badges fields that carry such numbers (``creditsEarned``,
``creditsAvailable``) are type-coerced by the context, so the helper passes those numbers on as that
lexical form, which gives the literal the JSON-LD algorithm prescribes.
"""

import copy
import hashlib
import itertools
import json
from collections import defaultdict
from pathlib import Path

import rdflib
from nacl.exceptions import BadSignatureError
from nacl.signing import VerifyKey

CONTEXTS = Path(__file__).resolve().parents[2] / "certificates" / "credentials" / "contexts"
CONTEXT_FILES = {
    "https://www.w3.org/ns/credentials/v2": "credentials-v2.jsonld",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json": "ob-v3p0-context-3.0.3.json",
}
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


# --- RDFC-1.0 ---------------------------------------------------------------------------------------------


def _escape(text: str) -> str:
    out = []
    for char in text:
        code = ord(char)
        if char == '"':
            out.append('\\"')
        elif char == "\\":
            out.append("\\\\")
        elif char == "\n":
            out.append("\\n")
        elif char == "\r":
            out.append("\\r")
        elif char == "\t":
            out.append("\\t")
        elif char == "\b":
            out.append("\\b")
        elif char == "\f":
            out.append("\\f")
        elif code <= 0x1F or code == 0x7F:
            out.append(f"\\u{code:04X}")
        else:
            out.append(char)
    return "".join(out)


def _term(term: tuple, labels: dict[str, str] | None = None) -> str:
    kind = term[0]
    if kind == "iri":
        return f"<{term[1]}>"
    if kind == "blank":
        return f"_:{labels[term[1]] if labels is not None else term[1]}"
    _kind, lexical, datatype, language = term
    if language:
        return f'"{_escape(lexical)}"@{language}'
    if datatype == XSD_STRING:
        return f'"{_escape(lexical)}"'
    return f'"{_escape(lexical)}"^^<{datatype}>'


def _nquad(quad: tuple, labels: dict[str, str] | None = None) -> str:
    s, p, o, g = quad
    graph = f" {_term(g, labels)}" if g is not None else ""
    return f"{_term(s, labels)} {_term(p, labels)} {_term(o, labels)}{graph} .\n"


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class _Issuer:
    def __init__(self, prefix: str) -> None:
        self.prefix, self.issued, self.counter = prefix, {}, 0

    def issue(self, identifier: str) -> str:
        if identifier not in self.issued:
            self.issued[identifier] = f"{self.prefix}{self.counter}"
            self.counter += 1
        return self.issued[identifier]

    def copy(self) -> "_Issuer":
        clone = _Issuer(self.prefix)
        clone.issued, clone.counter = dict(self.issued), self.counter
        return clone


def canonicalize(quads: list[tuple]) -> str:
    """Canonical N-Quads of a dataset given as (subject, predicate, object, graph-or-None) term tuples."""
    return _Canonicalizer(quads).canonical_nquads()


class _Canonicalizer:
    """The state RDFC-1.0's algorithms share over one dataset: each blank node's quads, the canonical issuer."""

    def __init__(self, quads: list[tuple]) -> None:
        self.quads = quads
        self.blank_quads: dict[str, list[tuple]] = defaultdict(list)
        for quad in quads:
            for blank in _blanks(quad):
                self.blank_quads[blank].append(quad)
        self.canonical = _Issuer("c14n")

    def canonical_nquads(self) -> str:
        """The main algorithm (spec 4.4): unique first-degree hashes first, then the shared ones by n-degree."""
        hashes: dict[str, list[str]] = defaultdict(list)
        for identifier in self.blank_quads:
            hashes[self.first_degree(identifier)].append(identifier)
        shared = []
        for hash_ in sorted(hashes):
            if len(hashes[hash_]) == 1:
                self.canonical.issue(hashes[hash_][0])
            else:
                shared.append(hash_)
        for hash_ in shared:
            results = []
            for identifier in hashes[hash_]:
                if identifier in self.canonical.issued:
                    continue
                temporary = _Issuer("b")
                temporary.issue(identifier)
                results.append(self.n_degree(identifier, temporary))
            for _hash, issuer in sorted(results, key=lambda result: result[0]):
                for existing in issuer.issued:  # in the order issued
                    self.canonical.issue(existing)
        return "".join(sorted({_nquad(quad, self.canonical.issued) for quad in self.quads}))

    def first_degree(self, identifier: str) -> str:
        lines = []
        for quad in self.blank_quads[identifier]:
            labels = {bn: ("a" if bn == identifier else "z") for bn in _blanks(quad)}
            lines.append(_nquad(quad, labels))
        return _sha256("".join(sorted(lines)))

    def related_hash(self, related: str, quad: tuple, issuer: _Issuer, position: str) -> str:
        if related in self.canonical.issued:
            identifier = "_:" + self.canonical.issued[related]
        elif related in issuer.issued:
            identifier = "_:" + issuer.issued[related]
        else:
            identifier = self.first_degree(related)
        predicate = f"<{quad[1][1]}>" if position != "g" else ""
        return _sha256(position + predicate + identifier)

    def n_degree(self, identifier: str, issuer: _Issuer) -> tuple[str, _Issuer]:
        """Hash N-Degree Quads (spec 4.8): the shortest path over every order of the related blank nodes."""
        by_hash: dict[str, list[str]] = defaultdict(list)
        for quad in self.blank_quads[identifier]:
            for position, component in (("s", quad[0]), ("o", quad[2]), ("g", quad[3])):
                if component is not None and component[0] == "blank" and component[1] != identifier:
                    by_hash[self.related_hash(component[1], quad, issuer, position)].append(component[1])
        data = ""
        for hash_ in sorted(by_hash):
            data += hash_
            chosen_path, chosen_issuer = "", None
            for permutation in itertools.permutations(by_hash[hash_]):
                candidate = self._path(permutation, issuer, chosen_path)
                if candidate is not None and (not chosen_path or candidate[0] < chosen_path):
                    chosen_path, chosen_issuer = candidate
            data += chosen_path
            issuer = chosen_issuer
        return _sha256(data), issuer

    def _path(self, permutation: tuple[str, ...], issuer: _Issuer, chosen: str) -> tuple[str, _Issuer] | None:
        """The path of one permutation and its issuer, or None as soon as it cannot beat ``chosen``."""
        issuer_copy, path, recursion = issuer.copy(), "", []
        for related in permutation:
            if related in self.canonical.issued:
                path += "_:" + self.canonical.issued[related]
            else:
                if related not in issuer_copy.issued:
                    recursion.append(related)
                path += "_:" + issuer_copy.issue(related)
            if _worse(path, chosen):
                return None
        for related in recursion:
            result_hash, result_issuer = self.n_degree(related, issuer_copy)
            path += "_:" + issuer_copy.issue(related)
            path += f"<{result_hash}>"
            issuer_copy = result_issuer
            if _worse(path, chosen):
                return None
        return path, issuer_copy


def _worse(path: str, chosen: str) -> bool:
    return bool(chosen) and len(path) >= len(chosen) and path > chosen


def _blanks(quad: tuple) -> list[str]:
    return [c[1] for c in (quad[0], quad[2], quad[3]) if c is not None and c[0] == "blank"]


# --- JSON-LD to RDF with rdflib ---------------------------------------------------------------------------


def _canonical_double(number: float) -> str:
    mantissa, exponent = f"{number:.15E}".split("E")
    mantissa = mantissa.rstrip("0")
    mantissa = mantissa + "0" if mantissa.endswith(".") else mantissa
    return f"{mantissa}E{int(exponent)}"


def _numbers_as_lexical(value: object) -> object:
    if isinstance(value, dict):
        return {k: _numbers_as_lexical(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_numbers_as_lexical(v) for v in value]
    if isinstance(value, float) and not value.is_integer():
        return _canonical_double(value)
    return value


def _inline_contexts(context: object) -> object:
    if isinstance(context, list):
        return [_inline_contexts(c) for c in context]
    if isinstance(context, str):
        if context not in CONTEXT_FILES:
            raise ValueError(f"context not bundled: {context}")
        return json.loads((CONTEXTS / CONTEXT_FILES[context]).read_text())["@context"]
    return context


def _to_term(node: object) -> tuple:
    if isinstance(node, rdflib.BNode):
        return ("blank", str(node))
    if isinstance(node, rdflib.URIRef):
        return ("iri", str(node))
    language = node.language
    datatype = RDF_LANGSTRING if language else str(node.datatype or XSD_STRING)
    return ("literal", str(node), datatype, language)


def to_quads(document: dict) -> list[tuple]:
    prepared = _numbers_as_lexical(copy.deepcopy(document))
    prepared["@context"] = _inline_contexts(prepared["@context"])
    previous = rdflib.NORMALIZE_LITERALS
    rdflib.NORMALIZE_LITERALS = False  # keep lexical forms exactly as JSON-LD produced them
    try:
        dataset = rdflib.Dataset()
        dataset.parse(data=json.dumps(prepared), format="json-ld")
        quads = []
        for s, p, o, graph in dataset.quads((None, None, None, None)):
            name = getattr(graph, "identifier", graph)
            graph_term = None if name is None or name == rdflib.graph.DATASET_DEFAULT_GRAPH_ID else _to_term(name)
            quads.append((_to_term(s), _to_term(p), _to_term(o), graph_term))
        return quads
    finally:
        rdflib.NORMALIZE_LITERALS = previous


# --- eddsa-rdfc-2022 --------------------------------------------------------------------------------------


def _b58decode(text: str) -> bytes:
    number = 0
    for char in text:
        number = number * 58 + B58.index(char)
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * (len(text) - len(text.lstrip("1"))) + body


def public_key_from_multikey(multibase: str) -> bytes:
    assert multibase.startswith("z")
    raw = _b58decode(multibase[1:])
    assert raw[:2] == b"\xed\x01", "not an Ed25519 Multikey"
    return raw[2:]


def _context_terms(value: object, terms: set[str]) -> set[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            if not key.startswith("@"):
                terms.add(key)
            _context_terms(item, terms)
    elif isinstance(value, list):
        for item in value:
            _context_terms(item, terms)
    return terms


def _document_keys(value: object, keys: set[str]) -> set[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key != "@context":
                keys.add(key)
                _document_keys(item, keys)
    elif isinstance(value, list):
        for item in value:
            _document_keys(item, keys)
    return keys


def has_undefined_terms(document: dict) -> bool:
    """A key that no bundled context defines would be dropped from the RDF, so the signature would not cover it.

    Conservative: a term defined in any scope of the contexts counts as defined.
    """
    terms = _context_terms(_inline_contexts(document["@context"]), set())
    return any(not key.startswith("@") and key not in terms for key in _document_keys(document, set()))


def verify(document: dict, public_keys: dict[str, bytes]) -> bool:
    """True when the document carries a valid eddsa-rdfc-2022 proof by one of ``public_keys`` (by method id)."""
    proofs = document.get("proof")
    # VC 2.0 allows a set of proofs; Haltung signs with exactly one, as a one-element array.
    proof = proofs[0] if isinstance(proofs, list) and len(proofs) == 1 else None
    if not isinstance(proof, dict) or proof.get("cryptosuite") != "eddsa-rdfc-2022":
        return False
    if proof.get("type") != "DataIntegrityProof" or proof.get("proofPurpose") != "assertionMethod":
        return False
    key = public_keys.get(proof.get("verificationMethod"))
    if key is None or not str(proof.get("proofValue", "")).startswith("z"):
        return False
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    try:
        if has_undefined_terms(document):
            return False
    except ValueError:  # a context that is not bundled
        return False
    options = {"@context": document["@context"], **{k: v for k, v in proof.items() if k != "proofValue"}}
    try:
        options_hash = hashlib.sha256(canonicalize(to_quads(options)).encode()).digest()
        document_hash = hashlib.sha256(canonicalize(to_quads(unsecured)).encode()).digest()
        VerifyKey(key).verify(options_hash + document_hash, _b58decode(proof["proofValue"][1:]))
    except (BadSignatureError, ValueError):
        return False
    return True
