"""One strict grammar for figures written as text (issue 24 item 2).

Text that is not exactly one number (digits grouped in threes or not at all, markers only at
the ends, a finite value) is refused with a ParseError naming file, sheet, cell and text; it is
never read as another figure ("2.5 7" as 2.57, "146923 [p] 5" as 1469235).
"""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

import hmcts_data
from hmcts_data import ParseError, Provenance
from hmcts_data.tables._values import CellError, parse_cell, parse_cells
from hmcts_data.testing._monthly_files import monthly_csv
from tests import _bombs

# Each was read as a figure it is not (the value it used to give in the comment).
WRONG = [
    "2.5 7",  # 2.57
    "12 34",  # 1234
    "146923 [p] 5",  # 1469235, provisional
    "1 2 [r]",  # 12, revised
    "1 2",  # 12
    "1,234 567",  # two separator kinds
    "12 345 6",  # last group short
    "[p] 5 [r] 6",  # marker inside
    "\u0661\u0662",  # Arabic-Indic digits
    "e3",  # no mantissa (a raw ValueError once)
]
NOT_FINITE = ["1e400", "-1e400", "9" * 400, "1" + "0" * 309 + ".5"]


@pytest.mark.parametrize("text", WRONG)
def test_text_that_is_not_one_number_is_refused(text: str) -> None:
    with pytest.raises(CellError, match="neither a number"):
        parse_cell(text)
    with pytest.raises(CellError):
        parse_cells(["12", text])


@pytest.mark.parametrize("text", NOT_FINITE)
def test_a_figure_must_be_finite(text: str) -> None:
    with pytest.raises(CellError, match="not a finite figure"):
        parse_cell(text)
    with pytest.raises(CellError, match="not a finite figure"):
        parse_cells([text, "1"])  # the column-wise fast path too


def test_an_integer_beyond_any_float_is_refused_typed() -> None:
    with pytest.raises(CellError, match="not a finite figure"):
        parse_cell(10**400)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 234", (1234.0, None)),
        ("1\u202f234\u00a0567", (1234567.0, None)),
        ("12 345.5", (12345.5, None)),
        ("[p] 5", (5.0, "[p]")),
        ("[r] 1,234 [e]", (1234.0, "[r][e]")),
        ("-0.5", (-0.5, None)),
        ("1e3 [p]", (1000.0, "[p]")),
    ],
)
def test_numbers_in_the_grammar_still_read(text: str, expected: tuple[float, str | None]) -> None:
    assert parse_cell(text) == expected


def test_a_huge_cell_is_quoted_as_a_short_excerpt() -> None:
    cell = "7" + " 7" * 20_000_000  # 40 MB of text in a figure cell
    with pytest.raises(CellError) as info:
        parse_cell(cell)
    assert len(str(info.value)) < 200
    assert "(40,000,001 characters)" in str(info.value)


def _monthly_with(cell: str) -> tuple[bytes, int, str]:
    """A synthetic monthly CSV whose second data row, third column holds ``cell``."""
    made = monthly_csv("D", date(2025, 4, 1), 4)
    rows = list(csv.reader(io.StringIO(made.data.decode("utf-8"))))
    rows[2][2] = cell
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("utf-8"), 3, "C"


@pytest.mark.parametrize("text", [*WRONG[:4], "1e400"])
def test_csv_figure_cell_is_a_parse_error_naming_the_cell(text: str) -> None:
    data, row, column = _monthly_with(text)
    with pytest.raises(ParseError) as info:
        hmcts_data.read("monthly", data)
    err = info.value
    assert (err.row, err.column) == (row, column)
    assert err.file is not None
    assert repr(text) in str(err)


def test_a_good_csv_still_reads() -> None:
    data, _, _ = _monthly_with("1 234")
    frame = hmcts_data.read("monthly", data)
    assert 1234.0 in frame["value"].tolist()


@pytest.mark.parametrize("text", ["2.5 7", "146923 [p] 5", "1e400"])
def test_xlsx_text_cell_is_a_parse_error_naming_sheet_and_cell(text: str) -> None:
    book = _bombs.xlsx(
        {"A1": "Week ending", "B1": "Hearings", "A2": "12/04/2020", "B2": "5", "A3": "19/04/2020"}
        | {"B3": text},
        sheet="Hearings",
    )
    table = hmcts_data.read_tables(book, name="h.xlsx")[0]
    with pytest.raises(ParseError) as info:
        table.to_tidy(Provenance("ad-hoc", "h.xlsx", "0" * 64))
    err = info.value
    assert (err.file, err.sheet, err.row, err.column) == ("h.xlsx", "Hearings", 3, "B")
    assert repr(text) in str(err)


def test_xlsx_with_a_40_mb_figure_cell_gives_a_short_message() -> None:
    book = _bombs.xlsx(
        {"A1": "Week ending", "B1": "Hearings", "A2": "12/04/2020", "B2": "5 " * 2_000_000},
        sheet="Hearings",
    )
    with pytest.raises(ParseError) as info:
        hmcts_data.read("ad-hoc", book)
    assert len(str(info.value)) < 600


def test_messages_quoting_a_huge_header_or_label_stay_short() -> None:
    huge = "H" * 100_000
    data = f"Month,{huge},{huge}x\nApr 2024,1,2\n".encode()
    with pytest.raises(ParseError) as info:
        hmcts_data.read("monthly", data)
    assert len(str(info.value)) < 1000
    assert "(100,000 characters)" in str(info.value)
    titled = f"{huge}\n\nSomething,Hearings\nx,5\n".encode()
    table = hmcts_data.read_tables(titled)[0]
    with pytest.raises(ParseError) as info:
        table.to_tidy(Provenance("ad-hoc", "t.csv", "0" * 64))
    assert len(str(info.value)) < 1000
