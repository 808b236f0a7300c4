"""
Read a package directory: load every file, validate its structure against the JSON Schemas, then apply the
rules that need the whole package; raise :class:`InvalidPackage` with every error found, or return the
package in canonical form with its content hash.
"""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .accreditation_checks import BankCounts, check_accreditations
from .canonical import canonical, content_hash
from .checker import Checker
from .course_checks import check_course, check_principles
from .errors import InvalidPackage, PackageError
from .item_checks import check_bank, expand_cases
from .module_checks import check_module
from .package import Package
from .schema import check_schema
from .yamlio import LineList, YamlSyntaxError, load, plain


@dataclass
class _Files:
    """The loaded YAML documents of a package, each with its path."""

    course: Any
    principles: Any
    modules: list[tuple[Path, Any]]
    items: list[tuple[Path, Any]]


def read_package(root: Path) -> Package:
    """Parse and validate a package directory; raise :class:`InvalidPackage` with every error found."""
    root = root.resolve()
    if not (root / "course.yaml").is_file():
        raise InvalidPackage([PackageError(root.name + "/course.yaml", 1, "course.yaml is missing")])
    check = Checker(root)
    files = _load_files(check, root)
    check.raise_if_any()
    _check_structure(check, root, files)
    check.raise_if_any()  # Structure first: the rules below assume well-formed files.
    bank, cases = _check_rules(check, root, files)
    takeaways = _read_takeaways(check, root)
    check.raise_if_any()
    package = Package(
        root=root,
        course=plain(files.course),
        principles=plain(files.principles),
        modules=[plain(module) for _path, module in files.modules],
        items=[plain(item) for _path, item in bank],
        takeaways=takeaways,
        cases=plain(cases),
    )
    canonical(package)
    package.content_hash = content_hash(package)
    return package


def _load_files(check: Checker, root: Path) -> _Files:
    def load_or_report(path: Path) -> Any:
        try:
            return load(path)
        except YamlSyntaxError as err:
            check.error(path, err.line, err.message)
            return None

    principles = root / "principles.yaml"
    return _Files(
        course=load_or_report(root / "course.yaml"),
        principles=load_or_report(principles) if principles.is_file() else LineList(),
        modules=[(path, load_or_report(path)) for path in sorted((root / "modules").glob("*.yaml"))],
        items=[(path, load_or_report(path)) for path in sorted((root / "items").glob("*.yaml"))],
    )


def _check_structure(check: Checker, root: Path, files: _Files) -> None:
    check_schema(check, root / "course.yaml", files.course, "course")
    if (root / "principles.yaml").is_file():
        check_schema(check, root / "principles.yaml", files.principles, "principles")
    for path, module in files.modules:
        check_schema(check, path, module, "module")
    for path, doc in files.items:
        check_schema(check, path, doc, "items")


def _check_rules(check: Checker, root: Path, files: _Files) -> tuple[list[Any], list[dict[str, Any]]]:
    """Apply the rules across files, in the order authors read them; return the bank and its case-based sets."""
    course_path = root / "course.yaml"
    reference_keys = check_course(check, course_path, files.course)
    principles = check_principles(check, root / "principles.yaml", files.principles)
    bank, cases = expand_cases(check, files.items)
    if not files.modules:
        check.error(course_path, 1, "the package has no modules (modules/*.yaml)")
    item_ids: dict[str, Path] = {}
    module_slugs: list[str] = []
    for path, module in files.modules:
        check_module(
            check,
            path,
            module,
            other_slugs=module_slugs,
            principles=principles,
            item_ids=item_ids,
            reference_keys=reference_keys,
        )
        module_slugs.append(module["slug"])
    check_bank(check, bank, principles, item_ids, module_slugs)
    check_accreditations(
        check,
        course_path,
        files.course,
        minutes=sum(module["minutes"] for _path, module in files.modules),
        module_slugs=module_slugs,
        principles=principles,
        bank=BankCounts.of([item for _path, item in bank]),
    )
    return bank, cases


def _read_takeaways(check: Checker, root: Path) -> dict[str, dict[str, str]]:
    """Take-aways are Markdown files ``<slug>.<language>.md``, one per course language."""
    takeaways: dict[str, dict[str, str]] = {}
    for path in sorted((root / "takeaways").glob("*.md")):
        stem, _dot, language = path.stem.rpartition(".")
        if language not in check.languages:
            check.error(path, 1, f"take-away file names end in .<language>.md ({', '.join(check.languages)})")
            continue
        takeaways.setdefault(stem, {})[language] = path.read_text(encoding="utf-8")
    for slug, texts in takeaways.items():
        for language in check.languages:
            if language not in texts:
                check.error(
                    root / "takeaways" / f"{slug}.{check.languages[0]}.md",
                    1,
                    f"take-away {slug!r} has no {language!r} version",
                )
    return takeaways
