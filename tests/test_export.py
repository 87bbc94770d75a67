from __future__ import annotations

import json
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pandas as pd
import pytest

import hmcts_data
from hmcts_data import ConfigurationError, MissingDependencyError, NotFoundError, ParseError
from hmcts_data._export import WRITERS, read_duckdb, read_parquet, to_duckdb, to_parquet, write
from hmcts_data.tables._schema import ColumnSpec, Provenance, melt_wide, tidy_dtypes, validate_tidy
from hmcts_data.testing import synthetic_tidy


def _workbook_frame() -> pd.DataFrame:
    """A release read from a workbook: sheet and URL known, publication date unknown (NaT),
    an unknown label (null jurisdiction and measure), percentages and every kind of marker."""
    periods = [(date(2024, 3, 1), date(2024, 3, 31)), (date(2024, 4, 1), date(2024, 4, 30))]
    columns = [
        ColumnSpec("Probate receipts", "probate", "receipts", "", "cases", ["1,234", "[c]"]),
        ColumnSpec("Digital share", "divorce", "receipts", "digital", "percent", ["87.5%", ""]),
        ColumnSpec("A header nobody knows", None, None, "", "cases", ["..", "12 [r]"]),
    ]
    provenance = Provenance(
        publication="reformed-services",
        source_file="reformed.xlsx",
        sha256="a" * 64,
        sheet="Table 1",
        source_url="https://assets.publishing.service.gov.uk/media/x/reformed.xlsx",
    )
    return melt_wide(periods, columns, provenance)


@pytest.fixture
def frame() -> pd.DataFrame:
    combined = pd.concat(
        [synthetic_tidy(["2024-03", "2024-04"], window=4), _workbook_frame()], ignore_index=True
    )
    combined = validate_tidy(combined)
    # Guard: the frame must exercise every dtype hazard the round trip claims to survive.
    assert combined["value"].isna().any()
    assert combined["published"].isna().any()
    assert combined["published"].notna().any()
    assert combined["source_sheet"].isna().any()
    assert combined["source_sheet"].notna().any()
    assert combined["jurisdiction"].isna().any()
    assert combined["marker"].isna().any()
    assert combined["marker"].notna().any()
    assert combined["unit"].nunique() < len(combined["unit"].cat.categories)  # unused categories
    return combined


def test_parquet_round_trip_is_equal(frame: pd.DataFrame, tmp_path: Path) -> None:
    path = to_parquet(frame, tmp_path / "mi.parquet")
    back = read_parquet(path)
    pd.testing.assert_frame_equal(back, frame, check_exact=True)
    # Categories come back with the whole vocabulary, not only the values present.
    assert list(back["jurisdiction"].cat.categories) == list(
        tidy_dtypes()["jurisdiction"].categories
    )
    assert str(back["published"].dtype) == "datetime64[ns, UTC]"


def test_duckdb_round_trip_is_equal_via_path_and_connection(
    frame: pd.DataFrame, tmp_path: Path
) -> None:
    db = tmp_path / "mi.duckdb"
    assert to_duckdb(frame, db) == "hmcts"
    pd.testing.assert_frame_equal(read_duckdb(db, "hmcts"), frame, check_exact=True)

    con = duckdb.connect()
    try:
        to_duckdb(frame, con, "mi")
        pd.testing.assert_frame_equal(read_duckdb(con, "mi"), frame, check_exact=True)
        # SQL sees the vocabulary as the column type, not just the values present.
        column_type = con.execute(
            "SELECT data_type FROM information_schema.columns "
            "WHERE table_name = 'mi' AND column_name = 'unit'"
        ).fetchone()
        assert column_type is not None
        for unit in tidy_dtypes()["unit"].categories:
            assert f"'{unit}'" in column_type[0]
    finally:
        con.close()


def test_extra_columns_survive_after_the_tidy_ones(frame: pd.DataFrame, tmp_path: Path) -> None:
    frame = frame.assign(note=pd.array(["x"] * len(frame), dtype="string"))
    back = read_parquet(to_parquet(frame, tmp_path / "extra.parquet"))
    assert list(back.columns) == list(frame.columns)
    pd.testing.assert_frame_equal(back, frame, check_exact=True)


