"""Benchmark: a 5 MB file on the local fake GOV.UK: cold download, revalidation, cache hits.

Baselines, measured in the same run (medians over interleaved repeats):

* the cold download against a pooled ``httpx.Client`` streaming the same file to a file on
  disk (the cold download adds SHA-256, integrity checks, fsync, the atomic move and the
  sidecar); revalidation (one conditional request answered 304) against the same;
* ``hmcts_data.download(url)`` on a cache hit (no client given: settings from the environment)
  against ``Client.download`` on a client reused between calls.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path

from benchmarks import Result, interleaved

SIZE = 5 * 1024 * 1024
REPEAT = 9
HIT_REPEAT = 200


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


def _module_hit(url: str, base_url: str, cache: Path) -> dict[str, float]:
    import hmcts_data
    from hmcts_data import Client

    saved = {k: os.environ.get(k) for k in ("HMCTS_DATA_BASE_URL", "HMCTS_DATA_CACHE_DIR")}
    os.environ["HMCTS_DATA_BASE_URL"] = base_url
    os.environ["HMCTS_DATA_CACHE_DIR"] = str(cache)
    try:
        with Client() as reused:
            reused.download(url)
            return interleaved(
                {
                    "module": lambda: hmcts_data.download(url),
                    "client": lambda: reused.download(url),
                },
                repeat=HIT_REPEAT,
            )
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def run() -> list[Result]:
    """Measure the download paths against a pooled httpx stream to disk."""
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
            target = root / "plain.csv"
            with (
                httpx.Client() as pool,
                Client(base_url=fake.base_url, cache_dir=root / "c", rate_limit=1000) as cold,
                Client(
                    base_url=fake.base_url, cache_dir=root / "r", rate_limit=1000, file_max_age=0
                ) as reval,
            ):

                def pooled() -> None:
                    with pool.stream("GET", url) as response, target.open("wb") as handle:
                        for chunk in response.iter_bytes(256 * 1024):
                            handle.write(chunk)

                reval.download(url)
                times = interleaved(
                    {
                        "pooled": pooled,
                        "cold": lambda: cold.download(url),
                        "reval": lambda: reval.download(url),
                    },
                    setup={"cold": cold.clear_cache},
                    repeat=REPEAT,
                )
                fake.reset_counts()
                reval.download(url)
                assert fake.count() == 1  # one conditional request, answered 304
            hits = _module_hit(url, fake.base_url, root / "m")
    finally:
        shutil.rmtree(root, ignore_errors=True)
    what = "pooled httpx.Client stream to disk"
    note = f"{SIZE / 1024**2:.0f} MiB, median of {REPEAT}"
    return [
        Result(
            "cold download",
            times["cold"],
            times["pooled"],
            what,
            note + "; + sha256, checks, fsync, atomic move",
        ),
        Result(
            "revalidation (304)",
            times["reval"],
            times["pooled"],
            what,
            note + "; 1 request, no body",
        ),
        Result(
            "hmcts_data.download(url), cache hit",
            hits["module"],
            hits["client"],
            "Client.download on a reused client",
            f"no request; median of {HIT_REPEAT}",
            target=2.0,
        ),
    ]


if __name__ == "__main__":
    from benchmarks.__main__ import table

    print(table([("download", r) for r in run()]))
