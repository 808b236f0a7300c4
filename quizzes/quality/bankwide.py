"""
Checks of a bank as a whole: how often the key is the longest option, true/false key balance, the number of
keys of multiple-response items and their scoring rule, and absolute or hedging words spread unevenly between
keys and distractors. Also the summary figures an author reads beside the findings.
"""

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from . import words
from .records import Finding, ItemRecord
from .thresholds import Thresholds


def _length(text: dict[str, str], language: str) -> int:
    return len(text.get(language, "").strip())


def key_is_longest(item: ItemRecord, language: str) -> bool:
    """The key is strictly the longest option (single-best items)."""
    key = item.keys[0]
    return all(_length(key.text, language) > _length(o.text, language) for o in item.distractors)


def key_is_shortest(item: ItemRecord, language: str) -> bool:
    key = item.keys[0]
    return all(_length(key.text, language) < _length(o.text, language) for o in item.distractors)


def singles(items: Sequence[ItemRecord]) -> list[ItemRecord]:
    return [i for i in items if i.type == "single" and len(i.keys) == 1 and i.distractors]


@dataclass
class Summary:
    """What an author (and the closing note of issue 13) reads about a bank."""

    items: int = 0
    per_module: dict[str, Counter] = field(default_factory=dict)
    key_longest: dict[str, float] = field(default_factory=dict)
    key_shortest: dict[str, float] = field(default_factory=dict)
    true_false: Counter = field(default_factory=Counter)
    multiple_keys: Counter = field(default_factory=Counter)
    scoring: Counter = field(default_factory=Counter)
    key_positions: Counter = field(default_factory=Counter)
    absolutes: dict[str, tuple[float, float]] = field(default_factory=dict)
    hedges: dict[str, tuple[float, float]] = field(default_factory=dict)


def summarise(items: Sequence[ItemRecord], languages: Sequence[str]) -> Summary:
    summary = Summary(items=len(items))
    for item in items:
        summary.per_module.setdefault(item.module, Counter())[item.type] += 1
        if item.type == "truefalse":
            summary.true_false[
                "true" if any(o.correct and str(o.id).lower() == "true" for o in item.options) else "false"
            ] += 1
        if item.type == "multiple":
            summary.multiple_keys[len(item.keys)] += 1
            summary.scoring[item.scoring] += 1
        if item.type == "single" and item.keys:
            summary.key_positions["abcdef"[[o.correct for o in item.options].index(True)]] += 1
    pool = singles(items)
    keyed = [i for i in items if i.type in {"single", "multiple"}]
    for language in languages:
        if pool:
            summary.key_longest[language] = sum(key_is_longest(i, language) for i in pool) / len(pool)
            summary.key_shortest[language] = sum(key_is_shortest(i, language) for i in pool) / len(pool)
        summary.absolutes[language] = _spread(keyed, language, words.absolutes)
        summary.hedges[language] = _spread(keyed, language, words.hedges)
    return summary


def _spread(items: Sequence[ItemRecord], language: str, count: Callable[[str, str], Any]) -> tuple[float, float]:
    """Share of keys and share of distractors that use the words."""
    keys = [o for i in items for o in i.keys]
    others = [o for i in items for o in i.distractors]

    def share(options: Sequence[Any]) -> float:
        return sum(1 for o in options if count(o.text.get(language, ""), language)) / len(options) if options else 0.0

    return share(keys), share(others)


def _bank_finding(
    items: Sequence[ItemRecord], severity: Literal["refusal", "warning"], code: str, message: str
) -> Finding:
    first = items[0] if items else None
    return Finding(severity, code, message, first.file if first else "", first.line if first else 0)


def check_final_bank(items: Sequence[ItemRecord], summary: Summary, thresholds: Thresholds) -> list[Finding]:
    found: list[Finding] = []
    pool = singles(items)
    for language, share in sorted(summary.key_longest.items()):
        if share > thresholds.key_longest_share_max:
            found.append(
                _bank_finding(
                    pool,
                    "refusal",
                    "key_longest_share",
                    f"the key is the longest option in {share:.0%} of the {len(pool)} single-best items ({language}); "
                    f"the limit is {thresholds.key_longest_share_max:.0%}",
                )
            )
            found += [
                Finding(
                    "refusal",
                    "key_longest_share",
                    f"final item {i.id!r}: the key is the longest option ({language})",
                    i.file,
                    i.line,
                    i.id,
                )
                for i in pool
                if key_is_longest(i, language)
            ]
    tf_items = [i for i in items if i.type == "truefalse"]
    if len(tf_items) >= 2:
        true_share = summary.true_false["true"] / len(tf_items)
        if abs(true_share - 0.5) > thresholds.true_false_balance_tolerance:
            found.append(
                _bank_finding(
                    tf_items,
                    "warning",
                    "true_false_balance",
                    f"{summary.true_false['true']} of {len(tf_items)} true/false items are keyed 'true'; "
                    "balance the keys",
                )
            )
    multiple = [i for i in items if i.type == "multiple"]
    if len(multiple) >= 3 and len(summary.multiple_keys) == 1:
        (count,) = summary.multiple_keys
        found.append(
            _bank_finding(
                multiple,
                "warning",
                "multiple_same_key_count",
                f"every multiple-response item has exactly {count} keys; a learner can tick {count} and gain",
            )
        )
    if len(summary.scoring) > 1:
        detail = ", ".join(f"{n} {rule}" for rule, n in sorted(summary.scoring.items()))
        found.append(
            _bank_finding(
                multiple, "warning", "multiple_scoring_mixed", f"multiple-response items mix scoring rules ({detail})"
            )
        )
    keyed = [i for i in items if i.type in {"single", "multiple"}]
    for language in sorted(summary.absolutes):
        keys, others = summary.absolutes[language]
        if others - keys > thresholds.cue_word_gap_max:
            found.append(
                _bank_finding(
                    keyed,
                    "warning",
                    "absolutes_in_distractors",
                    f"absolute words sit in {others:.0%} of distractors but {keys:.0%} of keys ({language})",
                )
            )
        keys, others = summary.hedges[language]
        if keys - others > thresholds.cue_word_gap_max:
            found.append(
                _bank_finding(
                    keyed,
                    "warning",
                    "hedges_in_keys",
                    f"hedging words sit in {keys:.0%} of keys but {others:.0%} of distractors ({language})",
                )
            )
    return found


def check_practice(items: Sequence[ItemRecord], summary: Summary, thresholds: Thresholds) -> list[Finding]:
    """Practice items are not graded, so a cue is a warning: it trains learners to look for it."""
    found = []
    pool = singles(items)
    for language, share in sorted(summary.key_longest.items()):
        if share > thresholds.key_longest_share_max:
            found.append(
                _bank_finding(
                    pool,
                    "warning",
                    "practice_key_longest_share",
                    f"in {share:.0%} of the {len(pool)} single-best practice items the key is the longest option "
                    f"({language}); practice then teaches the cue",
                )
            )
    return found
