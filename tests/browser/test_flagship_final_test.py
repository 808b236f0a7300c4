"""
Issue 15's done-when: the flagship's German final test, by keyboard alone, at 1280 and 375 px.

A learner with every module done is led to the test by the enrolment page's next action; answers twenty
questions with the live counts checked after each answer; flags one and sees it on the confirmation step;
fails three times and is told the attempts left each time; after the last attempt takes the way on the German
profile defines (enrol again in the current version); passes; is refused the certificate until the evaluation
is in, with a link to it; and claims the certificate, whose page opens at once with the PDF's state. Every page
gets axe-core and the layout check (tests/browser/layout.py) at both widths.
"""

import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from courses.models import Step
from courses.packages.importing import import_package
from courses.packages.reading import read_package
from enrolments.models import Enrollment, StepProgress
from enrolments.services import learning as course_services
from quizzes.models import Attempt, AttemptItem, Item, Option
from quizzes.selectors import option_values
from tests.browser.conftest import log_in
from tests.browser.layout import WIDTHS

pytestmark = pytest.mark.django_db(transaction=True)

FLAGSHIP = Path(__file__).resolve().parents[2] / "content" / "social-media-presence"
QUESTIONS = 20  # the German profile draws 20 items


@pytest.fixture
def flagship(db):
    return import_package(read_package(FLAGSHIP)).version


def modules_done(enrollment: Enrollment) -> None:
    """Every required step done with a reader's active time, as the course pages record it (decision 0508)."""
    now = timezone.now()
    StepProgress.objects.bulk_create(
        StepProgress(enrollment=enrollment, step=step, completed_at=now, active_seconds=step.module.minutes * 60)
        for step in Step.objects.filter(module__version=enrollment.course_version, required=True).select_related(
            "module"
        )
    )


def tab_to(page, selector: str, *, limit: int = 200) -> None:
    """Press Tab until the element matching ``selector`` has the focus, as a keyboard user would."""
    for _ in range(limit):
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    pytest.fail(f"{selector} never received focus by Tab on {page.url}")


def press(page, selector: str) -> None:
    """Tab to a link or button and press Enter; returns when the next page has loaded."""
    tab_to(page, selector)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def unanswered_sentence(count: int) -> str:
    return f"{count} {'Frage ist' if count == 1 else 'Fragen sind'} unbeantwortet."


def answer(page, attempt_item: AttemptItem, *, correct: bool) -> None:
    """Answer one question by keyboard: arrow keys in a radio group, Space on each checkbox to tick."""
    values = option_values(attempt_item)
    options = {o.pk: o for o in Option.objects.filter(item=attempt_item.item_id)}
    group = f"item-{attempt_item.pk}"
    if attempt_item.item.type == Item.Type.MULTIPLE:
        wanted = [pk for pk in attempt_item.option_order if options[pk].correct == correct]
        for pk in wanted if correct else wanted[:1]:
            tab_to(page, f"input[name='{group}'][value='{values[pk]}']")
            page.keyboard.press("Space")
        return
    target = values[next(pk for pk in attempt_item.option_order if options[pk].correct == correct)]
    tab_to(page, f"input[name='{group}']")
    for _ in range(len(values) + 1):
        if page.evaluate("() => document.activeElement.value") == target:
            page.keyboard.press("Space")
            return
        page.keyboard.press("ArrowDown")
    pytest.fail(f"option {target} of {group} not reachable with the arrow keys")


def take_attempt(page, scan, attempt: Attempt, *, correct: bool, watch: bool = False, flag: bool = False) -> None:
    """Answer every question; with ``watch`` check the live counts and the navigator after each answer."""
    items = list(attempt.attempt_items.select_related("item").order_by("position"))
    assert len(items) == QUESTIONS
    expect(page.locator("[data-count-unanswered]")).to_have_text(unanswered_sentence(QUESTIONS))
    for done, attempt_item in enumerate(items, start=1):
        answer(page, attempt_item, correct=correct)
        if watch:
            left = QUESTIONS - done
            expect(page.locator("[data-count-unanswered]")).to_have_text(unanswered_sentence(left))
            entry = page.locator(f"nav [data-nav-numbers='{attempt_item.position}']")
            expect(entry).to_have_class(re.compile(r"\bbtn-secondary\b"))
    if flag:
        tab_to(page, f"#flag-{items[4].pk}")
        page.keyboard.press("Space")
        expect(page.locator("[data-count-flagged]")).to_have_text("1 Frage ist zur Überprüfung markiert.")
    scan("flagship-final-test-answered" if watch else "")


def confirm_and_submit(page, scan, *, unanswered: int, flagged: int = 0, name: str = "") -> None:
    """ "Submit the test" opens the confirmation step, which lists what is open; "Submit now" grades."""
    press(page, "[data-submit]")
    expect(page.locator("h1")).to_have_text("Test abgeben?")
    expect(page.locator("section[aria-labelledby='unanswered-heading'] li")).to_have_count(unanswered)
    expect(page.locator("section[aria-labelledby='flagged-heading'] li")).to_have_count(flagged)
    scan(name)
    press(page, "form[action$='/submit/'] button[type=submit]")


def current_attempt(enrollment: Enrollment) -> Attempt:
    return Attempt.objects.filter(enrollment=enrollment).order_by("-number").first()


