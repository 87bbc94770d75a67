"""Benchmark: parsing monthly MI files into the tidy frame, against a plain pandas read.

``run()`` returns one dict per case: ``name``, ``seconds`` (median of ``repeat`` interleaved
parses), ``baseline_seconds`` (median plain ``pandas.read_csv`` /
``pandas.read_excel(engine="calamine")`` of the same bytes, which yields a wide frame with no
mapping, melting or validation) and ``rows``/``cells``. The real published files are used when
the folder in ``HMCTS_DATA_REAL_SAMPLES`` (default ``../shared/real-samples`` beside the
project) exists, and skipped with a message otherwise; synthetic files are always measured.
For XLSX the openpyxl engine is timed too, to show why calamine is the reader.

Run alone with ``python benchmarks/bench_monthly.py``.
"""

from __future__ import annotations

import hashlib
import io
from datetime import date
from pathlib import Path
from typing import Any

from benchmarks import interleaved, real_samples, skip

REAL = (
    "HMCTS_raw_data_for_Apr18_to_Apr19.csv",
    "20210601_HMCTS_raw_data_for_Apr20_to_Apr21.csv",
    "HMCTS_Management_Information_April_2021_to_April_2022.xlsx",
    "HMCTS_MI_output_accessible__Apr2024-Apr2025.csv",
)


def _case(name: str, data: bytes, repeat: int) -> list[dict[str, Any]]:
    import pandas as pd

    from hmcts_data.tables._schema import Provenance
    from hmcts_data.tables._workbook import sniff_format
    from hmcts_data.tables.monthly import parse

    prov = Provenance("monthly", name, hashlib.sha256(data).hexdigest())
    frame = parse(data, prov).frame()
    fmt = sniff_format(data, name=name)
    if fmt == "csv":
        base = lambda: pd.read_csv(io.BytesIO(data))  # noqa: E731
    else:
        base = lambda: pd.read_excel(io.BytesIO(data), engine="calamine")  # noqa: E731
    times = interleaved({"lib": lambda: parse(data, prov).frame(), "base": base}, repeat=repeat)
    baseline = times["base"]
    out = [
        {
            "name": f"monthly parse {name}",
            "seconds": times["lib"],
            "baseline_seconds": baseline,
            "baseline": "pandas.read_csv" if fmt == "csv" else "pandas.read_excel calamine",
            "rows": len(frame),
            "cells": int(frame["value"].notna().sum()),
        }
    ]
    if fmt == "xlsx":
        try:
            import openpyxl  # noqa: F401
        except ImportError:  # a test-only dependency
            return out
        out.append(
            {
                "name": f"pandas.read_excel openpyxl {name}",
                "seconds": interleaved(
                    {"f": lambda: pd.read_excel(io.BytesIO(data), engine="openpyxl")},
                    repeat=max(3, repeat // 4),
                )["f"],
                "baseline_seconds": baseline,
                "baseline": "pandas.read_excel calamine",
            }
        )
    return out


def _synthetic() -> list[tuple[str, bytes]]:
    from hmcts_data.testing._monthly_files import monthly_csv

    made = [monthly_csv(era, date(2025, 4, 1), 1) for era in ("B", "D")]
    files = [(f"synthetic era {f.era} {f.filename}", f.data) for f in made]
    try:
        import sys

        sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
        from tests.monthly_fixtures import era_c_cells, era_c_xlsx

        files.append(("synthetic era C.xlsx", era_c_xlsx(era_c_cells(seed=1))))
    except ImportError:  # openpyxl absent: the CSV cases still run
        pass
    return files


def run(repeat: int = 20) -> list[dict[str, Any]]:
    """Time every case; see the module docstring for the fields."""
    results: list[dict[str, Any]] = []
    folder = real_samples()
    for name in REAL if folder is not None else ():
        path = Path(folder or ".") / name
        if path.is_file():
            results += _case(name, path.read_bytes(), repeat)
        else:
            skip(f"real sample {name}: not in {folder}")
    for name, data in _synthetic():
        results += _case(name, data, repeat)
    return results


if __name__ == "__main__":
    for result in run():
        extra = f"  rows={result['rows']} cells={result['cells']}" if "rows" in result else ""
        print(
            f"{result['name']}: {result['seconds'] * 1000:.1f} ms "
            f"(baseline {result['baseline_seconds'] * 1000:.1f} ms){extra}"
        )
