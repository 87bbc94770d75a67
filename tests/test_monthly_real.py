"""The four real published files (skipped when ../shared/real-samples is absent).

Every expectation here is independent of the parser: cells are read again with the csv module
or python_calamine, the column meanings are written out from the reference notes, and the
spot values are the ones quoted there.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

import hmcts_data
from hmcts_data.tables._schema import validate_tidy

A = "HMCTS_raw_data_for_Apr18_to_Apr19.csv"
B = "20210601_HMCTS_raw_data_for_Apr20_to_Apr21.csv"
C = "HMCTS_Management_Information_April_2021_to_April_2022.xlsx"
D = "HMCTS_MI_output_accessible__Apr2024-Apr2025.csv"

_CORE = """
civil receipts
civil defences
civil time_to_first_full_hearing small_claims
family_private_law receipts
family_private_law disposals
family_private_law outstanding
family_private_law timeliness
family_public_law receipts
family_public_law disposals
family_public_law outstanding
family_public_law timeliness
employment_tribunal receipts
employment_tribunal disposals
employment_tribunal outstanding
"""
_TRIBUNALS = """
immigration_asylum receipts
immigration_asylum disposals
immigration_asylum outstanding
immigration_asylum timeliness
sscs receipts
sscs disposals
sscs outstanding
sscs timeliness
"""
_CROWN = "crown_court receipts\ncrown_court disposals\ncrown_court outstanding\n"
_MAGS = """
magistrates_courts receipts
magistrates_courts disposals
magistrates_courts outstanding
magistrates_courts timeliness
"""
_PROBATE_TOTALS = "probate receipts\nprobate grants_issued\nprobate submission_to_grant\n"
_LEGACY_B = """
divorce applications legacy_digital
divorce decrees_nisi legacy_digital
divorce petition_issued_within_target legacy_digital
divorce entitlement_order_within_target legacy_digital
divorce decree_nisi_listed_within_target legacy_digital
divorce time_to_petition_issue legacy_digital
divorce time_to_entitlement_order legacy_digital
divorce time_to_decree_nisi_listing legacy_digital
divorce applications legacy_paper
divorce decrees_nisi legacy_paper
divorce petition_issued_within_target legacy_paper
divorce time_to_petition_issue legacy_paper
"""
_PROBATE_B = """
probate receipts digital
probate grants_issued digital
probate submission_to_grant digital
probate submission_to_grant digital_stopped
probate submission_to_grant digital_not_stopped
probate documents_upload_to_grant digital
probate documents_upload_to_grant digital_stopped
probate documents_upload_to_grant digital_not_stopped
"""
_PROBATE_C = """
probate receipts digital
probate grants_issued digital
probate submission_to_grant digital
probate documents_upload_to_grant digital
probate submission_to_grant digital_stopped
probate documents_upload_to_grant digital_stopped
probate submission_to_grant digital_not_stopped
probate documents_upload_to_grant digital_not_stopped
"""
_PROBATE_PAPER = """
probate receipts paper
probate grants_issued paper
probate submission_to_grant paper
probate submission_to_grant paper_stopped
probate submission_to_grant paper_not_stopped
"""
_ET_A = "employment_tribunal timeliness single_claims\n"
_A = _CROWN + _MAGS + _CORE + _ET_A + _TRIBUNALS
_B = _A + _LEGACY_B + _PROBATE_TOTALS + _PROBATE_B + _PROBATE_PAPER
_C = (
    _MAGS
    + _CROWN
    + _CORE
    + _TRIBUNALS
    + """
divorce applications no_fault
divorce applications no_fault_joint
divorce applications no_fault_sole
divorce applications legacy_digital
divorce decrees_nisi legacy_digital
divorce petition_issued_within_target legacy_digital
divorce time_to_petition_issue legacy_digital
divorce entitlement_order_within_target legacy_digital
divorce time_to_entitlement_order legacy_digital
divorce decree_nisi_listed_within_target legacy_digital
divorce time_to_decree_nisi_listing legacy_digital
divorce applications legacy_paper
divorce decrees_nisi legacy_paper
"""
    + _PROBATE_TOTALS
    + _PROBATE_C
    + _PROBATE_PAPER
)
_D = (
    _CORE
    + _TRIBUNALS
    + """
