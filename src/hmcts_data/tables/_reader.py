"""One reader for GOV.UK statistical spreadsheets: every data table of a CSV, XLSX or ODS file.

:func:`read_tables` returns :class:`Table` objects: the sheet, title, preamble, the raw header
rows, flattened column labels (``[note N]`` stripped and kept as notes), the data cells as
published, where shorthand markers were found, and the footnotes below the table.
:meth:`Table.to_tidy` turns a table (wide or long, periods across or down) into the tidy
contract through the one melt step (:func:`hmcts_data.tables._schema.melt_parts`).

Layout rules live in :mod:`hmcts_data.tables._layout`; period labels in
:mod:`hmcts_data.tables._weeks`; cell reading in :mod:`hmcts_data.tables._values`.
"""

from __future__ import annotations

import dataclasses
import itertools
import logging
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Final

from hmcts_data._errors import ParseError
from hmcts_data._warn import warn
from hmcts_data.tables._grid import Cell, Grid, iter_grids
from hmcts_data.tables._layout import RawTable, find_tables, is_data_cell
from hmcts_data.tables._periods import month_bounds
from hmcts_data.tables._schema import (
    ColumnSpec,
    Parsed,
    Provenance,
    cell_error,
    column_letter,
    locate,
    melt_parts,
    parsed,
)
from hmcts_data.tables._source import check_time
from hmcts_data.tables._values import CellError, excerpt, parse_cell, quick_cells
from hmcts_data.tables._weeks import (
    Period,
    WeekDates,
    parse_period,
    strip_brackets,
)

if TYPE_CHECKING:
    import pandas as pd

    from hmcts_data.tables._source import Source

__all__ = ["LabelMeaning", "Marker", "Table", "melt_table", "read_tables", "sheet_role"]

_log = logging.getLogger("hmcts_data")

_NOTE = re.compile(r"\[\s*notes?\s*[^\]]*\]", re.IGNORECASE)
_CODE = re.compile(r"\[([a-z]{1,3})\d*\]", re.IGNORECASE)
_PERCENT = re.compile(r"%|\bper ?cent(?:age)?\b|\bproportion\b|\bshare\b|\brate\b", re.IGNORECASE)
_QUALIFIERS: Final = frozenset({"p", "r", "e", "u", "f", "b", "er"})
_SKIP_NAMES: Final = frozenset(
    {
        "cover",
        "coversheet",
        "contents",
        "tableofcontents",
        "toc",
        "index",
        "notes",
        "note",
        "notessheet",
        "footnotes",
        "information",
        "info",
        "about",
        "readme",
        "metadata",
        "definitions",
        "glossary",
        "guidance",
    }
)
#: Rows parsed between two looks at the time budget.
_CHECK_ROWS: Final = 1024
_NOTE_KEY = re.compile(r"^\s*\[?\s*note\s*(\d+[a-z]?)\s*\]?\s*$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Marker:
    """A shorthand or legacy marker found in a data cell.

    Attributes:
        row: 1-based source row.
        column: Column letter.
        label: The column's flattened label.
        marker: The marker as :func:`~hmcts_data.tables._values.parse_cell` reports it
            (``"[x]"``, ``".."``, ``"[p]"`` ...).
        value: The figure beside a qualifier (``123 [p]``), ``None`` when missing.
    """

    row: int
    column: str
    label: str
    marker: str
    value: float | None


@dataclass(frozen=True)
class LabelMeaning:
    """What a series of figures means in the tidy vocabulary (returned by a classifier).

    Attributes:
        jurisdiction: Canonical jurisdiction, or ``None`` when unknown.
        measure: Canonical measure, or ``None`` when unknown.
        breakdown: Variant (``""`` when none).
        unit: Unit key of the vocabulary.
        mapping: How the meaning was found (the tidy ``mapping`` column): ``"inferred"``
            (default: read from the wording by phrase rules) or ``"exact"`` (a label on record).
    """

    jurisdiction: str | None
    measure: str | None
    breakdown: str
    unit: str
    mapping: str = "inferred"


#: A classifier gets the label parts of a series (row labels, section, column label) and the
#: table title, and returns what they mean.
Classifier = Callable[[Sequence[str], str | None], LabelMeaning]


def default_meaning(parts: Sequence[str], title: str | None) -> LabelMeaning:
    """The classifier used when none is given: nothing known, unit from a percent hint.

    The hint is a ``%``, "percent(age)", "proportion", "share" or "rate" in the labels or
    the table title.

    Example:
        >>> default_meaning(["Video (%)"], None).unit
        'percent'
    """
    text = " ".join([*parts, title or ""])
    return LabelMeaning(None, None, "", "percent" if _PERCENT.search(text) else "unknown")


@dataclass(frozen=True)
class _Series:
    parts: tuple[str, ...]
    periods: list[Period] = field(default_factory=list)
    cells: list[object] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)


