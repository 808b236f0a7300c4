"""
Read a package directory: load every file, validate its structure against the JSON Schemas, then apply the
rules that need the whole package; raise :class:`InvalidPackage` with every error found, or return the
package in canonical form with its content hash.
"""

from datetime import date
from pathlib import Path
from typing import Any

from django.utils import timezone

from .accreditation_checks import BankCounts, check_accreditations
from .canonical import canonical, content_hash
from .checker import Checker
from .course_checks import check_course, check_principles
from .errors import InvalidPackage, PackageError
from .files import read_text, scan
from .item_checks import check_bank, expand_cases
from .module_checks import check_module
from .package import Package, PackageFiles
from .registry import PACKAGE_CHECKS, CheckOutcome
from .schema import check_schema
from .signoff_checks import check_signoff
from .source_checks import check_sources
from .terminology import (
    Variant,
    check_course_terms,
    check_document_terms,
    check_item_terms,
    check_module_terms,
    check_text_terms,
    variants,
)
from .timing import Estimate, estimate
from .yamlio import LineDict, LineList, YamlSyntaxError, line_of_node, load, plain

# A module may state its minutes; more than this share above the computed estimate is refused.
DECLARED_MINUTES_TOLERANCE = 0.10


def read_package(root: Path, *, today: date | None = None) -> Package:
    """Parse and validate a package directory; raise :class:`InvalidPackage` with every error found.

    ``today`` (default: the local date) is the day review dates are judged against.
    """
    root = root.resolve()
    if not (root / "course.yaml").is_file():
        raise InvalidPackage([PackageError(root.name + "/course.yaml", 1, "course.yaml is missing")])
    check = Checker(root)
    scan(check, root)  # links, sizes and counts first: nothing is opened before this passes
    check.raise_if_any()
    files = _load_files(check, root)
    check.raise_if_any()
    _check_structure(check, root, files)
    check.raise_if_any()  # Structure first: the rules below assume well-formed files.
    bank, cases, found, timing = _check_rules(check, root, files, today=today or timezone.localdate())
    takeaways = _read_takeaways(check, root, found)
    check.raise_if_any()
    outcome = _run_registered_checks(files)
    if outcome.errors:
        raise InvalidPackage(outcome.errors, report=outcome.report)
    modules = [plain(module) for _path, module in files.modules]
    for module in modules:
        module["minutes"] = timing.module_minutes(module["slug"]) if timing else 0
    package = Package(
        root=root,
        course=plain(files.course),
        principles=plain(files.principles),
        modules=modules,
        items=[plain(item) for _path, item in bank],
        takeaways=takeaways,
        cases=plain(cases),
        terminology=plain(files.terminology),
        warnings=check.warnings + outcome.warnings,
        report=outcome.report,
    )
    canonical(package)
    package.content_hash = content_hash(package)
    return package


def _run_registered_checks(files: PackageFiles) -> CheckOutcome:
    """The checks other apps register (the item-quality checker), on a package that passed every rule here."""
    outcome = CheckOutcome()
    for registered in PACKAGE_CHECKS:
        found = registered(files)
        outcome.errors += found.errors
        outcome.warnings += found.warnings
        outcome.report += found.report
    return outcome


def _load_files(check: Checker, root: Path) -> PackageFiles:
    def load_or_report(path: Path) -> Any:
        try:
            return load(path)
        except YamlSyntaxError as err:
            check.error(path, err.line, err.message)
            return None

    principles = root / "principles.yaml"
    terminology = root / "terminology.yaml"
    return PackageFiles(
        root=root,
        course=load_or_report(root / "course.yaml"),
        principles=load_or_report(principles) if principles.is_file() else LineList(),
        modules=[(path, load_or_report(path)) for path in sorted((root / "modules").glob("*.yaml"))],
        items=[(path, load_or_report(path)) for path in sorted((root / "items").glob("*.yaml"))],
        terminology=load_or_report(terminology) if terminology.is_file() else LineList(),
    )


