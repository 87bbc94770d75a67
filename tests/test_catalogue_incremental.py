"""Incremental refresh: the collection's update times decide which release pages are read.

Request counts are asserted against the local stand-in (issue 13 point 4): a cold discovery
reads every page, a warm one nothing, a refresh after one new release reads the collection, the
search page and the new page only, and a full revalidation every page again.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from hmcts_data import Client
from hmcts_data._catalogue import catalogue
from hmcts_data._catalogue._discover import FULL_REVALIDATION_AGE, collection_api_path
from hmcts_data._catalogue._store import load_discovery, save_discovery
from hmcts_data.testing import FakeGovUK, SiteFile, build_site

SEARCH = "/api/search.json"


@pytest.fixture
def fake() -> Iterator[FakeGovUK]:
    with FakeGovUK() as server:
        yield server


def client_for(fake: FakeGovUK) -> Client:
    return Client(base_url=fake.base_url, rate_limit=1000.0, backoff=0.01, retries=1)


def full_cost(site: Any) -> int:
    in_search = sum(1 for p in site.pages if p.in_search) + len(site.ignored_search_links)
    return 1 + math.ceil(in_search / 1500) + len(site.pages)


def _repeats(fake: FakeGovUK) -> str:
    # Names what was asked twice, so a failure says whether discovery or a retry did it.
    paths = Counter(r.path for r in fake.requests)
    return f"paths requested more than once: {[p for p, n in paths.items() if n > 1]}"


def test_request_counts_cold_warm_new_release_and_full(fake: FakeGovUK) -> None:
    site = build_site(fake, monthly=30)
    with client_for(fake) as client:
        cold = catalogue(client=client)
        cold_count = fake.count()
        assert cold_count == full_cost(site), _repeats(fake)
        assert cold.revalidated_at is not None

        fake.reset_counts()
        catalogue(client=client)
        assert fake.count() == 0  # warm: the stored discovery answers

        site = site.publish_monthly()
        new = site.pages[0]
        fake.reset_counts()
        refreshed = catalogue(client=client, refresh=True)
        paths = [r.path for r in fake.requests]
        assert len(paths) <= 6
        assert sorted(paths) == sorted(
            [collection_api_path(), SEARCH, "/api/content" + new.base_path]
        )
        monthly = refreshed.get("monthly")
        assert monthly.latest().slug == new.slug
        assert len(monthly.releases) == len(site.pages_of("monthly"))
        # Carried-over releases are exactly what was read before.
        for release in cold.releases:
            assert refreshed.get(release.publication).release(release.slug) == release
        # The full read is still the one that happened at the cold discovery.
        assert refreshed.revalidated_at == cold.revalidated_at

        fake.reset_counts()
        catalogue(client=client, refresh=True)
        assert fake.count() == 2  # nothing moved: collection and search only (304s)

        fake.reset_counts()
        full = catalogue(client=client, refresh="full")
        assert fake.count() == full_cost(site), _repeats(fake)
        assert full.revalidated_at is not None
        assert cold.revalidated_at is not None
        assert full.revalidated_at > cold.revalidated_at
        assert full.publications == refreshed.publications
    print(
        f"requests: cold {cold_count}, warm 0, refresh after one new release {len(paths)}, "
        f"full {full_cost(site)}"
    )


def test_a_release_updated_in_place_is_read_again(fake: FakeGovUK) -> None:
    site = build_site(fake, monthly=8)
    page = site.pages_of("monthly")[2]
    with client_for(fake) as client:
        before = catalogue(client=client).get("monthly").release(page.slug)
        assert before.last_updated is not None
        when = before.last_updated + timedelta(days=3)
        replacement = SiteFile(
            page.files[0].filename, b"SYNTHETIC revised\r\n", page.files[0].content_type
        )
        site = site.update_in_place(
            page.slug, at=when, note="SYNTHETIC: revised figures", files=[replacement]
        )
        fake.reset_counts()
        after = catalogue(client=client, refresh=True).get("monthly").release(page.slug)
    assert fake.count("/api/content/government/statistical-data-sets/") == 1
    assert fake.count("/api/content" + page.base_path) == 1
    assert after.last_updated == when
    assert after.change_history[0].note == "SYNTHETIC: revised figures"
    assert after.attachments[0].size == len(replacement.body)


def test_untrusted_earlier_discovery_gets_a_full_revalidation(fake: FakeGovUK) -> None:
    site = build_site(fake, monthly=6)
    with client_for(fake) as client:
        cat = catalogue(client=client)
        old = datetime.now(UTC) - FULL_REVALIDATION_AGE - timedelta(hours=1)
        save_discovery(client, cat.model_copy(update={"revalidated_at": old}))
        fake.reset_counts()
        again = catalogue(client=client, refresh=True)
        assert fake.count() == full_cost(site)
        assert again.revalidated_at is not None
        assert again.revalidated_at > old
        stored = load_discovery(client)
        assert stored is not None
        assert stored.revalidated_at == again.revalidated_at


def test_collection_without_update_times_is_not_trusted(fake: FakeGovUK) -> None:
    site = build_site(fake, monthly=6)
    with client_for(fake) as client:
        catalogue(client=client)
        collection = client.get_json(collection_api_path())
        for doc in collection["links"]["documents"]:
            doc.pop("public_updated_at", None)
        fake.add_json(collection_api_path(), collection)
        fake.reset_counts()
        catalogue(client=client, refresh=True)
    assert fake.count() == full_cost(site)


def test_stale_cached_discovery_refreshes_incrementally(fake: FakeGovUK) -> None:
    site = build_site(fake, monthly=6)
    with Client(
        base_url=fake.base_url, rate_limit=1000.0, backoff=0.01, retries=1, api_max_age=0
    ) as client:
        catalogue(client=client)
        site = site.publish_monthly()
        fake.reset_counts()
        cat = catalogue(client=client)  # the cached discovery is stale at once
    assert fake.count() == 3
    assert cat.get("monthly").latest().slug == site.pages[0].slug


def test_cli_refresh_flags(
    fake: FakeGovUK,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Any,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from hmcts_data.cli import main

    site = build_site(fake, monthly=6)
    monkeypatch.setenv("HMCTS_DATA_BASE_URL", fake.base_url)
    monkeypatch.setenv("HMCTS_DATA_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("HMCTS_DATA_RATE_LIMIT", "1000")
    assert main(["catalogue"]) == 0
    fake.reset_counts()
    assert main(["catalogue", "--refresh"]) == 0
    assert fake.count() == 2
    fake.reset_counts()
    assert main(["catalogue", "--full-refresh"]) == 0
    assert fake.count() == full_cost(site)
    capsys.readouterr()
