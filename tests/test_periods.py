from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from hmcts_data import ParseError
from hmcts_data.tables._periods import (
    decode_misread_months,
    month_bounds,
    parse_month,
    parse_month_column,
)
from tests.monthly_fixtures import add_months, misread


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("1-Apr-18", date(2018, 4, 1)),
        ("01-Apr-19", date(2019, 4, 1)),
        ("Apr 2024", date(2024, 4, 1)),
        ("April 2024", date(2024, 4, 1)),
        ("  Sep  2020 ", date(2020, 9, 1)),
        ("Sept 2020", date(2020, 9, 1)),
        ("Apr-21", date(2021, 4, 1)),
        ("2024-04", date(2024, 4, 1)),
        ("2024-04-01", date(2024, 4, 1)),
        (date(2024, 4, 1), date(2024, 4, 1)),
        (datetime(2024, 4, 1, 0, 0), date(2024, 4, 1)),
        (45383.0, date(2024, 4, 1)),  # Excel serial of 2024-04-01
        ("45383", date(2024, 4, 1)),
    ],
)
def test_parse_month(cell: object, expected: date) -> None:
    assert parse_month(cell) == expected


@pytest.mark.parametrize(
    "cell", [None, "", "Total", "31-Feb-20", "2024-13", 12.5, 123, True, "Apr"]
)
def test_not_a_month(cell: object) -> None:
    assert parse_month(cell) is None


def test_month_bounds() -> None:
    assert month_bounds(date(2024, 2, 17)) == (date(2024, 2, 1), date(2024, 2, 29))
    assert month_bounds(date(2023, 2, 1)) == (date(2023, 2, 1), date(2023, 2, 28))
    assert month_bounds(date(2024, 12, 31)) == (date(2024, 12, 1), date(2024, 12, 31))


def _era_c_months() -> list[date]:
    return [add_months(date(2021, 4, 1), i) for i in range(13)]


def test_era_c_dates_are_decoded() -> None:
    cells = [misread(m) for m in _era_c_months()]
    assert cells[0] == datetime(2022, 4, 21)  # the corrupted cell, as documented
    periods = parse_month_column(cells, file="c.xlsx")
    assert [p[0] for p in periods] == _era_c_months()
    assert periods[-1] == (date(2022, 4, 1), date(2022, 4, 30))


def test_era_c_serials_are_decoded() -> None:
    # An unformatted cell reads as a serial number: 44672 is 2022-04-21.
    serials = [float((misread(m) - datetime(1899, 12, 30)).days) for m in _era_c_months()]
    assert serials[0] == 44672.0
    periods = parse_month_column(serials, file="c.xlsx")
    assert [p[0] for p in periods] == _era_c_months()


def test_real_dates_mid_month_are_not_decoded() -> None:
    # Consecutive months read at face value: decoding would give a jumble, so it is not applied.
    cells = [date(2021, 4, 21) + timedelta(days=31 * i) for i in range(13)]
    months = [p[0] for p in parse_month_column(cells, file="x.xlsx")]
    assert months == [date(d.year, d.month, 1) for d in cells]


def test_decoding_needs_consecutive_result() -> None:
    assert decode_misread_months([date(2022, 4, 21), date(2022, 4, 23)]) is None
    assert decode_misread_months([date(2022, 4, 21)]) is None
    assert decode_misread_months([date(2022, 12, 21), date(2022, 1, 22)]) == [
        date(2021, 12, 1),
        date(2022, 1, 1),
    ]


def test_text_months_are_never_decoded() -> None:
    # "21-Apr-22", "21-May-22" as text are real dates; only date cells can be Excel's misreading.
    months = parse_month_column(["21-Apr-22", "21-May-22"], file="x.csv")
    assert [m[0] for m in months] == [date(2022, 4, 1), date(2022, 5, 1)]


def test_unparseable_month_names_file_row_and_column() -> None:
    with pytest.raises(ParseError, match=r"'Total' as a month in d\.csv, row 4, column A") as info:
        parse_month_column(["Apr 2024", "May 2024", "Total"], file="d.csv")
    assert (info.value.file, info.value.row, info.value.column) == ("d.csv", 4, "A")


def test_row_numbers_and_sheet_in_error() -> None:
    with pytest.raises(ParseError, match="sheet 'in', row 9") as info:
        parse_month_column([None], file="c.xlsx", sheet="in", rows=[9])
    assert info.value.sheet == "in"


def test_repeated_month_is_refused() -> None:
    with pytest.raises(ParseError, match="appears twice") as info:
        parse_month_column(["Apr 2024", "01-Apr-24"], file="d.csv")
    assert info.value.row == 3
