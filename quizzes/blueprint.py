"""Pure: draw an attempt's items from a bank by blueprint, reproducibly from a stored seed."""

import random
from collections.abc import Mapping, Sequence


class BlueprintError(ValueError):
    pass


def draw(bank: Mapping[str, Sequence[str]], blueprint: Mapping[str, int], seed: int) -> list[str]:
    """Return item keys: ``blueprint[module]`` from each module's keys, no repeats, shuffled by ``seed``.

    With an empty blueprint every item is drawn. The same seed always gives the same draw and order.
    """
    rng = random.Random(seed)  # noqa: S311 - reproducible shuffling, not a secret
    chosen: list[str] = []
    quotas = blueprint or {module: len(keys) for module, keys in bank.items()}
    for module in sorted(quotas):
        keys = sorted(bank.get(module, ()))
        if len(keys) < quotas[module]:
            raise BlueprintError(f"module {module!r} has {len(keys)} items, the blueprint wants {quotas[module]}")
        chosen.extend(rng.sample(keys, quotas[module]))
    rng.shuffle(chosen)
    return chosen


def option_order(option_ids: Sequence[int], seed: int, position: int) -> list[int]:
    rng = random.Random(f"{seed}:{position}")  # noqa: S311 - reproducible shuffling, not a secret
    order = list(option_ids)
    rng.shuffle(order)
    return order
