"""Benchmark: what hashing a cache hit costs, for a 50 MB file (issue 12: verified cache hits).

Every cache hit now hashes the file against its sidecar's sha256 before serving it. The MI
files are kilobytes to about a megabyte; 50 MB is far above any of them, so this is the worst
case a user meets. Two baselines, measured in the same run and interleaved with the hit:

* reading the same file once into memory (``Path.read_bytes``): what any reader of the file
  pays anyway, so the ratio says how much the check adds on top of simply using the file;
* the old size-only hit (the sidecar and a ``stat``): the ratio there is the whole cost.

Figures are medians of interleaved repeats (``benchmarks.interleaved``).
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from pathlib import Path

from benchmarks import Result, interleaved

SIZE = 50 * 1024 * 1024
REPEAT = 9


def _body(size: int) -> bytes:
    # Incompressible CSV-like bytes without NUL (the CSV check refuses NUL).
    line = b"Month,Value\n"
    noise = hashlib.shake_256(b"bench-cache-verify").digest(size - len(line))
    return line + noise.replace(b"\x00", b"0")


def run() -> list[Result]:
    """Measure a verified 50 MB cache hit against a plain read and a size-only check."""
    from hmcts_data import Client
    from hmcts_data._cache import Cache
    from hmcts_data.testing import FakeGovUK

    body = _body(SIZE)
    root = Path(tempfile.mkdtemp(prefix="hmcts-bench-verify-"))
    try:
        with FakeGovUK() as fake:
            url = fake.add_file("/media/bench/big_SYNTHETIC.csv", body, content_type="text/csv")
            with Client(base_url=fake.base_url, cache_dir=root, rate_limit=1000) as online:
                path = online.download(url).path
        entry = Cache(root).file_entry(url)
        with Client(base_url="http://127.0.0.1:9", cache_dir=root, offline=True) as offline:
            times = interleaved(
                {
                    "hit": lambda: offline.download(url),
                    "read": path.read_bytes,
                    "size_only": entry.read,
                },
                repeat=REPEAT,
            )
            assert offline.download(url).status == "cached"
    finally:
        shutil.rmtree(root, ignore_errors=True)
    note = f"{SIZE / 1024**2:.0f} MiB file, offline cache hit, median of {REPEAT} interleaved"
    return [
        Result(
            "50 MB cache hit, hashed",
            times["hit"],
            times["read"],
            "reading the file once (Path.read_bytes)",
            note,
        ),
        Result(
            "50 MB cache hit, hashed vs size-only",
            times["hit"],
            times["size_only"],
            "the old size-only check (sidecar + stat)",
            note,
        ),
    ]
