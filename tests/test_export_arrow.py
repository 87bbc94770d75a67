"""Polars and Arrow: the tidy frame's types survive the trip there and back."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

import hmcts_data
from hmcts_data.testing import monthly_csv, synthetic_tidy

pa = pytest.importorskip("pyarrow")
pl = pytest.importorskip("polars")


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return synthetic_tidy(["2024-03", "2024-04"])


def test_arrow_keeps_the_types_and_round_trips(frame: pd.DataFrame) -> None:
    table = hmcts_data.to_arrow(frame)
    assert table.num_rows == len(frame)
    assert table.column_names == list(frame.columns)
    assert pa.types.is_dictionary(table.schema.field("jurisdiction").type)
    value = table.schema.field("value").type
    assert pa.types.is_float64(value)
    # A missing figure is null, not NaN.
    assert table.column("value").null_count == int(frame["value"].isna().sum()) > 0
    published = table.schema.field("published").type
    assert pa.types.is_timestamp(published)
    assert published.tz == "UTC"
    back = hmcts_data.from_arrow(table)
    pd.testing.assert_frame_equal(back, frame)


def test_polars_keeps_the_types_and_round_trips(frame: pd.DataFrame) -> None:
    df = hmcts_data.to_polars(frame)
    assert isinstance(df, pl.DataFrame)
    assert df.height == len(frame)
    assert df.schema["jurisdiction"] == pl.Categorical
    assert df.schema["value"] == pl.Float64
    assert df["value"].null_count() == int(frame["value"].isna().sum())
    assert df["value"].is_nan().sum() == 0
    assert df.schema["period_start"].is_temporal()
    assert getattr(df.schema["published"], "time_zone", None) == "UTC"
    # Usable as polars: the same count per jurisdiction as pandas gives.
    counts = df.group_by("jurisdiction").len().sort("jurisdiction")
    expected = frame.groupby("jurisdiction", observed=True).size()
    assert dict(zip(counts["jurisdiction"].to_list(), counts["len"].to_list(), strict=True)) == {
        str(k): int(v) for k, v in expected.items()
    }
    pd.testing.assert_frame_equal(hmcts_data.from_polars(df), frame)


def test_missing_polars_names_the_extra(
    frame: pd.DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "polars", None)
    with pytest.raises(hmcts_data.MissingDependencyError, match=r"hmcts-data\[polars\]"):
        hmcts_data.to_polars(frame)


@pytest.mark.parametrize("suffix", [".arrow", ".feather"])
def test_write_arrow_ipc_files_keep_the_types(
    frame: pd.DataFrame, tmp_path: Path, suffix: str
) -> None:
    target = tmp_path / f"mi{suffix}"
    assert hmcts_data.write(frame, target) == target
    table = pa.ipc.open_file(target).read_all()
    pd.testing.assert_frame_equal(hmcts_data.from_arrow(table), frame)
    assert pl.read_ipc(target).schema["jurisdiction"] == pl.Categorical


def test_cli_writes_arrow_by_suffix(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from hmcts_data.cli import main

    source = tmp_path / "mi.csv"
    source.write_bytes(monthly_csv("D", date(2025, 4, 1), 3).data)
    target = tmp_path / "tidy.arrow"
    assert main(["read", "monthly", str(source), "-o", str(target)]) == 0
    expected = hmcts_data.read("monthly", source)
    pd.testing.assert_frame_equal(
        hmcts_data.from_arrow(pa.ipc.open_file(target).read_all()), expected
    )
