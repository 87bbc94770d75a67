"""Measure a workbook's real cell range before anything allocates it.

python-calamine builds one dense block per sheet, from its first to its last filled cell, and
:mod:`hmcts_data.tables._grid` pads rows from A1. A 2 KB XLSX holding cells A1 and
XFD1048576 asks for 16384 x 1048576 cells: calamine's allocation fails and it aborts the whole
interpreter (an uncatchable SIGABRT), and one cell at XFD1048576 costs the grid 12 GB. So
:func:`check_extent` reads the sheet XML first, streamed in chunks with bounded state (no
tree, no DTD, no entity expansion), and refuses a sheet whose filled cells reach beyond
:data:`MAX_ROWS`, :data:`MAX_COLUMNS` or :data:`MAX_CELLS` (rows x columns from A1).

* XLSX: the ``r="XFD1048576"`` references of cells that hold something (a value, an inline
  string or a formula); styled empty cells (``<c r="A9" s="1"/>``) and the ``<dimension>``
  claim do not count, because the engine does not allocate for them. A cell or row without a
  reference takes the next position, as in the format.
* ODS: ``table:number-rows-repeated`` and ``table:number-columns-repeated`` are multiplied out
  arithmetically; repeats of empty cells (LibreOffice ends every sheet with a million empty
  rows) do not count, but a filled cell repeated 16384 times does.

The limits live in :mod:`hmcts_data.tables._limits`; a CSV file is held to them too.

Limits (module constants, documented in ``docs/tables.md``) sit far above any real HMCTS
table (the monthly MI is 14 rows x 60 columns; a formatted tables workbook a few hundred rows)
and far below what exhausts memory: a sheet at the cell limit costs the engine and the grid a
few hundred MB at most.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from collections.abc import Iterator
from typing import Final, Literal, NoReturn

from hmcts_data._errors import ParseError
from hmcts_data.tables._limits import MAX_CELLS, MAX_COLUMNS, MAX_ROWS, extent_error

__all__ = ["MAX_CELLS", "MAX_COLUMNS", "MAX_ROWS", "check_extent"]

_CHUNK: Final = 1 << 20
_TAIL: Final = 4096  # longest tag carried over a chunk boundary
_MAX_TAG: Final = 64 * 1024  # a tag longer than this is not a spreadsheet tag


def check_extent(data: bytes, *, name: str, kind: Literal["xlsx", "ods"]) -> None:
    """Refuse a workbook with a sheet whose filled cells reach beyond the limits.

    Call after :func:`hmcts_data.tables._guard.check_package` (the package is a sound zip
    within the inflation limits).

    Args:
        data: The workbook's bytes.
        name: File name for messages.
        kind: ``"xlsx"`` or ``"ods"``.

    Raises:
        ParseError: A sheet reaches beyond :data:`MAX_ROWS`, :data:`MAX_COLUMNS` or
            :data:`MAX_CELLS` (names the file, the sheet and its extent), or a cell reference
            cannot be read.

    Example:
        >>> import io, zipfile
        >>> buffer = io.BytesIO()
        >>> with zipfile.ZipFile(buffer, "w") as z:
        ...     z.writestr("xl/worksheets/sheet1.xml", '<sheetData><row r="1">'
        ...                '<c r="XFD1048576"><v>1</v></c></row></sheetData>')
        >>> check_extent(buffer.getvalue(), name="bomb.xlsx", kind="xlsx")
        Traceback (most recent call last):
        ...
        hmcts_data._errors.ParseError: bomb.xlsx, sheet 'sheet1' ...
    """
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        if kind == "xlsx":
            for sheet, member in _xlsx_sheets(archive):
                fast = _xlsx_fast(archive, member, name=name, sheet=sheet)
                rows, columns = fast if fast is not None else (-1, -1)
                if rows < 0:
                    rows, columns = _xlsx_filled(_stream(archive, member), name=name, sheet=sheet)
                if rows < 0:  # a filled cell without its reference: walk every tag
                    rows, columns = _xlsx_extent(_stream(archive, member), name=name, sheet=sheet)
                _limit(name, sheet, rows, columns)
        elif "content.xml" in archive.namelist():
            for sheet, rows, columns in _ods_extents(_stream(archive, "content.xml")):
                _limit(name, sheet, rows, columns)


def _limit(name: str, sheet: str, rows: int, columns: int) -> None:
    if rows <= MAX_ROWS and columns <= MAX_COLUMNS and rows * columns <= MAX_CELLS:
        return
    raise extent_error(name, sheet, rows, columns)


def _stream(archive: zipfile.ZipFile, member: str) -> Iterator[str]:
    """Yield a member's text in chunks that never split a tag."""
    carry = ""
    with archive.open(member) as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8", errors="replace")
        while chunk := text.read(_CHUNK):
            chunk = carry + chunk
            cut = chunk.rfind("<")
            if cut == -1 or (len(chunk) - cut > _MAX_TAG):
                carry = ""
                yield chunk
                continue
            carry = chunk[cut:]
            yield chunk[:cut]
    if carry:
        yield carry


