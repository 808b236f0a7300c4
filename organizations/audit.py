"""
The audit trail of admin actions in an organization (role changes, enrolments, accreditation edits,
revocations, exports). Any app may write a row through :func:`record`; the organization's admins read them
on the audit page. Secrets never go into ``before``/``after``: callers pass a marker such as ``"changed"``.
"""

from typing import Any

from django.db import models

from .models import Organization, OrgAuditEvent


def snapshot(instance: models.Model, fields: list[str]) -> dict[str, Any]:
    """The named fields of a row as JSON-friendly values (foreign keys as their id)."""
    values: dict[str, Any] = {}
    for name in fields:
        field = instance._meta.get_field(name)
        if not isinstance(field, models.Field):
            raise TypeError(f"{name!r} is a relation of {type(instance).__name__}, not one of its fields")
        if field.many_to_many:
            values[name] = sorted(getattr(instance, name).values_list("pk", flat=True)) if instance.pk else []
        else:
            values[name] = getattr(instance, field.attname)
    return values


def changed(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the keys whose values differ, so an audit row shows what an edit did."""
    keys = [key for key in after if before.get(key) != after.get(key)]
    return {key: before.get(key) for key in keys}, {key: after[key] for key in keys}


def record(
    organization: Organization,
    *,
    actor: Any,
    action: str,
    target: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> OrgAuditEvent:
    """Write one audit row; call it inside the transaction of the change it describes."""
    if target is not None:
        object_type = object_type or target._meta.label_lower
        object_id = object_id or str(target.pk)
        object_repr = object_repr or str(target)
    return OrgAuditEvent.objects.create(
        organization=organization,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr[:300],
        before=before or {},
        after=after or {},
    )
