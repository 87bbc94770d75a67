from __future__ import annotations

import hashlib
import warnings
from collections.abc import Sequence
from datetime import date
from typing import Any

import pandas as pd
import pytest

import hmcts_data
from hmcts_data import ParseError, SchemaDriftError
from hmcts_data.tables import monthly
from hmcts_data.tables._monthly_crosswalk import build_crosswalk, load_crosswalk, normalise_header
from hmcts_data.tables._schema import Provenance, validate_tidy
from hmcts_data.testing._monthly_files import ERAS, ExpectedCell, era_headers, monthly_csv
from tests.monthly_fixtures import (
    ERA_C_HEADERS,
    add_months,
    era_c_cells,
    era_c_xlsx,
    ods_bytes,
)


def _parse(data: bytes, name: str = "file.csv", **kwargs: Any) -> pd.DataFrame:
    prov = Provenance("monthly", name, hashlib.sha256(data).hexdigest())
    return monthly.parse(data, prov, **kwargs).frame()


def _assert_conserved(frame: pd.DataFrame, expected: Sequence[ExpectedCell]) -> None:
    """Every cell is one row, in column-major order, with its value or marker."""
    assert len(frame) == len(expected)
    assert frame["source_label"].tolist() == [c.label for c in expected]
    assert [d.date() for d in frame["period_start"]] == [c.period_start for c in expected]
    values = [None if pd.isna(v) else float(v) for v in frame["value"]]
    assert values == [c.value for c in expected]
    markers = [None if pd.isna(m) else m for m in frame["marker"]]
    assert markers == [c.marker for c in expected]
    present = sum(c.value is not None for c in expected)
    assert int(frame["value"].notna().sum()) == present


# --------------------------------------------------------------------------------------------
# synthetic CSV layouts
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("era", ERAS)
@pytest.mark.parametrize("seed", [0, 1])
def test_csv_eras_conserve_every_cell(era: str, seed: int) -> None:
    made = monthly_csv(era, date(2024, 4, 1), seed)
    frame = _parse(made.data, made.filename)
    _assert_conserved(frame, made.expected)
    assert frame["jurisdiction"].notna().all()
    assert frame["measure"].notna().all()
    assert frame["release"].unique().tolist() == ["2024-04"]
    assert frame["source_sheet"].isna().all()
    validate_tidy(frame, allow_unknown=False)


@pytest.mark.parametrize("era", ERAS)
def test_layout_quirks_reproduced(era: str) -> None:
    made = monthly_csv(era, date(2021, 4, 1), 5)
    text = made.data.decode()
    assert ("\r\n" in text) == (era != "D")
    first_month = text.splitlines()[1].split(",")[0]
    assert (
        first_month
        == {
            "A": "1-Apr-20",
            "A'": "01-Apr-20",
            "B": "01-Apr-20",
            "D": "Apr 2020",
            "D'": "Apr 2020",
        }[era]
    )
    markers = {c.marker for c in made.expected} - {None}
    assert markers == ({"NA"} if era == "D" else {"blank"})


def test_era_b_quirks_survive_parsing() -> None:
    made = monthly_csv("B", date(2021, 4, 1), 3)
    assert b'"' in made.data  # ET_OUTSTANDING quoted with a thousands separator
    frame = _parse(made.data, made.filename)
    et = frame[
        (frame["jurisdiction"] == "employment_tribunal") & (frame["measure"] == "outstanding")
    ]
    published = [c for c in made.expected if c.position == 21 and c.value is not None]
    assert "," in published[0].text
    assert et["value"].dropna().tolist() == [c.value for c in published]
    # The repeated names 32/40 and 36/42 land on digital and paper, by position.
    dn = frame[frame["source_label"] == "Decree Nisi pronounced"]
    assert sorted(set(dn["breakdown"])) == ["legacy_digital", "legacy_paper"]
    petition = frame[frame["source_label"] == "Caseworker issues petition"]
    assert set(petition["measure"]) == {"time_to_petition_issue"}
    assert sorted(set(petition["breakdown"])) == ["legacy_digital", "legacy_paper"]


def test_eras_a_and_a_prime_name_civil_differently_but_map_the_same() -> None:
    a = _parse(monthly_csv("A", date(2019, 4, 1), 1).data)
    a2 = _parse(monthly_csv("A'", date(2020, 4, 1), 1).data)
    for frame, label in ((a, "CIVIL_ISSUED"), (a2, "CIVIL_CLAIMS_RECEIVED")):
        rows = frame[frame["source_label"] == label]
        assert set(rows["jurisdiction"]) == {"civil"}
        assert set(rows["measure"]) == {"receipts"}


