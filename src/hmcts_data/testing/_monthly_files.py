"""SYNTHETIC monthly MI CSV files in every published CSV layout, from known numbers.

The headers are the published ones (facts, copied from the reference notes on the monthly MI);
every number is made up. Each generated file reproduces the quirks of its layout: line endings,
month format, the missing-value marker, the latest month's missing family figures, era B's
quoted thousands separators and repeated headers, era D′'s trailing spaces. Standard library
only, so a fake GOV.UK server can serve files without pandas.

Files come with the cells they hold (:class:`ExpectedCell`), so a test can check a parser
against the numbers, and :func:`monthly_releases` makes a run of releases whose overlapping
months are partly revised, deterministically.
"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Final

from hmcts_data._errors import ConfigurationError

__all__ = [
    "ERAS",
    "ExpectedCell",
    "MonthlyFile",
    "ValueFunction",
    "era_headers",
    "monthly_csv",
    "monthly_releases",
]


#: ``values(position, header, month)``: the figure for a cell, or ``None`` for a missing cell.
ValueFunction = Callable[[int, str, date], "float | None"]

_MON: Final = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

_A: Final[tuple[str, ...]] = (
    "MONTH",
    "CROWN_RECEIPTS",
    "CROWN_DISPOSALS",
    "CROWN_OUTSTANDING",
    "MAGS_RECEIPTS",
    "MAGS_DISPOSALS",
    "MAGS_OUTSTANDING",
    "MAGS_CHARGE TO DISPOSAL",
    "CIVIL_ISSUED",
    "CIVIL_DEFENDED",
    "SMALL_CLAIMS_WEEKS",
    "PRIVATE_RECEIPTS",
    "PRIVATE_DISPOSALS",
    "PRIVATE_OUTSTANDING",
    "PRIVATE_RECEIPT TO FINAL ORDER_S8 CARE ORDERS",
    "PUBLIC_RECEIPTS",
    "PUBLIC_DISPOSALS",
    "PUBLIC_OUTSTANDING",
    "PUBLIC_TIME TO DISPOSAL_S31 CARE & SUPERVISION ORDERS",
    "ET_RECEIPTS",
    "ET_DISPOSALS",
    "ET_OUTSTANDING",
    "ET_AVERAGE CLEARANCE TIME SINGLE CLAIMS",
    "IA_RECEIPTS",
    "IA_DISPOSALS",
    "IA_OUTSTANDING",
    "IA_RECEIPT TO DISPOSAL",
    "SSCS_RECEIPTS",
    "SSCS_DISPOSALS",
    "SSCS_OUTSTANDING",
    "SSCS_AGE OF DISPOSAL",
)
_A_PRIME: Final = (*_A[:8], "CIVIL_CLAIMS_RECEIVED", "CIVIL_DEFENCES", *_A[10:])
_B: Final[tuple[str, ...]] = (
    *_A_PRIME,
    "Applications received ",
    "Decree Nisi pronounced",
    "Caseworker issues petition5 in 3 days (%)",
    "Legal advisor grants entitlement order6 in 5 days (%)",
    "Case worker lists Decree Nisi7 in 3 days (%)",
    "Caseworker issues petition",
    "Legal advisor grants entitlement order",
    "Case worker lists Decree Nisi",
    "Applications received",
    "Decree Nisi pronounced",
    "Caseworker issues petition5 in 10 days (%)",
    "Caseworker issues petition",
    "Probate - Total number of receipts ",
    "Probate - Total number of grants issued ",
    "Timeliness - Submission to Grant issue for all Probate applications",
    "Probate - Total number of receipts (Digital)",
    "Probate - Total number of grants issued (Digital)",
    "Probate- Submission to Grant Issued (Digital)",
    "Probate - Submission to Grant Issued (Digital, stopped)",
    "Probate - Submission to Grant Issued (Digital, not stopped)",
    "Probate - Documents Upload to Grant Issued (Digital)",
    "Probate - Documents Upload to Grant Issued (Digital, stopped)",
    "Probate - Documents Upload to Grant Issued (Digital, not stopped)",
    "Probate - Total number of receipts (Paper)",
    "Probate- Total number of grants issued (Paper)",
    "Probate - Submission to Grant Issued (Paper)",
    "Probate - Submission to Grant Issued (Paper, stopped)",
    "Probate - Submission to Grant Issued (Paper, not stopped)",
)
_D: Final[tuple[str, ...]] = (
    "Month",
    "Civil Claims received",
    "Civil Defences (including part admissions)",
    "Civil timeliness - Small Claims Time to First Full Hearing (Weeks)",
    "Private Family Law Receipts",
    "Private Family Law Disposals",
    "Private Family Law Open Caseload",
    "Private Family Law timeliness - average weeks from Receipt to Final Order for all "
    "Private Law case types",
    "Public Family Law Receipts",
    "Public Family Law Disposals",
    "Public Family Law Open Caseload",
    "Public Family Law timeliness - average weeks for Disposal for all Public Law case types",
    "Employment Tribunal Receipts",
    "Employment Tribunal Disposals",
    "Employment Tribunal Open Caseload",
    "Immigration and Asylum Receipts",
    "Immigration and Asylum Disposals",
    "Immigration and Asylum Open Caseload",
    "Immigration and Asylum timeliness - average Time from Receipt to Disposal (Weeks)",
    "Social Security and Child Support Receipts",
    "Social Security and Child Support Disposals",
    "Social Security and Child Support Open Caseload",
    "Social Security and Child Support timeliness - average age of a Disposal (Weeks)",
    "No Fault Divorce - total applications",
    "No Fault Divorce - joint applications",
    "No Fault Divorce - sole applications",
    "Percentage of total applications made digitally",
    "Conditional Orders Pronounced - total orders",
    "Conditional Orders Pronounced - from joint submissions",
    "Conditional Orders Pronounced - from sole submissions",
    "Final Orders Pronounced - total orders",
    "Final Orders Pronounced - from joint submissions",
    "Final Orders Pronounced - from sole submissions",
    "Legacy Divorce service-  Digital Applications - Decree Nisi pronounced",
    "Legacy Divorce service - Paper applications - Decree Nisi pronounced",
    "Probate - Total number of receipts (Digital and Paper)",
    "Probate - Total number of grants issued (Digital and Paper)",
    "Probate - Timeliness - Submission to Grant issue for all Probate applications "
    "(Digital and Paper)",
    "Probate - Timeliness - Document upload to Grant issued for all Probate Applications "
    "(Digital and Paper)",
    "Probate - Total number of receipts (Digital)",
    "Probate - Total number of grants issued (Digital)",
    "Probate - Submission to Grant Issued (weeks)(Digital)",
    "Probate - Documents Upload to Grant Issued (weeks)(Digital)",
    "Probate - Submission to Grant Issued (weeks)(Digital stopped)",
    "Probate - Documents Upload to Grant Issued (weeks)(Digital stopped)",
    "Probate - Submission to Grant Issued (weeks)(Digital not stopped)",
    "Probate - Documents Upload to Grant Issued (weeks)(Digital not stopped)",
    "Probate - Total number of receipts (Paper)",
    "Probate - Total number of grants issued (Paper)",
    "Probate - Submission to Grant Issued (weeks) (Paper)",
    "Probate - Submission to Grant Issued (weeks) (Paper stopped)",
    "Probate - Submission to Grant Issued (weeks) (Paper not stopped)",
    "Probate - Total open caseload_5",
    "Probate - Cases that are stopped or new cases where HMCTS is waiting for documentation",
    "Probate - The remaining caseload which is workable",
    "Probate - Total open caseload_6",
    "Probate - Total open caseload which is up to but not including 6 months old",
    "Probate - Total open caseload which is 6 months up to but not including 12 months old",
    "Probate - Total open caseload which is 12 months up to but not including 24 months old",
    "Probate - Total open caseload which is 24 months and older",
)
# Era D′ is known only in words: era D's first 52 names, some with a trailing space and some
# with a comma inside the parentheses. The two trailing spaces are the documented examples; the
# commas are applied to the digital stopped/not stopped pair, as in the documented example.
_D_PRIME: Final[tuple[str, ...]] = tuple(
    label + " "
    if label in {"Private Family Law Disposals", "No Fault Divorce - joint applications"}
    else label.replace("(Digital stopped)", "(Digital, stopped)").replace(
        "(Digital not stopped)", "(Digital, not stopped)"
    )
    for label in _D[:52]
)
_HEADERS: Final[dict[str, tuple[str, ...]]] = {
    "A": _A,
    "A'": _A_PRIME,
    "B": _B,
    "D": _D,
    "D'": _D_PRIME,
}
#: The CSV layouts that can be generated, oldest first: every CSV era of the monthly crosswalk
#: (its ``[eras]``, the one list; a test holds the two equal). Era C was published as XLSX only.
ERAS: Final[tuple[str, ...]] = tuple(_HEADERS)
# Positions of the family columns (missing in the latest month of every era).
_FAMILY: Final[dict[str, range]] = {
    "A": range(11, 19),
    "A'": range(11, 19),
    "B": range(11, 19),
    "D": range(4, 12),
    "D'": range(4, 12),
}
_DECIMAL_WORDS: Final = (
    "WEEKS",
    "TIME",
    "AGE OF",
    "CHARGE TO",
    "RECEIPT TO",
    "timeliness",
    "Timeliness",
    "Grant Issued",
    "(%)",
    "Percentage",
    "Caseworker issues petition",
    "entitlement order",
    "lists Decree Nisi",
)


@dataclass(frozen=True)
class ExpectedCell:
    """One data cell of a generated file.

    Attributes:
        position: 0-based column position (1 is the first measure column).
        label: The header exactly as written.
        period_start: First day of the row's month.
        value: The figure (``None`` when missing).
        marker: ``None`` for a figure; ``"blank"`` or ``"NA"`` for a missing cell.
        text: The cell exactly as written in the CSV.
    """

    position: int
    label: str
    period_start: date
    value: float | None
    marker: str | None
    text: str


@dataclass(frozen=True)
class MonthlyFile:
    """A generated file: its published-style name, its bytes and the cells it holds.

    Attributes:
        filename: The file name, in the layout's published pattern.
        data: The CSV bytes.
        expected: Every data cell the file holds, as :class:`ExpectedCell`.
        era: The CSV layout (``"A"``, ``"A'"``, ``"B"``, ``"D"`` or ``"D'"``).
        last_month: The latest data month (first day).
    """

    filename: str
    data: bytes
    expected: tuple[ExpectedCell, ...]
    era: str
    last_month: date


def era_headers(era: str) -> tuple[str, ...]:
    """Return the header row of a CSV layout, exactly as published.

    Args:
        era: ``"A"``, ``"A'"``, ``"B"``, ``"D"`` or ``"D'"``.

    Returns:
        The headers, month column first.

    Raises:
        ConfigurationError: Unknown era.

    Example:
        >>> len(era_headers("B")), era_headers("D")[0]
        (59, 'Month')
    """
    try:
        return _HEADERS[era]
    except KeyError:
        raise ConfigurationError(
            f"Unknown monthly CSV layout {era!r}; choose one of {list(ERAS)} (era C was "
            "published as XLSX only)."
        ) from None


def _add_months(month: date, n: int) -> date:
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def _month_text(era: str, month: date) -> str:
    mon = _MON[month.month - 1]
    if era == "A":
        return f"{month.day}-{mon}-{month:%y}"
    if era in {"A'", "B"}:
        return f"{month.day:02d}-{mon}-{month:%y}"
    return f"{mon} {month.year}"


def _decimal(label: str) -> bool:
    return any(word in label for word in _DECIMAL_WORDS)


def _base_text(seed: object, position: int, label: str, month: date, era: str) -> str:
    """A made-up figure in the style of its column (counts, one decimal, unrounded)."""
    rng = random.Random(f"{seed}|{position}|{month.isoformat()}")
    if _decimal(label):
        if era == "D" and position == 3:  # era D small-claims weeks are unrounded
            return repr(round(rng.uniform(40, 55), 13))
        if era == "B" and "(%)" in label and rng.random() < 0.5:
            return repr(round(rng.uniform(80, 99.9), 8))
        text = f"{rng.uniform(0.5, 60 if '%' not in label else 99.9):.1f}"
        return text[:-2] if text.endswith(".0") and rng.random() < 0.5 else text
    # Open caseloads are large (era B's ET_OUTSTANDING always needs a thousands separator).
    sizes = (
        (30_000, 300_000)
        if "OUTSTANDING" in label or "Open Caseload" in label
        else (300, 3_000, 30_000, 300_000)
    )
    size = random.Random(f"{seed}|size|{position}").choice(sizes)
    return str(int(size * rng.uniform(0.8, 1.2)))


def _missing(era: str, position: int, month: date, last: date) -> bool:
    """The documented gaps: the latest month's family (and more) columns, era B's paper pair."""
    if month == last:
        if position in _FAMILY[era]:
            return True
        if era == "A" and position == 7:  # MAGS_CHARGE TO DISPOSAL
            return True
        if era == "B" and 19 <= position <= 26:  # ET and IA
            return True
    return era == "B" and position in {41, 42} and month >= date(2020, 9, 1)


def _default_filename(era: str, last: date) -> str:
    first = _add_months(last, -12)
    span = f"{_MON[first.month - 1]}{first:%y}_to_{_MON[last.month - 1]}{last:%y}"
    if era in {"A", "A'"}:
        return f"HMCTS_raw_data_for_{span}.csv"
    if era == "B":
        produced = _add_months(last, 2)
        return f"{produced:%Y%m}01_HMCTS_raw_data_for_{span}.csv"
    if era == "D'":
        short = f"{_MON[first.month - 1]}{first:%y}to{_MON[last.month - 1]}{last:%y}"
        return f"CSV_HMCTS_management_information_{short}.csv"
    return "HMCTS_MI_output_accessible.csv"


def _format_value(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def monthly_csv(
    era: str,
    last_month: date,
    values: ValueFunction | int = 0,
    *,
    months: int = 13,
    filename: str | None = None,
) -> MonthlyFile:
    r"""Generate one SYNTHETIC monthly MI CSV file in a published layout.

    Args:
        era: ``"A"``, ``"A'"``, ``"B"``, ``"D"`` or ``"D'"``.
        last_month: The latest data month (any day of it).
        values: A seed (made-up figures in the style of each column, with the layout's
            documented gaps), or a function ``(position, header, month) -> float | None``
            giving every figure yourself (``None`` for a missing cell).
        months: Number of monthly rows, oldest first (13 in every published file).
        filename: The name to give the file (default: the layout's published name pattern).

    Returns:
        The file name, the bytes and every data cell with its expected value and marker.

    Raises:
        ConfigurationError: Unknown era, or ``months`` below 1.

    Example:
        >>> f = monthly_csv("B", date(2021, 4, 1), 7)
        >>> f.filename, f.data.count(b"\r\n"), len(f.expected)
        ('20210601_HMCTS_raw_data_for_Apr20_to_Apr21.csv', 14, 754)
    """
    headers = era_headers(era)
    if months < 1:
        raise ConfigurationError(f"months must be at least 1, got {months}.")
    last = last_month.replace(day=1)
    periods = [_add_months(last, i - months + 1) for i in range(months)]
    marker = "NA" if era == "D" else "blank"
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n" if era == "D" else "\r\n")
    writer.writerow(headers)
    expected: list[ExpectedCell] = []
    rows: list[list[str]] = []
    for month in periods:
        row = [_month_text(era, month)]
        for position in range(1, len(headers)):
            label = headers[position]
            if callable(values):
                figure = values(position, label, month)
                text = "" if figure is None else _format_value(figure)
            elif _missing(era, position, month, last):
                text = ""
            else:
                text = _base_text(values, position, label, month, era)
            if era == "B" and position == 21 and text.isdigit():  # ET_OUTSTANDING: "39,241"
                text = f"{int(float(text)):,}"
            if era == "D" and not text:
                text = "NA"
            row.append(text)
            expected.append(_cell(position, label, month, text, marker))
        rows.append(row)
    writer.writerows(rows)
    ordered = sorted(expected, key=lambda c: (c.position, c.period_start))
    return MonthlyFile(
        filename=filename or _default_filename(era, last),
        data=out.getvalue().encode("ascii"),
        expected=tuple(ordered),
        era=era,
        last_month=last,
    )


def _cell(position: int, label: str, month: date, text: str, marker: str) -> ExpectedCell:
    if text in {"", "NA"}:
        return ExpectedCell(position, label, month, None, "NA" if text else marker, text)
    return ExpectedCell(position, label, month, float(text.replace(",", "")), None, text)


def _revise(value: float, rng: random.Random) -> float:
    """A small revision in the column's style: whole counts stay whole, decimals keep 1 dp."""
    if value.is_integer() and value >= 20:
        delta = float(rng.randint(1, max(1, int(value * 0.02))))
    else:
        delta = round(rng.uniform(0.1, 2.0), 1)
    return round(value + delta if rng.random() < 0.5 or value - delta <= 0 else value - delta, 1)


def monthly_releases(
    era: str,
    first_release: date,
    count: int,
    *,
    seed: int = 0,
    revise_share: float = 0.5,
) -> list[MonthlyFile]:
    """Generate a run of consecutive SYNTHETIC releases whose shared months are partly revised.

    Release ``r`` covers the 13 months up to ``first_release + r`` months. A figure keeps its
    value from one release to the next unless it is revised: each figure of a month the two
    releases share is revised with probability ``revise_share`` (deterministic for a given
    seed). The latest month's documented gaps (family figures ...) are filled in the next
    release, as in the real publication.

    Args:
        era: A CSV layout (see :func:`monthly_csv`).
        first_release: Latest data month of the first release.
        count: Number of releases.
        seed: Seed of every figure and revision.
        revise_share: Share of shared figures revised between consecutive releases (0-1).

    Returns:
        The releases, oldest first; each carries its expected cells.

    Raises:
        ConfigurationError: Unknown era, ``count`` below 1 or ``revise_share`` outside 0-1.

    Example:
        >>> apr, may = monthly_releases("D", date(2025, 4, 1), 2, seed=3)
        >>> old = {(c.position, c.period_start): c.value for c in apr.expected}
        >>> changed = [c for c in may.expected if old.get((c.position, c.period_start),
        ...            c.value) != c.value]
        >>> 0 < len(changed) < len(may.expected)
        True
    """
    if count < 1:
        raise ConfigurationError(f"count must be at least 1, got {count}.")
    if not 0 <= revise_share <= 1:
        raise ConfigurationError(f"revise_share must be between 0 and 1, got {revise_share}.")
    era_headers(era)  # fail early on an unknown era
    first = first_release.replace(day=1)
    releases: list[MonthlyFile] = []
    for r in range(count):
        last = _add_months(first, r)

        def figure(
            position: int, label: str, month: date, *, r: int = r, last: date = last
        ) -> float | None:
            if _missing(era, position, month, last):
                return None
            text = _base_text(seed, position, label, month, era)
            value = float(text)
            # Walk back through the releases that already held this month: each may revise it.
            for earlier in range(1, r + 1):
                holder_last = _add_months(first, earlier)
                if month >= holder_last or month < _add_months(holder_last, -12):
                    continue
                rng = random.Random(f"{seed}|rev|{position}|{month.isoformat()}|{earlier}")
                if rng.random() < revise_share:
                    value = _revise(value, rng)
            return value

        releases.append(monthly_csv(era, last, figure))
    return releases
