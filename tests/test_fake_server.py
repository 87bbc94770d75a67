"""The fake GOV.UK itself: what downstream tests rely on it to do (plain httpx, no client)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest

from hmcts_data.testing import Drop, FakeGovUK, Html, ShortBody, Status

SEARCH = "/api/search.json"


@pytest.fixture
def fake() -> Iterator[FakeGovUK]:
    with FakeGovUK() as server:
        yield server


def test_binds_loopback_and_serves_files_with_validators(fake: FakeGovUK) -> None:
    assert fake.base_url.startswith("http://127.0.0.1:")
    url = fake.add_file(
        "/media/x/a.csv",
        b"a,b\n1,2\n",
        content_type="text/csv",
        last_modified=datetime(2025, 6, 12, 9, 30, tzinfo=UTC),
    )
    first = httpx.get(url)
    assert first.content == b"a,b\n1,2\n"
    assert first.headers["content-type"] == "text/csv"
    assert first.headers["last-modified"] == "Thu, 12 Jun 2025 09:30:00 GMT"
    by_etag = httpx.get(url, headers={"If-None-Match": first.headers["etag"]})
    by_date = httpx.get(url, headers={"If-Modified-Since": first.headers["last-modified"]})
    assert (by_etag.status_code, by_etag.content) == (304, b"")
    assert by_date.status_code == 304
    # A different validator means a different version: the body comes back.
    assert httpx.get(url, headers={"If-None-Match": '"other"'}).status_code == 200


def test_replacing_json_changes_etag(fake: FakeGovUK) -> None:
    url = fake.add_json("/api/content/x", {"v": 1})
    tag = httpx.get(url).headers["etag"]
    fake.add_json("/api/content/x", {"v": 2})
    again = httpx.get(url, headers={"If-None-Match": tag})
    assert again.status_code == 200
    assert again.json() == {"v": 2}


def test_faults_are_consumed_in_order_then_normal_service(fake: FakeGovUK) -> None:
    url = fake.add_file("/f.csv", b"x" * 5000, content_type="text/csv")
    fake.inject("/f.csv", Status(429, retry_after="3"), Html(), Drop(after_bytes=10))
    r1 = httpx.get(url)
    assert (r1.status_code, r1.headers["retry-after"]) == (429, "3")
    r2 = httpx.get(url)
    assert r2.headers["content-type"].startswith("text/html")
    with pytest.raises(httpx.RemoteProtocolError):
        httpx.get(url)
    assert httpx.get(url).content == b"x" * 5000
    assert fake.count("/f.csv") == 4
    fake.reset_counts()
    assert fake.count() == 0


def test_short_body_announces_more_than_it_sends(fake: FakeGovUK) -> None:
    url = fake.add_file("/f.csv", b"y" * 100, content_type="text/csv")
    fake.inject("/f.csv", ShortBody(missing=7))
    with pytest.raises(httpx.RemoteProtocolError, match="expected 107"):
        httpx.get(url)


def test_offline_drops_every_connection(fake: FakeGovUK) -> None:
    url = fake.add_json("/api/content/x", {})
    fake.go_offline()
    with pytest.raises(httpx.RemoteProtocolError):
        httpx.get(url)
    fake.go_offline(False)
    assert httpx.get(url).json() == {}


def test_redirect_and_unknown_path(fake: FakeGovUK) -> None:
    fake.add_redirect("/old", "https://elsewhere.example/new", status=302)
    response = httpx.get(fake.url("/old"))
    assert (response.status_code, response.headers["location"]) == (
        302,
        "https://elsewhere.example/new",
    )
    assert httpx.get(fake.url("/nothing")).status_code == 404


def _add_results(fake: FakeGovUK, n: int) -> None:
    for i in range(n):
        fake.add_search_result(
            {
                "title": f"Release {i}",
                "link": f"/government/statistical-data-sets/r{i}",
                "public_timestamp": f"2024-{i % 12 + 1:02d}-01T09:30:00.000+01:00",
                "document_collections": [{"slug": "even" if i % 2 == 0 else "odd"}],
                "organisations": ["hm-courts-and-tribunals-service"],
            }
        )


def test_search_pages_filters_orders_and_projects(fake: FakeGovUK) -> None:
    _add_results(fake, 25)
    url = fake.url(SEARCH)
    default = httpx.get(url).json()
    assert (len(default["results"]), default["total"], default["start"]) == (10, 25, 0)
    links: list[str] = []
    for start in range(0, 25, 7):
        page = httpx.get(url, params={"count": 7, "start": start}).json()
        links += [r["link"] for r in page["results"]]
    assert len(set(links)) == 25
    even = httpx.get(url, params={"filter_document_collections": "even", "count": 100}).json()
    assert even["total"] == 13
    both = httpx.get(
        url,
        params=[("filter_document_collections", "even"), ("filter_document_collections", "odd")],
    ).json()
    assert both["total"] == 25
    ordered = httpx.get(
        url, params={"order": "-public_timestamp", "count": 1500, "fields": "public_timestamp"}
    ).json()["results"]
    stamps = [r["public_timestamp"] for r in ordered]
    assert stamps == sorted(stamps, reverse=True)
    assert "title" not in ordered[0]
    assert ordered[0]["_id"].startswith("/government/")


@pytest.mark.parametrize(
    "params", [{"bogus": "1"}, {"count": "1501"}, {"count": "x"}, {"start": "-1"}]
)
def test_search_rejects_bad_parameters_with_422(fake: FakeGovUK, params: dict[str, str]) -> None:
    assert httpx.get(fake.url(SEARCH), params=params).status_code == 422


def test_fake_govuk_fixture_sets_base_url(fake_govuk: FakeGovUK) -> None:
    import os

    assert os.environ["HMCTS_DATA_BASE_URL"] == fake_govuk.base_url
    url = fake_govuk.add_json("/api/content/y", {"ok": True})
    assert httpx.get(url).json() == {"ok": True}
