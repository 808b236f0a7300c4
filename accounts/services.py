"""Writes to accounts: registration and profile changes."""

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction

from .erasure import ERASURE_HOOKS
from .models import User


@transaction.atomic
def register_user(
    *,
    email: str,
    name: str,
    password: str,
    efn: str = "",
    licence_number: str = "",
    language: str = User.Language.GERMAN,
) -> User:
    user = User(
        email=email.strip().lower(), name=name.strip(), efn=efn, licence_number=licence_number, language=language
    )
    user.set_password(password)
    user.full_clean()
    user.save()
    return user


@dataclass(frozen=True)
class NewAccount:
    email: str
    name: str
    efn: str = ""
    language: str = User.Language.GERMAN


def create_accounts(accounts: list[NewAccount], *, batch_size: int = 1000) -> list[User]:
    """Create many accounts at once (bulk enrolment), with unusable passwords.

    The people set their own password through the welcome e-mail's reset link. Callers validate the rows
    first (e-mail format, EFN check digit) and run this inside their transaction.
    """
    users = [
        User(
            email=account.email.strip().lower(),
            name=account.name.strip(),
            efn=account.efn,
            language=account.language,
            password=make_password(None),
        )
        for account in accounts
    ]
    return User.objects.bulk_create(users, batch_size=batch_size)


@transaction.atomic(durable=True)
def erase_account(user: User, *, by: Any) -> User:
    """Pseudonymise the person everywhere and close the account; enrolments and certificates stay as records."""
    user = User.objects.select_for_update().get(pk=user.pk)
    for hook in ERASURE_HOOKS:
        hook(user, by=by)
    user.name = "—"
    user.email = f"erased-{user.pk}@invalid.example"
    user.efn = ""
    user.licence_number = ""
    user.is_active = False
    user.set_unusable_password()
    user.save(update_fields=["name", "email", "efn", "licence_number", "is_active", "password"])
    return user
