"""Live discovery against the local fake GOV.UK (real HTTP), with request counts.

The site comes from :func:`hmcts_data.testing.build_site`; expectations are computed from what
the builder was asked to publish (``site.pages``), never copied from discovery output.
"""

from __future__ import annotations

import math
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any, TypeVar

import pytest

import hmcts_data
from hmcts_data import Client, ParseError, StaleDataWarning
from hmcts_data._catalogue import Catalogue, catalogue
from hmcts_data._catalogue._discover import SEARCH_PARAMS, collection_api_path, discover
from hmcts_data._catalogue._store import load_discovery
from hmcts_data.testing import Delay, FakeGovUK, SiteFile, SiteRelease, Status, build_site

T = TypeVar("T")
SEARCH = "/api/search.json"
# The Search API's documented parameters (govuk-api.md §3.1); anything else is a 422.
DOCUMENTED = {"q", "count", "start", "order", "fields", "fields[]", "c"}


@pytest.fixture
def fake() -> Iterator[FakeGovUK]:
    with FakeGovUK() as server:
        yield server


def client_for(fake: FakeGovUK, **overrides: Any) -> Client:
    # Loopback may go faster than GOV.UK's 10/s; waits are kept tiny.
    settings: dict[str, Any] = {
        "base_url": fake.base_url,
        "rate_limit": 1000.0,
        "backoff": 0.01,
        "retry_after_cap": 1.0,
        "retries": 2,
        "timeout": 5.0,
    }
    settings.update(overrides)
    return Client(**settings)


def search_total(site: Any) -> int:
    return sum(1 for p in site.pages if p.in_search) + len(site.ignored_search_links)


def expected_requests(site: Any, page_size: int) -> int:
    return 1 + math.ceil(search_total(site) / page_size) + len(site.pages)


def test_cold_discovery_of_about_a_hundred_pages(fake: FakeGovUK) -> None:
    site = build_site(fake, monthly=76)
    assert len(site.pages) >= 100
    with client_for(fake) as client:
        started = time.perf_counter()
        cat = catalogue(client=client)
        elapsed = time.perf_counter() - started
    assert cat.source == "live"
    assert fake.count() == expected_requests(site, 1500)
    assert fake.count("/api/content/") == len(site.pages) + 1
    # Results and collection entries that belong to no publication are never fetched.
    for link in (*site.ignored_search_links, *site.unclassified_paths):
        assert fake.count("/api/content" + link) == 0
    assert cat.unclassified == site.unclassified_paths
    assert any("match no known publication" in note for note in cat.notes)
    # Every request identifies the library.
    assert all(r.headers.get("User-Agent", "").startswith("hmcts-data/") for r in fake.requests)
    print(f"cold discovery: {fake.count()} requests in {elapsed:.3f} s")

    for page in site.pages:
        release = cat.get(page.publication).release(page.slug)
        assert release.base_path == page.base_path
        assert release.url == fake.base_url + page.base_path
        assert release.first_published == page.first_published
        assert [a.url for a in release.attachments] == list(page.file_urls)
        assert [a.filename for a in release.attachments] == [f.filename for f in page.files]
    for page in site.pages_of("monthly"):
        release = cat.get("monthly").release(page.slug)
        assert page.release.latest_month is not None
        assert release.key == page.release.latest_month.strftime("%Y-%m")
        assert release.period_start == page.release.first_month
    assert [r.slug for r in cat.get("monthly").releases] == [
        p.slug
        for p in sorted(
            site.pages_of("monthly"),
            key=lambda p: p.release.latest_month or date.min,
            reverse=True,
        )
    ]
    for pid in ("weekly-covid", "remote-hearings", "reformed-services", "ad-hoc", "user-guide"):
        assert len(cat.get(pid).releases) == len(site.pages_of(pid)) > 0


