"""
Nothing of the key in the page: across many attempts, the key's position among the options and the rank of its
value among the values are uniform, true/false comes in either order, and autosave answers are the same
whether the answer is right or wrong.

The bank is the worst case for a leak: every key authored first, so option ids and authoring order would
give it away at once. The uniformity checks are chi-square tests at p = 0.0001 (a false alarm once in 10,000
runs); each test also shows that the same statistic catches the old leak (database ids in authoring order).
"""

import re
from collections import Counter

import pytest
from django.urls import reverse

from quizzes import services
from quizzes.models import Attempt, AttemptItem, Item
from tests.quizzes.conftest import add_item, set_policy, value_of

JSON = {"HTTP_ACCEPT": "application/json"}
ATTEMPTS = 40
PER_MODULE = 10
# Chi-square critical values at p = 0.0001 for 3 and 1 degrees of freedom.
CRITICAL_DF3 = 21.108
CRITICAL_DF1 = 15.137


def chi_square(counts: Counter, categories: int) -> float:
    total = sum(counts.values())
    expected = total / categories
    return sum((counts.get(c, 0) - expected) ** 2 / expected for c in range(categories))


@pytest.fixture
def key_first_bank(version, ready_enrollment):
    """Twenty four-option items and four true/false items, every key authored first."""
    for module in ("one", "two"):
        for n in range(PER_MODULE):
            add_item(version, f"k-{module}-{n}", module=module, correct=("a",), keys=("a", "b", "c", "d"))
        for n in range(2):
            add_item(
                version,
                f"tf-{module}-{n}",
                module=module,
                type=Item.Type.TRUEFALSE,
                correct=("true",),
                keys=("true", "false"),
            )
    set_policy(
        ready_enrollment,
        blueprint={"one": PER_MODULE + 3, "two": PER_MODULE + 3},
        draw=2 * PER_MODULE + 6,
        max_attempts=None,
        cooldown_hours=0,
    )
    return ready_enrollment


def attempts(enrollment, client):
    """Start, render and fail ``ATTEMPTS`` attempts; yield each attempt with the values of every item, in page order."""
    for _ in range(ATTEMPTS):
        attempt = services.start_attempt(enrollment)
        html = client.get(attempt.get_absolute_url()).content.decode()
        rows = AttemptItem.objects.filter(attempt=attempt).select_related("item").prefetch_related("item__options")
        shown = {row: re.findall(rf'name="item-{row.pk}" id="[^"]*" value="([^"]+)"', html) for row in rows}
        yield attempt, shown
        services.submit_attempt(attempt, answers={})


@pytest.mark.django_db
def test_key_position_and_value_rank_are_uniform(key_first_bank, learner_client):
    """Where the key sits among the options, and where its value sorts among the values: both uniform."""
    positions, ranks, id_ranks, tf_first = Counter(), Counter(), Counter(), Counter()
    for _attempt, shown in attempts(key_first_bank, learner_client):
        for row, values in shown.items():
            key = next(o for o in row.item.options.all() if o.correct)
            key_value = value_of(row, key.pk)
            assert sorted(values) == sorted(value_of(row, o.pk) for o in row.item.options.all())
            assert not set(values) & {str(o.pk) for o in row.item.options.all()}, "a database id reached the page"
            if row.item.type == Item.Type.TRUEFALSE:
                tf_first[values.index(key_value)] += 1
                continue
            if not row.item.key.startswith("k-"):
                continue  # the mini course's own two-option items
            positions[values.index(key_value)] += 1
            ranks[sorted(values).index(key_value)] += 1
            pks = [o.pk for o in row.item.options.all()]
            id_ranks[sorted(pks).index(key.pk)] += 1
    assert sum(positions.values()) == ATTEMPTS * 2 * PER_MODULE
    assert chi_square(positions, 4) < CRITICAL_DF3, positions
    assert chi_square(ranks, 4) < CRITICAL_DF3, ranks
    assert chi_square(tf_first, 2) < CRITICAL_DF1, tf_first
    # The same test sees the leak it guards against: database ids put the key first every time.
    assert chi_square(id_ranks, 4) > CRITICAL_DF3 and id_ranks == Counter({0: ATTEMPTS * 2 * PER_MODULE})


@pytest.mark.django_db
def test_values_differ_between_attempts(key_first_bank, learner_client):
    """The same option has another value in the next attempt: a value learnt once is worth nothing later."""
    seen: dict[int, set[str]] = {}
    for _attempt, shown in attempts(key_first_bank, learner_client):
        for row, values in shown.items():
            for option in row.item.options.all():
                seen.setdefault(option.pk, set()).add(value_of(row, option.pk))
            assert set(values) == {value_of(row, o.pk) for o in row.item.options.all()}
    drawn_often = [values for values in seen.values() if len(values) > 1]
    assert drawn_often and all(len(values) > 1 for values in drawn_often)


@pytest.mark.django_db
def test_autosave_answers_are_the_same_for_right_and_wrong(key_first_bank, learner_client):
    """Saving the right and a wrong option gives the same status and the same fields, nothing else."""
    attempt = services.start_attempt(key_first_bank)
    url = reverse("quizzes:save", args=[attempt.pk])
    for row in AttemptItem.objects.filter(attempt=attempt).prefetch_related("item__options"):
        bodies = []
        for option in row.item.options.all():
            response = learner_client.post(
                url, {"shown": [row.pk], f"item-{row.pk}": [value_of(row, option.pk)]}, **JSON
            )
            assert response.status_code == 200
            body = response.json()
            assert set(body) == {"saved_at", "deadline", "remaining"}
            bodies.append({k: v for k, v in body.items() if k != "saved_at"})
        assert all(body == bodies[0] for body in bodies)
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.OPEN