# --- XLSX -------------------------------------------------------------------------------

# Attribute text up to the tag's end; a quoted value may hold ">".
_ATTRS: Final = r"""((?:[^>"']|"[^"]*"|'[^']*')*?)"""
_END: Final = r"(?=[\s/>])"
_SHEET = re.compile(rf"<(?:[\w.-]+:)?sheet{_END}{_ATTRS}/?>")
_RELATION = re.compile(rf"<(?:[\w.-]+:)?Relationship{_END}{_ATTRS}/?>")
_ATTR = re.compile(r"""([\w.:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
# A row tag, or a cell tag that is not self-closing (it holds <v>, <is> or <f>).
_XLSX_TAG = re.compile(rf"<(?:[\w.-]+:)?(row|c){_END}{_ATTRS}(/?)>")
# Only a cell tag that is not self-closing: the fast pass skips styled empty cells in C.
_FILLED_CELL = re.compile(r"""<(?:[\w.-]+:)?c(?=[\s>])((?:[^>"'/]|"[^"]*"|'[^']*'|/(?!>))*)>""")
_R_ATTR = re.compile(r"""(?:^|\s)r\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_CELL_REF = re.compile(r"\$?([A-Za-z]{1,3})\$?([1-9]\d{0,6})")
_ROW_REF = re.compile(r"[1-9]\d{0,6}")


def _attrs(text: str) -> dict[str, str]:
    return {k.split(":")[-1]: a or b for k, a, b in _ATTR.findall(text)}


def _xlsx_sheets(archive: zipfile.ZipFile) -> list[tuple[str, str]]:
    """``(sheet name, member)`` for every worksheet, resolved as the engine does (rels)."""
    names = set(archive.namelist())
    found: list[tuple[str, str]] = []
    try:
        workbook = archive.read("xl/workbook.xml").decode("utf-8", "replace")
        rels = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
    except KeyError:
        workbook = rels = ""
    targets = {}
    for match in _RELATION.finditer(rels):
        attrs = _attrs(match.group(1))
        target = attrs.get("Target", "")
        path = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
        targets[attrs.get("Id", "")] = posixpath.normpath(path)
    for match in _SHEET.finditer(workbook):
        attrs = _attrs(match.group(1))
        member = targets.get(attrs.get("id", ""))
        if member in names:
            found.append((attrs.get("name", member), member))
    # Worksheets the relations do not name are measured too: nothing unmeasured is parsed.
    listed = {m for _, m in found}
    for member in sorted(names - listed):
        if member.startswith("xl/worksheets/") and member.endswith(".xml"):
            found.append((posixpath.basename(member).removesuffix(".xml"), member))
    return found


def _column_number(letters: str) -> int:
    number = 0
    for ch in letters.upper():
        number = number * 26 + ord(ch) - 64
    return number


# The fast pass finds the children that make a cell filled with C-level searches, and reads the
# reference of the cell tag just before each. It only runs on sheet data without a colon,
# "!", tab or line break: anything that could hide a cell from it (prefixed elements, a cell
# tag followed by white space other than a blank, comments, CDATA) sends the sheet to the
# regular-expression passes below instead.
_ODD: Final = (b":", b"!", b"\t", b"\n", b"\r")
_CHILDREN: Final = (b"<v", b"<is", b"<f")
_AFTER_NAME: Final = frozenset(b" >/")


def _xlsx_fast(
    archive: zipfile.ZipFile, member: str, *, name: str, sheet: str
) -> tuple[int, int] | None:
    """Extent from filled cells, searched for in C; ``None`` when the sheet needs a full pass."""
    last_row = last_col = 0
    carry = b""
    first = True
    with archive.open(member) as raw:
        while True:
            block = raw.read(_CHUNK)
            chunk = carry + block
            carry = b""
            if block:  # cut after a whole row, else before a tag, so no cell is split
                cut = chunk.rfind(b"</row>")
                cut = cut + 6 if cut != -1 else chunk.rfind(b"<")
                if cut > 0:
                    chunk, carry = chunk[:cut], chunk[cut:]
            body = chunk
            if first:  # the root tag declares namespaces (with colons): start at the data
                first = False
                data_at = chunk.find(b"<sheetData")
                body = chunk[data_at:] if data_at != -1 else chunk
            if any(token in body for token in _ODD):
                return None
            for token in _CHILDREN:
                pos = chunk.find(token)
                while pos != -1:
                    after = pos + len(token)
                    if after < len(chunk) and chunk[after] not in _AFTER_NAME:
                        pos = chunk.find(token, after)
                        continue
                    start = max(chunk.rfind(b"<c ", 0, pos), chunk.rfind(b"<c>", 0, pos))
                    if start == -1:
                        return None
                    tag = _XLSX_TAG.match(chunk[start:pos].decode("utf-8", "replace"))
                    found = None if tag is None else _R_ATTR.search(tag.group(2))
                    if found is None:
                        return None
                    ref = found.group(1) or found.group(2) or ""
                    cell = _CELL_REF.fullmatch(ref)
                    if cell is None:
                        _bad_reference(name, sheet, ref)
                    last_row = max(last_row, int(cell.group(2)))
                    last_col = max(last_col, _column_number(cell.group(1)))
                    pos = chunk.find(token, pos + 1)
            if not block:
                return last_row, last_col


def _xlsx_filled(chunks: Iterator[str], *, name: str, sheet: str) -> tuple[int, int]:
    """Like :func:`_xlsx_extent` from filled cells alone; ``(-1, -1)`` if one has no ``r``."""
    last_row = last_col = 0
    for chunk in chunks:
        for match in _FILLED_CELL.finditer(chunk):
            found = _R_ATTR.search(match.group(1))
            if found is None:
                return -1, -1
            ref = found.group(1) or found.group(2) or ""
            cell = _CELL_REF.fullmatch(ref)
            if cell is None:
                _bad_reference(name, sheet, ref)
            last_row = max(last_row, int(cell.group(2)))
            last_col = max(last_col, _column_number(cell.group(1)))
    return last_row, last_col


def _xlsx_extent(chunks: Iterator[str], *, name: str, sheet: str) -> tuple[int, int]:
    """Last row and rightmost column holding a filled cell (1-based; 0 when none)."""
    last_row = last_col = 0
    row = 0  # current row number
    col = 0  # column of the previous cell in the row
    for chunk in chunks:
        for match in _XLSX_TAG.finditer(chunk):
            tag, attrs, closed = match.groups()
            found = _R_ATTR.search(attrs)
            ref = None if found is None else (found.group(1) or found.group(2) or "")
            if tag == "row":
                if ref is not None and not _ROW_REF.fullmatch(ref):
                    _bad_reference(name, sheet, ref)
                row = int(ref) if ref is not None else row + 1
                col = 0
                continue
            if ref is None:
                col += 1
            else:
                cell = _CELL_REF.fullmatch(ref)
                if cell is None:
                    _bad_reference(name, sheet, ref)
                col = _column_number(cell.group(1))
                row = int(cell.group(2))
            if not closed:
                last_row = max(last_row, row)
                last_col = max(last_col, col)
    return last_row, last_col


def _bad_reference(name: str, sheet: str, ref: str) -> NoReturn:
    # An unreadable reference cannot be measured, so it is not handed to the engine either.
    raise ParseError(
        f"{name}, sheet {sheet!r} has a cell reference {ref[:40]!r} that is not a cell "
        "address such as 'B7': the file is damaged or crafted and was not read. Download it "
        "again, or re-save it in a spreadsheet program.",
        file=name,
        sheet=sheet,
    )


# --- ODS --------------------------------------------------------------------------------

# Any prefix: the table namespace may be bound to a name other than "table".
_ODS_TAG = re.compile(
    rf"<(/?)(?:[\w.-]+:)?(table|table-row|table-cell|covered-table-cell){_END}{_ATTRS}(/?)>"
)
_REPEAT_ROWS = re.compile(r"""[\w.-]*:?number-rows-repeated\s*=\s*["']\s*(\d+)\s*["']""")
_REPEAT_COLS = re.compile(r"""[\w.-]*:?number-columns-repeated\s*=\s*["']\s*(\d+)\s*["']""")
_VALUE_TYPE = re.compile(r"(?:^|\s)(?:[\w.-]+:)?value-type\s*=")
_TABLE_NAME = re.compile(r"""(?:^|\s)(?:[\w.-]+:)?name\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def _ods_extents(chunks: Iterator[str]) -> Iterator[tuple[str, int, int]]:
    """``(sheet, rows, columns)`` of every table, repeats multiplied out."""
    sheet = ""
    depth = 0  # nested tables (sub-tables) count toward their outer sheet
    row = 0  # rows before the current one
    repeat = 1  # repeats of the current row
    col = 0  # columns before the next cell in the current row
    filled_col = 0  # rightmost filled column of the current row
    last_row = last_col = 0
    for chunk in chunks:
        for match in _ODS_TAG.finditer(chunk):
            closing, tag, attrs, empty = match.groups()
            if tag == "table":
                if closing:
                    depth -= 1
                    if depth == 0:
                        yield sheet, last_row, last_col
                elif not empty:
                    if depth == 0:
                        found = _TABLE_NAME.search(attrs)
                        sheet = (found.group(1) or found.group(2)) if found else "?"
                        row = last_row = last_col = 0
                    depth += 1
                continue
            if tag == "table-row":
                if not closing:
                    found = _REPEAT_ROWS.search(attrs)
                    repeat = int(found.group(1)) if found else 1
                    col = filled_col = 0
                    if not empty:
                        continue
                if filled_col:
                    last_row = row + repeat
                    last_col = max(last_col, filled_col)
                row += repeat
                continue
            if closing:
                continue
            found = _REPEAT_COLS.search(attrs)
            span = int(found.group(1)) if found else 1
            if not empty or _VALUE_TYPE.search(attrs):
                filled_col = col + span
            col += span
