"""Opt-in tests against the real GOV.UK: how we learn that GOV.UK changed shape.

Skipped by default and in CI (``addopts`` has ``-m "not network"``). Maintainers with internet::

    pytest -m network tests/test_live_govuk.py

One cold discovery reads the collection, the Search API and every release page (about 150
requests at GOV.UK's limit of 10 per second: allow half a minute), then one data file is
downloaded and parsed.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import hmcts_data
from hmcts_data import Client
from hmcts_data._catalogue import Catalogue
from hmcts_data._catalogue._discover import discover
from hmcts_data._catalogue._snapshot import load_snapshot

pytestmark = [pytest.mark.network, pytest.mark.timeout(600)]


@pytest.fixture(scope="module")
def live_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Client]:
    # Its own cache dir: the per-test cache of conftest would force one discovery per test.
    with Client(
        base_url="https://www.gov.uk", cache_dir=tmp_path_factory.mktemp("live-cache")
    ) as client:
        yield client


@pytest.fixture(scope="module")
def live(live_client: Client) -> Catalogue:
    return discover(live_client, refresh=True)


def test_discovery_finds_the_monthly_releases(live: Catalogue) -> None:
    monthly = live.get("monthly")
    assert len(monthly.releases) >= 12
    keys = list(monthly.keys)
    assert keys == sorted(keys, reverse=True)
    assert all(r.first_published is not None for r in monthly.releases)
    # The recent pages whose addresses are documented are found (old ones may leave the
    # collection and the search index, so they are not required).
    documented = {
        r.slug
        for r in load_snapshot().get("monthly").releases
        if "slug" not in r.inferred and (r.key or "") >= "2025-01"
    }
    assert documented
    assert documented <= {r.slug for r in monthly.releases}


def test_reformed_services_are_found_and_kept_apart(live: Catalogue) -> None:
    reformed = live.get("reformed-services")
    assert any(r.slug.endswith("reformed-services-september-2023") for r in reformed.releases)
    assert not any("reformed-services" in r.slug for r in live.get("monthly").releases)


def test_latest_release_has_a_data_file_that_parses(live: Catalogue, live_client: Client) -> None:
    latest = live.get("monthly").latest()
    attachment = latest.data_file()
    assert attachment.format.is_data
    assert attachment.url is not None
    path: Path = latest.download(live_client)
    frame = hmcts_data.read("monthly", path, release=latest.key, published=latest.first_published)
    assert len(frame) > 0
    assert set(frame["release"].dropna()) == {latest.key}
    assert frame["value"].notna().any()


def test_a_second_discovery_is_served_from_the_cache(live_client: Client, live: Catalogue) -> None:
    again = discover(live_client)
    assert [r.slug for r in again.releases] == [r.slug for r in live.releases]
