"""The final-test page as a person uses it, at 1280 and 375 px: controls beside their labels, live counts and
navigator, flags, the confirmation step and the submit, by keyboard alone, with axe-core and the layout check."""

import pytest

from quizzes import services
from quizzes.models import Item
from tests.browser.conftest import log_in
from tests.browser.layout import WIDTHS, measure
from tests.quizzes.conftest import add_item, set_policy

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def six_questions(version, ready_enrollment):
    """An open attempt of six questions, all of the bank: three per module, one of them multiple choice."""
    add_item(version, "x-one-0", module="one", keys=("a", "b", "c", "d"))
    add_item(version, "x-one-m", module="one", type=Item.Type.MULTIPLE, correct=("a", "b"), keys=("a", "b", "c", "d"))
    add_item(version, "x-two-0", module="two", principles=("autonomy",))
    add_item(version, "x-two-1", module="two", principles=("autonomy",))
    set_policy(ready_enrollment, blueprint={"one": 3, "two": 3}, draw=6)
    return ready_enrollment


@pytest.mark.parametrize("width", WIDTHS)
def test_every_control_is_drawn_beside_its_label(page, live_server, learner, six_questions, width):
    """On the page as drawn, no radio button or checkbox is away from its label, at either width."""
    attempt = services.start_attempt(six_questions)
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, learner.email)
    page.goto(attempt.get_absolute_url())
    result = measure(page)
    misplaced = [p for p in result["problems"] if p["kind"] == "control beside label"]
    controls = page.locator("input[type=radio], input[type=checkbox]").count()
    assert result["misplaced"] == 0, f"{result['misplaced']} of {controls} misplaced at {width} px: {misplaced}"
    assert not result["problems"], result["problems"]
