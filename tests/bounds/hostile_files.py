"""
Hostile enrolment files of issue 18, written the way an attacker writes them: by hand, not by openpyxl.

Each builder writes into a binary file object and returns nothing; the XLSX parts are the minimum a
spreadsheet reader needs (content types, workbook, its relationships, one sheet, optionally shared strings).
"""

import zipfile
from typing import BinaryIO

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
    'Target="sharedStrings.xml"/>'
    "</Relationships>"
)
SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<dimension ref="{ref}"/><sheetData>'
)
SHEET_TAIL = "</sheetData></worksheet>"


def _inline(column: str, row: int, text: str) -> str:
    return f'<c r="{column}{row}" t="inlineStr"><is><t>{text}</t></is></c>'


def learner_row(row: int, name: str, email: str) -> str:
    return f'<row r="{row}">{_inline("A", row, name)}{_inline("B", row, email)}</row>'


def _xlsx(target: BinaryIO, sheet_parts, *, shared_strings: str | None = None) -> None:
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            for part in sheet_parts:
                sheet.write(part.encode() if isinstance(part, str) else part)
        archive.writestr("xl/sharedStrings.xml", shared_strings or _shared_strings(0))


def _shared_strings(count: int) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{count}" '
        f'uniqueCount="{count}">' + "<si><t>a</t></si>" * count + "</sst>"
    )


def _header() -> str:
    return learner_row(1, "name", "email")


def dimension_bomb(target: BinaryIO, *, ref: str = "A1:XFD1048576") -> None:
    """Two real learners under a header that claims 16,384 columns and a million rows (1.6 KB)."""
    _xlsx(
        target,
        [
            SHEET_HEAD.format(ref=ref),
            _header(),
            learner_row(2, "Ada Beispiel", "ada@example.net"),
            learner_row(3, "Bo Beispiel", "bo@example.net"),
            SHEET_TAIL,
        ],
    )


def zip_bomb(target: BinaryIO, *, megabytes: int = 297) -> None:
    """One learner, then ``megabytes`` of XML whitespace that deflate squeezes to about a thousandth."""
    chunk = b" " * 1_048_576

    def parts():
        yield SHEET_HEAD.format(ref="A1:B2")
        yield _header()
        yield learner_row(2, "Ada Beispiel", "ada@example.net")
        for _ in range(megabytes):
            yield chunk
        yield SHEET_TAIL

    _xlsx(target, parts())


def shared_strings_bomb(target: BinaryIO, *, count: int = 3_000_000) -> None:
    """A sheet of two rows whose shared-string table holds ``count`` strings (about 125 KB zipped)."""
    _xlsx(
        target,
        [SHEET_HEAD.format(ref="A1:B2"), _header(), learner_row(2, "Ada", "ada@example.net"), SHEET_TAIL],
        shared_strings=_shared_strings(count),
    )


def many_rows(target: BinaryIO, *, rows: int = 1_000_000, width: int = 0) -> None:
    """A header and ``rows`` learners; ``width`` extra characters in each name make the sheet larger."""
    padding = "x" * width

    def parts():
        yield SHEET_HEAD.format(ref=f"A1:B{rows + 1}")
        yield _header()
        batch = []
        for number in range(2, rows + 2):
            # Row and cell references are optional in the format; without them a million rows zip to ~5 MB.
            batch.append(
                f'<row><c t="inlineStr"><is><t>P{number}{padding}</t></is></c>'
                f'<c t="inlineStr"><is><t>p{number}@x.de</t></is></c></row>'
            )
            if len(batch) == 1000:
                yield "".join(batch)
                batch = []
        yield "".join(batch)
        yield SHEET_TAIL

    _xlsx(target, parts())


def far_row(target: BinaryIO) -> None:
    """A header, one learner, and one more at the last row a sheet can have: a million rows in between."""
    _xlsx(
        target,
        [
            SHEET_HEAD.format(ref="A1:B2"),
            _header(),
            learner_row(2, "Ada Beispiel", "ada@example.net"),
            learner_row(1048576, "Zed Beispiel", "zed@example.net"),
            SHEET_TAIL,
        ],
    )


def entity_bomb(target: BinaryIO) -> None:
    """A sheet with a DTD that defines nested entities ("billion laughs")."""
    entities = "".join(f'<!ENTITY lol{i} "{(f"&lol{i - 1};" if i > 1 else "&lol;") * 10}">' for i in range(1, 10))
    dtd = f'<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE lolz [<!ENTITY lol "lol">{entities}]>'
    sheet = SHEET_HEAD.format(ref="A1:B2").replace('<?xml version="1.0" encoding="UTF-8"?>', dtd)
    _xlsx(target, [sheet, _header(), learner_row(2, "&lol9;", "ada@example.net"), SHEET_TAIL])


def blank_lines_csv(target: BinaryIO, *, megabytes: int = 8) -> None:
    """A header and ``megabytes`` of empty lines."""
    target.write(b"name;email\n")
    for _ in range(megabytes):
        target.write(b"\n" * 1_048_576)


def largest_csv(target: BinaryIO, *, size: int, rows: int) -> None:
    """``rows`` valid learners whose names are padded so that the file is ``size`` bytes."""
    header = b"name;email;efn;language\n"
    per_row = (size - len(header)) // rows
    target.write(header)
    for number in range(rows):
        email = f"p{number}@example.net"
        fixed = f";{email};;de\n"
        name = f"Person {number} " + "x" * max(per_row - len(fixed) - len(f"Person {number} "), 0)
        target.write((name + fixed).encode())
