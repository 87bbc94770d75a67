"""Opt-in checks of the decisions finders against the real GOV.UK (``pytest -m network``).

Skipped by default and in CI. They tell us when GOV.UK changed what the packaged facts and the
stand-in assume: the finders' facets, the Search API's fields and filters, a decision page's
shape, and how deep a query may page (unknown: recorded, not assumed). About 30 requests.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from hmcts_data import Client, DownloadError, decisions
from hmcts_data.decisions._search import Query, fetch_page

pytestmark = [pytest.mark.network, pytest.mark.timeout(600)]


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Client]:
    with Client(
        base_url="https://www.gov.uk", cache_dir=tmp_path_factory.mktemp("live-decisions")
    ) as client:
        yield client


def test_live_finder_pages_have_the_packaged_facets(live: Client) -> None:
    for packaged, fresh in zip(
        decisions.finders(), decisions.finders(refresh=True, client=live), strict=True
    ):
        assert fresh.source == "live"
        assert [f.key for f in fresh.facets] == [f.key for f in packaged.facets], packaged.id
        for old, new in zip(packaged.facets, fresh.facets, strict=True):
            # Values may be added; those we know should still be there.
            assert {v.slug for v in old.values} <= {v.slug for v in new.values}, old.key


def test_live_search_returns_typed_decisions_with_facets(live: Client) -> None:
    found = decisions.search("employment-tribunal", limit=30, client=live)
    assert found.total > 50_000
    assert len(found) == 30
    assert found.missing_fields == ()  # else: the Search API stopped returning a facet
    codes = {v.slug for v in decisions.finder("employment-tribunal").facet("categories").values}
    assert all(d.link.startswith("/employment-tribunal-decisions/") for d in found)
    assert all(d.updated is not None for d in found)
    assert sum(d.decision_date is not None for d in found) >= 25
    assert any(set(d.categories) & codes for d in found)


def test_live_facet_and_date_filters_narrow_the_search(live: Client) -> None:
    every = decisions.search("employment-tribunal", limit=0, client=live).total
    narrow = decisions.search(
        "employment-tribunal",
        categories="unfair-dismissal",
        decided=("2024-01-01", "2024-12-31"),
        limit=20,
        client=live,
    )
    assert 0 < narrow.total < every
    for d in narrow:
        assert "unfair-dismissal" in d.categories
        assert d.decision_date is not None
        assert d.decision_date.year == 2024


def test_live_paging_depth_is_recorded(live: Client, capsys: pytest.CaptureFixture[str]) -> None:
    query = Query(decisions.finder("employment-tribunal"))
    outcome: dict[int, str] = {}
    for start in (5_000, 9_990, 10_000, 20_000):
        try:
            page = fetch_page(live, query.params(count=10, start=start), cached=False)
            outcome[start] = f"{len(page.results)} results"
        except DownloadError as exc:
            outcome[start] = f"refused (HTTP {exc.status})"
    with capsys.disabled():
        print(f"\nSearch API paging depth, employment tribunal decisions: {outcome}")
    assert outcome[5_000] == "10 results"  # the default bound (6,000) must be reachable


def test_live_harvest_of_the_smallest_finder_adds_up(live: Client) -> None:
    total = decisions.search("asylum-support-tribunal", limit=0, client=live).total
    frame = decisions.harvest("asylum-support-tribunal", full=True, client=live)
    assert len(frame) == total
    assert frame["link"].is_unique


def test_live_decision_page_and_pdf(live: Client) -> None:
    first = decisions.search("employment-appeal-tribunal", limit=1, client=live)[0]
    page = decisions.decision(first.link, client=live)
    assert page.decision.link == first.link
    assert page.decision.categories
    path = page.pdf(client=live)
    assert path.read_bytes()[:5] == b"%PDF-"
