"""
Accreditations edited by organization admins, and the EIV password that comes with a VNR.

The password is encrypted with Fernet (AES-128-CBC + HMAC-SHA256, from ``cryptography``) under keys from
the environment (``HALTUNG_EIV_PASSWORD_KEYS``); ``MultiFernet`` decrypts with any listed key and encrypts
with the first, so keys rotate without downtime (decision 0306). The password is never rendered again after
entry: forms show only whether one is set; the audit row says "changed", never the value.
"""

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.validators import luhn_is_valid
from organizations import audit
from organizations.models import Organization, OrgAuditEvent

from .errors import CourseError
from .models import Accreditation, AccreditationSecret

VNR_LENGTH = 19
ACCREDITATION_FIELDS = [
    "course_version",
    "key",
    "body",
    "category",
    "points",
    "vnr",
    "valid_from",
    "valid_until",
    "pass_mark",
    "max_attempts",
    "cooldown_hours",
    "wording",
    "reporting_channel",
]
REPORTING_CHANNELS = [
    ("", gettext_lazy("none")),
    ("eiv", gettext_lazy("EIV (electronic)")),
    ("list", gettext_lazy("participant list")),
]


class SecretsUnavailable(Exception):
    """No encryption key is configured, so EIV passwords can be neither stored nor read."""


def validate_vnr(value: str) -> None:
    """19 digits whose last is a Luhn check digit (as every published VNR has; see decision 0306)."""
    digits = "".join(ch for ch in value if ch not in " -")
    if not digits.isdigit() or len(digits) != VNR_LENGTH:
        raise ValidationError(
            _("A VNR has exactly %(length)d digits; you entered %(count)d characters."),
            code="vnr_length",
            params={"length": VNR_LENGTH, "count": len(digits)},
        )
    if not luhn_is_valid(digits):
        raise ValidationError(
            _("This VNR's check digit does not match; please compare it with the chamber's notice."),
            code="vnr_checksum",
        )


def _fernet() -> Any:
    # Imported here, not at module level: only the EIV password paths need Fernet.
    from cryptography.fernet import Fernet, MultiFernet

    keys = settings.HALTUNG_EIV_PASSWORD_KEYS
    if not keys:
        raise SecretsUnavailable(
            _("EIV passwords cannot be stored: the server has no encryption key (HALTUNG_EIV_PASSWORD_KEYS).")
        )
    return MultiFernet([Fernet(key) for key in keys])


def encrypt(password: str) -> str:
    return _fernet().encrypt(password.encode()).decode()


def decrypt(token: str) -> str:
    return _fernet().decrypt(token.encode()).decode()


def eiv_password(accreditation: Accreditation) -> str | None:
    """The plain EIV password for the reporting client, or None; never for display."""
    secret = AccreditationSecret.objects.filter(accreditation=accreditation).first()
    return decrypt(secret.eiv_password) if secret else None


def rotate_keys() -> int:
    """Re-encrypt every stored password with the first key; returns how many were rewritten."""
    fernet = _fernet()
    count = 0
    with transaction.atomic():
        for secret in AccreditationSecret.objects.select_for_update():
            rotated = fernet.rotate(secret.eiv_password.encode()).decode()
            AccreditationSecret.objects.filter(pk=secret.pk).update(eiv_password=rotated)
            count += 1
    return count


def _snapshot(accreditation: Accreditation) -> dict[str, Any]:
    values = audit.snapshot(accreditation, ACCREDITATION_FIELDS)
    return {key: (f"{value.normalize():f}" if isinstance(value, Decimal) else value) for key, value in values.items()}


@transaction.atomic(durable=True)
def save_accreditation(
    organization: Organization,
    *,
    by: Any,
    fields: dict[str, Any],
    accreditation: Accreditation | None = None,
    eiv_password: str = "",
) -> Accreditation:
    """Create or change an accreditation of one of the organization's own course versions.

    An empty ``eiv_password`` keeps the stored one; a new one replaces it (encrypted).
    """
    version = fields.get("course_version") or (accreditation.course_version if accreditation else None)
    if version is None or version.course.organization_id != organization.pk:
        raise CourseError(
            _("Choose a version of one of this organization's own courses."), code="not_own", field="course_version"
        )
    if fields.get("vnr"):
        fields["vnr"] = "".join(ch for ch in fields["vnr"] if ch not in " -")
        try:
            validate_vnr(fields["vnr"])
        except ValidationError as error:
            raise CourseError(error.messages[0], code=error.code or "vnr", field="vnr") from None
    valid_from, valid_until = fields.get("valid_from"), fields.get("valid_until")
    if valid_from and valid_until and valid_until < valid_from:
        raise CourseError(_("The end lies before the start."), code="window", field="valid_until")
    created = accreditation is None
    before: dict[str, Any] = {}
    if accreditation is None:
        accreditation = Accreditation()
    else:
        accreditation = Accreditation.objects.select_for_update().get(pk=accreditation.pk)
        before = _snapshot(accreditation)
    for name, value in fields.items():
        setattr(accreditation, name, value)
    # The blueprint is the author's (set by the course package); an empty one means "draw any items".
    accreditation.full_clean(exclude=["blueprint"])
    accreditation.save()
    after = _snapshot(accreditation)
    if not created:
        before, after = audit.changed(before, after)
    if eiv_password:
        secret = encrypt(eiv_password)
        AccreditationSecret.objects.update_or_create(
            accreditation=accreditation, defaults={"eiv_password": secret, "set_by": by}
        )
        # The value never goes into the audit trail; that it changed does.
        after["eiv_password"] = "changed"  # noqa: S105 - a marker, not a password
    if created or after:
        audit.record(
            organization,
            actor=by,
            action=OrgAuditEvent.Action.ACCREDITATION_CREATED
            if created
            else OrgAuditEvent.Action.ACCREDITATION_CHANGED,
            target=accreditation,
            object_repr=f"{accreditation.body} · {accreditation.vnr or accreditation.key}",
            before=before,
            after=after,
        )
    return accreditation
