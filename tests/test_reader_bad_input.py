from __future__ import annotations

import io
import time
import zipfile

import pytest
from odf.opendocument import OpenDocumentSpreadsheet
from odf.table import Table as OdsTable
from odf.table import TableCell, TableRow
from odf.text import P

from hmcts_data import ParseError
from hmcts_data.tables import _guard
from hmcts_data.tables._guard import MAX_RATIO, OLE2_MAGIC, RATIO_FLOOR_BYTES
from hmcts_data.tables._reader import read_tables
from tests import _table_fixtures as fx


def _small_xlsx() -> bytes:
    return fx.publication_workbook("ad-hoc", "openpyxl").data


def _replace_member(xlsx: bytes, name: str, content: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(xlsx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = content if item.filename == name else source.read(item.filename)
            target.writestr(item.filename, data, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def test_password_protected_workbook() -> None:
    # An encrypted OOXML file is an OLE2 container with an "EncryptedPackage" stream.
    fake = OLE2_MAGIC + b"\x00" * 504 + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 64
    with pytest.raises(ParseError, match="password-protected"):
        read_tables(fake, name="locked.xlsx")


def test_legacy_xls_is_refused() -> None:
    with pytest.raises(ParseError, match=r"\.xls\b"):
        read_tables(OLE2_MAGIC + b"\x00" * 600, name="old.xls")


def test_truncated_workbook() -> None:
    data = _small_xlsx()
    with pytest.raises(ParseError, match=r"corrupt|truncated") as info:
        read_tables(data[: len(data) // 2], name="half.xlsx")
    assert info.value.file == "half.xlsx"


def test_corrupt_member() -> None:
    data = bytearray(_small_xlsx())
    archive = zipfile.ZipFile(io.BytesIO(bytes(data)))
    info = archive.getinfo("xl/worksheets/sheet2.xml")
    # Flip bytes inside the compressed sheet: the CRC check must catch it.
    start = info.header_offset + 30 + len(info.filename) + len(info.extra) + 10
    for k in range(start, start + 20):
        data[k] ^= 0xFF
    with pytest.raises(ParseError, match="corrupt"):
        read_tables(bytes(data), name="flipped.xlsx")


def test_zip_bomb_is_refused_fast() -> None:
    size = RATIO_FLOOR_BYTES + (1 << 20)
    bomb_xml = b'<?xml version="1.0"?><worksheet>' + b" " * size + b"</worksheet>"
    bomb = _replace_member(_small_xlsx(), "xl/worksheets/sheet2.xml", bomb_xml)
    assert len(bomb) < size // MAX_RATIO  # tiny file, absurd inflated size
    started = time.perf_counter()
    with pytest.raises(ParseError, match="zip bomb"):
        read_tables(bomb, name="bomb.xlsx")
    assert time.perf_counter() - started < 2.0


def test_total_inflated_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_guard, "MAX_INFLATED_BYTES", 1000)
    with pytest.raises(ParseError, match="would inflate"):
        read_tables(_small_xlsx(), name="big.xlsx")


def test_lying_zip_directory_is_caught() -> None:
    data = bytearray(_small_xlsx())
    # Under-declare the inflated size in the central directory record (offset 24).
    central = bytes(data).rfind(b"xl/worksheets/sheet2.xml") - 46
    assert bytes(data[central : central + 4]) == b"PK\x01\x02"
    data[central + 24 : central + 28] = (10).to_bytes(4, "little")
    with pytest.raises(ParseError):
        read_tables(bytes(data), name="liar.xlsx")


def test_million_empty_rows_ods_is_fast() -> None:
    doc = OpenDocumentSpreadsheet()
    sheet = OdsTable(name="Data")
    for values in (["Month", "Cases"], ["Apr 2024", 3.0], ["May 2024", 4.0]):
        row = TableRow()
        for v in values:
            cell = (
                TableCell(valuetype="float", value=v)
                if isinstance(v, float)
                else TableCell(valuetype="string")
            )
            cell.addElement(P(text=str(v)))
            row.addElement(cell)
        sheet.addElement(row)
    empty = TableRow(numberrowsrepeated=1_000_000)
    empty.addElement(TableCell(numbercolumnsrepeated=1024))
    sheet.addElement(empty)
    doc.spreadsheet.addElement(sheet)
    buffer = io.BytesIO()
    doc.write(buffer)
    started = time.perf_counter()
    (table,) = read_tables(buffer.getvalue(), name="tall.ods")
    assert time.perf_counter() - started < 3.0
    assert table.data.shape == (2, 2)


def test_million_empty_rows_xlsx_is_fast() -> None:
    rows = "".join(f'<row r="{r}"><c r="A{r}" s="0"/></row>' for r in range(4, 1_000_004))
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>Month</t></is></c>'
        '<c r="B1" t="inlineStr"><is><t>Cases</t></is></c></row>'
        '<row r="2"><c r="A2" t="inlineStr"><is><t>Apr 2024</t></is></c>'
        '<c r="B2"><v>3</v></c></row>'
        '<row r="3"><c r="A3" t="inlineStr"><is><t>May 2024</t></is></c>'
        '<c r="B3"><v>4</v></c></row>'
        f"{rows}</sheetData></worksheet>"
    ).encode()
    data = _replace_member(_small_xlsx(), "xl/worksheets/sheet2.xml", sheet)
    started = time.perf_counter()
    (table,) = read_tables(data, name="tall.xlsx")
    assert time.perf_counter() - started < 5.0
    assert table.data.shape == (2, 2)
    assert table.sheet == "Data"


def test_hyperlink_cells_give_their_text() -> None:
    built = fx.legacy_xlsx()
    (table,) = read_tables(built.data)
    assert table.footnotes[-1] == "1. Figures for recent weeks are provisional."


def test_table_without_header_row() -> None:
    with pytest.raises(ParseError, match="without a header row") as info:
        read_tables(b"Table 1: counts\n1,2,3\n4,5,6\n", name="bare.csv")
    assert info.value.row == 2


def test_file_with_no_table() -> None:
    with pytest.raises(ParseError, match="no table of figures"):
        read_tables(b"Title\nSome text only\n", name="text.csv")
    cover_only = fx.write_sheets({"Cover": fx.COVER, "Notes": fx.NOTES}, "odf")
    with pytest.raises(ParseError, match="no table of figures") as info:
        read_tables(cover_only, name="cover.ods")
    assert "'Cover'" in str(info.value)


@pytest.mark.parametrize(
    ("data", "match"),
    [
        (b"", "empty"),
        (b"<!DOCTYPE html><html><body>Not found</body></html>", "HTML"),
        (b"%PDF-1.7 ...", "PDF"),
        (b"PK\x03\x04garbage", "corrupt|truncated"),
    ],
)
def test_not_a_spreadsheet(data: bytes, match: str) -> None:
    with pytest.raises(ParseError, match=match):
        read_tables(data, name="wrong")


def test_missing_path() -> None:
    with pytest.raises(ParseError, match="No such file"):
        read_tables("/nonexistent/file.csv")


def test_table_not_starting_in_a1_keeps_sheet_coordinates() -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws["C3"] = "Month"
    ws["D3"] = "Cases"
    ws["C4"] = "Apr 2024"
    ws["D4"] = "[x]"
    buffer = io.BytesIO()
    wb.save(buffer)
    (table,) = read_tables(buffer.getvalue())
    assert table.first_column == 2
    assert [(m.row, m.column) for m in table.markers] == [(4, "D")]


def test_read_sheets_is_hardened_too() -> None:
    from hmcts_data.tables._workbook import read_sheets

    size = RATIO_FLOOR_BYTES + (1 << 20)
    bomb_xml = b"<worksheet>" + b" " * size + b"</worksheet>"
    bomb = _replace_member(_small_xlsx(), "xl/worksheets/sheet2.xml", bomb_xml)
    with pytest.raises(ParseError, match="zip bomb"):
        read_sheets(bomb, name="bomb.xlsx")
    locked = OLE2_MAGIC + b"\x00" * 504 + "EncryptedPackage".encode("utf-16-le")
    with pytest.raises(ParseError, match="password-protected"):
        read_sheets(locked, name="locked.xlsx")


_UTF16 = "Week ending,Hearings\n12/04/2020,5\n".encode("utf-16")


@pytest.mark.parametrize(
    "data",
    [
        _UTF16 + b"\x00",  # one stray byte: an odd length
        _UTF16 + "\ud800".encode("utf-16-le", "surrogatepass") + "1\n".encode("utf-16-le"),
    ],
    ids=["stray-byte", "lone-surrogate"],
)
def test_damaged_utf16_is_a_parse_error(data: bytes) -> None:
    import hmcts_data

    assert read_tables(_UTF16, name="ok.csv")[0].columns == ("Week ending", "Hearings")
    with pytest.raises(ParseError, match="not valid UTF-16") as info:
        read_tables(data, name="h.csv")
    assert info.value.file == "h.csv"
    with pytest.raises(ParseError, match="not valid UTF-16"):
        hmcts_data.read("monthly", data)