def test_era_d_open_caseload_twice_under_two_keys() -> None:
    made = monthly_csv("D", date(2025, 4, 1), lambda pos, label, month: 100.0)
    frame = _parse(made.data)
    totals = frame[
        (frame["jurisdiction"] == "probate") & frame["breakdown"].str.startswith("total")
    ]
    assert sorted(set(totals["breakdown"])) == ["total_of_age_bands", "total_of_status_split"]
    assert len(totals) == 26


def test_values_exact_without_float_noise() -> None:
    figures = {3: 49.6127235680326, 7: 0.805663305, 1: 161035.0}
    made = monthly_csv("D", date(2025, 4, 1), lambda pos, label, month: figures.get(pos, 1.5))
    frame = _parse(made.data)
    for pos, value in figures.items():
        label = era_headers("D")[pos]
        assert set(frame.loc[frame["source_label"] == label, "value"]) == {value}


def test_release_can_be_given() -> None:
    made = monthly_csv("D", date(2025, 4, 1), 2)
    prov = Provenance("monthly", "x.csv", hashlib.sha256(made.data).hexdigest(), release="2025-06")
    assert set(monthly.parse(made.data, prov, on_unknown="raise").frame()["release"]) == {"2025-06"}


def test_read_dispatch_uses_the_monthly_parser(tmp_path: Any) -> None:
    made = monthly_csv("D", date(2025, 4, 1), 2)
    path = tmp_path / "HMCTS_MI_output_accessible (2).csv"
    path.write_bytes(made.data)
    frame = hmcts_data.read("monthly", path)
    assert set(frame["source_file"]) == {"HMCTS_MI_output_accessible (2).csv"}
    assert set(frame["sha256"]) == {hashlib.sha256(made.data).hexdigest()}


# --------------------------------------------------------------------------------------------
# workbooks: era C XLSX, ODS
# --------------------------------------------------------------------------------------------
def _era_c_expected(rows: list[list[Any]]) -> list[tuple[str, date, float | None, str | None]]:
    out: list[tuple[str, date, float | None, str | None]] = []
    for position in range(1, len(ERA_C_HEADERS)):
        for row in rows:
            cell = row[position]
            if cell is None:
                out.append((ERA_C_HEADERS[position], row[0], None, "blank"))
            elif cell == "N/A":
                out.append((ERA_C_HEADERS[position], row[0], None, "N/A"))
            else:
                out.append((ERA_C_HEADERS[position], row[0], float(cell), None))
    return out


@pytest.mark.parametrize("serials", [False, True])
def test_era_c_xlsx_conserves_and_decodes_months(serials: bool) -> None:
    rows = era_c_cells(seed=4)
    data = era_c_xlsx(rows, serials=serials)
    frame = _parse(data, "HMCTS_Management_Information_April_2021_to_April_2022.xlsx")
    got = [
        (label, start.date(), None if pd.isna(v) else float(v), None if pd.isna(m) else m)
        for label, start, v, m in zip(
            frame["source_label"],
            frame["period_start"],
            frame["value"],
            frame["marker"],
            strict=True,
        )
    ]
    assert got == _era_c_expected(rows)
    months = sorted(set(frame["period_start"].dt.date))
    assert months == [add_months(date(2021, 4, 1), i) for i in range(13)]
    assert set(frame["release"]) == {"2022-04"}
    assert set(frame["source_sheet"]) == {"in"}
    assert frame["measure"].notna().all()


def test_workbook_data_sheet_is_found_after_a_notes_sheet() -> None:
    data = era_c_xlsx(era_c_cells(seed=5), extra_sheet=True)
    frame = _parse(data, "c.xlsx")
    assert set(frame["source_sheet"]) == {"in"}


def test_ods_variant_conserves_cells() -> None:
    made = monthly_csv("D", date(2025, 4, 1), 9)
    headers = list(era_headers("D"))
    by_month: dict[date, list[Any]] = {}
    for c in made.expected:
        text: Any = c.text if c.text in {"", "NA"} else c.value
        by_month.setdefault(c.period_start, [f"{c.period_start:%b %Y}"]).append(text or None)
    data = ods_bytes(headers, list(by_month.values()), sheet="Monthly MI")
    frame = _parse(data, "HMCTS_MI_output_accessible.ods")
    _assert_conserved(frame, made.expected)
    assert set(frame["source_sheet"]) == {"Monthly MI"}


# --------------------------------------------------------------------------------------------
# unknown headers
# --------------------------------------------------------------------------------------------
def _with_extra_column(label: str) -> bytes:
    made = monthly_csv("D", date(2025, 4, 1), 3)
    lines = made.data.decode().split("\n")
    lines[0] += f',"{label}"'
    for i in range(1, 14):
        lines[i] += ",12"
    return "\n".join(lines).encode()


