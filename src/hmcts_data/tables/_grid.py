"""Raw cell grids from CSV, XLSX and ODS bytes: the layer under the table reader.

A :class:`Grid` is one sheet as rows of raw cells (``None`` for an empty cell) with the merged
ranges the format records. Rows are read lazily from the engine and trimmed as they stream:
trailing empty cells and trailing empty rows are never materialised, so a sheet whose used range
claims a million empty rows costs a pass over them, not a million Python lists.

Formats are told from the bytes, never from the name. XLSX/ODS packages pass
:func:`hmcts_data.tables._guard.check_package` (zip bombs, encryption, corruption) before the
engine (``python-calamine``) opens them. Formula cells give their cached value (a formula that
was never calculated has none and reads as empty); hyperlink cells give their display text.
"""

from __future__ import annotations

import csv
import io
import logging
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Final, Literal

from hmcts_data._errors import ParseError
from hmcts_data.tables._guard import OLE2_MAGIC, check_package, is_encrypted_office

if TYPE_CHECKING:
    from python_calamine import CalamineSheet

__all__ = ["Cell", "Format", "Grid", "iter_grids", "load_grids", "sniff", "trimmed_rows"]

_log = logging.getLogger("hmcts_data")

Format = Literal["csv", "xlsx", "ods"]
#: One raw cell as read: text, a number, a date or time, a boolean, or ``None`` when empty.
Cell = str | float | int | bool | date | datetime | time | timedelta | None

_ODS_MIME: Final = b"application/vnd.oasis.opendocument.spreadsheet"
_EMPTY_ROW: Final[tuple[Cell, ...]] = ()


@dataclass(frozen=True)
class Grid:
    """One sheet's raw cells.

    Attributes:
        name: Sheet name; ``None`` for a CSV file.
        rows: Rows of raw cells, trailing empty cells and rows trimmed; ``None`` = empty cell.
        merged: Merged ranges as 0-based inclusive ``(first_row, first_col, last_row,
            last_col)``; empty where the format does not record them (CSV, ODS).
        hidden: Whether the sheet is hidden in the workbook.
    """

    name: str | None
    rows: tuple[tuple[Cell, ...], ...]
    merged: tuple[tuple[int, int, int, int], ...] = ()
    hidden: bool = False


def sniff(data: bytes, *, name: str) -> Format:
    r"""Tell CSV, XLSX and ODS apart by content.

    Args:
        data: The file's bytes.
        name: File name for messages.

    Returns:
        ``"csv"``, ``"xlsx"`` or ``"ods"``.

    Raises:
        ParseError: Empty file, HTML page, PDF, encrypted or legacy ``.xls`` workbook, a zip
            that is not a spreadsheet, or binary data that is not text.

    Example:
        >>> sniff(b"Month,Receipts\nApr 2024,1\n", name="a.csv")
        'csv'
    """
    if not data.strip():
        raise ParseError(f"{name} is empty: there is nothing to read.", file=name)
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _zip_kind(data, name)
    if data.startswith(OLE2_MAGIC):
        if is_encrypted_office(data):
            raise ParseError(
                f"{name} is password-protected (an encrypted Office package); hmcts_data "
                "cannot read encrypted workbooks. Open it with the password and save an "
                "unprotected copy.",
                file=name,
            )
        raise ParseError(
            f"{name} is a legacy Excel 97-2003 (.xls) workbook, which is not supported. Save a "
            "copy as .xlsx or .ods.",
            file=name,
        )
    head = data[:1024].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")) or b"<html" in head[:200]:
        raise ParseError(
            f"{name} is an HTML page, not a data file (often an error or login page saved in "
            "place of the download). Download the file again.",
            file=name,
        )
    if head.startswith(b"%pdf"):
        raise ParseError(
            f"{name} is a PDF document, not a data table; hmcts_data reads CSV, XLSX and ODS.",
            file=name,
        )
    if b"\x00" in data[:4096]:
        raise ParseError(f"{name} is binary data that is not a CSV, XLSX or ODS file.", file=name)
    return "csv"


def _zip_kind(data: bytes, name: str) -> Format:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names and archive.read("mimetype").strip() == _ODS_MIME:
                return "ods"
            if "xl/workbook.xml" in names or any(n.startswith("xl/") for n in names):
                return "xlsx"
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ParseError(
            f"{name} is not a readable XLSX/ODS package (corrupt or truncated zip: {exc}). "
            "Download the file again.",
            file=name,
        ) from None
    raise ParseError(f"{name} is a zip archive but not an XLSX or ODS spreadsheet.", file=name)


