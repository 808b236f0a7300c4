"""The attempt page's script in a real browser: autosave, the accessible timer, extra time, submit at zero."""

import os
import re
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections
from django.test import Client
from django.utils import timezone

from accounts.models import User
from enrolments.models import Enrollment
from organizations.models import Membership, Organization
from quizzes import services
from quizzes.models import Accommodation, Assessment, Attempt, AttemptItem
from tests.browser.conftest import AXE, CHROMIUM, CHROMIUM_ARGS, Scanner, watch_security
from tests.quizzes.conftest import add_bank, assessment_of, set_policy

pytestmark = pytest.mark.django_db(transaction=True)
# Playwright's sync API runs an event loop in its thread; the ORM calls made between its steps are synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def in_browser(live_server, scenario) -> None:
    """Run ``scenario(page, axe)`` in Chromium on a thread of its own.

    tests/browser keeps a session-wide Playwright in the main thread, and a second sync Playwright cannot
    start there; a thread has no event loop yet, so one starts cleanly.
    """
    if not Path(CHROMIUM).exists() or not AXE.exists():
        pytest.fail("Chromium or axe-core is missing: `make test` installs them")
    from playwright.sync_api import sync_playwright

    failures: list[BaseException] = []

    def run() -> None:
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                context = browser.new_context(base_url=live_server.url, locale="de-DE")
                page = context.new_page()
                page.set_default_timeout(15_000)
                problems = watch_security(page, live_server.url)
                try:
                    scenario(page, Scanner(page))
                    assert not problems, "CSP violations or script errors:\n" + "\n".join(problems)
                finally:
                    # Close the scenario's database connection here: after Playwright's exit the thread runs in
                    # another context (greenlet), which would not see it.
                    connections.close_all()
                    context.close()
                    browser.close()
        except BaseException as error:  # re-raised in the test's thread
            failures.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=120)
    if failures:
        raise failures[0]


def log_in(page, live_server, user) -> None:
    """Give the browser the session of a user logged in through Django's test client."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])


@pytest.fixture
def timed_attempt(ready_enrollment, version):
    add_bank(version, per_module=1)
    set_policy(ready_enrollment, blueprint={"one": 2, "two": 2}, draw=4)
    assessment = assessment_of(ready_enrollment)
    assessment.time_limit_minutes = 40
    assessment.layout = Assessment.Layout.PAGED
    assessment.save()
    return services.start_attempt(ready_enrollment)


def clock_seconds(page) -> int:
    minutes, seconds = page.locator("[data-timer-clock]").inner_text().split(":")[-2:]
    return int(minutes) * 60 + int(seconds)


def test_autosave_timer_and_extra_time_in_the_browser(live_server, learner, timed_attempt):
    """Choosing an option saves without a submit; the timer hides on request; extra time shows after a save."""
    first = AttemptItem.objects.filter(attempt=timed_attempt, page=1).get()

    def scenario(page, axe):
        log_in(page, live_server, learner)
        page.goto(timed_attempt.get_absolute_url())
        axe("final-test-paged-timer")
        assert page.get_by_role("timer").is_visible()
        assert 39 * 60 < clock_seconds(page) <= 40 * 60

        toggle = page.locator("[data-timer-toggle]")
        toggle.click()
        assert toggle.get_attribute("aria-pressed") == "true"
        assert not page.locator("[data-timer-clock]").is_visible()
        toggle.click()
        assert page.locator("[data-timer-clock]").is_visible()

        page.locator(f"input[name='item-{first.pk}']").first.check()
        # A function, not an expression string: the page's CSP (no 'unsafe-eval') refuses to eval a string.
        page.wait_for_function("() => document.querySelector('[data-autosave-status]').textContent.includes(':')")
        first.refresh_from_db()
        assert first.selected, "the choice was saved without submitting the form"
        # Paged: the counts cover all four questions, the current page's button gets its mark.
        assert page.locator("[data-count-unanswered]").inner_text() == "3 Fragen sind unbeantwortet."
        assert page.locator("[aria-current=page] [data-nav-answered]").is_visible()
        assert "btn-primary" in page.locator("[aria-current=page]").get_attribute("class")

        # An organization admin grants ×1.5 meanwhile (the admin page is tested in test_accommodations).
        organization = Organization.objects.create(name="Institut", slug="institut")
        admin = User.objects.create_user("admin@example.org", "a-long-test-password", name="Admin")
        Membership.objects.create(organization=organization, user=admin, role=Membership.Role.ADMIN)
        Enrollment.objects.filter(pk=timed_attempt.enrollment_id).update(organization=organization)
        enrollment = Enrollment.objects.get(pk=timed_attempt.enrollment_id)
        services.grant_accommodation(
            enrollment, kind=Accommodation.Kind.EXTRA_TIME, time_multiplier=1.5, granted_by=admin
        )
        page.locator(f"input[name='item-{first.pk}']").last.check()  # another change: the save brings the new time
        page.wait_for_function(
            "() => { const t = document.querySelector('[data-timer-clock]').textContent.split(':'); "
            "return parseInt(t[t.length - 2], 10) >= 59; }"
        )
        assert 59 * 60 < clock_seconds(page) <= 60 * 60

    in_browser(live_server, scenario)


def test_the_page_submits_itself_at_zero(live_server, learner, timed_attempt):
    """When the time is up the script submits the form; the learner lands on the result."""
    soon = timezone.now() + timedelta(seconds=3)
    Attempt.objects.filter(pk=timed_attempt.pk).update(deadline=soon, closes_at=soon + timedelta(minutes=2))

    def scenario(page, axe):
        log_in(page, live_server, learner)
        page.goto(timed_attempt.get_absolute_url())
        page.wait_for_url(re.compile(r"/result/$"), timeout=15_000)
        axe()

    in_browser(live_server, scenario)
    timed_attempt.refresh_from_db()
    assert timed_attempt.status == Attempt.Status.SUBMITTED
    assert timed_attempt.submitted_by == Attempt.SubmittedBy.LEARNER  # the page's own submit, inside the grace
