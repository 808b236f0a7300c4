"""
Races against PostgreSQL row locks: double submit, two tabs, autosave against submit, submit against the time
limit. Each case ends in exactly one graded result and loses no saved answer.

These run for real only on PostgreSQL (SQLite has no row locks and serialises writers anyway):
``DATABASE_URL=postgres://postgres@127.0.0.1:5432/helper_quiz .venv/bin/pytest tests/quizzes/test_race.py``.
"""

import threading

import pytest
from django.db import connection, connections

from courses.scoring import score_item
from enrolments.services import learning as course_services
from quizzes import services
from quizzes.errors import QuizError
from quizzes.models import Attempt, AttemptItem
from tests.conftest import complete_all_steps
from tests.quizzes.conftest import post_data

pytestmark = pytest.mark.django_db(transaction=True)
ROUNDS = 5


@pytest.fixture(autouse=True)
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("row-lock races need PostgreSQL: set DATABASE_URL=postgres://…")


def race(*calls):
    """Run the calls at the same moment, each in its own thread and database connection."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            results[index] = call()
        except Exception as error:
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def fresh_attempts(version, make_user, count: int) -> list[Attempt]:
    attempts = []
    for n in range(count):
        enrollment = course_services.enroll(version, user=make_user(f"racer{n}@example.org", f"Racer {n}"))
        complete_all_steps(enrollment)
        attempts.append(services.start_attempt(enrollment))
    return attempts


def assert_consistent(attempt: Attempt) -> None:
    """Every stored credit belongs to the stored selection, and the score to the credits."""
    attempt.refresh_from_db()
    rows = list(AttemptItem.objects.filter(attempt=attempt).select_related("item").prefetch_related("item__options"))
    for row in rows:
        expected = score_item(row.item.as_spec(), [str(s) for s in row.selected]) if row.selected else 0.0
        assert row.credit == expected
    assert float(attempt.score) == pytest.approx(100 * sum(r.credit for r in rows) / len(rows), abs=0.01)


def test_double_submit_grades_once(version, make_user):
    """Two submits at once (double click, two tabs) with different answers: one result, never a mix."""
    for attempt in fresh_attempts(version, make_user, ROUNDS):
        right = services.parse_form(post_data(attempt, correct=True))
        wrong = services.parse_form(post_data(attempt, correct=False))
        first, second = race(
            lambda a=attempt, r=right: services.submit_attempt(a, answers=r),
            lambda a=attempt, w=wrong: services.submit_attempt(a, answers=w),
        )
        assert isinstance(first, Attempt) and isinstance(second, Attempt)
        # Both callers see the one stored result: same time, same score.
        assert first.submitted_at == second.submitted_at and first.score == second.score
        assert_consistent(attempt)
        assert attempt.score in (0, 100)


def test_submit_racing_the_time_limit_grades_once_and_keeps_saved_answers(version, make_user):
    """A learner's submit and the time-limit submission at once: one result, autosaved answers kept."""
    for attempt in fresh_attempts(version, make_user, ROUNDS):
        rows = list(AttemptItem.objects.filter(attempt=attempt).prefetch_related("item__options"))
        saved = next(o.pk for o in rows[0].item.options.all() if o.correct)
        services.save_answers(attempt, answers={rows[0].pk: [saved]})
        learner, timer = race(
            lambda a=attempt: services.submit_attempt(a, answers=services.parse_form(post_data(a, correct=True))),
            lambda a=attempt: services.submit_attempt(a, by=Attempt.SubmittedBy.TIME_LIMIT),
        )
        assert isinstance(learner, Attempt) and isinstance(timer, Attempt)
        assert learner.submitted_at == timer.submitted_at
        assert_consistent(attempt)
        rows[0].refresh_from_db()
        assert rows[0].selected == [saved], "the autosaved answer survived either order"
        assert attempt.submitted_by in (Attempt.SubmittedBy.LEARNER, Attempt.SubmittedBy.TIME_LIMIT)


def test_autosave_racing_submit_never_saves_after_grading(version, make_user):
    """An autosave either lands before the grading (and counts) or is refused; it never lands after it."""
    for attempt in fresh_attempts(version, make_user, ROUNDS):
        rows = list(AttemptItem.objects.filter(attempt=attempt).prefetch_related("item__options"))
        answer = next(o.pk for o in rows[1].item.options.all() if o.correct)
        saved, _graded = race(
            lambda a=attempt, r=rows[1], o=answer: services.save_answers(a, answers={r.pk: [o]}),
            lambda a=attempt: services.submit_attempt(a),
        )
        assert_consistent(attempt)
        rows[1].refresh_from_db()
        if isinstance(saved, QuizError):
            assert saved.code == "submitted" and rows[1].selected == []
        else:
            assert rows[1].selected == [answer] and rows[1].credit == 1.0


def test_two_tabs_starting_get_one_attempt(version, make_user):
    """Two tabs starting the test at once share one attempt."""
    enrollment = course_services.enroll(version, user=make_user("tabs@example.org", "Tabs"))
    complete_all_steps(enrollment)
    first, second = race(lambda: services.start_attempt(enrollment), lambda: services.start_attempt(enrollment))
    assert isinstance(first, Attempt) and first.pk == second.pk
    assert Attempt.objects.filter(enrollment=enrollment).count() == 1
