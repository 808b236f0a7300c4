"""
Reading a bulk-enrolment file (CSV or XLSX) and checking each cell. Pure: bytes in, rows and errors out.

Columns: name, e-mail, optional EFN, optional language (German headers are understood too). Encoding policy
(decision 0305): XLSX carries its own; CSV must be UTF-8 (with or without BOM) or UTF-16 with BOM. Anything
else is refused with the line and byte where decoding failed, rather than guessed, because a wrong guess
silently misspells names that are then printed on certificates.
"""

import codecs
import csv
import io
import unicodedata
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from accounts.validators import normalize_efn, validate_efn

REQUIRED = ("name", "email")
OPTIONAL = ("efn", "language")
# Header spellings people use, compared after dropping case, spaces, dashes and underscores.
ALIASES = {
    "name": {"name", "fullname", "vollername", "teilnehmer", "teilnehmerin"},
    "email": {"email", "emailadresse", "emailaddress", "mail"},
    "efn": {"efn", "fortbildungsnummer"},
    "language": {"language", "sprache", "lang"},
}
LANGUAGES = {
    "de": "de",
    "deutsch": "de",
    "german": "de",
    "en": "en",
    "english": "en",
    "englisch": "en",
}
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"


class FileRefused(Exception):
    """The file as a whole cannot be read (encoding, format, columns, size); nothing is checked further."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.message, self.code = message, code


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str


@dataclass
class SourceRow:
    """One data row as read: ``number`` is the row a spreadsheet program shows (the header is row 1)."""

    number: int
    cells: dict[str, str]


@dataclass
class CheckedRow:
    number: int
    name: str
    email: str
    efn: str
    language: str


@dataclass
class CheckedFile:
    rows: list[CheckedRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def _key(header: str) -> str:
    return "".join(ch for ch in header.strip().lower() if ch not in " -_.")


def _columns(headers: list[str]) -> dict[str, int]:
    """Map our column names to positions; refuse missing or doubled columns, naming what was found."""
    found: dict[str, int] = {}
    for position, header in enumerate(headers):
        key = _key(header)
        for column, aliases in ALIASES.items():
            if key in aliases:
                if column in found:
                    raise FileRefused(
                        _("The column “%(column)s” appears twice in the header row.") % {"column": header.strip()},
                        code="duplicate_column",
                    )
                found[column] = position
    missing = [column for column in REQUIRED if column not in found]
    if missing:
        raise FileRefused(
            _(
                "The header row (row 1) lacks the column(s) %(missing)s. Found: %(found)s. "
                "Expected: name, email, and optionally efn and language."
            )
            % {
                "missing": ", ".join(missing),
                "found": ", ".join(h.strip() for h in headers if h.strip()) or _("nothing"),
            },
            code="missing_columns",
        )
    return found


def _decode(content: bytes) -> str:
    if content.startswith(codecs.BOM_UTF8):
        encoding, body = "utf-8", content[len(codecs.BOM_UTF8) :]
    elif content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding, body = "utf-16", content
    else:
        if b"\x00" in content[:4096]:
            raise FileRefused(
                _("The file contains NUL bytes: it is not a CSV text file (or UTF-16 without a byte-order mark)."),
                code="binary",
            )
        encoding, body = "utf-8", content
    try:
        return body.decode(encoding)
    except UnicodeDecodeError as error:
        line = body[: error.start].count(b"\n") + 1
        raise FileRefused(
            _(
                "The file is not UTF-8 encoded: line %(line)d has the byte 0x%(byte)02X that UTF-8 does not allow. "
                "It was probably saved in a Windows encoding. In Excel choose “CSV UTF-8 (comma delimited)”, "
                "or upload the XLSX file."
            )
            % {"line": line, "byte": body[error.start]},
            code="encoding",
        ) from None


def _sniff_delimiter(first_line: str) -> str:
    counts = {delimiter: first_line.count(delimiter) for delimiter in (";", ",", "\t")}
    return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","


def _read_csv(content: bytes) -> tuple[list[str], list[tuple[int, list[str]]]]:
    text = _decode(content)
    first_line = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_sniff_delimiter(first_line))
    records: list[tuple[int, list[str]]] = []
    try:
        headers = next(reader, [])
        for number, record in enumerate(reader, start=2):
            records.append((number, record))
    except csv.Error as error:
        raise FileRefused(
            _("The CSV file cannot be read at line %(line)d: %(error)s") % {"line": reader.line_num, "error": error},
            code="csv_syntax",
        ) from None
    return headers, records


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        # Spreadsheets store an EFN typed as a number as a float; 15 digits fit exactly.
        return str(int(value))
    return str(value)


def _read_xlsx(content: bytes) -> tuple[list[str], list[tuple[int, list[str]]]]:
    # Imported here, not at module level: openpyxl costs start-up time in every process that never writes XLSX.
    from openpyxl import load_workbook

    try:
        # data_only=False: a formula cell reads as its formula text ("=HYPERLINK(...)"), so it is caught below.
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except Exception:  # openpyxl raises zipfile, KeyError or XML errors for damaged files
        raise FileRefused(
            _("The file is not a readable XLSX workbook. Save it again from your spreadsheet program."),
            code="bad_xlsx",
        ) from None
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        headers = [_cell_text(value) for value in next(rows, ())]
        records = [(number, [_cell_text(value) for value in row]) for number, row in enumerate(rows, start=2)]
    finally:
        workbook.close()
    return headers, records


def too_large_message(size: int, limit: int) -> str:
    return _("The file is %(size)s MB; at most %(limit)s MB can be uploaded. Split it into several files.") % {
        "size": f"{size / 1_048_576:.1f}",
        "limit": f"{limit / 1_048_576:.1f}",
    }


def read_file(content: bytes, filename: str, *, max_bytes: int, max_rows: int) -> list[SourceRow]:
    """Read the rows of a CSV or XLSX upload; refuse files that cannot be read as a whole."""
    if len(content) > max_bytes:
        raise FileRefused(too_large_message(len(content), max_bytes), code="too_large")
    if not content.strip():
        raise FileRefused(_("The file is empty."), code="empty")
    if content.startswith(OLE_MAGIC):
        raise FileRefused(
            _("This is an old Excel file (.xls). Save it as .xlsx or as “CSV UTF-8” and upload it again."),
            code="xls",
        )
    if content.startswith(ZIP_MAGIC):
        headers, records = _read_xlsx(content)
    elif filename.lower().endswith((".xlsx", ".xlsm")):
        raise FileRefused(
            _("The file is not a readable XLSX workbook. Save it again from your spreadsheet program."),
            code="bad_xlsx",
        )
    else:
        headers, records = _read_csv(content)
    columns = _columns(headers)
    rows = []
    for number, record in records:
        if not any(cell.strip() for cell in record):
            continue
        cells = {name: (record[position] if position < len(record) else "") for name, position in columns.items()}
        rows.append(SourceRow(number, cells))
        if len(rows) > max_rows:
            raise FileRefused(
                _("The file has more than %(limit)d rows; upload at most %(limit)d rows at a time.")
                % {"limit": max_rows},
                code="too_many_rows",
            )
    if not rows:
        raise FileRefused(_("The file has a header row but no learners."), code="no_rows")
    return rows


def _control_characters(text: str) -> bool:
    return any(unicodedata.category(ch) == "Cc" for ch in text)


def _check_row(row: SourceRow, first_row_of: dict[str, int], default_language: str) -> list[tuple[str, str]]:
    """The (column, message) errors of one row; remembers the row's e-mail for the duplicate check."""
    errors: list[tuple[str, str]] = []
    for column, value in row.cells.items():
        if value.lstrip(" ").startswith(FORMULA_PREFIXES):
            char = value.lstrip(" ")[:1].replace("\t", "⇥").replace("\r", "↵")
            errors.append(
                (
                    column,
                    _("starts with “%(char)s”, which spreadsheet programs run as a formula; remove it.")
                    % {"char": char},
                )
            )
    refused = {column for column, _message in errors}
    name = row.cells.get("name", "").strip()
    email = row.cells.get("email", "").strip().lower()
    efn = normalize_efn(row.cells.get("efn", "").strip())
    language = row.cells.get("language", "").strip().lower()
    if "name" not in refused:
        if not name:
            errors.append(("name", _("is empty; every learner needs a name as printed on certificates.")))
        elif len(name) > 200:
            errors.append(("name", _("is longer than 200 characters.")))
        elif _control_characters(name):
            errors.append(("name", _("contains control characters (line breaks or tabs).")))
    if "email" not in refused:
        if not email:
            errors.append(("email", _("is empty.")))
        else:
            try:
                validate_email(email)
            except ValidationError:
                errors.append(("email", _("“%(value)s” is not a valid e-mail address.") % {"value": email}))
            else:
                if email in first_row_of:
                    errors.append(
                        (
                            "email",
                            _("%(email)s appears already in row %(row)d; list each learner once per file.")
                            % {"email": email, "row": first_row_of[email]},
                        )
                    )
                else:
                    first_row_of[email] = row.number
    if efn and "efn" not in refused:
        try:
            validate_efn(efn)
        except ValidationError as error:
            errors.append(("efn", error.messages[0]))
    if language and "language" not in refused and language not in LANGUAGES:
        errors.append(
            (
                "language",
                _("“%(value)s” is not a language we offer; use de or en, or leave it empty.") % {"value": language},
            )
        )
    return errors


def check_rows(rows: list[SourceRow], *, default_language: str) -> CheckedFile:
    """Check every cell of every row; collect all errors instead of stopping at the first."""
    result = CheckedFile()
    first_row_of: dict[str, int] = {}
    for row in rows:
        errors = _check_row(row, first_row_of, default_language)
        if errors:
            result.errors.extend(RowError(row.number, column, message) for column, message in errors)
            continue
        language = row.cells.get("language", "").strip().lower()
        result.rows.append(
            CheckedRow(
                number=row.number,
                name=row.cells["name"].strip(),
                email=row.cells["email"].strip().lower(),
                efn=normalize_efn(row.cells.get("efn", "").strip()),
                language=LANGUAGES.get(language, default_language),
            )
        )
    return result
