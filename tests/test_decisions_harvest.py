"""Harvesting a whole finder: split work, checked totals, resume, increments, misbehaving APIs."""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Mapping
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from hmcts_data import Client, DownloadError, OfflineError, StaleDataWarning, decisions
from hmcts_data.testing import DecisionsSite, FakeGovUK, Status, Success, build_decisions_site

SEARCH = "/api/search.json"
ET = "employment-tribunal"


@pytest.fixture
def fake() -> Iterator[FakeGovUK]:
    with FakeGovUK() as server:
        yield server


@pytest.fixture
def site(fake: FakeGovUK) -> DecisionsSite:
    return build_decisions_site(fake, sizes={ET: 2500, "asylum-support-tribunal": 30}, seed=3)


def _client(fake: FakeGovUK, cache: Path, **overrides: Any) -> Client:
    return Client(
        base_url=fake.base_url, cache_dir=cache, rate_limit=1000, backoff=0.01, **overrides
    )


@pytest.fixture
def client(fake: FakeGovUK, tmp_path: Path) -> Iterator[Client]:
    with _client(fake, tmp_path / "cache") as made:
        yield made


def _searches(fake: FakeGovUK) -> list[Mapping[str, list[str]]]:
    return [r.query for r in fake.requests if r.path == SEARCH]


def _deepest(fake: FakeGovUK) -> int:
    return max(
        int(q.get("start", ["0"])[0]) + int(q.get("count", ["10"])[0]) for q in _searches(fake)
    )


def test_harvest_is_the_whole_finder_and_no_query_pages_deeper_than_the_bound(
    fake: FakeGovUK, site: DecisionsSite, client: Client
) -> None:
    frame = decisions.harvest(ET, max_depth=600, client=client)
    assert set(frame["link"]) == site.links(ET)
    assert frame["link"].is_unique
    assert _deepest(fake) <= 600
    assert frame.attrs["finder"] == "employment-tribunal-decisions"
    assert frame.attrs["total"] == 2500
    truth = {d["link"]: d for d in site.decisions(ET)}
    row = frame.iloc[0]
    assert (
        row["decision_date"].date().isoformat()
        == truth[row["link"]]["tribunal_decision_decision_date"]
    )
    assert sorted(row["categories"]) == sorted(truth[row["link"]]["tribunal_decision_categories"])
    # Every request filtered the finder's document type.
    assert all(q["filter_format"] == ["employment_tribunal_decision"] for q in _searches(fake))


def test_a_paging_cap_below_the_bound_is_worked_around(
    fake: FakeGovUK, site: DecisionsSite, client: Client
) -> None:
    site.max_depth = 2000  # the API refuses start + count > 2000 with 422
    frame = decisions.harvest(ET, client=client)
    assert set(frame["link"]) == site.links(ET)
    served = [
        q
        for q in _searches(fake)
        if int(q.get("start", ["0"])[0]) + int(q.get("count", ["0"])[0]) <= 2000
    ]
    assert len(served) < len(_searches(fake))  # some deep page was refused, then avoided


@pytest.mark.parametrize("answer", ["empty", "500"])
def test_a_deep_page_that_is_empty_or_fails_is_worked_around(
    fake: FakeGovUK, site: DecisionsSite, client: Client, answer: str
) -> None:
    site.max_depth = 2000
    site.deep_answer = answer  # type: ignore[assignment]
    frame = decisions.harvest(ET, client=client)
    assert set(frame["link"]) == site.links(ET)


def test_no_change_harvest_costs_at_most_three_requests(
    fake: FakeGovUK, site: DecisionsSite, client: Client
) -> None:
    first = decisions.harvest(ET, client=client)
    fake.reset_counts()
    again = decisions.harvest(ET, client=client)
    assert fake.count() <= 3
    assert set(again["link"]) == set(first["link"])


def test_increment_fetches_only_what_changed(
    fake: FakeGovUK, site: DecisionsSite, client: Client
) -> None:
    decisions.harvest(ET, client=client)
    new = site.publish(ET, 4)
    old = sorted(site.links(ET) - set(new))[0]
    site.update(old)
    fake.reset_counts()
    frame = decisions.harvest(ET, client=client)
    assert fake.count() <= 3
    assert set(frame["link"]) == site.links(ET)
    assert frame.loc[frame["link"] == old, "title"].item().endswith("(corrected)")
    # Only the days since the last harvest were asked for.
    since = [q for q in _searches(fake) if "filter_public_timestamp" in q]
    assert since
    assert all(q["filter_public_timestamp"][0] >= "from:2020" for q in since)


