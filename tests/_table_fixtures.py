"""SYNTHETIC statistical spreadsheets written with real writers (odfpy, openpyxl, csv).

Each builder returns the file's bytes and what the reader must find in it: per table, the tidy
figures ``(source_label, period_start) -> (value, marker)`` (every data cell exactly once).
Numbers are made up; layouts follow the GAF conventions and the legacy formats described in
docs/tables.md.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Literal

import openpyxl
import pandas as pd
from openpyxl.utils import get_column_letter

from hmcts_data.testing._table_files import Raw, Shape, shapes_for, sheet_rows, to_csv

Expected = dict[tuple[str, date], tuple[float | None, str | None]]


@dataclass
class Built:
    data: bytes
    # sheet name (None for CSV) -> expected figures of every table in that sheet
    expected: dict[str | None, Expected] = field(default_factory=dict)
    titles: dict[str | None, list[str]] = field(default_factory=dict)


def write_sheets(sheets: dict[str, list[list[Raw]]], engine: Literal["odf", "openpyxl"]) -> bytes:
    """Write sheets of raw rows with pandas' real ODS/XLSX writers."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine=engine) as writer:
        for name, rows in sheets.items():
            width = max((len(r) for r in rows), default=1)
            padded = [list(r) + [None] * (width - len(r)) for r in rows] or [[None]]
            pd.DataFrame(padded, dtype=object).to_excel(
                writer, sheet_name=name, header=False, index=False
            )
    return buffer.getvalue()


COVER: list[list[Raw]] = [
    ["Synthetic weekly statistics (test data)"],
    ["This workbook contains made-up figures for tests."],
    ["Published: 1 June 2021"],
]
CONTENTS: list[list[Raw]] = [
    ["Table of contents"],
    ["Sheet name", "Table title"],
    ["Table_1", "Receipts, disposals and outstanding cases by jurisdiction, weekly"],
    ["Table_2", "Hearings by mode and jurisdiction, weekly"],
]
NOTES: list[list[Raw]] = [
    ["Notes"],
    ["Note number", "Note text"],
    ["[note 1]", "Digital uptake is the share of applications made online."],
    ["[note 2]", "Paper hearings are decided on the papers."],
]


def _merge_expected(shapes: list[Shape]) -> Expected:
    out: Expected = {}
    for s in shapes:
        out.update(s.expected)
    return out


def accessible_ods() -> Built:
    """GAF layout: cover, contents and notes sheets, then one table per sheet."""
    covid = shapes_for("weekly-covid")
    hearings = shapes_for("remote-hearings")
    hearings[0].header[0][3] = "Video [note 2]"
    sheets = {
        "Cover_sheet": COVER,
        "Table_of_contents": CONTENTS,
        "Notes": NOTES,
        "Table_1": sheet_rows(covid),
        "Table_2": sheet_rows(hearings),
    }
    expected_h = {
        (k[0].replace("| Video", "| Video [note 2]"), k[1]): v
        for k, v in hearings[0].expected.items()
    }
    return Built(
        write_sheets(sheets, "odf"),
        {"Table_1": _merge_expected(covid), "Table_2": expected_h},
        {"Table_1": [covid[0].title], "Table_2": [hearings[0].title]},
    )


def publication_workbook(publication: str, engine: Literal["odf", "openpyxl"]) -> Built:
    """A publication's shape as a workbook with a cover sheet and one data sheet."""
    shapes = shapes_for(publication)
    data = write_sheets({"Cover": COVER, "Data": sheet_rows(shapes)}, engine)
    return Built(data, {"Data": _merge_expected(shapes)}, {"Data": [s.title for s in shapes]})


