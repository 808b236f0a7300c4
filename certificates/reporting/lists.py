"""Participant lists per accreditation (VNR): CSV, XLSX and a printable PDF with EFN barcodes. Pure builders."""

import csv
import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from config.text import escape_formula
from courses.models import Accreditation

from ..barcodes import code39_data_uri
from ..models import Certificate


@dataclass(frozen=True)
class Row:
    efn: str
    name: str
    completed_on: date
    points: Decimal | None
    learning_success: bool
    code: str


def participant_rows(accreditation: Accreditation, *, cohorts: Any = None, completed: Q | None = None) -> list[Row]:
    """Valid certificates of the accreditation (of these cohorts, for a tutor; completed in a period, for a
    chamber), oldest completion first; one query."""
    certificates = Certificate.objects.for_accreditation(accreditation)
    if cohorts is not None:
        certificates = certificates.filter(enrollment__cohort__in=cohorts)
    certificates = (
        certificates.filter(completed or Q(), status=Certificate.Status.VALID)
        .order_by("completed_at", "pk")
        .only("participant_efn", "participant_name", "completed_at", "points", "result_percent", "pass_mark", "code")
    )
    return [
        Row(
            efn=c.participant_efn,
            name=c.participant_name,
            completed_on=timezone.localtime(c.completed_at).date(),
            points=c.points,
            learning_success=c.result_percent >= c.pass_mark,
            code=c.code,
        )
        for c in certificates
    ]


def headers() -> list[str]:
    return [_("EFN"), _("Name"), _("Completion date"), _("Points"), _("Learning success"), _("Certificate code")]


def _cells(row: Row) -> list[str]:
    points = "" if row.points is None else f"{row.points.normalize():f}"
    return [
        escape_formula(row.efn),
        escape_formula(row.name),
        row.completed_on.isoformat(),
        points,
        _("yes") if row.learning_success else _("no"),
        escape_formula(row.code),
    ]


def as_csv(rows: list[Row]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(headers())
    writer.writerows(_cells(row) for row in rows)
    # UTF-8 with BOM and semicolons: what German spreadsheet programs open without an import dialogue.
    return buffer.getvalue().encode("utf-8-sig")


def as_xlsx(rows: list[Row], *, title: str) -> bytes:
    # Imported here, not at module level: openpyxl costs start-up time in every process that never writes XLSX.
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.worksheets[0]  # a new workbook has one sheet
    sheet.title = title[:31] or "Participants"
    sheet.append(headers())
    for row in rows:
        sheet.append(
            [
                # Escaped text never starts with "=", so openpyxl stores it as text, not as a formula.
                escape_formula(row.efn),
                escape_formula(row.name),
                row.completed_on,
                float(row.points) if row.points is not None else None,
                _("yes") if row.learning_success else _("no"),
                escape_formula(row.code),
            ]
        )
    for column, width in zip("ABCDEF", (18, 32, 14, 8, 16, 20), strict=True):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def as_pdf(rows: list[Row], *, accreditation: Accreditation, organizer: str) -> bytes:
    # Imported here, not at module level: WeasyPrint loads pango through cffi, a start-up cost for every web process.
    from weasyprint import HTML

    entries = [(row, code39_data_uri(row.efn, module_height=8.0) if row.efn.isdigit() else "") for row in rows]
    html = render_to_string(
        "certificates/reports/participants_pdf.html",
        {"accreditation": accreditation, "entries": entries, "organizer": organizer, "now": timezone.now()},
    )
    return HTML(string=html).write_pdf(pdf_variant="pdf/a-3b")