def test_a_frame_that_is_not_tidy_comes_back_as_written(tmp_path: Path) -> None:
    small = pd.DataFrame({"jurisdiction": ["civil", "nowhere"], "n": [1, 2]})
    back = read_parquet(to_parquet(small, tmp_path / "small.parquet"))
    pd.testing.assert_frame_equal(back, small)


def test_duckdb_if_exists(frame: pd.DataFrame, tmp_path: Path) -> None:
    db = tmp_path / "mi.duckdb"
    to_duckdb(frame, db)
    with pytest.raises(ConfigurationError, match="already exists"):
        to_duckdb(frame, db)
    to_duckdb(frame, db, if_exists="append")
    assert len(read_duckdb(db)) == 2 * len(frame)
    to_duckdb(frame.head(5), db, if_exists="replace")
    assert len(read_duckdb(db)) == 5
    with pytest.raises(ConfigurationError, match="if_exists"):
        to_duckdb(frame, db, if_exists="merge")  # type: ignore[arg-type]


def test_failed_duckdb_append_writes_nothing(frame: pd.DataFrame, tmp_path: Path) -> None:
    db = tmp_path / "mi.duckdb"
    to_duckdb(frame, db)
    with pytest.raises(ConfigurationError, match="Nothing was written"):
        to_duckdb(pd.DataFrame({"no_such_column": [1]}), db, if_exists="append")
    assert len(read_duckdb(db)) == len(frame)


def test_read_duckdb_unknown_table_suggests(frame: pd.DataFrame, tmp_path: Path) -> None:
    db = tmp_path / "mi.duckdb"
    to_duckdb(frame, db)
    with pytest.raises(NotFoundError) as info:
        read_duckdb(db, "hmtcs")
    assert info.value.suggestions == ("hmcts",)
    with pytest.raises(ParseError, match="No such DuckDB database"):
        read_duckdb(tmp_path / "absent.duckdb")
    with pytest.raises(ConfigurationError, match="DuckDB connection or a database path"):
        read_duckdb(42)


def test_read_parquet_errors_name_the_file(frame: pd.DataFrame, tmp_path: Path) -> None:
    with pytest.raises(ParseError, match="No such Parquet file"):
        read_parquet(tmp_path / "absent.parquet")
    junk = tmp_path / "junk.parquet"
    junk.write_text("not parquet", encoding="utf-8")
    with pytest.raises(ParseError, match=r"junk\.parquet") as info:
        read_parquet(junk)
    assert info.value.file == str(junk)
    # A file with the tidy columns but a value outside the vocabulary is refused, not coerced.
    bad = frame.astype({"jurisdiction": "object"})
    bad.loc[0, "jurisdiction"] = "atlantis"
    path = to_parquet(bad, tmp_path / "bad.parquet")
    with pytest.raises(ParseError, match=r"atlantis.*bad\.parquet"):
        read_parquet(path)


def test_failed_write_leaves_no_file_and_keeps_the_old_one(tmp_path: Path) -> None:
    unconvertible = pd.DataFrame({"mixed": [object(), object()]})
    target = tmp_path / "new.parquet"
    with pytest.raises(Exception, match="object"):
        to_parquet(unconvertible, target)
    assert list(tmp_path.iterdir()) == []

    old = tmp_path / "old.parquet"
    to_parquet(pd.DataFrame({"a": [1]}), old)
    before = old.read_bytes()
    with pytest.raises(Exception, match="object"):
        to_parquet(unconvertible, old)
    assert old.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.parquet"]


@pytest.mark.parametrize(
    ("module", "call", "extra"),
    [
        ("pyarrow", lambda p: to_parquet(pd.DataFrame({"a": [1]}), p / "x.parquet"), "parquet"),
        ("pyarrow", lambda p: read_parquet(p / "x.parquet"), "parquet"),
        ("duckdb", lambda p: to_duckdb(pd.DataFrame({"a": [1]}), p / "x.duckdb"), "duckdb"),
        ("duckdb", lambda p: read_duckdb(p / "x.duckdb"), "duckdb"),
        ("duckdb", lambda p: write(pd.DataFrame({"a": [1]}), p / "x.duckdb"), "duckdb"),
    ],
)
def test_missing_extra_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, module: str, call: object, extra: str
) -> None:
    # None in sys.modules makes the import fail as if the package were not installed.
    for name in list(sys.modules):
        if name == module or name.startswith(module + "."):
            monkeypatch.setitem(sys.modules, name, None)
    monkeypatch.setitem(sys.modules, module, None)
    with pytest.raises(MissingDependencyError) as info:
        call(tmp_path)  # type: ignore[operator]
    assert isinstance(info.value, ImportError)
    assert f'pip install "hmcts-data[{extra}]"' in str(info.value)
    assert info.value.extra == extra
    assert list(tmp_path.iterdir()) == []


