"""The one path from a file's bytes to raw cell grids, under every parser.

A :class:`Grid` is one sheet as rows of raw cells (``None`` for an empty cell) with the merged
ranges the format records. :func:`hmcts_data.read_tables` and the monthly parser both read
through :func:`iter_grids`; :func:`hmcts_data.tables._workbook.read_sheets` is the same path
with rows as padded lists.

* The format is told from the bytes by :func:`sniff_format`, never from the name; the usual
  wrong downloads (an HTML error page, a PDF, an old ``.xls`` or a password-protected workbook,
  an empty body) are refused with a message saying what the file really is.
* CSV goes through the standard library's ``csv`` module (duplicate headers and header
  whitespace survive, which pandas would rename or strip): UTF-8 (with or without BOM),
  UTF-16 with a BOM, else cp1252.
* XLSX/ODS packages pass :func:`hmcts_data.tables._guard.check_package` (zip bombs,
  encryption, corruption) and :func:`hmcts_data.tables._extent.check_extent` (a sheet's real
  cell range against row, column and cell limits) before the engine (``python-calamine``)
  opens them. Formula cells
  give their cached value (a formula that was never calculated has none and reads as empty);
  hyperlink cells give their display text.

Rows are read lazily and trimmed as they stream: trailing empty cells and trailing empty rows
are never materialised, so a sheet whose used range claims a million empty rows costs a pass
over them, not a million Python lists. A cell holding only whitespace reads as empty.
"""

from __future__ import annotations

import csv
import io
import itertools
import logging
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from math import copysign
from typing import TYPE_CHECKING, Any, Final, Literal

from hmcts_data._errors import ParseError
from hmcts_data.tables._guard import OLE2_MAGIC, check_package, is_encrypted_office

if TYPE_CHECKING:
    from python_calamine import CalamineSheet

__all__ = [
    "Cell",
    "Format",
    "Grid",
    "iter_grids",
    "load_grids",
    "padded_rows",
    "sniff_format",
    "trimmed_rows",
]

_log = logging.getLogger("hmcts_data")

#: The data formats the library reads.
Format = Literal["csv", "xlsx", "ods"]
#: One raw cell as read: text, a number, a date or time, a boolean, or ``None`` when empty.
Cell = str | float | int | bool | date | datetime | time | timedelta | None

_ODS_MIME: Final = b"application/vnd.oasis.opendocument.spreadsheet"
_ZIP_MAGIC: Final = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_UTF16_BOMS: Final = (b"\xff\xfe", b"\xfe\xff")
_BOMS: Final = (b"\xef\xbb\xbf", *_UTF16_BOMS)
# How much of the start is inspected for an HTML page or a PDF, and for NUL bytes.
_SNIFF_BYTES: Final = 1024
_BINARY_BYTES: Final = 4096
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
        widths: For a CSV file, how many fields each row had as published (trailing empty
            fields included, which ``rows`` trims); ``None`` for a workbook.
    """

    name: str | None
    rows: tuple[tuple[Cell, ...], ...]
    merged: tuple[tuple[int, int, int, int], ...] = ()
    hidden: bool = False
    widths: tuple[int, ...] | None = None


def sniff_format(data: bytes, *, name: str) -> Format:
    r"""Tell whether ``data`` is a CSV, XLSX or ODS file, from its content alone.

    Names lie (browsers rename downloads, GOV.UK reuses names), so only the bytes count. The
    usual wrong downloads become a :class:`~hmcts_data.ParseError` that says what the file
    really is.

    Args:
        data: The file's bytes.
        name: File name or URL, used only in error messages.

    Returns:
        ``"xlsx"``, ``"ods"`` or ``"csv"`` (any other text).

    Raises:
        ParseError: The bytes are empty, an HTML page, a PDF, an OLE2 file (an old ``.xls``
            or a password-protected workbook), binary data that is not text, a truncated or
            corrupt zip, or a zip that is neither an XLSX nor an ODS workbook.

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
    if data.startswith(OLE2_MAGIC):
        raise ParseError(
            f"{name} is an OLE2 compound file: an old Excel .xls workbook or a password-protected "
            "(encrypted) workbook, neither of which can be read. Open it in a spreadsheet "
            "program and save it as .xlsx, .ods or .csv.",
            file=name,
        )
    if data.startswith(_ZIP_MAGIC):
        return _sniff_zip(data, name=name)
    head = data[:_SNIFF_BYTES]
    bom = next((b for b in _BOMS if head.startswith(b)), b"")
    # A UTF-16 page carries NUL bytes between letters; drop them before looking for tags.
    start = head[len(bom) :].replace(b"\x00", b"").lstrip().lower()
    if start.startswith(b"%pdf"):
        raise ParseError(
            f"{name} is a PDF document, not data. Pick the CSV, XLSX or ODS attachment instead.",
            file=name,
        )
    if start.startswith((b"<!doctype html", b"<html")) or b"<html" in start[:200]:
        raise ParseError(
            f"{name} is an HTML page, not data (was the download a GOV.UK error page?). "
            "Check the URL, or download the file again later.",
            file=name,
        )
    if bom not in _UTF16_BOMS and b"\x00" in data[:_BINARY_BYTES]:
        raise ParseError(
            f"{name} is binary data, not a CSV, XLSX or ODS file. Pick the CSV, XLSX or ODS "
            "attachment instead.",
            file=name,
        )
    return "csv"