divorce applications no_fault
divorce applications no_fault_joint
divorce applications no_fault_sole
divorce digital_share no_fault
divorce conditional_orders
divorce conditional_orders joint
divorce conditional_orders sole
divorce final_orders
divorce final_orders joint
divorce final_orders sole
divorce decrees_nisi legacy_digital
divorce decrees_nisi legacy_paper
"""
    + _PROBATE_TOTALS
    + "probate documents_upload_to_grant\n"
    + _PROBATE_C
    + _PROBATE_PAPER
    + """
probate outstanding total_of_status_split
probate outstanding stopped_or_awaiting_documents
probate outstanding workable
probate outstanding total_of_age_bands
probate outstanding under_6_months
probate outstanding 6_to_12_months
probate outstanding 12_to_24_months
probate outstanding 24_months_and_over
"""
)


def _meanings(spec: str) -> list[tuple[str, str, str]]:
    out = []
    for line in spec.strip().splitlines():
        parts = line.split()
        if parts:
            out.append((parts[0], parts[1], parts[2] if len(parts) > 2 else ""))
    return out


MEANINGS = {A: _meanings(_A), B: _meanings(_B), C: _meanings(_C), D: _meanings(_D)}
FIRST_MONTH = {A: date(2018, 4, 1), B: date(2020, 4, 1), C: date(2021, 4, 1), D: date(2024, 4, 1)}
MISSING = {A: {"blank": 9}, B: {"blank": 32}, C: {"blank": 51, "N/A": 2}, D: {"NA": 8}}


def _raw_grid(path: Path) -> list[list[object]]:
    """The file's cells read independently of the library (header row first)."""
    if path.suffix == ".xlsx":
        from python_calamine import CalamineWorkbook

        book = CalamineWorkbook.from_filelike(io.BytesIO(path.read_bytes()))
        return [list(r) for r in book.get_sheet_by_index(0).to_python(skip_empty_area=False)]
    return [list(r) for r in csv.reader(io.StringIO(path.read_text("ascii"), newline=""))]


def _value(cell: object) -> float | None:
    if cell in ("", None, "NA", "N/A"):
        return None
    return float(str(cell).replace(",", "")) if isinstance(cell, str) else float(cell)  # type: ignore[arg-type]


@pytest.fixture(scope="module", params=[A, B, C, D])
def sample(request: pytest.FixtureRequest, real_samples: Path) -> tuple[str, Path, pd.DataFrame]:
    name: str = request.param
    path = real_samples / name
    return name, path, hmcts_data.read("monthly", path)


def test_conservation(sample: tuple[str, Path, pd.DataFrame]) -> None:
    _, path, frame = sample
    grid = _raw_grid(path)
    header, rows = grid[0], grid[1:]
    assert len(rows) == 13
    cells = [(header[j], _value(row[j])) for j in range(1, len(header)) for row in rows]
    assert len(frame) == len(cells) == 13 * (len(header) - 1)
    present = [v for _, v in cells if v is not None]
    assert int(frame["value"].notna().sum()) == len(present)
    got = [
        (label, None if pd.isna(v) else float(v))
        for label, v in zip(frame["source_label"], frame["value"], strict=True)
    ]
    assert got == cells
    validate_tidy(frame, allow_unknown=False)


