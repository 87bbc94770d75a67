"""Run the benchmarks and print one table: ``python -m benchmarks [name ...]``."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from benchmarks import SAMPLES_ENV, Result, skipped

_KNOWN = {"name", "seconds", "baseline_seconds", "baseline", "note", "target", "limit", "unit"}


def _normalise(item: Result | Mapping[str, Any]) -> Result:
    if isinstance(item, Result):
        return item
    extra = ", ".join(f"{k}={v}" for k, v in item.items() if k not in _KNOWN)
    note = "; ".join(s for s in (str(item.get("note", "")), extra) if s)
    baseline = item.get("baseline_seconds")
    target, limit = item.get("target"), item.get("limit")
    return Result(
        name=str(item["name"]),
        seconds=float(item["seconds"]),
        baseline_seconds=None if baseline is None else float(baseline),
        baseline=str(item.get("baseline", "")),
        note=note,
        target=None if target is None else float(target),
        limit=None if limit is None else float(limit),
        unit=str(item.get("unit", "s")),
    )


def discover(selected: Sequence[str] = ()) -> list[str]:
    """Return the module names of ``benchmarks/bench_*.py`` (filtered by substrings)."""
    names = sorted(p.stem for p in Path(__file__).parent.glob("bench_*.py"))
    return [n for n in names if not selected or any(s in n[len("bench_") :] for s in selected)]


def _figure(value: float | None, unit: str) -> str:
    if value is None:
        return ""
    if unit != "s":
        return f"{value:g} {unit}"
    return f"{value * 1000:.1f} ms" if value >= 0.01 else f"{value * 1000:.3f} ms"


def _target(r: Result) -> str:
    if r.limit is not None:
        return f"<= {_figure(r.limit, r.unit)}"
    return "" if r.target is None else f"<= {r.target:g}x"


def table(rows: Sequence[tuple[str, Result]]) -> str:
    """Format results as a plain-text table."""
    header = ("module", "case", "library", "baseline", "ratio", "target", "met", "baseline / note")
    body = [
        (
            module,
            r.name,
            _figure(r.seconds, r.unit),
            _figure(r.baseline_seconds, r.unit),
            "" if r.ratio is None else f"{r.ratio:.2f}x",
            _target(r),
            {True: "yes", False: "NO", None: ""}[r.met],
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


def _parser() -> argparse.ArgumentParser:
    modules = ", ".join(n.removeprefix("bench_") for n in discover())
    return argparse.ArgumentParser(
        prog="python -m benchmarks",
        description=(
            "Measure hmcts_data against plain pandas/httpx baselines in the same run (medians "
            "over interleaved repeats) and print one table: library, baseline, ratio, the "
            "issue's target and whether it is met."
        ),
        epilog=(
            f"Modules: {modules}. Real published files are read from ${SAMPLES_ENV} or "
            "../shared/real-samples; cases that need them are skipped (and say so) otherwise."
        ),
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the selected benchmark modules and print the table."""
    parser = _parser()
    parser.add_argument(
        "names", nargs="*", metavar="name", help="run only modules whose name contains this"
    )
    parser.add_argument("--list", action="store_true", help="list the modules and exit")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    names = discover(args.names)
    if args.list:
        print("\n".join(n.removeprefix("bench_") for n in names))
        return 0
    if not names:
        print(f"no benchmark module matches {args.names}; see --list", file=sys.stderr)
        return 2
    rows: list[tuple[str, Result]] = []
    for name in names:
        module = importlib.import_module(f"benchmarks.{name}")
        print(f"running {name} ...", file=sys.stderr, flush=True)
        rows += [(name.removeprefix("bench_"), _normalise(r)) for r in module.run()]
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    print(table(rows))
    if load is not None:
        print(
            f"\nload average at the end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} "
            f"on {os.cpu_count()} cores"
        )
    for message in skipped():
        print(f"skipped: {message}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
