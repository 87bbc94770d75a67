"""Finding the tables in one sheet's raw grid: preamble, header rows, data and footnotes.

The rules (documented for users in ``docs/tables.md``):

* Rows are split into blocks at fully blank rows.
* A **data row** has at least one figure (a number, numeric text or a missing-value marker such
  as ``[x]`` or ``..``) in a column right of the table's first column. Year numbers (1990-2100)
  and dates in such a row count as header text when the row holds no other figure.
* **Preamble** rows hold one text cell in the table's first column (title, "This worksheet
  contains one table", shorthand keys, source statements); the title is the first preamble row
  that starts with "Table", otherwise the first one.
* **Header rows** are every row between the preamble and the first data row. A table whose first
  multi-cell row is already a data row has **no header row** and is refused.
* Upper header rows are filled across merged spans: exactly from the merged ranges where the
  format records them (XLSX), otherwise by carrying a label right over blank cells that have a
  label below them and the same parent above (ODS and CSV lose merges).
* **Footnotes**: a trailing run of one-text-cell rows after the data that reads like a note
  ("Source: ...", "1. ...", "Note: ...", "* ...", or five words or more), and any text-only block
  after a table. Text-only blocks between two tables go to the first table's footnotes when they
  read like notes and otherwise become the next table's preamble (its title).
* A one-text-cell row between data rows is a **section heading**: it labels the data rows below
  it (``Table.groups``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Final

from hmcts_data.tables._grid import Cell, Grid
from hmcts_data.tables._values import CellError, parse_cell

__all__ = ["RawTable", "find_tables", "is_data_cell"]

_FOOTNOTE = re.compile(
    r"^\s*(?:source|sources|note|notes|\d{1,2}\s*[.):]|\(\d{1,2}\)|\*|†|\[note|[a-z]\)|"
    r"figures|data |these |this |the |please|provisional|revised|contact|next update|"
    r"published|footnote)",
    re.IGNORECASE,
)
_TABLE_TITLE = re.compile(r"^\s*table\b", re.IGNORECASE)


@dataclass
class RawTable:
    """A table located in a grid, before labels are flattened (internal)."""

    top: int  # 0-based row index of the first preamble/header row
    left: int
    width: int
    preamble: list[str] = field(default_factory=list)
    preamble_rows: list[int] = field(default_factory=list)
    header: list[int] = field(default_factory=list)  # 0-based row indexes
    data: list[int] = field(default_factory=list)
    groups: list[str | None] = field(default_factory=list)
    footnotes: list[str] = field(default_factory=list)


def _is_text(cell: Cell) -> bool:
    return isinstance(cell, str)


def is_data_cell(cell: Cell) -> bool:
    """Return whether a non-empty cell holds a figure or a missing-value marker.

    Example:
        >>> is_data_cell("1,234"), is_data_cell("[x]"), is_data_cell("Crown Court")
        (True, True, False)
    """
    if cell is None or isinstance(cell, bool):
        return False
    if isinstance(cell, int | float):
        return True
    if isinstance(cell, date | datetime | time):
        return False
    if isinstance(cell, str):
        try:
            value, marker = parse_cell(cell)
        except CellError:
            return False
        return value is not None or (marker is not None and marker != "blank")
    return False


_YEAR_MIN: Final = 1990
_YEAR_MAX: Final = 2100


def _headerish_number(cell: Cell) -> bool:
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        return float(cell).is_integer() and _YEAR_MIN <= cell <= _YEAR_MAX
    if isinstance(cell, str):
        text = cell.strip()
        return text.isdigit() and _YEAR_MIN <= int(text) <= _YEAR_MAX
    return False


def _is_data_row(row: tuple[Cell, ...], left: int) -> bool:
    rest = [c for c in row[left + 1 :] if c is not None]
    figures = [c for c in rest if is_data_cell(c)]
    if not figures:
        return False
    # A row of years ("2019", "2020", ...) above a wide table is a header, not data.
    return not all(_headerish_number(c) for c in figures) or any(
        is_data_cell(c) for c in row[left : left + 1] if c is not None
    )


def _nonempty(row: tuple[Cell, ...]) -> list[int]:
    return [i for i, c in enumerate(row) if c is not None]


def _multi(row: tuple[Cell, ...]) -> bool:
    # Rows are trimmed (the last cell is filled): another filled cell means two or more.
    return any(c is not None for c in row[:-1])


def _first(row: tuple[Cell, ...]) -> int:
    return next(i for i, c in enumerate(row) if c is not None)


def _single_text(row: tuple[Cell, ...], left: int) -> str | None:
    if not row or len(row) - 1 > left or _multi(row):
        return None
    cell = row[-1]
    return cell if isinstance(cell, str) else None


def _is_footnote(text: str) -> bool:
    return bool(_FOOTNOTE.match(text)) or len(text.split()) >= 5


def _blocks(rows: tuple[tuple[Cell, ...], ...]) -> list[list[int]]:
    blocks: list[list[int]] = []
    current: list[int] = []
    for i, row in enumerate(rows):
        if row:
            current.append(i)
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def find_tables(grid: Grid) -> tuple[list[RawTable], list[int]]:
    """Locate every table in a grid.

    Args:
        grid: The sheet's raw cells.

    Returns:
        The tables found, and the 0-based row indexes of blocks that start with data rows but
        have no header row above them (the caller refuses those).

    Example:
        >>> g = Grid("T", (("Table 1",), ("Week", "A"), ("w/c 6 April 2020", 3)))
        >>> [t.data for t in find_tables(g)[0]]
        [[2]]
    """
    rows = grid.rows
    tables: list[RawTable] = []
    headless: list[int] = []
    stash: list[tuple[int, str]] = []  # text-only rows waiting for a home
    for block in _blocks(rows):
        multi = [i for i in block if _multi(rows[i])]
        if not multi:
            stash.extend((i, " ".join(str(c) for c in rows[i] if c is not None)) for i in block)
            continue
        left = min(_first(rows[i]) for i in multi)
        # Text between the previous table and this one: notes of the former, title of this.
        if stash and tables:
            keep: list[tuple[int, str]] = []
            for i, line in stash:
                if _is_footnote(line) and not _TABLE_TITLE.match(line):
                    tables[-1].footnotes.append(line)
                else:
                    keep.append((i, line))
            stash = keep
        table = RawTable(top=block[0], left=left, width=0)
        for i, line in stash:
            table.preamble.append(line)
            table.preamble_rows.append(i)
        stash = []
        position = 0
        while position < len(block):
            text = _single_text(rows[block[position]], left)
            if text is None:
                break
            table.preamble.append(text)
            table.preamble_rows.append(block[position])
            position += 1
        while position < len(block) and not _is_data_row(rows[block[position]], left):
            if table.header and _single_text(rows[block[position]], left) is not None:
                break  # a section heading between the header and the first data row
            table.header.append(block[position])
            position += 1
        body = block[position:]
        if not body:
            # Text only (a contents list, a key): not a table of figures.
            continue
        if not table.header:
            headless.append(body[0])
            continue
        # Trailing one-text-cell rows that read like notes are footnotes.
        end = len(body)
        while end > 0:
            text = _single_text(rows[body[end - 1]], left)
            if text is None:
                break
            end -= 1
        trailing = [_single_text(rows[i], left) or "" for i in body[end:]]
        if trailing and any(_is_footnote(t) for t in trailing):
            table.footnotes.extend(trailing)
            body = body[:end]
        group: str | None = None
        for index, i in enumerate(body):
            text = _single_text(rows[i], left)
            if text is not None and index + 1 < len(body):
                group = text.strip()
                continue
            table.data.append(i)
            table.groups.append(group)
        used = table.header + table.data
        table.width = max(len(rows[i]) for i in used) - left
        tables.append(table)
    if stash and tables:
        tables[-1].footnotes.extend(line for _, line in stash)
    return tables, headless