@dataclass(frozen=True, eq=False)
class Table:
    """One table of figures found in a published file.

    Attributes:
        file: File name of the source.
        sheet: Sheet name; ``None`` for a CSV file.
        index: 0-based position of the table within its sheet.
        title: The table's title (first preamble row starting "Table", else the first one).
        preamble: Text rows above the header (title, description, keys), as published.
        header_rows: The raw header rows (multi-row headers kept), cells as published.
        header_row: 1-based source row of the last header row.
        first_column: 0-based column of the table's first column.
        raw_columns: Flattened labels as published (upper rows filled across merged spans,
            parts joined with ``" - "``, whitespace normalised).
        columns: ``raw_columns`` with ``[note N]`` markers removed.
        notes: Note markers (``"[note 1]"``) found in the title, preamble, labels and footnotes.
        note_text: Text of those notes, from the workbook's notes sheet where there is one.
        footnotes: Text rows found under the table, as published.
        data: The data cells as published, columns = :attr:`columns` (duplicates allowed),
            index = 1-based source row numbers. A column holding only numbers and empty cells
            is ``float64`` (``NaN`` = empty); any other column keeps the raw cells (``object``,
            ``None`` = empty), text and markers included.
        groups: Section heading in force for each data row (``None`` when there is none).
        markers: Every data cell holding a marker, with where it was found.
        label_columns: Positions (in :attr:`columns`) of the label columns: columns with no
            figure in them (row labels, periods).
        tables_in_sheet: How many tables of figures the sheet holds (this one included).
    """

    file: str
    sheet: str | None
    index: int
    title: str | None
    preamble: tuple[str, ...]
    header_rows: tuple[tuple[Cell, ...], ...]
    header_row: int
    first_column: int
    raw_columns: tuple[str, ...]
    columns: tuple[str, ...]
    notes: tuple[str, ...]
    note_text: Mapping[str, str]
    footnotes: tuple[str, ...]
    data: pd.DataFrame
    groups: tuple[str | None, ...]
    markers: tuple[Marker, ...]
    label_columns: tuple[int, ...]
    tables_in_sheet: int = 1

    def column_letters(self) -> list[str]:
        """Spreadsheet letters of the table's columns, in order."""
        return [column_letter(self.first_column + j) for j in range(len(self.columns))]

    def to_tidy(
        self,
        provenance: Provenance,
        *,
        classify: Classifier | None = None,
        week_dates: WeekDates | None = None,
        period: tuple[date, date] | None = None,
    ) -> pd.DataFrame:
        r"""Melt the table into the tidy contract, every data cell exactly once.

        The period axis is found as: value-column headers that are periods (a wide table,
        periods across); else the first label column whose cells are all periods (periods
        down, wide by measure or long); else a period named in the title; else ``period``.
        Every other label column, the section heading and the column label (when it is not a
        period) make up a figure's labels, joined with ``" | "`` into ``source_label``
        (prefixed with the table title when a sheet holds several tables).

        Args:
            provenance: Where the figures come from (``sheet`` is filled in from the table).
            classify: Maps label parts and the title to jurisdiction, measure, breakdown and
                unit; by default nothing is known (null jurisdiction/measure, unit ``unknown``
                or ``percent``).
            week_dates: Whether bare dates of a weekly table are week-commencing or
                week-ending, when the file does not say.
            period: The period of every figure when the table has no period axis.

        Returns:
            A validated tidy frame.

        Raises:
            ParseError: No period can be found, or a value cell is neither a figure nor a
                marker (names file, sheet, row and column).

        Example:
            >>> from hmcts_data import Provenance
            >>> tables = read_tables(b"Week ending,Hearings\n12/04/2020,5\n")
            >>> tidy = tables[0].to_tidy(Provenance("ad-hoc", "h.csv", "0" * 64))
            >>> tidy.loc[0, "period_start"], tidy.loc[0, "period_end"], tidy["value"].tolist()
            (Timestamp('2020-04-06 00:00:00'), Timestamp('2020-04-12 00:00:00'), [5.0])
        """
        from hmcts_data.tables._schema import empty_tidy

        found = melt_table(
            self, provenance, classify=classify, week_dates=week_dates, period=period
        )
        return found.frame() if found.parts else empty_tidy()

    # -- internals ------------------------------------------------------------------------

    def _where(self) -> str:
        return locate(self.file, self.sheet)

    def _column_periods(self, week_dates: WeekDates | None) -> dict[int, Period]:
        context = " ".join([self.title or "", *self.preamble[:3]])
        found: dict[int, Period] = {}
        for j, label in enumerate(self.columns):
            if j in self.label_columns:
                continue
            candidates = [label, *(str(c) for c in self._header_cells(j) if c is not None)]
            raw_cells = [c for c in self._header_cells(j) if isinstance(c, date | datetime)]
            for cand in [*raw_cells, *candidates]:
                got = parse_period(cand, context=context, week_dates=week_dates)
                if got is not None:
                    found[j] = got
                    break
        return found

    def _header_cells(self, j: int) -> list[Cell]:
        col = self.first_column + j
        return [row[col] if col < len(row) else None for row in self.header_rows]

    def _row_periods(self, week_dates: WeekDates | None) -> tuple[int, list[Period]] | None:
        for j in self.label_columns:
            cells = list(self.data.iloc[:, j])
            present = [c for c in cells if c is not None]
            if not present:
                continue
            context = " ".join([self.columns[j], self.title or ""])
            periods = [parse_period(c, context=context, week_dates=week_dates) for c in cells]
            if all(p is not None for p in periods):
                return j, [p for p in periods if p is not None]
        return None

    def _title_period(self, week_dates: WeekDates | None) -> Period | None:
        for text in [self.title or "", *self.preamble]:
            clean = strip_brackets(text)
            for pattern in (
                r"(?:w/c|w/e|week\s+(?:commencing|ending|beginning)).{3,25}?\d{4}",
                r"\b\d{1,2}(?:st|nd|rd|th)?\s+[A-Za-z]{3,9}\s+\d{4}\b",
                r"\b[A-Za-z]{3,9}\s+(?:to|-)\s+[A-Za-z]{3,9}\s+\d{4}\b",
                r"\b[A-Za-z]{3,9}\s+\d{4}\b",
            ):
                for match in re.finditer(pattern, clean, re.IGNORECASE):
                    got = parse_period(match.group(0), week_dates=week_dates)
                    if got is not None:
                        return got
        return None

    def _series(
        self, *, week_dates: WeekDates | None, period: tuple[date, date] | None
    ) -> list[_Series]:
        if self.data.empty:
            return []
        value_cols = [j for j in range(len(self.columns)) if j not in self.label_columns]
        letters = self.column_letters()
        across = self._column_periods(week_dates)
        down: tuple[int, list[Period]] | None = None
        fixed: Period | None = None
        if not across or len(across) * 2 < len(value_cols):
            across = {}
            down = self._row_periods(week_dates)
            if down is None:
                fixed = (
                    Period(period[0], period[1], "given")
                    if period is not None
                    else self._title_period(week_dates)
                )
                if fixed is None:
                    raise ParseError(
                        f"Cannot tell the period of the figures in {self._where()} (table "
                        f"{excerpt(self.title or self.index + 1)}): no column or row label is a "
                        "week, month, quarter or year and the title names none. Pass "
                        "period=(start, end) to Table.to_tidy.",
                        file=self.file,
                        sheet=self.sheet,
                        row=self.header_row,
                    )
        row_periods = _upgrade_days(down[1], week_dates, self._where()) if down else None
        if across:
            ordered = sorted(across)
            upgraded = _upgrade_days([across[j] for j in ordered], week_dates, self._where())
            across = dict(zip(ordered, upgraded, strict=True))
            span = Period(
                min(p.start for p in across.values()), max(p.end for p in across.values()), "span"
            )
        dims = [j for j in self.label_columns if down is None or j != down[0]]
        fast = _by_column(
            self,
            value_cols=value_cols,
            dims=dims,
            across=across,
            down=row_periods if row_periods is not None else (span if across else fixed),
            down_column=None if down is None else down[0],
        )
        if fast is not None:
            return fast
        series: dict[tuple[str, ...], _Series] = {}
        taken: dict[tuple[str, ...], set[tuple[date, date]]] = {}
        values = self.data.to_numpy(dtype=object)
        row_numbers = list(self.data.index)
        for i, row in enumerate(values):
            if not i % _CHECK_ROWS:
                check_time(self.file, self.sheet)
            base = [g for g in (self.groups[i],) if g]
            base += [_label_text(row[j]) for j in dims if row[j] is not None]
            row_codes = _codes(" ".join(base))
            for j in value_cols:
                if across and j in across:
                    when = across[j]
                    parts = tuple(base)
                    codes = row_codes | _codes(self.raw_columns[j])
                else:
                    when = (
                        row_periods[i] if row_periods is not None else (span if across else fixed)  # type: ignore[assignment]
                    )
                    parts = (*base, self.raw_columns[j])
                    codes = row_codes | _codes(self.raw_columns[j])
                    if down is not None:
                        codes |= _codes(_label_text(row[down[0]]))
                assert when is not None
                cell = _checked(
                    row[j], codes, self, row=int(row_numbers[i]), letter=letters[j], j=j
                )
                s = series.get(parts)
                if s is not None and (when.start, when.end) in taken[parts]:
                    # The same labels twice with the same period: keep both, told apart by row.
                    parts = (*parts, f"row {row_numbers[i]}")
                    s = series.get(parts)
                if s is None:
                    s = series[parts] = _Series(parts)
                    taken[parts] = set()
                taken[parts].add((when.start, when.end))
                s.periods.append(when)
                s.cells.append(cell)
                s.rows.append(int(row_numbers[i]))
        return list(series.values())

    def _repr_html_(self) -> str:
        # Jupyter: the title, where the table is, and its first data rows as published.
        import html

        where = self.file + (f", sheet {self.sheet!r}" if self.sheet else "")
        caption = html.escape(f"{self.title or 'Table'} ({where}, {len(self.data)} rows)")
        body = self.data.head(10).to_html(max_cols=12)
        return f"<div><p><b>{caption}</b></p>{body}</div>"


