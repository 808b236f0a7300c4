"""
PostgreSQL COPY for the data generator: rows go in as one stream per table instead of one INSERT per batch.

``copy_rows`` takes database-ready tuples for the named fields and fills every other column from the model
(its default, ``now`` for ``auto_now(_add)``), because Django's defaults live in Python, not in the
table. ``copy_text`` takes preformatted tab-separated lines for the two big tables (attempts' responses and
step progress), where building tuples would cost more than the database's own work. Primary keys are
handed out by the generator (``next_ids``) so that rows can point at each other before they exist, and the
identity sequences are moved past them afterwards (``sync_sequences``).
"""

import json
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, models
from django.utils import timezone
from psycopg.types.json import Jsonb

CHUNK = 1 << 20


def _column_default(field: models.Field) -> Any:
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return timezone.now()
    if field.has_default():
        value = field.get_default()
        if isinstance(field, models.JSONField):
            return Jsonb(value)
        return field.get_db_prep_save(value, connection)
    if field.null:
        return None
    if isinstance(field, models.CharField | models.TextField | models.FileField):
        return ""
    raise ValueError(f"{field.model.__name__}.{field.name} has no default; give it a value")


def copy_rows(model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """COPY tuples of ``fields`` (attnames, e.g. ``user_id``) into the model's table; returns the count."""
    meta = model._meta
    given = [meta.get_field(name) for name in fields]  # names or attnames ("user_id")
    given_columns = [field.column for field in given]
    rest = [
        field
        for field in meta.concrete_fields
        if field.column not in given_columns and not (field.primary_key and isinstance(field, models.AutoField))
    ]
    tail = tuple(_column_default(field) for field in rest)
    columns = ", ".join(f'"{c}"' for c in given_columns + [field.column for field in rest])
    count = 0
    with connection.cursor() as cursor, cursor.copy(f'COPY "{meta.db_table}" ({columns}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row((*row, *tail))
            count += 1
    return count


def copy_text(model: type[models.Model], columns: Sequence[str], lines: Iterable[str]) -> int:
    """COPY preformatted lines (tab-separated, newline-terminated, values already in COPY text form)."""
    names = ", ".join(f'"{c}"' for c in columns)
    count = 0
    buffer: list[str] = []
    size = 0
    with connection.cursor() as cursor, cursor.copy(f'COPY "{model._meta.db_table}" ({names}) FROM STDIN') as copy:
        for line in lines:
            buffer.append(line)
            size += len(line)
            count += 1
            if size >= CHUNK:
                copy.write("".join(buffer))
                buffer, size = [], 0
        if buffer:
            copy.write("".join(buffer))
    return count


def next_ids(model: type[models.Model], count: int) -> range:
    """Reserve ``count`` primary keys above the table's highest one."""
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{model._meta.db_table}"')  # noqa: S608 - a model's table
        start = cursor.fetchone()[0] + 1
    return range(start, start + count)


def sync_sequences(*model_list: type[models.Model]) -> None:
    with connection.cursor() as cursor:
        for model in model_list:
            table = model._meta.db_table
            sql = f"SELECT setval(pg_get_serial_sequence(%s, 'id'), COALESCE((SELECT MAX(id) FROM \"{table}\"), 1))"  # noqa: S608 - a model table
            cursor.execute(sql, [table])


def jsonb(value: Any) -> Jsonb:
    return Jsonb(value)


def json_text(value: Any) -> str:
    """A JSON value as a COPY text field (our values hold no tabs, newlines or backslashes)."""
    text = json.dumps(value, separators=(",", ":"))
    if any(c in text for c in "\t\n\\"):
        raise ValueError("value needs COPY escaping")
    return text