def test_write_csv_keeps_figures_dates_and_markers(frame: pd.DataFrame, tmp_path: Path) -> None:
    path = write(frame, tmp_path / "out" / "mi.csv")
    text = path.read_text(encoding="utf-8")
    back = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert list(back.columns) == list(frame.columns)
    assert len(back) == len(frame)
    # Figures as published: integers without ".0", percentages with their decimals.
    expected = [
        "" if pd.isna(v) else (str(int(v)) if float(v).is_integer() else str(v))
        for v in frame["value"]
    ]
    assert back["value"].tolist() == expected
    assert back["period_start"].tolist() == [f"{d:%Y-%m-%d}" for d in frame["period_start"]]
    assert back["marker"].tolist() == frame["marker"].fillna("").tolist()
    assert ".0," not in text


@pytest.mark.parametrize("suffix", [".json", ".jsonl"])
def test_write_json_records(frame: pd.DataFrame, tmp_path: Path, suffix: str) -> None:
    path = write(frame, tmp_path / f"mi{suffix}")
    text = path.read_text(encoding="utf-8")
    records = json.loads(text) if suffix == ".json" else [json.loads(x) for x in text.splitlines()]
    assert len(records) == len(frame)
    first_missing = int(frame.index[frame["value"].isna()][0])
    assert records[first_missing]["value"] is None
    assert records[first_missing]["marker"] == frame.loc[first_missing, "marker"]
    published = frame["published"].dropna().iloc[0]
    assert any(r["published"] == published.strftime("%Y-%m-%dT%H:%M:%SZ") for r in records)


def test_write_parquet_and_duckdb_round_trip(frame: pd.DataFrame, tmp_path: Path) -> None:
    pd.testing.assert_frame_equal(read_parquet(write(frame, tmp_path / "a.parquet")), frame)
    db = write(frame, tmp_path / "a.duckdb")
    pd.testing.assert_frame_equal(read_duckdb(db, "hmcts"), frame)


def test_write_duckdb_into_an_existing_database_keeps_other_tables(
    frame: pd.DataFrame, tmp_path: Path
) -> None:
    db = tmp_path / "mine.duckdb"
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE mine AS SELECT 42 AS answer")
    con.close()
    write(frame, db)
    write(frame.head(3), db)  # replaces our table only
    assert len(read_duckdb(db, "hmcts")) == 3
    assert read_duckdb(db, "mine")["answer"].tolist() == [42]


def test_write_refuses_unknown_suffix(frame: pd.DataFrame, tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match=r"\.xlsx.*\.csv"):
        write(frame, tmp_path / "mi.xlsx")
    with pytest.raises(ConfigurationError, match="none"):
        write(frame, tmp_path / "mi")
    assert list(tmp_path.iterdir()) == []
    assert set(WRITERS) == {".csv", ".json", ".jsonl", ".parquet", ".arrow", ".feather", ".duckdb"}


def test_top_level_names_are_the_export_functions() -> None:
    assert hmcts_data.write is write
    assert hmcts_data.to_parquet is to_parquet
    assert hmcts_data.read_duckdb is read_duckdb


def test_synthetic_frame_is_deterministic_and_labelled() -> None:
    a = synthetic_tidy(["2024-04"], window=2, seed=3)
    pd.testing.assert_frame_equal(a, synthetic_tidy(["2024-04"], window=2, seed=3))
    assert not a["value"].equals(synthetic_tidy(["2024-04"], window=2, seed=4)["value"])
    assert a["source_file"].str.contains("SYNTHETIC").all()
    assert a["published"].iloc[0] == datetime(2024, 5, 10, 9, 30, tzinfo=UTC)
    with pytest.raises(ConfigurationError, match="2024-13"):
        synthetic_tidy(["2024-13"])
    with pytest.raises(ConfigurationError, match="window"):
        synthetic_tidy(window=0)
