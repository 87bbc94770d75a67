"""One decision per column across releases: the label and the figures as two witnesses."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import hmcts_data
from hmcts_data.tables._confirm import NOISE, compare, decide_mappings
from hmcts_data.tables._schema import validate_tidy
from hmcts_data.testing._monthly_files import MonthlyFile, monthly_releases
from hmcts_data.testing._reworded import (
    REWORDED_D,
    UNREADABLE_D,
    revise_whole_series,
    reword_headers,
)


def _read(data: bytes) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return hmcts_data.read("monthly", data)


def _quiet(frame: pd.DataFrame) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return decide_mappings(frame)


def _swap(data: bytes, first: str, second: str) -> bytes:
    header, _, rest = data.partition(b"\n")
    a, b = REWORDED_D[first].encode(), REWORDED_D[second].encode()
    header = header.replace(a, b"\0").replace(b, a).replace(b"\0", b)
    return header + b"\n" + rest


def _relabel(data: bytes, table: dict[str, str]) -> bytes:
    header, _, rest = data.partition(b"\n")
    cells = [table.get(c, c) for c in header.decode().split(",")]
    return ",".join(cells).encode() + b"\n" + rest


def _keys(frame: pd.DataFrame, release: str) -> pd.DataFrame:
    rows = frame[frame["release"] == release]
    return rows.groupby("source_label", sort=False)[
        ["jurisdiction", "measure", "breakdown", "mapping", "evidence"]
    ].first()


@pytest.fixture(scope="module")
def runs() -> list[MonthlyFile]:
    return monthly_releases("D", date(2025, 2, 1), 3, seed=11)


def test_compare_measures_level_and_direction() -> None:
    same = compare(np.array([100.0, 200.0, np.nan]), np.array([100.0, 201.0, 5.0]))
    assert same[1] == 2
    assert same[0] < NOISE
    assert not same[3]
    up = compare(np.array([110.0, 230.0, 330.0]), np.array([100.0, 200.0, 300.0]))
    assert up[3]
    assert 0.09 < up[0] < 0.14
    assert 0.09 < up[2] < 0.16
    assert compare(np.array([np.nan]), np.array([1.0]))[1] == 0


def test_a_reworded_release_that_agrees_is_kept_by_both_witnesses(
    runs: list[MonthlyFile],
) -> None:
    frames = [_read(r.data) for r in runs[:-1]] + [_read(reword_headers(runs[-1].data))]
    every = pd.concat(frames, ignore_index=True)
    out = _quiet(every)
    validate_tidy(out)
    got = _keys(out, "2025-04")
    truth = _keys(frames[-1].assign(source_label=_read(runs[-1].data)["source_label"]), "2025-04")
    reworded = got.loc[list(REWORDED_D.values())]
    assert (reworded["mapping"] == "inferred").all()
    assert set(reworded["evidence"]) == {"both"}
    # The two labels the grammar cannot tell apart are linked by their figures alone.
    unreadable = got.loc[list(UNREADABLE_D.values())]
    assert set(unreadable["evidence"]) == {"figures"}
    assert set(unreadable["breakdown"]) == {"total_of_status_split", "total_of_age_bands"}
    assert len(truth) == len(got)
    # One decision: deciding the decided frame changes nothing.
    assert _quiet(out) is out


def test_a_label_the_figures_contradict_is_unmapped_with_both_named(
    runs: list[MonthlyFile],
) -> None:
    # Receipts and disposals swapped in the reworded header: each reads as the other series.
    wrong = _swap(
        reword_headers(runs[-1].data),
        "Employment Tribunal Receipts",
        "Employment Tribunal Disposals",
    )
    every = pd.concat([_read(runs[0].data), _read(runs[1].data), _read(wrong)], ignore_index=True)
    with pytest.warns(UserWarning, match="left unmapped") as record:
        out = decide_mappings(every)
    text = " ".join(str(w.message) for w in record)
    assert "reads employment_tribunal.receipts but its figures" in text
    assert "match employment_tribunal.disposals" in text
    rows = out[
        out["source_label"].isin(
            [
                REWORDED_D["Employment Tribunal Receipts"],
                REWORDED_D["Employment Tribunal Disposals"],
            ]
        )
    ]
    assert rows["jurisdiction"].isna().all()
    assert rows["mapping"].isna().all()
    assert rows["evidence"].isna().all()
    assert rows["value"].equals(every.loc[rows.index, "value"])  # figures kept
    validate_tidy(out)
    # series() and release_changes() take the same decision from the same frame.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        receipts = hmcts_data.series(
            frame=every, jurisdiction="employment_tribunal", measure="receipts"
        )
        changes = hmcts_data.release_changes(frame=every)
    assert set(receipts["release"]) <= {"2025-02", "2025-03"}
    figures = changes.figures
    assert not (
        (figures["jurisdiction"] == "employment_tribunal") & (figures["measure"] == "receipts")
    ).any()


def test_a_whole_series_revision_is_kept_marked_and_reported(runs: list[MonthlyFile]) -> None:
    revised = revise_whole_series(
        reword_headers(runs[-1].data), "Employment Tribunals", 0.07, 0.21, seed=3
    )
    every = pd.concat([_read(runs[0].data), _read(runs[1].data), _read(revised)], ignore_index=True)
    with pytest.warns(UserWarning, match="whole series") as record:
        out = decide_mappings(every)
    line = next(str(w.message) for w in record if "whole series" in str(w.message))
    assert "\n" not in line
    assert "employment_tribunal.receipts +" in line
    newest = out[(out["release"] == "2025-04") & (out["jurisdiction"] == "employment_tribunal")]
    assert set(newest["measure"]) == {"receipts", "disposals", "outstanding"}
    assert newest["level_shift"].between(0.07, 0.21).all()
    assert out.loc[out["jurisdiction"] != "employment_tribunal", "level_shift"].isna().all()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        series = hmcts_data.series(frame=every, jurisdiction="employment_tribunal")
        changes = hmcts_data.release_changes(frame=every)
        revisions = hmcts_data.revisions(every)
    for measure, rows in series.groupby("measure", observed=True):
        marked = rows[rows["level_shift"].notna()]
        # One mark per series: the first figure taken from the revising release.
        assert len(marked) == 1, measure
        first_new = rows[rows["release"] == "2025-04"]["period_start"].min()
        assert marked["period_start"].iloc[0] == first_new
        assert (rows["period_start"] < first_new).any()  # the older figures continue before it
    assert set(changes.whole_series["measure"]) == {"receipts", "disposals", "outstanding"}
    assert changes.whole_series["level_shift"].between(0.07, 0.21).all()
    whole = revisions[revisions["kind"] == "whole_series"]
    assert set(whole["jurisdiction"]) == {"employment_tribunal"}
    assert "whole-series revision: employment_tribunal.receipts" in changes.to_text()
    # series and release_changes agree on what is mapped.
    et = changes.figures[changes.figures["jurisdiction"] == "employment_tribunal"]
    assert set(et["measure"]) == set(series["measure"])


def test_figures_alone_link_a_nonsense_label_but_never_a_new_concept(
    runs: list[MonthlyFile],
) -> None:
    header = runs[-1].data.partition(b"\n")[0].decode().split(",")
    table = {
        "Employment Tribunal Receipts": "Zorblat quimvex 17",
        "Civil Claims received": "Plotrak mif",
    }
    newest = _read(_relabel(runs[-1].data, table))
    # A new concept: figures that continue no earlier series, under a nonsense label.
    concept = newest[newest["source_label"] == "Plotrak mif"].copy()
    concept["value"] = concept["value"] * 0.37 + 11
    newest.loc[concept.index, "value"] = concept["value"]
    every = pd.concat([_read(runs[0].data), _read(runs[1].data), newest], ignore_index=True)
    with pytest.warns(UserWarning, match="linked by its figures"):
        out = decide_mappings(every)
    got = _keys(out, "2025-04")
    assert tuple(got.loc["Zorblat quimvex 17", ["jurisdiction", "measure"]]) == (
        "employment_tribunal",
        "receipts",
    )
    assert got.loc["Zorblat quimvex 17", "evidence"] == "figures"
    assert got["jurisdiction"].isna()["Plotrak mif"]
    assert len(header) == len(got) + 1


def test_a_near_twin_never_borrows_a_key() -> None:
    # A part that is always 80-95% of its total moves "one way" against it, like a revision,
    # but a label that states nothing may link only within revision noise.
    runs = monthly_releases("D", date(2025, 2, 1), 2, seed=5)
    older, newer = _read(runs[0].data), _read(runs[1].data)
    total = "Probate - Total number of receipts (Digital and Paper)"
    part = newer[newer["source_label"] == total].copy()
    rng = np.random.default_rng(1)
    part["value"] = (part["value"].astype(float) * rng.uniform(0.8, 0.95, len(part))).round()
    part = part.assign(
        source_label="Kettlewick digital-ish thing",
        jurisdiction=None,
        measure=None,
        breakdown="",
        mapping=None,
        evidence=None,
        unit="unknown",
    ).astype({c: newer[c].dtype for c in newer.columns})
    without_total = newer[newer["source_label"] != total]
    every = pd.concat([older, without_total, part], ignore_index=True)
    out = _quiet(every)
    rows = out[out["source_label"] == "Kettlewick digital-ish thing"]
    assert rows["jurisdiction"].isna().all()
    assert rows["mapping"].isna().all()


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
        Provenance("monthly", f"{release}.csv", "0" * 63 + release[-1], release=release),
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
        out = decide_mappings(every)
    assert (out["mapping"].iloc[1] == "inferred") is kept
    assert bool([w for w in caught if "provisional" in str(w.message)]) is not kept


def test_a_reference_release_loaded_twice_is_one_reference(runs: list[MonthlyFile]) -> None:
    second = _read(runs[1].data)  # the reference the reworded release is compared with
    frames = [_read(runs[0].data), second, second, _read(reword_headers(runs[2].data))]
    every = pd.concat(frames, ignore_index=True)
    out = _quiet(every)
    newest = out[out["release"] == "2025-04"]
    assert newest["mapping"].notna().all()


def test_the_decision_touches_only_its_rows_when_index_labels_repeat(
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
    out = _quiet(every)
    changed = out["mapping"].isna() & every["mapping"].notna()
    assert changed.sum() == 2 * 13
    assert set(out.loc[changed.to_numpy(), "release"]) == {"2025-04"}
    # Only the two swapped columns lose their key, and the two linked by their figures gain one.
    before = every["measure"].astype(object).fillna("-").to_numpy()
    differs = out["measure"].astype(object).fillna("-").to_numpy() != before
    assert set(out.loc[differs, "source_label"]) == {
        REWORDED_D["Employment Tribunal Receipts"],
        REWORDED_D["Employment Tribunal Disposals"],
        *UNREADABLE_D.values(),
    }


def test_read_links_by_figures_against_the_embedded_real_releases(real_samples: Path) -> None:
    # The real May 2025 file read alone, some labels replaced by words no grammar reads: the
    # real April 2025 release embedded in the package is held, so their figures link them.
    data = (real_samples / "HMCTS_MI_output_accessible__May2024-May2025.csv").read_bytes()
    table = {
        "Employment Tribunal Receipts": "Zorblat quimvex 17",
        "Private Family Law Disposals": "Plotrak mif 3",
        "Probate - Total number of receipts (Paper)": "Ketchdran suv 9",
    }
    with pytest.warns(UserWarning, match="linked by its figures"):
        frame = hmcts_data.read("monthly", _relabel(data, table))
    truth = _read(data)
    got = _keys(frame, "2025-05")
    want = _keys(truth, "2025-05")
    for old, new in table.items():
        assert tuple(got.loc[new, ["jurisdiction", "measure", "breakdown"]]) == tuple(
            want.loc[old, ["jurisdiction", "measure", "breakdown"]]
        )
        assert got.loc[new, "evidence"] == "figures"
    validate_tidy(frame)
    # The same file with a release held in the call decides the same way.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        older = hmcts_data.read(
            "monthly", real_samples / "HMCTS_MI_output_accessible__Apr2024-Apr2025.csv"
        )
        both = hmcts_data.series(frame=pd.concat([older, frame], ignore_index=True))
    et = both[(both["jurisdiction"] == "employment_tribunal") & (both["measure"] == "receipts")]
    assert "2025-05" in set(et["release"])


# -- end to end through the local GOV.UK stand-in ------------------------------------------------


@pytest.fixture(scope="module")
def revised_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, object]]:
    # The newest release rewords its labels and revises the whole of one jurisdiction.
    from hmcts_data.testing import FakeGovUK, SiteFile, SiteRelease, build_site
    from hmcts_data.testing._site import MIME_CSV

    made = monthly_releases("D", date(2025, 1, 1), 4, seed=9)
    by_month = {r.last_month: r for r in made}

    def files(release: SiteRelease) -> list[SiteFile] | None:
        if release.publication != "monthly" or release.latest_month is None:
            return None
        run = by_month.get(release.latest_month)
        if run is None:
            return None
        body = run.data
        if run is made[-1]:
            body = revise_whole_series(
                reword_headers(body), "First-tier Tribunal (Social Security", 0.07, 0.21
            )
        return [SiteFile(f"SYNTHETIC_{run.filename}", body, MIME_CSV, "SYNTHETIC MI (CSV)")]

    with FakeGovUK() as fake:
        build_site(fake, monthly=4, last_month=date(2025, 4, 1), files=files)
        yield tmp_path_factory.mktemp("revised-cache"), fake


def test_a_revised_reworded_release_continues_its_series_through_the_stand_in(
    revised_site: tuple[Path, object],
) -> None:
    from tests._e2e import client_for

    cache, fake = revised_site
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with client_for(fake, cache) as client:  # type: ignore[arg-type]
            series = hmcts_data.series(jurisdiction="sscs", client=client)
            changes = hmcts_data.release_changes(client=client)
    lines = [str(w.message) for w in caught if "whole series" in str(w.message)]
    assert lines
    assert all("\n" not in line for line in lines)
    counts = {"receipts", "disposals", "outstanding"}
    assert counts <= set(series["measure"])
    for measure in counts:
        rows = series[(series["measure"] == measure) & (series["breakdown"] == "")]
        assert "2025-04" in set(rows["release"]), measure  # the revised figures are kept
        marked = rows[rows["level_shift"].notna()]
        assert len(marked) == 1, measure
        assert marked["release"].iloc[0] == "2025-04"
        assert 0.07 <= float(marked["level_shift"].iloc[0]) <= 0.21
        assert (rows["release"] != "2025-04").any()  # older releases' months continue before it
    # release_changes() takes the same decision: the series are mapped and revised whole.
    assert changes.new_release == "2025-04"
    assert counts <= set(
        changes.whole_series.loc[changes.whole_series["jurisdiction"] == "sscs", "measure"]
    )
    sscs = changes.figures[changes.figures["jurisdiction"] == "sscs"]
    assert counts <= set(sscs["measure"])


def test_a_decided_frame_is_not_decided_again_but_a_changed_one_is(
    runs: list[MonthlyFile],
) -> None:
    from hmcts_data.tables._confirm import is_decided, mark_decided

    first, second = (_read(r.data) for r in runs[:2])
    both = mark_decided(pd.concat([first, second], ignore_index=True))
    assert is_decided(both)
    assert is_decided(both.copy())
    assert not is_decided(both.iloc[1:])  # rows dropped: decided again
    third = mark_decided(_read(reword_headers(runs[2].data)))
    joined = pd.concat([both, third], ignore_index=True)
    assert not is_decided(joined)  # another file joined: its labels weighed with the figures
    out = _quiet(joined)
    assert set(out.loc[out["release"] == "2025-04", "evidence"].dropna()) >= {"both"}


def test_read_links_by_figures_against_a_release_in_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An earlier release only the cache holds (loaded before, through the stand-in): the
    # figures of a reworded file's nonsense label continue one of its series.
    import shutil

    from hmcts_data._cache_layout import MARKER
    from hmcts_data.testing import FakeGovUK, SiteFile, SiteRelease, build_site
    from hmcts_data.testing._site import MIME_CSV
    from tests._e2e import client_for

    made = monthly_releases("D", date(2025, 2, 1), 2, seed=5)
    newer = _relabel(made[-1].data, {"Employment Tribunal Receipts": "Zorblat quimvex"})
    by_month = {made[0].last_month: made[0].data, made[-1].last_month: newer}

    def files(release: SiteRelease) -> list[SiteFile] | None:
        month = release.latest_month
        monthly = month is not None and release.publication == "monthly"
        body = by_month.get(month) if monthly and month is not None else None
        if body is None:
            return None
        return [SiteFile("SYNTHETIC_MI.csv", body, MIME_CSV, "SYNTHETIC MI (CSV)")]

    cache = tmp_path / "cache"
    with FakeGovUK() as fake:
        build_site(fake, monthly=2, last_month=date(2025, 3, 1), files=files)
        with client_for(fake, cache) as client:
            earlier = _quiet(hmcts_data.load("monthly", "2025-02", client=client))
            # load() of one release holds the cache's releases too.
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                loaded = _keys(hmcts_data.load("monthly", "2025-03", client=client), "2025-03")
    assert set(earlier["release"]) == {"2025-02"}
    assert loaded.loc["Zorblat quimvex", "evidence"] == "figures"
    path = tmp_path / "newer.csv"
    path.write_bytes(newer)

    def linked(root: Path) -> Any:
        monkeypatch.setenv("HMCTS_DATA_CACHE_DIR", str(root))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            got = _keys(hmcts_data.read("monthly", path), "2025-03")
        return got.loc["Zorblat quimvex"].squeeze()

    row = linked(cache)
    assert (row["jurisdiction"], row["measure"], row["breakdown"]) == (
        "employment_tribunal",
        "receipts",
        "",
    )
    assert (row["mapping"], row["evidence"]) == ("inferred", "figures")
    # An empty cache, or none: the label alone, as before, and no cache folder is made.
    assert pd.isna(linked(tmp_path / "none")["jurisdiction"])
    assert not (tmp_path / "none").exists()
    # The same files in a folder not marked as a hmcts-data cache are not read.
    shutil.copytree(cache, tmp_path / "foreign")
    (tmp_path / "foreign" / MARKER).unlink()
    assert pd.isna(linked(tmp_path / "foreign")["jurisdiction"])
    # A corrupt entry is passed over, never fatal.
    shutil.copytree(cache, tmp_path / "corrupt")
    for body in (tmp_path / "corrupt" / "files").glob("*/SYNTHETIC_*"):
        body.write_bytes(b"Month,garbage\n" * 3)
    (tmp_path / "corrupt" / "files" / ("0" * 32)).mkdir()
    (tmp_path / "corrupt" / "files" / ("0" * 32) / "meta.json").write_bytes(b"{not json")
    assert pd.isna(linked(tmp_path / "corrupt")["jurisdiction"])