def legacy_xlsx(*, formula: bool = True) -> Built:
    """Legacy formatted XLSX: title, blank row, two-row header with merged cells, date cells,
    markers ``..`` and ``-``, a formula (with its cached value) and a hyperlink, and footnotes
    below the table after a blank row."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Weekly"
    ws.append(["Weekly receipts and disposals by court"])
    ws.append([])
    juris = ["Crown Court", "Magistrates' courts", "Civil"]
    ws.append([None, *[x for j in juris for x in (j, None)]])
    for k in range(len(juris)):
        first = 2 + 2 * k
        ws.merge_cells(f"{get_column_letter(first)}3:{get_column_letter(first + 1)}3")
    ws.append(["Week commencing", *["Receipts", "Disposals"] * len(juris)])
    expected: Expected = {}
    start = date(2021, 1, 4)
    for w in range(5):
        week = start + timedelta(weeks=w)
        row: list[Raw] = []
        for k, (j, m) in enumerate((j, m) for j in juris for m in ("Receipts", "Disposals")):
            label = f"{j} - {m}"
            if (w, k) == (2, 1):
                row.append("..")
                expected[(label, week)] = (None, "..")
            elif (w, k) == (3, 5):
                row.append("-")
                expected[(label, week)] = (None, "-")
            else:
                v = 100 * w + k + 1
                row.append(v)
                expected[(label, week)] = (float(v), None)
        ws.append([week, *row])
        ws.cell(row=ws.max_row, column=1).number_format = "dd/mm/yyyy"
    if formula:
        # Row 9 (week 5), column G: a formula whose cached value is written below.
        ws["G9"] = "=G8+1"
        expected[("Civil - Disposals", start + timedelta(weeks=4))] = (FORMULA_CACHED, None)
    ws.append([])
    ws.append(["Source: HMCTS management information (synthetic)."])
    ws.append(["1. Figures for recent weeks are provisional."])
    ws.cell(row=ws.max_row, column=1).hyperlink = "https://www.gov.uk/"
    buffer = io.BytesIO()
    wb.save(buffer)
    data = buffer.getvalue()
    if formula:
        data = with_cached_formula_values(data, {"G9": FORMULA_CACHED})
    return Built(data, {"Weekly": expected}, {"Weekly": ["Weekly receipts and disposals by court"]})


#: The cached value written for the fixture's formula cell (openpyxl never calculates).
FORMULA_CACHED = 4242.0


def with_cached_formula_values(xlsx: bytes, values: dict[str, float]) -> bytes:
    """Give formula cells a cached value, as Excel or LibreOffice would on saving."""
    source = zipfile.ZipFile(io.BytesIO(xlsx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                text = content.decode("utf-8")
                for ref, value in values.items():
                    text = re.sub(
                        rf'(<c r="{ref}"[^>]*>)(<f>[^<]*</f>)(?:<v\s*/>|<v></v>)?',
                        rf"\1\2<v>{value:g}</v>",
                        text,
                    )
                content = text.encode("utf-8")
            target.writestr(item, content)
    return out.getvalue()


def wide_weekly_csv() -> Built:
    """Periods across: jurisdictions down, one column per week ("w/c 6 April 2020" ...)."""
    weeks = [date(2020, 4, 6) + timedelta(weeks=w) for w in range(5)]
    rows: list[list[Raw]] = [
        ["Table 3: Hearings listed by jurisdiction, week commencing"],
        ["Jurisdiction", *[f"w/c {d.day} {d:%B %Y}" for d in weeks]],
    ]
    expected: Expected = {}
    for n, j in enumerate(["Crown Court", "Civil", "Family", "Tribunals"]):
        row: list[Raw] = [j]
        for w, d in enumerate(weeks):
            if (n, w) == (2, 4):
                row.append("[c]")
                expected[(j, d)] = (None, "[c]")
            else:
                v = 1000 + 10 * n + w
                row.append(f"{v:,}")
                expected[(j, d)] = (float(v), None)
        rows.append(row)
    return Built(to_csv(rows), {None: expected}, {None: [str(rows[0][0])]})


def long_csv() -> Built:
    """A long table: week, jurisdiction, measure and one value column."""
    rows: list[list[Raw]] = [["Week ending", "Jurisdiction", "Measure", "Value"]]
    expected: Expected = {}
    for w in range(3):
        end = date(2020, 5, 3) + timedelta(weeks=w)
        for n, j in enumerate(["Crown Court", "Civil"]):
            for k, m in enumerate(["Receipts", "Disposals"]):
                v: Raw = 10 * w + 3 * n + k
                marker = None
                if (w, n, k) == (2, 1, 1):
                    v, marker = "[low]", "[low]"
                rows.append([f"{end:%d/%m/%Y}", j, m, v])
                value = None if marker else float(10 * w + 3 * n + k)
                expected[(f"{j} | {m} | Value", end - timedelta(days=6))] = (value, marker)
    return Built(to_csv(rows), {None: expected}, {None: []})


def titled_csv() -> Built:
    """A CSV with a title row and a blank row above a monthly header."""
    rows: list[list[Raw]] = [
        ["Monthly receipts (synthetic)"],
        [],
        ["Month", "Crown Court receipts", "Civil receipts"],
    ]
    expected: Expected = {}
    for m in range(1, 5):
        month = date(2024, m, 1)
        rows.append([f"{month:%b %Y}", 10 * m, "NA" if m == 4 else 20 * m])
        expected[("Crown Court receipts", month)] = (float(10 * m), None)
        expected[("Civil receipts", month)] = (None, "NA") if m == 4 else (float(20 * m), None)
    return Built(to_csv(rows), {None: expected}, {None: ["Monthly receipts (synthetic)"]})
