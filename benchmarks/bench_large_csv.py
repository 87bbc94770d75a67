"""Benchmark: reading a large legal CSV against ``pandas.read_csv`` of the same file.

A file just inside the reader's shape limits takes time in proportion to its cells, as pandas
does: every cell is checked and read a column at a time, never in a Python call per cell. The
file (generated, ``ROWS`` x ``COLUMNS``) is a GAF-style table: a title, a header row, a date per
row (weekly rows, read as single days) and figures with thousands separators and some ``[x]``
markers. Measured in the same run, medians of interleaved repeats:

* ``read_tables(path)`` against ``pandas.read_csv(path, skiprows=2)``;
* ``read("ad-hoc", path)`` (tables, then the tidy frame of every cell) against the same.

Target: at most 5x pandas for ``read_tables`` and 10x for ``read`` (which builds one tidy row
per cell, 20 columns each, where pandas builds only the wide frame). Scale the file with
``HMCTS_DATA_BENCH_ROWS`` (the issue's case is 199,000 rows of 25 columns).

Run alone with ``python benchmarks/bench_large_csv.py``.
"""

from __future__ import annotations

import os
import random
import tempfile
import warnings
from datetime import date, timedelta
from pathlib import Path

from benchmarks import Result, interleaved

ROWS = int(os.environ.get("HMCTS_DATA_BENCH_ROWS", "50000"))
COLUMNS = 25
REPEAT = 3


def write_csv(path: Path, rows: int = ROWS, columns: int = COLUMNS) -> int:
    """Write the benchmark file and return its size in bytes."""
    rng = random.Random(24)
    start = date(1700, 1, 1)
    lines = [
        "Table 1: Hearings by court (synthetic)",
        "",
        "Date," + ",".join(f"Court {j} - Video" for j in range(1, columns)),
    ]
    for i in range(rows):
        cells = [
            "[x]" if rng.random() < 0.02 else f'"{rng.randint(1000, 999999):,}"'
            for _ in range(columns - 1)
        ]
        lines.append(",".join([(start + timedelta(days=i)).strftime("%d/%m/%Y"), *cells]))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path.stat().st_size


def run() -> list[Result]:
    """Measure read_tables and read of a large CSV against pandas.read_csv of it."""
    import pandas as pd

    import hmcts_data

    with tempfile.TemporaryDirectory(prefix="hmcts-bench-csv-") as folder:
        path = Path(folder) / "large.csv"
        size = write_csv(path)

        def read_all() -> object:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # unknown labels: one warning, not timed
                return hmcts_data.read("ad-hoc", path)

        times = interleaved(
            {
                "pandas": lambda: pd.read_csv(path, skiprows=2, dtype=str),
                "read_tables": lambda: hmcts_data.read_tables(path),
                "read": read_all,
            },
            repeat=REPEAT,
            warmup=False,
        )
    shape = f"{ROWS:,} rows x {COLUMNS} columns, {size / 1e6:.1f} MB"
    baseline = "pandas.read_csv(path, skiprows=2, dtype=str)"
    note = f"median of {REPEAT} interleaved"
    return [
        Result(
            f"read_tables csv {shape}",
            times["read_tables"],
            times["pandas"],
            baseline,
            note,
            target=5.0,
        ),
        Result(
            f"read('ad-hoc') csv {shape}",
            times["read"],
            times["pandas"],
            baseline,
            note,
            target=10.0,
        ),
    ]


if __name__ == "__main__":
    for row in run():
        print(row)
