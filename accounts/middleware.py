"""
Request-wide account concerns: the signed-in user's language, the idle timeout, and the second factor that
staff need everywhere and organization admins before any back-office page (docs/decisions/0701).
"""

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import translation
from django.utils.translation import gettext as _

from . import security
from .models import SignInEvent

# Pages a person without a second factor may still open: the account pages (setting one up, logging out).
OPEN_PREFIXES = ("/accounts/", "/static/", "/i18n/", "/healthz")
# The idle clock is written to the session at most this often, not on every request.
SEEN_RESOLUTION_SECONDS = 300


class UserLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # The language cookie (set by the switcher) wins; otherwise the profile's choice applies.
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return self.get_response(request)


class IdleTimeoutMiddleware:
    """Log out a session that has been idle for ``HALTUNG_SESSION_IDLE_MINUTES``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            seen = request.session.get(security.SEEN_SESSION_KEY)
            if seen is not None and now - seen > settings.HALTUNG_SESSION_IDLE_MINUTES * 60:
                user = request.user
                logout(request)
                security.record(request, SignInEvent.Kind.IDLE_TIMEOUT, user=user)
                messages.info(
                    request,
                    _("You were logged out after %(minutes)d minutes without activity. Please log in again.")
                    % {"minutes": settings.HALTUNG_SESSION_IDLE_MINUTES},
                )
                return redirect_to_login(request.get_full_path() if request.method == "GET" else "/")
            if seen is None or now - seen >= SEEN_RESOLUTION_SECONDS:
                request.session[security.SEEN_SESSION_KEY] = now
        return self.get_response(request)


class SecondFactorMiddleware:
    """Staff need a second factor for every page; a page raising SecondFactorRequired sends anyone to set one up."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and user.is_staff
            and not request.path.startswith(OPEN_PREFIXES)
            and not security.has_second_factor(request)
        ):
            return self._set_up(request)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, security.SecondFactorRequired):
            return self._set_up(request)
        return None

    @staticmethod
    def _set_up(request: HttpRequest) -> HttpResponse:
        messages.warning(
            request,
            _(
                "Administrators sign in with a second factor. Set up an authenticator app now; then open the "
                "page again."
            ),
        )
        return redirect("mfa_activate_totp")
