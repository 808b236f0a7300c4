"""
The item-quality checker: flaws that item-writing guidelines name and a program can see, in the final bank,
the practice items and the vignette decisions of a course package, and test-wise strategies run over many
random blueprint draws per accreditation profile.

A profile is refused when a strategy passes more than ``strategy_pass_rate_max`` of its draws, or when the key
is the longest option in more than ``key_longest_share_max`` of single-best items; everything else is a
warning (decision 0210). Everything here is pure: records in, a :class:`Report` out. Thresholds live in
``quizzes.quality.thresholds``.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field

from .. import blueprint
from . import bankwide, items, strategies
from .records import Finding, ItemRecord, OptionRecord, ProfileRecord
from .thresholds import DEFAULTS, ThresholdError, Thresholds, resolve, strictest

__all__ = ["Finding", "ItemRecord", "OptionRecord", "ProfileRecord", "Report", "Thresholds", "check"]


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)
    summary: bankwide.Summary = field(default_factory=bankwide.Summary)
    practice: bankwide.Summary = field(default_factory=bankwide.Summary)
    results: list[strategies.StrategyResult] = field(default_factory=list)
    bank_means: dict[str, dict[str, float]] = field(default_factory=dict)
    thresholds: dict[str, Thresholds] = field(default_factory=dict)
    bank_thresholds: Thresholds = DEFAULTS

    @property
    def refusals(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "refusal"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]


def _profile_thresholds(profiles: Sequence[ProfileRecord], report: Report) -> None:
    for profile in profiles:
        try:
            report.thresholds[profile.key] = resolve(profile.quality)
        except ThresholdError as error:
            report.thresholds[profile.key] = DEFAULTS
            report.findings.append(
                Finding("refusal", "threshold", f"accreditation {profile.key!r}: {error}", profile.file, profile.line)
            )
    report.bank_thresholds = strictest(report.thresholds.values())


def _strategy_findings(final: Sequence[ItemRecord], profile: ProfileRecord, report: Report, limit: float) -> None:
    over = [r for r in report.results if r.profile == profile.key and r.pass_rate > limit]
    for result in over:
        report.findings.append(
            Finding(
                "refusal",
                "strategy_passes",
                f"accreditation {profile.key!r}: the test-wise strategy {result.strategy.label} passes "
                f"{result.pass_rate:.1%} of {result.draws} random draws ({result.language}); the limit is {limit:.0%}",
                profile.file,
                profile.line,
            )
        )
    cued: dict[str, list[str]] = {}
    for result in over:
        for item_id in result.cued_items:
            cued.setdefault(item_id, []).append(f"{result.strategy.name} ({result.language})")
    for item in final:
        if item.id in cued:
            report.findings.append(
                Finding(
                    "refusal",
                    "strategy_passes",
                    f"final item {item.id!r} is answered right without the content by: {', '.join(cued[item.id])}",
                    item.file,
                    item.line,
                    item.id,
                )
            )


def check(
    final: Sequence[ItemRecord],
    *,
    practice: Sequence[ItemRecord] = (),
    decisions: Sequence[ItemRecord] = (),
    profiles: Sequence[ProfileRecord] = (),
    languages: Sequence[str] = ("de", "en"),
) -> Report:
    """Check a course's items and run the strategies for each accreditation profile."""
    report = Report()
    _profile_thresholds(profiles, report)
    limits = report.bank_thresholds
    for item in final:
        report.findings += items.check_item(item, limits, decisions)
    for item in (*practice, *decisions):
        report.findings += items.check_item(item, limits)
    report.summary = bankwide.summarise(final, languages)
    report.practice = bankwide.summarise(practice, languages)
    report.findings += bankwide.check_final_bank(final, report.summary, limits)
    report.findings += bankwide.check_practice(practice, report.practice, limits)
    if not final:
        return report
    report.bank_means = {language: strategies.bank_means(final, language) for language in languages}
    for profile in profiles:
        thresholds = report.thresholds[profile.key]
        try:
            draws = strategies.draws_for(final, profile, thresholds.strategy_draws)
        except blueprint.BlueprintError:
            continue  # the package validator reports a blueprint the bank cannot meet
        for language in languages:
            report.results += strategies.simulate(final, profile, language, draws)
        _strategy_findings(final, profile, report, thresholds.strategy_pass_rate_max)
    return report
