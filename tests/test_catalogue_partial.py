"""A cold call asks GOV.UK only for what it needs (issue 22), counted against the stand-in.

``load(pub)`` reads the listing (the collection and the Search API, asked at once), the newest
release page and one file; ``load(pub, "all")`` the listing, that publication's release pages
and their files; a release named by its page goes straight to it. What a partial discovery
read is in the page cache, so a later full discovery asks for no page twice. Every expected
count is derived from the site description, not from the library.
"""

from __future__ import annotations

import math
import time
import warnings
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pandas as pd
import pytest

import hmcts_data
from hmcts_data import Client, NotFoundError, Settings, StaleDataWarning
from hmcts_data._catalogue._discover import collection_api_path
from hmcts_data.testing import Delay, FakeGovUK, SitePage, Status
from hmcts_data.testing._demo import DataSite, build_data_site

SEARCH = "/api/search.json"
N = 12


@pytest.fixture
def fake() -> Iterator[FakeGovUK]:
    with FakeGovUK() as server:
        yield server


@pytest.fixture
def data(fake: FakeGovUK) -> DataSite:
    return build_data_site(fake, monthly=N, last_month=date(2025, 4, 1))


def client_for(fake: FakeGovUK, cache: Path, **overrides: Any) -> Client:
    settings = Settings(
        base_url=fake.base_url, cache_dir=cache, rate_limit=1000.0, backoff=0.01, retries=1
    )
    return Client(settings, **overrides)


def _asked(fake: FakeGovUK) -> list[str]:
    return [r.path for r in fake.requests]


def _twice(fake: FakeGovUK) -> list[str]:
    return [p for p, n in Counter(_asked(fake)).items() if n > 1]


def _page(page: SitePage) -> str:
    return "/api/content" + page.base_path


def _file(fake: FakeGovUK, page: SitePage) -> str:
    return page.file_urls[0].removeprefix(fake.base_url)


def _current_monthly(data: DataSite) -> list[SitePage]:
    """Current monthly pages, newest first (the site lists them so)."""
    return [p for p in data.site.pages_of("monthly") if not p.withdrawn]


def full_cost(data: DataSite) -> int:
    site = data.site
    in_search = sum(1 for p in site.pages if p.in_search) + len(site.ignored_search_links)
    return 1 + math.ceil(in_search / 1500) + len(site.pages)


def test_cold_latest_asks_for_three_things_and_a_warm_repeat_for_none(
    fake: FakeGovUK, data: DataSite, tmp_path: Path
) -> None:
    newest = _current_monthly(data)[0]
    with client_for(fake, tmp_path) as client:
        frame = hmcts_data.load("monthly", client=client)
        cold = _asked(fake)
        fake.reset_counts()
        again = hmcts_data.load("monthly", client=client)
        warm = fake.count()
    # The collection lists the newest page (the search index lags): the search is not asked.
    assert sorted(cold) == sorted([collection_api_path(), _page(newest), _file(fake, newest)])
    assert warm == 0
    assert set(frame["source_url"]) == {newest.file_urls[0]}
    month = newest.release.latest_month
    assert month is not None
    assert set(frame["release"]) == {f"{month:%Y-%m}"}
    pd.testing.assert_frame_equal(frame, again)


def test_cold_all_asks_for_each_page_and_file_once(
    fake: FakeGovUK, data: DataSite, tmp_path: Path
) -> None:
    pages = data.site.pages_of("monthly")
    current = _current_monthly(data)
    with client_for(fake, tmp_path) as client:
        frame = hmcts_data.load("monthly", "all", client=client)
        cold = _asked(fake)
        twice = _twice(fake)
        fake.reset_counts()
        hmcts_data.load("monthly", "all", client=client)
        warm = fake.count()
    assert len(cold) <= 2 * len(pages) + 3, twice
    assert not twice
    expected = {collection_api_path(), SEARCH, *map(_page, pages)}
    expected |= {_file(fake, p) for p in current}
    assert set(cold) == expected  # no other publication's page
    assert warm == 0
    assert set(frame["source_url"]) == {p.file_urls[0] for p in current}


def test_a_full_discovery_after_a_partial_one_asks_for_no_page_twice(
    fake: FakeGovUK, data: DataSite, tmp_path: Path
) -> None:
    with client_for(fake, tmp_path) as client:
        hmcts_data.load("monthly", client=client)
        partial = fake.count()
        cat = hmcts_data.catalogue(client=client)
        twice = _twice(fake)
    # Files aside, the two together cost what a cold catalogue() alone does.
    assert fake.count() - 1 == full_cost(data), twice
    assert [p for p in twice if p.startswith("/api/")] == []
    assert partial == 3
    assert cat.source == "live"
    assert len(cat.get("monthly").releases) == N


