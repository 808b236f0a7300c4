"""
The package's terminology list, ``terminology.yaml`` (decision 0506): one wording per recurring term and
language, and the variants that must not appear.

A variant (matched as a whole word or phrase, case-insensitive) refuses the package where a learner reads it as
teaching: module titles, objectives and steps (vignettes and their mock-ups included), take-aways, principle
definitions and the course's own texts. In items (module checks and the bank) it is a warning, because items
have their own author and review (issue 13). An entry linked to a principle also fixes the principle's name:
its name in ``principles.yaml`` begins with the entry's ``use`` in each language.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .checker import Checker
from .yamlio import LineDict, LineList, line_of_node


@dataclass(frozen=True)
class Variant:
    term: str
    language: str
    text: str
    preferred: str
    pattern: re.Pattern[str]


def variants(check: Checker, path: Path, terms: LineList, principles: LineList) -> list[Variant]:
    """Check the list itself and return the variants to look for."""
    found: list[Variant] = []
    seen: set[str] = set()
    names = {p["slug"]: p.get("name") or {} for p in principles}
    for entry in terms:
        where = f"term {entry['term']!r}"
        if entry["term"] in seen:
            check.error(path, entry.line_of("term"), f"{where} is listed twice")
        seen.add(entry["term"])
        check.localized(path, entry, "use", where)
        use = entry.get("use") or {}
        if entry.get("principle"):
            _check_principle_name(check, path, entry, where, names, use)
        for language, texts in (entry.get("avoid") or {}).items():
            if language not in check.languages:
                check.error(path, entry.line_of("avoid"), f"{where}: variants in {language!r}, not a course language")
                continue
            for text in texts:
                pattern = re.compile(rf"(?<!\w){re.escape(text)}(?!\w)", re.IGNORECASE)
                found.append(Variant(entry["term"], language, text, str(use.get(language, "")), pattern))
    return found


def _check_principle_name(
    check: Checker, path: Path, entry: LineDict, where: str, names: dict[str, Any], use: dict[str, Any]
) -> None:
    slug = entry["principle"]
    if slug not in names:
        check.error(path, entry.line_of("principle"), f"{where}: principle {slug!r} is not in principles.yaml")
        return
    for language in check.languages:
        name, wanted = str(names[slug].get(language, "")), str(use.get(language, ""))
        if wanted and not name.casefold().startswith(wanted.casefold()):
            check.error(
                path,
                entry.line_of("principle"),
                f"{where}: principle {slug!r} is named {name!r} in {language!r}; the list says {wanted!r}",
            )


def localized_texts(value: Any) -> Iterator[tuple[str, str]]:
    """Every ``(language, text)`` in a nested structure of localized mappings."""
    if isinstance(value, dict):
        for key, inner in value.items():
            if isinstance(inner, str) and len(key) == 2:
                yield key, inner
            elif isinstance(inner, list) and len(key) == 2 and all(isinstance(t, str) for t in inner):
                yield from ((key, text) for text in inner)
            else:
                yield from localized_texts(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from localized_texts(inner)


def hits(found: list[Variant], value: Any) -> list[Variant]:
    """The variants that occur in a structure of localized texts, each once."""
    result: list[Variant] = []
    for language, text in localized_texts(value):
        for variant in found:
            if variant.language == language and variant not in result and variant.pattern.search(text):
                result.append(variant)
    return result


def message(where: str, variant: Variant) -> str:
    return (
        f"{where}: {variant.text!r} ({variant.language}) is a variant of term {variant.term!r}; "
        f"write {variant.preferred!r} (terminology.yaml)"
    )


def check_module_terms(check: Checker, path: Path, module: LineDict, found: list[Variant]) -> None:
    if not found:
        return
    for key in ("title", "objectives"):
        for variant in hits(found, {key: module.get(key)}):
            check.error(path, module.line_of(key), message(f"module {module['slug']!r} {key}", variant))
    steps = module["steps"]
    for index, step in enumerate(steps):
        for variant in hits(found, {k: v for k, v in step.items() if k not in {"kind", "slug", "start"}}):
            check.error(path, steps.line_of(index), message(f"step {step.get('slug')!r}", variant))
    for item in module.get("items") or []:
        for variant in hits(found, item):
            check.warn(path, line_of_node(item), message(f"item {item['id']!r}", variant))


def check_item_terms(check: Checker, items: list[tuple[Path, Any]], found: list[Variant]) -> None:
    for path, item in items:
        for variant in hits(found, item):
            check.warn(path, line_of_node(item), message(f"item {item['id']!r}", variant))


def check_text_terms(check: Checker, path: Path, text: str, language: str, found: list[Variant]) -> None:
    """A plain-text file in one language (a take-away): report each variant at its first line."""
    for variant in found:
        if variant.language != language:
            continue
        match = variant.pattern.search(text)
        if match:
            line = text.count("\n", 0, match.start()) + 1
            check.error(path, line, message(path.name, variant))


def check_document_terms(check: Checker, path: Path, document: Any, where: str, found: list[Variant]) -> None:
    """Principles and the course's own texts: each hit at the line of the entry it is in."""
    entries = document if isinstance(document, LineList) else [document]
    for entry in entries:
        for variant in hits(found, entry):
            check.error(path, line_of_node(entry), message(where, variant))


def check_course_terms(check: Checker, path: Path, course: LineDict, found: list[Variant]) -> None:
    """The course's title, summary and sign-off texts."""
    for key in ("title", "summary", "signoff"):
        for variant in hits(found, course.get(key)):
            check.error(path, course.line_of(key), message(f"course {key}", variant))
