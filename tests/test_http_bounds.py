"""Bounded downloads against the real local server: a total deadline per request and a time
budget per call, whatever the server trickles, stalls or asks; every overrun a typed error and
nothing cached. Bounds are generous (the machine is shared) but far below what an unbounded
client takes (minutes, or forever)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hmcts_data import Client, DownloadError, Settings
from hmcts_data.testing import Delay, FakeGovUK, Status, Trickle
from tests import _http
from tests._http import assert_nothing_cached

CSV = b"Month,Receipts\n" + b"".join(b"2024-%02d,%d\n" % (m % 12 + 1, m) for m in range(200))
CSV_PATH = "/media/abc/HMCTS_MI_output_accessible.csv"
#: Slack on every time bound, for a loaded machine.
SLACK = 6.0


def make_client(fake: FakeGovUK, cache: Path, **overrides: Any) -> Client:
    return _http.make_client(fake, cache, **({"timeout": 1.0} | overrides))


@pytest.fixture
def fake() -> Iterator[FakeGovUK]:
    with FakeGovUK() as server:
        server.add_file(CSV_PATH, CSV, content_type="text/csv")
        yield server


def timed_failure(client: Client, url: str) -> tuple[DownloadError, float]:
    started = time.monotonic()
    with pytest.raises(DownloadError) as info:
        client.download(url)
    return info.value, time.monotonic() - started


def test_trickled_body_fails_at_the_deadline(fake: FakeGovUK, tmp_path: Path) -> None:
    # One byte every 0.2 s is well inside the 1 s read timeout: only a total deadline stops it
    # (the body would take 0.2 * 3000 bytes = 10 minutes).
    fake.inject(CSV_PATH, *[Trickle(0.2)] * 4)
    with make_client(fake, tmp_path, deadline=2.0) as client:
        error, elapsed = timed_failure(client, fake.url(CSV_PATH))
        assert_nothing_cached(client)
    assert "deadline" in str(error)
    assert "HMCTS_DATA_DEADLINE" in str(error)
    assert error.status is None
    assert 1.9 <= elapsed < 2.0 + SLACK
    assert fake.count(CSV_PATH) == 1  # a server that slow is not asked again


def test_trickled_headers_fail_at_the_deadline(fake: FakeGovUK, tmp_path: Path) -> None:
    # Headers at 0.5 s per byte: the case took 249 s and then succeeded.
    fake.inject(CSV_PATH, Trickle(0.5, headers=True))
    with make_client(fake, tmp_path, deadline=2.0) as client:
        error, elapsed = timed_failure(client, fake.url(CSV_PATH))
        assert_nothing_cached(client)
    assert "deadline" in str(error)
    assert elapsed < 2.0 + SLACK


def test_budget_cuts_a_long_deadline_short(fake: FakeGovUK, tmp_path: Path) -> None:
    fake.inject(CSV_PATH, Trickle(0.2))
    with make_client(fake, tmp_path, deadline=600.0, retry_budget=2.0) as client:
        _, elapsed = timed_failure(client, fake.url(CSV_PATH))
    assert elapsed < 2.0 + SLACK


def test_stalls_stop_at_the_retry_budget(fake: FakeGovUK, tmp_path: Path) -> None:
    # Each attempt stalls past the read timeout; with 10 retries an unbounded client would
    # spend 11 timeouts plus backoff. The budget stops retrying after about 3 s.
    fake.inject(CSV_PATH, *[Delay(20.0)] * 12)
    with make_client(fake, tmp_path, retries=10, retry_budget=3.0) as client:
        error, elapsed = timed_failure(client, fake.url(CSV_PATH))
        assert_nothing_cached(client)
    assert error.status is None
    assert elapsed < 3.0 + SLACK


def test_a_stall_cut_by_the_budget_says_so(fake: FakeGovUK, tmp_path: Path) -> None:
    # The first attempt fails at once (503); the second stalls until the budget runs out.
    fake.inject(CSV_PATH, Status(503), Delay(20.0))
    with make_client(fake, tmp_path, timeout=30.0, retry_budget=2.0) as client:
        error, elapsed = timed_failure(client, fake.url(CSV_PATH))
        assert_nothing_cached(client)
    assert "retry budget ran out" in str(error)
    assert "HMCTS_DATA_RETRY_BUDGET" in str(error)
    assert 1.9 <= elapsed < 2.0 + SLACK


def test_retry_after_loop_stops_at_the_retry_budget(fake: FakeGovUK, tmp_path: Path) -> None:
    fake.inject(CSV_PATH, *[Status(429, retry_after="2")] * 30)
    with make_client(fake, tmp_path, retries=20, retry_after_cap=2.0, retry_budget=5.0) as client:
        error, elapsed = timed_failure(client, fake.url(CSV_PATH))
        assert_nothing_cached(client)
    assert error.status == 429
    assert "retry budget" in str(error)
    assert "HMCTS_DATA_RETRY_BUDGET" in str(error)
    # Attempts at about 0, 2 and 4 s; the next wait would end past 5 s, so it is not taken.
    assert 3.9 <= elapsed < 5.0 + SLACK
    assert 2 <= fake.count(CSV_PATH) <= 3


def test_a_slow_but_steady_file_within_the_deadline_arrives(
    fake: FakeGovUK, tmp_path: Path
) -> None:
    small = b"a,b\n1,2\n3,4\n"
    url = fake.add_file("/media/small.csv", small, content_type="text/csv")
    fake.inject("/media/small.csv", Trickle(0.02))
    with make_client(fake, tmp_path, deadline=30.0) as client:
        assert client.download(url).path.read_bytes() == small


def test_limits_come_from_the_environment() -> None:
    settings = Settings.from_env(
        {
            "HMCTS_DATA_DEADLINE": "45",
            "HMCTS_DATA_RETRY_BUDGET": "90",
            "HMCTS_DATA_MAX_FILE_SIZE": "1000",
            "HMCTS_DATA_MAX_JSON_SIZE": "2000",
        }
    )
    assert (settings.deadline, settings.retry_budget) == (45.0, 90.0)
    assert (settings.max_file_size, settings.max_json_size) == (1000, 2000)
    defaults = Settings()
    # Far above the published files (kilobytes to about a megabyte).
    assert defaults.max_file_size >= 100 * 2**20
    assert defaults.deadline >= 60
    assert defaults.retry_budget >= defaults.deadline
