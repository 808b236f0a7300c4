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
import itertools
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import BinaryIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.validators import normalize_efn, validate_efn, validate_email_address
from config.text import LIMITS, clean_printed, excerpt, looks_like_formula

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
                        _("The column “%(column)s” appears twice in the header row.")
                        % {"column": excerpt(header.strip())},
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
                "found": ", ".join(excerpt(h.strip(), 30) for h in headers[:10] if h.strip()) or _("nothing"),
            },
            code="missing_columns",
        )
    return found


@dataclass(frozen=True)
class Limits:
    """What a file may hold before it is refused (decision 0803); everything is checked while streaming."""

    max_bytes: int
    max_rows: int  # learners (non-empty rows)
    max_lines: int = 100_000  # rows scanned, empty ones included
    max_columns: int = 50  # cells read per row; further columns are ignored
    max_cell_chars: int = 1000  # longer cells are cut (and then refused by their column's check)
    max_line_bytes: int = 64 * 1024  # one CSV line
    max_unzipped_bytes: int = 32 * 1024 * 1024  # all parts of an XLSX, uncompressed
    max_shared_strings_bytes: int = 4 * 1024 * 1024  # the shared-string table, uncompressed (~2x a full file)
    max_zip_members: int = 200


def limits_from_settings(**overrides: int) -> Limits:
    values = {
        "max_bytes": settings.ORGANIZATIONS_IMPORT_MAX_BYTES,
        "max_rows": settings.ORGANIZATIONS_IMPORT_MAX_ROWS,
        "max_unzipped_bytes": settings.ORGANIZATIONS_IMPORT_MAX_UNZIPPED_BYTES,
        **overrides,
    }
    return Limits(**values)


def _not_utf8(line: int, byte: int) -> FileRefused:
    return FileRefused(
        _(
            "The file is not UTF-8 encoded: line %(line)d has the byte 0x%(byte)02X that UTF-8 does not allow. "
            "It was probably saved in a Windows encoding. In Excel choose “CSV UTF-8 (comma delimited)”, "
            "or upload the XLSX file."
        )
        % {"line": line, "byte": byte},
        code="encoding",
    )


def _line_too_long(line: int, limits: Limits) -> FileRefused:
    return FileRefused(
        _("Line %(line)d is longer than %(limit)s characters; a learner's row is far shorter. Check the file.")
        % {"line": line, "limit": f"{limits.max_line_bytes:,}"},
        code="line_too_long",
    )


def _text_lines(source: BinaryIO, limits: Limits) -> Iterator[str]:
    """Decoded lines of a CSV file, one at a time; each bounded, decoding errors named by line and byte."""
    head = source.read(4)
    source.seek(0)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = io.TextIOWrapper(source, encoding="utf-16", newline="")
        number = 0
        try:
            while line := text.readline(limits.max_line_bytes + 1):
                number += 1
                if len(line) > limits.max_line_bytes:
                    raise _line_too_long(number, limits)
                yield line
        except UnicodeDecodeError as error:
            raise _not_utf8(number + 1, error.object[error.start]) from None
        finally:
            text.detach()
        return
    if head.startswith(codecs.BOM_UTF8):
        source.seek(len(codecs.BOM_UTF8))
    number = 0
    while raw := source.readline(limits.max_line_bytes + 1):
        number += 1
        if len(raw) > limits.max_line_bytes:
            raise _line_too_long(number, limits)
        if b"\x00" in raw:
            raise FileRefused(
                _("The file contains NUL bytes: it is not a CSV text file (or UTF-16 without a byte-order mark)."),
                code="binary",
            )
        try:
            yield raw.decode("utf-8")
        except UnicodeDecodeError as error:
            raise _not_utf8(number, raw[error.start]) from None


def _sniff_delimiter(first_line: str) -> str:
    counts = {delimiter: first_line.count(delimiter) for delimiter in (";", ",", "\t")}
    return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","