def load_grids(data: bytes, *, name: str) -> list[Grid]:
    r"""Read every worksheet of a CSV, XLSX or ODS file into raw grids.

    Args:
        data: The file's bytes.
        name: File name for messages.

    Returns:
        One grid per worksheet in workbook order (one for a CSV file). Chart and macro sheets
        are left out.

    Raises:
        ParseError: The format is unsupported, or the file is unsafe, encrypted or corrupt.

    Example:
        >>> load_grids(b"a,b\n1,\n", name="x.csv")[0].rows
        (('a', 'b'), ('1',))
    """
    return list(iter_grids(data, name=name))


def iter_grids(data: bytes, *, name: str) -> Iterator[Grid]:
    r"""Like :func:`load_grids`, one sheet at a time (a sheet's cells are freed once used).

    The format is sniffed and the package checked before the first grid is yielded.

    Example:
        >>> next(iter_grids(b"a,b\n1,2\n", name="x.csv")).name is None
        True
    """
    kind = sniff(data, name=name)
    if kind == "csv":
        return iter([Grid(None, _trim(csv.reader(io.StringIO(_decode(data)))))])
    check_package(data, name=name)
    return _read_workbook(data, name)


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Public users of the HMCTS CSVs read them as Latin-1; cp1252 is its superset.
        _log.info("not UTF-8; decoding as cp1252")
        return data.decode("cp1252", errors="replace")


def _read_workbook(data: bytes, name: str) -> Iterator[Grid]:
    import python_calamine as pc

    try:
        book = pc.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except pc.PasswordError:
        raise ParseError(
            f"{name} is password-protected; save an unprotected copy.", file=name
        ) from None
    except (pc.CalamineError, ValueError, OSError) as exc:
        raise ParseError(
            f"{name} cannot be opened as a workbook ({type(exc).__name__}: {exc}). Download it "
            "again, or open and re-save it in a spreadsheet program.",
            file=name,
        ) from None
    with book:
        for meta in book.sheets_metadata:
            if meta.typ != pc.SheetTypeEnum.WorkSheet:
                continue
            try:
                sheet = book.get_sheet_by_name(meta.name)
                rows = trimmed_rows(sheet)
                merged = tuple(
                    (r0, c0, r1, c1) for (r0, c0), (r1, c1) in (sheet.merged_cell_ranges or [])
                )
            except (pc.CalamineError, ValueError, OSError) as exc:
                raise ParseError(
                    f"{name}, sheet {meta.name!r} cannot be read ({type(exc).__name__}: {exc}). "
                    "The workbook may be damaged; re-save it in a spreadsheet program.",
                    file=name,
                    sheet=meta.name,
                ) from None
            hidden = meta.visible != pc.SheetVisibleEnum.Visible
            yield Grid(meta.name, rows, merged, hidden)


def trimmed_rows(sheet: CalamineSheet) -> tuple[tuple[Cell, ...], ...]:
    """Stream a calamine sheet's rows, trimmed, in sheet coordinates (row 1 = index 0).

    Args:
        sheet: An open ``python_calamine`` sheet.

    Returns:
        Rows of raw cells (``None`` = empty) with trailing empty cells and rows dropped;
        leading empty rows and columns are kept so indexes match the sheet.
    """
    # iter_rows starts at row 0 but at the first used column: restore that offset.
    offset = sheet.start[1] if sheet.start else 0
    return _trim(sheet.iter_rows(), offset=offset)


def _trim(rows: Iterable[Iterable[object]], *, offset: int = 0) -> tuple[tuple[Cell, ...], ...]:
    out: list[tuple[Cell, ...]] = []
    pad: list[Cell] = [None] * offset
    pending = 0  # empty rows seen since the last non-empty one, not yet materialised
    for raw in rows:
        # Numbers dominate: test the class before calling strip() on text.
        cells: list[Cell] = [
            v if v.__class__ is not str or v.strip() else None  # type: ignore[misc]
            for v in raw
        ]
        while cells and cells[-1] is None:
            cells.pop()
        if not cells:
            pending += 1
            continue
        if pending:
            out.extend([_EMPTY_ROW] * pending)
            pending = 0
        out.append(tuple(pad + cells) if offset else tuple(cells))
    return tuple(out)
