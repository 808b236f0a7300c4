import pytest
from django.test import Client
from django.urls import reverse

from quizzes import services
from quizzes.models import Attempt, AttemptItem, Option
from tests.conftest import answer_all
from tests.quizzes.conftest import value_of


@pytest.fixture
def attempt(ready_enrollment):
    return services.start_attempt(ready_enrollment)


def submit_url(attempt):
    return reverse("quizzes:submit", args=[attempt.pk])


@pytest.mark.django_db
def test_test_is_closed_until_steps_are_done(enrollment):
    """The final test refuses to start while required steps are open."""
    with pytest.raises(services.QuizError) as excinfo:
        services.start_attempt(enrollment)
    assert excinfo.value.code == "steps_open"


@pytest.mark.django_db
def test_draw_follows_blueprint_and_seed(attempt):
    """One item per module, as the blueprint says; the option order is stored with the attempt."""
    items = list(attempt.attempt_items.select_related("item"))
    assert sorted(ai.item.module_slug for ai in items) == ["one", "two"]
    for ai in items:
        assert sorted(ai.option_order) == sorted(o.pk for o in ai.item.options.all())


@pytest.mark.django_db
def test_page_never_contains_the_key(learner_client, attempt):
    """Neither which option is right nor any rationale reaches the page before submission."""
    html = learner_client.get(reverse("quizzes:attempt", args=[attempt.pk])).content.decode()
    for option in Option.objects.all():
        for text in option.rationale.values():
            assert text not in html
    assert "correct" not in html.lower()


@pytest.mark.django_db
def test_double_submit_yields_one_result(learner_client, attempt):
    """A second POST (double click, back button, second tab) changes nothing and shows the first result."""
    first = learner_client.post(submit_url(attempt), answer_all(attempt, correct=True))
    second = learner_client.post(submit_url(attempt), answer_all(attempt, correct=False))
    assert first.url == second.url == reverse("quizzes:result", args=[attempt.pk])
    attempt.refresh_from_db()
    assert attempt.passed is True and attempt.score == 100
    assert Attempt.objects.count() == 1


@pytest.mark.django_db
def test_unknown_option_id_is_400_and_saves_nothing(learner_client, attempt):
    """An option id that does not exist at all is refused."""
    data = answer_all(attempt, correct=True)
    key = next(iter(data))
    data[key] = ["999999"]
    response = learner_client.post(submit_url(attempt), data)
    assert response.status_code == 400
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.OPEN
    assert not AttemptItem.objects.filter(attempt=attempt, credit__isnull=False).exists()


@pytest.mark.django_db
def test_option_of_another_question_is_400(learner_client, attempt):
    """Answering question A with an option of question B is refused."""
    first, second = attempt.attempt_items.all()
    response = learner_client.post(
        submit_url(attempt), {f"item-{first.pk}": [value_of(second, second.option_order[0])]}
    )
    assert response.status_code == 400
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.OPEN


@pytest.mark.django_db
def test_foreign_item_and_malformed_ids_are_400(learner_client, attempt):
    """Item ids outside this attempt and non-numeric values are refused."""
    assert learner_client.post(submit_url(attempt), {"item-424242": ["1"]}).status_code == 400
    assert learner_client.post(submit_url(attempt), {"item-abc": ["1"]}).status_code == 400
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.OPEN


@pytest.mark.django_db
def test_someone_elses_attempt_is_404(make_user, attempt):
    """Another learner can neither see nor submit this attempt."""
    other = Client()
    other.force_login(make_user("other@example.org", "Other"))
    assert other.get(reverse("quizzes:attempt", args=[attempt.pk])).status_code == 404
    assert other.post(submit_url(attempt), answer_all(attempt, correct=True)).status_code == 404
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.OPEN


@pytest.mark.django_db
def test_attempt_limit(ready_enrollment):
    """After the allowed number of failed attempts no further attempt starts."""
    for _ in range(3):
        attempt = services.start_attempt(ready_enrollment)
        services.submit_attempt(attempt, answers={})
    with pytest.raises(services.QuizError) as excinfo:
        services.start_attempt(ready_enrollment)
    assert excinfo.value.code == "no_attempts_left"


@pytest.mark.django_db
def test_submit_query_count_is_constant(learner_client, attempt, django_assert_max_num_queries):
    """Submitting runs a fixed number of queries, whatever the number of items."""
    data = answer_all(attempt, correct=True)
    # Budget: session + user (2), attempt (1), parse: attempt items (1), lock (1), items + options (2),
    # bulk update (1), attempt update (1), savepoints (2).
    with django_assert_max_num_queries(12):
        learner_client.post(submit_url(attempt), data)


@pytest.mark.django_db
def test_saved_and_graded_rows_are_stored_row_by_row(attempt):
    """Autosave and grading write each row's own selection, flag and credit (one UPDATE for all rows)."""
    rows = list(attempt.attempt_items.select_related("item").prefetch_related("item__options").order_by("position"))
    right = {ai.pk: next(o.pk for o in ai.item.options.all() if o.correct) for ai in rows}
    wrong = {ai.pk: next(o.pk for o in ai.item.options.all() if not o.correct) for ai in rows}
    first, *others = rows
    form = {f"item-{first.pk}": [value_of(first, right[first.pk])], "shown": [str(ai.pk) for ai in rows]}
    form["flag"] = [str(first.pk)]
    for ai in others:
        form[f"item-{ai.pk}"] = [value_of(ai, wrong[ai.pk])]
    services.save_answers(attempt, answers=services.parse_form(form))
    stored = {ai.pk: ai for ai in AttemptItem.objects.filter(attempt=attempt)}
    assert stored[first.pk].selected == [right[first.pk]] and stored[first.pk].flagged is True
    assert all(stored[ai.pk].selected == [wrong[ai.pk]] and not stored[ai.pk].flagged for ai in others)

    services.submit_attempt(attempt)
    graded = {ai.pk: ai for ai in AttemptItem.objects.filter(attempt=attempt)}
    assert graded[first.pk].credit == 1.0 and all(graded[ai.pk].credit == 0.0 for ai in others)
    assert graded[first.pk].flagged is True
