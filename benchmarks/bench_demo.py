"""Benchmark: ``hmcts-data demo`` end to end, in a fresh process, against reading the same files.

The demo starts the local stand-in for GOV.UK serving the real embedded releases, discovers
the catalogue, downloads through its injected faults (two 503s, a 429 with ``Retry-After: 1``,
a connection cut mid-file), parses, harmonises and writes a CSV and a PNG chart. Its baseline
is a fresh process doing the same parsing and drawing with no server: ``read()`` of each
embedded file, ``series()``, ``write()`` and the same chart. The difference is what discovery,
the faults (about 1.5 s of deliberate waiting) and the cache cost. The target is "a few
seconds" (the demo is a new user's first command): at most 10 s on a busy shared machine.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from benchmarks import Result, interleaved

REPEAT = 3

_DIRECT = """
import io, sys
from pathlib import Path
import hmcts_data
from hmcts_data import plot
from hmcts_data._embedded import embedded_bytes
out = Path(sys.argv[1])
out.mkdir(parents=True, exist_ok=True)
frames = []
for item in hmcts_data.embedded_releases():
    data = io.BytesIO(embedded_bytes(item))
    data.name = item.published_name
    frames.append(hmcts_data.read("monthly", data, release=item.release))
import pandas as pd
frame = pd.concat(frames, ignore_index=True)
hmcts_data.write(hmcts_data.series(frame=frame), out / "monthly_series.csv")
plot.save(plot.trend(frame, "outstanding"), out / "outstanding.png")
"""


def _process(args: list[str], env: dict[str, str], out: Path) -> Callable[[], None]:
    def call() -> None:
        shutil.rmtree(out, ignore_errors=True)
        quiet = subprocess.DEVNULL
        subprocess.run([*args, str(out)], env=env, check=True, stdout=quiet, stderr=quiet)

    return call


def _load() -> str:
    # The machine is shared: the load average says how busy it was while the figures were taken.
    try:
        one, five, _ = os.getloadavg()
    except OSError:
        return ""
    return f"; load avg {one:.1f}/{five:.1f}"


def run() -> list[Result]:
    """Time ``hmcts-data demo`` against reading and drawing the same files directly."""
    root = Path(tempfile.mkdtemp(prefix="hmcts-bench-demo-"))
    try:
        # Compiled bytecode on both sides, as an installed package has (see bench_startup).
        env = {
            **{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
            "PYTHONPYCACHEPREFIX": str(root / "pycache"),
            "MPLBACKEND": "Agg",
            "HMCTS_DATA_CACHE_DIR": str(root / "cache"),
        }
        py = sys.executable
        demo = [py, "-c", "import sys; from hmcts_data.cli import main; sys.exit(main())", "demo"]
        times = interleaved(
            {
                "demo": _process([*demo, "-o"], env, root / "demo"),
                "direct": _process([py, "-c", _DIRECT], env, root / "direct"),
            },
            repeat=REPEAT,
        )
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return [
        Result(
            "hmcts-data demo (fresh process, all embedded releases)",
            times["demo"],
            times["direct"],
            "fresh process: read() the embedded files, series, write, same chart",
            f"median of {REPEAT}, compiled bytecode; includes ~1.5 s of fault waits{_load()}",
            limit=10.0,
        )
    ]


if __name__ == "__main__":
    from benchmarks.__main__ import table

    print(table([("demo", r) for r in run()]))
