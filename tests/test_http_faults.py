"""Every network fault against the real local server: the right file, or the right error and
nothing cached."""

from __future__ import annotations

import hashlib
import time
import warnings
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import pytest

from hmcts_data import (
    Client,
    DownloadError,
    HostNotAllowedError,
    IntegrityError,
    NetworkError,
    OfflineError,
    ParseError,
    StaleDataWarning,
)
from hmcts_data._http import RateLimiter, parse_retry_after
from hmcts_data.testing import Delay, Drop, Empty, FakeGovUK, Html, ShortBody, Status
from tests import _http
from tests._http import assert_nothing_cached
from tests._network import refused_port

CSV = b"Month,Receipts\n" + b"".join(b"2024-%02d,%d\n" % (m % 12 + 1, m * 37) for m in range(4000))
CSV_PATH = "/media/abc/HMCTS_MI_output_accessible.csv"


def make_client(fake: FakeGovUK, cache: Path, **overrides: Any) -> Client:
    return _http.make_client(fake, cache, **({"retry_after_cap": 1.0, "timeout": 2.0} | overrides))


@pytest.fixture
def fake() -> Iterator[FakeGovUK]:
    with FakeGovUK() as server:
        server.add_file(CSV_PATH, CSV, content_type="text/csv")
        yield server


@pytest.fixture
def client(fake: FakeGovUK, tmp_path: Path) -> Iterator[Client]:
    with make_client(fake, tmp_path / "cache") as c:
        yield c


def test_429_retry_after_seconds_is_honoured(fake: FakeGovUK, client: Client) -> None:
    fake.inject(CSV_PATH, Status(429, retry_after="1"))
    started = time.monotonic()
    got = client.download(fake.url(CSV_PATH))
    elapsed = time.monotonic() - started
    assert got.path.read_bytes() == CSV
    assert fake.count(CSV_PATH) == 2
    assert elapsed >= 0.95  # backoff alone (0.01 s scale) would be far shorter


def test_429_retry_after_http_date_is_honoured(fake: FakeGovUK, tmp_path: Path) -> None:
    when = datetime.now(UTC) + timedelta(seconds=2)
    fake.inject(CSV_PATH, Status(429, retry_after=format_datetime(when, usegmt=True)))
    with make_client(fake, tmp_path, retry_after_cap=3.0) as client:
        started = time.monotonic()
        client.download(fake.url(CSV_PATH))
        elapsed = time.monotonic() - started
    # The date has one-second resolution, so the wait is between 1 and 2 seconds.
    assert 0.9 <= elapsed < 2.9
    assert fake.count(CSV_PATH) == 2


def test_retry_after_is_capped(fake: FakeGovUK, tmp_path: Path) -> None:
    fake.inject(CSV_PATH, Status(503, retry_after="3600"))
    with make_client(fake, tmp_path, retry_after_cap=0.2) as client:
        started = time.monotonic()
        assert client.download(fake.url(CSV_PATH)).status == "downloaded"
    assert time.monotonic() - started < 2.0


def test_burst_of_503_then_success(fake: FakeGovUK, client: Client) -> None:
    fake.inject(CSV_PATH, Status(503), Status(502), Status(503))
    got = client.download(fake.url(CSV_PATH))
    assert got.sha256 == hashlib.sha256(CSV).hexdigest()
    assert fake.count(CSV_PATH) == 4


def test_retries_exhausted_raise_download_error_and_cache_nothing(
    fake: FakeGovUK, client: Client
) -> None:
    url = fake.url(CSV_PATH)
    fake.inject(CSV_PATH, *[Status(503)] * 4)
    with pytest.raises(DownloadError) as info:
        client.download(url)
    assert info.value.status == 503
    assert info.value.url == url
    assert url in str(info.value)
    assert "503" in str(info.value)
    assert fake.count(CSV_PATH) == 4  # first attempt + retries=3
    assert_nothing_cached(client)


@pytest.mark.parametrize("code", [404, 403, 410])
def test_client_errors_are_not_retried(fake: FakeGovUK, client: Client, code: int) -> None:
    fake.inject(CSV_PATH, Status(code))
    with pytest.raises(DownloadError) as info:
        client.download(fake.url(CSV_PATH))
    assert info.value.status == code
    assert fake.count(CSV_PATH) == 1
    assert_nothing_cached(client)


