"""
Pure: draw an attempt's items from a bank by blueprint, reproducibly from a stored seed.

The bank is a list of *units*: a single item, or a case-based set whose items are always drawn together and
kept in their authored order. Module quotas are exact item counts; principle quotas are minimums (an item
may carry several principles). The draw is stratified by module, prefers units that still help an unmet
principle quota, and retries with the same random stream when a greedy pass gets stuck, so the same seed
always gives the same items, order and option order.
"""

import random
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

MAX_TRIES = 200


class BlueprintError(ValueError):
    pass


@dataclass(frozen=True)
class Unit:
    key: str
    module: str
    items: tuple[str, ...]
    # One entry per (item, principle) tag, so a case tagged twice with a principle counts twice.
    principles: Counter = field(default_factory=Counter, compare=False)

    @property
    def size(self) -> int:
        return len(self.items)


def draw(
    units: Sequence[Unit],
    *,
    seed: int,
    modules: Mapping[str, int] | None = None,
    principles: Mapping[str, int] | None = None,
    total: int | None = None,
) -> list[str]:
    """Return item keys in the order shown.

    ``modules`` gives exact item counts per module slug; without it, ``total`` items are drawn (all items
    when ``total`` is None). ``principles`` gives minimum item counts per principle slug.
    """
    rng = random.Random(seed)  # noqa: S311 - reproducible shuffling, not a secret
    pool = sorted(units, key=lambda u: u.key)
    module_quotas = {m: n for m, n in (modules or {}).items() if n}
    principle_quotas = {p: n for p, n in (principles or {}).items() if n}
    _check_supply(pool, module_quotas, principle_quotas, total)
    if not module_quotas and not principle_quotas and total is None:
        chosen = list(pool)
    else:
        for _try in range(MAX_TRIES):
            drawn = _try_draw(rng, pool, module_quotas, principle_quotas, total)
            if drawn is not None:
                chosen = drawn
                break
        else:
            raise BlueprintError(
                "no draw satisfies the blueprint: module quotas, whole case-based sets and principle minimums "
                "cannot all be met with this bank"
            )
    rng.shuffle(chosen)
    return [key for unit in chosen for key in unit.items]


def _check_supply(
    pool: Sequence[Unit], modules: Mapping[str, int], principles: Mapping[str, int], total: int | None
) -> None:
    per_module: Counter[str] = Counter()
    per_principle: Counter[str] = Counter()
    for unit in pool:
        per_module[unit.module] += unit.size
        per_principle.update(unit.principles)
    for module, count in sorted(modules.items()):
        if per_module[module] < count:
            raise BlueprintError(f"module {module!r} has {per_module[module]} items, the blueprint wants {count}")
    for principle, count in sorted(principles.items()):
        if per_principle[principle] < count:
            raise BlueprintError(
                f"principle {principle!r} tags {per_principle[principle]} items, the blueprint wants {count}"
            )
    if total is not None and not modules and sum(per_module.values()) < total:
        raise BlueprintError(f"the bank has {sum(per_module.values())} items, the blueprint wants {total}")


def _helps(unit: Unit, need: Counter) -> int:
    return sum(min(need[p], c) for p, c in unit.principles.items() if need[p] > 0)


def _take(candidates: list[Unit], need: Counter, room: int) -> Unit | None:
    fitting = [u for u in candidates if u.size <= room]
    if not fitting:
        return None
    # max() keeps the first of equals, and the candidates are shuffled, so ties break at random.
    return max(fitting, key=lambda u: _helps(u, need))


def _try_draw(
    rng: random.Random,
    pool: Sequence[Unit],
    modules: Mapping[str, int],
    principles: Mapping[str, int],
    total: int | None,
) -> list[Unit] | None:
    need = Counter(principles)
    chosen: list[Unit] = []
    if modules:
        for module in sorted(modules):
            candidates = [u for u in pool if u.module == module]
            rng.shuffle(candidates)
            room = modules[module]
            while room:
                unit = _take(candidates, need, room)
                if unit is None:
                    return None
                candidates.remove(unit)
                chosen.append(unit)
                room -= unit.size
                need.subtract(unit.principles)
    else:
        candidates = list(pool)
        rng.shuffle(candidates)
        room = total if total is not None else sum(u.size for u in pool)
        while room:
            unit = _take(candidates, need, room)
            if unit is None:
                return None
            candidates.remove(unit)
            chosen.append(unit)
            room -= unit.size
            need.subtract(unit.principles)
    if any(n > 0 for n in need.values()):
        return None
    return chosen


def option_order(option_ids: Sequence[int], seed: int, position: int) -> list[int]:
    rng = random.Random(f"{seed}:{position}")  # noqa: S311 - reproducible shuffling, not a secret
    order = list(option_ids)
    rng.shuffle(order)
    return order
