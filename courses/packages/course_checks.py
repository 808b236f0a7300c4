"""Rules for ``course.yaml``, ``principles.yaml`` and the citations in teaching text that need the whole package."""

import re
from pathlib import Path
from typing import Any

from .checker import Checker
from .yamlio import LineDict, LineList, line_of_node

CITATION = re.compile(r"\[([a-z][a-z0-9-]*)\](?![(\[:])")


def check_course(check: Checker, path: Path, course: LineDict) -> set[str]:
    """Check the course's texts in its languages (which later checks use); return the reference keys."""
    check.languages = [str(language) for language in course["languages"]]
    check.localized(path, course, "title", "course")
    check.localized(path, course, "summary", "course")
    lead = course.get("scientific_lead")
    if lead is not None:
        check.localized(path, lead, "qualification", "scientific_lead", required=False)
    return _reference_keys(check, path, course.get("references") or LineList())


def _reference_keys(check: Checker, path: Path, references: LineList) -> set[str]:
    keys: set[str] = set()
    for reference in references:
        key = reference["key"]
        if key in keys:
            check.error(path, reference.line_of("key"), f"reference key {key!r} is defined twice")
        keys.add(key)
    return keys


def check_principles(check: Checker, path: Path, principles: LineList) -> set[str]:
    """Check that each principle is defined once, in every language; return their slugs."""
    slugs: set[str] = set()
    for principle in principles:
        slug = principle["slug"]
        if slug in slugs:
            check.error(path, line_of_node(principle), f"principle {slug!r} is defined twice")
        slugs.add(slug)
        check.localized(path, principle, "name", f"principle {slug!r}")
        check.localized(path, principle, "definition", f"principle {slug!r}")
    return slugs


def _texts(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [t for v in value.values() for t in _texts(v)]
    if isinstance(value, list):
        return [t for v in value for t in _texts(v)]
    return []


def check_citations(check: Checker, path: Path, module: LineDict, keys: set[str]) -> None:
    """Teaching text cites sources as [key]; every key must be listed in course.yaml's references."""
    steps = module["steps"]
    for index, step in enumerate(steps):
        for text in _texts({k: v for k, v in step.items() if k not in {"kind", "slug", "start"}}):
            for key in CITATION.findall(text):
                if key not in keys:
                    check.error(
                        path,
                        steps.line_of(index),
                        f"step {step.get('slug')!r} cites [{key}], which course.yaml's references do not define",
                    )
