"""
Issue 15 in Chromium at 1280 and 375 px: the next action leads the enrolment page, the dashboard and the
result page; after the last attempt the way on is shown; the admins' "attempts used up" page. Each page passes
axe-core, nothing overflows sideways, and a screenshot goes to var/screenshots/ for a person to look at.
"""

import pytest
from django.urls import reverse

from organizations.models import Membership, Organization
from quizzes import services
from tests.browser.conftest import log_in
from tests.conftest import with_second_factor
from tests.organizations.conftest import own_accreditation
from tests.quizzes.conftest import post_data, set_policy

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = (1280, 375)


def fail(enrollment) -> None:
    attempt = services.start_attempt(enrollment)
    services.submit_attempt(attempt, answers=services.parse_form(post_data(attempt, correct=False)))


def look(page, axe, name: str) -> None:
    """At both widths: axe-core, no sideways overflow, the next action above the fold's first card, a screenshot."""
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.reload()
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{name} at {width} px overflows by {overflow} px"
        axe(f"nextstep-{name}-{width}")


def test_the_next_action_at_both_widths(page, axe, ready_enrollment, learner, make_user):
    organization = Organization.objects.create(name="Institut Nord", slug="nord", contact_email="kurse@nord.example")
    ready_enrollment.accreditation = own_accreditation(organization, ready_enrollment.course_version)
    ready_enrollment.organization = organization
    ready_enrollment.save()
    set_policy(ready_enrollment, max_attempts=2, cooldown_hours=24, after_last_attempt="grant")
    log_in(page, learner.email)

    page.goto(ready_enrollment.get_absolute_url())
    box = page.locator("#next-action")
    assert box.is_visible() and box.locator("button").count() == 1
    assert box.bounding_box()["y"] < page.locator("[aria-labelledby^=module-]").first.bounding_box()["y"]
    look(page, axe, "enrollment-ready")

    fail(ready_enrollment)
    attempt = ready_enrollment.attempts.get(number=1)
    page.goto(reverse("quizzes:result", args=[attempt.pk]))
    assert "1 von 2 Versuchen übrig" in page.locator("#next-action").inner_text()
    look(page, axe, "result-failed-cooldown")

    set_policy(ready_enrollment, cooldown_hours=0)
    fail(ready_enrollment)
    last = ready_enrollment.attempts.get(number=2)
    page.goto(reverse("quizzes:result", args=[last.pk]))
    assert "kurse@nord.example" in page.locator("#next-action").inner_text()
    look(page, axe, "result-last-attempt")
    page.goto(ready_enrollment.get_absolute_url())
    look(page, axe, "enrollment-way-on")
    page.goto(reverse("certificates:dashboard"))
    look(page, axe, "dashboard")

    admin = with_second_factor(make_user("admin@nord.example", "Ada Admin"))
    Membership.objects.create(organization=organization, user=admin, role=Membership.Role.ADMIN)
    page.context.clear_cookies()
    log_in(page, admin.email)
    page.goto(reverse("quizzes:attempts_used", args=[organization.slug]))
    look(page, axe, "attempts-used")
    with page.expect_navigation():
        page.get_by_role("button", name="Einen weiteren Versuch gewähren").click()
    assert ready_enrollment.extra_attempts.count() == 1
