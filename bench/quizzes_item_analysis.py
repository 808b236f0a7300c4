"""
Benchmark: item analysis over 100,000 responses (issue 5 asks for under 2 s).

Builds a throwaway test database (SQLite in memory, or ``test_<name>`` on the PostgreSQL server that
``DATABASE_URL`` names), imports the flagship course, writes 2,778 graded 36-item attempts (100,008 responses,
simulated with a Rasch model: ability ~ N(0, 1), difficulty per item) with bulk inserts, then times
``quizzes.statistics.compute_item_analysis`` end to end (read every response, numpy analysis, store the
figures) and the pure ``quizzes.analysis.analyse`` step alone.

    DJANGO_DEBUG=true .venv/bin/python bench/quizzes_item_analysis.py
    DJANGO_DEBUG=true DATABASE_URL=postgres://postgres@127.0.0.1:5432/helper_quiz \
        .venv/bin/python bench/quizzes_item_analysis.py [--json PATH]
"""

import math
import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_DEBUG", "true")

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from bench import _output  # noqa: E402

RESPONSES = 100_000
DRAW = 36
RUNS = 5


def build() -> object:
    from accounts.models import User
    from courses.packages.importing import import_package
    from courses.packages.reading import read_package
    from enrolments.models import Enrollment
    from quizzes import blueprint, services
    from quizzes.models import Attempt, AttemptItem, Item

    version = import_package(read_package(ROOT / "content" / "social-media-presence")).version
    accreditation = version.accreditations.get(key="us-ce-hours")  # the 36-item profile
    items = list(Item.objects.current().filter(course_version=version).prefetch_related("options"))
    rng = random.Random(2024)
    difficulty = {item.pk: rng.gauss(-0.8, 1.0) for item in items}
    attempts_needed = math.ceil(RESPONSES / DRAW)

    unusable = "!"  # Django's marker of an unusable password
    users = User.objects.bulk_create(
        User(email=f"bench{n}@example.org", name=f"Bench {n}", password=unusable) for n in range(attempts_needed)
    )
    enrollments = Enrollment.objects.bulk_create(
        Enrollment(user=user, course_version=version, accreditation=accreditation) for user in users
    )
    assessment = services.assessment_for(enrollments[0])
    units = services._units(items)
    by_key = {item.key: item for item in items}
    attempts, rows = [], []
    for enrollment in enrollments:
        seed = rng.getrandbits(62)
        keys = blueprint.draw(units, seed=seed, modules=accreditation.blueprint)
        ability = rng.gauss(0, 1)
        picked = []
        for position, key in enumerate(keys, start=1):
            item = by_key[key]
            options = list(item.options.all())
            right = rng.random() < 1 / (1 + math.exp(-(ability - difficulty[item.pk])))
            if right:
                selected = [o.pk for o in options if o.correct]
            else:
                selected = [rng.choice([o.pk for o in options if not o.correct])]
            picked.append((item, position, [o.pk for o in options], selected, 1.0 if right else 0.0))
        score = 100 * sum(p[4] for p in picked) / len(picked)
        attempts.append(
            Attempt(
                enrollment=enrollment,
                assessment=assessment,
                number=1,
                seed=seed,
                pass_mark=accreditation.pass_mark,
                status=Attempt.Status.SUBMITTED,
                score=Decimal(score).quantize(Decimal("0.01")),
                passed=score >= accreditation.pass_mark,
            )
        )
        rows.append(picked)
    attempts = Attempt.objects.bulk_create(attempts, batch_size=1000)
    AttemptItem.objects.bulk_create(
        (
            AttemptItem(
                attempt=attempt,
                item=item,
                position=position,
                option_order=order,
                selected=selected,
                credit=credit,
            )
            for attempt, picked in zip(attempts, rows, strict=True)
            for item, position, order, selected, credit in picked
        ),
        batch_size=5000,
    )
    return assessment


def measure() -> dict:
    """Build the responses in a throwaway database, time the analysis, print and return the figures."""
    from quizzes import analysis
    from quizzes.models import AttemptItem
    from quizzes.statistics import compute_item_analysis

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        started = time.perf_counter()
        assessment = build()
        responses = AttemptItem.objects.filter(attempt__assessment=assessment).count()
        print(f"database: {connection.vendor}; built {responses:,} responses in {time.perf_counter() - started:.1f} s")

        timings = []
        for _ in range(RUNS):
            started = time.perf_counter()
            summary = compute_item_analysis(assessment)
            timings.append(time.perf_counter() - started)
        print(
            f"compute_item_analysis (read + analyse + store), {RUNS} runs: "
            f"median {statistics.median(timings):.3f} s, best {min(timings):.3f} s, worst {max(timings):.3f} s"
        )
        print(
            f"  attempts {summary.attempts:,}, mean {summary.mean:.1f} %, SD {summary.sd:.1f}, KR-20 {summary.kr20:.3f}"
        )

        data = np.array(
            AttemptItem.objects.filter(attempt__assessment=assessment).values_list("attempt_id", "item_id", "credit"),
            dtype=np.float64,
        )
        _a, attempt_index = np.unique(data[:, 0], return_inverse=True)
        _i, item_index = np.unique(data[:, 1], return_inverse=True)
        pure = []
        for _ in range(RUNS):
            started = time.perf_counter()
            analysis.analyse(attempt_index, item_index, data[:, 2])
            pure.append(time.perf_counter() - started)
        print(f"analysis.analyse alone (numpy), median {statistics.median(pure) * 1000:.1f} ms")
        verdict = "OK" if statistics.median(timings) < 2 else "TOO SLOW"
        print(f"target < 2 s for 100,000 responses: {verdict}")
        return {
            "database": connection.vendor,
            "responses": responses,
            "attempts": summary.attempts,
            "median_seconds": round(statistics.median(timings), 3),
            "best_seconds": round(min(timings), 3),
            "worst_seconds": round(max(timings), 3),
            "analyse_only_ms": round(statistics.median(pure) * 1000, 1),
        }
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def main() -> None:
    _args, json_path = _output.arguments()
    _output.write(json_path, measure())


if __name__ == "__main__":
    main()