def test_warm_discovery_makes_no_request(fake: FakeGovUK) -> None:
    build_site(fake, monthly=24)
    with client_for(fake) as client:
        first = catalogue(client=client)
        fake.reset_counts()
        started = time.perf_counter()
        warm = catalogue(client=client)
        elapsed = time.perf_counter() - started
        assert fake.count() == 0
        assert warm.source == "cache"
        assert warm.publications == first.publications
        # Without the stored discovery, the fresh page cache alone also answers everything.
        assert discover(client).publications == first.publications
        assert fake.count() == 0
    print(f"warm discovery: 0 requests in {elapsed:.4f} s")


def test_full_revalidation_costs_only_conditional_requests(fake: FakeGovUK) -> None:
    site = build_site(fake, monthly=24)
    with client_for(fake) as client:
        catalogue(client=client)
        fake.reset_counts()
        again = catalogue(client=client, refresh="full")
    assert fake.count() == expected_requests(site, 1500)
    assert all("If-None-Match" in r.headers for r in fake.requests)
    assert again.source == "live"


def test_revalidation_picks_up_a_changed_page(fake: FakeGovUK) -> None:
    site = build_site(fake, monthly=6)
    page = site.pages_of("monthly")[0]
    with client_for(fake) as client:
        catalogue(client=client)
        changed = client.get_json("/api/content" + page.base_path)
        changed["title"] = "SYNTHETIC corrected title"
        fake.add_json("/api/content" + page.base_path, changed)
        assert catalogue(client=client).get("monthly").latest().title != changed["title"]
        # The update time did not move (a minor edit): only a full revalidation sees it.
        assert (
            catalogue(client=client, refresh=True).get("monthly").latest().title
            != (changed["title"])
        )
        refreshed = catalogue(client=client, refresh="full")
    assert refreshed.get("monthly").release(page.slug).title == "SYNTHETIC corrected title"


def test_body_fallback_attachments(fake: FakeGovUK) -> None:
    site = build_site(fake, monthly=24, body_fallback_before=date(2024, 1, 1))
    old = [p for p in site.pages_of("monthly") if p.body_fallback]
    assert old
    with client_for(fake) as client:
        cat = catalogue(client=client)
        for page in old:
            release = cat.get("monthly").release(page.slug)
            assert release.attachments
            for attachment, item, url in zip(
                release.attachments, page.files, page.file_urls, strict=True
            ):
                assert attachment.from_body_fallback
                assert attachment.url == url
                assert attachment.content_type is None
                assert attachment.type_label is not None
                assert attachment.size is not None
                # The size comes from a rounded label such as "0.1KB".
                assert abs(attachment.size - len(item.body)) <= 0.05 * 1024
            path = release.download(client)
            assert path.read_bytes() == page.files[0].body
        newer = next(p for p in site.pages_of("monthly") if not p.body_fallback)
        release = cat.get("monthly").release(newer.slug)
        assert not any(a.from_body_fallback for a in release.attachments)
        assert [a.size for a in release.attachments] == [len(f.body) for f in newer.files]


def test_withdrawn_pages_are_kept_and_marked(fake: FakeGovUK) -> None:
    site = build_site(fake, monthly=12)
    withdrawn = [p for p in site.pages if p.withdrawn]
    assert {p.publication for p in withdrawn} == {"monthly", "weekly-covid"}
    with client_for(fake) as client:
        cat = catalogue(client=client)
    for page in withdrawn:
        release = cat.get(page.publication).release(page.slug)
        assert release.withdrawn is not None
        assert "replaced" in release.withdrawn.explanation
        assert "<" not in release.withdrawn.explanation
        assert release.withdrawn.withdrawn_at is not None
    monthly = cat.get("monthly")
    assert all(not r.is_withdrawn for r in [monthly.latest()])
    assert sum(r.is_withdrawn for r in monthly.releases) == 1


