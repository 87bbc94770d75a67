"""Reading the month column of a monthly table into ``(period_start, period_end)`` pairs.

Accepted cells: text such as ``1-Apr-18``, ``01-Apr-19``, ``Apr 2024``, ``April 2024``,
``Apr-21`` or ``2024-04``; real ``date``/``datetime`` cells; and Excel date serials (numbers such
as ``44672``, as a workbook reader returns an unformatted date cell).

The 2022 XLSX (era C) holds month cells that Excel mis-read: the text ``Apr-21`` became the date
21 April **2022** (the year Excel parsed it). Such a column is decoded as month = the date's
month, year = 2000 + the date's day, but only when that decoding gives consecutive months and
the plain reading does not; any other column of dates is taken at face value.
"""

from __future__ import annotations

import calendar
import itertools
import re
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Final

from hmcts_data._errors import ParseError
from hmcts_data.tables._schema import locate
from hmcts_data.tables._values import excerpt

__all__ = [
    "MONTH_NUMBERS",
    "decode_misread_months",
    "full_year",
    "month_bounds",
    "parse_month",
    "parse_month_column",
]

# Excel's 1900 date system counts days from 1899-12-30 (it wrongly keeps 29 Feb 1900).
_EXCEL_EPOCH: Final = date(1899, 12, 30)
# Serials between 1954-10-04 and 2119-01-06: wide enough for any monthly release, narrow enough
# that a stray count or year in the month column is not taken for a date.
_SERIAL_MIN: Final = 20000
_SERIAL_MAX: Final = 80000
#: Month name or abbreviation (lower case, ``"sept"`` too) -> month number.
MONTH_NUMBERS: Final = {
    **{name.lower(): i for i, name in enumerate(calendar.month_abbr) if name},
    **{name.lower(): i for i, name in enumerate(calendar.month_name) if name},
    "sept": 9,
}
_DAY_MON_YEAR = re.compile(r"^(\d{1,2})[-/ ]([A-Za-z]{3,9})[-/ ](\d{2}|\d{4})$")
_MON_YEAR = re.compile(r"^([A-Za-z]{3,9})[-/ ,.]*(\d{2}|\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})(?:-(\d{1,2}))?(?:[T ][\d:.]+)?$")
_SERIAL_TEXT = re.compile(r"^\d{5}(?:\.0+)?$")


def month_bounds(day: date) -> tuple[date, date]:
    """Return the first and last day of the month containing ``day``.

    Example:
        >>> month_bounds(date(2024, 2, 10))
        (datetime.date(2024, 2, 1), datetime.date(2024, 2, 29))
    """
    last = calendar.monthrange(day.year, day.month)[1]
    return date(day.year, day.month, 1), date(day.year, day.month, last)


def full_year(text: str) -> int:
    """Read a two- or four-digit year; two digits are a year of this century.

    Example:
        >>> full_year("21"), full_year("2021")
        (2021, 2021)
    """
    year = int(text)
    return 2000 + year if len(text) == 2 else year


def _from_serial(serial: float) -> date | None:
    if not _SERIAL_MIN <= serial <= _SERIAL_MAX or serial != int(serial):
        return None
    return _EXCEL_EPOCH + timedelta(days=int(serial))


def _cell_date(cell: object) -> date | None:
    """Return the date a cell holds, or ``None`` when it does not hold one."""
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    if isinstance(cell, bool):
        return None
    if isinstance(cell, int | float):
        return _from_serial(float(cell))
    if not isinstance(cell, str):
        return None
    text = " ".join(cell.split())
    if not text:
        return None
    try:
        if match := _DAY_MON_YEAR.match(text):
            day, mon, year = match.groups()
            month = MONTH_NUMBERS.get(mon.lower())
            return date(full_year(year), month, int(day)) if month else None
        if match := _MON_YEAR.match(text):
            mon, year = match.groups()
            month = MONTH_NUMBERS.get(mon.lower())
            return date(full_year(year), month, 1) if month else None
        if match := _ISO.match(text):
            year, mon, day = match.groups()
            return date(int(year), int(mon), int(day or 1))
    except ValueError:  # 31-Feb-20, month 13 ...
        return None
    if _SERIAL_TEXT.match(text):
        return _from_serial(float(text))
    return None


