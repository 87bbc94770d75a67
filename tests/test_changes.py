"""release_changes(): newest figures, revisions and series in/out, checked against the cells
the SYNTHETIC generator wrote (not against the function's own output)."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

import hmcts_data
from hmcts_data import Client, NotFoundError
from hmcts_data.cli import main
from hmcts_data.testing import FakeGovUK
from hmcts_data.testing._demo import build_data_site
from hmcts_data.testing._monthly_files import MonthlyFile, monthly_releases


@pytest.fixture(scope="module")
def pair() -> tuple[MonthlyFile, MonthlyFile]:
    apr, may = monthly_releases("D", date(2025, 4, 1), 2, seed=7)
    return apr, may


@pytest.fixture(scope="module")
def both(pair: tuple[MonthlyFile, MonthlyFile]) -> pd.DataFrame:
    apr, may = pair
    return pd.concat(
        [
            hmcts_data.read("monthly", apr.data, release="2025-04"),
            hmcts_data.read("monthly", may.data, release="2025-05"),
        ],
        ignore_index=True,
    )


def cells(release: MonthlyFile) -> dict[tuple[int, date], float | None]:
    return {(c.position, c.period_start): c.value for c in release.expected}


def test_revision_counts_match_the_generated_cells(
    pair: tuple[MonthlyFile, MonthlyFile], both: pd.DataFrame
) -> None:
    apr, may = pair
    old, new = cells(apr), cells(may)
    shared = [k for k in new if k in old and old[k] is not None and new[k] is not None]
    revised = [k for k in shared if old[k] != new[k]]
    changes = hmcts_data.release_changes(frame=both)
    assert (changes.new_release, changes.old_release) == ("2025-05", "2025-04")
    assert changes.compared == len(shared)
    assert changes.revised_count == len(revised) > 0
    largest = changes.largest(3)
    sizes = sorted((abs(new[k] - old[k]) for k in revised), reverse=True)  # type: ignore[operator]
    assert [abs(float(x)) for x in largest["change"]] == pytest.approx(sizes[:3])
    relative = changes.largest(1, by="relative")
    best = max(abs(new[k] - old[k]) / abs(old[k]) for k in revised if old[k])  # type: ignore[operator,arg-type]
    assert abs(float(relative["pct_change"].iloc[0])) == pytest.approx(best * 100)


def test_newest_figures_with_month_and_year_changes(
    pair: tuple[MonthlyFile, MonthlyFile], both: pd.DataFrame
) -> None:
    _, may = pair
    new = cells(may)
    changes = hmcts_data.release_changes(frame=both)
    assert changes.period == date(2025, 5, 1)
    newest = [c for c in may.expected if c.period_start == date(2025, 5, 1)]
    assert len(changes.figures) == len(newest)
    by_label = {r["source_label"]: r for _, r in changes.figures.iterrows()}
    checked = 0
    for cell in newest:
        row = by_label[cell.label]
        prev, year = new[(cell.position, date(2025, 4, 1))], new[(cell.position, date(2024, 5, 1))]
        if cell.value is None or prev is None or year is None:
            continue
        assert float(row["change_on_previous"]) == pytest.approx(cell.value - prev)
        assert float(row["change_on_year"]) == pytest.approx(cell.value - year)
        if prev:
            assert float(row["pct_change_on_previous"]) == pytest.approx(
                (cell.value - prev) / abs(prev) * 100
            )
        checked += 1
    assert checked > 30


def test_series_that_appear_and_disappear(both: pd.DataFrame) -> None:
    series = both[["jurisdiction", "measure", "breakdown"]].drop_duplicates().head(2)
    gone, new = series.iloc[0], series.iloc[1]

    def is_series(frame: pd.DataFrame, s: pd.Series) -> pd.Series:
        mask: pd.Series = (
            (frame["jurisdiction"] == s["jurisdiction"])
            & (frame["measure"] == s["measure"])
            & (frame["breakdown"] == s["breakdown"])
        )
        return mask

    in_old, in_new = both["release"] == "2025-04", both["release"] == "2025-05"
    edited = both[~((in_new & is_series(both, gone)) | (in_old & is_series(both, new)))]
    changes = hmcts_data.release_changes(frame=edited)
    assert list(changes.disappeared["measure"]) == [gone["measure"]]
    assert list(changes.appeared["measure"]) == [new["measure"]]
    assert list(changes.appeared["mapping"]) == ["exact"]
    assert changes.appeared["first_period"].iloc[0] == pd.Timestamp("2024-05-01")
    text = changes.to_text()
    assert "series that appeared (1)" in text
    assert "series that disappeared (1)" in text


def test_json_is_plain_and_complete(both: pd.DataFrame) -> None:
    changes = hmcts_data.release_changes(frame=both)
    data = json.loads(changes.to_json(top=3))
    assert data["revised"] == changes.revised_count
    assert len(data["figures"]) == len(changes.figures)
    assert len(data["largest_revisions"]["absolute"]) == 3
    first = data["figures"][0]
    assert first["period_start"] == "2025-05-01"
    assert all(
        v is None or isinstance(v, (str, int, float)) for f in data["figures"] for v in f.values()
    )
    assert not any(
        isinstance(v, float) and math.isnan(v) for f in data["figures"] for v in f.values()
    )


def test_frame_release_choice_errors(both: pd.DataFrame) -> None:
    with pytest.raises(NotFoundError):
        hmcts_data.release_changes("2031-01", frame=both)
    with pytest.raises(NotFoundError):
        hmcts_data.release_changes("2025-04", frame=both)  # nothing older in the frame


@pytest.fixture
def data_site() -> Iterator[FakeGovUK]:
    with FakeGovUK() as fake:
        build_data_site(fake, monthly=3, last_month=date(2025, 4, 1), seed=3)
        yield fake


def test_from_the_catalogue_and_the_cli(
    data_site: FakeGovUK,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with Client(base_url=data_site.base_url, cache_dir=tmp_path / "c", rate_limit=1000) as c:
        changes = hmcts_data.release_changes(client=c)
        # The middle release of three is withdrawn: the newest is compared with the oldest.
        assert (changes.new_release, changes.old_release) == ("2025-04", "2025-02")
    monkeypatch.setenv("HMCTS_DATA_BASE_URL", data_site.base_url)
    monkeypatch.setenv("HMCTS_DATA_CACHE_DIR", str(tmp_path / "c"))
    monkeypatch.setenv("HMCTS_DATA_RATE_LIMIT", "1000")
    out = tmp_path / "figures.csv"
    assert main(["what-changed", "--json", "-o", str(out)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["revised"] == changes.revised_count
    assert len(pd.read_csv(out)) == len(changes.figures)
    assert main(["what-changed", "2025-04", "--against", "2025-02"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("monthly release 2025-04 against 2025-02")
    assert f"revised: {changes.revised_count}" in text