def test_cold_catalogue_costs_what_it_did(fake: FakeGovUK, data: DataSite, tmp_path: Path) -> None:
    with client_for(fake, tmp_path) as client:
        hmcts_data.catalogue(client=client)
    assert fake.count() == full_cost(data), _twice(fake)


@pytest.mark.parametrize("how", ["month", "slug"])
def test_one_release_by_month_or_slug_reads_only_its_page(
    fake: FakeGovUK, data: DataSite, tmp_path: Path, how: str
) -> None:
    page = _current_monthly(data)[5]
    month = page.release.latest_month
    assert month is not None
    key = f"{month:%Y-%m}" if how == "month" else page.slug
    with client_for(fake, tmp_path) as client:
        frame = hmcts_data.load("monthly", key, client=client)
    assert sorted(_asked(fake)) == sorted([collection_api_path(), _page(page), _file(fake, page)])
    assert set(frame["source_url"]) == {page.file_urls[0]}


@pytest.mark.parametrize("how", ["release", "base path", "web address"])
def test_a_release_named_by_its_page_goes_straight_to_it(
    fake: FakeGovUK, data: DataSite, tmp_path: Path, how: str
) -> None:
    page = _current_monthly(data)[3]
    with client_for(fake, tmp_path / "listing") as other:
        release = hmcts_data.catalogue(client=other).get("monthly").release(page.slug)
    key: object = {
        "release": release,
        "base path": page.base_path,
        "web address": "https://www.gov.uk" + page.base_path,
    }[how]
    fake.reset_counts()
    with client_for(fake, tmp_path / "cold") as client:
        frame = hmcts_data.load("monthly", key, client=client)  # type: ignore[arg-type]
    assert sorted(_asked(fake)) == sorted([_page(page), _file(fake, page)])
    assert set(frame["source_url"]) == {page.file_urls[0]}


def test_a_page_that_is_not_there_is_looked_for_in_the_listing(
    fake: FakeGovUK, data: DataSite, tmp_path: Path
) -> None:
    path = "/government/statistical-data-sets/hmcts-management-information-april-2031"
    with client_for(fake, tmp_path) as client, pytest.raises(NotFoundError) as caught:
        hmcts_data.load("monthly", path, client=client)
    with client_for(fake, tmp_path / "full") as client, pytest.raises(NotFoundError) as full:
        hmcts_data.catalogue(client=client).get("monthly").release(path)
    # The same answer as the whole catalogue gives, with its list of known months.
    assert str(caught.value) == str(full.value)


def test_an_unknown_month_gives_the_whole_catalogues_answer(
    fake: FakeGovUK, data: DataSite, tmp_path: Path
) -> None:
    with client_for(fake, tmp_path / "part") as client, pytest.raises(NotFoundError) as partial:
        hmcts_data.load("monthly", "2031-01", client=client)
    with client_for(fake, tmp_path / "full") as client, pytest.raises(NotFoundError) as full:
        hmcts_data.catalogue(client=client).get("monthly").release("2031-01")
    assert str(partial.value) == str(full.value)


def test_a_date_loads_the_newest_release_covering_it(
    fake: FakeGovUK, data: DataSite, tmp_path: Path
) -> None:
    day = date(2024, 12, 14)
    with client_for(fake, tmp_path / "full") as client:
        expected = hmcts_data.catalogue(client=client).get("monthly").release(day)
    fake.reset_counts()
    with client_for(fake, tmp_path / "partial") as client:
        frame = hmcts_data.load("monthly", day, client=client)
    assert set(frame["source_url"]) == {expected.data_file().url}
    # Only monthly pages: the listing cannot say which page covers a day.
    assert all(
        p in {collection_api_path(), SEARCH}
        or p in {_page(q) for q in data.site.pages_of("monthly")}
        or not p.startswith("/api/")
        for p in _asked(fake)
    )


def _withdraw(fake: FakeGovUK, page: SitePage, *, in_collection: bool) -> None:
    """Withdraw ``page`` on the stand-in: a notice on the page, and in the collection if asked."""
    url = fake.url(_page(page))
    payload = httpx.get(url).json()
    payload["withdrawn_notice"] = {
        "explanation": "SYNTHETIC: replaced.",
        "withdrawn_at": "2025-06-20T09:30:00Z",
    }
    fake.add_json(_page(page), payload)
    if in_collection:
        collection = httpx.get(fake.url(collection_api_path())).json()
        for doc in collection["links"]["documents"]:
            if doc["base_path"] == page.base_path:
                doc["withdrawn"] = True
        fake.add_json(collection_api_path(), collection)
    fake.reset_counts()


