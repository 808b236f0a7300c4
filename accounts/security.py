"""
Sign-in security that django-allauth leaves to us (docs/decisions/0701): who must have a second factor,
whether this session's user has one, the sign-in log, and the marks a login leaves in the session.

Accounts is the lowest app, so it does not know organization roles: ``organizations`` registers the rule
"administrators need a second factor" here from its ``ready()``, like the erasure hooks.
"""

import time
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest

from .clientip import client_ip

SECOND_FACTOR_SESSION_KEY = "haltung:2fa"
SEEN_SESSION_KEY = "haltung:seen"

SecondFactorRule = Callable[[Any], bool]
SECOND_FACTOR_RULES: list[SecondFactorRule] = []


class SecondFactorRequired(Exception):
    """Raised by a page that needs a second factor the signed-in person has not set up."""


def register_second_factor_rule(rule: SecondFactorRule) -> SecondFactorRule:
    if rule not in SECOND_FACTOR_RULES:
        SECOND_FACTOR_RULES.append(rule)
    return rule


def requires_second_factor(user: Any) -> bool:
    """Staff, and whoever a registered rule names (organization administrators)."""
    return bool(user.is_staff or any(rule(user) for rule in SECOND_FACTOR_RULES))


def user_has_second_factor(user: Any) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def has_second_factor(request: HttpRequest) -> bool:
    """Whether the signed-in user has an authenticator app; remembered in the session once it is so."""
    if request.session.get(SECOND_FACTOR_SESSION_KEY):
        return True
    found = user_has_second_factor(request.user)
    if found:
        request.session[SECOND_FACTOR_SESSION_KEY] = True
    return found


def record(request: HttpRequest | None, kind: str, *, user: Any = None, email: str = "", **detail: Any) -> None:
    """Write one sign-in event; ``email`` finds the account of a failed attempt (unknown addresses: no user)."""
    from .models import SignInEvent, User

    if user is None and email:
        user = User.objects.filter(email=email.strip().lower()).first()
    SignInEvent.objects.create(
        user=user if getattr(user, "pk", None) else None,
        kind=kind,
        ip=client_ip(request) if request is not None else "",
        user_agent=(request.META.get("HTTP_USER_AGENT", "") if request is not None else "")[:300],
        detail=detail,
    )


def mark_login(request: HttpRequest, user: Any) -> None:
    """A login starts the idle clock, remembers the second factor and counts as a fresh re-authentication."""
    from allauth.account.internal.flows.login import record_authentication

    request.session[SEEN_SESSION_KEY] = int(time.time())
    request.session[SECOND_FACTOR_SESSION_KEY] = user_has_second_factor(user)
    # allauth counts only an explicit re-authentication as recent; the password or code just entered at
    # sign-in is as fresh, so sensitive actions right after a log-in need no second prompt. Recorded as a
    # password confirmation: allauth (from 65.22) counts only its re-authentication methods as recent.
    record_authentication(request, user, method="password", reauthenticated=True)