@pytest.mark.parametrize("width", WIDTHS)
def test_flagship_final_test_by_keyboard(page, axe, live_server, settings, flagship, make_user, width):
    settings.SITE_URL = live_server.url
    learner = make_user("lea@example.org", "Lea Lernend")
    enrollment = course_services.enroll(flagship, user=learner)
    assert enrollment.accreditation.max_attempts == 3 and enrollment.accreditation.after_last_attempt == "reenrol"
    modules_done(enrollment)
    page.set_viewport_size({"width": width, "height": 900})
    first = width == WIDTHS[0]

    def scan(name: str) -> None:
        # axe-core and the layout check (both widths) on every page; screenshots from the 1280 run only.
        axe(name if first and name else "")

    log_in(page, learner.email)
    page.goto(enrollment.get_absolute_url())
    # The next action leads the page: the final test, with its attempts, above the first module.
    lead = page.locator("#next-action")
    expect(lead.locator("h2")).to_have_text("Abschlusstest ablegen")
    expect(lead).to_contain_text("3 von 3 Versuchen übrig.")
    scan("flagship-enrolment-ready")

    # Attempt 1: wrong answers, the counts checked after each; one question flagged; confirmation; failed.
    press(page, "#next-action button[type=submit]")
    scan("flagship-final-test")
    take_attempt(page, scan, current_attempt(enrollment), correct=False, watch=True, flag=True)
    confirm_and_submit(page, scan, unanswered=0, flagged=1, name="flagship-final-test-confirm")
    expect(page.locator("main .alert[role=status]")).to_contain_text("Nicht bestanden")
    expect(page.locator("#next-action")).to_contain_text("2 von 3 Versuchen übrig.")
    scan("flagship-result-failed")

    # Attempt 2 from the result page's next action: failed again, one attempt left.
    press(page, "#next-action button[type=submit]")
    take_attempt(page, scan, current_attempt(enrollment), correct=False)
    confirm_and_submit(page, scan, unanswered=0)
    expect(page.locator("#next-action")).to_contain_text("1 von 3 Versuchen übrig.")

    # Attempt 3 handed in blank: the confirmation lists all twenty; after it the way on, never a dead end.
    press(page, "#next-action button[type=submit]")
    expect(page.locator("[data-count-unanswered]")).to_have_text(unanswered_sentence(QUESTIONS))
    confirm_and_submit(page, scan, unanswered=QUESTIONS)
    lead = page.locator("#next-action")
    expect(lead.locator("h2")).to_have_text("Schreiben Sie sich neu ein, um den Test erneut abzulegen")
    scan("flagship-result-last-attempt")
    press(page, "#next-action button[type=submit]")  # "Neu einschreiben"

    fresh = Enrollment.objects.exclude(pk=enrollment.pk).get(user=learner)
    assert page.url.endswith(fresh.get_absolute_url())
    enrollment.refresh_from_db()
    assert enrollment.status == "ended" and enrollment.attempts.count() == 3  # the old records stay
    expect(page.locator("#next-action h2")).to_have_text("Kurs beginnen")
    scan("flagship-enrolled-again")

    # The modules once more, then a passing attempt.
    modules_done(fresh)
    page.goto(fresh.get_absolute_url())
    expect(page.locator("#next-action")).to_contain_text("3 von 3 Versuchen übrig.")
    press(page, "#next-action button[type=submit]")
    take_attempt(page, scan, current_attempt(fresh), correct=True)
    confirm_and_submit(page, scan, unanswered=0)
    expect(page.locator("main .alert[role=status]")).to_contain_text("Bestanden")
    expect(page.locator("#next-action h2")).to_have_text("Füllen Sie die Kursevaluation aus")
    scan("flagship-result-passed")

    # Asking for the certificate first: refused, with a link to what is missing.
    page.goto(fresh.get_absolute_url())
    press(page, f"form[action='{reverse('certificates:claim', args=[fresh.pk])}'] button")
    refusal = page.locator(".alert", has_text="Bitte füllen Sie zuerst die Kursevaluation aus.")
    expect(refusal).to_be_visible()
    scan("flagship-claim-refused")
    press(page, f".alert a[href='{reverse('enrolments:evaluation', args=[fresh.pk])}']")
    from enrolments.evaluation import ITEMS

    for key, _text in ITEMS:
        tab_to(page, f"input[name='{key}']")
        for _ in range(6):
            if page.evaluate("() => document.activeElement.value") == "4":
                page.keyboard.press("Space")
                break
            page.keyboard.press("ArrowRight")
    scan("flagship-evaluation")
    press(page, "main form button[type=submit]")
    fresh.refresh_from_db()
    assert fresh.evaluated_at is not None

    # The claim answers at once with the certificate page; the PDF's state shows and turns to ready.
    page.goto(fresh.get_absolute_url())
    expect(page.locator("#next-action h2")).to_contain_text("Zertifikat")
    press(page, "#next-action button[type=submit]")
    assert "/certificates/" in page.url
    state = page.locator("[data-pdf-state]")
    assert state.get_attribute("data-pdf-state") in ("pending", "ready")
    scan("flagship-certificate")
    expect(page.locator("a[data-pdf-when='ready']")).to_be_visible(timeout=60_000)
    expect(state).to_have_attribute("data-pdf-state", "ready")
