from __future__ import annotations

import re
import warnings
from datetime import date

import pandas as pd
import pytest

from hmcts_data.tables._reader import Table, read_tables
from hmcts_data.tables._schema import Provenance
from hmcts_data.tables._weeks import parse_period
from tests import _table_fixtures as fx

PROV = Provenance("ad-hoc", "fixture", "0" * 64)


def _figures(frame: pd.DataFrame) -> fx.Expected:
    out: fx.Expected = {}
    for label, start, value, marker in frame[
        ["source_label", "period_start", "value", "marker"]
    ].itertuples(index=False):
        key = (str(label), pd.Timestamp(start).date())
        assert key not in out, f"figure {key} appears twice"
        out[key] = (None if pd.isna(value) else float(value), None if pd.isna(marker) else marker)
    return out


def _conserved(tables: list[Table], built: fx.Built) -> None:
    by_sheet: dict[str | None, fx.Expected] = {}
    for table in tables:
        by_sheet.setdefault(table.sheet, {}).update(_figures(table.to_tidy(PROV)))
    assert by_sheet == built.expected
    for sheet, titles in built.titles.items():
        clean: list[str | None] = [re.sub(r"\s*\[note \d+\]", "", t) for t in titles] or [None]
        assert [t.title for t in tables if t.sheet == sheet] == clean


def test_accessible_ods_skips_cover_contents_notes_and_conserves_every_cell() -> None:
    built = fx.accessible_ods()
    tables = read_tables(built.data, name="gaf.ods")
    assert [t.sheet for t in tables] == ["Table_1", "Table_2"]
    _conserved(tables, built)
    covid, hearings = tables
    assert covid.preamble[1] == "This worksheet contains one table."
    assert len(covid.header_rows) == 2
    # The merged upper header row (lost by ODS) is filled across its span.
    assert covid.columns[1:4] == (
        "Crown Court - Receipts",
        "Crown Court - Disposals",
        "Crown Court - Outstanding",
    )
    assert covid.footnotes == ("Source: HMCTS management information (synthetic test data).",)
    assert "Video" in hearings.columns
    assert "Video [note 2]" in hearings.raw_columns
    assert hearings.notes == ("[note 2]",)
    assert hearings.note_text == {"[note 2]": "Paper hearings are decided on the papers."}
    provisional = [m for m in covid.markers if m.marker == "[p]"]
    assert len(provisional) == 5
    assert all(m.value is not None for m in provisional)
    assert [(m.row, m.column, m.marker) for m in hearings.markers] == [(8, "F", "[x]")]


def test_legacy_xlsx_merged_header_dates_formula_and_footnotes() -> None:
    built = fx.legacy_xlsx()
    (table,) = read_tables(built.data, name="legacy.xlsx")
    _conserved([table], built)
    assert table.header_row == 4
    assert table.columns[0] == "Week commencing"
    assert table.columns[5:] == ("Civil - Receipts", "Civil - Disposals")
    assert table.footnotes == (
        "Source: HMCTS management information (synthetic).",
        "1. Figures for recent weeks are provisional.",
    )
    assert table.data.loc[9].iloc[6] == fx.FORMULA_CACHED
    assert {m.marker for m in table.markers} == {"..", "-"}


def test_uncalculated_formula_reads_as_blank() -> None:
    built = fx.legacy_xlsx(formula=True)
    raw = fx.legacy_xlsx(formula=False).data
    assert raw != built.data
    import io

    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(raw))
    wb.active["G9"] = "=G8+1"
    out = io.BytesIO()
    wb.save(out)
    (table,) = read_tables(out.getvalue())
    frame = table.to_tidy(PROV)
    cell = frame[(frame.source_label == "Civil - Disposals") & (frame.period_start == "2021-02-01")]
    assert cell["marker"].tolist() == ["blank"]


def test_wide_weekly_periods_across() -> None:
    built = fx.wide_weekly_csv()
    (table,) = read_tables(built.data)
    _conserved([table], built)
    frame = table.to_tidy(PROV)
    assert set((frame.period_end - frame.period_start).dt.days) == {6}


