"""
The item-quality thresholds, in one place (documented in docs/course-package.md, "Item quality").

Each threshold has a default, an allowed range and a direction (which way is stricter). An accreditation
profile may override thresholds under `quality:`; refusal thresholds may only be tightened, because a chamber
cannot accept a weaker learning-success check than the package's own rule. An unknown name or a value outside
the range is an error, never ignored.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields, replace
from typing import Any


@dataclass(frozen=True)
class Limit:
    default: float
    low: float
    high: float
    # True when a smaller value is stricter (a maximum); False when a larger value is (a minimum).
    lower_is_stricter: bool
    refusal: bool
    integer: bool = False
    help: str = ""


def _limit(default: float, low: float, high: float, *, maximum: bool, refusal: bool = False, **extra: Any) -> Limit:
    return Limit(default, low, high, lower_is_stricter=maximum, refusal=refusal, **extra)


LIMITS: dict[str, Limit] = {
    "strategy_pass_rate_max": _limit(
        0.05, 0.0, 0.05, maximum=True, refusal=True, help="refuse a profile a test-wise strategy passes more often"
    ),
    "key_longest_share_max": _limit(
        0.40, 0.0, 0.40, maximum=True, refusal=True, help="refuse when the key is the longest option more often"
    ),
    "key_length_margin": _limit(
        0.25, 0.05, 2.0, maximum=True, help="warn when the key is longer (shorter) than every distractor by this share"
    ),
    "option_length_ratio_max": _limit(
        2.0, 1.1, 10.0, maximum=True, help="warn when the longest option is more than this many times the shortest"
    ),
    "cue_word_gap_max": _limit(
        0.10, 0.0, 1.0, maximum=True, help="warn when absolute or hedging words differ this much: keys, distractors"
    ),
    "true_false_balance_tolerance": _limit(
        0.15, 0.0, 0.5, maximum=True, help="warn when the share of true/false keys 'true' is further from one half"
    ),
    "replay_similarity_min": _limit(
        0.5, 0.1, 1.0, maximum=True, help="warn when options overlap a vignette decision's this much (Jaccard)"
    ),
    "replay_stem_share_min": _limit(
        0.65, 0.3, 1.0, maximum=True, help="warn when this share of a stem's words appears in a vignette's scene"
    ),
    "strategy_draws": _limit(
        1000, 100, 20000, maximum=False, integer=True, help="simulated blueprint draws per profile and language"
    ),
}


@dataclass(frozen=True)
class Thresholds:
    strategy_pass_rate_max: float = LIMITS["strategy_pass_rate_max"].default
    key_longest_share_max: float = LIMITS["key_longest_share_max"].default
    key_length_margin: float = LIMITS["key_length_margin"].default
    option_length_ratio_max: float = LIMITS["option_length_ratio_max"].default
    cue_word_gap_max: float = LIMITS["cue_word_gap_max"].default
    true_false_balance_tolerance: float = LIMITS["true_false_balance_tolerance"].default
    replay_similarity_min: float = LIMITS["replay_similarity_min"].default
    replay_stem_share_min: float = LIMITS["replay_stem_share_min"].default
    strategy_draws: int = int(LIMITS["strategy_draws"].default)


DEFAULTS = Thresholds()


class ThresholdError(ValueError):
    """An override that names no threshold, or a value outside the threshold's range."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(message)
        self.name = name


def _value(name: str, raw: Any) -> float:
    limit = LIMITS[name]
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        raise ThresholdError(name, f"quality threshold {name!r} must be a number, not {raw!r}")
    if limit.integer and int(raw) != raw:
        raise ThresholdError(name, f"quality threshold {name!r} must be a whole number, not {raw!r}")
    if not limit.low <= raw <= limit.high:
        hint = " (it may only be tightened)" if limit.refusal else ""
        raise ThresholdError(
            name, f"quality threshold {name!r} is {raw}, outside its range {limit.low:g} to {limit.high:g}{hint}"
        )
    return int(raw) if limit.integer else float(raw)


def resolve(overrides: Mapping[str, Any] | None, base: Thresholds = DEFAULTS) -> Thresholds:
    """The thresholds with a profile's overrides applied; raise :class:`ThresholdError` on a bad override."""
    if overrides is None:
        return base
    if not isinstance(overrides, Mapping):
        raise ThresholdError("quality", "'quality' maps threshold names to numbers")
    values: dict[str, Any] = {}
    for name, raw in overrides.items():
        if name not in LIMITS:
            known = ", ".join(sorted(LIMITS))
            raise ThresholdError(str(name), f"unknown quality threshold {name!r}; known thresholds: {known}")
        values[name] = _value(name, raw)
    return replace(base, **values)


def strictest(profiles: Iterable[Thresholds], base: Thresholds = DEFAULTS) -> Thresholds:
    """Bank-wide checks use the strictest value any profile asks for (a chamber may tighten them)."""
    result = base
    for thresholds in profiles:
        values = {}
        for spec in fields(Thresholds):
            limit = LIMITS[spec.name]
            mine, theirs = getattr(result, spec.name), getattr(thresholds, spec.name)
            values[spec.name] = min(mine, theirs) if limit.lower_is_stricter else max(mine, theirs)
        result = replace(result, **values)
    return result
