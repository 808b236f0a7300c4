"""
How django-allauth fits Haltung (docs/decisions/0701): our client address (accounts.clientip), our user fields
at sign-up, a lockout message that says how to get back in, lockouts in the sign-in log, no way for a
person who must have a second factor to remove it, and a way back to the page the learner came from that never
leaves this host (docs/decisions/0614).
"""

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailConfirmation
from allauth.core import context
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django import forms
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from . import returnto, security
from .clientip import client_ip
from .models import SignInEvent


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "too_many_login_attempts": _(
            "Too many failed log-in attempts for this account or from your network. Wait 15 minutes, or reset "
            "your password: the link in the reset e-mail lifts the lock."
        ),
        "email_password_mismatch": _("The e-mail address or the password is not correct."),
    }

    def get_client_ip(self, request: HttpRequest) -> str:
        return client_ip(request)

    def is_safe_url(self, url: str) -> bool:
        """A ``next`` is a path on this host: never another site, not even one in ALLOWED_HOSTS."""
        return returnto.is_safe(context.request, url)

    def get_email_confirmation_url(self, request: HttpRequest, emailconfirmation: EmailConfirmation) -> str:
        """The e-mailed link carries the page the registration started from, for a browser without the session."""
        url = super().get_email_confirmation_url(request, emailconfirmation)
        return returnto.with_next(url, returnto.safe_next(request)) if request is not None else url

    def save_user(self, request: HttpRequest, user: Any, form: forms.Form, commit: bool = True) -> Any:  # noqa: FBT001, FBT002 - allauth's signature
        user = super().save_user(request, user, form, commit=False)
        data = form.cleaned_data
        user.email = data["email"].strip().lower()
        user.name = data["name"].strip()
        user.efn = data.get("efn", "")
        user.licence_number = data.get("licence_number", "")
        user.language = data.get("language") or user.language
        if commit:
            user.save()
        return user

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        try:
            super().pre_authenticate(request, **credentials)
        except forms.ValidationError:
            security.record(request, SignInEvent.Kind.LOCKED_OUT, email=credentials.get("email", ""))
            raise


class MFAAdapter(DefaultMFAAdapter):
    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        """Organization admins and staff keep their authenticator app; they may replace the recovery codes."""
        if authenticator.type == Authenticator.Type.TOTP and security.requires_second_factor(authenticator.user):
            return False
        return super().can_delete_authenticator(authenticator)