def _check_structure(check: Checker, root: Path, files: PackageFiles) -> None:
    check_schema(check, root / "course.yaml", files.course, "course")
    if (root / "principles.yaml").is_file():
        check_schema(check, root / "principles.yaml", files.principles, "principles")
    for path, module in files.modules:
        check_schema(check, path, module, "module")
    for path, doc in files.items:
        check_schema(check, path, doc, "items")
    if (root / "terminology.yaml").is_file():
        check_schema(check, root / "terminology.yaml", files.terminology, "terminology")


def _check_rules(
    check: Checker, root: Path, files: PackageFiles, *, today: date
) -> tuple[list[Any], list[dict[str, Any]], list[Variant], Estimate | None]:
    """Apply the rules across files, in the order authors read them.

    Return the bank, its case-based sets, the terminology variants and the time estimate.
    """
    course_path = root / "course.yaml"
    reference_keys = check_course(check, course_path, files.course)
    check_sources(check, course_path, files.course.get("references") or LineList())
    check_signoff(check, course_path, files.course, today=today)
    principles = check_principles(check, root / "principles.yaml", files.principles)
    found = variants(check, root / "terminology.yaml", files.terminology, files.principles)
    check_document_terms(check, root / "principles.yaml", files.principles, "principle", found)
    check_course_terms(check, course_path, files.course, found)
    bank, cases = expand_cases(check, files.items)
    if not files.modules:
        check.error(course_path, 1, "the package has no modules (modules/*.yaml)")
    item_ids: dict[str, Path] = {}
    module_slugs: list[str] = []
    errors_before_modules = len(check.errors)
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
        check_module_terms(check, path, module, found)
        module_slugs.append(module["slug"])
    # The estimate walks every vignette, so it needs modules without errors; a broken one skips the time rules.
    timing = None
    if len(check.errors) == errors_before_modules:
        timing = estimate([plain(module) for _path, module in files.modules], check.languages)
        for path, module in files.modules:
            _check_declared_minutes(check, path, module, timing)
    check_bank(check, bank, principles, item_ids, module_slugs)
    check_item_terms(check, bank, found)
    check_accreditations(
        check,
        course_path,
        files.course,
        minutes=timing.total_minutes() if timing else None,
        module_slugs=module_slugs,
        principles=principles,
        bank=BankCounts.of([item for _path, item in bank]),
    )
    return bank, cases, found, timing


def _check_declared_minutes(check: Checker, path: Path, module: LineDict, timing: Estimate) -> None:
    """A stated length may round the estimate, not inflate it; videos need their running time to be counted."""
    slug = module["slug"]
    for step in timing.tallies[slug][check.languages[0]].videos_without_duration:
        check.warn(
            path,
            line_of_node(module),
            f"step {step!r}: the video has no duration_seconds, so it adds nothing to the time estimate",
        )
    declared, computed = module.get("minutes"), timing.module_minutes(slug)
    if declared is not None and declared > computed * (1 + DECLARED_MINUTES_TOLERANCE):
        rates = ", ".join(f"{lang} {rate:.0f}" for lang, rate in timing.rates.items())
        check.error(
            path,
            module.line_of("minutes"),
            f"module {slug!r} states {declared} minutes, but its content takes an estimated {computed} "
            f"(reading at {rates} words per minute, plus allowances; docs/course-package.md); "
            "add content or state fewer minutes",
        )


def _read_takeaways(check: Checker, root: Path, found: list[Variant]) -> dict[str, dict[str, str]]:
    """Take-aways are Markdown files ``<slug>.<language>.md``, one per course language."""
    takeaways: dict[str, dict[str, str]] = {}
    for path in sorted((root / "takeaways").glob("*.md")):
        stem, _dot, language = path.stem.rpartition(".")
        if language not in check.languages:
            check.error(path, 1, f"take-away file names end in .<language>.md ({', '.join(check.languages)})")
            continue
        # A file that is not UTF-8 is reported by read_text; it still counts as present below.
        text = read_text(check, path)
        if text is not None:
            check_text_terms(check, path, text, language, found)
        takeaways.setdefault(stem, {})[language] = text or ""
    for slug, texts in takeaways.items():
        for language in check.languages:
            if language not in texts:
                check.error(
                    root / "takeaways" / f"{slug}.{check.languages[0]}.md",
                    1,
                    f"take-away {slug!r} has no {language!r} version",
                )
    return takeaways
