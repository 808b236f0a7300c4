"""
Practice items and vignette decisions: options in a shuffled order that is stable per learner, with opaque values
in the page; posted values are mapped back, anything else is refused (decision 0212).
"""

import re
from collections import Counter

import pytest
from django.urls import reverse

from courses import opaque
from courses.models import Step
from enrolments import choices
from enrolments.errors import EnrolmentError
from enrolments.models import StepProgress, VignetteChoice
from tests.conftest import choice_value

OPTIONS = [
    {"id": key, "text": {"de": f"Antwort {key}", "en": f"Answer {key}"}, "correct": key == "a", "rationale": {}}
    for key in "abcd"
]


def test_order_is_stable_per_scope_and_varies_between_learners():
    """The same learner sees the same order every time; across learners the key lands in every position."""
    first = choices.offered(choices.scope(1, 7, "decide"), OPTIONS, text="text")
    assert first == choices.offered(choices.scope(1, 7, "decide"), OPTIONS, text="text")
    positions = Counter()
    for learner in range(200):
        shown = choices.offered(choices.scope(learner, 7, "decide"), OPTIONS, text="text")
        key_value = opaque.values(choices.scope(learner, 7, "decide"), ["a"])["a"]
        positions[[row["value"] for row in shown].index(key_value)] += 1
    assert set(positions) == {0, 1, 2, 3} and min(positions.values()) > 25, positions


def test_nothing_of_the_authored_option_reaches_the_page_before_an_answer():
    """Before an answer a row has text, value and selection only: no id, no key, no rationale."""
    rows = choices.offered(choices.scope(3, 4, "item:x"), OPTIONS, text="text")
    assert all(set(row) == {"text", "value", "selected"} for row in rows)
    revealed = choices.offered(choices.scope(3, 4, "item:x"), OPTIONS, text="text", selected=["b"], reveal=True)
    assert [row["selected"] for row in revealed].count(True) == 1 and {"correct", "rationale"} <= set(revealed[0])


def test_posted_values_map_back_and_foreign_values_are_refused():
    where = choices.scope(5, 6, "decide")
    value = opaque.values(where, ["c"])["c"]
    assert choices.chosen(where, OPTIONS, [value]) == ["c"]
    with pytest.raises(EnrolmentError) as excinfo:
        choices.chosen(where, OPTIONS, ["c"])  # the authored id itself
    assert excinfo.value.code == "invalid_option"
    with pytest.raises(EnrolmentError):
        choices.chosen(choices.scope(99, 6, "decide"), OPTIONS, [value])  # another learner's value


@pytest.mark.django_db
def test_check_page_shows_opaque_values_and_saves_the_authored_answer(learner_client, enrollment, version):
    """The module check renders values, not 'a'/'b'; posting a value stores the authored option id."""
    check = Step.objects.get(module__version=version, slug="check")
    for step in Step.objects.filter(module__version=version, module__position=1).exclude(pk=check.pk):
        StepProgress.objects.update_or_create(
            enrollment=enrollment, step=step, defaults={"completed_at": "2026-01-01T00:00Z"}
        )
    url = reverse("enrolments:step", args=[enrollment.pk, check.pk])
    page = learner_client.get(url).content.decode()
    values = re.findall(r'name="item-one-c1" id="[^"]+" value="([^"]+)"', page)
    assert sorted(values) == sorted(choice_value(enrollment, check, "item:one-c1", key) for key in ("a", "b"))
    again = re.findall(r'name="item-one-c1" id="[^"]+" value="([^"]+)"', learner_client.get(url).content.decode())
    assert again == values  # the same order on every visit
    assert learner_client.post(url, {"action": "check", "item-one-c1": "a"}).status_code == 400
    value = choice_value(enrollment, check, "item:one-c1", "b")
    assert learner_client.post(url, {"action": "check", "item-one-c1": value}).status_code == 302
    assert StepProgress.objects.get(enrollment=enrollment, step=check).answers == {"one-c1": ["b"]}


@pytest.mark.django_db
def test_decision_stores_the_authored_option(learner_client, enrollment, version):
    """A decision posted as its opaque value is stored as the authored option id; the feedback follows."""
    intro = Step.objects.get(module__version=version, slug="intro")
    vignette = Step.objects.get(module__version=version, slug="follow")
    learner_client.post(reverse("enrolments:step", args=[enrollment.pk, intro.pk]), {"action": "complete"})
    url = reverse("enrolments:step", args=[enrollment.pk, vignette.pk])
    decline = choice_value(enrollment, vignette, "decide", "decline")
    assert learner_client.post(url, {"action": "choose", "node": "decide", "option": decline}).status_code == 302
    assert VignetteChoice.objects.get(enrollment=enrollment, node="decide").option == "decline"
