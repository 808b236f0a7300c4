"""
The checker's report as ``import_course --check`` prints it, and its findings as package errors (refusals)
and warnings, each at ``file:line``.
"""

from collections import Counter
from typing import Any

from courses.packages.errors import PackageError
from courses.packages.package import PackageFiles
from courses.packages.registry import CheckOutcome

from . import Report, check
from .package import sources_of
from .thresholds import DEFAULTS


def _percent(value: float) -> str:
    return f"{value:.1%}"


def _types(counter: Counter) -> str:
    return ", ".join(f"{counter[t]} {t}" for t in ("single", "multiple", "truefalse") if counter[t])


def lines(report: Report, languages: list[str]) -> list[str]:
    """A plain-text report: the bank by module and type, the key-length and key-balance figures, the strategies."""
    summary, limits = report.summary, report.bank_thresholds
    out = ["Item quality (quizzes.quality; thresholds and rules: docs/course-package.md, 'Item quality')"]
    types: Counter[str] = Counter()
    for counter in summary.per_module.values():
        types.update(counter)
    out.append(f"  final bank: {summary.items} items ({_types(types)})")
    for module, counter in summary.per_module.items():
        out.append(f"    {module}: {sum(counter.values())} ({_types(counter)})")
    if summary.key_longest:
        longest = ", ".join(f"{_percent(v)} ({lang})" for lang, v in sorted(summary.key_longest.items()))
        shortest = ", ".join(f"{_percent(v)} ({lang})" for lang, v in sorted(summary.key_shortest.items()))
        out.append(
            f"  key is the longest option in {longest} of single-best items "
            f"(limit {limits.key_longest_share_max:.0%}); the shortest in {shortest}"
        )
        positions = ", ".join(f"{k}: {n}" for k, n in sorted(summary.key_positions.items()))
        out.append(f"  key position as authored (single-best): {positions}")
    if summary.true_false:
        out.append(f"  true/false keys: {summary.true_false['true']} true, {summary.true_false['false']} false")
    if summary.multiple_keys:
        keys = ", ".join(f"{n} items with {k} keys" for k, n in sorted(summary.multiple_keys.items()))
        scoring = ", ".join(f"{rule} {n}" for rule, n in sorted(summary.scoring.items()))
        out.append(f"  multiple response: {keys}; scoring: {scoring}")
    for language in sorted(summary.absolutes):
        keys_abs, others_abs = summary.absolutes[language]
        keys_hedge, others_hedge = summary.hedges[language]
        out.append(
            f"  cue words ({language}): absolutes in {_percent(keys_abs)} of keys, {_percent(others_abs)} of "
            f"distractors; hedges in {_percent(keys_hedge)} of keys, {_percent(others_hedge)} of distractors"
        )
    if report.practice.key_longest:
        practice = ", ".join(f"{_percent(v)} ({lang})" for lang, v in sorted(report.practice.key_longest.items()))
        out.append(f"  practice items: {report.practice.items}; key is the longest option in {practice}")
    out += _strategy_table(report, languages)
    return out


def _strategy_table(report: Report, languages: list[str]) -> list[str]:
    if not report.results:
        return []
    columns = sorted({(r.profile, r.language) for r in report.results}, key=lambda c: (c[0], languages.index(c[1])))
    draws = {r.profile: r.draws for r in report.results}
    limits = {p: report.thresholds.get(p, DEFAULTS).strategy_pass_rate_max for p, _l in columns}
    out = [
        "  test-wise strategies: pass rate over seeded blueprint draws "
        + "; ".join(f"{p}: {draws[p]} draws, limit {limits[p]:.0%}" for p in dict.fromkeys(p for p, _l in columns))
    ]
    header = f"    {'strategy':<18}" + "".join(f"{f'{p} ({lang})':>24}" for p, lang in columns)
    header += "".join(f"{f'bank mean ({lang})':>18}" for lang in languages)
    out.append(header)
    names = list(dict.fromkeys(r.strategy.name for r in report.results))
    by_key = {(r.strategy.name, r.profile, r.language): r for r in report.results}
    for name in names:
        row = f"    {name:<18}"
        for profile, language in columns:
            result = by_key.get((name, profile, language))
            mark = " !" if result and result.pass_rate > limits[profile] else "  "
            row += f"{(_percent(result.pass_rate) if result else '–') + mark:>24}"
        for language in languages:
            mean = report.bank_means.get(language, {}).get(name)
            row += f"{'–' if mean is None else f'{mean:.1f} %':>18}"
        out.append(row)
    combined = [r for r in report.results if r.strategy.name == "combined"]
    for result in combined:
        out.append(f"    combined in {result.profile} ({result.language}) = {result.strategy.label}")
    return out


def _error(finding: Any) -> PackageError:
    return PackageError(finding.file or "(package)", finding.line or 1, finding.message)


def check_package_quality(files: PackageFiles) -> CheckOutcome:
    """The registered package check: refusals become package errors, everything else warnings."""
    sources = sources_of(files)
    report = check(
        sources.final,
        practice=sources.practice,
        decisions=sources.decisions,
        profiles=sources.profiles,
        languages=sources.languages,
    )
    return CheckOutcome(
        errors=[_error(f) for f in report.refusals],
        warnings=[_error(f) for f in report.warnings],
        report=lines(report, sources.languages),
    )
