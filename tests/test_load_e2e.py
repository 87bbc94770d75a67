"""End to end: ``load``, ``series`` and ``revisions`` against the local fake GOV.UK.

The site is :func:`hmcts_data.testing._demo.build_data_site`: six monthly releases (the middle
one withdrawn) of SYNTHETIC accessible CSVs whose overlapping months are partly revised, plus
one file for each other publication. Every expected value is computed from what the generator
wrote (``MonthlyFile.expected``, ``Shape.expected``) and from the site description; nothing is
copied from the library's output.
"""

from __future__ import annotations

import hashlib
import warnings
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import hmcts_data
from hmcts_data import NotFoundError, OfflineError, SchemaDriftError
from hmcts_data.tables._schema import validate_tidy
from hmcts_data.testing import FakeGovUK, SiteFile, SiteRelease, build_site
from hmcts_data.testing._monthly_files import MonthlyFile, era_headers, monthly_csv
from hmcts_data.testing._site import MIME_CSV
from hmcts_data.testing._table_files import publication_csv, shapes_for
from tests._e2e import (
    Served,
    World,
    client_for,
    data_world,
    expected_revisions,
    expected_series,
    figures,
    served_monthly,
)

OTHERS = ["weekly-covid", "remote-hearings", "reformed-services", "ad-hoc"]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    yield from data_world(tmp_path_factory.mktemp("e2e-cache"))


@pytest.fixture(scope="module")
def every_vintage(world: World) -> pd.DataFrame:
    with world.client() as client:
        return hmcts_data.load("monthly", "all", client=client)


def _assert_release(frame: pd.DataFrame, release: Served) -> None:
    """``frame`` is exactly ``release``'s file, with the provenance of its page."""
    assert figures(frame) == release.cells()
    assert set(frame["release"]) == {release.key}
    assert set(frame["published"]) == {pd.Timestamp(release.page.first_published)}
    assert set(frame["source_url"]) == {release.page.file_urls[0]}
    assert set(frame["sha256"]) == {release.sha256}
    assert (frame["publication"] == "monthly").all()


def test_latest_is_the_newest_current_release(world: World) -> None:
    served = served_monthly(world.data)
    everything = served_monthly(world.data, withdrawn=True)
    with world.client() as client:
        frame = hmcts_data.load("monthly", client=client)
    _assert_release(frame, served[-1])
    assert served[-1].key == max(s.key for s in everything)


@pytest.mark.parametrize("how", ["month", "slug", "release"])
def test_one_release_by_month_slug_or_release(world: World, how: str) -> None:
    wanted = next(s for s in served_monthly(world.data) if s.key == "2025-02")
    with world.client() as client:
        key: object = {
            "month": "2025-02",
            "slug": wanted.page.slug,
            "release": hmcts_data.catalogue(client=client).get("monthly").release("2025-02"),
        }[how]
        frame = hmcts_data.load("monthly", key, client=client)  # type: ignore[arg-type]
    _assert_release(frame, wanted)


def test_a_date_loads_the_release_of_its_data_month(world: World) -> None:
    served = served_monthly(world.data)
    day = date(int(served[-2].key[:4]), int(served[-2].key[5:]), 14)
    # Releases overlap by twelve months, but a date means its data month, as titles do.
    with world.client() as client:
        frame = hmcts_data.load("monthly", day, client=client)
        assert hmcts_data.load("monthly", f"{day:%Y-%m-%d}", client=client).equals(frame)
    _assert_release(frame, served[-2])


def test_all_keeps_every_vintage_of_every_current_release(
    world: World, every_vintage: pd.DataFrame
) -> None:
    served = served_monthly(world.data)
    withdrawn = [s for s in served_monthly(world.data, withdrawn=True) if s.page.withdrawn]
    assert len(withdrawn) == 1  # the site withdraws one page; "all" must skip it
    assert len(every_vintage) == sum(len(s.file.expected) for s in served)  # no de-duplication
    assert set(every_vintage["release"]) == {s.key for s in served}
    assert withdrawn[0].key not in set(every_vintage["release"])
    # Stacked oldest first.
    assert every_vintage["release"].tolist() == sorted(every_vintage["release"])
    for release in served:
        _assert_release(every_vintage[every_vintage["release"] == release.key], release)
    validate_tidy(every_vintage)


