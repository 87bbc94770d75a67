"""Telling a downloaded file's format from its bytes, and reading it into raw sheets.

Two jobs, both independent of any publication:

* :func:`sniff_format` decides CSV, XLSX or ODS **from the content**, never from the file name
  (browsers rename downloads, GOV.UK reuses names), and turns the usual wrong downloads (an HTML
  error page, a PDF, an old ``.xls`` or a password-protected workbook, an empty body) into a
  :class:`~hmcts_data.ParseError` that says what the file really is.
* :func:`read_sheets` returns every sheet as rows of raw cells, exactly as published: CSV through
  the standard library's ``csv`` module (duplicate headers and header whitespace survive, which
  pandas would rename or strip), workbooks through ``python_calamine``.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from typing import Final, Literal

from hmcts_data._errors import ParseError
from hmcts_data.tables._grid import trimmed_rows
from hmcts_data.tables._guard import check_package, is_encrypted_office

__all__ = ["Format", "Sheet", "read_sheets", "sniff_format"]

#: The data formats the library reads.
Format = Literal["csv", "xlsx", "ods"]

_OLE2: Final = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC: Final = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_ODS_MIMETYPE: Final = b"application/vnd.oasis.opendocument.spreadsheet"
_BOMS: Final = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
# How much of the start is inspected for an HTML page.
_SNIFF_BYTES: Final = 1024


@dataclass(frozen=True)
class Sheet:
    """One sheet of raw cells, as published.

    Attributes:
        name: Sheet name; for a CSV file, the file name.
        rows: Rows of cells: ``str``, ``int``, ``float``, ``datetime``, ``date`` (or another
            value a workbook reader returns); ``None`` for an empty cell.
    """

    name: str
    rows: list[list[object]]


def sniff_format(data: bytes, *, name: str) -> Format:
    r"""Tell whether ``data`` is a CSV, XLSX or ODS file, from its content alone.

    Args:
        data: The file's bytes.
        name: File name or URL, used only in error messages.

    Returns:
        ``"xlsx"``, ``"ods"`` or ``"csv"`` (any other text).

    Raises:
        ParseError: The bytes are empty, an HTML page, a PDF, an OLE2 file (an old ``.xls``
            or a password-protected workbook), a truncated or corrupt zip, or a zip that is
            neither an XLSX nor an ODS workbook.

    Example:
        >>> sniff_format(b"Month,Civil Claims received\nApr 2024,146923\n", name="x.csv")
        'csv'
    """
    if not data.strip():
        raise ParseError(
            f"{name} is empty: there is nothing to parse. Download it again.", file=name
        )
    if is_encrypted_office(data):
        raise ParseError(
            f"{name} is password-protected (an encrypted Office package); it cannot be read. "
            "Open it with the password and save an unprotected copy as .xlsx, .ods or .csv.",
            file=name,
        )
    if data.startswith(_OLE2):
        raise ParseError(
            f"{name} is an OLE2 compound file: an old Excel .xls workbook or a password-protected "
            "(encrypted) workbook, neither of which can be read. Open it in a spreadsheet "
            "program and save it as .xlsx, .ods or .csv.",
            file=name,
        )
    if data.startswith(b"%PDF"):
        raise ParseError(
            f"{name} is a PDF document, not data. Pick the CSV, XLSX or ODS attachment instead.",
            file=name,
        )
    if data.startswith(_ZIP_MAGIC):
        return _sniff_zip(data, name=name)
    head = data[:_SNIFF_BYTES]
    for bom in _BOMS:
        if head.startswith(bom):
            head = head[len(bom) :]
            break
    # A UTF-16 page would carry NUL bytes between letters; drop them before looking for tags.
    start = head.replace(b"\x00", b"").lstrip().lower()
    if start.startswith((b"<!doctype html", b"<html")):
        raise ParseError(
            f"{name} is an HTML page, not data (was the download a GOV.UK error page?). "
            "Check the URL, or download the file again later.",
            file=name,
        )
    return "csv"


def _sniff_zip(data: bytes, *, name: str) -> Format:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names and archive.read("mimetype").strip() == _ODS_MIMETYPE:
                return "ods"
            if "[Content_Types].xml" in names or any(n.startswith("xl/") for n in names):
                return "xlsx"
    except (zipfile.BadZipFile, EOFError, KeyError, OSError) as exc:
        raise ParseError(
            f"{name} looks like a workbook (a zip archive) but is truncated or corrupt ({exc}). "
            "Download it again.",
            file=name,
        ) from exc
    raise ParseError(
        f"{name} is a zip archive but neither an XLSX nor an ODS workbook. "
        "Pick the CSV, XLSX or ODS attachment instead.",
        file=name,
    )


def read_sheets(data: bytes, *, name: str) -> list[Sheet]:
    r"""Read every sheet of a CSV, XLSX or ODS file into raw cells.

    Args:
        data: The file's bytes (the format is sniffed with :func:`sniff_format`).
        name: File name, used as the sheet name of a CSV file and in error messages.

    Returns:
        The sheets in workbook order (one sheet for a CSV file). Empty cells are ``None``;
        nothing is stripped, renamed or converted beyond what the reader returns.

    Raises:
        ParseError: The file is not CSV/XLSX/ODS (see :func:`sniff_format`), cannot be
            decoded or is a truncated or corrupt workbook.

    Example:
        >>> read_sheets(b'MONTH,ET_OUTSTANDING\r\n01-Apr-20,"39,241"\r\n', name="b.csv")[0].rows
        [['MONTH', 'ET_OUTSTANDING'], ['01-Apr-20', '39,241']]
    """
    fmt = sniff_format(data, name=name)
    if fmt == "csv":
        return [Sheet(name=name, rows=_read_csv(data, name=name))]
    return _read_workbook(data, name=name, fmt=fmt)


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        # cp1252 leaves five byte values undefined; latin-1 maps every byte, so this never fails.
        return data.decode("latin-1")


def _read_csv(data: bytes, *, name: str) -> list[list[object]]:
    text = _decode(data)
    rows: list[list[object]] = []
    try:
        for record in csv.reader(io.StringIO(text, newline=""), strict=True):
            rows.append([field if field != "" else None for field in record])
    except csv.Error as exc:
        raise ParseError(
            f"{name} is not a readable CSV file (row {len(rows) + 1}: {exc}). "
            "The download may be damaged; download it again.",
            file=name,
            row=len(rows) + 1,
        ) from exc
    return rows


def _read_workbook(data: bytes, *, name: str, fmt: Format) -> list[Sheet]:
    from python_calamine import CalamineError, CalamineWorkbook, PasswordError

    # Zip bombs, lying zip directories, encrypted members and corrupt packages are refused
    # before the engine inflates anything (limits in hmcts_data.tables._guard).
    check_package(data, name=name)
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets: list[Sheet] = []
        for sheet_name in workbook.sheet_names:
            # Rows stream lazily and trailing empty rows/cells are dropped as they go, so a
            # used range of a million empty rows costs one pass, not a million lists.
            sheet = workbook.get_sheet_by_name(sheet_name)
            trimmed = trimmed_rows(sheet)
            width = max((len(row) for row in trimmed), default=0)
            rows: list[list[object]] = [[*row, *([None] * (width - len(row)))] for row in trimmed]
            sheets.append(Sheet(name=str(sheet_name), rows=rows))
    except PasswordError as exc:
        raise ParseError(
            f"{name} is a password-protected {fmt.upper()} workbook and cannot be read.",
            file=name,
        ) from exc
    except (CalamineError, ValueError, OSError) as exc:
        raise ParseError(
            f"{name} is a truncated or corrupt {fmt.upper()} workbook ({exc}). "
            "Download it again, or check that it opens in a spreadsheet program.",
            file=name,
        ) from exc
    return sheets