def test_unknown_path_404_names_url_and_what_to_do(fake: FakeGovUK, client: Client) -> None:
    url = fake.url("/media/gone.csv")
    with pytest.raises(DownloadError, match="404") as info:
        client.download(url)
    assert url in str(info.value)
    assert "check the URL" in str(info.value)
    assert fake.count("/media/gone.csv") == 1


# -- broken bodies ----------------------------------------------------------------------------


def test_connection_dropped_mid_body_is_retried(fake: FakeGovUK, client: Client) -> None:
    fake.inject(CSV_PATH, Drop(after_bytes=5000))
    got = client.download(fake.url(CSV_PATH))
    assert got.path.read_bytes() == CSV
    assert fake.count(CSV_PATH) == 2


def test_connection_dropped_every_time_caches_nothing(fake: FakeGovUK, client: Client) -> None:
    fake.inject(CSV_PATH, *[Drop(after_bytes=5000)] * 4)
    with pytest.raises(DownloadError) as info:
        client.download(fake.url(CSV_PATH))
    assert info.value.status is None  # a transport failure, not an HTTP status
    assert_nothing_cached(client)


def test_short_body_is_retried(fake: FakeGovUK, client: Client) -> None:
    fake.inject(CSV_PATH, ShortBody(missing=100))
    got = client.download(fake.url(CSV_PATH))
    assert got.size == len(CSV)
    assert fake.count(CSV_PATH) == 2


def test_short_body_every_time_caches_nothing(fake: FakeGovUK, client: Client) -> None:
    fake.inject(CSV_PATH, *[ShortBody(missing=100)] * 4)
    with pytest.raises((DownloadError, IntegrityError)):
        client.download(fake.url(CSV_PATH))
    assert fake.count(CSV_PATH) == 4
    assert_nothing_cached(client)


def test_silence_is_not_retried_and_opens_the_breaker(fake: FakeGovUK, tmp_path: Path) -> None:
    # Waiting out silence again is what made a firewalled network cost minutes.
    fake.inject(CSV_PATH, Delay(1.0), Delay(1.0))
    with make_client(fake, tmp_path, timeout=0.3) as client:
        with pytest.raises(NetworkError, match=r"no answer within 0\.3s") as info:
            client.download(fake.url(CSV_PATH))
        assert info.value.host == "127.0.0.1"
        assert "HMCTS_DATA_TIMEOUT" not in str(info.value)  # never "wait longer" for silence
        assert fake.count(CSV_PATH) == 1
        started = time.monotonic()
        with pytest.raises(NetworkError, match="found unreachable"):
            client.get_json(fake.url("/api/content/other"))
        assert time.monotonic() - started < 0.25  # nothing was sent
        assert fake.count("/api/content/other") == 0
        assert_nothing_cached(client)


def test_breaker_closes_after_its_cooldown(fake: FakeGovUK, tmp_path: Path) -> None:
    fake.inject(CSV_PATH, Delay(1.0))
    with make_client(fake, tmp_path, timeout=0.3, unreachable_cooldown=0.5) as client:
        with pytest.raises(NetworkError):
            client.download(fake.url(CSV_PATH))
        time.sleep(0.6)
        assert client.download(fake.url(CSV_PATH)).path.read_bytes() == CSV


def test_breaker_outlives_close(fake: FakeGovUK, tmp_path: Path) -> None:
    fake.inject(CSV_PATH, Delay(1.0))
    with make_client(fake, tmp_path, timeout=0.3) as client:
        with pytest.raises(NetworkError):
            client.download(fake.url(CSV_PATH))
        client.close()
        with pytest.raises(NetworkError, match="found unreachable"):
            client.download(fake.url(CSV_PATH))
    assert fake.count(CSV_PATH) == 1


def test_refused_connection_is_retried_once(tmp_path: Path) -> None:
    port = refused_port()
    with Client(
        base_url=f"http://127.0.0.1:{port}", cache_dir=tmp_path, backoff=0.01, retries=4
    ) as client:
        started = time.monotonic()
        with pytest.raises(NetworkError, match=r"connection refused.*2 attempt") as info:
            client.get_json("/api/content/x")
        assert info.value.status is None
        with pytest.raises(NetworkError, match="found unreachable"):
            client.download("/media/x.csv")
    assert time.monotonic() - started < 5.0