@pytest.mark.parametrize("listed", [True, False])
def test_latest_skips_a_withdrawn_newest_page(
    fake: FakeGovUK, data: DataSite, tmp_path: Path, listed: bool
) -> None:
    newest, second = _current_monthly(data)[:2]
    _withdraw(fake, newest, in_collection=listed)
    with client_for(fake, tmp_path) as client:
        frame = hmcts_data.load("monthly", client=client)
    assert set(frame["source_url"]) == {second.file_urls[0]}
    asked = [p for p in _asked(fake) if p.startswith("/api/content/government/statistical")]
    # Listed as withdrawn, its page is not even read; otherwise the page says so.
    assert asked == ([_page(second)] if listed else [_page(newest), _page(second)])


def test_latest_of_a_publication_whose_slugs_name_no_period(
    fake: FakeGovUK, data: DataSite, tmp_path: Path
) -> None:
    (page,) = data.site.pages_of("ad-hoc")  # only the Search API lists it
    with client_for(fake, tmp_path) as client:
        frame = hmcts_data.load("ad-hoc", client=client)
    # Not a publication of the collection: the Search API is the one list asked.
    assert sorted(_asked(fake)) == sorted([SEARCH, _page(page), _file(fake, page)])
    assert set(frame["source_url"]) == {page.file_urls[0]}


def test_a_stale_cached_discovery_carries_the_newest_page_over(
    fake: FakeGovUK, data: DataSite, tmp_path: Path
) -> None:
    newest = _current_monthly(data)[0]
    with client_for(fake, tmp_path, api_max_age=0) as client:
        hmcts_data.catalogue(client=client)
        fake.reset_counts()
        hmcts_data.load("monthly", client=client)
    # The collection is revalidated; the page it says has not moved is not asked for.
    assert sorted(_asked(fake)) == sorted([collection_api_path(), _file(fake, newest)])


def test_a_collection_without_the_publication_sends_latest_to_the_search(
    fake: FakeGovUK, data: DataSite, tmp_path: Path
) -> None:
    collection = httpx.get(fake.url(collection_api_path())).json()
    documents = collection["links"]["documents"]
    monthly = {p.base_path for p in data.site.pages_of("monthly")}
    collection["links"]["documents"] = [d for d in documents if d["base_path"] not in monthly]
    fake.add_json(collection_api_path(), collection)
    fake.reset_counts()
    # The newest page is in the collection only, so the newest the search knows is the next.
    newest = next(p for p in _current_monthly(data) if p.in_search)
    with client_for(fake, tmp_path) as client:
        frame = hmcts_data.load("monthly", client=client)
    assert sorted(_asked(fake)) == sorted(
        [collection_api_path(), SEARCH, _page(newest), _file(fake, newest)]
    )
    assert set(frame["source_url"]) == {newest.file_urls[0]}


def test_all_starts_downloads_before_the_last_page_is_read(
    fake: FakeGovUK, data: DataSite, tmp_path: Path
) -> None:
    record = fake._record

    def slowly(request: Any) -> tuple[bool, Any]:
        offline, fault = record(request)
        return offline, fault if fault is not None else Delay(0.02)

    fake._record = slowly  # type: ignore[method-assign]
    with client_for(fake, tmp_path) as client:
        hmcts_data.load("monthly", "all", client=client)
    asked = _asked(fake)
    pages = [i for i, p in enumerate(asked) if p.startswith("/api/content/government/stat")]
    files = [i for i, p in enumerate(asked) if not p.startswith("/api/")]
    assert min(files) < max(pages)


def test_a_partial_discovery_that_fails_falls_back_as_the_catalogue_does(
    fake: FakeGovUK, data: DataSite, tmp_path: Path
) -> None:
    fake.go_offline()
    calls: dict[str, Callable[[Client], object]] = {
        "load": lambda c: hmcts_data.load("monthly", client=c),
        "catalogue": lambda c: hmcts_data.catalogue(client=c),
    }
    messages = {}
    for name, call in calls.items():
        with client_for(fake, tmp_path / name) as client, warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            call(client)
        stale = [str(x.message) for x in w if issubclass(x.category, StaleDataWarning)]
        messages[name] = next(m for m in stale if m.startswith("Could not discover"))
    assert "embedded snapshot" in messages["load"]
    # The same words, whatever the port or address of the failed request.
    assert messages["load"].split("(")[0] == messages["catalogue"].split("(")[0]
    assert messages["load"].split(")")[-1] == messages["catalogue"].split(")")[-1]


