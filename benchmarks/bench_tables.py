"""Benchmark: :func:`hmcts_data.read_tables` on a generated ~5 MB statistical workbook.

The workbook follows the GAF layout (cover, contents and notes sheets, then table sheets with a
title, preamble rows, a two-row header and weekly rows, some shorthand markers). It is written
as XLSX XML directly (a real writer such as openpyxl needs many seconds for a million cells)
and compressed like Excel does. Measured in the same run:

* ``read_tables``: median of 5 reads (time), against ``pandas.read_excel(engine="calamine",
  sheet_name=None, header=None)`` of the same bytes (the engine alone, no table finding);
* peak memory of one read, each figure in a fresh subprocess: ``tracemalloc`` peak (Python
  allocations) and the peak growth of the resident set size (includes the Rust engine and
  memory the allocator keeps), both against the file size. On Linux the high-water mark is
  reset before the read (``/proc/self/clear_refs``) and read from ``VmHWM``: ``ru_maxrss``
  starts a child at its parent's peak, which hides the child's own growth.

Run alone with ``python benchmarks/bench_tables.py``.
"""

from __future__ import annotations

import io
import json
import random
import subprocess
import sys
import zipfile
from typing import Any
from xml.sax.saxutils import escape

from benchmarks import median_of

TARGET_BYTES = 5 * 1024 * 1024
_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _col(n: int) -> str:
    letters = ""
    n += 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _sheet_xml(rows: list[list[object]]) -> bytes:
    out = [f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{_NS}"><sheetData>']
    for r, row in enumerate(rows, start=1):
        cells = []
        for c, value in enumerate(row):
            if value is None:
                continue
            ref = f"{_col(c)}{r}"
            if isinstance(value, int | float):
                cells.append(f'<c r="{ref}"><v>{value}</v></c>')
            else:
                cells.append(f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>')
        out.append(f'<row r="{r}">{"".join(cells)}</row>')
    out.append("</sheetData></worksheet>")
    return "".join(out).encode()


def _table_sheet(index: int, weeks: int, rng: random.Random) -> list[list[object]]:
    juris = [f"Jurisdiction {k}" for k in range(12)]
    measures = ["Receipts", "Disposals", "Outstanding", "Hearings listed"]
    upper: list[object] = [None]
    lower: list[object] = ["Week commencing"]
    for j in juris:
        upper += [j, *([None] * (len(measures) - 1))]
        lower += measures
    rows: list[list[object]] = [
        [f"Table {index}: Weekly figures by jurisdiction (synthetic)"],
        ["This worksheet contains one table."],
        ["Some shorthand is used in this table: [x] = not available, [c] = confidential."],
        upper,
        lower,
    ]
    for w in range(weeks):
        row: list[object] = [f"w/c {1 + w % 28} April {2000 + w // 52}"]
        for _ in range(len(juris) * len(measures)):
            roll = rng.random()
            row.append("[x]" if roll < 0.01 else "[c]" if roll < 0.015 else rng.randint(0, 99999))
        rows.append(row)
    rows.append(["Source: synthetic benchmark data."])
    return rows


def make_workbook(target: int = TARGET_BYTES) -> bytes:
    """Return a GAF-style XLSX of about ``target`` bytes."""
    rng = random.Random(4)
    sheets: list[tuple[str, list[list[object]]]] = [
        ("Cover", [["Synthetic statistics"], ["Made-up figures for a benchmark."]]),
        ("Contents", [["Sheet", "Title"], ["Table_1", "Weekly figures"]]),
        ("Notes", [["Note number", "Note text"], ["[note 1]", "Synthetic."]]),
    ]
    # ~49 columns x 2,600 weeks per sheet is ~1 MB compressed; five table sheets.
    for k in range(1, 6):
        sheets.append((f"Table_{k}", _table_sheet(k, 2600, rng)))
    data = _package(sheets)
    scale = target / len(data)
    if abs(scale - 1) > 0.1:
        weeks = max(10, int(2600 * scale))
        sheets = sheets[:3] + [(f"Table_{k}", _table_sheet(k, weeks, rng)) for k in range(1, 6)]
        data = _package(sheets)
    return data


def _package(sheets: list[tuple[str, list[list[object]]]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for i in range(1, len(sheets) + 1)
        )
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.'
            'org/package/2006/content-types"><Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
            'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType='
            '"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            f"{overrides}</Types>",
        )
        z.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="'
            f'{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        entries = "".join(
            f'<sheet name="{name}" sheetId="{i}" r:id="rId{i}"/>'
            for i, (name, _) in enumerate(sheets, start=1)
        )
        z.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{_NS}" xmlns:r="{_REL}">'
            f"<sheets>{entries}</sheets></workbook>",
        )
        rels = "".join(
            f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, len(sheets) + 1)
        )
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            f'openxmlformats.org/package/2006/relationships">{rels}</Relationships>',
        )
        for i, (_, rows) in enumerate(sheets, start=1):
            z.writestr(f"xl/worksheets/sheet{i}.xml", _sheet_xml(rows))
    return buffer.getvalue()


