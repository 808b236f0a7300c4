"""Verifier pages, the language switcher, keyboard basics, and a check that the scanner itself can fail."""

import pytest
from django.urls import reverse

from certificates import codes
from tests.browser.conftest import Scanner

pytestmark = pytest.mark.django_db(transaction=True)


def test_scanner_reports_violations(browser):
    """The axe-core scan fails on a page with known WCAG violations, naming rule and element."""
    context = browser.new_context()
    page = context.new_page()
    page.set_content("<html lang='en'><head><title>t</title></head><body><main><img src='x.png'></main></body></html>")
    with pytest.raises(AssertionError, match="image-alt"):
        Scanner(page)()
    context.close()


def test_verifier_sees_mistyped_and_unknown_codes(page, axe):
    """A mistyped code is caught before lookup; an unknown one gets a 404 page that says so."""
    page.goto(reverse("certificates:verify_form"))
    axe("verify-form")
    page.fill("#code", "ABCD-EFGH-JKMN-P")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    if page.locator("#code-error").count():
        assert page.locator("#code-error").is_visible()
        axe("verify-mistyped")
    data = "23456789ABCD"
    response = page.goto(reverse("certificates:verify", args=[codes.format_code(data + codes.check_character(data))]))
    assert response.status == 404
    axe("verify-unknown")


def test_language_switcher_by_keyboard(page, axe):
    """The switcher changes the interface language, by keyboard alone."""
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "de"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className").startswith("visually-hidden-focusable")
    page.focus("#language-select")
    page.select_option("#language-select", "en")
    page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("link", name="Verify a certificate").first.is_visible()
    axe("catalogue-en")


def test_skip_link_moves_focus_to_main(page):
    """The first Tab reaches the skip link; following it puts the focus on the main content."""
    page.goto(reverse("courses:catalogue"))
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_text_resizes_to_200_percent(page):
    """At 200 % text size nothing overflows the viewport horizontally."""
    page.goto("/")
    page.evaluate("document.documentElement.style.fontSize = '200%'")
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0


def test_verifier_sees_valid_superseded_and_revoked(page, axe, certificate, learner):
    """A certificate corrected once and then revoked: old code superseded (linking the new), new code revoked."""
    from certificates import services

    page.goto(reverse("certificates:verify", args=[certificate.code]))
    assert page.locator(".alert-success").count() == 1
    new = services.correct(certificate, by=learner, changes={"participant_name": "Alex Beispiel-Neu"}, reason="Name")
    page.goto(reverse("certificates:verify", args=[certificate.code]))
    assert new.code in page.locator("main").inner_text()
    axe("verify-superseded")
    page.locator(f"main a[href$='/verify/{new.code}/']").click()
    assert "Alex Beispiel-Neu" in page.locator("main").inner_text()
    services.revoke(new, by=learner, reason="Ausgestellt in einem Fehler")
    page.reload()
    text = page.locator("main").inner_text()
    assert "Widerrufen am" in text and "Ausgestellt in einem Fehler" not in text  # the reason is the holder's
    axe("verify-revoked")


def test_csp_violations_fail_the_suite(browser, live_server):
    """The watcher reports an inline script the page's policy blocks, so a violation cannot pass unnoticed."""
    from tests.browser.conftest import open_page

    context, page = open_page(browser, live_server, locale="en-GB")
    page.goto(reverse("courses:catalogue"))
    with page.expect_console_message(lambda message: "CSP violation" in message.text):
        page.evaluate("() => document.body.append(Object.assign(document.createElement('script'), {textContent: '1'}))")
    problems = list(page.security_problems)
    context.close()
    assert any("script-src" in problem for problem in problems), problems