def _by_column(
    table: Table,
    *,
    value_cols: Sequence[int],
    dims: Sequence[int],
    across: Mapping[int, Period],
    down: Sequence[Period] | Period | None,
    down_column: int | None,
) -> list[_Series] | None:
    """:meth:`Table._series` a column at a time, when no two cells share labels and period.

    The same series, cells, periods and rows, in the same order, as the cell-by-cell loop, and
    the same first error (row by row, left to right); each column's cells are checked at once
    (:func:`~hmcts_data.tables._values.quick_cells`), not one call per cell. ``None`` when
    some labels and period repeat (told apart by row in the loop) or labels collide: the
    caller then runs the loop.
    """
    from hmcts_data.tables._source import check_time

    n = len(table.data)
    row_numbers = [int(r) for r in table.data.index]
    columns = {
        j: table.data.iloc[:, j].to_numpy(dtype=object).tolist()
        for j in {*dims, *value_cols, *([] if down_column is None else [down_column])}
    }
    texts: dict[tuple[type, object], str] = {}

    def text(cell: Cell) -> str:
        key = (cell.__class__, cell)
        got = texts.get(key)
        if got is None:
            got = texts[key] = _label_text(cell)
        return got

    # The labels of each row (section heading, label columns) and the rows holding each.
    bases: list[tuple[str, ...]]
    if dims or any(table.groups):
        dim_cells = [columns[j] for j in dims]
        bases = []
        for i in range(n):
            if not i % _CHECK_ROWS:
                check_time(table.file, table.sheet)
            group = table.groups[i]
            head: tuple[str, ...] = (group,) if group else ()
            bases.append(head + tuple(text(col[i]) for col in dim_cells if col[i] is not None))
    else:
        bases = [()] * n
    rows_of: dict[tuple[str, ...], list[int]] = {}
    for i, base in enumerate(bases):
        rows_of.setdefault(base, []).append(i)
    across_cols = [j for j in value_cols if j in across]
    down_cols = [j for j in value_cols if j not in across]
    # Where the loop tells cells apart by row, or two series' labels are one: not here.
    labels = [table.raw_columns[j] for j in down_cols]
    if len(set(labels)) != len(labels):
        return None
    if across_cols:
        spans = {(across[j].start, across[j].end) for j in across_cols}
        if len(spans) != len(across_cols) or any(len(r) > 1 for r in rows_of.values()):
            return None
        if down_cols and any(b and b[:-1] in rows_of and b[-1] in set(labels) for b in rows_of):
            return None
    if down_cols:
        if isinstance(down, Period) or down is None:
            if any(len(r) > 1 for r in rows_of.values()):
                return None
        else:
            for rows in rows_of.values():
                if len({(down[i].start, down[i].end) for i in rows}) != len(rows):
                    return None
    # Every value cell checked, a column at once; the first bad cell is the loop's first.
    bad: tuple[int, int] | None = None
    for position, j in enumerate(value_cols):
        check_time(table.file, table.sheet)
        k = _first_bad(columns[j])
        if k is not None and (bad is None or (k, position) < bad):
            bad = (k, position)
    letters = table.column_letters()
    if bad is not None:
        k, position = bad
        j = value_cols[position]
        _checked(columns[j][k], set(), table, row=row_numbers[k], letter=letters[j], j=j)
        raise AssertionError("unreachable: the cell was found bad")  # pragma: no cover
    # Qualifiers in the labels ([p] in a row or column label) go onto the figures.
    base_codes = {base: _codes(" ".join(base)) for base in rows_of}
    down_codes = (
        [_codes(text(c)) if c is not None else set() for c in columns[down_column]]
        if down_column is not None and down_cols
        else None
    )
    coded = [i for i, base in enumerate(bases) if base_codes[base]]
    coded_down = (
        [i for i, base in enumerate(bases) if base_codes[base] or down_codes[i]]
        if down_codes is not None
        else coded
    )
    cells: dict[int, list[object]] = {}
    for j in value_cols:
        check_time(table.file, table.sheet)
        own = _codes(table.raw_columns[j])
        col = columns[j]
        targets = range(n) if own else coded if j in across else coded_down
        if targets:
            col = list(col)
        for i in targets:
            codes = base_codes[bases[i]] | own
            if down_codes is not None and j not in across:
                codes = codes | down_codes[i]
            if codes:
                col[i] = _checked(col[i], codes, table, row=row_numbers[i], letter=letters[j], j=j)
        cells[j] = col
    periods_of = {
        base: [down[i] for i in rows] if isinstance(down, list) else [down] * len(rows)
        for base, rows in rows_of.items()
    }
    out: list[_Series] = []
    for base, rows in rows_of.items():
        numbers = [row_numbers[i] for i in rows]
        done_across = False
        for j in value_cols:
            if j in across:
                if done_across:
                    continue
                done_across = True
                i = rows[0]
                out.append(
                    _Series(
                        base,
                        [across[c] for c in across_cols],
                        [cells[c][i] for c in across_cols],
                        [row_numbers[i]] * len(across_cols),
                    )
                )
                continue
            col = cells[j]
            out.append(
                _Series(
                    (*base, table.raw_columns[j]),
                    periods_of[base],  # type: ignore[arg-type]
                    [col[i] for i in rows] if len(rows) != n else col,
                    numbers,
                )
            )
    return out