def _sniff_zip(data: bytes, *, name: str) -> Format:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names and archive.read("mimetype").strip() == _ODS_MIME:
                return "ods"
            if "[Content_Types].xml" in names or any(n.startswith("xl/") for n in names):
                return "xlsx"
    except (zipfile.BadZipFile, EOFError, KeyError, OSError, ValueError) as exc:
        raise ParseError(
            f"{name} looks like a workbook (a zip archive) but is truncated or corrupt ({exc}). "
            "Download it again.",
            file=name,
        ) from None
    raise ParseError(
        f"{name} is a zip archive but neither an XLSX nor an ODS workbook. "
        "Pick the CSV, XLSX or ODS attachment instead.",
        file=name,
    )


def load_grids(data: bytes, *, name: str) -> list[Grid]:
    r"""Read every worksheet of a CSV, XLSX or ODS file into raw grids.

    Args:
        data: The file's bytes (the format is told by :func:`sniff_format`).
        name: File name for messages.

    Returns:
        One grid per worksheet in workbook order (one for a CSV file). Chart and macro sheets
        are left out.

    Raises:
        ParseError: The format is unsupported, or the file is unsafe, encrypted, corrupt or
            (CSV) cannot be read as CSV.

    Example:
        >>> load_grids(b"a,b\n1,\n", name="x.csv")[0].rows
        (('a', 'b'), ('1',))
    """
    return list(iter_grids(data, name=name))


def iter_grids(data: bytes, *, name: str) -> Iterator[Grid]:
    r"""Like :func:`load_grids`, one sheet at a time (a sheet's cells are freed once used).

    The format is sniffed and the package checked before this returns, so a bad file fails
    at the call, not at the first ``next()``.

    Example:
        >>> next(iter_grids(b"a,b\n1,2\n", name="x.csv")).name is None
        True
    """
    kind = sniff_format(data, name=name)
    if kind == "csv":
        return iter([_read_csv(data, name=name)])
    # Zip bombs, lying zip directories, encrypted members and corrupt packages are refused
    # before the engine inflates anything (limits in hmcts_data.tables._guard).
    check_package(data, name=name)
    # A sheet whose filled cells span an absurd range would abort the engine or exhaust
    # memory in the grid: measured from the XML before either allocates (limits in _extent,
    # imported here: a CSV read needs none of it).
    from hmcts_data.tables._extent import check_extent

    check_extent(data, name=name, kind=kind)
    return _read_workbook(data, name, kind)


def padded_rows(grid: Grid) -> list[list[object]]:
    r"""Return a grid's rows as lists padded with empty cells to their published width.

    A CSV row gets as many cells as it had fields (so a row cut short by a damaged download
    stays short and can be told apart); a workbook row is as wide as the sheet's widest row.

    Example:
        >>> padded_rows(load_grids(b"a,b,c\n1,,\n2\n", name="x.csv")[0])
        [['a', 'b', 'c'], ['1', None, None], ['2']]
    """
    if grid.widths is not None:
        widths: Iterable[int] = grid.widths
    else:
        widths = itertools.repeat(max((len(row) for row in grid.rows), default=0))
    return [
        [*row, *([None] * (width - len(row)))]
        for row, width in zip(grid.rows, widths, strict=False)
    ]


def _decode(data: bytes, *, name: str) -> str:
    if data.startswith(_UTF16_BOMS):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            # An odd byte count or a lone surrogate: the file is damaged, not another encoding.
            raise ParseError(
                f"{name} starts as UTF-16 text but is not valid UTF-16 ({exc.reason} at byte "
                f"{exc.start:,} of {len(data):,}): the file is damaged or truncated. Download "
                "it again, or re-save it as UTF-8 CSV.",
                file=name,
            ) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    # Public users of the HMCTS CSVs read them as Latin-1; cp1252 is its superset.
    _log.info("not UTF-8; decoding as cp1252")
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        # cp1252 leaves five byte values undefined; latin-1 maps every byte, so this never fails.
        return data.decode("latin-1")


#: Rows read between two looks at the time budget (a clock read is cheap, not free).
_CHECK_ROWS: Final = 4096