def test_html_page_instead_of_csv_is_rejected(fake: FakeGovUK, client: Client) -> None:
    fake.inject(CSV_PATH, Html())
    with pytest.raises(IntegrityError, match="HTML") as info:
        client.download(fake.url(CSV_PATH))
    assert info.value.url == fake.url(CSV_PATH)
    assert fake.count(CSV_PATH) == 1  # an error page is not retried
    assert_nothing_cached(client)


def test_html_bytes_under_a_csv_content_type_are_rejected(fake: FakeGovUK, client: Client) -> None:
    url = fake.add_file(
        "/media/x/data.csv", b"\n  <!DOCTYPE html><html></html>", content_type="text/csv"
    )
    with pytest.raises(IntegrityError):
        client.download(url)
    assert_nothing_cached(client)


def test_non_zip_for_xlsx_is_rejected(fake: FakeGovUK, client: Client) -> None:
    url = fake.add_file(
        "/media/x/book.xlsx", b"a,b\n1,2\n", content_type="application/octet-stream"
    )
    with pytest.raises(IntegrityError, match="zip"):
        client.download(url, expect="xlsx")
    assert_nothing_cached(client)


def test_empty_body_is_rejected(fake: FakeGovUK, client: Client) -> None:
    fake.inject(CSV_PATH, Empty())
    with pytest.raises(IntegrityError, match="empty"):
        client.download(fake.url(CSV_PATH))
    assert_nothing_cached(client)


def test_error_page_does_not_replace_a_good_cached_copy(fake: FakeGovUK, tmp_path: Path) -> None:
    with make_client(fake, tmp_path, file_max_age=0) as client:
        good = client.download(fake.url(CSV_PATH))
        fake.add_file(CSV_PATH, b"<html>oops</html>", content_type="text/html")
        with pytest.raises(IntegrityError):
            client.download(fake.url(CSV_PATH))
        assert good.path.read_bytes() == CSV
        assert client.cache_info().files == 1


def test_expected_size_and_sha256(fake: FakeGovUK, client: Client) -> None:
    url = fake.url(CSV_PATH)
    with pytest.raises(IntegrityError, match="expected 10 bytes"):
        client.download(url, expected_size=10)
    with pytest.raises(IntegrityError, match="SHA-256"):
        client.download(url, expected_sha256="0" * 64)
    assert_nothing_cached(client)
    digest = hashlib.sha256(CSV).hexdigest()
    got = client.download(url, expected_size=len(CSV), expected_sha256=digest.upper())
    assert got.sha256 == digest


def test_cached_copy_of_another_version_is_not_returned(fake: FakeGovUK, client: Client) -> None:
    url = fake.url(CSV_PATH)
    client.download(url)
    fake.add_file(CSV_PATH, CSV + b"2025-01,1\n", content_type="text/csv")
    # The catalogue says the file is now bigger: the fresh cached copy is not that file.
    got = client.download(url, expected_size=len(CSV) + 10)
    assert got.status == "downloaded"
    assert got.size == len(CSV) + 10


# -- revalidation -----------------------------------------------------------------------------


def test_etag_revalidation_304_keeps_file(fake: FakeGovUK, tmp_path: Path) -> None:
    with make_client(fake, tmp_path, file_max_age=0) as client:
        first = client.download(fake.url(CSV_PATH))
        inode = first.path.stat().st_ino
        second = client.download(fake.url(CSV_PATH))
    assert (first.status, second.status) == ("downloaded", "revalidated")
    last = fake.requests[-1]
    assert last.headers["If-None-Match"] == first.etag
    assert second.path == first.path
    assert second.path.stat().st_ino == inode  # not rewritten
    assert second.sha256 == first.sha256


def test_last_modified_revalidation(fake: FakeGovUK, tmp_path: Path) -> None:
    stamp = datetime(2025, 6, 12, 9, 30, tzinfo=UTC)
    url = fake.add_file(
        "/media/lm.csv", CSV, content_type="text/csv", etag=False, last_modified=stamp
    )
    with make_client(fake, tmp_path, file_max_age=0) as client:
        first = client.download(url)
        second = client.download(url)
    assert first.etag is None
    assert first.last_modified == "Thu, 12 Jun 2025 09:30:00 GMT"
    assert fake.requests[-1].headers["If-Modified-Since"] == first.last_modified
    assert second.status == "revalidated"


def test_changed_file_is_downloaded_again(fake: FakeGovUK, tmp_path: Path) -> None:
    with make_client(fake, tmp_path, file_max_age=0) as client:
        first = client.download(fake.url(CSV_PATH))
        fake.add_file(CSV_PATH, CSV + b"2025-02,9\n", content_type="text/csv")
        second = client.download(fake.url(CSV_PATH))
    assert second.status == "downloaded"
    assert second.sha256 != first.sha256
    assert second.path.read_bytes().endswith(b"2025-02,9\n")