def test_unreadable_period_and_search_only_page(fake: FakeGovUK) -> None:
    build_site(fake, monthly=3)
    with client_for(fake) as client:
        cat = catalogue(client=client)
    (adhoc,) = cat.get("ad-hoc").releases
    assert (adhoc.period_start, adhoc.period_end, adhoc.key) == (None, None, None)
    assert adhoc.period_note
    assert adhoc.found_in == ("search",)
    assert adhoc.data_file().format.value == "xlsx"
    assert any("not listed in the collection" in note for note in cat.notes)
    assert any("not returned by the Search API" in note for note in cat.notes)
    (guide,) = cat.get("user-guide").releases
    assert guide.attachments[0].format.value == "pdf"
    assert cat.get("user-guide").kind == "document"
    # Found in the collection, so the publications list it; the ad hoc one is not in it.
    assert cat.get("user-guide").collection_url == fake.base_url + (
        "/government/collections/hmcts-management-information"
    )
    assert cat.get("ad-hoc").collection_url is None


def test_search_paging_with_documented_parameters_only(fake: FakeGovUK) -> None:
    site = build_site(fake, monthly=30)
    with client_for(fake) as client:
        cat = discover(client, search_page_size=7)
    searches = [r for r in fake.requests if r.path == SEARCH]
    total = search_total(site)
    assert len(searches) == math.ceil(total / 7)
    assert [int(r.query["start"][0]) for r in searches] == list(range(0, total, 7))
    for request in searches:
        assert request.query["count"] == ["7"]
        for name in request.query:
            assert name in DOCUMENTED or name.startswith(("filter_", "reject_", "aggregate_"))
    assert set(SEARCH_PARAMS) <= set(searches[0].query)
    assert fake.count() == expected_requests(site, 7)
    assert len(cat.releases) == len(site.pages)


def test_429_during_discovery_is_retried(fake: FakeGovUK) -> None:
    site = build_site(fake, monthly=6)
    page = site.pages_of("monthly")[2]
    fake.inject("/api/content" + page.base_path, Status(429, retry_after="0"))
    fake.inject(collection_api_path(), Status(429, retry_after="0"), Status(503))
    with client_for(fake) as client:
        cat = catalogue(client=client)
    assert cat.source == "live"
    assert fake.count("/api/content" + page.base_path) == 2
    assert fake.count(collection_api_path()) == 3
    assert cat.get("monthly").release(page.slug).title == page.release.title


class _ClientThatLosesTheNetwork(Client):
    """Takes the fake server offline after ``after`` API calls: the network going away."""

    def __init__(self, fake: FakeGovUK, after: int, **settings: Any) -> None:
        super().__init__(**settings)
        self._fake, self._after, self._calls = fake, after, 0
        self._lock = threading.Lock()

    def get_checked_json(self, url: str, check: Callable[[Any], T], **kwargs: Any) -> T:
        # Every API page, plain (get_json) or checked (discovery's), comes through here.
        with self._lock:
            self._calls += 1
            if self._calls > self._after:
                self._fake.go_offline(True)
        return super().get_checked_json(url, check, **kwargs)


def settings_for(fake: FakeGovUK) -> dict[str, Any]:
    return {
        "base_url": fake.base_url,
        "rate_limit": 1000.0,
        "backoff": 0.01,
        "retries": 1,
        "timeout": 2.0,
    }


def test_network_lost_midway_without_a_cache_falls_back_to_the_snapshot(
    fake: FakeGovUK,
) -> None:
    build_site(fake, monthly=12)
    with (
        _ClientThatLosesTheNetwork(fake, 10, **settings_for(fake)) as client,
        pytest.warns(StaleDataWarning, match="embedded snapshot") as caught,
    ):
        cat = catalogue(client=client)
    assert cat.source == "snapshot"
    assert "old" in str(caught[0].message)
    assert load_discovery(client_for(fake)) is None


def test_network_lost_midway_falls_back_to_the_last_cached_discovery(fake: FakeGovUK) -> None:
    site = build_site(fake, monthly=12)
    with client_for(fake) as client:
        first = catalogue(client=client)
    # A new page appears; the listing is read, then the network goes before the new page.
    build_site(fake, monthly=13, last_month=date(2025, 5, 1))
    with (
        _ClientThatLosesTheNetwork(fake, 2, **settings_for(fake)) as flaky,
        pytest.warns(StaleDataWarning, match="last cached discovery"),
    ):
        cat = catalogue(client=flaky, refresh=True)
    assert cat.source == "cache"
    assert cat.publications == first.publications
    assert len(cat.get("monthly").releases) == len(site.pages_of("monthly"))