def parse_month(cell: object) -> date | None:
    """Return the first day of the month a single cell names, or ``None`` if it names none.

    A single cell cannot be checked for Excel's misreading (that needs the whole column, see
    :func:`parse_month_column`), so a date is taken at face value here.

    Args:
        cell: A raw cell (text, number, date or datetime).

    Returns:
        The first day of the month, or ``None`` for a cell that is not a month.

    Example:
        >>> parse_month("1-Apr-18"), parse_month("Apr 2024"), parse_month(44672.0)
        (datetime.date(2018, 4, 1), datetime.date(2024, 4, 1), datetime.date(2022, 4, 1))
    """
    day = _cell_date(cell)
    return None if day is None else day.replace(day=1)


def _consecutive(months: Sequence[date]) -> bool:
    return all(
        (b.year * 12 + b.month) - (a.year * 12 + a.month) == 1
        for a, b in itertools.pairwise(months)
    )


def decode_misread_months(days: Sequence[date]) -> list[date] | None:
    """Undo Excel's misreading of ``Mon-YY`` text as a day of the year it was opened.

    Args:
        days: The dates of a month column, in row order.

    Returns:
        The true first-of-month dates (month = the date's month, year = 2000 + the date's
        day) when that decoding gives consecutive months and the plain reading does not;
        otherwise ``None`` (the dates are real dates).

    Example:
        >>> decode_misread_months([date(2022, 12, 21), date(2022, 1, 22)])
        [datetime.date(2021, 12, 1), datetime.date(2022, 1, 1)]
        >>> decode_misread_months([date(2024, 4, 1), date(2024, 5, 1)]) is None
        True
    """
    if len(days) < 2:
        return None
    naive = [d.replace(day=1) for d in days]
    decoded = [date(2000 + d.day, d.month, 1) for d in days]
    if _consecutive(decoded) and not _consecutive(naive):
        return decoded
    return None


def parse_month_column(
    cells: Sequence[object],
    *,
    file: str,
    sheet: str | None = None,
    rows: Sequence[int] | None = None,
    column: str = "A",
) -> list[tuple[date, date]]:
    """Read a whole month column into ``(period_start, period_end)`` pairs.

    Args:
        cells: The month cells, in row order.
        file: File name for error messages.
        sheet: Sheet name for error messages.
        rows: 1-based source row of each cell (default: 2, 3, ...).
        column: Column letter for error messages.

    Returns:
        One ``(first day, last day)`` pair per cell, in row order.

    Raises:
        ParseError: A cell is not a month (names file, sheet, row and column), or two rows
            name the same month.

    Example:
        >>> parse_month_column(["Apr 2024", "May 2024"], file="d.csv")[1]
        (datetime.date(2024, 5, 1), datetime.date(2024, 5, 31))
    """
    row_numbers = list(rows) if rows is not None else list(range(2, len(cells) + 2))
    days: list[date] = []
    for cell, row in zip(cells, row_numbers, strict=True):
        day = _cell_date(cell)
        if day is None:
            raise ParseError(
                f"Cannot read {excerpt(cell)} as a month in {locate(file, sheet, row, column)}. "
                "Expected a month such as 'Apr 2024', '01-Apr-19' or a date cell; the file "
                "may be of an unknown layout.",
                file=file,
                sheet=sheet,
                row=row,
                column=column,
            )
        days.append(day)
    textual = all(isinstance(c, str) and not _SERIAL_TEXT.match(c.strip()) for c in cells)
    decoded = None if textual else decode_misread_months(days)
    months = decoded if decoded is not None else [d.replace(day=1) for d in days]
    seen: dict[date, int] = {}
    for month, row in zip(months, row_numbers, strict=True):
        if month in seen:
            raise ParseError(
                f"Month {month:%b %Y} appears twice in {locate(file, sheet, column=column)} (rows "
                f"{seen[month]} and {row}); a monthly table has one row per month.",
                file=file,
                sheet=sheet,
                row=row,
                column=column,
            )
        seen[month] = row
    return [month_bounds(m) for m in months]
