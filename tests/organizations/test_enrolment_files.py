"""Reading and checking enrolment files: every malformed input gets a message naming row and column."""

import io

import pytest
from openpyxl import Workbook

from enrolments.uploads import FileRefused, check_rows, read_file

from .conftest import efn_with_check_digit

LIMITS = {"max_bytes": 1_000_000, "max_rows": 100}


def read(content: bytes, name: str = "learners.csv", **limits):
    return read_file(content, name, **{**LIMITS, **limits})


def check(content: bytes, name: str = "learners.csv"):
    return check_rows(read(content, name), default_language="de")


def xlsx(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def refused(content: bytes, name: str = "learners.csv", **limits) -> FileRefused:
    with pytest.raises(FileRefused) as excinfo:
        read(content, name, **limits)
    return excinfo.value


def test_reads_semicolon_csv_with_bom_and_german_headers():
    """Excel's "CSV UTF-8" (BOM, semicolons, German headers) reads as it should, umlauts intact."""
    content = "\ufeffName;E-Mail;EFN;Sprache\nJürgen Groß;JG@example.org;;EN\n".encode()
    result = check(content)
    assert not result.errors
    row = result.rows[0]
    assert (row.number, row.name, row.email, row.language) == (2, "Jürgen Groß", "jg@example.org", "en")


def test_reads_utf16_with_bom():
    """UTF-16 with a byte-order mark (Excel's "Unicode text") is read."""
    assert check("name\temail\nÄnne\tae@example.org\n".encode("utf-16")).rows[0].name == "Änne"


def test_windows_encoding_is_refused_with_line_and_advice():
    """A cp1252 file is refused, naming the line and how to save it properly; nothing is guessed."""
    error = refused("name,email\nAnna,a@example.org\nJürgen,j@example.org\n".encode("cp1252"))
    assert error.code == "encoding" and "line 3" in error.message and "CSV UTF-8" in error.message


def test_missing_columns_are_named():
    """A file without an e-mail column says which column is missing and what it found."""
    error = refused(b"name;mail address\nAnna;a@example.org\n")
    assert error.code == "missing_columns" and "email" in error.message and "mail address" in error.message


def test_oversize_file_and_too_many_rows_are_refused():
    """Files over the byte limit or the row limit are refused before any row is checked."""
    assert refused(b"name,email\n" + b"a,b@example.org\n" * 10, max_bytes=50).code == "too_large"
    assert refused(b"name,email\n" + b"a,b@example.org\n" * 101).code == "too_many_rows"


def test_binary_old_excel_and_broken_xlsx_are_refused():
    """NUL bytes, an .xls file and a damaged .xlsx each get their own message."""
    assert refused(b"name,email\n\x00\x01").code == "binary"
    assert refused(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "old.xls").code == "xls"
    assert refused(b"PK\x03\x04 not really a zip", "broken.xlsx").code == "bad_xlsx"
    assert refused(b"name,email", "named.xlsx").code == "bad_xlsx"


def test_every_bad_cell_is_reported_with_row_and_column():
    """Duplicates, bad addresses, wrong EFNs, languages and empty names: all reported at once, per row."""
    good_efn = efn_with_check_digit("80276001234567")
    bad_efn = good_efn[:-1] + str((int(good_efn[-1]) + 1) % 10)
    content = (
        "name;email;efn;language\n"
        f"Anna;anna@example.org;{good_efn};de\n"
        "Bert;not-an-address;;\n"
        f"Cora;cora@example.org;{bad_efn};\n"
        ";dora@example.org;;\n"
        "Anna Again;ANNA@example.org;;\n"
        "Emil;emil@example.org;12345;fr\n"
    ).encode()
    result = check(content)
    found = {(e.row, e.column) for e in result.errors}
    assert found == {(3, "email"), (4, "efn"), (5, "name"), (6, "email"), (7, "efn"), (7, "language")}
    messages = {(e.row, e.column): e.message for e in result.errors}
    assert "row 2" in messages[(6, "email")]
    assert "15 digits" in messages[(7, "efn")] and "check digit" in messages[(4, "efn")]
    assert [row.email for row in result.rows] == ["anna@example.org"]


@pytest.mark.parametrize("cell", ['=HYPERLINK("http://evil.example","x")', "+1+2", "-2+3", "@SUM(A1)", "\t=1"])
def test_formula_injection_is_refused(cell):
    """A cell a spreadsheet would run as a formula is refused with the row, column and reason."""
    result = check(f"name;email\n{cell};x@example.org\n".encode())
    assert [(e.row, e.column) for e in result.errors] == [(2, "name")]
    assert "formula" in result.errors[0].message


def test_xlsx_formula_cell_is_refused_and_numbers_are_read():
    """In XLSX a formula cell reads as its formula and is refused; a numeric EFN keeps all its digits."""
    efn = efn_with_check_digit("80276001234567")
    content = xlsx(
        [
            ["Name", "E-Mail", "EFN"],
            ["Anna", "anna@example.org", int(efn)],
            ['=HYPERLINK("http://evil.example","click")', "b@example.org", None],
            [None, None, None],
        ]
    )
    result = check(content, "learners.xlsx")
    assert result.rows[0].efn == efn
    assert [(e.row, e.column) for e in result.errors] == [(3, "name")]


def test_blank_rows_are_skipped_and_a_header_alone_is_refused():
    """Empty lines are not learners; a file with only a header says so."""
    assert len(read(b"name,email\n\na,a@example.org\n,\n")) == 1
    assert refused(b"name,email\n\n").code == "no_rows"
