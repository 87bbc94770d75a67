"""Run the benchmarks and print one table: ``python -m benchmarks [substring ...]``."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from benchmarks import Result

_KNOWN = {"name", "seconds", "baseline_seconds", "baseline", "note"}


def _normalise(item: Result | Mapping[str, Any]) -> Result:
    if isinstance(item, Result):
        return item
    extra = ", ".join(f"{k}={v}" for k, v in item.items() if k not in _KNOWN)
    note = "; ".join(s for s in (str(item.get("note", "")), extra) if s)
    baseline = item.get("baseline_seconds")
    return Result(
        name=str(item["name"]),
        seconds=float(item["seconds"]),
        baseline_seconds=None if baseline is None else float(baseline),
        baseline=str(item.get("baseline", "")),
        note=note,
    )


def discover(selected: Sequence[str] = ()) -> list[str]:
    """Return the module names of ``benchmarks/bench_*.py`` (filtered by substrings)."""
    names = sorted(p.stem for p in Path(__file__).parent.glob("bench_*.py"))
    return [n for n in names if not selected or any(s in n for s in selected)]


def table(rows: Sequence[tuple[str, Result]]) -> str:
    """Format results as a plain-text table."""
    header = ("module", "case", "ms", "baseline ms", "ratio", "baseline / note")
    body = [
        (
            module,
            r.name,
            f"{r.seconds * 1000:.2f}",
            "" if r.baseline_seconds is None else f"{r.baseline_seconds * 1000:.2f}",
            "" if r.ratio is None else f"{r.ratio:.2f}x",
            " | ".join(s for s in (r.baseline, r.note) if s),
        )
        for module, r in rows
    ]
    widths = [max(len(row[i]) for row in (header, *body)) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(header, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in body
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the selected benchmark modules and print the table."""
    selected = list(sys.argv[1:] if argv is None else argv)
    rows: list[tuple[str, Result]] = []
    for name in discover(selected):
        module = importlib.import_module(f"benchmarks.{name}")
        print(f"running {name} ...", file=sys.stderr, flush=True)
        rows += [(name.removeprefix("bench_"), _normalise(r)) for r in module.run()]
    if not rows:
        print("no benchmark matched", file=sys.stderr)
        return 1
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
