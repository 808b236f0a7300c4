"""Grading runs a constant number of queries: 36 items cost what 2 items cost."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from quizzes import services
from quizzes.models import AttemptItem, Item
from tests.quizzes.conftest import add_bank, add_item, post_data, set_policy

# Budget of a submit through the view: the user (1; the session comes from the cache, decision 0413); the
# attempt with enrolment and assessment (1); lock the attempt (1); its items with item versions (1) and their
# options (1); one bulk update of answers and credits (1); the attempt's result (1); the savepoint around the
# service (2, inside the test's transaction).
SUBMIT_QUERIES = 9


def submit_queries(client, attempt) -> int:
    data = post_data(attempt, correct=True)
    with CaptureQueriesContext(connection) as captured:
        response = client.post(reverse("quizzes:submit", args=[attempt.pk]), data)
    assert response.status_code == 302
    return len(captured)


@pytest.mark.django_db
def test_grading_36_items_runs_a_pinned_number_of_queries(learner_client, ready_enrollment, version):
    """A 36-item attempt with every item type is graded in exactly the budgeted queries."""
    add_bank(version, per_module=16)
    add_item(version, "mr-one", type=Item.Type.MULTIPLE, scoring=Item.Scoring.PARTIAL, correct=("a", "b"))
    add_item(version, "tf-two", module="two", type=Item.Type.TRUEFALSE, correct=("true",), keys=("true", "false"))
    set_policy(ready_enrollment, blueprint={"one": 18, "two": 18}, draw=36)
    attempt = services.start_attempt(ready_enrollment)
    assert AttemptItem.objects.filter(attempt=attempt).count() == 36
    assert submit_queries(learner_client, attempt) == SUBMIT_QUERIES
    attempt.refresh_from_db()
    assert attempt.score == 100


@pytest.mark.django_db
def test_grading_two_items_runs_the_same_number(learner_client, ready_enrollment):
    """The same budget holds for the two-item test: the count does not grow with the items."""
    attempt = services.start_attempt(ready_enrollment)
    assert submit_queries(learner_client, attempt) == SUBMIT_QUERIES
