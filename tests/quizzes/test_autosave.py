"""Autosave, resume after a lost connection, flags, pages, and bad input to the save endpoint."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from quizzes import services
from quizzes.models import Assessment, Attempt, AttemptItem
from tests.quizzes.conftest import add_bank, assessment_of, post_data, set_policy, value_of

JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture
def attempt(ready_enrollment):
    return services.start_attempt(ready_enrollment)


def save_url(attempt):
    return reverse("quizzes:save", args=[attempt.pk])


def items_of(attempt):
    return list(AttemptItem.objects.filter(attempt=attempt).prefetch_related("item__options").order_by("position"))


def right_option(attempt_item):
    return next(o for o in attempt_item.item.options.all() if o.correct)


def right_value(attempt_item) -> str:
    """What the page sends for the right option: an opaque value, not the option's id."""
    return value_of(attempt_item, right_option(attempt_item).pk)


@pytest.mark.django_db
def test_autosave_stores_answers_without_grading(learner_client, attempt):
    """An autosave keeps the selection, grades nothing and answers with the save time only."""
    first = items_of(attempt)[0]
    option = right_option(first)
    response = learner_client.post(
        save_url(attempt), {"shown": [first.pk], f"item-{first.pk}": [right_value(first)]}, **JSON
    )
    assert response.status_code == 200
    assert set(response.json()) == {"saved_at", "deadline", "remaining"}
    first.refresh_from_db()
    attempt.refresh_from_db()
    assert first.selected == [option.pk] and first.credit is None
    assert attempt.status == Attempt.Status.OPEN and attempt.saved_at is not None


@pytest.mark.django_db
def test_lost_connection_resumes_the_same_attempt_with_saved_answers(learner_client, ready_enrollment, attempt):
    """Coming back (new page load, or starting again) shows the same attempt with the saved choices."""
    first = items_of(attempt)[0]
    learner_client.post(save_url(attempt), {"shown": [first.pk], f"item-{first.pk}": [right_value(first)]}, **JSON)
    assert services.start_attempt(ready_enrollment).pk == attempt.pk
    response = learner_client.post(reverse("quizzes:start", args=[ready_enrollment.pk]))
    assert response.url == attempt.get_absolute_url()
    html = learner_client.get(attempt.get_absolute_url()).content.decode()
    assert f'value="{right_value(first)}" checked' in html