def test_unknown_header_raises_schema_drift() -> None:
    data = _with_extra_column("Magic Court Receipts")
    with pytest.raises(SchemaDriftError, match="Magic Court Receipts") as info:
        _parse(data, "new.csv", on_unknown="raise")
    assert info.value.labels == ("Magic Court Receipts",)
    assert info.value.file == "new.csv"
    assert info.value.column == "BI"


def test_unknown_header_kept_with_one_warning() -> None:
    data = _with_extra_column("Magic Court Receipts")
    with pytest.warns(UserWarning, match="Magic Court Receipts") as record:
        frame = _parse(data, "new.csv", on_unknown="keep")
    assert len([w for w in record if "crosswalk" in str(w.message)]) == 1
    kept = frame[frame["source_label"] == "Magic Court Receipts"]
    assert len(kept) == 13
    assert kept["jurisdiction"].isna().all()
    assert kept["measure"].isna().all()
    assert set(kept["unit"]) == {"unknown"}
    assert set(kept["value"]) == {12.0}
    assert kept["mapping"].isna().all()
    assert frame["measure"].notna().sum() == 13 * 59
    assert set(frame.loc[frame["measure"].notna(), "mapping"]) == {"exact"}
    # The default keeps too: a reworded release does not fail.
    with pytest.warns(UserWarning, match="Magic Court Receipts"):
        assert _parse(data, "new.csv").equals(frame)


def test_known_layouts_do_not_warn() -> None:
    made = monthly_csv("B", date(2021, 4, 1), 3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _parse(made.data, on_unknown="keep")


def test_shifted_era_b_block_is_not_guessed() -> None:
    # Drop SSCS_AGE OF DISPOSAL: the ambiguous block moves and must not be mapped by name.
    made = monthly_csv("B", date(2021, 4, 1), 3)
    lines = made.data.decode().split("\r\n")
    cut = [",".join(f for i, f in enumerate(_split(line)) if i != 30) for line in lines if line]
    with pytest.raises(SchemaDriftError) as info:
        _parse("\r\n".join(cut).encode(), on_unknown="raise")
    assert "Decree Nisi pronounced" in info.value.labels


def _split(line: str) -> list[str]:
    import csv

    return [f'"{f}"' if "," in f else f for f in next(csv.reader([line]))]


# --------------------------------------------------------------------------------------------
# bad input: the right exception, never a partial frame
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("data", "error", "needle"),
    [
        (b"", ParseError, "empty"),
        (b"<!doctype html><html><title>Error</title></html>", ParseError, "HTML page"),
        (b"Month,Civil Claims received\n", ParseError, "no data rows"),
        (
            b"Week commencing,Hearings in person\n2020-04-06,100\n",
            ParseError,
            "not an HMCTS monthly management information table",
        ),
        (
            b"Month,Hearings in person,Hearings by video\nApr 2020,1,2\n",
            ParseError,
            "none of its 2 headers is known",
        ),
    ],
)
def test_bad_files(data: bytes, error: type[Exception], needle: str) -> None:
    with pytest.raises(error, match=needle) as info:
        _parse(data, "bad.csv")
    assert getattr(info.value, "file", None) == "bad.csv"


