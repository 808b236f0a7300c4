"""
Accreditations recorded by the organizations that hold them, and the EIV password that comes with a VNR.

Any organization that runs a course version (its own, or a public one) may record its own accreditation of
it; several may accredit the same version independently (decision 0310). The checks say what is wrong at
which field: the VNR's check digit, a window out of order or outside the version's life, points above what
the course's time supports.

The password is encrypted with Fernet (AES-128-CBC + HMAC-SHA256, from ``cryptography``) under keys from
the environment (``HALTUNG_EIV_PASSWORD_KEYS``); ``MultiFernet`` decrypts with any listed key and encrypts
with the first, so keys rotate without downtime (decision 0306). The password is never rendered again after
entry: forms show only whether one is set; the audit row says "changed", never the value.
"""

from datetime import date
from decimal import ROUND_DOWN, Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.fields.files import FieldFile
from django.utils import formats, timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.validators import luhn_is_valid
from organizations import audit
from organizations.models import Organization, OrgAuditEvent

from . import selectors
from .errors import CourseError
from .models import Accreditation, AccreditationSecret, CourseVersion

VNR_LENGTH = 19
ACCREDITATION_FIELDS = [
    "course_version",
    "holder",
    "key",
    "body",
    "body_organization",
    "category",
    "unit",
    "points",
    "vnr",
    "valid_from",
    "valid_until",
    "pass_mark",
    "max_attempts",
    "cooldown_hours",
    "after_last_attempt",
    "new_round_days",
    "contact_name",
    "contact_email",
    "wording",
    "certificate_validity_months",
    "reporting_channel",
    "open_for_self_enrolment",
    "scientific_lead",
    "scientific_lead_qualification",
    "scientific_lead_signature",
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


def course_minutes(version: CourseVersion) -> int:
    """The learner time an accreditation's points may rest on: the version's minutes, which the package
    reader computes from the content (issue 14, ``courses/packages/timing.py``), the same figure the package's
    own profiles are checked against."""
    return version.minutes


def supported_points(version: CourseVersion, unit: str) -> Decimal:
    """The most points the version's time supports: full 45-minute units (cpd-rules 1.2) or hours."""
    minutes = course_minutes(version)
    if unit == Accreditation.Unit.HOUR:
        return (Decimal(minutes) / 60).quantize(Decimal("0.1"), rounding=ROUND_DOWN)
    return Decimal(minutes // 45)


def _points_problem(version: CourseVersion, unit: str, points: Decimal | None) -> CourseError | None:
    ceiling = supported_points(version, unit)
    if points is None or points <= ceiling:
        return None
    params = {
        "minutes": course_minutes(version),
        "max": f"{ceiling.normalize():f}",
        "points": f"{points.normalize():f}",
    }
    if unit == Accreditation.Unit.HOUR:
        message = _("The course takes %(minutes)d minutes, which supports at most %(max)s hours, not %(points)s.")
    else:
        message = _(
            "The course takes %(minutes)d minutes: %(max)s full 45-minute units, so at most %(max)s points, "
            "not %(points)s."
        )
    return CourseError(message % params, code="points_above_time", field="points")


def _window_problems(version: CourseVersion, valid_from: date | None, valid_until: date | None) -> list[CourseError]:
    """The validity window must be in order and inside the version's life (published, not yet retired)."""
    found: list[CourseError] = []
    published = timezone.localdate(version.published_at) if version.published_at else None
    retired = timezone.localdate(version.retired_at) if version.retired_at else None
    if valid_from and valid_until and valid_until < valid_from:
        found.append(CourseError(_("The end lies before the start."), code="window", field="valid_until"))
    elif published and valid_until and valid_until < published:
        found.append(
            CourseError(
                _("This course version was published on %(date)s; the window ends before that.")
                % {"date": formats.date_format(published, "SHORT_DATE_FORMAT")},
                code="before_version",
                field="valid_until",
            )
        )
    if published and valid_from and valid_from < published:
        found.append(
            CourseError(
                _("This course version was published on %(date)s; an accreditation cannot start before that.")
                % {"date": formats.date_format(published, "SHORT_DATE_FORMAT")},
                code="before_version",
                field="valid_from",
            )
        )
    elif retired and valid_from and valid_from > retired:
        found.append(
            CourseError(
                _("This course version was retired on %(date)s; no accreditation can start after that.")
                % {"date": formats.date_format(retired, "SHORT_DATE_FORMAT")},
                code="after_version",
                field="valid_from",
            )
        )
    return found


def _free_key(version: CourseVersion, base: str) -> str:
    taken = set(Accreditation.objects.filter(course_version=version).values_list("key", flat=True))
    key, number = base[:50], 2
    while key in taken:
        key, number = f"{base[:45]}-{number}", number + 1
    return key


def _package_profile(version: CourseVersion) -> dict[str, Any]:
    """The package's default accreditation profile: how its final test is drawn, for a new accreditation."""
    profiles = (version.manifest or {}).get("accreditations") or []
    return next((p for p in profiles if p.get("default")), profiles[0] if profiles else {})


def normalized(fields: dict[str, Any]) -> dict[str, Any]:
    """The input as it is stored: the VNR without spaces, the chamber's name as the body when none is given."""
    fields = dict(fields)
    if fields.get("vnr"):
        fields["vnr"] = "".join(ch for ch in fields["vnr"] if ch not in " -")
    chamber = fields.get("body_organization")
    if chamber is not None and not fields.get("body"):
        fields["body"] = chamber.name
    return fields


def problems(fields: dict[str, Any], version: CourseVersion, organization: Organization) -> list[CourseError]:
    """Every problem of (normalized) input for this version, each on its field; the form shows them all."""
    found: list[CourseError] = []
    if fields.get("open_for_self_enrolment") and version.course.organization_id != organization.pk:
        found.append(
            CourseError(
                _(
                    "Only accreditations of this organization's own courses can be open for self-enrolment; "
                    "learners of a public course come under yours through your cohorts."
                ),
                code="self_enrolment_not_own",
                field="open_for_self_enrolment",
            )
        )
    if fields.get("vnr"):
        try:
            validate_vnr(fields["vnr"])
        except ValidationError as error:
            found.append(CourseError(error.messages[0], code=error.code or "vnr", field="vnr"))
    chamber = fields.get("body_organization")
    if chamber is not None and chamber.kind != Organization.Kind.CHAMBER:
        found.append(CourseError(_("Choose a chamber."), code="not_chamber", field="body_organization"))
    if "body" in fields and not fields.get("body"):
        found.append(
            CourseError(_("Choose the accrediting chamber or name the accrediting body."), code="no_body", field="body")
        )
    problem = _points_problem(version, fields.get("unit") or Accreditation.Unit.FE, fields.get("points"))
    if problem is not None:
        found.append(problem)
    found += _window_problems(version, fields.get("valid_from"), fields.get("valid_until"))
    return found


def _snapshot(accreditation: Accreditation) -> dict[str, Any]:
    values = audit.snapshot(accreditation, ACCREDITATION_FIELDS)
    return {
        key: (
            f"{value.normalize():f}"
            if isinstance(value, Decimal)
            else (value.name or "")
            if isinstance(value, FieldFile)
            else value
        )
        for key, value in values.items()
    }


@transaction.atomic(durable=True)
def save_accreditation(
    organization: Organization,
    *,
    by: Any,
    fields: dict[str, Any],
    accreditation: Accreditation | None = None,
    eiv_password: str = "",
) -> Accreditation:
    """Record or change an accreditation the organization holds, of a version it may run (decision 0310).

    An empty ``eiv_password`` keeps the stored one; a new one replaces it (encrypted). Bad input raises a
    ``CourseError`` on its field before anything is written (the form shows all of them: :func:`problems`).
    """
    fields = normalized(fields)
    if accreditation is not None and accreditation.holder_id != organization.pk:
        raise CourseError(_("This accreditation belongs to another organization."), code="not_held")
    version = fields.get("course_version") or (accreditation.course_version if accreditation else None)
    new_version = accreditation is None or version is None or version.pk != accreditation.course_version_id
    if version is None or (new_version and not selectors.versions_for(organization).filter(pk=version.pk).exists()):
        raise CourseError(
            _("Choose a published version of this organization's own or of a public course."),
            code="not_available",
            field="course_version",
        )
    found = problems(fields, version, organization)
    if found:
        raise found[0]
    created = accreditation is None
    before: dict[str, Any] = {}
    if accreditation is None:
        profile = _package_profile(version)
        # The final test is drawn, and engagement required, as the package's author designed it.
        accreditation = Accreditation(
            holder=organization,
            draw=profile.get("draw", 20),
            blueprint=dict(profile.get("blueprint") or {}),
            min_active_share=Decimal(str(profile.get("min_active_share", 0))),
        )
    else:
        accreditation = Accreditation.objects.select_for_update().get(pk=accreditation.pk)
        before = _snapshot(accreditation)
    if not fields.get("key") and not accreditation.key:
        fields["key"] = _free_key(version, slugify(organization.slug) or "accreditation")
    elif not fields.get("key"):
        fields.pop("key", None)
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