def test_fresh_copy_makes_no_request(fake: FakeGovUK, client: Client) -> None:
    client.download(fake.url(CSV_PATH))
    fake.reset_counts()
    again = client.download(fake.url(CSV_PATH))
    assert again.status == "cached"
    assert fake.count() == 0


# -- redirects and hosts ----------------------------------------------------------------------


def test_redirect_is_followed(fake: FakeGovUK, client: Client) -> None:
    old = fake.add_redirect("/government/uploads/old.csv", CSV_PATH, status=301)
    got = client.download(old)
    assert got.url == old
    assert got.final_url == fake.url(CSV_PATH)
    assert got.path.read_bytes() == CSV


def test_redirect_to_disallowed_host_is_refused_before_connecting(
    fake: FakeGovUK, client: Client
) -> None:
    # "localhost" is the same machine, but not an allowed host name for this client.
    port = fake.base_url.rsplit(":", 1)[1]
    target = f"http://localhost:{port}/media/elsewhere.csv"
    fake.add_file("/media/elsewhere.csv", CSV, content_type="text/csv")
    fake.add_redirect("/r.csv", target, status=302)
    with pytest.raises(HostNotAllowedError, match="localhost") as info:
        client.download(fake.url("/r.csv"))
    assert info.value.url == target
    assert fake.count("/media/elsewhere.csv") == 0
    assert_nothing_cached(client)


def test_redirect_to_remote_host_is_refused(fake: FakeGovUK, client: Client) -> None:
    # Had the client tried to resolve or connect, the test guard would raise instead.
    fake.add_redirect("/r2.csv", "https://evil.example/x.csv")
    with pytest.raises(HostNotAllowedError, match=r"evil\.example"):
        client.download(fake.url("/r2.csv"))


def test_plain_http_off_loopback_is_refused(fake: FakeGovUK, tmp_path: Path) -> None:
    fake.add_redirect("/r3.csv", "http://mirror.example/x.csv")
    with (
        make_client(fake, tmp_path, allowed_hosts=("mirror.example",)) as client,
        pytest.raises(HostNotAllowedError, match="plain http"),
    ):
        client.download(fake.url("/r3.csv"))


def test_disallowed_start_url_sends_nothing(fake: FakeGovUK, client: Client) -> None:
    with pytest.raises(HostNotAllowedError):
        client.download("ftp://127.0.0.1/x.csv")
    with pytest.raises(HostNotAllowedError):
        client.get_json("https://example.org/api/content/x")
    assert fake.count() == 0


# -- stale-if-error and offline ---------------------------------------------------------------


def test_stale_if_error_returns_cached_copy_with_age_warning(
    fake: FakeGovUK, tmp_path: Path
) -> None:
    with make_client(fake, tmp_path, file_max_age=0, retries=1) as client:
        first = client.download(fake.url(CSV_PATH))
        fake.go_offline()
        with pytest.warns(StaleDataWarning, match=r"last confirmed less than a minute ago"):
            got = client.download(fake.url(CSV_PATH))
    assert got.status == "stale"
    assert got.path.read_bytes() == CSV
    assert got.sha256 == first.sha256


def test_stale_if_error_for_api_json(fake: FakeGovUK, tmp_path: Path) -> None:
    fake.add_json("/api/content/x", {"title": "x"})
    with make_client(fake, tmp_path, api_max_age=0, retries=1) as client:
        assert client.get_json("/api/content/x") == {"title": "x"}
        fake.inject("/api/content/x", Status(503), Status(503))
        with pytest.warns(StaleDataWarning, match="503"):
            assert client.get_json("/api/content/x") == {"title": "x"}


def test_no_stale_copy_on_404(fake: FakeGovUK, tmp_path: Path) -> None:
    # A withdrawn file is not a network failure: say so instead of serving the old copy.
    with make_client(fake, tmp_path, file_max_age=0) as client:
        client.download(fake.url(CSV_PATH))
        fake.inject(CSV_PATH, Status(404))
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            with pytest.raises(DownloadError):
                client.download(fake.url(CSV_PATH))


