"""SYNTHETIC files in the shapes of the other MI publications (standard library only).

No real file of the weekly coronavirus MI, remote hearings, reformed services or ad hoc
publications has been seen; these shapes follow what is known or inferred of them (see
``docs/tables.md``) and the Government Analysis Function layout (title, preamble, header rows,
footnotes under a table). Every number is made up. Each :class:`Shape` knows the tidy figures
it must give: ``expected[(source_label, period_start)] = (value, marker)``.

Used by the offline demo and the tests; CSV only, so it needs neither openpyxl nor odfpy.

Example:
    >>> from hmcts_data.testing import publication_csv
    >>> publication_csv("remote-hearings").splitlines()[0]
    b'"Table 1: Hearings by mode and jurisdiction, weekly"'
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, timedelta

__all__ = ["Shape", "publication_csv", "shapes_for", "to_csv"]

Raw = str | float | int | None


@dataclass
class Shape:
    """One synthetic table: what is written, and the tidy figures it must give.

    Attributes:
        title: Title row.
        preamble: Text rows between title and header.
        header: Header rows (upper rows of a merged header are blank across the span).
        rows: Data rows as written.
        footnotes: Text rows under the table.
        expected: ``(source_label, period_start) -> (value, marker)`` for every data cell.
    """

    title: str
    preamble: list[str]
    header: list[list[Raw]]
    rows: list[list[Raw]]
    footnotes: list[str]
    expected: dict[tuple[str, date], tuple[float | None, str | None]] = field(default_factory=dict)


def _value(seed: int) -> int:
    return (seed * 7919) % 5000 + 10


def weekly_covid() -> list[Shape]:
    """Weeks down, a two-row header of jurisdiction over measure (merged upper row)."""
    juris = ["Crown Court", "Magistrates' courts", "Civil", "Family", "Tribunals"]
    measures = ["Receipts", "Disposals", "Outstanding"]
    upper: list[Raw] = [None]
    lower: list[Raw] = ["Week commencing"]
    for j in juris:
        upper += [j, None, None]
        lower += measures
    shape = Shape(
        "Table 1: Receipts, disposals and outstanding cases by jurisdiction, weekly",
        ["This worksheet contains one table.", "Recent weeks are provisional [p]."],
        [upper, lower],
        [],
        ["Source: HMCTS management information (synthetic test data)."],
    )
    start = date(2020, 3, 2)
    for w in range(6):
        week = start + timedelta(weeks=w)
        row: list[Raw] = [f"{week:%d/%m/%Y}"]
        for k, (j, m) in enumerate([(j, m) for j in juris for m in measures]):
            label = f"{j} - {m}"
            v = _value(w * 100 + k)
            if w == 5 and k % 3 == 0:
                row.append(f"{v:,} [p]")
                shape.expected[(label, week)] = (float(v), "[p]")
            elif (w, k) == (1, 4):
                row.append("[x]")
                shape.expected[(label, week)] = (None, "[x]")
            else:
                row.append(f"{v:,}" if v >= 1000 else v)
                shape.expected[(label, week)] = (float(v), None)
        shape.rows.append(row)
    return [shape]


def remote_hearings() -> list[Shape]:
    """Long by week and jurisdiction, hearing modes across (counts)."""
    modes = ["In person", "Video", "Audio", "Paper", "Not categorised", "Total"]
    juris = ["Crown Court", "Magistrates' courts", "Civil", "Family", "Tribunals"]
    shape = Shape(
        "Table 1: Hearings by mode and jurisdiction, weekly",
        ["This worksheet contains one table.", "Shorthand: [x] = not available."],
        [["Week ending", "Jurisdiction", *modes]],
        [],
        ["Note: paper hearings are decided on the papers."],
    )
    end = date(2020, 4, 12)
    for w in range(4):
        week_end = end + timedelta(weeks=w)
        week_start = week_end - timedelta(days=6)
        for n, j in enumerate(juris):
            row: list[Raw] = [f"{week_end:%d/%m/%Y}", j]
            counts = [_value(w * 50 + n * 7 + k) for k in range(5)]
            for k, mode in enumerate(modes):
                label = f"{j} | {mode}"
                if k == 5:
                    v = sum(counts)
                    row.append(v)
                    shape.expected[(label, week_start)] = (float(v), None)
                elif (w, n, k) == (0, 3, 3):
                    row.append("[x]")
                    shape.expected[(label, week_start)] = (None, "[x]")
                    counts[k] = 0
                else:
                    row.append(counts[k])
                    shape.expected[(label, week_start)] = (float(counts[k]), None)
            # The total is consistent with what the row shows.
            row[-1] = sum(counts)
            shape.expected[(f"{j} | Total", week_start)] = (float(sum(counts)), None)
            shape.rows.append(row)
    return [shape]


_SERVICES = [
    "Online Civil Money Claims",
    "Divorce service",
    "Probate",
    "Social Security and Child Support appeals",
    "Single justice procedure (online plea)",
]
_QUARTERS = [("Jan to Mar 2023", date(2023, 1, 1)), ("Apr to Jun 2023", date(2023, 4, 1))]


def reformed_services() -> list[Shape]:
    """Two tables in one sheet, services down and quarters across, footnotes under each."""
    uptake = Shape(
        "Table 1: Digital uptake (%) by reformed service [note 1]",
        ["This worksheet contains two tables."],
        [["Service", *(q for q, _ in _QUARTERS)]],
        [],
        ["1. Digital uptake is the share of applications made online."],
    )
    apps = Shape(
        "Table 2: Number of applications by reformed service",
        [],
        [["Service", *(q for q, _ in _QUARTERS)]],
        [],
        ["Source: HMCTS management information (synthetic test data)."],
    )
    for n, service in enumerate(_SERVICES):
        row_u: list[Raw] = [service]
        row_a: list[Raw] = [service]
        for q, (_, start) in enumerate(_QUARTERS):
            pct = 50 + ((n * 13 + q * 5) % 50) + 0.5
            row_u.append(pct)
            uptake.expected[
                (f"Table 1: Digital uptake (%) by reformed service | {service}", start)
            ] = (
                pct,
                None,
            )
            label = f"Table 2: Number of applications by reformed service | {service}"
            if (n, q) == (4, 0):
                row_a.append("[c]")
                apps.expected[(label, start)] = (None, "[c]")
            else:
                v = _value(n * 11 + q) * 10
                row_a.append(f"{v:,}")
                apps.expected[(label, start)] = (float(v), None)
        uptake.rows.append(row_u)
        apps.rows.append(row_a)
    return [uptake, apps]


def ad_hoc() -> list[Shape]:
    """Days down (magistrates' courts after the 2024 disorder), a few measures across."""
    shape = Shape(
        "Table 1: Magistrates' courts activity after the public disorder, daily",
        ["This worksheet contains one table."],
        [["Date", "Cases received", "Hearings listed", "Cases completed"]],
        [],
        ["Source: HMCTS management information (synthetic test data)."],
    )
    start = date(2024, 7, 30)
    for d in range(10):
        day = start + timedelta(days=d)
        row: list[Raw] = [f"{day:%d/%m/%Y}"]
        for k, label in enumerate(["Cases received", "Hearings listed", "Cases completed"]):
            if (d, k) == (9, 2):
                row.append("..")
                shape.expected[(label, day)] = (None, "..")
            else:
                v = _value(d * 3 + k) // 10
                row.append(v)
                shape.expected[(label, day)] = (float(v), None)
        shape.rows.append(row)
    return [shape]


_BUILDERS = {
    "weekly-covid": weekly_covid,
    "remote-hearings": remote_hearings,
    "reformed-services": reformed_services,
    "ad-hoc": ad_hoc,
}


def shapes_for(publication: str) -> list[Shape]:
    """Return the synthetic tables of a publication (one sheet's worth).

    Example:
        >>> len(shapes_for("reformed-services"))
        2
    """
    return _BUILDERS[publication]()


def sheet_rows(shapes: list[Shape]) -> list[list[Raw]]:
    """Lay tables out one under another, a blank row between them (GAF style)."""
    out: list[list[Raw]] = []
    for k, shape in enumerate(shapes):
        if k:
            out.append([])
        out.append([shape.title])
        out.extend([line] for line in shape.preamble)
        out.extend(shape.header)
        out.extend(shape.rows)
        out.extend([line] for line in shape.footnotes)
    return out


def to_csv(rows: list[list[Raw]]) -> bytes:
    """Write rows as CSV (CRLF, as GOV.UK CSVs often are)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow(["" if c is None else c for c in row])
    return buffer.getvalue().encode("utf-8")


def publication_csv(publication: str) -> bytes:
    """Return a SYNTHETIC CSV in the shape of a publication's table(s).

    Args:
        publication: ``"weekly-covid"``, ``"remote-hearings"``, ``"reformed-services"`` or
            ``"ad-hoc"``.

    Returns:
        The CSV bytes.
    """
    return to_csv(sheet_rows(shapes_for(publication)))
