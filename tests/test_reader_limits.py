"""A reader that measures before it allocates (issue 12 item 2).

Crafted workbooks of a few KB whose filled cells span an absurd range used to abort the
interpreter inside the engine (SIGABRT) or take gigabytes in the grid. They are read here in a
subprocess under a memory limit and a timeout, so a regression kills the child, not the test
run; the refusal must be a ParseError naming file and sheet, within bounded memory and time.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import hmcts_data
from hmcts_data import ParseError
from hmcts_data.tables import _extent
from hmcts_data.tables._extent import MAX_CELLS, MAX_COLUMNS, MAX_ROWS
from hmcts_data.tables._workbook import read_sheets
from tests import _bombs

_LIMIT_BYTES = 1536 * 1024 * 1024  # address space for the child: interpreter + pandas + slack
_TIMEOUT_S = 120  # generous: 2 cores shared by several workers

_CHILD = textwrap.dedent(
    """
    import resource, sys, warnings
    limit = int(sys.argv[2])
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    warnings.simplefilter("ignore")
    import hmcts_data
    from hmcts_data.tables._workbook import read_sheets
    import os
    path = sys.argv[1]
    name = os.path.basename(path)
    data = open(path, "rb").read()
    for label, call in (
        ("read_tables", lambda: hmcts_data.read_tables(data, name=name)),
        ("monthly", lambda: hmcts_data.read("monthly", path)),
        ("sheets", lambda: read_sheets(data, name=name)),
    ):
        try:
            call()
        except hmcts_data.ParseError as exc:
            print(label, "ParseError", exc.file, exc.sheet, str(exc).replace(chr(10), " "))
        else:
            print(label, "read")
    # Peak resident memory of this process image (ru_maxrss would include the forked parent).
    with open("/proc/self/status") as status:
        peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    print("maxrss_mb", peak // 1024)
    """
)

_BOMBS = {
    "a1-and-xfd1048576.xlsx": lambda: _bombs.xlsx({"A1": "Month", "XFD1048576": "1"}),
    "xfd1048576.xlsx": lambda: _bombs.xlsx({"XFD1048576": "1"}),
    "a1-and-xfd6000.xlsx": lambda: _bombs.xlsx({"A1": "Month", "XFD6000": "1"}),
    "repeated-16384x1000.ods": lambda: _bombs.ods_repeated(16384, 1000),
}


@pytest.mark.parametrize("filename", sorted(_BOMBS))
def test_crafted_range_is_refused_in_bounded_memory(tmp_path: Path, filename: str) -> None:
    data = _BOMBS[filename]()
    assert len(data) < 2048  # a tiny file: the danger is the range, not the size
    path = tmp_path / filename
    path.write_bytes(data)
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(path), str(_LIMIT_BYTES)],
        capture_output=True,
        text=True,
        timeout=_TIMEOUT_S,
        check=False,
    )
    # A negative code is a signal (SIGABRT from the engine, SIGKILL): the interpreter died.
    assert done.returncode == 0, (done.returncode, done.stderr[-2000:])
    lines = dict(line.split(" ", 1) for line in done.stdout.splitlines())
    for label in ("read_tables", "monthly", "sheets"):
        outcome = lines[label]
        assert outcome.startswith(f"ParseError {filename} Data "), outcome
        assert "limits are" in outcome
        assert "column" in outcome
    assert int(lines["maxrss_mb"]) < 400


def _xlsx_with_table(extra: dict[str, str]) -> bytes:
    cells = {"A1": "Month", "B1": "Cases", "A2": "Apr 2024", "B2": "3", "A3": "May 2024"}
    cells["B3"] = "4"
    return _bombs.xlsx({**cells, **extra})


def _letters(column: int) -> str:
    out = ""
    while column:
        column, rest = divmod(column - 1, 26)
        out = chr(65 + rest) + out
    return out


def test_limits_are_far_above_real_tables_and_below_harm() -> None:
    # The monthly MI is 14 x 60; a formatted tables workbook a few hundred rows.
    assert MAX_ROWS >= 100_000
    assert MAX_COLUMNS >= 1_000
    assert MAX_CELLS <= 10_000_000  # tens of bytes a cell in the engine: a few hundred MB


def test_columns_limit_is_exact() -> None:
    edge = _letters(MAX_COLUMNS)
    sheets = read_sheets(_xlsx_with_table({f"{edge}1": "x"}), name="wide.xlsx")
    assert len(sheets[0].rows[0]) == MAX_COLUMNS
    beyond = _letters(MAX_COLUMNS + 1)
    with pytest.raises(ParseError, match=f"column {MAX_COLUMNS + 1:,}") as info:
        read_sheets(_xlsx_with_table({f"{beyond}1": "x"}), name="wider.xlsx")
    assert (info.value.file, info.value.sheet) == ("wider.xlsx", "Data")


def test_rows_and_cells_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ParseError, match=f"row {MAX_ROWS + 1:,}"):
        read_sheets(_xlsx_with_table({f"A{MAX_ROWS + 1}": "x"}), name="tall.xlsx")
    monkeypatch.setattr(_extent, "MAX_CELLS", 30)
    read_sheets(_xlsx_with_table({"C10": "x"}), name="ok.xlsx")  # 10 x 3 = 30
    with pytest.raises(ParseError, match="33 cells"):
        read_sheets(_xlsx_with_table({"C11": "x"}), name="big.xlsx")


def test_styled_empty_cells_and_the_dimension_claim_do_not_count() -> None:
    # Styled empty cells (and a <dimension> that claims the whole sheet) allocate nothing.
    data = _bombs.xlsx(
        {"A1": "Month", "B1": "Cases", "A2": "Apr 2024", "B2": "3"}, dimension="A1:XFD1048576"
    )
    (table,) = hmcts_data.read_tables(data, name="claims.xlsx")
    assert table.data.shape == (1, 2)


def test_cells_without_references_take_the_next_position() -> None:
    # No r= on cells: the position is implied, and still measured.
    cells = "".join("<c><v>1</v></c>" for _ in range(MAX_COLUMNS + 1))
    sheet = f'<sheetData><row r="1">{cells}</row></sheetData>'
    with pytest.raises(ParseError, match=f"column {MAX_COLUMNS + 1:,}"):
        _extent.check_extent(_replace_sheet(sheet), name="implied.xlsx", kind="xlsx")


@pytest.mark.parametrize(
    "cell",
    [
        '<c a="x>y" r="XFD1048576"><v>1</v></c>',  # a ">" inside a quoted attribute
        "<x:c r='XFD1048576'><x:v>1</x:v></x:c>",  # a prefixed element, single quotes
        '<c\tr="XFD1048576"><v>1</v></c>',  # a tab after the element name
        '<c r="XFD1048576"><!-- <c r="B1"> --><v>1</v></c>',  # a decoy cell in a comment
        '<c r="XFD1048576" t="str"><f>1+1</f></c>',  # a formula without a cached value
    ],
)
def test_hidden_references_are_still_found(cell: str) -> None:
    sheet = f'<sheetData><row r="1"><c r="A1"><v>1</v></c>{cell}</row></sheetData>'
    with pytest.raises(ParseError, match="column 16,384"):
        _extent.check_extent(_replace_sheet(sheet), name="hidden.xlsx", kind="xlsx")


def test_unreadable_reference_is_refused() -> None:
    sheet = '<sheetData><row r="1"><c r="&#88;FD1048576"><v>1</v></c></row></sheetData>'
    with pytest.raises(ParseError, match="not a cell address"):
        _extent.check_extent(_replace_sheet(sheet), name="odd.xlsx", kind="xlsx")


def _replace_sheet(xml: str) -> bytes:
    import io
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(_bombs.xlsx({"A1": "x"})))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            body = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                body = xml.encode()
            target.writestr(item.filename, body)
    return out.getvalue()


def test_ods_empty_repeats_do_not_count_but_filled_repeats_do() -> None:
    table = (
        '<table:table-row><table:table-cell office:value-type="string"><text:p>Month</text:p>'
        '</table:table-cell><table:table-cell office:value-type="string"><text:p>Cases'
        "</text:p></table:table-cell></table:table-row>"
        '<table:table-row><table:table-cell office:value-type="string"><text:p>Apr 2024'
        '</text:p></table:table-cell><table:table-cell office:value-type="float" '
        'office:value="3"><text:p>3</text:p></table:table-cell></table:table-row>'
    )
    tail = (
        '<table:table-row table:number-rows-repeated="1048574">'
        '<table:table-cell table:number-columns-repeated="16384"/></table:table-row>'
    )
    (found,) = hmcts_data.read_tables(_bombs.ods(table + tail), name="tail.ods")
    assert found.data.shape == (1, 2)
    filled = (
        f'<table:table-row table:number-rows-repeated="{MAX_ROWS}">'
        '<table:table-cell table:number-columns-repeated="3" office:value-type="float" '
        'office:value="1"/></table:table-row>'
    )
    with pytest.raises(ParseError, match=f"row {MAX_ROWS + 2:,} and column 3") as info:
        hmcts_data.read_tables(_bombs.ods(table + filled, sheet="Big"), name="rep.ods")
    assert info.value.sheet == "Big"


def test_ods_with_another_prefix_is_measured() -> None:
    rows = (
        '<t:table-row t:number-rows-repeated="10"><t:table-cell '
        't:number-columns-repeated="16384" office:value-type="string"><text:p>x</text:p>'
        "</t:table-cell></t:table-row>"
    )
    data = _bombs.ods(rows).replace(
        b'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"',
        b'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        b'xmlns:t="urn:oasis:names:tc:opendocument:xmlns:table:1.0"',
    )
    with pytest.raises(ParseError, match="column 16,384"):
        _extent.check_extent(data, name="prefixed.ods", kind="ods")
