"""A course package as read from files or rebuilt from a version: plain dicts in canonical form."""

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class Package:
    root: Path
    course: dict[str, Any]
    principles: list[dict[str, Any]]
    modules: list[dict[str, Any]]
    items: list[dict[str, Any]]
    takeaways: dict[str, dict[str, str]] = field(default_factory=dict)
    # Case-based sets of the bank: {id, module, vignette}; their items carry "case": id.
    cases: list[dict[str, Any]] = field(default_factory=list)
    # The wording list of terminology.yaml (decision 0506).
    terminology: list[dict[str, Any]] = field(default_factory=list)
    content_hash: str = ""
    # On export: package-relative media path -> storage name.
    media: dict[str, str] = field(default_factory=dict)
    # What the validator found worth a look but not worth refusing (file:line messages); not part of the hash.
    warnings: list[Any] = field(default_factory=list)
    # Lines of the registered checks' report (``registry.PACKAGE_CHECKS``: the item-quality tables) for
    # ``import_course --check``; not part of the hash.
    report: list[str] = field(default_factory=list)


@dataclass
class PackageFiles:
    """The loaded YAML documents of a package (with line numbers), each with its path."""

    root: Path
    course: Any
    principles: Any
    modules: list[tuple[Path, Any]]
    items: list[tuple[Path, Any]]
    terminology: Any = None


def media_files(step: dict[str, Any]) -> list[str]:
    """Package-relative paths of every file a media step uses."""
    files = [step[key] for key in ("image", "video") if step.get(key)]
    return files + list((step.get("captions") or {}).values())