def test_one_header_names_one_figure(every_vintage: pd.DataFrame) -> None:
    # The oracle keys figures by (header, month); that is sound only if every header of the
    # layout maps to its own canonical figure, as the vintage functions key them.
    pairs = every_vintage[["source_label", "jurisdiction", "measure", "breakdown", "unit"]]
    pairs = pairs.drop_duplicates()
    assert pairs["source_label"].is_unique
    assert len(pairs.drop(columns="source_label").drop_duplicates()) == len(pairs)


@pytest.mark.parametrize("missing", ["newest", "skip"])
def test_series_takes_each_figure_from_the_newest_release_with_it(
    world: World, missing: str
) -> None:
    served = served_monthly(world.data)
    wanted = expected_series(served, skip_missing=missing == "skip")
    cells = {s.key: s.cells() for s in served}
    with world.client() as client:
        frame = hmcts_data.series(client=client, missing=missing)  # type: ignore[arg-type]
    got = figures(frame)
    assert set(got) == set(wanted)
    for (label, month), release in zip(
        zip(frame["source_label"], frame["period_start"].dt.date, strict=True),
        frame["release"],
        strict=True,
    ):
        assert release == wanted[(label, month)], (label, month)
        assert got[(label, month)] == cells[release][(label, month)]
    validate_tidy(frame)


def test_series_from_a_frame_and_filtered(world: World, every_vintage: pd.DataFrame) -> None:
    whole = hmcts_data.series(frame=every_vintage)
    with world.client() as client:
        assert figures(whole) == figures(hmcts_data.series(client=client))
    civil = hmcts_data.series(frame=every_vintage, jurisdiction="civil", measure="receipts")
    assert len(civil) > 0
    expected = whole[(whole["jurisdiction"] == "civil") & (whole["measure"] == "receipts")]
    assert figures(civil) == figures(expected)
    headline = hmcts_data.series(frame=every_vintage, breakdown="")
    assert figures(headline) == figures(whole[whole["breakdown"] == ""])
    with pytest.raises(NotFoundError) as info:
        hmcts_data.series(frame=every_vintage, jurisdiction="civill")
    assert "civil" in info.value.suggestions


def _number(value: Any) -> float | None:
    return None if pd.isna(value) else float(value)


def _revision_rows(frame: pd.DataFrame) -> dict[tuple[str, date, str], tuple[object, ...]]:
    out: dict[tuple[str, date, str], tuple[object, ...]] = {}
    for row in frame.to_dict("records"):
        key = (str(row["source_label"]), row["period_start"].date(), str(row["new_release"]))
        assert key not in out
        out[key] = (
            row["kind"],
            row["old_release"],
            _number(row["old_value"]),
            _number(row["new_value"]),
            _number(row["change"]),
        )
    return out


def _expected_rows(served: list[Served]) -> dict[tuple[str, date, str], tuple[object, ...]]:
    return {
        key: (c.kind, c.old_release, c.old, c.new, c.change)
        for key, c in expected_revisions(served).items()
    }


def test_revisions_are_the_generated_differences(every_vintage: pd.DataFrame, world: World) -> None:
    served = served_monthly(world.data)
    expected = _expected_rows(served)
    got = _revision_rows(hmcts_data.revisions(every_vintage))
    assert len(got) == len(expected)
    assert got == expected
    kinds = {row[0] for row in expected.values()}
    assert {"revised", "filled"} <= kinds  # the generator revises and fills in family figures


