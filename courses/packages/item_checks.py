"""
Rules for items, formative (in a module) and of the final bank (``items/*.yaml``), and for case-based sets.

Ids are unique across the package; an item tags principles the package defines; its options have distinct
ids and the right number of correct answers for its type; the items of a case share the case's module.
"""

from pathlib import Path
from typing import Any

from .checker import Checker
from .yamlio import LineDict, LineList

BankEntry = tuple[Path, LineDict]


def expand_cases(
    check: Checker, item_docs: list[tuple[Path, LineList]]
) -> tuple[list[BankEntry], list[dict[str, Any]]]:
    """The bank's items in file order, the items of each case-based set in its place; and the sets."""
    bank: list[BankEntry] = []
    cases: list[dict[str, Any]] = []
    for path, doc in item_docs:
        for entry in doc:
            if "case" not in entry:
                bank.append((path, entry))
                continue
            case_id = entry["case"]
            if case_id in {c["id"] for c in cases}:
                check.error(path, entry.line_of("case"), f"case id {case_id!r} is used twice")
            cases.append({"id": case_id, "module": entry["module"], "vignette": entry["vignette"]})
            check.localized(path, entry, "vignette", f"case {case_id!r}")
            for member in entry["items"]:
                member.setdefault("module", entry["module"])
                if member["module"] != entry["module"]:
                    check.error(path, member.line_of("module"), f"case {case_id!r}: all items share its module")
                member["case"] = case_id
                bank.append((path, member))
    return bank, cases


def check_item(check: Checker, path: Path, item: LineDict, principles: set[str], seen: dict[str, Path]) -> None:
    """Check one item; ``seen`` maps the ids met so far (in any file) to their file."""
    item_id = item["id"]
    where = f"item {item_id!r}"
    if item_id in seen:
        check.error(path, item.line_of("id"), f"item id {item_id!r} is used twice (also in {seen[item_id].name})")
    seen[item_id] = path
    check.localized(path, item, "stem", where)
    for tag in item["principles"]:
        if tag not in principles:
            check.error(path, item.line_of("principles"), f"{where}: unknown principle {tag!r}")
    _check_options(check, path, item, where)


def _check_options(check: Checker, path: Path, item: LineDict, where: str) -> None:
    kind, options = item.get("type", "single"), item["options"]
    ids = [option["id"] for option in options]
    if len(set(ids)) != len(ids):
        check.error(path, item.line_of("options"), f"{where}: option ids repeat")
    correct = [option for option in options if option.get("correct")]
    if kind in {"single", "truefalse"} and len(correct) != 1:
        check.error(
            path,
            item.line_of("options"),
            f"{where}: a {kind} item has exactly one correct option, this one has {len(correct)}",
        )
    if kind == "multiple" and not correct:
        check.error(path, item.line_of("options"), f"{where}: mark at least one option correct")
    for option in options:
        check.localized(path, option, "text", f"{where} option {option['id']!r}")
        check.localized(path, option, "rationale", f"{where} option {option['id']!r}")


def check_bank(
    check: Checker, bank: list[BankEntry], principles: set[str], seen: dict[str, Path], module_slugs: list[str]
) -> None:
    """Check the final bank's items after the modules' (ids are unique across both)."""
    for path, item in bank:
        check_item(check, path, item, principles, seen)
        if item["module"] not in module_slugs:
            check.error(
                path,
                item.line_of("module"),
                f"item {item['id']!r}: module {item['module']!r} does not exist",
            )