def test_thirteen_months_in_order(sample: tuple[str, Path, pd.DataFrame]) -> None:
    name, _, frame = sample
    first = FIRST_MONTH[name]
    expected = [
        date(first.year + (first.month - 1 + i) // 12, (first.month - 1 + i) % 12 + 1, 1)
        for i in range(13)
    ]
    per_column = frame["period_start"].dt.date.tolist()[:13]
    assert per_column == expected
    assert set(frame["release"]) == {f"{expected[-1]:%Y-%m}"}


def test_every_column_maps_to_its_meaning(sample: tuple[str, Path, pd.DataFrame]) -> None:
    name, path, frame = sample
    header = _raw_grid(path)[0]
    firsts = frame.iloc[::13]
    got = list(zip(firsts["jurisdiction"], firsts["measure"], firsts["breakdown"], strict=True))
    assert got == MEANINGS[name]
    assert firsts["source_label"].tolist() == header[1:]
    for label, unit in zip(firsts["source_label"], firsts["unit"], strict=True):
        if "(%)" in label or label.startswith("Percentage"):
            assert unit == "percent", label
        elif "days taken" in label:
            assert unit == "days", label
        elif "weeks" in label.lower():
            assert unit == "weeks", label


def test_markers(sample: tuple[str, Path, pd.DataFrame]) -> None:
    name, _, frame = sample
    assert frame["marker"].value_counts().to_dict() == MISSING[name]


def _one(frame: pd.DataFrame, label: str, month: date, nth: int = 0) -> float:
    rows = frame[(frame["source_label"] == label) & (frame["period_start"] == pd.Timestamp(month))]
    return float(rows["value"].iloc[nth])


def test_values_quoted_in_the_reference(real_samples: Path) -> None:
    a = hmcts_data.read("monthly", real_samples / A)
    b = hmcts_data.read("monthly", real_samples / B)
    c = hmcts_data.read("monthly", real_samples / C)
    d = hmcts_data.read("monthly", real_samples / D)
    assert _one(a, "CROWN_RECEIPTS", date(2018, 4, 1)) == 8097
    assert _one(a, "SSCS_AGE OF DISPOSAL", date(2019, 4, 1)) == 29.8
    assert _one(b, "ET_OUTSTANDING", date(2020, 4, 1)) == 39241
    assert (
        _one(b, "Legal advisor grants entitlement order6 in 5 days (%)", date(2020, 4, 1))
        == 93.91000776
    )
    assert _one(b, "Applications received ", date(2021, 4, 1)) == 7857
    assert _one(d, "Civil Claims received", date(2025, 4, 1)) == 161035
    assert (
        _one(
            d,
            "Civil timeliness - Small Claims Time to First Full Hearing (Weeks)",
            date(2024, 4, 1),
        )
        == 49.6127235680326
    )
    legacy = "Legacy Divorce service - Digital Applications - number of applications received "
    assert _one(c, legacy, date(2021, 4, 1)) == 6764
    assert _one(c, "MAGS_RECEIPTS", date(2021, 4, 1)) == 91769
    assert _one(c, "SSCS_AGE OF DISPOSAL", date(2022, 4, 1)) == 25.11


def test_era_d_open_caseload_published_twice_kept_apart(real_samples: Path) -> None:
    d = hmcts_data.read("monthly", real_samples / D)
    first = d[d["breakdown"] == "total_of_status_split"]["value"].tolist()
    second = d[d["breakdown"] == "total_of_age_bands"]["value"].tolist()
    assert first == second  # equal in every row, as documented
    assert len(first) == 13


def test_revision_between_eras_b_and_c(real_samples: Path) -> None:
    both = pd.concat(
        [hmcts_data.read("monthly", real_samples / B), hmcts_data.read("monthly", real_samples / C)]
    )
    changes = hmcts_data.revisions(both)
    legacy = changes[
        (changes["measure"] == "applications") & (changes["breakdown"] == "legacy_digital")
    ]
    assert legacy[["old_value", "new_value", "kind"]].values.tolist() == [
        [7857.0, 6764.0, "revised"]
    ]
    assert set(changes["old_release"]) == {"2021-04"}
    assert set(changes["period_start"]) == {pd.Timestamp(2021, 4, 1)}