def _first_bad(cells: Sequence[object]) -> int | None:
    """Index of the first cell :func:`parse_cell` refuses, ``None`` when every cell reads."""
    if quick_cells(cells) is not None:
        return None
    seen: set[object] = set()
    for k, cell in enumerate(cells):
        if cell.__class__ is str:
            if cell in seen:
                continue
            seen.add(cell)
        try:
            parse_cell(cell)
        except CellError:
            return k
    return None


def _label_text(cell: Cell) -> str:
    if isinstance(cell, datetime):
        return cell.date().isoformat()
    if isinstance(cell, date):
        return cell.isoformat()
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return " ".join(str(cell).split())


def _codes(text: str) -> set[str]:
    return {f"[{m.lower()}]" for m in _CODE.findall(text) if m.lower() in _QUALIFIERS}


def _checked(cell: Cell, codes: set[str], table: Table, *, row: int, letter: str, j: int) -> object:
    """Validate one value cell (exact location on error) and add label qualifiers to it."""
    try:
        value, marker = parse_cell(cell)
    except CellError as exc:
        raise cell_error(
            exc, file=table.file, sheet=table.sheet, row=row, column=letter, label=table.columns[j]
        ) from None
    extra = sorted(codes - set(re.findall(r"\[[a-z]+\]", marker or "")))
    if not extra or value is None:
        return cell
    return f"{value!r} {marker or ''}{''.join(extra)}"