def test_truncated_xlsx() -> None:
    data = era_c_xlsx(era_c_cells(seed=6))
    with pytest.raises(ParseError, match="truncated") as info:
        _parse(data[: len(data) // 2], "c.xlsx")
    assert info.value.file == "c.xlsx"


def test_unparseable_month_names_row_and_column() -> None:
    made = monthly_csv("D", date(2025, 4, 1), 3)
    data = made.data.replace(b"Jun 2024,", b"June-ish,")
    with pytest.raises(ParseError, match="row 4, column A") as info:
        _parse(data, "d.csv")
    assert (info.value.row, info.value.column) == (4, "A")


def test_bad_cell_names_row_and_column() -> None:
    made = monthly_csv("D", date(2025, 4, 1), lambda p, label, m: 7.0)
    lines = made.data.decode().split("\n")
    fields = lines[5].split(",")
    fields[2] = "seven"
    lines[5] = ",".join(fields)
    with pytest.raises(ParseError, match="row 6, column C") as info:
        _parse("\n".join(lines).encode(), "d.csv")
    assert (info.value.row, info.value.column) == (6, "C")


def test_truncated_csv_row_is_refused() -> None:
    made = monthly_csv("A", date(2019, 4, 1), 3)
    cut = made.data[: len(made.data) - 40]
    with pytest.raises(ParseError, match="truncated") as info:
        _parse(cut, "a.csv")
    assert info.value.row == 14


def test_column_without_header_is_refused() -> None:
    with pytest.raises(ParseError, match="no header") as info:
        _parse(b"Month,Civil Claims received\nApr 2024,1,2\n", "d.csv")
    assert info.value.column == "C"


def test_one_series_twice_is_refused() -> None:
    data = b"Month,Civil Claims received,CIVIL_CLAIMS_RECEIVED\nApr 2024,1,2\n"
    with pytest.raises(ParseError, match=r"both map to 'civil\.receipts'"):
        _parse(data, "d.csv")


# --------------------------------------------------------------------------------------------
# the crosswalk
# --------------------------------------------------------------------------------------------
_NORMALISED = [
    ("Caseworker issues petition5 in 3 days (%)", "caseworker issues petition in 3 days (%)"),
    ("Case worker lists Decree Nisi7 in 3 days (%)", "case worker lists decree nisi in 3 days (%)"),
    (
        "PRIVATE_RECEIPT TO FINAL ORDER_S8 CARE ORDERS",
        "private receipt to final order s8 care orders",
    ),
    (
        "PUBLIC_TIME TO DISPOSAL_S31 CARE & SUPERVISION ORDERS",
        "public time to disposal s31 care & supervision orders",
    ),
    ("Probate - Total open caseload_5", "probate - total open caseload #5"),
    (
        "Probate_Documents Upload to Grant Issued (Digital, stopped",
        "probate - documents upload to grant issued (digital stopped)",
    ),
    (
        "Legacy Divorce service-  Digital Applications",
        "legacy divorce service - digital applications",
    ),
    (
        "Probate - Submission to Grant Issued (weeks)(Digital)",
        "probate - submission to grant issued (weeks) (digital)",
    ),
    ("  Private Family Law Disposals ", "private family law disposals"),
]


@pytest.mark.parametrize(("label", "key"), _NORMALISED)
def test_normalise_header(label: str, key: str) -> None:
    assert normalise_header(label) == key


def test_suffixes_5_and_6_stay_distinct() -> None:
    assert normalise_header("Probate - Total open caseload_5") != normalise_header(
        "Probate - Total open caseload_6"
    )


def test_every_series_is_reachable_and_fits_the_vocabulary() -> None:
    cw = load_crosswalk()
    positional = {col.series for block in cw.block for col in block.columns}
    for series in cw.series:
        assert series.headers or series.id in positional, series.id
    assert len({s.key for s in cw.series}) == len(cw.series)


_ERA = {"years": "2024", "format": "CSV, 2 columns", "seen": False, "quirks": "none"}


def _doc(**series: Any) -> dict[str, Any]:
    entry = {"id": "x.y", "jurisdiction": "civil", "measure": "receipts", "unit": "cases"}
    entry.update(series)
    return {"version": 1, "eras": {"D": _ERA}, "series": [entry]}


@pytest.mark.parametrize(
    ("doc", "needle"),
    [
        (_doc(unit="furlongs"), r"\(id 'x\.y'\): unit 'furlongs' is not in the vocabulary"),
        (_doc(breakdown="Digital Stopped"), "lower snake_case"),
        (_doc(headers=[{"label": "A", "eras": ["Z"]}]), "unknown eras"),
        (_doc(colour="red"), r"\(id 'x\.y'\)"),
        ({"version": 2, "eras": {}, "series": []}, "version must be 1"),
    ],
)
def test_crosswalk_errors_name_the_entry(doc: dict[str, Any], needle: str) -> None:
    with pytest.raises(ParseError, match=needle):
        build_crosswalk(doc)


def test_crosswalk_refuses_a_header_on_two_series() -> None:
    doc = _doc(headers=[{"label": "Civil Claims received", "eras": ["D"]}])
    doc["series"].append(
        {
            "id": "x.z",
            "jurisdiction": "civil",
            "measure": "defences",
            "unit": "cases",
            "headers": [{"label": "CIVIL CLAIMS  received ", "eras": ["D"]}],
        }
    )
    with pytest.raises(ParseError, match=r"also maps to 'x\.y'"):
        build_crosswalk(doc)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_month_column_alone_is_a_parse_error(tmp_path: Any, suffix: str) -> None:
    path = tmp_path / f"only-month{suffix}"
    if suffix == ".csv":
        path.write_text("Month\nApr 2025\n", encoding="utf-8")
    else:
        import openpyxl

        book = openpyxl.Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.append(["Month"])
        sheet.append(["Apr 2025"])
        book.save(path)
    with pytest.raises(ParseError, match="no figure columns"):
        hmcts_data.read("monthly", path)
