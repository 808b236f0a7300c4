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


@pytest.fixture
def signing_key(settings):
    """Sign credentials in this test (the certificates tests set the same key by default)."""
    from tests.certificates.conftest import KEY_A

    settings.HALTUNG_CREDENTIAL_KEYS = [KEY_A]


def test_wallet_offer_by_keyboard_at_both_widths(signing_key, page, certificate, learner):
    """The learner reaches the wallet button by keyboard; certificate and offer fit 1280 and 375 px, axe-clean."""
    axe = Scanner(page)
    log_in(page, learner.email)
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(reverse("certificates:detail", args=[certificate.code]))
        assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
        axe(f"certificates-detail-{width}")
        button = page.locator("form[action$='/wallet/'] button")  # the learner's own language (German) applies
        for _step in range(60):
            page.keyboard.press("Tab")
            if button.evaluate("element => element === document.activeElement"):
                break
        page.keyboard.press("Enter")
        page.wait_for_url("**/wallet/")
        assert page.locator("main img[src^='data:image/svg+xml']").is_visible()
        assert page.locator("a[href^='openid-credential-offer://?credential_offer=']").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
        axe(f"certificates-wallet-offer-{width}")
