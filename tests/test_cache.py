"""The cache: atomic writes under crashes, sidecars, info/clear, fallback dir, two processes."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

import hmcts_data
from hmcts_data import CachedFile, Client, Settings
from hmcts_data._cache import filename_for, resolve_cache_dir
from hmcts_data._cache_layout import LAYOUT_VERSION, LOCK, MARKER, read_marker
from hmcts_data.testing import Delay, FakeGovUK

# Pseudo-random bytes: incompressible, and a truncated copy cannot pass for the whole.
BIG = hashlib.shake_256(b"hmcts").digest(3 * 1024 * 1024)
BIG_PATH = "/media/big/HMCTS_MI_output_accessible.csv"


def _csv_like(data: bytes) -> bytes:
    # Keep the "CSV" free of NUL bytes so the content check accepts it.
    return b"Month,Value\n" + data.replace(b"\x00", b"0")


BODY = _csv_like(BIG)


@pytest.fixture
def fake() -> Iterator[FakeGovUK]:
    with FakeGovUK() as server:
        server.add_file(BIG_PATH, BODY, content_type="text/csv")
        yield server


def make_client(fake: FakeGovUK, cache: Path, **overrides: Any) -> Client:
    return Client(
        base_url=fake.base_url, cache_dir=cache, backoff=0.01, rate_limit=1000, **overrides
    )


def visible(root: Path) -> list[str]:
    """Files under the cache that hold data: not lock files, not the cache's marker."""
    return sorted(p.name for p in root.rglob("*") if p.is_file() and p.name not in {LOCK, MARKER})


class Crash(RuntimeError):
    pass


def test_crash_mid_write_leaves_no_partial_file(fake: FakeGovUK, tmp_path: Path) -> None:
    seen: list[int] = []

    def crash(done: int, total: int | None) -> None:
        seen.append(done)
        if len(seen) == 2:
            raise Crash("power cut")

    with make_client(fake, tmp_path) as client:
        with pytest.raises(Crash):
            client.download(fake.url(BIG_PATH), progress=crash)
        assert 0 < seen[-1] < len(BODY)  # it really stopped part-way
        assert visible(tmp_path) == []
        assert client.cache_info().files == 0
        got = client.download(fake.url(BIG_PATH))
    assert got.path.read_bytes() == BODY


_KILLED_CHILD = textwrap.dedent(
    """
    import os, sys
    from hmcts_data import Client
    def die(done, total):
        if done > 0:
            os._exit(9)  # no cleanup of any kind, like SIGKILL
    Client(base_url=sys.argv[1], cache_dir=sys.argv[2], rate_limit=1000).download(
        sys.argv[3], progress=die)
    """
)


