from __future__ import annotations

from pathlib import Path

import pytest

from hmcts_data.tables._reader import read_tables

# (file, columns, data rows, cells holding a marker)
FILES = [
    ("HMCTS_raw_data_for_Apr18_to_Apr19.csv", 31, 13, 0),
    ("20210601_HMCTS_raw_data_for_Apr20_to_Apr21.csv", 59, 13, 0),
    ("HMCTS_Management_Information_April_2021_to_April_2022.xlsx", 59, 13, 2),
    ("HMCTS_MI_output_accessible__Apr2024-Apr2025.csv", 60, 13, 8),
]


@pytest.mark.parametrize(("name", "width", "rows", "markers"), FILES)
def test_real_monthly_files_read_as_one_table(
    real_samples: Path, name: str, width: int, rows: int, markers: int
) -> None:
    path = real_samples / name
    if not path.exists():
        pytest.skip(f"{name} not available")
    (table,) = read_tables(path)
    assert table.header_row == 1
    assert table.preamble == ()
    assert table.footnotes == ()
    assert len(table.columns) == width
    assert table.data.shape == (rows, width)
    assert table.columns[0].upper() == "MONTH"
    assert table.label_columns == ((0,) if not name.endswith(".xlsx") else table.label_columns)
    assert len(table.markers) == markers
    if name.endswith(".xlsx"):
        # Era C: "N/A" in AH14 and AP14 (legacy divorce applications, Apr 2022).
        assert [(m.row, m.column, m.marker) for m in table.markers] == [
            (14, "AH", "N/A"),
            (14, "AP", "N/A"),
        ]
    if name.startswith("HMCTS_MI_output"):
        assert {m.marker for m in table.markers} == {"NA"}
        assert {m.row for m in table.markers} == {14}


def test_era_b_duplicate_headers_survive(real_samples: Path) -> None:
    path = real_samples / "20210601_HMCTS_raw_data_for_Apr20_to_Apr21.csv"
    if not path.exists():
        pytest.skip("era B sample not available")
    (table,) = read_tables(path)
    assert table.columns[32] == table.columns[40] == "Decree Nisi pronounced"
    assert table.raw_columns[31] == "Applications received"  # whitespace normalised in labels
