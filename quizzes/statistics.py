"""
Item analysis of an assessment: load every graded response in a few flat queries, analyse with numpy
(``quizzes.analysis``), and store the figures. Run by the debounced task, never on page load.
"""

import csv
import io
import math
import time
from collections import Counter
from collections.abc import Iterable

import numpy as np
from django.db import transaction
from django.utils import timezone

from config.text import escape_formula

from . import analysis
from .models import Assessment, AssessmentStatistic, Attempt, AttemptItem, ItemStatistic, Option


def _number(value: float) -> float | None:
    return None if value is None or math.isnan(value) else round(float(value), 4)


def compute_item_analysis(assessment: Assessment) -> AssessmentStatistic:
    """Recompute and store the item analysis of ``assessment`` from all its graded attempts."""
    started = time.perf_counter()
    rows = AttemptItem.objects.filter(
        attempt__assessment=assessment, attempt__status=Attempt.Status.SUBMITTED
    ).values_list("attempt_id", "item_id", "credit", "selected")
    attempt_ids, item_ids, credits, selections = [], [], [], []
    for attempt_id, item_id, credit, selected in rows.iterator(chunk_size=20_000):
        attempt_ids.append(attempt_id)
        item_ids.append(item_id)
        credits.append(credit or 0.0)
        selections.append(selected)
    _attempt_keys, attempt_index = np.unique(np.asarray(attempt_ids, dtype=np.int64), return_inverse=True)
    item_keys, item_index = np.unique(np.asarray(item_ids, dtype=np.int64), return_inverse=True)
    items, test = analysis.analyse(attempt_index, item_index, np.asarray(credits, dtype=np.float64))

    chosen = Counter(option_id for selected in selections for option_id in selected)
    per_item: dict[int, dict[str, int]] = {}
    for option_id, item_id, key in Option.objects.filter(item_id__in=item_keys.tolist()).values_list(
        "pk", "item_id", "key"
    ):
        per_item.setdefault(item_id, {})[key] = chosen.get(option_id, 0)

    statistics = []
    for position, item_id in enumerate(item_keys.tolist()):
        facility = _number(items.facility[position])
        discrimination = _number(items.discrimination[position])
        point_biserial = _number(items.point_biserial[position])
        responses = int(items.responses[position])
        statistics.append(
            ItemStatistic(
                assessment=assessment,
                item_id=item_id,
                responses=responses,
                facility=facility,
                discrimination=discrimination,
                point_biserial=point_biserial,
                distractors=per_item.get(item_id, {}),
                flags=analysis.flags(
                    responses=responses,
                    facility=facility,
                    discrimination=discrimination,
                    point_biserial=point_biserial,
                ),
            )
        )
    with transaction.atomic():
        ItemStatistic.objects.filter(assessment=assessment).delete()
        ItemStatistic.objects.bulk_create(statistics, batch_size=500)
        summary, _created = AssessmentStatistic.objects.update_or_create(
            assessment=assessment,
            defaults={
                "attempts": test.attempts,
                "responses": test.responses,
                "mean": _number(test.mean) if test.mean is not None else None,
                "sd": _number(test.sd) if test.sd is not None else None,
                "kr20": _number(test.kr20) if test.kr20 is not None else None,
                "computed_at": timezone.now(),
                "seconds": round(time.perf_counter() - started, 3),
            },
        )
    return summary


CSV_HEADER = [
    "item",
    "version",
    "module",
    "principles",
    "type",
    "responses",
    "facility",
    "discrimination",
    "point_biserial",
    "option_frequencies",
    "flags",
]


def _cell(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"


def item_analysis_csv(statistics: Iterable[ItemStatistic]) -> str:
    """One row per item version; option frequencies as ``key:count`` pairs (correct options starred)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for row in statistics:
        correct = {o.key for o in row.item.options.all() if o.correct}
        frequencies = " ".join(
            f"{key}{'*' if key in correct else ''}:{count}" for key, count in sorted(row.distractors.items())
        )
        writer.writerow(
            [
                escape_formula(row.item.key),
                row.item.version,
                escape_formula(row.item.module_slug),
                escape_formula(" ".join(row.item.principles)),
                escape_formula(row.item.type),
                row.responses,
                _cell(row.facility),
                _cell(row.discrimination),
                _cell(row.point_biserial),
                escape_formula(frequencies),
                escape_formula(" ".join(row.flags)),
            ]
        )
    return out.getvalue()
