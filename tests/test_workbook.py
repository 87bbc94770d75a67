from __future__ import annotations

import io
import zipfile
from datetime import date, datetime

import pytest

from hmcts_data import ParseError
from hmcts_data.tables._workbook import read_sheets, sniff_format
from tests.monthly_fixtures import ERA_C_HEADERS, era_c_cells, era_c_xlsx, ods_bytes


@pytest.fixture(scope="module")
def xlsx() -> bytes:
    return era_c_xlsx(era_c_cells(seed=1))


def test_sniff_by_content_not_name(xlsx: bytes) -> None:
    # Names lie (browsers rename downloads); only the bytes count.
    assert sniff_format(xlsx, name="download.csv") == "xlsx"
    assert sniff_format(ods_bytes(["Month", "x"], [["Apr 2024", 1]]), name="a.xlsx") == "ods"
    assert sniff_format(b"Month,x\r\nApr 2024,1\r\n", name="a.xlsx") == "csv"
    assert sniff_format(b"\xef\xbb\xbfMonth,x\nApr 2024,1\n", name="a") == "csv"


@pytest.mark.parametrize(
    ("data", "needle"),
    [
        (b"", "empty"),
        (b"  \r\n\t", "empty"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "password-protected"),
        (b"%PDF-1.7\n...", "PDF"),
        (b"<!DOCTYPE html><html><body>Page not found</body></html>", "HTML page"),
        (b"\xef\xbb\xbf\n   <html lang='en'>", "GOV.UK error page"),
        (b"\r\n<!doctype HTML>", "HTML"),
    ],
)
def test_sniff_rejects_what_is_not_data(data: bytes, needle: str) -> None:
    with pytest.raises(ParseError, match=needle) as info:
        sniff_format(data, name="release.csv")
    assert info.value.file == "release.csv"
    assert "release.csv" in str(info.value)


def test_zip_that_is_not_a_workbook() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(ParseError, match="neither an XLSX nor an ODS"):
        sniff_format(buf.getvalue(), name="x.zip")


@pytest.mark.parametrize("keep", [0.3, 0.6, 0.95])
def test_truncated_workbook_names_the_file(xlsx: bytes, keep: float) -> None:
    with pytest.raises(ParseError, match="truncated or corrupt") as info:
        read_sheets(xlsx[: int(len(xlsx) * keep)], name="HMCTS_MI.xlsx")
    assert info.value.file == "HMCTS_MI.xlsx"


def test_csv_keeps_duplicate_and_padded_headers_and_quoted_numbers() -> None:
    data = (
        b"MONTH,Applications received ,Applications received,ET_OUTSTANDING\r\n"
        b'01-Apr-20,4190,2487,"39,241"\r\n'
        b"01-May-20,,2,3\r\n"
    )
    (sheet,) = read_sheets(data, name="b.csv")
    assert sheet.name == "b.csv"
    assert sheet.rows[0] == [
        "MONTH",
        "Applications received ",
        "Applications received",
        "ET_OUTSTANDING",
    ]
    assert sheet.rows[1] == ["01-Apr-20", "4190", "2487", "39,241"]
    assert sheet.rows[2][1] is None  # an empty field is an empty cell


def test_csv_line_endings_and_encodings() -> None:
    lf = read_sheets(b"Month,x\nApr 2024,1\n", name="a.csv")[0].rows
    crlf = read_sheets(b"Month,x\r\nApr 2024,1\r\n", name="a.csv")[0].rows
    assert lf == crlf == [["Month", "x"], ["Apr 2024", "1"]]
    bom = read_sheets("\ufeffMonth,x\nApr 2024,1\n".encode(), name="a.csv")[0].rows
    assert bom[0][0] == "Month"
    cp1252 = read_sheets("Month,Cost \u00a3\nApr 2024,1\n".encode("cp1252"), name="a.csv")
    assert cp1252[0].rows[0][1] == "Cost \u00a3"


