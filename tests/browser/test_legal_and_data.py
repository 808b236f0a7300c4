"""The legal pages and the data export page: reachable from every footer by keyboard, axe-clean, 1280 and 375 px."""

import pytest
from django.urls import reverse

from tests.browser.conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = (1280, 375)


def no_horizontal_overflow(page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{page.url} overflows by {overflow} px at {page.viewport_size['width']} px"


@pytest.mark.parametrize("name", ["imprint", "privacy", "accessibility"])
def test_legal_pages_in_german_and_english(page, axe, name):
    """Each page shows the operator's text, in German by default and in English after switching."""
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(reverse(f"legal:{name}"))
        assert page.locator("article[lang='de'] h1").is_visible()
        no_horizontal_overflow(page)
        axe(f"legal-{name}-{width}")
    page.set_viewport_size({"width": 1280, "height": 900})  # the switcher sits in the expanded navigation
    page.select_option("#language-select", "en")
    with page.expect_navigation():
        page.locator("#language-select").press("Tab")
        page.keyboard.press("Enter")
    page.goto(reverse(f"legal:{name}"))
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("article[lang='en']").count() == 1
    axe()


def test_footer_link_by_keyboard(page):
    """From the catalogue, the keyboard reaches the footer's privacy link and follows it."""
    page.goto("/")
    link = page.locator(f"footer a[href='{reverse('legal:privacy')}']")
    for _ in range(200):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.getAttribute('href')") == reverse("legal:privacy"):
            break
    else:
        pytest.fail("Tab never reached the footer's privacy link")
    assert link.evaluate("element => element === document.activeElement")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(reverse("legal:privacy"))
    assert page.locator("h1").inner_text() == "Datenschutzhinweise"


def test_learner_requests_and_downloads_their_data(page, axe, learner, tmp_path):
    """Profile → 'your data' → prepare → the ZIP downloads; the page passes axe at both widths."""
    log_in(page, learner.email)
    page.goto(reverse("accounts:profile"))
    page.get_by_role("link", name="Alle über Sie gespeicherten Daten herunterladen").click()
    page.get_by_role("button", name="Meine Daten zusammenstellen").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    link = page.get_by_role("link", name="ZIP herunterladen")
    assert link.is_visible()
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        no_horizontal_overflow(page)
        axe(f"data-export-{width}")
    with page.expect_download() as download:
        link.click()
    path = tmp_path / "export.zip"
    download.value.save_as(path)
    assert path.read_bytes().startswith(b"PK")


def test_privacy_sample_fits_a_phone(page, axe, settings):
    """The shipped privacy sample (wide tables) stays within 375 px: the cells wrap."""
    from legal.texts import SAMPLES_DIR

    settings.HALTUNG_LEGAL_DIR = SAMPLES_DIR
    page.set_viewport_size({"width": 375, "height": 900})
    page.goto(reverse("legal:privacy"))
    assert page.locator("article table").count() == 2
    no_horizontal_overflow(page)
    axe("legal-privacy-sample-375")
