"""Raw sheets as lists of cells: :func:`read_sheets` over the one reader in ``_grid``.

:func:`sniff_format` (re-exported) decides CSV, XLSX or ODS from the content;
:func:`read_sheets` returns every worksheet as rows of raw cells, each row a list padded to its
published width. Both are :mod:`hmcts_data.tables._grid` underneath, the same path as
:func:`hmcts_data.read_tables` and the monthly parser, with the same hardening (zip bombs,
encrypted, truncated or corrupt packages are refused before the engine sees them).
"""

from __future__ import annotations

from dataclasses import dataclass

from hmcts_data.tables._grid import Format, iter_grids, padded_rows, sniff_format

__all__ = ["Format", "Sheet", "read_sheets", "sniff_format"]


@dataclass(frozen=True)
class Sheet:
    """One sheet of raw cells, as published.

    Attributes:
        name: Sheet name; for a CSV file, the file name.
        rows: Rows of cells: ``str``, ``int``, ``float``, ``datetime``, ``date`` (or another
            value a workbook reader returns); ``None`` for an empty cell (or one holding only
            whitespace).
    """

    name: str
    rows: list[list[object]]


def read_sheets(data: bytes, *, name: str) -> list[Sheet]:
    r"""Read every worksheet of a CSV, XLSX or ODS file into raw cells.

    Args:
        data: The file's bytes (the format is sniffed with :func:`sniff_format`).
        name: File name, used as the sheet name of a CSV file and in error messages.

    Returns:
        The sheets in workbook order (one sheet for a CSV file). Empty cells are ``None``;
        nothing is renamed or converted beyond what the reader returns. A CSV row has as many
        cells as it had fields; a workbook row is as wide as the sheet's widest row; trailing
        empty rows are dropped.

    Raises:
        ParseError: The file is not CSV/XLSX/ODS (see :func:`sniff_format`), cannot be
            decoded, is unsafe (a zip bomb) or is an encrypted, truncated or corrupt workbook.

    Example:
        >>> read_sheets(b'MONTH,ET_OUTSTANDING\r\n01-Apr-20,"39,241"\r\n', name="b.csv")[0].rows
        [['MONTH', 'ET_OUTSTANDING'], ['01-Apr-20', '39,241']]
    """
    return [
        Sheet(name=grid.name if grid.name is not None else name, rows=padded_rows(grid))
        for grid in iter_grids(data, name=name)
    ]
