"""Writes to accounts: registration and profile changes."""

from django.db import transaction

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