_MEMORY_SCRIPT = """
import json, resource, sys, tracemalloc
from hmcts_data.tables._reader import read_tables
import pandas
data = open(sys.argv[1], "rb").read()
import python_calamine  # noqa: F401  (engine import outside the measurement)
read_tables(b"Month,Cases\\nApr 2024,1\\n")  # imports and caches, outside the measurement


def status(key):
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith(key + ":"):
                return int(line.split()[1]) * 1024
    raise KeyError(key)


if sys.argv[2] == "trace":
    tracemalloc.start()
    tables = read_tables(data)
    print(json.dumps({"peak": tracemalloc.get_traced_memory()[1]}))
    sys.exit()
# ru_maxrss survives fork and exec: a child starts with its parent's peak, which hides the
# child's own growth. On Linux, reset this process's high-water mark and read it instead.
try:
    with open("/proc/self/clear_refs", "w") as handle:
        handle.write("5")
    before, exact = status("VmRSS"), True
except OSError:
    before, exact = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024, False
tables = read_tables(data)
after = status("VmHWM") if exact else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
cells = sum(t.data.size for t in tables)
print(json.dumps({"rss_growth": after - before, "exact": exact, "cells": cells,
                  "tables": len(tables)}))
"""


def _memory(data: bytes) -> dict[str, Any]:
    """Peak memory of one read, each figure from its own fresh process.

    RSS is measured without tracemalloc (whose bookkeeping would inflate it) and tracemalloc
    in a second process.
    """
    import tempfile

    result: dict[str, Any] = {}
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as handle:
        handle.write(data)
        handle.flush()
        for mode in ("rss", "trace"):
            out = subprocess.run(
                [sys.executable, "-c", _MEMORY_SCRIPT, handle.name, mode],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            result.update(json.loads(out.strip().splitlines()[-1]))
    return result


def run() -> list[dict[str, Any]]:
    """Measure read_tables on a ~5 MB workbook against pandas/calamine."""
    import pandas as pd

    from hmcts_data.tables._reader import read_tables

    data = make_workbook()
    size = len(data)
    seconds = median_of(lambda: read_tables(data), repeat=5, warmup=True)
    baseline = median_of(
        lambda: pd.read_excel(io.BytesIO(data), sheet_name=None, header=None, engine="calamine"),
        repeat=5,
        warmup=True,
    )
    memory = _memory(data)
    return [
        {
            "name": f"read_tables xlsx {size / 1e6:.1f} MB",
            "seconds": seconds,
            "baseline_seconds": baseline,
            "baseline": "pandas.read_excel(engine='calamine', sheet_name=None)",
            "note": (
                f"{memory['tables']} tables, {memory['cells']:,} cells; tracemalloc peak "
                f"{memory['peak'] / 1e6:.1f} MB ({memory['peak'] / size:.1f}x file); peak RSS "
                f"growth {memory['rss_growth'] / 1e6:.1f} MB ({memory['rss_growth'] / size:.1f}x "
                f"file{'' if memory['exact'] else ', ru_maxrss: may be understated'})"
            ),
        }
    ]


if __name__ == "__main__":
    for row in run():
        print(row)