def test_xlsx_raw_cells(xlsx: bytes) -> None:
    (sheet,) = read_sheets(xlsx, name="c.xlsx")
    assert sheet.name == "in"
    assert tuple(sheet.rows[0]) == ERA_C_HEADERS
    first = sheet.rows[1][0]
    # The misread month comes back as a date (21 April 2022), not as text.
    assert isinstance(first, date | datetime)
    assert (first.year, first.month, first.day) == (2022, 4, 21)
    assert sheet.rows[13][4] is None  # empty cell
    assert sheet.rows[13][33] == "N/A"


def test_workbook_sheets_in_order() -> None:
    data = era_c_xlsx(era_c_cells(seed=2), extra_sheet=True)
    assert [s.name for s in read_sheets(data, name="c.xlsx")] == ["Notes", "in"]


def test_ods_cells() -> None:
    data = ods_bytes(["Month", "Civil Claims received"], [["Apr 2024", 146923], ["May 2024", None]])
    (sheet,) = read_sheets(data, name="d.ods")
    assert sheet.rows[0] == ["Month", "Civil Claims received"]
    assert sheet.rows[1][0] == "Apr 2024"
    assert float(sheet.rows[1][1]) == 146923  # type: ignore[arg-type]
    assert sheet.rows[2][1] is None


def test_utf16_csv_with_bom_is_read() -> None:
    data = "Month,Cost \u00a3\r\nApr 2024,1\r\n".encode("utf-16")
    assert sniff_format(data, name="u.csv") == "csv"
    assert read_sheets(data, name="u.csv")[0].rows == [["Month", "Cost \u00a3"], ["Apr 2024", "1"]]


def test_binary_that_is_not_text_is_refused() -> None:
    with pytest.raises(ParseError, match="binary data") as info:
        read_sheets(b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", name="logo.csv")
    assert info.value.file == "logo.csv"


def test_damaged_csv_names_the_row() -> None:
    # strict CSV: a quote closed in the middle of a field is damage, not data.
    data = b'Month,x\nApr 2024,1\nMay 2024,"2"3\n'
    with pytest.raises(ParseError, match="row 3") as info:
        read_sheets(data, name="d.csv")
    assert info.value.row == 3


def test_csv_rows_keep_their_published_width() -> None:
    # Trailing empty fields are part of a row; a row cut short stays short, so the monthly
    # parser can tell a damaged row from one with empty cells at its end.
    rows = read_sheets(b"Month,a,b\nApr 2024,1,\nMay 2024\n\n\n", name="w.csv")[0].rows
    assert rows == [["Month", "a", "b"], ["Apr 2024", "1", None], ["May 2024"]]


def test_read_sheets_and_read_tables_share_one_reader(xlsx: bytes) -> None:
    from hmcts_data.tables._grid import load_grids

    (sheet,) = read_sheets(xlsx, name="c.xlsx")
    (grid,) = load_grids(xlsx, name="c.xlsx")
    width = max(len(r) for r in grid.rows)
    assert sheet.name == grid.name
    assert sheet.rows == [[*r, *([None] * (width - len(r)))] for r in grid.rows]


def test_equal_figures_share_one_object_and_negative_zero_keeps_its_sign() -> None:
    import math

    import openpyxl

    from hmcts_data.tables._grid import load_grids

    book = openpyxl.Workbook()
    first = book.active
    assert first is not None
    first.append(["Month", "a", "b", "c", "d"])
    # A zero before the negative zero: sharing by value alone would hand -0.0 the +0.0 object.
    first.append(["Apr 2024", 1234.5, 1234.5, 0.0, -0.0])
    second = book.create_sheet("Two")
    second.append(["Month", "a"])
    second.append(["Apr 2024", 1234.5])
    buffer = io.BytesIO()
    book.save(buffer)
    one, two = load_grids(buffer.getvalue(), name="s.xlsx")
    row = one.rows[1]
    assert row[1] == row[2] == two.rows[1][1] == 1234.5
    # One object for the figure across cells and sheets: a large table costs 8 bytes a
    # repeated figure, not a new float each.
    assert row[1] is row[2] is two.rows[1][1]
    assert row[3] == row[4] == 0.0
    assert math.copysign(1.0, row[4]) == -1.0  # type: ignore[arg-type]
