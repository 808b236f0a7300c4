"""
Test-wise strategies: rules that know nothing of the content, run over many random blueprint draws.

A strategy gives each item type a rule (pick the longest option, say "false", tick the three longest, ...).
Where a rule cannot tell options apart (a tie, or a type it has no rule for) the simulated learner guesses
among the tied options, as a real one would. Each item then yields a distribution of credit (scored exactly
like the final test, ``courses.scoring.score_item``); every simulated attempt samples it, over the same
``strategy_draws`` seeded draws of the profile's blueprint for every strategy, ``SAMPLES_PER_DRAW`` simulated
attempts per draw. The result is the share of attempts the strategy passes, per profile and language.
Everything is seeded: the same bank gives the same table (decision 0211).
"""

import functools
import itertools
import json
import zlib
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from courses.scoring import score_item

from .. import blueprint
from . import words
from .records import ItemRecord, ProfileRecord

Pmf = dict[float, float]
# Simulated learners per draw: the guesses are sampled, so several per draw keep the estimate's noise small
# (at a 4 % pass rate, 8,000 attempts give a standard error of 0.2 points).
SAMPLES_PER_DRAW = 8
OptionScores = Callable[[ItemRecord, str], list[float] | None]


def _length(item: ItemRecord, language: str) -> list[float]:
    return [float(len(o.text.get(language, "").strip())) for o in item.options]


def _hedged(item: ItemRecord, language: str) -> list[float]:
    return [
        float(words.hedges(o.text.get(language, ""), language) - words.absolutes(o.text.get(language, ""), language))
        for o in item.options
    ]


