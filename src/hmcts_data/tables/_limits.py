"""How far a sheet may reach: the shape limits every source is held to, CSV or workbook.

Far above any real HMCTS table (the monthly MI is 14 rows x 60 columns; a formatted tables
workbook a few hundred rows) and far below what exhausts memory. A workbook is measured from
its XML before the engine opens it (:mod:`hmcts_data.tables._extent`); a CSV file as its rows
are read (:mod:`hmcts_data.tables._grid`). Documented in ``docs/tables.md``.
"""

from __future__ import annotations

from typing import Final

from hmcts_data._errors import ParseError

__all__ = ["MAX_CELLS", "MAX_COLUMNS", "MAX_ROWS", "extent_error"]

#: Most rows a sheet may reach (row number of its last filled cell).
MAX_ROWS: Final = 200_000
#: Most columns a sheet may reach (column of its rightmost filled cell; 2,000 is column BXX).
MAX_COLUMNS: Final = 2_000
#: Most cells of the block from A1 to the last row and rightmost column holding a cell.
MAX_CELLS: Final = 5_000_000


def extent_error(name: str, sheet: str | None, rows: int, columns: int) -> ParseError:
    """The error for a sheet (``sheet=None``: a CSV file) reaching beyond the limits.

    Example:
        >>> str(extent_error("x.csv", None, 1, 10**6)).startswith("x.csv has filled cells")
        True
    """
    where = f"{name}, sheet {sheet!r}" if sheet is not None else name
    advice = (
        "delete the stray cells far from the table (or export the sheet you need to CSV) and "
        "read that"
        if sheet is not None
        else "split it into smaller files"
    )
    return ParseError(
        f"{where} has filled cells reaching row {rows:,} and column {columns:,} "
        f"({rows * columns:,} cells from A1); the reader's limits are {MAX_ROWS:,} rows, "
        f"{MAX_COLUMNS:,} columns and {MAX_CELLS:,} cells, far above any HMCTS table, so it "
        f"was not read. The file is damaged or crafted; if it is genuine, {advice}.",
        file=name,
        sheet=sheet,
    )
