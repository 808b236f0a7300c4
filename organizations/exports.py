"""
Streaming CSV and XLSX writers for report files, with formula-injection escaping. Pure: rows in, file out.

Rows come from an iterator and go straight to the file, so memory stays flat whatever the row count:
the CSV writer holds one row at a time, and openpyxl's write-only workbook streams each row to a temporary
XML part with inline strings (no shared-string table that grows with the data).
"""

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import IO, Any

from django.utils import timezone
from django.utils.translation import gettext as _

# The one formula rule of every CSV and XLSX writer (OWASP "CSV injection"); re-exported for the writers.
from config.text import escape_formula

__all__ = ["escape_formula", "write_csv", "write_xlsx"]

PROGRESS_EVERY = 1000

Progress = Callable[[int], None]


def _plain(value: Any) -> Any:
    """A cell value as a spreadsheet should store it; text is escaped, numbers and dates stay typed."""
    if value is None:
        return None
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, int | float | Decimal | date):
        return value
    return escape_formula(str(value))


def _csv_text(value: Any) -> str:
    value = _plain(value)
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    return str(value)


def write_csv(
    target: IO[bytes], headers: Sequence[str], rows: Iterable[Sequence[Any]], *, progress: Progress | None = None
) -> int:
    """Write UTF-8 with BOM and semicolons (what German spreadsheet programs open without a dialogue)."""
    text = io.TextIOWrapper(target, encoding="utf-8-sig", newline="", write_through=True)
    writer = csv.writer(text, delimiter=";")
    writer.writerow([_csv_text(h) for h in headers])
    count = 0
    for row in rows:
        writer.writerow([_csv_text(value) for value in row])
        count += 1
        if progress and count % PROGRESS_EVERY == 0:
            progress(count)
    text.flush()
    text.detach()
    return count


def write_xlsx(
    target: IO[bytes],
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    title: str,
    progress: Progress | None = None,
) -> int:
    # Imported here, not at module level: openpyxl costs start-up time in every process that never writes XLSX.
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=(title or "Report")[:31])

    def text_cell(value: Any) -> Any:
        value = _plain(value)
        if isinstance(value, str):
            # Typed as text explicitly: openpyxl would otherwise store a leading "=" as a formula.
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"
            return cell
        return value

    sheet.append([text_cell(h) for h in headers])
    count = 0
    for row in rows:
        sheet.append([text_cell(value) for value in row])
        count += 1
        if progress and count % PROGRESS_EVERY == 0:
            progress(count)
    workbook.save(target)
    return count
