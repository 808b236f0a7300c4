"""Sign-in security pages in a real browser: lockout, second-factor setup and log-in, recovery codes, re-auth."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from organizations.models import Membership, Organization
from organizations.services import add_member
from tests.browser.conftest import log_in
from tests.conftest import totp_code

pytestmark = pytest.mark.django_db(transaction=True)


def _no_horizontal_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_lockout_message_and_way_back(en_page, make_user):
    """After ten wrong passwords the right one is refused with a message that names the way back."""
    from tests.browser.conftest import Scanner

    cache.clear()
    user = make_user("locked@example.org", "Locked Person")
    page = en_page
    page.goto(reverse("accounts:login"))
    for _ in range(10):
        page.fill("#id_login", user.email)
        page.fill("#id_password", "wrong-guess")
        with page.expect_navigation():
            page.keyboard.press("Enter")
    page.fill("#id_login", user.email)
    page.fill("#id_password", "a-long-test-password")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    text = page.locator("main").inner_text()
    assert "Too many failed log-in attempts" in text and "reset your password" in text
    Scanner(page)("sign-in-locked")
    page.set_viewport_size({"width": 375, "height": 800})
    _no_horizontal_scroll(page)


def test_admin_sets_up_the_second_factor_then_logs_in_with_it(page, axe, make_user):
    """An admin without a second factor is sent to set one up, keeps the recovery codes, then needs the code."""
    organization = Organization.objects.create(name="Institut A", slug="institut-a")
    admin = make_user("admin@example.org", "Admin")
    add_member(organization, user=admin, role=Membership.Role.ADMIN)
    log_in(page, admin.email)
    page.goto(reverse("organizations:overview", args=[organization.slug]))
    assert page.url.endswith(reverse("mfa_activate_totp"))
    axe("second-factor-setup")
    secret = page.input_value("#authenticator_secret")
    page.fill("#id_code", totp_code(secret))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    axe("second-factor-recovery-codes")
    page.goto(reverse("organizations:overview", args=[organization.slug]))
    assert page.url.endswith(reverse("organizations:overview", args=[organization.slug]))
    page.goto(reverse("mfa_index"))
    axe("second-factor-overview")

    page.context.clear_cookies()
    cache.clear()
    page.goto(reverse("accounts:login"))
    page.fill("#id_login", admin.email)
    page.fill("#id_password", "a-long-test-password")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(reverse("mfa_authenticate"))
    axe("second-factor-login")
    page.set_viewport_size({"width": 375, "height": 800})
    _no_horizontal_scroll(page)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.fill("#id_code", totp_code(secret))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.goto(reverse("organizations:overview", args=[organization.slug]))
    assert page.url.endswith(reverse("organizations:overview", args=[organization.slug]))


def test_erasure_asks_for_the_password_again(page, axe, make_user):
    """A session older than five minutes confirms the password before the erasure page opens."""
    from allauth.account.internal.flows.login import AUTHENTICATION_METHODS_SESSION_KEY
    from django.contrib.sessions.models import Session

    user = make_user("erase@example.org", "Erika")
    log_in(page, user.email)
    # Through the configured session engine: sessions are read from the cache first (decision 0413).
    from importlib import import_module

    from django.conf import settings

    engine = import_module(settings.SESSION_ENGINE)
    for key in Session.objects.values_list("session_key", flat=True):
        store = engine.SessionStore(session_key=key)
        if AUTHENTICATION_METHODS_SESSION_KEY in store:
            store[AUTHENTICATION_METHODS_SESSION_KEY] = [
                {**r, "at": r["at"] - 3600} for r in store[AUTHENTICATION_METHODS_SESSION_KEY]
            ]
            store.save()
    page.goto(reverse("accounts:delete"))
    assert "reauthenticate" in page.url
    axe("reauthenticate")
    page.fill("#id_password", "a-long-test-password")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(reverse("accounts:delete"))
