"""
Pure: the review policy, a matrix of moments × aspects (Moodle's review options, decision 0203).

Moments: ``during`` the attempt, ``right_after`` submission while the assessment window is open, and
``after_close`` once the window has closed. Aspects: ``score`` (score and pass/fail), ``principles`` (the
result per principle), ``correctness`` (right, partly right or wrong per item), ``rationale`` (the rationale
of the options the learner chose) and ``answer`` (which options are correct).

Nothing is graded before submission, so ``during`` stays empty for a final test; ``validate`` refuses
anything there, which also keeps the key out of the attempt page.
"""

from collections.abc import Mapping
from datetime import datetime
from typing import Any

MOMENTS = ("during", "right_after", "after_close")
ASPECTS = ("score", "principles", "correctness", "rationale", "answer")

# Certified final tests: score, pass/fail and the per-principle result, never the key.
CERTIFIED_DEFAULT = {"during": [], "right_after": ["score", "principles"], "after_close": ["score", "principles"]}


def default_matrix() -> dict[str, list[str]]:
    return {moment: list(aspects) for moment, aspects in CERTIFIED_DEFAULT.items()}


def validate(matrix: Any) -> None:
    """Raise ``ValueError`` with a message naming the bad moment or aspect."""
    if not isinstance(matrix, Mapping):
        raise ValueError("the review policy maps moments (during, right_after, after_close) to lists of aspects")
    for moment, aspects in matrix.items():
        if moment not in MOMENTS:
            raise ValueError(f"unknown moment {moment!r}; use one of {', '.join(MOMENTS)}")
        if not isinstance(aspects, list) or any(a not in ASPECTS for a in aspects):
            raise ValueError(f"{moment}: aspects are a list drawn from {', '.join(ASPECTS)}")
        if moment == "during" and aspects:
            raise ValueError("during: nothing is graded before submission, so nothing can be shown during an attempt")


def moment(*, closes_at: datetime | None, now: datetime) -> str:
    """The moment a submitted attempt is reviewed at."""
    return "after_close" if closes_at is not None and now >= closes_at else "right_after"


def aspects(matrix: Mapping[str, Any], at: str) -> frozenset[str]:
    """The aspects shown at a moment; unknown entries are ignored, and nothing is shown during an attempt."""
    if at == "during":
        return frozenset()
    return frozenset(a for a in matrix.get(at, ()) if a in ASPECTS)
