"""Every CSV and XLSX writer escapes cells a spreadsheet would run as formulas, by one rule (config.text)."""

import csv
import datetime as dt
import io
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from certificates.models import ExternalCredit
from certificates.reporting import lists
from organizations import exports
from quizzes import statistics

from .conftest import english_client

HOSTILE = [
    '=HYPERLINK("http://x","y")',
    "+1+1",
    "-2+3",
    "@SUM(A1)",
    "\t=1",
    "\r=1",
    " =1",  # leading space
    "\u00a0=1",  # no-break space
    "\u2003=1",  # em space
    "\u3000=1",  # ideographic space
    "\u200b=1",  # zero-width space
    "\uff1d1+1",  # full-width =
    "\uff0b1",  # full-width +
    "\uff0d1",  # full-width -
    "\uff20SUM(A1)",  # full-width @
]


def _csv(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def _xlsx(content: bytes) -> list[list[object]]:
    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook.worksheets[0]
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f", cell.value  # never stored as a formula
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def report_csv(value: str) -> list[str]:
    target = io.BytesIO()
    exports.write_csv(target, ["name"], [[value]])
    return _csv(target.getvalue())[1]


def report_xlsx(value: str) -> list[object]:
    target = io.BytesIO()
    exports.write_xlsx(target, ["name"], [[value]], title="t")
    return _xlsx(target.getvalue())[1]


def _participant(value: str) -> lists.Row:
    return lists.Row(
        efn=value, name=value, completed_on=dt.date(2026, 1, 2), points=Decimal(4), learning_success=True, code=value
    )


def participants_csv(value: str) -> list[str]:
    row = _csv(lists.as_csv([_participant(value)]))[1]
    return [row[0], row[1], row[5]]


def participants_xlsx(value: str) -> list[object]:
    row = _xlsx(lists.as_xlsx([_participant(value)], title="t"))[1]
    return [row[0], row[1], row[5]]


def item_analysis_csv(value: str) -> list[str]:
    item = SimpleNamespace(
        key=value,
        version=1,
        module_slug=value,
        principles=[value],
        type=value,
        options=SimpleNamespace(all=lambda: [SimpleNamespace(key=value, correct=True)]),
    )
    row = SimpleNamespace(
        item=item,
        responses=3,
        facility=None,
        discrimination=None,
        point_biserial=None,
        distractors={value: 1},
        flags=[value],
    )
    cells = list(csv.reader(io.StringIO(statistics.item_analysis_csv([row]), newline="")))[1]
    return [cells[0], cells[2], cells[3], cells[4], cells[10]]


EXPORTERS = [report_csv, report_xlsx, participants_csv, participants_xlsx, item_analysis_csv]


@pytest.mark.parametrize("exporter", EXPORTERS, ids=lambda e: e.__name__)
@pytest.mark.parametrize("value", HOSTILE)
def test_every_exporter_escapes_formulas(exporter, value):
    cells = exporter(value)
    assert cells and all(cell == "'" + value for cell in cells), cells


@pytest.mark.parametrize("exporter", EXPORTERS, ids=lambda e: e.__name__)
def test_plain_text_is_left_alone(exporter):
    assert all(cell == "Müller A=1" for cell in exporter("Müller A=1"))


@pytest.mark.parametrize("value", HOSTILE)
def test_transcript_csv_escapes_every_text_column(learner, value):
    """The transcript CSV escaped only the title, and only for "=+-@" at the very start."""
    ExternalCredit.objects.create(
        user=learner, title=value, body=value, category=value[:20], completed_on=dt.date(2025, 1, 1), points=1
    )
    response = english_client(learner).get(reverse("certificates:transcript_export", args=["csv"]))
    row = _csv(response.content)[1]
    assert row[1] == "'" + value
    assert row[2] == "'" + value
    assert row[3] == "'" + value[:20]
