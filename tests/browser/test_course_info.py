"""The course information page and the vignettes' platform mock-ups, in German and English, at 1280 and 375 px."""

from pathlib import Path

import pytest
from django.urls import reverse

from courses.models import Step
from courses.packages.importing import import_package
from courses.packages.reading import read_package
from enrolments.services import learning as services
from tests.browser.conftest import Scanner, log_in

pytestmark = pytest.mark.django_db(transaction=True)

FLAGSHIP = Path(__file__).resolve().parents[2] / "content" / "social-media-presence"
# One vignette per mock-up kind whose first screen shows it.
MOCKUPS = {"post": "trainee-reel", "comments": "us-follower", "messages": "parent-dm", "review": "one-star-review"}
WIDTHS = (1280, 375)


@pytest.fixture
def flagship(db):
    version = import_package(read_package(FLAGSHIP)).version
    version.sequential = False  # so each vignette opens without working through the modules before it
    version.save(update_fields=["sequential"])
    return version


def fits(page) -> bool:
    """Nothing is wider than the viewport (no horizontal scrolling)."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("locale", ["de-DE", "en-GB"])
def test_course_information_page(browser, live_server, flagship, locale):
    context = browser.new_context(base_url=live_server.url, locale=locale)
    page = context.new_page()
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(reverse("courses:course", args=[flagship.course.slug]))
        page.get_by_role("link", name="Kursinformationen" if locale == "de-DE" else "Course information").click()
        page.wait_for_load_state()
        assert page.locator("h1").inner_text() == ("Kursinformationen" if locale == "de-DE" else "Course information")
        assert page.locator("#info-outline + p + ol > li").count() == 8
        assert page.get_by_text("Haltung-Projekt, Redaktion des Kurses").is_visible()
        assert fits(page), f"horizontal overflow at {width} px"
        Scanner(page)(f"course-info-{locale[:2]}-{width}")
    context.close()


@pytest.mark.parametrize("locale", ["de-DE", "en-GB"])
def test_mockups_are_readable_and_accessible(browser, live_server, flagship, make_user, locale):
    learner = make_user("mira@example.org", "Mira Muster", language=locale[:2])
    enrollment = services.enroll(flagship, user=learner)
    context = browser.new_context(base_url=live_server.url, locale=locale)
    page = context.new_page()
    log_in(page, learner.email)
    for kind, slug in MOCKUPS.items():
        step = Step.objects.get(module__version=flagship, slug=slug)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(reverse("enrolments:step", args=[enrollment.pk, step.pk]))
            mockup = page.locator(f"figure.mockup-{kind}").first
            assert mockup.is_visible(), (kind, width)
            assert mockup.locator("figcaption").inner_text().strip()
            assert mockup.locator("article").count() >= 1
            assert fits(page), f"{slug}: horizontal overflow at {width} px"
            Scanner(page)(f"mockup-{kind}-{locale[:2]}-{width}")
    review = page.locator("figure.mockup-review .mockup-rating .visually-hidden").first
    assert review.inner_text() in {"1 von 5 Sternen", "1 of 5 stars"}
    context.close()
