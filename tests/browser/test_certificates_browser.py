"""Certificate pages in a real browser: no axe-core violations; revoking and adding CPD work by keyboard."""

import pytest
from django.urls import reverse

from certificates.models import Certificate
from organizations.models import Membership
from tests.browser.conftest import Scanner, log_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def page(en_page):
    """These pages are asserted in English."""
    return en_page


def test_learner_and_public_pages_pass_axe(page, certificate, learner):
    """Dashboard, certificate, transcript (with a form error), and the public verification pages."""
    axe = Scanner(page)
    log_in(page, learner.email)
    for name, url in [
        ("certificates-dashboard", reverse("certificates:dashboard")),
        ("certificates-detail", reverse("certificates:detail", args=[certificate.code])),
        ("certificates-transcript", reverse("certificates:transcript")),
        ("certificates-transcript-add", reverse("certificates:transcript_add")),
        ("certificates-verify", reverse("certificates:verify", args=[certificate.code])),
    ]:
        page.goto(url)
        axe(name)
    # Adding an external entry by keyboard: an invalid submit shows the errors, a valid one lands on the transcript.
    page.goto(reverse("certificates:transcript_add"))
    page.focus("#id_title")
    page.keyboard.type("Intervision group")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    axe("certificates-transcript-add-errors")
    page.fill("#id_completed_on", "2026-03-02")
    page.fill("#id_points", "3")
    page.focus("#id_title")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(reverse("certificates:transcript"))
    assert page.get_by_text("Intervision group").is_visible()


def test_admin_revokes_by_keyboard(page, org_version, organization, certificate, member):
    """The organization admin's list, certificate page and reports pass axe; revoking works by keyboard."""
    admin, _client = member(organization, Membership.Role.ADMIN, "admin@example.org")
    axe = Scanner(page)
    log_in(page, admin.email)
    page.goto(reverse("certificates:org_certificates", args=[organization.slug]))
    axe("certificates-org-list")
    page.goto(reverse("certificates:org_reports", args=[organization.slug]))
    axe("certificates-org-reports")
    page.goto(reverse("certificates:org_report", args=[organization.slug, certificate.accreditation_id]))
    axe("certificates-org-report")
    page.goto(reverse("certificates:org_certificate", args=[organization.slug, certificate.code]))
    axe("certificates-org-certificate")
    page.focus("#id_revoke-reason")
    page.keyboard.type("Issued to the wrong person")
    page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert Certificate.objects.get(pk=certificate.pk).status == "revoked"
    page.goto(reverse("certificates:verify", args=[certificate.code]))
    assert page.get_by_text("Revoked.").is_visible()
    axe("certificates-verify-revoked")
