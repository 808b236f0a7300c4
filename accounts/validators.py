"""Validators for the identifiers a learner gives: the e-mail address and the EFN (German uniform CPD number)."""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from config.text import LIMITS, excerpt, validate_single_line

EFN_LENGTH = 15


def luhn_is_valid(digits: str) -> bool:
    """Return whether the last digit of ``digits`` is the Luhn check digit of the others."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def normalize_efn(value: str) -> str:
    """Drop the spaces and dashes people type or scanners add."""
    return "".join(ch for ch in value if ch not in " -")


def validate_efn(value: str) -> None:
    """Check length and Luhn digit only: the profession prefix differs by chamber and is not ours to fix."""
    efn = normalize_efn(value)
    if not efn.isdigit() or len(efn) != EFN_LENGTH:
        raise ValidationError(
            _("An EFN has exactly %(length)d digits; you entered %(count)d characters."),
            code="efn_length",
            params={"length": EFN_LENGTH, "count": len(efn)},
        )
    if not luhn_is_valid(efn):
        raise ValidationError(
            _("This EFN's check digit does not match; please compare it with your EFN card."),
            code="efn_checksum",
        )


def validate_email_address(value: str) -> None:
    """An address that fits the e-mail columns (254 characters; Django's own check allows 320)."""
    if len(value) > LIMITS["email"]:
        raise ValidationError(
            _("An e-mail address has at most %(limit)d characters; “%(value)s” has %(count)d."),
            code="email_too_long",
            params={"limit": LIMITS["email"], "value": excerpt(value), "count": len(value)},
        )
    validate_single_line(value)
    validate_email(value)
