"""Answers that look successful but are not the whole resource, and redirects that must not be
followed, against the real local server: typed errors, nothing sent where it should not go,
nothing cached."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hmcts_data import (
    Client,
    DownloadError,
    HMCTSDataError,
    HostNotAllowedError,
    IntegrityError,
)
from hmcts_data.testing import FakeGovUK, Html, NotModified, Success
from tests._http import assert_nothing_cached

CSV = b"Month,Receipts\n2024-01,5\n2024-02,7\n"
CSV_PATH = "/media/abc/data.csv"


@pytest.fixture
def fake() -> Iterator[FakeGovUK]:
    with FakeGovUK() as server:
        server.add_file(CSV_PATH, CSV, content_type="text/csv")
        yield server


@pytest.fixture
def client(fake: FakeGovUK, tmp_path: Path) -> Iterator[Client]:
    settings: dict[str, Any] = {"base_url": fake.base_url, "cache_dir": tmp_path}
    with Client(**settings, rate_limit=1000, backoff=0.01, retries=2) as c:
        yield c


@pytest.mark.parametrize("code", [206, 203, 299])
def test_other_success_codes_are_refused(fake: FakeGovUK, client: Client, code: int) -> None:
    fake.inject(CSV_PATH, Success(code))
    with pytest.raises(DownloadError, match=f"HTTP {code}") as info:
        client.download(fake.url(CSV_PATH))
    assert info.value.status == code
    assert "Nothing was cached" in str(info.value)
    assert fake.count(CSV_PATH) == 1
    assert_nothing_cached(client)
    # The next, whole answer is taken.
    assert client.download(fake.url(CSV_PATH)).path.read_bytes() == CSV


@pytest.mark.parametrize(
    "location",
    [
        "javascript:alert(1)",
        "\\\\evil.example\\x.csv",  # a browser reads this as //evil.example/x.csv
        "http:\\\\evil.example\\x.csv",
        "http://[::1/x.csv",
        "http://exa mple.test/x.csv",
        "http://127.0.0.1:99999/x.csv",
        "data:text/csv,a,b",
    ],
)
def test_invalid_redirect_urls_are_host_errors(
    fake: FakeGovUK, client: Client, location: str
) -> None:
    start = fake.add_redirect("/r.csv", location, status=302)
    with pytest.raises(HostNotAllowedError) as info:
        client.download(start)
    assert isinstance(info.value, HMCTSDataError)
    assert "Refusing" in str(info.value)
    assert fake.count("/r.csv") == 1  # not retried
    assert_nothing_cached(client)


def test_redirect_to_another_port_of_an_allowed_host_is_refused(
    fake: FakeGovUK, client: Client
) -> None:
    with FakeGovUK() as other:
        other.add_file(CSV_PATH, CSV, content_type="text/csv")
        start = fake.add_redirect("/p.csv", other.url(CSV_PATH), status=301)
        with pytest.raises(HostNotAllowedError, match="port") as info:
            client.download(start)
        assert other.count() == 0  # refused before connecting
    assert info.value.url == other.url(CSV_PATH)
    assert_nothing_cached(client)


def test_https_on_a_non_standard_port_is_refused(fake: FakeGovUK, client: Client) -> None:
    with pytest.raises(HostNotAllowedError, match="port 8443"):
        client.download("https://assets.publishing.service.gov.uk:8443/media/x.csv")
    # The standard port is fine as far as the check goes (the test guard then blocks it).
    fake.add_redirect("/same.csv", CSV_PATH)
    assert client.download(fake.url("/same.csv")).path.read_bytes() == CSV


@pytest.mark.parametrize("content_type", ["text/csv", "application/xml", "application/xhtml+xml"])
def test_xhtml_error_page_with_an_xml_declaration_is_html(
    fake: FakeGovUK, client: Client, content_type: str
) -> None:
    fake.inject(CSV_PATH, Html(xml_declaration=True, content_type=content_type))
    with pytest.raises(IntegrityError, match="HTML page"):
        client.download(fake.url(CSV_PATH))
    assert_nothing_cached(client)


def test_xml_declaration_then_comment_then_html_is_html(fake: FakeGovUK, client: Client) -> None:
    page = b'<?xml version="1.0"?>\n<!-- generated -->\n<html><body>Error</body></html>'
    url = fake.add_file("/media/x/page.csv", page, content_type="text/csv")
    with pytest.raises(IntegrityError, match="HTML page"):
        client.download(url)
    assert_nothing_cached(client)


def test_304_with_new_validators_updates_the_sidecar(fake: FakeGovUK, tmp_path: Path) -> None:
    new_date = "Wed, 01 Oct 2025 09:00:00 GMT"
    with Client(base_url=fake.base_url, cache_dir=tmp_path, rate_limit=1000, file_max_age=0) as c:
        first = c.download(fake.url(CSV_PATH))
        fake.inject(CSV_PATH, NotModified(etag='"v2"', last_modified=new_date))
        second = c.download(fake.url(CSV_PATH))
        assert second.status == "revalidated"
        assert (second.etag, second.last_modified) == ('"v2"', new_date)
        assert second.sha256 == first.sha256
        third = c.download(fake.url(CSV_PATH))
    sent = fake.requests[-1].headers
    assert sent["If-None-Match"] == '"v2"'
    assert sent["If-Modified-Since"] == new_date
    # The server's real tag differs from "v2", so the file came again, whole.
    assert third.status == "downloaded"
    assert third.path.read_bytes() == CSV


def test_304_with_a_new_etag_updates_an_api_page(fake: FakeGovUK, tmp_path: Path) -> None:
    fake.add_json("/api/content/p", {"v": 1})
    with Client(base_url=fake.base_url, cache_dir=tmp_path, rate_limit=1000, api_max_age=0) as c:
        assert c.get_json("/api/content/p") == {"v": 1}
        fake.inject("/api/content/p", NotModified(etag='"p2"'))
        assert c.get_json("/api/content/p") == {"v": 1}
        c.get_json("/api/content/p")
    assert fake.requests[-1].headers["If-None-Match"] == '"p2"'
