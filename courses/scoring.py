"""Pure scoring of one item (single, multiple, true/false) against the learner's selected option ids."""

from collections.abc import Iterable, Mapping
from typing import Any


def score_item(item: Mapping[str, Any], selected: Iterable[str]) -> float:
    """Return the credit in [0, 1]. Partial credit per correct choice, minus wrong ones, floored at 0."""
    chosen = set(selected)
    correct = {o["id"] for o in item["options"] if o.get("correct")}
    if item.get("type", "single") != "multiple":
        return 1.0 if chosen == correct else 0.0
    if item.get("scoring", "all_or_nothing") == "all_or_nothing":
        return 1.0 if chosen == correct else 0.0
    wrong = chosen - correct
    right = chosen & correct
    incorrect_count = max(len(item["options"]) - len(correct), 1)
    credit = len(right) / len(correct) - len(wrong) / incorrect_count
    return max(credit, 0.0)
