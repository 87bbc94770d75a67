"""SYNTHETIC monthly MI workbooks (era C XLSX, ODS variants) written with real writers.

Headers are the published era C headers (facts from the reference notes); every number is made
up. The era C month cells reproduce Excel's misreading: the text ``Apr-21`` stored as the date
21 April 2022 with the built-in ``d-mmm`` format.
"""

from __future__ import annotations

import io
import random
from datetime import date, datetime
from typing import Any

ERA_C_HEADERS: tuple[str, ...] = (
    "MONTH",
    "MAGS_RECEIPTS",
    "MAGS_DISPOSALS",
    "MAGS_OUTSTANDING",
    "MAGS_CHARGE TO DISPOSAL",
    "CROWN_RECEIPTS",
    "CROWN_DISPOSALS",
    "CROWN_OUTSTANDING",
    "CIVIL_CLAIMS_RECEIVED",
    "CIVIL_DEFENCES",
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
    "IA_RECEIPTS",
    "IA_DISPOSALS",
    "IA_OUTSTANDING",
    "IA_RECEIPT TO DISPOSAL",
    "SSCS_RECEIPTS",
    "SSCS_DISPOSALS",
    "SSCS_OUTSTANDING",
    "SSCS_AGE OF DISPOSAL",
    "New Divorce Law - total applications",
    "New Divorce Law - joint applications",
    "New Divorce Law - sole applications",
    "Legacy Divorce service - Digital Applications - number of applications received ",
    "Legacy Divorce service-  Digital Applications - Decree Nisi pronounced",
    "Legacy Divorce service - Digital Applications - Caseworker issues petition in 3 days (%)",
    "Legacy Divorce service - Digital Applications - Caseworker issues petition  (average "
    "number of days taken)",
    "Legacy Divorce service - Digital Applications - Legal advisor grants entitlement order in "
    "5 days (%)",
    "Legacy Divorce service - Digital Applications - Legal advisor grants entitlement order  "
    "(average number of days taken)",
    "Legacy Divorce service - Digital Applications - Case worker lists Decree Nisi in 3 days (%)",
    "Legacy Divorce service - Digital Applications - Case worker lists Decree Nisi (average "
    "number of days taken)",
    "Legacy Divorce service - Paper applications - number of applications received ",
    "Legacy Divorce service - Paper applications - Decree Nisi pronounced",
    "Probate_Total_number_of_receipts ",
    "Probate_Total_number_of_grants_issued",
    "Probate_Timeliness_Submission_to_Grant_issue_for_all_Probate_applications",
    "Probate_Total number of receipts (Digital)",
    "Probate_total number of grants issued (Digital)",
    "Probate_Submission to Grant Issued (Digital)",
    "Probate_Documents Upload to Grant Issued (Digital)",
    "Probate_Submission to Grant Issued (Digital, stopped)",
    "Probate_Documents Upload to Grant Issued (Digital, stopped",
    "Probate_Submission to Grant Issued (Digital, not stopped)",
    "Probate_Documents Upload to Grant Issued (Digital, not stopped)",
    "Probate_Total number of receipts (Paper)",
    "Probate_Total number of grants issued (Paper)",
    "Probate_Submission to Grant Issued (Paper)",
    "Probate_Submission to Grant Issued (Paper, stopped)",
    "Probate_Submission to Grant Issued (Paper, not stopped)",
)


def add_months(month: date, n: int) -> date:
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def era_c_cells(seed: int = 0, last: date = date(2022, 4, 1)) -> list[list[Any]]:
    """13 data rows of made-up era C cells: floats, ``None`` (empty) and ``"N/A"``."""
    rng = random.Random(seed)
    rows: list[list[Any]] = []
    for i in range(13):
        month = add_months(last, i - 12)
        row: list[Any] = [month]
        for position in range(1, len(ERA_C_HEADERS)):
            if (month == last and (position == 4 or 11 <= position <= 18)) or (
                30 <= position <= 32 and month != last
            ):
                row.append(None)  # latest month family/charge-to-disposal; no-fault before start
            elif month == last and position in {33, 41}:
                row.append("N/A")
            elif rng.random() < 0.5:
                row.append(float(rng.randint(100, 400_000)))
            else:
                row.append(round(rng.uniform(0.1, 99.9), 1))
        rows.append(row)
    return rows


def misread(month: date) -> datetime:
    """What Excel made of the text ``Mon-YY`` in 2022: day = two-digit year, year = 2022."""
    return datetime(2022, month.month, month.year - 2000)


def era_c_xlsx(rows: list[list[Any]], *, serials: bool = False, extra_sheet: bool = False) -> bytes:
    """Write era C rows to an XLSX like the published one (one sheet named ``in``).

    ``serials=True`` stores the month as a plain number (no date format), which a reader returns
    as a float such as 44672.
    """
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    if extra_sheet:
        sheet.title = "Notes"
        sheet.append(["These notes are SYNTHETIC and not a table."])
        sheet = book.create_sheet("in")
    else:
        sheet.title = "in"
    sheet.append(list(ERA_C_HEADERS))
    for row in rows:
        stamp = misread(row[0])
        first: Any = (stamp - datetime(1899, 12, 30)).days if serials else stamp
        sheet.append([first, *row[1:]])
        if not serials:
            sheet.cell(row=sheet.max_row, column=1).number_format = "d-mmm"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def ods_bytes(headers: list[str], rows: list[list[Any]], sheet: str = "Sheet1") -> bytes:
    """Write a single-sheet ODS with pandas' odf writer (headers must be unique)."""
    import pandas as pd

    frame = pd.DataFrame(rows, columns=headers)
    out = io.BytesIO()
    with pd.ExcelWriter(out, engine="odf") as writer:
        frame.to_excel(writer, sheet_name=sheet, index=False)
    return out.getvalue()
