from __future__ import annotations

import hashlib
import itertools
from datetime import date

import pandas as pd
import pytest

import hmcts_data
from hmcts_data import ParseError
from hmcts_data.tables._schema import Provenance
from hmcts_data.tables._vintages import REVISION_COLUMNS, latest_series, revisions
from hmcts_data.tables.monthly import parse
from hmcts_data.testing._monthly_files import (
    MonthlyFile,
    era_headers,
    monthly_csv,
    monthly_releases,
)


def _frame(made: MonthlyFile, name: str | None = None) -> pd.DataFrame:
    prov = Provenance("monthly", name or made.filename, hashlib.sha256(made.data).hexdigest())
    return parse(made.data, prov).frame()


@pytest.fixture(scope="module")
def releases() -> list[MonthlyFile]:
    return monthly_releases("D", date(2025, 1, 1), 3, seed=11, revise_share=0.4)


@pytest.fixture(scope="module")
def stacked(releases: list[MonthlyFile]) -> pd.DataFrame:
    # Newest first, so nothing depends on the order frames are stacked in.
    return pd.concat([_frame(f, f"r{i}.csv") for i, f in reversed(list(enumerate(releases)))])


def _cells(made: MonthlyFile) -> dict[tuple[int, date], float | None]:
    return {(c.position, c.period_start): c.value for c in made.expected}


def test_latest_keeps_the_newest_release(
    releases: list[MonthlyFile], stacked: pd.DataFrame
) -> None:
    latest = latest_series(stacked)
    months = {c.period_start for f in releases for c in f.expected}
    assert len(latest) == 59 * len(months)
    # Expected: for each month, the value in the newest release that covers it.
    newest: dict[tuple[str, date], tuple[str, float | None]] = {}
    for made in releases:
        release = f"{made.last_month:%Y-%m}"
        for c in made.expected:
            newest[(c.label, c.period_start)] = (release, c.value)
    got = {
        (label, start.date()): (release, None if pd.isna(v) else float(v))
        for label, start, release, v in zip(
            latest["source_label"],
            latest["period_start"],
            latest["release"],
            latest["value"],
            strict=True,
        )
    }
    assert got == newest


def test_latest_does_not_merge_different_measures(stacked: pd.DataFrame) -> None:
    latest = latest_series(stacked)
    key = ["jurisdiction", "measure", "breakdown", "period_start"]
    assert not latest.duplicated(subset=key).any()
    both_totals = latest[latest["breakdown"].isin(["total_of_status_split", "total_of_age_bands"])]
    assert len(both_totals) == 2 * latest["period_start"].nunique()


def test_key_ignores_the_published_header() -> None:
    # Era A and era A' name civil receipts differently; the figure is the same.
    old = monthly_csv("A", date(2019, 4, 1), lambda p, label, m: 10.0)
    new = monthly_csv("A'", date(2019, 5, 1), lambda p, label, m: 11.0)
    stacked = pd.concat([_frame(old), _frame(new)])
    latest = latest_series(stacked)
    civil = latest[(latest["jurisdiction"] == "civil") & (latest["measure"] == "receipts")]
    assert len(civil) == 14
    assert set(civil["source_label"]) == {"CIVIL_ISSUED", "CIVIL_CLAIMS_RECEIVED"}
    assert set(civil.loc[civil["release"] == "2019-05", "value"]) == {11.0}
    changed = revisions(stacked)
    civil_changes = changed[
        (changed["jurisdiction"] == "civil") & (changed["measure"] == "receipts")
    ]
    assert len(civil_changes) == 12  # the 12 shared months, revised from 10 to 11


def test_skip_missing_falls_back_to_an_older_value() -> None:
    def older(position: int, label: str, month: date) -> float | None:
        return 5.0

    def newer(position: int, label: str, month: date) -> float | None:
        return None if month == date(2024, 6, 1) and position == 1 else 6.0

    stacked = pd.concat(
        [
            _frame(monthly_csv("D", date(2025, 4, 1), older)),
            _frame(monthly_csv("D", date(2025, 5, 1), newer)),
        ]
    )
    default = latest_series(stacked)
    pick = default[
        (default["source_label"] == "Civil Claims received")
        & (default["period_start"] == pd.Timestamp(2024, 6, 1))
    ]
    assert pick["value"].isna().all()
    assert pick["release"].tolist() == ["2025-05"]
    fallback = latest_series(stacked, skip_missing=True)
    pick = fallback[
        (fallback["source_label"] == "Civil Claims received")
        & (fallback["period_start"] == pd.Timestamp(2024, 6, 1))
    ]
    assert pick["value"].tolist() == [5.0]
    assert pick["release"].tolist() == ["2025-04"]


