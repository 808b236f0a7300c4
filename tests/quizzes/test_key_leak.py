"""The key never reaches the browser before submission: neither the HTML nor the autosave answers."""

import pytest
from django.urls import reverse

from quizzes import bank, services
from quizzes.models import Assessment, AttemptItem, Item, Option
from tests.quizzes.conftest import add_item, assessment_of, set_policy, value_of

JSON = {"HTTP_ACCEPT": "application/json"}


def secrets_of(attempt) -> list[str]:
    """Every rationale of every option shown, in both languages."""
    texts = []
    for option in Option.objects.filter(item__in=AttemptItem.objects.filter(attempt=attempt).values("item")):
        texts += list(option.rationale.values())
    return texts


def assert_no_key(text: str, attempt) -> None:
    lowered = text.lower()
    assert "correct" not in lowered, "the word 'correct' (an attribute, a class or a field) leaked"
    assert "rationale" not in lowered and "credit" not in lowered
    for secret in secrets_of(attempt):
        assert secret not in text


@pytest.fixture
def mixed_attempt(ready_enrollment, version):
    """Every item type, a case-based set, a time limit and the paged layout."""
    add_item(version, "mr", type=Item.Type.MULTIPLE, scoring=Item.Scoring.PARTIAL, correct=("a", "c"))
    add_item(version, "tf", type=Item.Type.TRUEFALSE, correct=("true",), keys=("true", "false"))
    case_items = [add_item(version, f"case-{n}", module="two") for n in range(2)]
    bank.create_case_set(
        version, key="case", module="two", stem={"de": "Eine Fallvignette.", "en": "A case."}, items=case_items
    )
    set_policy(ready_enrollment, blueprint={"one": 3, "two": 3}, draw=6)
    assessment = assessment_of(ready_enrollment)
    assessment.time_limit_minutes = 20
    assessment.save()
    return services.start_attempt(ready_enrollment)


@pytest.mark.django_db
@pytest.mark.parametrize("layout", [Assessment.Layout.ALL, Assessment.Layout.PAGED])
def test_attempt_pages_never_contain_the_key(learner_client, ready_enrollment, mixed_attempt, layout):
    """Every page of the attempt, in both layouts, is free of keys and rationales, with answers saved."""
    Assessment.objects.filter(pk=mixed_attempt.assessment_id).update(layout=layout)
    pages = sorted(set(AttemptItem.objects.filter(attempt=mixed_attempt).values_list("page", flat=True)))
    # Save the right answers first: a checked box must not give anything away either.
    for attempt_item in AttemptItem.objects.filter(attempt=mixed_attempt).prefetch_related("item__options"):
        right = [o.pk for o in attempt_item.item.options.all() if o.correct]
        services.save_answers(mixed_attempt, answers={attempt_item.pk: right})
    for page in pages:
        for language in ("de", "en"):
            learner_client.cookies["django_language"] = language
            html = learner_client.get(f"{mixed_attempt.get_absolute_url()}?page={page}").content.decode()
            assert 'name="item-' in html
            assert_no_key(html, mixed_attempt)


@pytest.mark.django_db
def test_autosave_and_error_answers_never_contain_the_key(learner_client, mixed_attempt):
    """The JSON of a save, and of a refused save, carries no key, rationale or credit."""
    url = reverse("quizzes:save", args=[mixed_attempt.pk])
    for attempt_item in AttemptItem.objects.filter(attempt=mixed_attempt).prefetch_related("item__options"):
        right = [value_of(attempt_item, o.pk) for o in attempt_item.item.options.all() if o.correct]
        response = learner_client.post(url, {"shown": [attempt_item.pk], f"item-{attempt_item.pk}": right}, **JSON)
        assert response.status_code == 200
        assert_no_key(response.content.decode(), mixed_attempt)
    refused = learner_client.post(url, {"shown": ["424242"]}, **JSON)
    assert refused.status_code == 400
    assert_no_key(refused.content.decode(), mixed_attempt)
    # The plain-form error page (400) re-renders the attempt: no key there either.
    page = learner_client.post(url, {"shown": ["424242"]})
    assert page.status_code == 400
    assert_no_key(page.content.decode(), mixed_attempt)


@pytest.mark.django_db
def test_case_vignette_is_shown_once_above_its_items(learner_client, mixed_attempt):
    """A case-based set sits together, its vignette shown once above its first item."""
    rows = list(AttemptItem.objects.filter(attempt=mixed_attempt).select_related("item").order_by("position"))
    positions = [ai.position for ai in rows if ai.item.case_id]
    assert positions == list(range(positions[0], positions[0] + 2))
    html = learner_client.get(mixed_attempt.get_absolute_url()).content.decode()
    assert html.count("Eine Fallvignette.") + html.count("A case.") == 1
