"""Size caps against the real local server: gzip bombs, huge or endless bodies and oversized
API pages end in IntegrityError, fast, with nothing cached and memory bounded."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hmcts_data import Client, IntegrityError
from hmcts_data.testing import FakeGovUK, GzipBomb, Gzipped, HugeBody
from tests import _http
from tests._http import assert_nothing_cached, cached_names

CSV = b"Month,Receipts\n" + b"".join(b"2024-%02d,%d\n" % (m % 12 + 1, m) for m in range(200))
CSV_PATH = "/media/abc/HMCTS_MI_output_accessible.csv"
API_PATH = "/api/content/government/collections/x"
PAYLOAD = {"title": "x", "links": {"documents": [{"base_path": f"/p{i}"} for i in range(50)]}}
#: Slack on every time bound, for a loaded machine.
SLACK = 10.0


def make_client(fake: FakeGovUK, cache: Path, **overrides: Any) -> Client:
    return _http.make_client(fake, cache, **({"retries": 2} | overrides))


@pytest.fixture
def fake() -> Iterator[FakeGovUK]:
    with FakeGovUK() as server:
        server.add_file(CSV_PATH, CSV, content_type="text/csv")
        server.add_json(API_PATH, PAYLOAD)
        yield server


@pytest.fixture
def client(fake: FakeGovUK, tmp_path: Path) -> Iterator[Client]:
    with make_client(fake, tmp_path / "cache") as c:
        yield c


def test_gzip_bomb_for_a_file_is_refused_undecoded(fake: FakeGovUK, client: Client) -> None:
    # 2 GiB of zeros in about 2 MB of gzip, sent although the client asked for identity.
    fake.inject(CSV_PATH, GzipBomb(2 * 2**30))
    started = time.monotonic()
    with pytest.raises(IntegrityError, match="Content-Encoding 'gzip'") as info:
        client.download(fake.url(CSV_PATH))
    assert time.monotonic() - started < SLACK
    assert "Nothing was cached" in str(info.value)
    assert fake.count(CSV_PATH) == 1
    assert fake.requests[0].headers["Accept-Encoding"] == "identity"
    assert_nothing_cached(client)


def test_gzipped_file_is_refused_too(fake: FakeGovUK, client: Client) -> None:
    # Honestly compressed or not, a file is stored as sent or not at all: no decoding.
    fake.inject(CSV_PATH, Gzipped())
    with pytest.raises(IntegrityError, match="not asked for"):
        client.download(fake.url(CSV_PATH))
    assert_nothing_cached(client)
    assert client.download(fake.url(CSV_PATH)).path.read_bytes() == CSV


def test_gzip_bomb_for_an_api_page_stops_at_the_json_cap(fake: FakeGovUK, client: Client) -> None:
    fake.inject(API_PATH, GzipBomb(2 * 2**30))
    started = time.monotonic()
    with pytest.raises(IntegrityError, match="HMCTS_DATA_MAX_JSON_SIZE") as info:
        client.get_json(API_PATH)
    assert time.monotonic() - started < SLACK
    assert "inflates" in str(info.value)
    assert fake.count(API_PATH) == 1
    assert_nothing_cached(client)


def test_gzipped_api_page_is_decoded_and_cached(fake: FakeGovUK, client: Client) -> None:
    fake.inject(API_PATH, Gzipped())
    assert client.get_json(API_PATH) == PAYLOAD
    assert fake.requests[0].headers["Accept-Encoding"] == "gzip"
    fake.reset_counts()
    assert client.get_json(API_PATH) == PAYLOAD  # from the cache, decoded
    assert fake.count() == 0


def test_api_page_over_the_cap_is_refused(fake: FakeGovUK, tmp_path: Path) -> None:
    with make_client(fake, tmp_path, max_json_size=1000) as client:
        fake.inject(API_PATH, Gzipped())  # 1.9 kB once inflated, far less on the wire
        with pytest.raises(IntegrityError, match="1000 bytes"):
            client.get_json(API_PATH)
        with pytest.raises(IntegrityError, match="announced"):
            client.get_json(API_PATH)  # identity: refused on its Content-Length
        assert_nothing_cached(client)


def test_huge_content_length_is_refused_before_streaming(fake: FakeGovUK, client: Client) -> None:
    fake.inject(CSV_PATH, HugeBody(10**15))
    started = time.monotonic()
    with pytest.raises(IntegrityError, match="announced 1000000000000000 bytes") as info:
        client.download(fake.url(CSV_PATH))
    assert time.monotonic() - started < SLACK
    assert "HMCTS_DATA_MAX_FILE_SIZE" in str(info.value)
    assert fake.count(CSV_PATH) == 1
    assert_nothing_cached(client)


def test_endless_chunked_body_stops_at_the_file_cap(fake: FakeGovUK, tmp_path: Path) -> None:
    fake.inject(CSV_PATH, HugeBody(None))
    with make_client(fake, tmp_path, max_file_size=2 * 2**20) as client:
        started = time.monotonic()
        with pytest.raises(IntegrityError, match="2 MiB limit"):
            client.download(fake.url(CSV_PATH))
        assert time.monotonic() - started < SLACK
        assert_nothing_cached(client)
        # The cap is on the body: a file under it still arrives.
        assert client.download(fake.url(CSV_PATH)).size == len(CSV)


def test_api_gzip_bomb_fits_in_a_small_address_space(tmp_path: Path) -> None:
    # Decoding the 2 GiB bomb, as before the cap, needs more than 2 GiB; with the cap, the
    # client lives in an address space of 1.5 GiB (server included) and fails cleanly.
    script = textwrap.dedent(
        f"""
        import resource
        resource.setrlimit(resource.RLIMIT_AS, (1536 * 2**20, 1536 * 2**20))
        from hmcts_data import Client, IntegrityError
        from hmcts_data.testing import FakeGovUK, GzipBomb
        with FakeGovUK() as fake:
            fake.add_json("/api/content/x", {{"a": 1}})
            fake.inject("/api/content/x", GzipBomb(2 * 2**30))
            with Client(base_url=fake.base_url, cache_dir={str(tmp_path)!r}, retries=0) as c:
                try:
                    c.get_json("/api/content/x")
                except IntegrityError as exc:
                    print("refused:", exc)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "refused:" in done.stdout
    assert "MAX_JSON_SIZE" in done.stdout
    assert cached_names(tmp_path) == []
