"""Receivers that write the sign-in log and keep the session marks current (connected in AccountsConfig.ready)."""

from typing import Any

from allauth.account import signals as account_signals
from allauth.mfa import signals as mfa_signals
from allauth.mfa.models import Authenticator
from django.contrib.auth import signals as auth_signals
from django.http import HttpRequest

from . import security
from .models import SignInEvent


def logged_in(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    if request is None or not hasattr(request, "session"):
        return
    security.mark_login(request, user)
    security.record(request, SignInEvent.Kind.LOGIN, user=user)


def logged_out(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    if user is not None:
        security.record(request, SignInEvent.Kind.LOGOUT, user=user)


def login_failed(sender: Any, credentials: dict, request: HttpRequest | None = None, **kwargs: Any) -> None:
    email = credentials.get("email") or credentials.get("username") or ""
    security.record(request, SignInEvent.Kind.LOGIN_FAILED, email=str(email))


def authenticator_added(
    sender: Any, *, request: HttpRequest, user: Any, authenticator: Authenticator, **kw: Any
) -> None:
    if authenticator.type == Authenticator.Type.TOTP:
        request.session[security.SECOND_FACTOR_SESSION_KEY] = True
        security.record(request, SignInEvent.Kind.SECOND_FACTOR_ADDED, user=user)


def authenticator_removed(
    sender: Any, request: HttpRequest, user: Any, authenticator: Authenticator, **kw: Any
) -> None:
    if authenticator.type == Authenticator.Type.TOTP:
        request.session[security.SECOND_FACTOR_SESSION_KEY] = security.user_has_second_factor(user)
        security.record(request, SignInEvent.Kind.SECOND_FACTOR_REMOVED, user=user)


def authenticator_reset(
    sender: Any, *, request: HttpRequest, user: Any, authenticator: Authenticator, **kw: Any
) -> None:
    security.record(request, SignInEvent.Kind.RECOVERY_CODES_RESET, user=user)


def authenticator_used(
    sender: Any, *, request: HttpRequest, user: Any, authenticator: Authenticator, **kw: Any
) -> None:
    kind = SignInEvent.Kind.REAUTHENTICATED if kw.get("reauthenticated") else SignInEvent.Kind.SECOND_FACTOR_USED
    security.record(request, kind, user=user, type=authenticator.type)


def password_reset(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    security.record(request, SignInEvent.Kind.PASSWORD_RESET, user=user)


def email_confirmed(sender: Any, request: HttpRequest, email_address: Any, **kwargs: Any) -> None:
    security.record(request, SignInEvent.Kind.EMAIL_CONFIRMED, user=email_address.user)


def connect() -> None:
    auth_signals.user_logged_in.connect(logged_in, dispatch_uid="accounts.logged_in")
    auth_signals.user_logged_out.connect(logged_out, dispatch_uid="accounts.logged_out")
    auth_signals.user_login_failed.connect(login_failed, dispatch_uid="accounts.login_failed")
    mfa_signals.authenticator_added.connect(authenticator_added, dispatch_uid="accounts.2fa_added")
    mfa_signals.authenticator_removed.connect(authenticator_removed, dispatch_uid="accounts.2fa_removed")
    mfa_signals.authenticator_reset.connect(authenticator_reset, dispatch_uid="accounts.2fa_reset")
    mfa_signals.authenticator_used.connect(authenticator_used, dispatch_uid="accounts.2fa_used")
    account_signals.password_reset.connect(password_reset, dispatch_uid="accounts.password_reset")
    account_signals.email_confirmed.connect(email_confirmed, dispatch_uid="accounts.email_confirmed")