def _controlled_files() -> dict[date, MonthlyFile]:
    """Two releases whose differences are chosen: one column revised, one cell withdrawn,
    and the March release's missing family figures filled in by April."""
    march, april = date(2025, 3, 1), date(2025, 4, 1)
    family = {h for h in era_headers("D") if "Family Law" in h}

    def values(last: date) -> object:
        def figure(position: int, label: str, month: date) -> float | None:
            base = float(position * 1000 + month.month * 10 + month.year % 100)
            if month == last and label in family:
                return None  # the latest month's family figures come a month late
            if last == april and position == 1:
                return base + 7  # every civil receipts figure revised
            if last == april and position == 2 and month == date(2025, 1, 1):
                return None  # one figure withdrawn
            return base

        return figure

    return {
        last: monthly_csv("D", last, values(last))  # type: ignore[arg-type]
        for last in (march, april)
    }


def test_revisions_of_every_kind_end_to_end(tmp_path: Path) -> None:
    generated = _controlled_files()

    def files(release: SiteRelease) -> list[SiteFile] | None:
        made = generated.get(release.latest_month) if release.latest_month else None
        if release.publication != "monthly" or made is None:
            return None
        return [SiteFile(made.filename, made.data, MIME_CSV, "SYNTHETIC monthly CSV")]

    with FakeGovUK() as fake:
        site = build_site(fake, monthly=2, last_month=date(2025, 4, 1), files=files)
        served = sorted(
            (Served(p, generated[p.release.latest_month]) for p in site.pages_of("monthly")),  # type: ignore[index]
            key=lambda s: s.key,
        )
        with client_for(fake, tmp_path) as client:
            frame = hmcts_data.load("monthly", "all", client=client)
    expected = _expected_rows(served)
    assert {row[0] for row in expected.values()} == {"revised", "filled", "withdrawn"}
    changes = hmcts_data.revisions(frame)
    assert _revision_rows(changes) == expected
    revised = changes[changes["kind"] == "revised"]
    assert (revised["change"] == 7).all()
    withdrawn = changes[changes["kind"] == "withdrawn"]
    assert withdrawn["new_marker"].tolist() == ["NA"]  # era D writes NA for a missing cell


def test_unknown_release_or_publication_suggests_close_keys(world: World) -> None:
    with world.client() as client:
        with pytest.raises(NotFoundError) as info:
            hmcts_data.load("monthly", "2025-05", client=client)
        assert info.value.suggestions
        assert set(info.value.suggestions) <= {
            s.key for s in served_monthly(world.data, withdrawn=True)
        }
        assert "2025-04" in str(info.value)
        typo = "hmcts-management-information-april-2052"
        with pytest.raises(NotFoundError) as info:
            hmcts_data.load("monthly", typo, client=client)
        assert info.value.suggestions[0] == "hmcts-management-information-april-2025"
        world.fake.reset_counts()
        with pytest.raises(NotFoundError) as info:
            hmcts_data.load("montly", client=client)
        assert info.value.suggestions == ("monthly",)
        assert world.fake.count() == 0  # refused before any request