def _upgrade_days(periods: list[Period], week_dates: WeekDates | None, where: str) -> list[Period]:
    """Read a run of bare dates as months or weeks when their spacing shows it."""
    if not periods or any(p.kind != "day" for p in periods):
        return periods
    starts = [p.start for p in periods]
    distinct = sorted(set(starts))
    if all(d.day == 1 for d in starts) and len({(d.year, d.month) for d in starts}) > 1:
        return [Period(*month_bounds(d), "month") for d in starts]
    gaps = {(b - a).days for a, b in itertools.pairwise(distinct)}
    if gaps == {7}:
        warn(
            f"{where}: the dates are 7 days apart but the file does not say whether they are "
            "week-commencing or week-ending; they were read as single days. Pass "
            "week_dates='commencing' or 'ending' to read them as weeks.",
            UserWarning,
            stacklevel=4,
        )
    return periods


def sheet_role(grid: Grid) -> str:
    """Classify a sheet as ``cover``, ``contents``, ``notes`` or ``table`` by its name.

    Sheets that are not skipped by name are still skipped when no table of figures is found
    in them (the shape rule).

    Example:
        >>> sheet_role(Grid("Table_of_contents", ()))
        'contents'
    """
    key = re.sub(r"[^a-z]", "", (grid.name or "").lower())
    if key in _SKIP_NAMES:
        if "cover" in key:
            return "cover"
        if "content" in key or key in {"toc", "index"}:
            return "contents"
        if "note" in key:
            return "notes"
        return "information"
    return "table"


