"""Benchmark: a 5 MB file on the local fake GOV.UK: cold download, revalidation, cache hit.

The baseline, measured in the same run, is a plain ``httpx.get`` of the same file into memory
(no cache, no checks, no disk); a pooled ``httpx.Client.get`` is shown as well, because
``httpx.get`` pays for a new client on every call. The cold download adds streaming to a
temporary file, SHA-256, integrity checks, fsync, the atomic move and the sidecar;
revalidation is one conditional request answered 304; a cache hit makes no request at all.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from pathlib import Path

from benchmarks import Result, best_of

SIZE = 5 * 1024 * 1024
REPEAT = 7


def _body(size: int) -> bytes:
    # Incompressible CSV-like text: hex digests in rows.
    rows = []
    total = 0
    i = 0
    while total < size:
        line = f"{i},{hashlib.sha256(str(i).encode()).hexdigest()}\n".encode()
        rows.append(line)
        total += len(line)
        i += 1
    return b"".join(rows)[:size]


def run() -> list[Result]:
    """Measure the three download paths and the plain-httpx baseline."""
    import httpx

    from hmcts_data import Client
    from hmcts_data.testing import FakeGovUK

    body = _body(SIZE)
    root = Path(tempfile.mkdtemp(prefix="hmcts-bench-"))
    try:
        with FakeGovUK() as fake:
            url = fake.add_file(
                "/media/bench/HMCTS_MI_output_accessible.csv", body, content_type="text/csv"
            )
            httpx.get(url)  # warm up
            baseline = best_of(lambda: httpx.get(url).content, repeat=REPEAT)
            # httpx.get builds a new client (and TLS context) per call; a pooled client is the
            # fairer yardstick for the cold download, so it is shown too.
            with httpx.Client() as pool:
                pool.get(url)
                pooled = best_of(lambda: pool.get(url).content, repeat=REPEAT)

            with Client(base_url=fake.base_url, cache_dir=root / "c", rate_limit=1000) as cold:
                cold.download(url)  # warm up imports and the connection pool
                cold_s = best_of(lambda: cold.download(url), repeat=REPEAT, setup=cold.clear_cache)
            with Client(
                base_url=fake.base_url, cache_dir=root / "r", rate_limit=1000, file_max_age=0
            ) as reval:
                reval.download(url)
                fake.reset_counts()
                reval_s = best_of(lambda: reval.download(url), repeat=REPEAT)
                assert fake.count() == REPEAT  # one conditional request each, answered 304
            with Client(base_url=fake.base_url, cache_dir=root / "h", rate_limit=1000) as hit:
                hit.download(url)
                fake.reset_counts()
                hit_s = best_of(lambda: hit.download(url), repeat=REPEAT)
                assert fake.count() == 0
    finally:
        shutil.rmtree(root, ignore_errors=True)
    what = "plain httpx.get of the same file"
    note = f"{SIZE / 1024**2:.0f} MiB, best of {REPEAT}"
    return [
        Result("plain httpx.get (baseline)", baseline, baseline, what, note),
        Result("pooled httpx.Client.get", pooled, baseline, what, note + ", connection reused"),
        Result("cold download", cold_s, baseline, what, note + ", to disk + sha256 + fsync"),
        Result("revalidation (304)", reval_s, baseline, what, note + ", 1 request, no body"),
        Result("cache hit", hit_s, baseline, what, note + ", no request"),
    ]


if __name__ == "__main__":
    from benchmarks.__main__ import table

    print(table([("download", r) for r in run()]))