def test_network_down_with_every_page_cached_gives_one_summary_warning(fake: FakeGovUK) -> None:
    build_site(fake, monthly=12)
    with client_for(fake) as client:
        first = catalogue(client=client)
    fake.go_offline(True)
    with (
        client_for(fake, retries=0, timeout=2.0) as client,
        warnings.catch_warnings(record=True) as caught,
    ):
        warnings.simplefilter("always")
        cat = catalogue(client=client, refresh=True)
    stale = [w for w in caught if issubclass(w.category, StaleDataWarning)]
    assert len(stale) == 1
    assert "cached copies" in str(stale[0].message)
    assert cat.source == "cache"
    assert cat.publications == first.publications


def test_offline_mode_never_touches_the_network(fake: FakeGovUK) -> None:
    build_site(fake, monthly=6)
    with client_for(fake) as client:
        with pytest.warns(StaleDataWarning, match="snapshot"):
            empty = catalogue(client=client, offline=True)
        assert empty.source == "snapshot"
        assert fake.count() == 0
        live = catalogue(client=client)
        fake.reset_counts()
        cached = catalogue(client=client, offline=True)
    assert fake.count() == 0
    assert cached.source == "cache"
    assert cached.publications == live.publications
    with client_for(fake, offline=True) as offline_client:
        assert catalogue(client=offline_client).source == "cache"
    assert fake.count() == 0


def test_bad_json_is_a_parse_error_naming_the_url_and_nothing_is_cached(fake: FakeGovUK) -> None:
    site = build_site(fake, monthly=6)
    page = site.pages_of("monthly")[3]
    fake.add_file(
        "/api/content" + page.base_path,
        b'{"base_path": "/x", "tit',
        content_type="application/json",
    )
    with client_for(fake) as client:
        with pytest.raises(ParseError) as info:
            discover(client)
        assert page.base_path in str(info.value)
        # catalogue() falls back to the snapshot, naming the page (in the warning's detail:
        # its first line stays short); nothing is cached.
        with pytest.warns(StaleDataWarning) as caught:
            assert catalogue(client=client).source == "snapshot"
        assert any(page.base_path in str(getattr(w.message, "detail", "")) for w in caught)
        assert load_discovery(client) is None


@pytest.mark.parametrize(
    ("payload", "words"),
    [
        ({"base_path": "/x", "title": "x", "schema_name": "redirect", "details": {}}, "redirect"),
        ({"base_path": "/x", "title": "x", "schema_name": "statistical_data_set"}, "details"),
        (["not", "a", "page"], "not a GOV.UK content page"),
        (
            {
                "base_path": "/x",
                "title": "x",
                "schema_name": "statistical_data_set",
                "details": {"attachments": [{"attachment_type": "file"}]},
            },
            "url",
        ),
    ],
)
def test_page_of_the_wrong_shape_is_a_parse_error(
    fake: FakeGovUK, payload: Any, words: str
) -> None:
    site = build_site(fake, monthly=4)
    page = site.pages_of("monthly")[1]
    fake.add_json("/api/content" + page.base_path, payload)
    with client_for(fake) as client, pytest.raises(ParseError) as info:
        discover(client)
    message = str(info.value)
    assert fake.base_url + "/api/content" + page.base_path in message
    assert words in message
    assert info.value.file == fake.base_url + "/api/content" + page.base_path


def test_collection_of_the_wrong_kind_is_a_parse_error(fake: FakeGovUK) -> None:
    build_site(fake, monthly=2)
    fake.add_json(
        collection_api_path(),
        {"base_path": "/x", "title": "x", "schema_name": "statistical_data_set"},
    )
    with client_for(fake) as client, pytest.raises(ParseError, match="document_collection"):
        discover(client)
    with client_for(fake) as client, pytest.warns(StaleDataWarning, match="document_collection"):
        assert catalogue(client=client).source == "snapshot"