def test_offline_after_a_partial_discovery_answers_from_the_page_cache(
    fake: FakeGovUK, data: DataSite, tmp_path: Path
) -> None:
    with client_for(fake, tmp_path) as client:
        online = hmcts_data.load("monthly", client=client)
    fake.reset_counts()
    with client_for(fake, tmp_path, offline=True) as client, warnings.catch_warnings():
        warnings.simplefilter("error")  # no snapshot warning: the cache answers
        offline = hmcts_data.load("monthly", client=client)
    assert fake.count() == 0
    pd.testing.assert_frame_equal(online, offline)


def test_release_changes_reads_only_its_publications_pages(
    fake: FakeGovUK, data: DataSite, tmp_path: Path
) -> None:
    newest, previous = _current_monthly(data)[:2]
    with client_for(fake, tmp_path) as client:
        hmcts_data.release_changes(client=client)
    pages = data.site.pages_of("monthly")
    expected = {collection_api_path(), SEARCH, *map(_page, pages)}
    expected |= {_file(fake, newest), _file(fake, previous)}
    assert sorted(_asked(fake)) == sorted(expected)


def test_all_reads_the_collections_pages_while_the_search_answers(
    fake: FakeGovUK, data: DataSite, tmp_path: Path
) -> None:
    record = fake._record
    arrived: list[tuple[float, str]] = []

    def timed(request: Any) -> tuple[bool, Any]:
        arrived.append((time.monotonic(), request.path))
        return record(request)

    fake._record = timed  # type: ignore[method-assign]
    fake.inject(SEARCH, Delay(0.5))
    with client_for(fake, tmp_path) as client:
        hmcts_data.load("monthly", "all", client=client)
    searched = next(t for t, p in arrived if p == SEARCH)
    pages = [t for t, p in arrived if p.startswith("/api/content/government/statistical")]
    # Pages the collection lists are asked for before the search has answered.
    assert min(pages) < searched + 0.5


def test_a_search_that_fails_while_pages_are_read_falls_back_as_the_catalogue_does(
    fake: FakeGovUK, data: DataSite, tmp_path: Path
) -> None:
    from hmcts_data._catalogue._api import catalogue_for

    answers: dict[str, tuple[str, str]] = {}
    calls: dict[str, Callable[[Client], Any]] = {
        "all": lambda c: catalogue_for("monthly", "all", client=c),
        "catalogue": lambda c: hmcts_data.catalogue(client=c),
    }
    for name, call in calls.items():
        fake.inject(SEARCH, Status(503), Status(503))  # every attempt of one request
        with client_for(fake, tmp_path / name) as client, warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            got = call(client)
        stale = [str(x.message) for x in w if issubclass(x.category, StaleDataWarning)]
        answers[name] = (got.source, next(m for m in stale if m.startswith("Could not discover")))
    assert answers["all"] == answers["catalogue"]
    assert answers["all"][0] == "snapshot"


def test_the_collection_is_asked_before_the_search_whichever_thread_runs_first(
    fake: FakeGovUK, data: DataSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Pages can be read as soon as the collection answers: it takes the first rate-limit slot
    # even when the thread asking the search gets there first (at GOV.UK's rate, so the slot
    # order is the order the requests arrive in).
    import hmcts_data._catalogue._discover as discover

    real = discover._collection

    def late(client: Client, *, max_age: float | None) -> Any:
        time.sleep(0.2)
        return real(client, max_age=max_age)

    monkeypatch.setattr(discover, "_collection", late)
    with client_for(fake, tmp_path, rate_limit=10.0) as client:
        hmcts_data.load("monthly", "all", client=client)
    asked = _asked(fake)
    assert asked[:2] == [collection_api_path(), SEARCH], asked[:4]


def test_past_the_freshness_window_a_full_discovery_revalidates_what_a_partial_one_read(
    fake: FakeGovUK, data: DataSite, tmp_path: Path
) -> None:
    # Within the window nothing is asked twice (above); past it, the pages a partial
    # discovery read are revalidated with conditional requests, as any stale cached page is.
    with client_for(fake, tmp_path) as client:
        hmcts_data.load("monthly", "all", client=client)
    fake.reset_counts()
    with client_for(fake, tmp_path, api_max_age=0) as client:
        cat = hmcts_data.catalogue(client=client)
    assert cat.source == "live"
    assert not _twice(fake)
    monthly = {_page(p) for p in data.site.pages_of("monthly")} | {collection_api_path(), SEARCH}
    conditional = {
        r.path
        for r in fake.requests
        if {"if-none-match", "if-modified-since"} & {h.lower() for h in r.headers}
    }
    assert conditional == monthly
    assert fake.count() == full_cost(data)
