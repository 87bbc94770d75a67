"""Nothing the user does can hang a download (issue 24, item 10).

A progress callback that asks for the file it reports on, and Ctrl-C while files trickle in
through worker threads (the library's own pool, or the user's).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

import hmcts_data
from hmcts_data import Client, DownloadError
from hmcts_data.testing import FakeGovUK, Trickle
from hmcts_data.testing._demo import build_data_site

CSV = b"Month,Value\n" + b"".join(b"2024-%02d,%d\n" % (m, m) for m in range(1, 13)) * 50


@pytest.fixture
def fake() -> Iterator[FakeGovUK]:
    with FakeGovUK() as server:
        server.add_file("/media/x.csv", CSV, content_type="text/csv")
        yield server


def in_thread(call: Any, seconds: float) -> dict[str, Any]:
    """Run ``call`` in a daemon thread; what it returned or raised, or nothing if it hung."""
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["result"] = call()
        except BaseException as exc:
            outcome["error"] = exc

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(seconds)
    return outcome


def test_progress_callback_that_downloads_the_same_file_does_not_hang(
    fake: FakeGovUK, tmp_path: Path
) -> None:
    client = Client(base_url=fake.base_url, cache_dir=tmp_path, rate_limit=1000)
    url = fake.url("/media/x.csv")
    inner: list[BaseException] = []

    def progress(done: int, total: int | None) -> None:
        if not inner:
            try:
                client.download(url)
            except DownloadError as exc:
                inner.append(exc)

    outcome = in_thread(lambda: client.download(url, progress=progress), 20)
    assert outcome, "the download deadlocked on its own entry lock"
    assert outcome["result"].path.read_bytes() == CSV
    assert "being fetched by this same thread" in str(inner[0])
    # Afterwards the file is simply there.
    assert client.download(url).status == "cached"
    client.close()


def test_progress_callback_that_clears_the_cache_does_not_hang(
    fake: FakeGovUK, tmp_path: Path
) -> None:
    client = Client(base_url=fake.base_url, cache_dir=tmp_path, rate_limit=1000)

    def progress(done: int, total: int | None) -> None:
        client.clear_cache()

    outcome = in_thread(lambda: client.download(fake.url("/media/x.csv"), progress=progress), 20)
    assert outcome, "clear_cache() from a progress callback deadlocked"
    assert outcome["result"].path.read_bytes() == CSV
    client.close()


_CHILD = textwrap.dedent(
    """
    import sys
    import hmcts_data
    from hmcts_data import Client
    base, cache, mode, url = sys.argv[1:5]
    client = Client(base_url=base, cache_dir=cache, rate_limit=1000, deadline=60, timeout=30)
    hmcts_data.catalogue(client=client)
    import pandas  # the parsers' imports, before the downloads start
    print("ready", flush=True)
    if mode == "load":
        hmcts_data.load("monthly", "all", client=client)
    else:  # the user's own pool, left to the interpreter's exit
        from concurrent.futures import ThreadPoolExecutor
        pool = ThreadPoolExecutor(2)
        pool.submit(client.download, url).result()
    """
)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to a child process")
@pytest.mark.parametrize("mode", ["load", "user-pool"])
def test_ctrl_c_during_trickling_downloads_stops_at_once(tmp_path: Path, mode: str) -> None:
    with FakeGovUK() as fake:
        build_data_site(fake, monthly=4, last_month=date(2025, 4, 1))
        fake.add_file("/media/x.csv", CSV, content_type="text/csv")
        # Every file sends a byte every 3 s (each download would take minutes), set before the
        # child can ask for any: the child's catalogue() reads pages only, never a file.
        with Client(base_url=fake.base_url, cache_dir=tmp_path / "parent") as lister:
            found = hmcts_data.catalogue(client=lister)
            media = {"/media/x.csv"} | {
                urlsplit(str(attachment.url)).path
                for release in found.get("monthly").releases
                for attachment in release.attachments
            }
        for path in media:
            fake.inject(path, Trickle(3.0))
        started = fake.count("/media")
        child = subprocess.Popen(
            [
                sys.executable,
                "-c",
                _CHILD,
                fake.base_url,
                str(tmp_path / "child"),
                mode,
                fake.url("/media/x.csv"),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready", (
            child.stderr.read() if child.stderr else ""
        )
        give_up = time.monotonic() + 30
        while fake.count("/media") == started and time.monotonic() < give_up:
            time.sleep(0.05)
        time.sleep(0.5)  # well into the trickle
        sent = time.monotonic()
        os.kill(child.pid, signal.SIGINT)
        try:
            child.wait(30)
        finally:
            child.kill()
        took = time.monotonic() - sent
    # Within a second of Ctrl-C the downloads stop; the rest is the interpreter's own exit,
    # slower on a busy machine. Without stopping, it took the 60 s deadline.
    assert took < 5, f"took {took:.1f}s to stop"
    assert child.returncode != 0
