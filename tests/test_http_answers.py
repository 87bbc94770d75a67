"""Answers that look successful but are not the whole resource, and redirects that must not be
followed, against the real local server: typed errors, nothing sent where it should not go,
nothing cached."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hmcts_data import Client, DownloadError, HMCTSDataError, HostNotAllowedError
from hmcts_data.testing import FakeGovUK, Success

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


def assert_nothing_cached(client: Client) -> None:
    files = [p for p in client.cache.root.rglob("*") if p.is_file() and p.name != ".lock"]
    assert files == []


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