def _middle(item: ItemRecord, _language: str) -> list[float]:
    n = len(item.options)
    middle = {(n - 1) // 2, n // 2} if n > 2 else set()
    return [1.0 if index in middle else 0.0 for index in range(n)]


def _first(item: ItemRecord, _language: str) -> list[float]:
    return [-float(index) for index in range(len(item.options))]


def _spec(item: ItemRecord) -> dict:
    return {
        "type": item.type,
        "scoring": item.scoring,
        "options": [{"id": o.id, "correct": bool(o.correct)} for o in item.options],
    }


def _pick(item: ItemRecord, scores: list[float] | None) -> Pmf:
    """Choose the best-scored option; ties (or no scores) are a guess among the tied options."""
    if scores is None:
        scores = [0.0] * len(item.options)
    best = max(scores)
    tied = [o for o, s in zip(item.options, scores, strict=True) if s == best]
    right = sum(1 for o in tied if o.correct) / len(tied)
    return _merge({1.0: right, 0.0: 1 - right})


def _tick(item: ItemRecord, scores: list[float], count: int) -> Pmf:
    """Tick the ``count`` best-scored options; a tie at the boundary is a guess among the tied options."""
    count = max(0, min(count, len(item.options)))
    ranked = sorted(range(len(scores)), key=lambda i: -scores[i])
    if count == 0:
        return {0.0: 1.0}
    boundary = scores[ranked[count - 1]]
    sure = [i for i in ranked if scores[i] > boundary]
    tied = [i for i in ranked if scores[i] == boundary]
    choices = list(itertools.combinations(tied, count - len(sure)))
    pmf: Pmf = {}
    for chosen in choices:
        selected = [item.options[i].id for i in (*sure, *chosen)]
        credit = round(score_item(_spec(item), selected), 9)
        pmf[credit] = pmf.get(credit, 0.0) + 1 / len(choices)
    return pmf


def _tick_positive(item: ItemRecord, scores: list[float]) -> Pmf:
    selected = [o.id for o, s in zip(item.options, scores, strict=True) if s > 0]
    return {round(score_item(_spec(item), selected), 9) if selected else 0.0: 1.0}


def _guess_multiple(item: ItemRecord) -> Pmf:
    """Each option ticked or not with even odds: every subset equally likely."""
    pmf: Pmf = {}
    subsets = list(itertools.product((False, True), repeat=len(item.options)))
    for ticks in subsets:
        selected = [o.id for o, tick in zip(item.options, ticks, strict=True) if tick]
        credit = round(score_item(_spec(item), selected), 9) if selected else 0.0
        pmf[credit] = pmf.get(credit, 0.0) + 1 / len(subsets)
    return pmf


def _merge(pmf: Pmf) -> Pmf:
    return {credit: p for credit, p in pmf.items() if p > 0}


def _true_false(item: ItemRecord, language: str, rule: str) -> Pmf:
    ids = [str(o.id).lower() for o in item.options]
    if rule == "hedged":
        statement = item.stem.get(language, "")
        if words.absolutes(statement, language):
            rule = "false"
        elif words.hedges(statement, language):
            rule = "true"
    if rule in {"true", "false"} and rule in ids:
        return _pick(item, [1.0 if i == rule else 0.0 for i in ids])
    if rule == "first":
        return _pick(item, _first(item, language))
    return _pick(item, None)


# Rules per item type. Single-best and true/false rules pick one option; multiple-response rules tick a set.
SINGLE_RULES: dict[str, OptionScores] = {
    "longest": _length,
    "shortest": lambda item, lang: [-v for v in _length(item, lang)],
    "hedged": _hedged,
    "middle": _middle,
    "first": _first,
    "guess": lambda _item, _lang: None,
}
TRUEFALSE_RULES = ("false", "true", "hedged", "first", "guess")
MULTIPLE_RULES = ("longer", "shorter", "hedged", "middle", "first", "guess", *(f"ticks-{k}" for k in range(1, 6)))


def item_pmf(item: ItemRecord, language: str, rule: str, *, modal_keys: int = 2) -> Pmf:
    """The credit distribution of one item under one rule."""
    if item.type == "truefalse":
        return _true_false(item, language, rule)
    if item.type == "single":
        return _pick(item, SINGLE_RULES[rule](item, language))
    lengths = _length(item, language)
    mean = sum(lengths) / len(lengths)
    if rule == "longer":
        return _tick_positive(item, [v - mean for v in lengths])
    if rule == "shorter":
        return _tick_positive(item, [mean - v for v in lengths])
    if rule == "hedged":
        return _tick_positive(item, _hedged(item, language))
    if rule == "middle":
        n = len(item.options)
        return _tick_positive(item, [1.0 if 0 < i < n - 1 else 0.0 for i in range(n)])
    if rule == "first":
        return _tick(item, _first(item, language), modal_keys)
    if rule.startswith("ticks-"):
        return _tick(item, lengths, int(rule.removeprefix("ticks-")))
    return _guess_multiple(item)


@dataclass(frozen=True)
class Strategy:
    name: str
    single: str
    truefalse: str
    multiple: str

    def rule(self, item_type: str) -> str:
        return {"single": self.single, "truefalse": self.truefalse}.get(item_type, self.multiple)

    @property
    def label(self) -> str:
        return f"{self.name} (single: {self.single}, true/false: {self.truefalse}, multiple: {self.multiple})"


NAMED = (
    Strategy("longest", "longest", "guess", "longer"),
    Strategy("shortest", "shortest", "guess", "shorter"),
    Strategy("most hedged", "hedged", "hedged", "hedged"),
    Strategy("false", "guess", "false", "guess"),
    Strategy("middle position", "middle", "guess", "middle"),
    Strategy("authoring order", "first", "first", "first"),
    Strategy("guessing", "guess", "guess", "guess"),
)


def modal_key_count(items: Sequence[ItemRecord]) -> int:
    counts = Counter(len(i.keys) for i in items if i.type == "multiple")
    return counts.most_common(1)[0][0] if counts else 2


def strategies_for(items: Sequence[ItemRecord], language: str) -> list[Strategy]:
    """The named strategies, the fixed number of ticks, and the best rule per type for this bank ('combined')."""
    modal = modal_key_count(items)
    largest = max((len(i.options) for i in items if i.type == "multiple"), default=0)
    found = list(NAMED)
    found += [Strategy(f"fixed ticks ({k})", "guess", "guess", f"ticks-{k}") for k in range(1, largest)]

    def best(item_type: str, rules: Sequence[str]) -> str:
        pool = [i for i in items if i.type == item_type]
        if not pool:
            return "guess"
        return max(rules, key=lambda r: sum(_mean(item_pmf(i, language, r, modal_keys=modal)) for i in pool))

    found.append(
        Strategy(
            "combined",
            best("single", list(SINGLE_RULES)),
            best("truefalse", TRUEFALSE_RULES),
            best("multiple", MULTIPLE_RULES),
        )
    )
    return found


def _mean(pmf: Pmf) -> float:
    return sum(credit * p for credit, p in pmf.items())


@dataclass
class StrategyResult:
    profile: str
    language: str
    strategy: Strategy
    draws: int
    pass_rate: float
    mean_score: float
    # Items the strategy answers right for sure (credit 1 with certainty): the cues it lives on.
    cued_items: list[str] = field(default_factory=list)


def units_of(items: Sequence[ItemRecord]) -> list[blueprint.Unit]:
    singles: list[Any] = []
    cases: dict[Any, list[Any]] = {}
    for item in items:
        if item.case:
            cases.setdefault(item.case, []).append(item)
        else:
            singles.append(blueprint.Unit(item.id, item.module, (item.id,), Counter(item.principles)))
    for key, members in cases.items():
        tags = Counter(p for m in members for p in m.principles)
        singles.append(blueprint.Unit(f"case:{key}", members[0].module, tuple(m.id for m in members), tags))
    return singles


def draws_for(items: Sequence[ItemRecord], profile: ProfileRecord, count: int) -> np.ndarray:
    """``count`` seeded draws of the profile's blueprint, as rows of item indexes (all rows the same length)."""
    units = units_of(items)
    description = json.dumps(
        [
            [[u.key, u.module, list(u.items), sorted(u.principles.items())] for u in units],
            sorted(profile.blueprint.items()),
            sorted(profile.principle_quotas.items()),
            profile.draw,
            count,
        ]
    )
    keys = _draw_keys(description)
    index = {item.id: n for n, item in enumerate(items)}
    return np.asarray([[index[key] for key in row] for row in keys], dtype=np.int64)


@functools.lru_cache(maxsize=32)
def _draw_keys(description: str) -> tuple[tuple[str, ...], ...]:
    """The draws themselves, remembered per bank and blueprint: importing a package checks it more than once."""
    raw_units, modules, quotas, total, count = json.loads(description)
    units = [blueprint.Unit(key, module, tuple(keys), Counter(dict(tags))) for key, module, keys, tags in raw_units]
    return tuple(
        tuple(
            blueprint.draw(
                units,
                seed=seed,
                modules=dict(modules) or None,
                principles=dict(quotas),
                total=None if modules else total,
            )
        )
        for seed in range(count)
    )


def _table(pmfs: Sequence[Pmf]) -> tuple[np.ndarray, np.ndarray]:
    width = max(len(p) for p in pmfs)
    values = np.zeros((len(pmfs), width))
    cumulative = np.ones((len(pmfs), width))
    for row, pmf in enumerate(pmfs):
        support = sorted(pmf.items())
        values[row, : len(support)] = [c for c, _p in support]
        cumulative[row, : len(support)] = np.cumsum([p for _c, p in support])
    cumulative[:, -1] = 1.0
    return values, cumulative


def simulate(
    items: Sequence[ItemRecord], profile: ProfileRecord, language: str, draws: np.ndarray
) -> list[StrategyResult]:
    """Every strategy's pass rate over the same draws of one profile, in one language."""
    modal = modal_key_count(items)
    results = []
    for strategy in strategies_for(items, language):
        pmfs = [item_pmf(item, language, strategy.rule(item.type), modal_keys=modal) for item in items]
        values, cumulative = _table(pmfs)
        seed = zlib.crc32(f"{profile.key}:{language}:{strategy.name}".encode())
        rng = np.random.default_rng(seed)
        passed, percent_sum = 0, 0.0
        drawn_values, drawn_cumulative = values[draws], cumulative[draws]
        for _sample in range(SAMPLES_PER_DRAW):
            uniform = rng.random(draws.shape)
            chosen = np.minimum((uniform[..., None] >= drawn_cumulative).sum(axis=-1), values.shape[1] - 1)
            credit = np.take_along_axis(drawn_values, chosen[..., None], axis=-1)[..., 0]
            # Rounded to hundredths like the final test's score, then compared with the pass mark.
            percent = np.floor(100 * credit.sum(axis=1) / draws.shape[1] * 100 + 0.5) / 100
            passed += int((percent >= profile.pass_mark - 1e-9).sum())
            percent_sum += float(percent.sum())
        attempts = len(draws) * SAMPLES_PER_DRAW
        cued = [item.id for item, pmf in zip(items, pmfs, strict=True) if pmf.get(1.0, 0.0) >= 1.0 - 1e-9]
        results.append(
            StrategyResult(profile.key, language, strategy, len(draws), passed / attempts, percent_sum / attempts, cued)
        )
    return results


def bank_means(items: Sequence[ItemRecord], language: str) -> dict[str, float]:
    """Each strategy's mean credit over the whole bank (percent): how far it gets without a blueprint."""
    modal = modal_key_count(items)
    return {
        s.name: 100 * sum(_mean(item_pmf(i, language, s.rule(i.type), modal_keys=modal)) for i in items) / len(items)
        for s in strategies_for(items, language)
    }
