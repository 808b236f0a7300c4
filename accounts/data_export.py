"""
The learner's copy of everything Haltung holds about them (GDPR Art. 15 and 20), as one ZIP.

Like erasure, the data sits in apps that accounts cannot reach, so each app registers a section builder here
from its ``AppConfig.ready``: a function from the user to a list of :class:`Section`. The archive holds
``data.json`` (machine-readable, every section's records), ``index.html`` (the same, readable, in the
learner's language) and the files the sections name (certificate PDFs and credentials, evidence files).
"""

import io
import json
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.files.storage import default_storage
from django.db import models
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

FORMAT = "haltung-data-export/1"


@dataclass(frozen=True)
class ExportFile:
    """A file in the archive: stored bytes (``storage_name``) or bytes made for the export (``content``)."""

    path: str
    storage_name: str = ""
    content: bytes | None = None


@dataclass
class Section:
    key: str
    title: str | Promise
    records: list[dict[str, Any]]
    labels: dict[str, str | Promise] = field(default_factory=dict)
    files: list[ExportFile] = field(default_factory=list)
    note: str | Promise = ""


SectionBuilder = Callable[[Any], list[Section]]
SECTION_BUILDERS: list[SectionBuilder] = []


def register(builder: SectionBuilder) -> SectionBuilder:
    if builder not in SECTION_BUILDERS:
        SECTION_BUILDERS.append(builder)
    return builder


def jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, dict):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(item) for item in value]
    if isinstance(value, models.Model):
        return value.pk
    return value


def _field(model: type[models.Model], name: str) -> "models.Field[Any, Any]":
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field):
        raise TypeError(f"{model.__name__}.{name} is a relation, not a field of the row")
    return field


def record(instance: models.Model, fields: Iterable[str], **extra: Any) -> dict[str, Any]:
    """The named fields of a row (foreign keys as ids, file fields as their stored name) plus extras."""
    values: dict[str, Any] = {}
    for name in fields:
        model_field = _field(type(instance), name)
        value = getattr(instance, model_field.attname)
        values[name] = value.name if isinstance(value, models.fields.files.FieldFile) else value
    values.update(extra)
    return jsonable(values)


def labels(model: type[models.Model], fields: Iterable[str], **extra: str | Promise) -> dict[str, str | Promise]:
    """Readable column names: the fields' translated verbose names, plus labels for extras."""
    return {**{name: _field(model, name).verbose_name for name in fields}, **extra}


def profile_section(user: Any) -> list[Section]:
    from .models import User

    fields = ["email", "name", "efn", "licence_number", "language", "date_joined", "last_login", "is_active"]
    return [
        Section(
            "profile",
            _("Your account"),
            [record(user, fields, id=user.pk)],
            labels(User, fields, id=_("user id")),
            note=_("Your password is stored only as a salted hash and is not part of this export."),
        )
    ]


def sign_in_section(user: Any) -> list[Section]:
    """The account's sign-in log (decision 0701): what happened, when, from which address."""
    from .models import SignInEvent

    fields = ["at", "kind", "ip", "user_agent"]
    events = SignInEvent.objects.filter(user=user).order_by("at", "pk")
    return [
        Section(
            "sign_in_events",
            _("Sign-in activity"),
            [record(event, fields) for event in events],
            labels(SignInEvent, fields),
        )
    ]


def collect(user: Any) -> list[Section]:
    sections = profile_section(user) + sign_in_section(user)
    for builder in SECTION_BUILDERS:
        sections.extend(builder(user))
    return sections


def _readable(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, indent=1)
    return str(value)


def build_archive(user: Any, *, now: datetime | None = None) -> bytes:
    """The ZIP: data.json, index.html and every file the sections name, missing files listed, not fatal."""
    now = now or timezone.now()
    with translation.override(user.language):
        sections = collect(user)
        missing: list[str] = []
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for section in sections:
                for item in section.files:
                    if item.content is not None:
                        archive.writestr(item.path, item.content)
                    elif item.storage_name and default_storage.exists(item.storage_name):
                        with default_storage.open(item.storage_name, "rb") as handle:
                            archive.writestr(item.path, handle.read())
                    else:
                        missing.append(item.path)
            data = {
                "format": FORMAT,
                "generated_at": now.isoformat(),
                "user_id": user.pk,
                "sections": {
                    section.key: {
                        "title": str(section.title),
                        "records": section.records,
                        "files": [item.path for item in section.files if item.path not in missing],
                    }
                    for section in sections
                },
                "missing_files": missing,
            }
            archive.writestr("data.json", json.dumps(data, ensure_ascii=False, indent=2))
            tables = [
                {
                    "key": section.key,
                    "title": section.title,
                    "note": section.note,
                    "rows": [
                        [(section.labels.get(key, key), _readable(value)) for key, value in row.items()]
                        for row in section.records
                    ],
                    "files": [item.path for item in section.files if item.path not in missing],
                }
                for section in sections
            ]
            html = render_to_string(
                "accounts/data_export/index.html",
                {"user": user, "sections": tables, "generated_at": now, "missing": missing, "language": user.language},
            )
            archive.writestr("index.html", html)
    return buffer.getvalue()