def test_revisions_match_the_generated_changes(
    releases: list[MonthlyFile], stacked: pd.DataFrame
) -> None:
    changes = revisions(stacked)
    assert tuple(changes.columns) == REVISION_COLUMNS
    expected: dict[tuple[int, date, str], tuple[str, float | None, float | None]] = {}
    for older, newer in itertools.pairwise(releases):
        before = _cells(older)
        for (position, month), value in _cells(newer).items():
            if (position, month) not in before:
                continue
            old = before[(position, month)]
            if old == value:
                continue
            kind = (
                "revised"
                if old is not None and value is not None
                else ("filled" if value is not None else "withdrawn")
            )
            expected[(position, month, f"{newer.last_month:%Y-%m}")] = (kind, old, value)
    position_of = {label: i for i, label in enumerate(era_headers("D"))}
    got = {
        (position_of[label], start.date(), new_release): (
            kind,
            None if pd.isna(old) else float(old),
            None if pd.isna(new) else float(new),
        )
        for label, start, new_release, kind, old, new in zip(
            changes["source_label"],
            changes["period_start"],
            changes["new_release"],
            changes["kind"],
            changes["old_value"],
            changes["new_value"],
            strict=True,
        )
    }
    assert got == expected
    assert {k for k, _, _ in expected.values()} >= {"revised", "filled"}


def test_change_is_exact_and_releases_are_consecutive(stacked: pd.DataFrame) -> None:
    changes = revisions(stacked)
    revised = changes[changes["kind"] == "revised"]
    for old, new, change in zip(
        revised["old_value"], revised["new_value"], revised["change"], strict=True
    ):
        assert change == pytest.approx(new - old, abs=1e-9)
    assert changes.loc[changes["kind"] != "revised", "change"].isna().all()
    pairs = set(zip(changes["old_release"], changes["new_release"], strict=True))
    assert pairs <= {("2025-01", "2025-02"), ("2025-02", "2025-03")}


def test_decimal_change_has_no_float_noise() -> None:
    a = monthly_csv("D", date(2025, 4, 1), lambda p, label, m: 90.1)
    b = monthly_csv("D", date(2025, 5, 1), lambda p, label, m: 90.2)
    changes = revisions(pd.concat([_frame(a), _frame(b)]))
    assert set(changes["change"]) == {0.1}


def test_same_file_twice_is_harmless(releases: list[MonthlyFile]) -> None:
    one = _frame(releases[0])
    doubled = pd.concat([one, one])
    assert len(latest_series(doubled)) == len(one)
    assert revisions(doubled).empty


def test_conflicting_copies_of_one_release_are_refused() -> None:
    a = monthly_csv("D", date(2025, 4, 1), lambda p, label, m: 1.0)
    b = monthly_csv("D", date(2025, 4, 1), lambda p, label, m: 2.0)
    stacked = pd.concat([_frame(a, "a.csv"), _frame(b, "b.csv")])
    with pytest.raises(ParseError, match=r"Release 2025-04 gives two different values.*a\.csv"):
        latest_series(stacked)
    with pytest.raises(ParseError, match="loaded twice"):
        revisions(stacked)


def test_unknown_columns_are_kept_apart() -> None:
    made = monthly_csv("D", date(2025, 4, 1), lambda p, label, m: 3.0)
    lines = made.data.decode().split("\n")
    lines[0] += ",Mystery one,Mystery two"
    for i in range(1, 14):
        lines[i] += ",1,2"
    data = "\n".join(lines).encode()
    prov = Provenance("monthly", "m.csv", hashlib.sha256(data).hexdigest())
    with pytest.warns(UserWarning, match="Mystery one"):
        frame = parse(data, prov, on_unknown="keep").frame()
    latest = latest_series(frame)
    assert len(latest) == len(frame)
    assert set(latest.loc[latest["source_label"] == "Mystery two", "value"]) == {2.0}


def test_not_a_tidy_frame() -> None:
    with pytest.raises(ParseError, match="Not a tidy"):
        latest_series(pd.DataFrame({"value": [1.0]}))


def test_revisions_is_exported() -> None:
    assert hmcts_data.revisions is revisions
