"""A SYNTHETIC "reworded release": era D with most headers reworded as HMCTS rewords them.

Used to test that a release whose labels were rewritten still reads with the defaults and that
its series continue across the rewording. The rewordings are of the kinds seen between the known
eras and listed in the project's issue on header drift: official titles, a leading
"X - " naming the jurisdiction, timeliness phrased differently, units in words or brackets,
qualifiers inline or in brackets, "&" for "and", dashes, singular/plural, glued footnote marks.
The wordings are made up; no real release is reproduced.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

__all__ = ["REWORDED_D", "UNREADABLE_D", "revise_whole_series", "reword_headers"]

#: Era D header -> its SYNTHETIC rewording. Every value maps to the same series as its key.
REWORDED_D: Final = MappingProxyType(
    {
        "Civil Claims received": "County Court - civil claims received",
        "Civil Defences (including part admissions)": (
            "Civil - defences received (incl. part admissions)"
        ),
        "Civil timeliness - Small Claims Time to First Full Hearing (Weeks)": (
            "Civil: small claims track \u2013 average time to first full hearing, in weeks"
        ),
        "Private Family Law Receipts": "Family Court - Private law - cases received",
        "Private Family Law Disposals": "Family Court - Private law - cases disposed of",
        "Private Family Law Open Caseload": "Family Court - Private law - outstanding cases",
        "Private Family Law timeliness - average weeks from Receipt to Final Order for all "
        "Private Law case types": (
            "Private law: average time from receipt to final order (weeks), all case types"
        ),
        "Public Family Law Receipts": "Family Court - Public law - cases received",
        "Public Family Law Disposals": "Family Court - Public law - cases disposed of",
        "Public Family Law Open Caseload": "Family Court - Public law - outstanding cases",
        "Employment Tribunal Receipts": "Employment Tribunals - receipts",
        "Employment Tribunal Disposals": "Employment Tribunals - disposals",
        "Employment Tribunal Open Caseload": "Employment Tribunals - open caseload2",
        "Immigration and Asylum Receipts": (
            "First-tier Tribunal (Immigration & Asylum Chamber) - receipts"
        ),
        "Immigration and Asylum Disposals": (
            "First-tier Tribunal (Immigration & Asylum Chamber) - disposals"
        ),
        "Immigration and Asylum Open Caseload": (
            "First-tier Tribunal (Immigration & Asylum Chamber) - open caseload"
        ),
        "Immigration and Asylum timeliness - average Time from Receipt to Disposal (Weeks)": (
            "Immigration & Asylum \u2014 average weeks from receipt to disposal"
        ),
        "Social Security and Child Support Receipts": (
            "First-tier Tribunal (Social Security & Child Support) - appeals received"
        ),
        "Social Security and Child Support Disposals": (
            "First-tier Tribunal (Social Security & Child Support) - appeals disposed of"
        ),
        "Social Security and Child Support Open Caseload": (
            "First-tier Tribunal (Social Security & Child Support) - appeals outstanding"
        ),
        "Social Security and Child Support timeliness - average age of a Disposal (Weeks)": (
            "SSCS - average age at disposal (weeks)"
        ),
        "No Fault Divorce - total applications": "Divorce (no-fault) - applications received",
        "No Fault Divorce - joint applications": "Divorce (no-fault) - applications (joint)",
        "No Fault Divorce - sole applications": "Divorce (no-fault) - applications (sole)",
        "Conditional Orders Pronounced - total orders": "Divorce - conditional orders granted",
        "Conditional Orders Pronounced - from joint submissions": (
            "Divorce - conditional orders granted (joint)"
        ),
        "Conditional Orders Pronounced - from sole submissions": (
            "Divorce - conditional orders granted (sole)"
        ),
        "Final Orders Pronounced - total orders": "Divorce - final orders granted",
        "Final Orders Pronounced - from joint submissions": (
            "Divorce - final orders granted (joint)"
        ),
        "Final Orders Pronounced - from sole submissions": "Divorce - final orders granted (sole)",
        "Probate - Total number of receipts (Digital and Paper)": "Probate: receipts (all)",
        "Probate - Total number of grants issued (Digital and Paper)": (
            "Probate: grants of representation issued"
        ),
        "Probate - Total number of receipts (Digital)": "Probate: receipts - digital",
        "Probate - Total number of grants issued (Digital)": "Probate: grants issued - digital",
        "Probate - Submission to Grant Issued (weeks)(Digital)": (
            "Probate: average weeks from submission to grant (digital)"
        ),
        "Probate - Submission to Grant Issued (weeks)(Digital stopped)": (
            "Probate: average weeks from submission to grant (digital, stopped)"
        ),
        "Probate - Submission to Grant Issued (weeks)(Digital not stopped)": (
            "Probate: average weeks from submission to grant (digital, not stopped)"
        ),
        "Probate - Total number of receipts (Paper)": "Probate: receipts - paper",
        "Probate - Total number of grants issued (Paper)": "Probate: grants issued - paper",
        "Probate - The remaining caseload which is workable": "Probate: workable caseload",
        "Probate - Total open caseload which is up to but not including 6 months old": (
            "Probate: open caseload under 6 months old"
        ),
        "Probate - Total open caseload which is 24 months and older": (
            "Probate: open caseload 24 months and over"
        ),
    }
)

#: Reworded headers that are not certain on their own and must stay unmapped.
UNREADABLE_D: Final = MappingProxyType(
    {
        "Probate - Total open caseload_5": "Probate: total open caseload (status split)",
        "Probate - Total open caseload_6": "Probate: total open caseload (age split)",
    }
)


def reword_headers(data: bytes) -> bytes:
    r"""Reword the header row of a SYNTHETIC era D CSV (see :data:`REWORDED_D`).

    Args:
        data: An era D CSV, such as ``monthly_csv("D", ...).data``.

    Returns:
        The same file with most headers reworded; the figures are unchanged.

    Example:
        >>> from datetime import date
        >>> from hmcts_data.testing import monthly_csv
        >>> out = reword_headers(monthly_csv("D", date(2025, 4, 1), 13).data)
        >>> out.split(b"\\n")[0].split(b",")[1]
        b'County Court - civil claims received'
    """
    import csv
    import io

    text = data.decode("utf-8")
    first, _, rest = text.partition("\n")
    header = next(csv.reader([first]))
    table = {**REWORDED_D, **UNREADABLE_D}
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow([table.get(h, h) for h in header])
    return (out.getvalue() + rest).encode("utf-8")


def revise_whole_series(
    data: bytes, prefix: str, low: float, high: float, *, seed: int = 0
) -> bytes:
    r"""Revise every figure of the columns whose header starts with ``prefix``, one way.

    A SYNTHETIC whole-series revision (a publisher re-basing one jurisdiction's history): each
    figure is multiplied by ``1 + r`` with ``r`` drawn per month between ``low`` and ``high``
    (both positive, or both negative). Whole counts stay whole; decimals keep one place.

    Args:
        data: A SYNTHETIC monthly CSV (header row first).
        prefix: Header prefix of the columns to revise (``"Employment Tribunal"``).
        low: Smallest relative revision.
        high: Largest relative revision.
        seed: Seed of the per-month revisions.

    Returns:
        The same file with those columns' figures revised.

    Example:
        >>> from datetime import date
        >>> from hmcts_data.testing import monthly_csv
        >>> raw = monthly_csv("D", date(2025, 4, 1), 13).data
        >>> out = revise_whole_series(raw, "Employment Tribunal", 0.07, 0.21)
        >>> import csv, io
        >>> def header(data): return next(csv.reader(io.StringIO(data.decode())))
        >>> header(out) == header(raw), out != raw
        (True, True)
    """
    import csv
    import io
    import random

    rng = random.Random(f"{seed}|{prefix}|{low}|{high}")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))
    revised = {j for j, h in enumerate(rows[0]) if h.startswith(prefix)}
    for row in rows[1:]:
        factor = 1 + rng.uniform(low, high)
        for j in revised:
            cell = row[j].replace(",", "")
            try:
                value = float(cell)
            except ValueError:
                continue  # a marker: nothing to revise
            row[j] = f"{value * factor:.1f}" if "." in cell else str(round(value * factor))
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode("utf-8")