def test_withdrawn_decisions_make_a_full_check_not_a_silent_surplus(
    fake: FakeGovUK, site: DecisionsSite, client: Client
) -> None:
    decisions.harvest(ET, client=client)
    gone = sorted(site.links(ET))[:3]
    site.withdraw(gone)
    frame = decisions.harvest(ET, client=client)
    assert set(frame["link"]) == site.links(ET)
    assert not set(gone) & set(frame["link"])


def test_since_returns_only_decisions_updated_since(
    fake: FakeGovUK, site: DecisionsSite, client: Client
) -> None:
    cut = datetime.now(UTC) - timedelta(days=400)
    frame = decisions.harvest(ET, since=cut.date(), client=client)
    truth = {d["link"] for d in site.decisions(ET) if d["public_timestamp"][:10] >= str(cut.date())}
    assert set(frame["link"]) == truth


def test_interrupted_harvest_resumes_without_refetching(
    fake: FakeGovUK, site: DecisionsSite, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    with _client(fake, cache) as whole:
        decisions.harvest(ET, max_depth=600, workers=1, client=whole)
    uninterrupted = len(_searches(fake))
    fake.reset_counts()
    fresh = tmp_path / "fresh"
    fake.inject(SEARCH, *[Success(200)] * 4, Status(404))
    with _client(fake, fresh) as first, pytest.raises(DownloadError):
        decisions.harvest(ET, max_depth=600, workers=1, client=first)
    before = len(_searches(fake))
    fake.reset_counts()
    with _client(fake, fresh) as second:
        frame = decisions.harvest(ET, max_depth=600, workers=1, client=second)
    assert set(frame["link"]) == site.links(ET)
    resumed = len(_searches(fake))
    # The spans finished before the failure were not fetched again.
    assert before >= 5
    # Neither the first page nor the 3 spans finished before are asked again (a final count
    # is: a resumed run cannot know nothing moved meanwhile).
    assert 1 <= resumed <= uninterrupted - 3
    asked = [q for q in _searches(fake) if q.get("count") != ["0"]]
    assert all(q["filter_public_timestamp"][0] != "from:1990-01-01" for q in asked)


def test_totals_changing_mid_harvest_end_in_the_final_corpus(
    fake: FakeGovUK, site: DecisionsSite, client: Client
) -> None:
    calls = {"n": 0}

    def publish_midway(query: Mapping[str, list[str]]) -> None:
        calls["n"] += 1
        if calls["n"] in {4, 9}:
            site.publish(ET, 2)

    site.before_search = publish_midway
    frame = decisions.harvest(ET, max_depth=600, client=client)
    site.before_search = None
    assert set(frame["link"]) == site.links(ET)
    assert frame["link"].is_unique


def test_shifted_pages_give_a_deduplicated_complete_result(
    fake: FakeGovUK, site: DecisionsSite, client: Client
) -> None:
    site.shift = 5  # each page after the first repeats 5 results and skips 5
    frame = decisions.harvest(ET, max_depth=3000, client=client)
    assert set(frame["link"]) == site.links(ET)
    assert frame["link"].is_unique


def test_endless_pages_end_in_a_clear_error_not_a_loop(
    fake: FakeGovUK, site: DecisionsSite, client: Client
) -> None:
    site.endless = True
    with pytest.raises(DownloadError, match=r"did not add up|cannot be split"):
        decisions.harvest(ET, max_depth=3000, client=client)
    assert len(_searches(fake)) < 200


def test_a_bulk_publication_day_is_split_by_decision_date(
    fake: FakeGovUK, site: DecisionsSite, client: Client
) -> None:
    decided = [date(2012, 1, 1) + timedelta(days=97 * i) for i in range(30)]
    site.publish(ET, 60, when=datetime(2020, 5, 5, 12, tzinfo=UTC), decided=decided)
    frame = decisions.harvest(ET, max_depth=20, client=client)
    assert set(frame["link"]) == site.links(ET)
    assert _deepest(fake) <= 20
    by_decision = [q for q in _searches(fake) if "filter_tribunal_decision_decision_date" in q]
    assert by_decision  # the day was split by decision date
    assert all(
        q["filter_public_timestamp"] == ["from:2020-05-05,to:2020-05-05"] for q in by_decision
    )


def test_a_day_and_decision_date_too_big_to_split_is_a_clear_error(
    fake: FakeGovUK, site: DecisionsSite, client: Client
) -> None:
    site.publish(ET, 30, when=datetime(2020, 5, 5, 12, tzinfo=UTC), decided=[date(2020, 5, 1)])
    with pytest.raises(DownloadError, match=r"published on 2020-05-05 and decided on 2020-05-01"):
        decisions.harvest(ET, max_depth=20, client=client)


def test_offline_harvest_is_the_stored_one(
    fake: FakeGovUK, site: DecisionsSite, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    with _client(fake, cache, offline=True) as offline, pytest.raises(OfflineError):
        decisions.harvest(ET, client=offline)
    with _client(fake, cache) as online:
        stored = decisions.harvest(ET, client=online)
    fake.reset_counts()
    with _client(fake, cache, offline=True) as offline:
        again = decisions.harvest(ET, client=offline)
    assert fake.count() == 0
    assert again["link"].tolist() == stored["link"].tolist()
    assert again["categories"].tolist() == stored["categories"].tolist()


def test_network_failure_falls_back_to_the_stored_harvest_with_a_warning(
    fake: FakeGovUK, site: DecisionsSite, client: Client
) -> None:
    stored = decisions.harvest(ET, client=client)
    fake.inject(SEARCH, *[Status(503)] * 10)
    with pytest.warns(StaleDataWarning, match="employment-tribunal"):
        again = decisions.harvest(ET, client=client)
    assert len(again) == len(stored)


def test_stored_as_parquet_when_pyarrow_is_installed(
    fake: FakeGovUK, site: DecisionsSite, client: Client
) -> None:
    pytest.importorskip("pyarrow")
    decisions.harvest("asylum-support-tribunal", client=client)
    stored = list(client.cache.root.rglob("decisions.parquet"))
    assert len(stored) == 1
    assert stored[0].read_bytes()[:4] == b"PAR1"


def test_harvest_without_pyarrow_stores_json_lines(
    fake: FakeGovUK, site: DecisionsSite, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    import builtins

    real_import = builtins.__import__

    def no_pyarrow(name: str, *args: object, **kwargs: object) -> object:
        if name == "pyarrow" or name.startswith("pyarrow."):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(builtins, "__import__", no_pyarrow)
    first = decisions.harvest("asylum-support-tribunal", client=client)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        again = decisions.harvest("asylum-support-tribunal", client=client)
    assert list(client.cache.root.rglob("decisions.jsonl"))
    assert again["link"].tolist() == first["link"].tolist()
    assert again["judges"].tolist() == first["judges"].tolist()


def test_progress_reports_decisions(fake: FakeGovUK, site: DecisionsSite, client: Client) -> None:
    seen: list[tuple[int, int | None]] = []
    decisions.harvest(ET, max_depth=600, progress=lambda d, t: seen.append((d, t)), client=client)
    assert seen
    assert seen[-1][0] == 2500
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_progress_true_counts_decisions(
    fake: FakeGovUK, site: DecisionsSite, client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    frame = decisions.harvest("asylum-support-tribunal", progress=True, client=client)
    assert len(frame) == 30


def test_ctrl_c_mid_harvest_stops_at_once_and_the_next_run_resumes(
    fake: FakeGovUK, site: DecisionsSite, tmp_path: Path
) -> None:
    import time

    calls = {"n": 0}

    def slow_after_four(query: Mapping[str, list[str]]) -> None:
        calls["n"] += 1
        if calls["n"] > 4:
            time.sleep(5)  # the pages still in flight when the user presses Ctrl-C

    site.before_search = slow_after_four
    seen: list[int] = []

    def interrupt(done: int, total: int | None) -> None:
        seen.append(done)
        if len(seen) == 2:
            raise KeyboardInterrupt

    cache = tmp_path / "cache"
    started = time.monotonic()
    with _client(fake, cache) as first, pytest.raises(KeyboardInterrupt):
        decisions.harvest(ET, max_depth=600, workers=4, progress=interrupt, client=first)
    assert time.monotonic() - started < 4  # the slow pages were not waited for
    site.before_search = None
    fake.reset_counts()
    with _client(fake, cache) as second:
        frame = decisions.harvest(ET, max_depth=600, client=second)
    assert set(frame["link"]) == site.links(ET)
    # The first page and the two spans finished before Ctrl-C are not asked again.
    assert all(
        q.get("filter_public_timestamp", [""])[0] != "from:1990-01-01"
        for q in _searches(fake)
        if q.get("count") != ["0"]
    )


def test_a_harvest_with_nothing_new_moves_the_next_ones_start(
    fake: FakeGovUK, site: DecisionsSite, client: Client
) -> None:
    first = decisions.harvest(ET, client=client)
    again = decisions.harvest(ET, client=client)
    assert again.attrs["harvested_at"] > first.attrs["harvested_at"]
    assert again["link"].tolist() == first["link"].tolist()


def test_frames_are_oldest_update_first(
    fake: FakeGovUK, site: DecisionsSite, client: Client
) -> None:
    for frame in (
        decisions.harvest(ET, max_depth=600, client=client),
        decisions.harvest(ET, since="2022-01-01", client=client),
    ):
        assert frame["updated"].is_monotonic_increasing
