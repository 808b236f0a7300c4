"""
Structure first: every file is validated against its JSON Schema (draft 2020-12, in ``schema/``), and each
error is reported at the line of the deepest part of its path that exists in the file.

Everything a schema can say (types, required keys, patterns, ranges, enumerations) is said only there; the
checks that run after it assume well-formed files.
"""

import functools
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from .checker import Checker
from .yamlio import LineDict, LineList, line_of_node

SCHEMA_DIR = Path(__file__).resolve().parent / "schema"


@functools.cache
def _validators() -> dict[str, Draft202012Validator]:
    resources = []
    schemas = {}
    for path in SCHEMA_DIR.glob("*.schema.json"):
        schema = json.loads(path.read_text(encoding="utf-8"))
        schemas[path.name.removesuffix(".schema.json")] = schema
        resources.append((schema["$id"], Resource.from_contents(schema)))
    registry = Registry().with_resources(resources)
    return {name: Draft202012Validator(schema, registry=registry) for name, schema in schemas.items()}


def _line_at(document: Any, path: Iterable[Any]) -> int:
    """The line of the deepest part of ``path`` that exists in the loaded document."""
    node, line = document, line_of_node(document)
    for key in path:
        in_dict = isinstance(node, LineDict) and key in node
        in_list = isinstance(node, LineList) and isinstance(key, int) and key < len(node)
        if not (in_dict or in_list):
            break
        line, node = node.line_of(key), node[key]
    return line


def check_schema(check: Checker, path: Path, document: Any, schema: str) -> None:
    """Report every way ``document`` breaks the schema named ``schema`` (course, principles, module, items)."""
    for error in sorted(_validators()[schema].iter_errors(document), key=lambda e: list(map(str, e.path))):
        where = ".".join(str(part) for part in error.absolute_path) or "(file)"
        check.error(path, _line_at(document, error.absolute_path), f"{where}: {error.message}")
