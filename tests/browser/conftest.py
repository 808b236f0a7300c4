"""
Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

Every page a journey visits gets the axe-core scan (WCAG 2.0/2.1 A and AA); a violation fails the test
and names the rule and the elements. Every page must also carry the Content-Security-Policy, and a CSP
violation, a Permissions-Policy complaint or an uncaught script error fails the test when its page closes.
The scan also runs the layout check (tests/browser/layout.py) at 1280 and 375 px: every radio button and
checkbox beside its label, no sideways overflow, no control over another or over text.
Screenshots of the main pages go to var/screenshots/, at both widths.
"""

import os
import shutil
from pathlib import Path

import pytest
from django.urls import reverse

from tests.browser.layout import WIDTHS, check_layout

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "var" / "screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
LEGAL_PAGES = ("legal:imprint", "legal:privacy", "legal:accessibility")

# Fixtures of the certificates tests, reused by the certificate pages' browser tests.
from tests.certificates.conftest import (  # noqa: E402, F401
    certificate,
    credential_keys,
    member,
    org_version,
    organization,
    passed_enrollment,
    signature,
)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: `make test-deps` installs Debian's chromium package")
    if not AXE.exists():
        pytest.fail("axe-core is missing: `make test` runs `npm ci` first")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


# Runs in every document before its own scripts: a blocked inline script, style or foreign load is reported.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", function (e) {
  console.error("CSP violation: " + e.violatedDirective + " blocked " + (e.blockedURI || "inline") +
                " at " + e.sourceFile + ":" + e.lineNumber);
});
"""


def watch_security(page, base_url: str) -> list[str]:
    """Collect CSP violations, policy errors, uncaught errors and our pages served without a CSP."""
    problems: list[str] = []

    def on_console(message) -> None:
        text = message.text
        if message.type == "error" and any(
            marker in text for marker in ("CSP violation", "Content Security Policy", "Permissions-Policy")
        ):
            problems.append(f"{page.url}: {text}")

    def on_response(response) -> None:
        ours = response.request.resource_type == "document" and response.url.startswith(base_url)
        if ours and "content-security-policy" not in response.headers:
            problems.append(f"{response.url}: no Content-Security-Policy header")

    page.context.add_init_script(CSP_LISTENER)
    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"{page.url}: uncaught {error}"))
    page.on("response", on_response)
    return problems


class Scanner:
    """Runs axe-core and the layout check on a page and remembers what it scanned, for the closing report."""

    scanned: list[str] = []

    def __init__(self, page, *, layout: bool = True) -> None:
        self.page = page
        self.layout = layout

    def __call__(self, name: str = "") -> None:
        # Evaluated through the DevTools protocol: the page's CSP rightly refuses an injected <script> tag.
        if not self.page.evaluate("typeof axe !== 'undefined'"):
            self.page.evaluate(axe_source())
        # A button that just changed state may be mid-transition (Bootstrap fades colours over 0.15 s): measure
        # contrast and boxes as the person sees them once it settles.
        self.page.evaluate(
            """() => Promise.all(document.getAnimations()
                .filter(a => a.effect && a.effect.getComputedTiming().endTime !== Infinity)
                .map(a => a.finished.catch(() => null)))"""
        )
        result = self.page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
            WCAG_TAGS,
        )
        problems = [
            f"{v['id']} ({v['impact']}): {v['help']} -> " + ", ".join(" ".join(n["target"]) for n in v["nodes"][:5])
            for v in result["violations"]
        ]
        Scanner.scanned.append(self.page.url)
        assert not problems, f"axe-core violations on {self.page.url}:\n" + "\n".join(problems)
        if self.page.url.startswith("http"):
            # Every page of the site links the Impressum, privacy notice and accessibility statement.
            for legal in LEGAL_PAGES:
                assert self.page.locator(f"footer a[href='{reverse(legal)}']").count() == 1, (
                    f"{self.page.url}: the footer does not link {legal}"
                )
        if self.layout:
            check_layout(self.page, name)
        if name:
            screenshots(self.page, name)


def screenshots(page, name: str) -> None:
    """Full-page screenshots at the page's own width and at the phone width (``name-375.png``)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    original = page.viewport_size
    if original and original["width"] != WIDTHS[-1]:
        page.set_viewport_size({"width": WIDTHS[-1], "height": original["height"]})
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{WIDTHS[-1]}.png"), full_page=True)
        page.set_viewport_size(original)


_AXE_SOURCE: list[str] = []


def axe_source() -> str:
    if not _AXE_SOURCE:
        _AXE_SOURCE.append(AXE.read_text())
    return _AXE_SOURCE[0]


def open_page(browser, live_server, *, locale: str):
    context = browser.new_context(
        base_url=live_server.url, locale=locale, viewport={"width": 1280, "height": 900}, accept_downloads=True
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.security_problems = watch_security(page, live_server.url)
    return context, page


def close_page(context, page) -> None:
    problems = list(page.security_problems)
    context.close()
    assert not problems, "Content-Security-Policy violations or script errors:\n" + "\n".join(problems)


@pytest.fixture
def page(browser, live_server):
    """A German browser (the default language); modules asserting English texts override it with en_page."""
    context, page = open_page(browser, live_server, locale="de-DE")
    yield page
    close_page(context, page)


@pytest.fixture
def en_page(browser, live_server):
    context, page = open_page(browser, live_server, locale="en-GB")
    yield page
    close_page(context, page)


def log_in(page, email: str, password: str = "a-long-test-password") -> None:
    """Log in through the real form; an account with a second factor then enters the app's code."""
    from django.core.cache import cache

    from tests.conftest import totp_code

    cache.clear()  # a TOTP code works once per period; another test may have used this one
    page.goto(reverse("accounts:login"))
    page.fill("#id_login", email)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    if page.url.endswith(reverse("mfa_authenticate")):
        page.fill("#id_code", totp_code())
        with page.expect_navigation():
            page.keyboard.press("Enter")


@pytest.fixture
def axe(page):
    return Scanner(page)


@pytest.fixture
def layout(page):
    """``layout(name)`` checks the page as drawn at 1280 and 375 px (without axe-core)."""
    return lambda name="": check_layout(page, name)
