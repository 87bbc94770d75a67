"""Parser for the monthly HMCTS management information (every known layout, 2019 onwards).

One wide table per file (a month per row, a measure per column) becomes the tidy long frame:
one row per published cell, mapped to canonical (jurisdiction, measure, breakdown, unit) through
the crosswalk in ``monthly_crosswalk.toml``. The layouts differ in format (CSV or XLSX), header
wording, column order, month format and missing-value markers; the parser does not need to be
told which layout a file has.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Sequence
from functools import lru_cache

from hmcts_data._errors import ParseError, SchemaDriftError
from hmcts_data._warn import HEADLINE_MAX, notice, warn
from hmcts_data.tables import OnUnknown
from hmcts_data.tables._grid import Grid, load_grids, padded_rows
from hmcts_data.tables._header_mapping import HeaderMapping, interpret_headers
from hmcts_data.tables._monthly_crosswalk import Match, load_crosswalk, normalise_header
from hmcts_data.tables._periods import parse_month_column
from hmcts_data.tables._schema import (
    ColumnSpec,
    Parsed,
    Provenance,
    column_letter,
    locate,
    melt_parts,
    parsed,
)
from hmcts_data.tables._source import check_time
from hmcts_data.tables._values import excerpt

__all__ = ["map_headers", "parse"]

_log = logging.getLogger("hmcts_data")
_MONTH_HEADERS = frozenset({"month"})


def _is_empty(cell: object) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _trim(rows: list[list[object]]) -> list[tuple[int, list[object]]]:
    """Drop empty rows (keeping 1-based row numbers) and trailing empty columns."""
    kept = []
    width = 0
    for i, row in enumerate(rows):
        # Grid rows end in a filled cell unless padded: scan back over the padding only.
        end = len(row)
        while end and _is_empty(row[end - 1]):
            end -= 1
        if end:
            kept.append((i + 1, row))
            width = max(width, end)
    return [(n, row[:width]) for n, row in kept]


def _header_text(cell: object) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell)


def _pick_sheet(grids: Sequence[Grid], name: str) -> tuple[Grid, list[tuple[int, list[object]]]]:
    """Return the first sheet whose first non-empty row starts with a month header."""
    trimmed = [_trim(padded_rows(grid)) for grid in grids]
    for grid, rows in zip(grids, trimmed, strict=True):
        if rows and normalise_header(_header_text(rows[0][1][0])) in _MONTH_HEADERS:
            return grid, rows
    first = next((r for r in trimmed if r), None)
    seen = repr(_header_text(first[0][1][0]))[:80] if first and first[0][1] else "nothing"
    where = f"any of the sheets {[g.name for g in grids]}" if len(grids) > 1 else "the file"
    raise ParseError(
        f"{name} is not an HMCTS monthly management information table: the first column of "
        f"{where} should be headed 'Month' (found {seen}). Check that this is the monthly MI "
        "file (not another publication or the formatted tables workbook).",
        file=name,
        row=first[0][0] if first else None,
        column="A",
    )


def parse(data: bytes, provenance: Provenance, *, on_unknown: OnUnknown = "keep") -> Parsed:
    r"""Parse one monthly MI file (CSV, XLSX or ODS, any known layout) into the tidy contract.

    Every data cell becomes one row: figures with their value, missing cells with a null value
    and their marker (``blank``, ``NA``, ``N/A`` ...). Duplicate headers (era B), glued footnote
    digits, header whitespace, thousands separators and Excel's misread month cells (era C) are
    handled; the layout is recognised from the headers.

    Args:
        data: The file's bytes.
        provenance: Where the bytes come from (``sheet`` is filled in for workbooks).
        on_unknown: ``"keep"`` (default): a header the crosswalk does not record is kept with
            null jurisdiction and measure (``mapping`` null), unit ``unknown``, and one warning
            per file names them. ``"raise"`` (strict mode): any header beyond the exact
            crosswalk raises :class:`~hmcts_data.SchemaDriftError`.

    Returns:
        The checked parse result; ``.frame()`` is its tidy frame.

    Raises:
        ParseError: The bytes are not a readable CSV/XLSX/ODS table, not a monthly MI table
            (another publication, an HTML page), have no data rows, a ragged row, a month or
            cell that cannot be read; the message names file, sheet, row and column.
        SchemaDriftError: With ``on_unknown="raise"``, headers the crosswalk does not record
            (names every one).

    Example:
        >>> import hashlib
        >>> raw = b"Month,Civil Claims received\nApr 2024,146923\nMay 2024,NA\n"
        >>> prov = Provenance("monthly", "d.csv", hashlib.sha256(raw).hexdigest())
        >>> frame = parse(raw, prov).frame()
        >>> frame["value"].tolist(), frame["marker"].tolist(), frame["measure"].tolist()
        ([146923.0, <NA>], [<NA>, 'NA'], ['receipts', 'receipts'])
        >>> frame["mapping"].tolist()
        ['exact', 'exact']
    """
    name = provenance.source_file
    grid, rows = _pick_sheet(load_grids(data, name=name), name)
    sheet_name = grid.name  # None for a CSV file
    if sheet_name is not None:
        provenance = dataclasses.replace(provenance, sheet=sheet_name)
    where = locate(name, sheet_name)

    header_row, header_cells = rows[0]
    width = max(len(row) for _, row in rows)
    headers = [_header_text(c) for c in header_cells] + [""] * (width - len(header_cells))
    data_rows = rows[1:]
    if not data_rows:
        raise ParseError(
            f"{where} has a header row but no data rows: nothing to parse. The download may be "
            "incomplete; download it again.",
            file=name,
            sheet=sheet_name,
            row=header_row,
        )
    for number, row in data_rows:
        if len(row) < width:
            raise ParseError(
                f"Row {number} of {where} has {len(row)} cells for {width} columns: the file "
                "is truncated or damaged. Download it again.",
                file=name,
                sheet=sheet_name,
                row=number,
            )
    for position, header in enumerate(headers):
        if not header.strip():
            raise ParseError(
                f"Column {column_letter(position)} of {where} has figures but no header, so "
                "its meaning is unknown. Report the file so the crosswalk can learn it.",
                file=name,
                sheet=sheet_name,
                row=header_row,
                column=column_letter(position),
            )
    numbers = [n for n, _ in data_rows]
    # Every data row is exactly ``width`` cells long (checked above): transpose in one go.
    cells_by_column = list(zip(*(row for _, row in data_rows), strict=True))

    matches = _match(tuple(headers))
    unknown = [(j, headers[j]) for j in range(1, width) if matches[j] is None]
    if unknown and on_unknown == "raise":
        shown = ", ".join(f"{column_letter(j)} {label!r}" for j, label in unknown)
        raise SchemaDriftError(
            f"{where} has {len(unknown)} header(s) the monthly crosswalk does not record: "
            f"{shown}. The layout has probably changed. Leave on_unknown at its default "
            "('keep') to interpret them where certain and keep the rest with a null "
            "jurisdiction and measure, and please report the headers.",
            labels=[label for _, label in unknown],
            file=name,
            sheet=sheet_name,
            row=header_row,
            column=column_letter(unknown[0][0]),
        )
    _check_repeats(tuple(headers), where=where, name=name, sheet=sheet_name, row=header_row)
    if width < 2:
        raise ParseError(
            f"{where} has a month column but no figure columns, so it holds no management "
            "information. Check that this is the whole monthly MI file (one column per measure).",
            file=name,
            sheet=sheet_name,
            row=header_row,
        )
    mappings = map_headers(tuple(headers))
    if all(m is None or m.mapping is None for m in mappings):
        raise ParseError(
            f"{where} is not an HMCTS monthly management information table: none of its "
            f"{width - 1} headers is known or can be read (first: {excerpt(headers[1])}). Check "
            "that this is the monthly MI file, not another publication.",
            file=name,
            sheet=sheet_name,
            row=header_row,
        )
    if _log.isEnabledFor(logging.DEBUG):
        _log.debug(
            "monthly: %s matches layout(s) %s", where, sorted(_eras(matches)) or "none known"
        )

    check_time(name, sheet_name)
    periods = parse_month_column(
        cells_by_column[0], file=name, sheet=sheet_name, rows=numbers, column="A"
    )
    check_time(name, sheet_name)
    specs = []
    for j in range(1, width):
        m = mappings[j]
        assert m is not None
        specs.append(
            ColumnSpec(
                label=headers[j],
                jurisdiction=m.jurisdiction,
                measure=m.measure,
                breakdown=m.breakdown,
                unit=m.unit,
                cells=cells_by_column[j],
                position=j,
                row_numbers=numbers,
                mapping=m.mapping or "exact",
            )
        )
    result = parsed([melt_parts(periods, specs, provenance)])
    check_time(name, sheet_name)
    _warn_unrecorded(headers, mappings, where)
    return result


@lru_cache(maxsize=64)
def _match(headers: tuple[str, ...]) -> Sequence[Match | None]:
    """The exact crosswalk matches of a header row: every release of a layout shares them."""
    return tuple(load_crosswalk().match(headers))


@lru_cache(maxsize=64)
def map_headers(headers: tuple[str, ...]) -> tuple[HeaderMapping | None, ...]:
    """Map a monthly header row: exact crosswalk, then the header interpreter, else unmapped.

    A pure function of the header row (position 0 is the month column), so it may be cached.

    Example:
        >>> out = map_headers(("Month", "Civil Claims received", "Employment Tribunals - receipts"))
        >>> [(m.series, m.mapping) for m in out[1:]]
        [('civil.receipts', 'exact'), ('employment_tribunal.receipts', 'inferred')]
    """
    crosswalk = load_crosswalk()
    exact = [
        (m.series.key, m.series.id, m.series.unit) if m is not None else None
        for m in crosswalk.match(headers)
    ]
    return interpret_headers(headers, exact, crosswalk.series_by_key)


def _warn_unrecorded(
    headers: Sequence[str], mappings: Sequence[HeaderMapping | None], where: str
) -> None:
    """One warning per file naming the inferred and the unmapped headers."""
    inferred = [
        f"{headers[j]!r} -> {m.series or '.'.join(k for k in m.key or () if k) + ' (new)'}"
        for j, m in enumerate(mappings)
        if m is not None and m.mapping == "inferred"
    ]
    unmapped = [
        f"{headers[j]!r} ({m.reason})"
        for j, m in enumerate(mappings)
        if m is not None and m.mapping is None
    ]
    if not inferred and not unmapped:
        return
    parts = []
    if inferred:
        parts.append(
            f"interpreted {len(inferred)} header(s) the crosswalk does not record "
            f"(mapping 'inferred'): {', '.join(inferred)}"
        )
    if unmapped:
        parts.append(
            f"kept {len(unmapped)} column(s) it cannot map with null jurisdiction and measure: "
            f"{', '.join(unmapped)}"
        )
    # One short line (the counts, the first headers, what to do); every header, its series or
    # the reason it stays unmapped, in the warning's detail.
    labels = [headers[j] for j, m in enumerate(mappings) if m is not None and m.mapping != "exact"]
    counts = ", ".join(
        text
        for n, text in (
            (len(inferred), f"{len(inferred)} interpreted"),
            (len(unmapped), f"{len(unmapped)} kept unmapped"),
        )
        if n
    )
    head = f"{where}: {len(labels)} header(s) the crosswalk does not record, {counts}"
    way = ". Pass on_unknown='raise' to refuse them; please report them."
    shown: list[str] = []
    for label in labels:
        more = len(labels) - len(shown) - 1
        candidate = [*shown, excerpt(label, 40)]
        tail = f" and {more} more" if more else ""
        if len(f"{head} ({', '.join(candidate)}{tail}){way}") >= HEADLINE_MAX:
            break
        shown = candidate
    rest = len(labels) - len(shown)
    named = f" ({', '.join(shown)}{f' and {rest} more' if rest else ''})" if shown else ""
    warning = notice(UserWarning, f"{head}{named}{way}", detail="; ".join(parts) + ".")
    warning.labels = tuple(labels)  # type: ignore[attr-defined]
    warn(warning, stacklevel=3)


def _eras(matches: Sequence[Match | None]) -> set[str]:
    eras: set[str] | None = None
    for match in matches:
        if match is not None:
            eras = set(match.eras) if eras is None else eras & match.eras
    return eras or set()


def _check_repeats(
    headers: tuple[str, ...],
    *,
    where: str,
    name: str,
    sheet: str | None,
    row: int,
) -> None:
    """Refuse two columns that map to one series: the same figure would appear twice."""
    repeat = _first_repeat(headers)
    if repeat is not None:
        first, j, match = repeat
        raise ParseError(
            f"{where}: columns {column_letter(first)} ({excerpt(headers[first])}) and "
            f"{column_letter(j)} ({excerpt(headers[j])}) both map to {match.series.id!r}, so one "
            "figure would appear twice. The layout has probably changed; please report it.",
            file=name,
            sheet=sheet,
            row=row,
            column=column_letter(j),
        )


@lru_cache(maxsize=64)
def _first_repeat(headers: tuple[str, ...]) -> tuple[int, int, Match] | None:
    """The first column mapping to a series an earlier column maps to: ``(earlier, it, match)``.

    Keyed by the header row (cheap to hash), not by its matches.
    """
    seen: dict[str, int] = {}
    for j, match in enumerate(_match(headers)):
        if match is None:
            continue
        first = seen.setdefault(match.series.id, j)
        if first != j:
            return first, j, match
    return None