def test_killed_process_leaves_only_an_ignored_temp_file(fake: FakeGovUK, tmp_path: Path) -> None:
    url = fake.url(BIG_PATH)
    child = subprocess.run(
        [sys.executable, "-c", _KILLED_CHILD, fake.base_url, str(tmp_path), url],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert child.returncode == 9, child.stderr
    leftovers = list(tmp_path.rglob(".tmp-*"))
    assert len(leftovers) == 1  # the kill happened mid-write
    assert [n for n in visible(tmp_path) if not n.startswith(".tmp-")] == []
    with make_client(fake, tmp_path) as client:
        assert client.cache_info().files == 0
        got = client.download(url)
    assert got.path.read_bytes() == BODY
    assert not leftovers[0].exists()  # cleaned up under the entry lock


_RACER = textwrap.dedent(
    """
    import json, pathlib, sys, time
    from hmcts_data import Client
    base, cache, url, go = sys.argv[1:5]
    while not pathlib.Path(go).exists():
        time.sleep(0.005)
    got = Client(base_url=base, cache_dir=cache, rate_limit=1000).download(url)
    print(json.dumps({"status": got.status, "sha256": got.sha256, "path": str(got.path)}))
    """
)


def test_two_processes_download_the_same_file_at_once(fake: FakeGovUK, tmp_path: Path) -> None:
    url = fake.url(BIG_PATH)
    cache = tmp_path / "cache"
    go = tmp_path / "go"
    # The first request is slow, so the second process arrives while the first is writing.
    fake.inject(BIG_PATH, Delay(0.5))
    racers = [
        subprocess.Popen(
            [sys.executable, "-c", _RACER, fake.base_url, str(cache), url, str(go)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    time.sleep(1.0)  # let both import and reach the starting line
    go.touch()
    results = []
    for racer in racers:
        out, err = racer.communicate(timeout=60)
        assert racer.returncode == 0, err
        results.append(json.loads(out))
    digest = hashlib.sha256(BODY).hexdigest()
    assert [r["sha256"] for r in results] == [digest, digest]
    assert sorted(r["status"] for r in results) == ["cached", "downloaded"]
    assert results[0]["path"] == results[1]["path"]
    assert Path(results[0]["path"]).read_bytes() == BODY
    # One download: the second process waited on the lock, then found the fresh copy.
    assert fake.count(BIG_PATH) == 1
    assert visible(cache) == ["HMCTS_MI_output_accessible.csv", "meta.json"]


def test_two_threads_share_one_download(fake: FakeGovUK, tmp_path: Path) -> None:
    fake.inject(BIG_PATH, Delay(0.2))
    results: list[CachedFile] = []
    with make_client(fake, tmp_path) as client:
        threads = [
            threading.Thread(target=lambda: results.append(client.download(fake.url(BIG_PATH))))
            for _ in range(3)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert len(results) == 3
    assert fake.count(BIG_PATH) == 1


def test_sidecar_records_provenance(fake: FakeGovUK, tmp_path: Path) -> None:
    stamp = datetime(2025, 6, 12, 9, 30, tzinfo=UTC)
    fake.add_file("/media/x/a.csv", b"a,b\n1,2\n", content_type="text/csv", last_modified=stamp)
    old = fake.add_redirect("/government/uploads/a.csv", "/media/x/a.csv")
    before = datetime.now(UTC)
    with make_client(fake, tmp_path) as client:
        got = client.download(old)
    meta = json.loads((got.path.parent / "meta.json").read_text())
    assert meta["url"] == old
    assert meta["final_url"] == fake.url("/media/x/a.csv")
    assert meta["etag"] == got.etag
    assert meta["etag"].startswith('"')
    assert meta["last_modified"] == "Thu, 12 Jun 2025 09:30:00 GMT"
    assert meta["content_type"] == "text/csv"
    assert meta["size"] == 8
    assert meta["sha256"] == hashlib.sha256(b"a,b\n1,2\n").hexdigest()
    retrieved = datetime.fromisoformat(meta["retrieved_at"])
    assert retrieved.tzinfo is not None
    assert retrieved.utcoffset() == timedelta(0)
    assert before <= retrieved <= datetime.now(UTC)


def test_same_file_name_on_two_urls_is_two_entries(fake: FakeGovUK, tmp_path: Path) -> None:
    # GOV.UK reuses HMCTS_MI_output_accessible.csv across releases.
    a = fake.add_file("/media/1/HMCTS_MI_output_accessible.csv", b"m\n1\n", content_type="text/csv")
    b = fake.add_file("/media/2/HMCTS_MI_output_accessible.csv", b"m\n2\n", content_type="text/csv")
    with make_client(fake, tmp_path) as client:
        first, second = client.download(a), client.download(b)
        assert first.path != second.path
        assert first.path.name == second.path.name == "HMCTS_MI_output_accessible.csv"
        assert (first.path.read_bytes(), second.path.read_bytes()) == (b"m\n1\n", b"m\n2\n")
        assert client.cache_info().files == 2


def test_cache_key_groups_urls(fake: FakeGovUK, tmp_path: Path) -> None:
    a = fake.add_file("/media/1/mi.csv", b"m\n1\n", content_type="text/csv")
    b = fake.add_file("/media/2/mi-v2.csv", b"m\n2\n", content_type="text/csv")
    with make_client(fake, tmp_path, file_max_age=0) as client:
        first = client.download(a, cache_key="monthly/2025-04")
        second = client.download(b, cache_key="monthly/2025-04")
        assert first.path.parent == second.path.parent
        assert not first.path.exists()  # the older file under the key was replaced
        assert client.cache_info().files == 1


def test_cache_info_and_clear(fake: FakeGovUK, tmp_path: Path) -> None:
    fake.add_json("/api/content/x", {"k": "v"})
    small = fake.add_file("/media/s.csv", b"a\n1\n", content_type="text/csv")
    with make_client(fake, tmp_path) as client:
        client.download(fake.url(BIG_PATH))
        client.download(small)
        client.get_json("/api/content/x")
        info = client.cache_info()
        assert info.location == tmp_path
        assert info.files == 3
        assert info.total_bytes == len(BODY) + 4 + len(b'{"k": "v"}')
        assert {e.kind for e in info.entries} == {"files", "api"}
        assert {e.url for e in info.entries} >= {small, fake.url(BIG_PATH)}
        assert client.clear_cache() == 3
        assert client.cache_info().files == 0
        assert visible(tmp_path) == []
        assert read_marker(tmp_path) == LAYOUT_VERSION  # still a cache, just empty
        # Everything still works after a clear (lock files were removed too).
        assert client.download(small).status == "downloaded"


def test_module_level_functions_use_environment(
    fake: FakeGovUK, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HMCTS_DATA_BASE_URL", fake.base_url)
    monkeypatch.setenv("HMCTS_DATA_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("HMCTS_DATA_RATE_LIMIT", "1000")
    path = hmcts_data.download(fake.url(BIG_PATH), expect="csv")
    assert path.read_bytes() == BODY
    assert path.is_relative_to(tmp_path)
    assert hmcts_data.cache_info().files == 1
    with make_client(fake, tmp_path / "other") as client:
        assert hmcts_data.cache_info(client=client).files == 0
    assert hmcts_data.clear_cache() == 1


def test_leftover_temp_files_are_ignored_and_cleaned(fake: FakeGovUK, tmp_path: Path) -> None:
    with make_client(fake, tmp_path, file_max_age=0) as client:
        got = client.download(fake.url(BIG_PATH))
        stray = got.path.parent / ".tmp-killed"
        stray.write_bytes(b"half a file")
        assert client.cache_info().total_bytes == len(BODY)
        client.download(fake.url(BIG_PATH))  # revalidation takes the lock and tidies up
        assert not stray.exists()


def test_tampered_file_is_not_served(fake: FakeGovUK, tmp_path: Path) -> None:
    with make_client(fake, tmp_path) as client:
        got = client.download(fake.url(BIG_PATH))
        got.path.write_bytes(b"truncated")
        again = client.download(fake.url(BIG_PATH))
    assert again.status == "downloaded"
    assert again.path.read_bytes() == BODY


def test_unwritable_cache_dir_falls_back_to_temp_with_warning(
    fake: FakeGovUK, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where a directory should be")
    monkeypatch.setattr("tempfile.gettempdir", lambda: str(tmp_path / "tmp"))
    with make_client(fake, blocker / "cache") as client:
        with pytest.warns(UserWarning, match="not writable"):
            location = client.cache_info().location
        assert location.parent == tmp_path / "tmp"
        assert client.download(fake.url(BIG_PATH)).path.is_relative_to(location)


def test_cache_dir_is_not_touched_until_used(tmp_path: Path) -> None:
    target = tmp_path / "lazy"
    client = Client(cache_dir=target)
    assert not target.exists()
    assert client.cache_info().location == target
    assert target.is_dir()


def test_default_cache_dir_is_platform_user_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import platformdirs

    calls: list[tuple[Any, ...]] = []

    def user_cache_dir(*args: Any, **kwargs: Any) -> str:
        calls.append(args)
        return str(tmp_path / "platform-cache")

    monkeypatch.setattr(platformdirs, "user_cache_dir", user_cache_dir)
    assert resolve_cache_dir(Settings()) == tmp_path / "platform-cache"
    assert calls[0][0] == "hmcts-data"
    assert (tmp_path / "platform-cache").is_dir()


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("https://x.test/media/1/HMCTS_MI_output_accessible.csv", "HMCTS_MI_output_accessible.csv"),
        ("https://x.test/media/1/a%20b.xlsx?x=1", "a_b.xlsx"),
        ("https://x.test/", "download"),
        ("https://x.test/meta.json", "file-meta.json"),
        ("https://x.test/..%2F..%2Fetc%2Fpasswd", "etc_passwd"),
    ],
)
def test_file_names_are_safe(url: str, name: str) -> None:
    assert filename_for(url) == name
