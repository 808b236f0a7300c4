"""The final-test page as a person uses it, at 1280 and 375 px: controls beside their labels, live counts and
navigator, flags, the confirmation step and the submit, by keyboard alone, with axe-core and the layout check."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from quizzes import services
from quizzes.models import Attempt, AttemptItem, Item
from tests.browser.conftest import log_in
from tests.browser.layout import WIDTHS, measure
from tests.quizzes.conftest import add_item, set_policy

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def six_questions(version, ready_enrollment):
    """An enrolment whose test draws six questions, all of the bank: three per module, one multiple choice."""
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


def tab_to(page, selector: str, *, limit: int = 120) -> None:
    """Press Tab until the element matching ``selector`` has the focus, as a keyboard user would."""
    for _ in range(limit):
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    pytest.fail(f"{selector} never received focus by Tab")


def press_on(page, selector: str) -> None:
    """Tab to a link or button and press Enter; the page that follows has loaded when this returns."""
    tab_to(page, selector)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def answer(page, attempt_item: AttemptItem) -> None:
    """Tab into the question and tick its first option with the space bar (two options of a multiple choice)."""
    tab_to(page, f"input[name='item-{attempt_item.pk}']")
    page.keyboard.press("Space")
    if attempt_item.item.type == Item.Type.MULTIPLE:
        page.keyboard.press("Tab")
        page.keyboard.press("Space")


def expect_state(page, number: int, *, unanswered: int, answered: bool, flagged: bool = False) -> None:
    """The counts sentence and navigator entry ``number`` as the learner sees them now, without a reload."""
    words = "Frage ist" if unanswered == 1 else "Fragen sind"
    expect(page.locator("[data-count-unanswered]")).to_have_text(f"{unanswered} {words} unbeantwortet.")
    entry = page.locator(f"nav [data-nav-numbers='{number}']")
    expect(entry).to_have_class(re.compile(r"\bbtn-secondary\b" if answered else r"\bbtn-outline-secondary\b"))
    expect(entry.locator("[data-nav-answered]")).to_be_visible() if answered else expect(
        entry.locator("[data-nav-answered]")
    ).to_be_hidden()
    expect(entry.locator("[data-nav-flagged]")).to_be_visible() if flagged else expect(
        entry.locator("[data-nav-flagged]")
    ).to_be_hidden()
    # The same news reaches a screen reader once, with the save confirmation (a polite status).
    expect(page.locator("[data-autosave-status]")).to_contain_text(f"{unanswered} {words} unbeantwortet.")


@pytest.mark.parametrize("width", WIDTHS)
def test_take_the_final_test_by_keyboard(page, axe, live_server, learner, six_questions, width):
    """Answer by keyboard with live counts, flag one, confirm (unanswered and flagged listed), go back, submit."""
    page.set_viewport_size({"width": width, "height": 900})

    def scan(name: str) -> None:
        # axe-core and the layout check at both widths on every page; screenshots (both widths) from one run.
        axe(f"final-test-{name}" if width == WIDTHS[0] else "")

    log_in(page, learner.email)
    page.goto(reverse("quizzes:start", args=[six_questions.pk]))  # by GET: a page to start from, not a 405
    scan("start")
    press_on(page, f"form[action='{reverse('quizzes:start', args=[six_questions.pk])}'] button")
    attempt = Attempt.objects.get(enrollment=six_questions)
    items = list(AttemptItem.objects.filter(attempt=attempt).select_related("item").order_by("position"))
    scan("questions")
    expect(page.locator("[data-count-unanswered]")).to_have_text("6 Fragen sind unbeantwortet.")

    for attempt_item in items[:5]:
        answer(page, attempt_item)
        expect_state(page, attempt_item.position, unanswered=6 - attempt_item.position, answered=True)
    expect_state(page, 6, unanswered=1, answered=False)

    tab_to(page, f"#flag-{items[2].pk}")
    page.keyboard.press("Space")
    expect(page.locator("[data-count-flagged]")).to_have_text("1 Frage ist zur Überprüfung markiert.")
    expect_state(page, 3, unanswered=1, answered=True, flagged=True)
    expect(page.locator("[data-autosave-status]")).to_contain_text("1 Frage ist zur Überprüfung markiert.")
    scan("answered")

    # The confirmation step lists the unanswered and the flagged question, each a link back to it.
    press_on(page, "[data-submit]")
    assert page.url.endswith(reverse("quizzes:review", args=[attempt.pk]))
    scan("confirm")
    expect(page.locator("h1")).to_have_text("Test abgeben?")
    expect(page.locator("main")).to_contain_text("Sie haben 5 von 6 Fragen beantwortet.")
    expect(page.locator("section[aria-labelledby='unanswered-heading'] li")).to_have_text([re.compile("^Frage 6:")])
    expect(page.locator("section[aria-labelledby='flagged-heading'] li")).to_have_text([re.compile("^Frage 3:")])

    # Back to the open question by its link; it is answered there, and the page knows all saved answers.
    press_on(page, "section[aria-labelledby='unanswered-heading'] a[href$='#q-6']")
    assert page.url.endswith("#q-6")
    expect(page.locator("[data-count-unanswered]")).to_have_text("1 Frage ist unbeantwortet.")
    answer(page, items[5])
    expect_state(page, 6, unanswered=0, answered=True)
    press_on(page, "[data-submit]")
    expect(page.locator("main")).to_contain_text("Alle 6 Fragen sind beantwortet.")
    press_on(page, "main a.btn-outline-secondary")  # "Back to the test" changes nothing
    expect(page.locator("[data-count-flagged]")).to_have_text("1 Frage ist zur Überprüfung markiert.")
    press_on(page, "[data-submit]")

    press_on(page, "form[action$='/submit/'] button[type=submit]")
    assert page.url.endswith(reverse("quizzes:result", args=[attempt.pk]))
    scan("result")
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.SUBMITTED and attempt.submitted_by == Attempt.SubmittedBy.LEARNER
    assert all(ai.selected for ai in attempt.attempt_items.all())