def _csv_records(source: BinaryIO, limits: Limits) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) of each record; the first is the header."""
    lines = _text_lines(source, limits)
    first = next(lines, "")
    delimiter = _sniff_delimiter(first)
    reader = csv.reader(itertools.chain([first], lines), delimiter=delimiter)
    try:
        for record in reader:
            yield reader.line_num, record[: limits.max_columns]
    except csv.Error as error:
        raise FileRefused(
            _("The CSV file cannot be read at line %(line)d: %(error)s")
            % {"line": reader.line_num, "error": excerpt(error, 120)},
            code="csv_syntax",
        ) from None


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        # Spreadsheets store an EFN typed as a number as a float; 15 digits fit exactly.
        return str(int(value))
    return str(value)


def _bad_xlsx() -> FileRefused:
    return FileRefused(
        _("The file is not a readable XLSX workbook. Save it again from your spreadsheet program."),
        code="bad_xlsx",
    )


def _check_zip(source: BinaryIO, limits: Limits) -> None:
    """Refuse a workbook by its zip directory alone: member count, uncompressed sizes, shared strings.

    Python's zipfile never inflates a member past the size its directory declares (and refuses a member whose
    CRC does not match), so the declared sizes bound what openpyxl can read.
    """
    try:
        with zipfile.ZipFile(source) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise _bad_xlsx() from None
    finally:
        source.seek(0)
    if len(members) > limits.max_zip_members:
        raise _bad_xlsx()
    unzipped = sum(member.file_size for member in members)
    if unzipped > limits.max_unzipped_bytes:
        raise FileRefused(
            _(
                "The workbook unpacks to %(size)s MB of uncompressed data; at most %(limit)s MB are read. "
                "Save only the learners' sheet, or upload a CSV file."
            )
            % {"size": f"{unzipped / 1_048_576:,.0f}", "limit": f"{limits.max_unzipped_bytes / 1_048_576:.0f}"},
            code="unzipped_too_large",
        )
    strings = sum(member.file_size for member in members if member.filename.lower().endswith("sharedstrings.xml"))
    if strings > limits.max_shared_strings_bytes:
        raise FileRefused(
            _("The workbook's table of texts holds %(size)s MB; at most %(limit)s MB are read.")
            % {"size": f"{strings / 1_048_576:,.0f}", "limit": f"{limits.max_shared_strings_bytes / 1_048_576:.0f}"},
            code="shared_strings",
        )


def _xlsx_records(source: BinaryIO, limits: Limits) -> Iterator[tuple[int, list[str]]]:
    # Imported here, not at module level: openpyxl costs start-up time in every process that never reads XLSX.
    import openpyxl
    from openpyxl import load_workbook

    if not openpyxl.DEFUSEDXML:  # pragma: no cover - defusedxml is a dependency (decision 0803)
        raise RuntimeError("openpyxl must read uploads through defusedxml; install defusedxml.")
    _check_zip(source, limits)
    try:
        # data_only=False: a formula cell reads as its formula text ("=HYPERLINK(...)"), so it is caught below.
        workbook = load_workbook(source, read_only=True, data_only=False)
    except Exception:  # openpyxl raises zipfile, KeyError, XML or defusedxml errors for damaged files
        raise _bad_xlsx() from None
    try:
        sheet = workbook.worksheets[0]
        # The declared dimension (e.g. A1:XFD1048576) is ignored: rows are read as they are, at most
        # max_columns cells each, so a lying header cannot make the reader pad rows to 16,384 cells.
        sheet.reset_dimensions()
        rows = sheet.iter_rows(max_col=limits.max_columns, values_only=True)
        for number, row in enumerate(rows, start=1):
            yield number, [_cell_text(value) for value in row]
    except FileRefused:
        raise
    except Exception:  # a damaged sheet part, or XML that defusedxml forbids (DTDs, entities)
        raise _bad_xlsx() from None
    finally:
        workbook.close()


def too_large_message(size: int, limit: int) -> str:
    return _("The file is %(size)s MB; at most %(limit)s MB can be uploaded. Split it into several files.") % {
        "size": f"{size / 1_048_576:.1f}",
        "limit": f"{limit / 1_048_576:.1f}",
    }


def _size(source: BinaryIO) -> int:
    position = source.tell()
    source.seek(0, io.SEEK_END)
    size = source.tell()
    source.seek(position)
    return size


def is_workbook(source: BinaryIO) -> bool:
    head = source.read(len(ZIP_MAGIC))
    source.seek(0)
    return head == ZIP_MAGIC


def read_file(
    source: bytes | BinaryIO,
    filename: str,
    *,
    max_bytes: int | None = None,
    max_rows: int | None = None,
    limits: Limits | None = None,
) -> list[SourceRow]:
    """Read the learners of a CSV or XLSX upload, streaming; refuse files that cannot be read as a whole.

    Only the mapped columns of non-empty rows are kept, each cell cut at ``max_cell_chars``: memory grows
    with the number of learners (at most ``max_rows``), not with the file.
    """
    limits = limits or limits_from_settings()
    if max_bytes is not None or max_rows is not None:
        limits = replace(
            limits,
            max_bytes=limits.max_bytes if max_bytes is None else max_bytes,
            max_rows=limits.max_rows if max_rows is None else max_rows,
        )
    if isinstance(source, bytes | bytearray):
        source = io.BytesIO(source)
    source.seek(0)
    size = _size(source)
    if size > limits.max_bytes:
        raise FileRefused(too_large_message(size, limits.max_bytes), code="too_large")
    head = source.read(8)
    source.seek(0)
    if head.startswith(OLE_MAGIC):
        raise FileRefused(
            _("This is an old Excel file (.xls). Save it as .xlsx or as “CSV UTF-8” and upload it again."),
            code="xls",
        )
    if head.startswith(ZIP_MAGIC):
        records = _xlsx_records(source, limits)
    elif filename.lower().endswith((".xlsx", ".xlsm")):
        raise _bad_xlsx()
    else:
        records = _csv_records(source, limits)
    first = next(records, None)
    if first is None:
        raise FileRefused(_("The file is empty."), code="empty")
    columns = _columns(first[1])
    rows: list[SourceRow] = []
    for number, record in records:
        if number > limits.max_lines:
            raise FileRefused(
                _(
                    "The file goes on beyond row %(limit)s; upload at most %(rows)s learners, without empty rows "
                    "in between."
                )
                % {"limit": f"{limits.max_lines:,}", "rows": f"{limits.max_rows:,}"},
                code="too_many_lines",
            )
        if not any(cell.strip() for cell in record):
            continue
        cells = {
            name: (record[position][: limits.max_cell_chars] if position < len(record) else "")
            for name, position in columns.items()
        }
        rows.append(SourceRow(number, cells))
        if len(rows) > limits.max_rows:
            raise FileRefused(
                _("The file has more than %(limit)d rows; upload at most %(limit)d rows at a time.")
                % {"limit": limits.max_rows},
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
        if looks_like_formula(value):
            char = value.strip()[:1] or value[:1]
            char = char.replace("\t", "⇥").replace("\r", "↵").replace("\n", "↵")
            errors.append(
                (
                    column,
                    _("starts with “%(char)s”, which spreadsheet programs run as a formula; remove it.")
                    % {"char": char},
                )
            )
    refused = {column for column, _message in errors}
    name = clean_printed(row.cells.get("name", ""))
    email = row.cells.get("email", "").strip().lower()
    efn = normalize_efn(row.cells.get("efn", "").strip())
    language = row.cells.get("language", "").strip().lower()
    if "name" not in refused:
        if not name:
            errors.append(("name", _("is empty; every learner needs a name as printed on certificates.")))
        elif len(name) > LIMITS["name"]:
            errors.append(("name", _("is longer than 200 characters.")))
        elif _control_characters(row.cells.get("name", "").strip()):
            errors.append(("name", _("contains control characters (line breaks or tabs).")))
    if "email" not in refused:
        if not email:
            errors.append(("email", _("is empty.")))
        else:
            try:
                validate_email_address(email)
            except ValidationError as error:
                message = (
                    error.messages[0]
                    if error.code == "email_too_long"
                    else _("“%(value)s” is not a valid e-mail address.") % {"value": excerpt(email)}
                )
                errors.append(("email", message))
            else:
                if email in first_row_of:
                    errors.append(
                        (
                            "email",
                            _("%(email)s appears already in row %(row)d; list each learner once per file.")
                            % {"email": excerpt(email), "row": first_row_of[email]},
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
                _("“%(value)s” is not a language we offer; use de or en, or leave it empty.")
                % {"value": excerpt(language)},
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
                name=clean_printed(row.cells["name"]),
                email=row.cells["email"].strip().lower(),
                efn=normalize_efn(row.cells.get("efn", "").strip()),
                language=LANGUAGES.get(language, default_language),
            )
        )
    return result