def _note_text(grids: Sequence[Grid]) -> dict[str, str]:
    out: dict[str, str] = {}
    for grid in grids:
        if sheet_role(grid) != "notes":
            continue
        for row in grid.rows:
            cells = [c for c in row if c is not None]
            if len(cells) >= 2 and isinstance(cells[0], str):
                match = _NOTE_KEY.match(cells[0])
                if match:
                    out[f"[note {match.group(1).lower()}]"] = " ".join(str(cells[1]).split())
    return out


def read_tables(source: Source, *, name: str | None = None) -> list[Table]:
    r"""Read every table of figures in a CSV, XLSX or ODS statistical spreadsheet.

    Cover, contents and notes sheets are skipped (by name, and any sheet with no table of
    figures by shape). In each table sheet the header row is found below the title and
    preamble rows; multi-row headers are flattened (merged spans filled); reading stops at the
    first blank row and footnotes below the table are kept apart; several tables in a sheet,
    separated by a blank row, each come out on their own. Shorthand such as ``[x]``, ``[c]``,
    ``[p]`` and legacy ``..`` / ``-`` is recorded in :attr:`Table.markers`.

    Args:
        source: A path, the file's bytes, or a binary file object.
        name: Name for messages (default: the file name, or ``<bytes>``).

    Returns:
        The tables, in workbook and sheet order.

    Raises:
        ParseError: The file is unreadable, unsafe (zip bomb), encrypted or corrupt; it holds
            no table at all; or a table has no header row (names file, sheet and row).
        ParseTimeoutError: Reading and parsing it took longer than ``HMCTS_DATA_DEADLINE``.

    Example:
        >>> tables = read_tables(b"Table 1: Hearings\n\nWeek ending,Video\n12/04/2020,[x]\n")
        >>> tables[0].title, tables[0].columns, tables[0].markers[0].marker
        ('Table 1: Hearings', ('Week ending', 'Video'), '[x]')
    """
    from hmcts_data.tables._source import time_budget

    with time_budget():  # one budget for reading and parsing the file
        return _read_tables(source, name)


def _read_tables(source: Source, name: str | None) -> list[Table]:
    from hmcts_data.tables._source import read_source

    data, shown = read_source(source)
    file = name or shown
    notes: dict[str, str] = {}
    names: list[str | None] = []
    tables: list[Table] = []
    # One sheet at a time: a sheet's raw cells are freed once its tables are built.
    for grid in iter_grids(data, name=file):
        check_time(file, grid.name)
        names.append(grid.name)
        role = sheet_role(grid)
        if role == "notes":
            notes.update(_note_text([grid]))
        if role != "table":
            _log.debug("%s: skipping %s sheet %r", file, role, grid.name)
            continue
        raws, headless = find_tables(grid)
        if headless:
            row = headless[0] + 1
            raise ParseError(
                f"{file}" + (f", sheet {grid.name!r}" if grid.name else "") + f", row {row}: "
                "figures start without a header row above them (a header row is a row of at "
                "least two cells, or one cell right of the first column, with no figures, "
                "directly above the data). hmcts_data does not guess what unlabelled figures "
                "mean; add a header row or report the file.",
                file=file,
                sheet=grid.name,
                row=row,
            )
        if not raws:
            _log.debug("%s: no table of figures in sheet %r", file, grid.name)
            continue
        built = [_build(file, grid, raw, k) for k, raw in enumerate(raws)]
        if len(built) > 1:
            built = [dataclasses.replace(t, tables_in_sheet=len(built)) for t in built]
        tables.extend(built)
    if not tables:
        sheets = ", ".join(repr(n) for n in names if n) or "its only sheet"
        raise ParseError(
            f"{file} holds no table of figures (looked in {sheets}; cover, contents and notes "
            "sheets are skipped). Check that this is a data file and not a cover or guidance "
            "document.",
            file=file,
            sheet=names[0] if len(names) == 1 else None,
        )
    if notes:  # the notes sheet may come after the tables that cite it
        tables = [
            dataclasses.replace(t, note_text={k: notes[k] for k in t.notes if k in notes})
            for t in tables
        ]
    return tables