def _read_csv(data: bytes, *, name: str) -> Grid:
    # The workbook limits hold for a CSV file too: a row of a million fields or a million rows
    # is refused as it is met, before any table is looked for in it.
    from hmcts_data.tables._limits import MAX_CELLS, MAX_COLUMNS, MAX_ROWS, extent_error
    from hmcts_data.tables._source import check_time

    widths: list[int] = []

    def records() -> Iterator[list[str]]:
        reader = csv.reader(io.StringIO(_decode(data, name=name), newline=""), strict=True)
        widest = 0
        try:
            for record in reader:
                widths.append(len(record))
                widest = max(widest, len(record))
                rows = len(widths)
                if widest > MAX_COLUMNS or rows > MAX_ROWS or rows * widest > MAX_CELLS:
                    raise extent_error(name, None, rows, widest)
                if rows % _CHECK_ROWS == 1:
                    check_time(name)
                yield record
        except csv.Error as exc:
            row = len(widths) + 1
            raise ParseError(
                f"{name} is not a readable CSV file (row {row}: {exc}). "
                "The download may be damaged; download it again.",
                file=name,
                row=row,
            ) from None

    rows = _trim(records(), text=True)
    return Grid(None, rows, widths=tuple(widths))


def _read_workbook(data: bytes, name: str, kind: Format) -> Iterator[Grid]:
    import python_calamine as pc

    from hmcts_data.tables._source import check_time

    label = kind.upper()
    try:
        book = pc.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except pc.PasswordError:
        raise ParseError(
            f"{name} is a password-protected {label} workbook and cannot be read. Open it with "
            "the password and save an unprotected copy.",
            file=name,
        ) from None
    except (pc.CalamineError, ValueError, OSError) as exc:
        raise ParseError(
            f"{name} is a truncated or corrupt {label} workbook ({type(exc).__name__}: {exc}). "
            "Download it again, or check that it opens in a spreadsheet program.",
            file=name,
        ) from None
    shared: dict[object, Any] = {}  # equal figures share one object across the workbook
    with book:
        for meta in book.sheets_metadata:
            if meta.typ != pc.SheetTypeEnum.WorkSheet:
                continue
            check_time(name, meta.name)
            try:
                sheet = book.get_sheet_by_name(meta.name)
                rows = trimmed_rows(sheet, shared=shared)
                merged = tuple(
                    (r0, c0, r1, c1) for (r0, c0), (r1, c1) in (sheet.merged_cell_ranges or [])
                )
                del sheet  # the engine's copy of the cells, while the caller uses the grid
            except (pc.CalamineError, ValueError, OSError) as exc:
                raise ParseError(
                    f"{name}, sheet {meta.name!r} is truncated or corrupt and cannot be read "
                    f"({type(exc).__name__}: {exc}). Download it again, or re-save it in a "
                    "spreadsheet program.",
                    file=name,
                    sheet=meta.name,
                ) from None
            hidden = meta.visible != pc.SheetVisibleEnum.Visible
            yield Grid(meta.name, rows, merged, hidden)


def trimmed_rows(
    sheet: CalamineSheet, *, shared: dict[object, Any] | None = None
) -> tuple[tuple[Cell, ...], ...]:
    """Stream a calamine sheet's rows, trimmed, in sheet coordinates (row 1 = index 0).

    Args:
        sheet: An open ``python_calamine`` sheet.
        shared: Equal figures already read (value -> the one float object kept for it); pass
            one dict for every sheet of a workbook so they share their objects too.

    Returns:
        Rows of raw cells (``None`` = empty) with trailing empty cells and rows dropped;
        leading empty rows and columns are kept so indexes match the sheet.
    """
    # iter_rows starts at row 0 but at the first used column: restore that offset.
    offset = sheet.start[1] if sheet.start else 0
    return _trim(sheet.iter_rows(), offset=offset, shared=shared)


def _trim(
    rows: Iterable[Iterable[Any]],
    *,
    offset: int = 0,
    shared: dict[object, Any] | None = None,
    text: bool = False,
) -> tuple[tuple[Cell, ...], ...]:
    # text: every cell is a str (a CSV record), so only blank text needs turning into None.
    out: list[tuple[Cell, ...]] = []
    pad: list[Cell] = [None] * offset
    pending = 0  # empty rows seen since the last non-empty one, not yet materialised
    # Equal figures share one float object (the engine makes a new 24-byte float per cell, and
    # cells outlive the grid in every table column that also holds markers); -0.0 equals 0.0,
    # so it keeps its own object to keep its sign.
    share = (shared if shared is not None else {}).setdefault
    for raw in rows:
        cells: list[Any]
        if text:
            cells = [v if v.strip() else None for v in raw]
        else:
            # Numbers dominate: test the class before calling strip() on text.
            cells = [
                (share(v, v) if v or copysign(1.0, v) > 0 else v)
                if v.__class__ is float
                else (v if v.__class__ is not str or v.strip() else None)
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