def test_offline_mode_never_touches_network(fake: FakeGovUK, tmp_path: Path) -> None:
    fake.add_json("/api/content/x", {"a": 1})
    with make_client(fake, tmp_path) as online:
        online.download(fake.url(CSV_PATH))
        online.get_json("/api/content/x")
    fake.reset_counts()
    # Offline with everything stale: still served from cache, still no request.
    with make_client(fake, tmp_path, offline=True, file_max_age=0, api_max_age=0) as offline:
        assert offline.download(fake.url(CSV_PATH)).path.read_bytes() == CSV
        assert offline.get_json("/api/content/x") == {"a": 1}
        with pytest.raises(OfflineError) as info:
            offline.download(fake.url("/media/other.csv"))
        assert info.value.url == fake.url("/media/other.csv")
        with pytest.raises(OfflineError):
            offline.get_json("/api/content/not-cached")
    assert fake.count() == 0


# -- API JSON ---------------------------------------------------------------------------------


def test_get_json_caches_revalidates_and_renews(fake: FakeGovUK, tmp_path: Path) -> None:
    fake.add_json("/api/content/p", {"v": 1})
    with make_client(fake, tmp_path, api_max_age=60) as client:
        assert client.get_json("/api/content/p") == {"v": 1}
        assert client.get_json("/api/content/p") == {"v": 1}
        assert fake.count("/api/content/p") == 1
        # max_age=0 forces a conditional request; the 304 renews freshness.
        assert client.get_json("/api/content/p", max_age=0) == {"v": 1}
        assert fake.requests[-1].headers["If-None-Match"]
        assert client.get_json("/api/content/p") == {"v": 1}
        assert fake.count("/api/content/p") == 2
        fake.add_json("/api/content/p", {"v": 2})
        assert client.get_json("/api/content/p", max_age=0) == {"v": 2}


def test_get_json_params_are_part_of_the_key(fake: FakeGovUK, client: Client) -> None:
    for i in range(3):
        fake.add_search_result({"title": f"r{i}", "link": f"/r{i}"})
    one = client.get_json("/api/search.json", params={"count": 1, "fields": ["title", "link"]})
    two = client.get_json("/api/search.json", params={"count": 2})
    assert [len(one["results"]), len(two["results"])] == [1, 2]
    assert fake.requests[0].query == {"count": ["1"], "fields": ["title", "link"]}


def test_invalid_json_is_a_parse_error_and_not_cached(fake: FakeGovUK, client: Client) -> None:
    fake.inject("/api/content/bad", Html())
    fake.add_json("/api/content/bad", {"ok": True})
    with pytest.raises(ParseError) as info:
        client.get_json("/api/content/bad")
    assert info.value.file == fake.url("/api/content/bad")
    assert_nothing_cached(client)
    assert client.get_json("/api/content/bad") == {"ok": True}


def test_user_agent_names_library_not_user(fake: FakeGovUK, client: Client) -> None:
    client.download(fake.url(CSV_PATH))
    agent = fake.requests[0].headers["User-Agent"]
    assert agent == client.settings.user_agent
    assert agent.startswith("hmcts-data/")


# -- rate limit -------------------------------------------------------------------------------


def test_rate_limit_is_respected(fake: FakeGovUK, tmp_path: Path) -> None:
    for i in range(20):
        fake.add_json(f"/api/content/p{i}", {"i": i})
    with make_client(fake, tmp_path, rate_limit=50) as client:
        started = time.monotonic()
        for i in range(20):
            client.get_json(f"/api/content/p{i}")
        elapsed = time.monotonic() - started
    assert elapsed >= 19 / 50 - 0.01


def test_rate_limiter_spaces_calls_across_threads() -> None:
    now = [0.0]
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)

    limiter = RateLimiter(4.0, clock=lambda: now[0], sleep=sleep)
    for _ in range(3):
        limiter.acquire()
    assert waits == [0.25, 0.5]
    now[0] = 10.0  # after a pause the budget is not hoarded: the next call goes at once
    assert limiter.acquire() == 0
    assert limiter.acquire() == 0.25


def test_parse_retry_after_forms() -> None:
    now = datetime(2025, 1, 1, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after("7", now=now) == 7.0
    assert parse_retry_after("Wed, 01 Jan 2025 12:00:05 GMT", now=now) == 5.0
    assert parse_retry_after("Wed, 01 Jan 2025 11:00:00 GMT", now=now) == 0.0
    assert parse_retry_after("soon", now=now) is None
    assert parse_retry_after(None) is None