@pytest.mark.django_db
def test_clearing_an_answer_and_flagging(learner_client, attempt):
    """An item on the form without a selection is cleared; ticked flags are stored and shown."""
    first, second = items_of(attempt)
    learner_client.post(save_url(attempt), post_data(attempt, correct=True), **JSON)
    learner_client.post(
        save_url(attempt),
        {"shown": [first.pk, second.pk], "flag": [second.pk], f"item-{second.pk}": [right_value(second)]},
        **JSON,
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.selected == [] and not first.flagged
    assert second.flagged and second.selected
    html = learner_client.get(attempt.get_absolute_url()).content.decode()
    assert f'id="flag-{second.pk}" checked' in html
    assert "flagged for review" in html or "zur Überprüfung markiert" in html


@pytest.mark.django_db
def test_submit_keeps_answers_saved_earlier(learner_client, attempt):
    """Answers autosaved before are graded with the ones sent in the submit."""
    first, second = items_of(attempt)
    learner_client.post(save_url(attempt), {"shown": [first.pk], f"item-{first.pk}": [right_value(first)]}, **JSON)
    learner_client.post(
        reverse("quizzes:submit", args=[attempt.pk]),
        {"shown": [second.pk], f"item-{second.pk}": [right_value(second)]},
    )
    attempt.refresh_from_db()
    assert attempt.score == 100


@pytest.mark.django_db
def test_plain_form_save_works_without_javascript(learner_client, attempt):
    """Without the script, the Save button posts the form and comes back to the attempt."""
    response = learner_client.post(save_url(attempt), post_data(attempt, correct=True))
    assert response.status_code == 302 and response.url == attempt.get_absolute_url()
    assert all(ai.selected for ai in items_of(attempt))


@pytest.mark.django_db
def test_autosave_refuses_bad_input_and_saves_nothing(learner_client, attempt):
    """A foreign item, an option of another item (or its database id), two answers to a single choice: 400."""
    first, second = items_of(attempt)
    bad = [
        {"shown": [first.pk], "item-424242": ["1"]},
        {"shown": [first.pk], f"item-{first.pk}": [value_of(second, second.option_order[0])]},
        {"shown": [first.pk], f"item-{first.pk}": [str(first.option_order[0])]},
        {"shown": [first.pk], f"item-{first.pk}": [value_of(first, pk) for pk in first.option_order[:2]]},
        {"shown": ["x"]},
        {"shown": [first.pk], "flag": [424242]},
    ]
    for data in bad:
        response = learner_client.post(save_url(attempt), data, **JSON)
        assert response.status_code == 400, data
        assert response.json()["error"]
    assert not any(ai.selected for ai in items_of(attempt))


@pytest.mark.django_db
def test_autosave_of_someone_elses_attempt_is_404(make_user, attempt):
    """Another learner cannot save into this attempt."""
    other = Client()
    other.force_login(make_user("other@example.org", "Other"))
    first = items_of(attempt)[0]
    response = other.post(save_url(attempt), {"shown": [first.pk], f"item-{first.pk}": [right_value(first)]})
    assert response.status_code == 404
    assert not any(ai.selected for ai in items_of(attempt))


@pytest.mark.django_db
def test_autosave_after_submission_is_refused(learner_client, attempt):
    """Once submitted, answers cannot change: 403 with the result's address for the script."""
    learner_client.post(reverse("quizzes:submit", args=[attempt.pk]), post_data(attempt, correct=False))
    first = items_of(attempt)[0]
    response = learner_client.post(
        save_url(attempt), {"shown": [first.pk], f"item-{first.pk}": [right_value(first)]}, **JSON
    )
    assert response.status_code == 403
    assert response.json()["code"] == "submitted"
    assert response.json()["result_url"] == reverse("quizzes:result", args=[attempt.pk])
    first.refresh_from_db()
    assert first.selected != [right_option(first).pk]


@pytest.mark.django_db
def test_one_question_per_page_with_navigation(learner_client, ready_enrollment, version):
    """In the paged layout each page shows one item; page buttons save and move, and a flag shows in the nav."""
    add_bank(version, per_module=2)
    set_policy(ready_enrollment, blueprint={"one": 2, "two": 2}, draw=4)
    assessment = assessment_of(ready_enrollment)
    assessment.layout = Assessment.Layout.PAGED
    assessment.save()
    attempt = services.start_attempt(ready_enrollment)
    items = items_of(attempt)
    assert [ai.page for ai in items] == [1, 2, 3, 4]
    page_one = learner_client.get(attempt.get_absolute_url()).content.decode()
    assert f'name="item-{items[0].pk}"' in page_one and f'name="item-{items[1].pk}"' not in page_one
    response = learner_client.post(
        save_url(attempt),
        {"shown": [items[0].pk], "flag": [items[0].pk], f"item-{items[0].pk}": [right_value(items[0])], "go": "2"},
    )
    assert response.url == f"{attempt.get_absolute_url()}?page=2"
    page_two = learner_client.get(response.url).content.decode()
    assert f'name="item-{items[1].pk}"' in page_two
    assert "⚑" in page_two and 'aria-current="page"' in page_two
    items[0].refresh_from_db()
    assert items[0].flagged and items[0].selected


@pytest.mark.django_db
def test_unanswered_and_flagged_counts_before_submitting(learner_client, attempt):
    """The finish section says how many questions are unanswered and flagged."""
    first, _second = items_of(attempt)
    services.save_answers(attempt, answers=services.Answers(shown={first.pk}, flagged={first.pk}))
    html = learner_client.get(attempt.get_absolute_url()).content.decode()
    assert "2 questions are unanswered" in html or "2 Fragen sind unbeantwortet" in html
    assert "1 question is flagged" in html or "1 Frage ist zur Überprüfung markiert" in html


@pytest.mark.django_db
def test_autosave_json_parses(learner_client, attempt):
    """The autosave answer is JSON the script can read, with no time limit set."""
    response = learner_client.post(save_url(attempt), post_data(attempt, correct=None), **JSON)
    payload = json.loads(response.content)
    assert payload["deadline"] is None and payload["remaining"] is None