def test_collection_and_search_are_asked_at_once(fake: FakeGovUK) -> None:
    # Each answers after 1.5 s: one after the other would take at least 3 s.
    site = build_site(fake, monthly=2)
    fake.inject(collection_api_path(), Delay(1.5))
    fake.inject(SEARCH, Delay(1.5))
    with client_for(fake) as client:
        started = time.monotonic()
        cat = discover(client)
        elapsed = time.monotonic() - started
    assert len(cat.releases) == len(site.pages)
    assert fake.count() == expected_requests(site, 1500)
    assert elapsed < 2.7


def test_a_failed_collection_is_reported_without_waiting_for_the_search(
    fake: FakeGovUK,
) -> None:
    build_site(fake, monthly=2)
    fake.add_json(
        collection_api_path(),
        {"base_path": "/x", "title": "x", "schema_name": "statistical_data_set"},
    )
    fake.inject(SEARCH, Delay(4.0))
    with client_for(fake) as client:
        started = time.monotonic()
        with pytest.raises(ParseError, match="document_collection"):
            discover(client)
        elapsed = time.monotonic() - started
    assert elapsed < 3.0


def test_rate_limit_keeps_a_burst_under_the_limit(fake: FakeGovUK) -> None:
    site = build_site(fake, monthly=8)
    rate = 25.0
    samples: list[tuple[float, int]] = []
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            samples.append((time.monotonic(), fake.count()))
            time.sleep(0.01)

    sampler = threading.Thread(target=sample)
    sampler.start()
    try:
        with client_for(fake, rate_limit=rate) as client:
            started = time.monotonic()
            discover(client, workers=8)
            elapsed = time.monotonic() - started
    finally:
        done.set()
        sampler.join()
    n = fake.count()
    assert n == expected_requests(site, 1500)
    assert n > rate  # enough requests for a one-second window to mean something
    assert elapsed >= (n - 1) / rate * 0.95
    for t0, c0 in samples:
        in_window = [c for t, c in samples if t0 <= t <= t0 + 1.0]
        assert max(in_window) - c0 <= rate + 1


def test_files_hook_serves_synthetic_monthly_csvs_that_parse(fake: FakeGovUK) -> None:
    from hmcts_data.testing._monthly_files import monthly_csv

    made: dict[str, Any] = {}

    def files(release: SiteRelease) -> list[SiteFile] | None:
        if release.publication != "monthly" or release.latest_month is None:
            return None
        generated = monthly_csv("D", release.latest_month, 3)
        made[release.slug] = generated
        return [SiteFile("HMCTS_MI_output_accessible.csv", generated.data, "text/csv")]

    build_site(fake, monthly=3, files=files)
    with client_for(fake) as client:
        latest = catalogue(client=client).get("monthly").latest()
        path = latest.download(client)
    frame = hmcts_data.read("monthly", path, release=latest.key)
    expected = made[latest.slug]
    assert frame["value"].notna().sum() == sum(c.value is not None for c in expected.expected)
    assert set(frame["release"]) == {latest.key}


def test_discovery_result_is_a_catalogue_with_every_publication(fake: FakeGovUK) -> None:
    build_site(fake, monthly=2)
    with client_for(fake) as client:
        cat = catalogue(client=client)
    assert isinstance(cat, Catalogue)
    assert [p.id for p in cat] == [
        "monthly",
        "weekly-covid",
        "remote-hearings",
        "reformed-services",
        "ad-hoc",
        "user-guide",
    ]
    assert all(p.licence == "Open Government Licence v3.0" for p in cat)


def test_release_pages_of_other_content_schemas_are_read(fake: FakeGovUK) -> None:
    site = build_site(fake, monthly=2)
    (guide,) = site.pages_of("user-guide")
    with client_for(fake) as client:
        page = client.get_json("/api/content" + guide.base_path)
        page["schema_name"] = page["document_type"] = "detailed_guide"
        fake.add_json("/api/content" + guide.base_path, page)
        cat = catalogue(client=client, refresh="full")
    assert cat.get("user-guide").releases[0].slug == guide.slug