def _fill_header(grid: Grid, raw: RawTable) -> list[list[Cell]]:
    width = raw.width
    rows = [
        [
            grid.rows[i][raw.left + j] if raw.left + j < len(grid.rows[i]) else None
            for j in range(width)
        ]
        for i in raw.header
    ]
    if len(rows) < 2:
        return rows
    if grid.merged:
        index = {i: k for k, i in enumerate(raw.header)}
        for r0, c0, r1, c1 in grid.merged:
            value = grid.rows[r0][c0] if c0 < len(grid.rows[r0]) else None
            for r in range(r0, r1 + 1):
                if r not in index:
                    continue
                for c in range(max(c0, raw.left), min(c1, raw.left + width - 1) + 1):
                    rows[index[r]][c - raw.left] = value
        return rows
    bottom = rows[-1]
    for k in range(len(rows) - 1):
        current = rows[k]
        parent = rows[k - 1] if k else None
        for j in range(2, width):
            if current[j] is not None or current[j - 1] is None or bottom[j] is None:
                continue
            if parent is not None and parent[j] != parent[j - 1]:
                continue
            current[j] = current[j - 1]
    return rows


def _flatten(cells: Sequence[Cell]) -> str:
    parts: list[str] = []
    for cell in cells:
        if cell is None:
            continue
        text = _label_text(cell)
        if text and (not parts or parts[-1] != text):
            parts.append(text)
    return " - ".join(parts)


def _build(file: str, grid: Grid, raw: RawTable, index: int) -> Table:
    import pandas as pd

    header = _fill_header(grid, raw)
    width = raw.width
    raw_columns = tuple(_flatten([row[j] for row in header]) for j in range(width))
    columns = tuple(" ".join(_NOTE.sub(" ", c).split()) for c in raw_columns)
    left = raw.left
    pad: list[Cell] = [None] * width
    body: list[list[Cell]] = []
    for i in raw.data:
        cells = list(grid.rows[i][left : left + width])
        body.append(cells + pad[len(cells) :] if len(cells) < width else cells)
    _fill_merged_labels(grid, raw, body)
    by_column = list(zip(*body, strict=True))
    del body  # one copy of the cells at a time
    # One pass over each column for the classes it holds; the tests below read only that.
    classes = [{c.__class__ for c in col} for col in by_column]
    label_columns = tuple(
        j
        for j, col in enumerate(by_column)
        if classes[j] != _NONE_ONLY and not any(is_data_cell(c) for c in col)
    )
    letters = [column_letter(left + j) for j in range(width)]
    markers: list[Marker] = []
    for j, col in enumerate(by_column):
        check_time(file, grid.name)
        if j in label_columns or str not in classes[j]:
            continue
        quick = quick_cells(col) if classes[j] <= _TEXT_CLASSES else None
        if quick is not None:  # every cell a plain figure, empty or a marker word
            markers.extend(
                Marker(raw.data[k] + 1, letters[j], columns[j], mark, None)
                for k, mark in enumerate(quick[1])
                if mark is not None and mark != "blank"
            )
            continue
        for k in [k for k, c in enumerate(col) if c.__class__ is str]:
            try:
                value, marker = parse_cell(col[k])
            except CellError:
                continue
            if marker is not None and marker != "blank":
                markers.append(Marker(raw.data[k] + 1, letters[j], columns[j], marker, value))
    order = {letter: n for n, letter in enumerate(letters)}
    markers.sort(key=lambda m: (m.row, order[m.column]))
    title = next((t for t in raw.preamble if t.strip().lower().startswith("table")), None)
    if title is None and raw.preamble:
        title = raw.preamble[0]
    note_marks: list[str] = []
    for text in [
        *raw.preamble,
        *raw_columns,
        *raw.footnotes,
        *_text_labels(by_column, label_columns),
    ]:
        for mark in _NOTE.findall(text):
            norm = " ".join(mark.lower().split())
            for number in re.findall(r"\d+[a-z]?", norm):
                key = f"[note {number}]"
                if key not in note_marks:
                    note_marks.append(key)
    frame = pd.DataFrame(
        {
            j: _column(col, numeric=j not in label_columns and classes[j] <= _NUMBER_CLASSES)
            for j, col in enumerate(by_column)
        }
        if by_column
        else {j: pd.Series([], dtype=object) for j in range(width)},
    )
    frame.columns = pd.Index(columns)
    frame.index = pd.Index([i + 1 for i in raw.data])
    return Table(
        file=file,
        sheet=grid.name,
        index=index,
        title=" ".join(_NOTE.sub(" ", title).split()) if title else None,
        preamble=tuple(raw.preamble),
        header_rows=tuple(tuple(grid.rows[i]) for i in raw.header),
        header_row=raw.header[-1] + 1,
        first_column=raw.left,
        raw_columns=raw_columns,
        columns=columns,
        notes=tuple(note_marks),
        note_text={},
        footnotes=tuple(raw.footnotes),
        data=frame,
        groups=tuple(raw.groups),
        markers=tuple(markers),
        label_columns=label_columns,
    )


