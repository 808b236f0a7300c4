"""
Pure, vectorised classical item analysis (numpy), correct under random draws (decision 0204).

Input is one row per response: the attempt it belongs to, the item version shown, and the credit earned in
[0, 1]. Every item statistic is taken over the attempts that showed that item, never over all attempts:

- facility: mean credit;
- discrimination: mean credit in the upper 27 % minus the lower 27 % of those attempts, ranked by their
  total percent score (Kelley's groups; ties broken by attempt order);
- point-biserial: Pearson correlation of the credit with the attempt's *rest* score (percent of the other
  items), so an item does not correlate with itself;
- whole test: mean and SD of the percent score, and KR-20 (coefficient alpha for partial credit). For
  random forms, the sum of item variances is its expectation over the forms drawn:
  ``k/(k-1) · (1 - Σ_responses var(item) / attempts / var(total))``; with one fixed form this is the
  textbook formula.
"""

from dataclasses import dataclass

import numpy as np

UPPER_LOWER = 0.27
# Flags: thresholds an author acts on, and how many responses an item needs before it is judged.
TOO_EASY = 0.90
TOO_HARD = 0.20
MIN_RESPONSES = 10
# Nearly everyone right, and the strong and weak learners alike: the item may be answerable without the
# content (a cue the item-quality checker names beside it, or a key that leaked).
CUEING_FACILITY = 0.85
CUEING_DISCRIMINATION = 0.10


@dataclass
class ItemResults:
    responses: np.ndarray
    facility: np.ndarray
    discrimination: np.ndarray  # NaN where undefined
    point_biserial: np.ndarray  # NaN where undefined


@dataclass
class TestResults:
    attempts: int
    responses: int
    mean: float | None
    sd: float | None
    kr20: float | None


def analyse(attempt: np.ndarray, item: np.ndarray, credit: np.ndarray) -> tuple[ItemResults, TestResults]:
    """``attempt`` and ``item`` are dense indexes (0..A-1, 0..I-1); ``credit`` floats in [0, 1]."""
    attempt = np.asarray(attempt, dtype=np.int64)
    item = np.asarray(item, dtype=np.int64)
    credit = np.asarray(credit, dtype=np.float64)
    n_attempts = int(attempt.max()) + 1 if attempt.size else 0
    n_items = int(item.max()) + 1 if item.size else 0
    if not attempt.size:
        empty = np.zeros(0)
        return ItemResults(empty.astype(np.int64), empty, empty, empty), TestResults(0, 0, None, None, None)

    shown = np.bincount(attempt, minlength=n_attempts).astype(np.float64)
    total = np.bincount(attempt, weights=credit, minlength=n_attempts)
    percent = total / shown

    responses = np.bincount(item, minlength=n_items)
    n = responses.astype(np.float64)
    sum_x = np.bincount(item, weights=credit, minlength=n_items)
    facility = sum_x / n

    # Point-biserial against the rest score of each response's attempt.
    with np.errstate(divide="ignore", invalid="ignore"):
        rest = (total[attempt] - credit) / (shown[attempt] - 1)
        sum_y = np.bincount(item, weights=rest, minlength=n_items)
        sum_xy = np.bincount(item, weights=credit * rest, minlength=n_items)
        sum_xx = np.bincount(item, weights=credit * credit, minlength=n_items)
        sum_yy = np.bincount(item, weights=rest * rest, minlength=n_items)
        cov = sum_xy / n - facility * (sum_y / n)
        var_x = np.clip(sum_xx / n - facility**2, 0, None)
        var_y = np.clip(sum_yy / n - (sum_y / n) ** 2, 0, None)
        denominator = np.sqrt(var_x * var_y)
        point_biserial = np.where((denominator > 1e-12) & (n >= 2), cov / denominator, np.nan)

    # Upper and lower 27 % of the attempts that showed each item, ranked by total percent score.
    order = np.lexsort((attempt, percent[attempt], item))
    sorted_item = item[order]
    sorted_credit = credit[order]
    starts = np.concatenate(([0], np.cumsum(responses)[:-1]))
    rank = np.arange(order.size) - starts[sorted_item]
    group = np.maximum(np.floor(UPPER_LOWER * n + 0.5), 1).astype(np.int64)
    lower = rank < group[sorted_item]
    upper = rank >= responses[sorted_item] - group[sorted_item]
    upper_sum = np.bincount(sorted_item[upper], weights=sorted_credit[upper], minlength=n_items)
    lower_sum = np.bincount(sorted_item[lower], weights=sorted_credit[lower], minlength=n_items)
    with np.errstate(divide="ignore", invalid="ignore"):
        discrimination = np.where(responses >= 2, (upper_sum - lower_sum) / group, np.nan)

    # Whole test.
    k = float(shown.mean())
    item_variance = np.clip(sum_xx / n - facility**2, 0, None)
    expected_item_variance = float(item_variance[item].sum()) / n_attempts
    total_variance = float(total.var())
    kr20 = None
    if k > 1 and total_variance > 1e-12 and n_attempts >= 2:
        kr20 = k / (k - 1) * (1 - expected_item_variance / total_variance)
    mean = float(percent.mean() * 100)
    sd = float(percent.std(ddof=1) * 100) if n_attempts >= 2 else None
    return (
        ItemResults(responses, facility, discrimination, point_biserial),
        TestResults(n_attempts, int(attempt.size), mean, sd, kr20),
    )


def flags(
    *, responses: int, facility: float | None, discrimination: float | None, point_biserial: float | None
) -> list[str]:
    """Why an author should look at an item: ``too_easy``, ``too_hard``, ``negative``, ``cueing``; none below the
    minimum. ``cueing``: facility at least 0.85 with discrimination and point-biserial both below 0.10."""
    if responses < MIN_RESPONSES or facility is None:
        return []
    found = []
    if facility >= TOO_EASY:
        found.append("too_easy")
    if facility <= TOO_HARD:
        found.append("too_hard")
    if (discrimination is not None and discrimination < 0) or (point_biserial is not None and point_biserial < 0):
        found.append("negative")
    near_zero = [v for v in (discrimination, point_biserial) if v is not None]
    if facility >= CUEING_FACILITY and near_zero and all(v < CUEING_DISCRIMINATION for v in near_zero):
        found.append("cueing")
    return found