def test_offline_after_a_warm_load_makes_no_request(
    world: World, every_vintage: pd.DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    world.fake.reset_counts()
    with world.client() as client:
        again = hmcts_data.load("monthly", "all", client=client, offline=True)
    pd.testing.assert_frame_equal(again, every_vintage)
    # The same through the environment, as a user would set it up.
    monkeypatch.setenv("HMCTS_DATA_BASE_URL", world.fake.base_url)
    monkeypatch.setenv("HMCTS_DATA_CACHE_DIR", str(world.cache_dir))
    latest = hmcts_data.load("monthly", offline=True)
    assert set(latest["release"]) == {served_monthly(world.data)[-1].key}
    assert world.fake.count() == 0


def test_cold_offline_raises_offline_error_without_a_request(world: World, tmp_path: Path) -> None:
    world.fake.reset_counts()
    with client_for(world.fake, tmp_path, offline=True) as client, warnings.catch_warnings():
        # Offline with nothing cached, the catalogue is the embedded snapshot (it warns).
        warnings.simplefilter("ignore", hmcts_data.StaleDataWarning)
        with pytest.raises(OfflineError):
            hmcts_data.load("monthly", "2020-04", client=client)  # listed, not embedded
        # The latest falls back to the newest release embedded in the package.
        latest = hmcts_data.load("monthly", client=client)
        assert latest["source_url"].str.startswith("embedded:").all()
    assert world.fake.count() == 0


@pytest.mark.parametrize("publication", OTHERS)
def test_other_publications_load_into_their_tidy_figures(world: World, publication: str) -> None:
    expected: dict[tuple[str, date], tuple[float | None, str | None]] = {}
    for shape in shapes_for(publication):
        expected.update(shape.expected)
    page = next(p for p in world.data.site.pages_of(publication) if not p.withdrawn)
    with world.client() as client, warnings.catch_warnings():
        warnings.simplefilter("error")  # every label of the served file is known: no warning
        frame = hmcts_data.load(publication, client=client)
    validate_tidy(frame)
    assert figures(frame) == expected
    assert (frame["publication"] == publication).all()
    body = publication_csv(publication)
    assert set(frame["sha256"]) == {hashlib.sha256(body).hexdigest()}
    assert frame["source_url"].nunique() == 1
    assert frame["source_url"].iloc[0].startswith(world.fake.base_url + "/")
    assert pd.notna(frame["published"]).all()
    assert page.first_published is not None


def test_read_on_unknown_none_uses_each_parsers_default(world: World) -> None:
    monthly = served_monthly(world.data)[-1].file.data
    drifted = monthly.replace(b"Civil Claims received", b"Civil Claims teleported", 1)
    assert drifted != monthly
    with pytest.raises(SchemaDriftError) as info:
        hmcts_data.read("monthly", drifted, on_unknown="raise")
    assert info.value.labels == ("Civil Claims teleported",)
    with pytest.warns(UserWarning, match="Civil Claims teleported"):
        kept = hmcts_data.read("monthly", drifted)
    assert kept.loc[kept["source_label"] == "Civil Claims teleported", "measure"].isna().all()

    other = publication_csv("ad-hoc").replace(b"Hearings listed", b"Widgets polished", 1)
    with pytest.warns(UserWarning, match="Widgets polished"):
        frame = hmcts_data.read("ad-hoc", other)
    unknown = frame[frame["source_label"] == "Widgets polished"]
    assert len(unknown) == 10
    assert unknown["measure"].isna().all()
    with pytest.raises(SchemaDriftError):
        hmcts_data.read("ad-hoc", other, on_unknown="raise")


def test_progress_reports_real_downloads_only(world: World, tmp_path: Path) -> None:
    newest = served_monthly(world.data)[-1]
    calls: list[tuple[int, int | None]] = []

    def record(done: int, total: int | None) -> None:
        calls.append((done, total))

    with client_for(world.fake, tmp_path) as client:
        hmcts_data.load("monthly", client=client, progress=record)
        assert calls[-1] == (len(newest.file.data), len(newest.file.data))
        calls.clear()
        hmcts_data.load("monthly", client=client, progress=record)  # served from the cache
        assert calls == []
        release = hmcts_data.catalogue(client=client).get("monthly").release("2025-02")
        release.download(client, progress=record)
    feb = next(s for s in served_monthly(world.data) if s.key == "2025-02")
    assert calls[-1] == (len(feb.file.data), len(feb.file.data))


def test_all_is_each_release_loaded_alone_stacked(
    world: World, every_vintage: pd.DataFrame
) -> None:
    # load(all) builds one frame from every release's parts: it must be exactly the frames
    # of the releases read one by one, stacked oldest first.
    keys = sorted(s.key for s in served_monthly(world.data))
    with world.client() as client:
        alone = [hmcts_data.load("monthly", key, client=client) for key in keys]
    stacked = pd.concat(alone, ignore_index=True)
    pd.testing.assert_frame_equal(every_vintage, stacked, check_exact=True)
    assert list(every_vintage.dtypes) == list(stacked.dtypes)