def test_long_table_comes_out_through_the_same_melt() -> None:
    built = fx.long_csv()
    (table,) = read_tables(built.data)
    assert table.label_columns == (0, 1, 2)
    _conserved([table], built)


def test_csv_with_title_row_and_monthly_periods() -> None:
    built = fx.titled_csv()
    (table,) = read_tables(built.data)
    assert table.title == "Monthly receipts (synthetic)"
    _conserved([table], built)
    frame = table.to_tidy(PROV)
    assert frame.release.iloc[0] == "2024-04"


def test_several_tables_in_one_sheet_keep_their_own_titles_and_footnotes() -> None:
    built = fx.publication_workbook("reformed-services", "openpyxl")
    tables = read_tables(built.data)
    assert tables[0].footnotes == ("1. Digital uptake is the share of applications made online.",)
    assert tables[0].notes == ("[note 1]",)
    assert tables[1].footnotes[0].startswith("Source:")
    _conserved(tables, built)


def test_section_rows_label_the_rows_below() -> None:
    data = (
        b"Table 9\nMeasure,Apr 2024,May 2024\nCrown Court\nReceipts,1,2\nDisposals,3,4\n"
        b"Civil\nReceipts,5,6\n"
    )
    (table,) = read_tables(data)
    assert table.groups == ("Crown Court", "Crown Court", "Civil")
    labels = set(table.to_tidy(PROV).source_label)
    assert labels == {"Crown Court | Receipts", "Crown Court | Disposals", "Civil | Receipts"}


def test_label_qualifier_flags_the_row_figures() -> None:
    data = b"Week ending,Video\n05/04/2020,4\n12/04/2020 [p],5\n"
    frame = read_tables(data)[0].to_tidy(PROV)
    assert frame.marker.tolist()[1] == "[p]"
    assert frame.value.tolist() == [4.0, 5.0]


def test_bare_week_dates_are_not_guessed() -> None:
    data = b"Week,Hearings\n06/04/2020,1\n13/04/2020,2\n"
    (table,) = read_tables(data)
    with pytest.warns(UserWarning, match="week-commencing or week-ending"):
        frame = table.to_tidy(PROV)
    assert (frame.period_start == frame.period_end).all()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        weeks = table.to_tidy(PROV, week_dates="ending")
    assert weeks.period_start.iloc[0] == pd.Timestamp("2020-03-31")


def test_table_without_period_needs_one() -> None:
    (table,) = read_tables(b"Court,Cases\nCrown Court,3\n")
    from hmcts_data import ParseError

    with pytest.raises(ParseError, match="period"):
        table.to_tidy(PROV)
    frame = table.to_tidy(PROV, period=(date(2024, 1, 1), date(2024, 1, 31)))
    assert frame.value.tolist() == [3.0]


def test_text_in_a_value_column_is_refused_with_its_location() -> None:
    (table,) = read_tables(b"Month,Cases\nApr 2024,3\nMay 2024,lots [x]\n")
    from hmcts_data import ParseError

    with pytest.raises(ParseError) as info:
        table.to_tidy(PROV)
    assert (info.value.row, info.value.column) == (3, "B")


@pytest.mark.parametrize(
    ("label", "context", "expected"),
    [
        ("w/c 6 April 2020", "", (date(2020, 4, 6), date(2020, 4, 12))),
        ("Week ending 12/04/2020", "", (date(2020, 4, 6), date(2020, 4, 12))),
        ("12/04/2020", "Week ending", (date(2020, 4, 6), date(2020, 4, 12))),
        (date(2020, 4, 6), "Week commencing", (date(2020, 4, 6), date(2020, 4, 12))),
        ("Jan to Mar 2021", "", (date(2021, 1, 1), date(2021, 3, 31))),
        ("Q2 2020", "", (date(2020, 4, 1), date(2020, 6, 30))),
        ("2020/21", "", (date(2020, 4, 1), date(2021, 3, 31))),
        ("Feb 2024 [r]", "", (date(2024, 2, 1), date(2024, 2, 29))),
        ("Crown Court", "", None),
    ],
)
def test_period_labels(label: object, context: str, expected: tuple[date, date] | None) -> None:
    got = parse_period(label, context=context)
    assert (None if got is None else (got.start, got.end)) == expected