_NUMBER_CLASSES: Final = frozenset({float, int, type(None)})


_NONE_ONLY: Final = frozenset({type(None)})
_TEXT_CLASSES: Final = frozenset({str, type(None)})


def _column(cells: Sequence[Cell], *, numeric: bool) -> pd.Series[Any]:
    """A data column: float64 when ``numeric`` (only numbers and empty cells), else raw objects."""
    import pandas as pd

    if numeric:
        # 8 bytes a cell instead of a Python object each; NaN reads back as an empty cell.
        return pd.Series([float("nan") if c is None else c for c in cells], dtype="float64")
    return pd.Series(cells, dtype=object)


def _text_labels(by_column: Sequence[Sequence[Cell]], label_columns: Sequence[int]) -> list[str]:
    """The text cells of the label columns, row by row."""
    rows = zip(*(by_column[j] for j in label_columns), strict=True)
    return [str(c) for row in rows for c in row if isinstance(c, str)]


def _fill_merged_labels(grid: Grid, raw: RawTable, body: list[list[Cell]]) -> None:
    """Copy a vertically merged row label (XLSX) into every row it spans."""
    if not grid.merged:
        return
    index = {i: k for k, i in enumerate(raw.data)}
    for r0, c0, r1, c1 in grid.merged:
        if r0 not in index and not any(r in index for r in range(r0, r1 + 1)):
            continue
        value = grid.rows[r0][c0] if c0 < len(grid.rows[r0]) else None
        if value is None or is_data_cell(value):
            continue
        for r in range(r0, r1 + 1):
            if r in index:
                for c in range(max(c0, raw.left), min(c1, raw.left + raw.width - 1) + 1):
                    body[index[r]][c - raw.left] = value


def melt_table(
    table: Table,
    provenance: Provenance,
    *,
    classify: Classifier | None = None,
    week_dates: WeekDates | None = None,
    period: tuple[date, date] | None = None,
) -> Parsed:
    """:meth:`Table.to_tidy` as a parse result: the table's checked parts, no frame built.

    Raises:
        ParseError: As :meth:`Table.to_tidy`.
    """
    classify = classify or default_meaning
    series = table._series(week_dates=week_dates, period=period)
    if not series:
        return parsed([])
    prefix = ""
    if table.tables_in_sheet > 1:
        prefix = f"{table.title or f'table {table.index + 1}'} | "
    release = provenance.release
    if release is None:
        lists = {id(s.periods): s.periods for s in series}  # shared lists counted once
        last = max(p.end for periods in lists.values() for p in periods)
        release = f"{last.year:04d}-{last.month:02d}"
    prov = dataclasses.replace(provenance, sheet=table.sheet, release=release)
    groups: dict[tuple[tuple[date, date], ...], list[ColumnSpec]] = {}
    seen: set[str] = set()
    # Series of one row label share one list of periods: its key is made once.
    keys: dict[int, tuple[tuple[date, date], ...]] = {}
    for s in series:
        check_time(table.file, table.sheet)
        meaning = classify(s.parts, table.title)
        label = prefix + " | ".join(s.parts)
        seen.add(label)
        key = keys.get(id(s.periods))
        if key is None:
            key = keys[id(s.periods)] = tuple((p.start, p.end) for p in s.periods)
        groups.setdefault(key, []).append(
            ColumnSpec(
                label=label,
                jurisdiction=meaning.jurisdiction,
                measure=meaning.measure,
                breakdown=meaning.breakdown,
                unit=meaning.unit,
                cells=s.cells,
                row_numbers=s.rows,
                mapping=meaning.mapping,
            )
        )
    # Each part is checked alone, and together they must not repeat a figure.
    return parsed(melt_parts(list(k), specs, prov) for k, specs in groups.items())
