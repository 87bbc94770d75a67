"""Confirmation across releases: inferred mappings must agree with the series they join."""

from __future__ import annotations

import warnings
from datetime import date

import pandas as pd
import pytest

import hmcts_data
from hmcts_data.tables._confirm import confirm_inferred
from hmcts_data.testing._monthly_files import MonthlyFile, monthly_releases
from hmcts_data.testing._reworded import REWORDED_D, reword_headers


def _read(data: bytes) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return hmcts_data.read("monthly", data)


def _swap(data: bytes, first: str, second: str) -> bytes:
    header, _, rest = data.partition(b"\n")
    a, b = REWORDED_D[first].encode(), REWORDED_D[second].encode()
    header = header.replace(a, b"\0").replace(b, a).replace(b"\0", b)
    return header + b"\n" + rest


@pytest.fixture(scope="module")
def runs() -> list[MonthlyFile]:
    return monthly_releases("D", date(2025, 2, 1), 3, seed=11)


def test_a_reworded_release_that_agrees_is_kept(runs: list[MonthlyFile]) -> None:
    frames = [_read(r.data) for r in runs[:-1]] + [_read(reword_headers(runs[-1].data))]
    every = pd.concat(frames, ignore_index=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no demotion warning
        out = confirm_inferred(every)
    assert out is every
    newest = every[every["release"] == "2025-04"]
    assert (newest["mapping"] == "inferred").sum() == 13 * len(REWORDED_D)
    # revisions() sees one series across the rewording: only real revisions, no new figures.
    changes = hmcts_data.revisions(every)
    assert changes["source_label"].isin(list(REWORDED_D.values())).any()


def test_a_mapping_that_disagrees_is_demoted_with_a_warning(runs: list[MonthlyFile]) -> None:
    # Receipts and disposals swapped in the reworded header: each reads as the other series.
    wrong = _swap(
        reword_headers(runs[-1].data),
        "Employment Tribunal Receipts",
        "Employment Tribunal Disposals",
    )
    every = pd.concat([_read(runs[0].data), _read(runs[1].data), _read(wrong)], ignore_index=True)
    with pytest.warns(UserWarning, match="demoted to unmapped") as record:
        out = confirm_inferred(every)
    demoted = {str(w.message).split("'")[1] for w in record if "demoted" in str(w.message)}
    assert demoted == {
        REWORDED_D["Employment Tribunal Receipts"],
        REWORDED_D["Employment Tribunal Disposals"],
    }
    rows = out[out["source_label"].isin(demoted)]
    assert rows["jurisdiction"].isna().all()
    assert rows["mapping"].isna().all()
    assert rows["value"].equals(every.loc[rows.index, "value"])  # figures kept
    hmcts_data.tables._schema.validate_tidy(out)
    # series() and load(all)-style frames go through the same check.
    with pytest.warns(UserWarning, match="demoted"):
        receipts = hmcts_data.series(
            frame=every, jurisdiction="employment_tribunal", measure="receipts"
        )
    assert set(receipts["release"]) <= {"2025-02", "2025-03"}


def _one_month(release: str, value: float, mapping: str) -> pd.DataFrame:
    from hmcts_data.tables._schema import ColumnSpec, Provenance, melt_wide

    label = "ET receipts" if mapping == "exact" else "Employment Tribunals - new cases"
    spec = ColumnSpec(
        label, "employment_tribunal", "receipts", "", "cases", [value], mapping=mapping
    )
    start = date(2021, 4, 1)
    return melt_wide(
        [(start, date(2021, 4, 30))],
        [spec],
        Provenance("monthly", f"{release}.csv", "0" * 64, release=release),
    )


@pytest.mark.parametrize(("newer", "kept"), [(1300.0, True), (1900.0, False)])
def test_a_provisional_only_overlap_allows_large_revisions(newer: float, kept: bool) -> None:
    # Two releases a year apart share one month, the latest (provisional) one of the older.
    every = pd.concat(
        [_one_month("2021-04", 1000.0, "exact"), _one_month("2022-04", newer, "inferred")],
        ignore_index=True,
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = confirm_inferred(every)
    assert (out["mapping"].iloc[1] == "inferred") is kept
    assert bool([w for w in caught if "provisional" in str(w.message)]) is not kept


def test_a_reference_release_loaded_twice_is_one_reference(runs: list[MonthlyFile]) -> None:
    # Every month of the reference twice (the same file stacked twice) must not break the rule.
    second = _read(runs[1].data)  # the reference the reworded release is compared with
    frames = [_read(runs[0].data), second, second, _read(reword_headers(runs[2].data))]
    every = pd.concat(frames, ignore_index=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # agrees: kept, no warning
        assert confirm_inferred(every) is every


def test_demotion_touches_only_the_demoted_rows_when_index_labels_repeat(
    runs: list[MonthlyFile],
) -> None:
    # pandas.concat without ignore_index: every release reuses the labels 0, 1, 2 ...
    wrong = _swap(
        reword_headers(runs[-1].data),
        "Employment Tribunal Receipts",
        "Employment Tribunal Disposals",
    )
    every = pd.concat([_read(runs[0].data), _read(runs[1].data), _read(wrong)])
    assert every.index.has_duplicates
    with pytest.warns(UserWarning, match="demoted to unmapped"):
        out = confirm_inferred(every)
    changed = out["mapping"].isna() & every["mapping"].notna()
    assert changed.sum() == 2 * 13
    assert set(out.loc[changed.to_numpy(), "release"]) == {"2025-04"}
    kept = ~changed.to_numpy()
    pd.testing.assert_frame_equal(out[kept], every[kept])
