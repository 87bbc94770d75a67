"""Benchmark: what a fresh process pays to start, against the libraries underneath.

Each case is a new Python process (medians over interleaved repeats):

* ``import hmcts_data; hmcts_data.read("monthly", file)`` against
  ``import pandas; pandas.read_csv(file)`` on the same SYNTHETIC accessible CSV;
* ``hmcts-data catalogue --offline`` (no discovery cached: the embedded snapshot, its listing
  kept in the cache by the untimed first run) against ``python -c "import pydantic"``.

A reference line (no target) times that first run itself: a cache holding nothing, so the
snapshot is validated with pydantic and its listing kept.

Two reference lines (no target) say what the targets leave: the same baselines plus defining
and validating one one-field pydantic model. ``import pydantic`` loads almost nothing (pydantic
imports lazily); the first model pays for ``pydantic.main``, ``pydantic.fields``, the plugin
entry-point scan and schema generation, which any process using a pydantic model pays.

Both sides run with compiled bytecode, as an installed package has: the child processes get
their own ``PYTHONPYCACHEPREFIX`` (a temporary folder, filled by the untimed warm-up runs) and
never ``PYTHONDONTWRITEBYTECODE``. Otherwise, in an environment that sets it, the library would
recompile its own sources in every timed run while pandas and pydantic load ``.pyc`` files from
site-packages, and the ratio would measure the compiler.

Each note also gives the median CPU time (user + system) of the child processes and its ratio:
on a machine shared with other jobs, wall time includes waiting for a core, which CPU time does
not, so the two together say how much of a ratio is the library and how much the load.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

from benchmarks import Result, interleaved

REPEAT = 9

# One pydantic model, defined and validated: the least a process that uses pydantic models pays.
_ONE_MODEL = (
    "from pydantic import BaseModel\n"
    "class One(BaseModel):\n"
    "    x: int\n"
    "One.model_validate_json('{\"x\": 1}')\n"
)


class _Process:
    """Run one command as a fresh process per call, recording each call's child CPU time."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.args = args
        self.env = env
        self.cpu: list[float] = []

    def __call__(self) -> None:
        before = _children_cpu()
        quiet = subprocess.DEVNULL
        subprocess.run(self.args, env=self.env, check=True, stdout=quiet, stderr=quiet)
        after = _children_cpu()
        if before is not None and after is not None:
            self.cpu.append(after - before)

    def median_cpu(self) -> float | None:
        """Median CPU seconds of the timed calls (the first, the warm-up, left out)."""
        timed = self.cpu[1:]
        return statistics.median(timed) if timed else None


def _children_cpu() -> float | None:
    try:
        import resource
    except ImportError:  # not on Windows
        return None
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _cpu_note(lib: _Process, base: _Process) -> str:
    lib_cpu, base_cpu = lib.median_cpu(), base.median_cpu()
    if not lib_cpu or not base_cpu:
        return ""
    return f"; CPU {lib_cpu * 1000:.0f} ms vs {base_cpu * 1000:.0f} ms ({lib_cpu / base_cpu:.2f}x)"


def _cli() -> list[str]:
    script = Path(sys.executable).with_name("hmcts-data")
    if script.is_file():
        return [str(script)]
    return [sys.executable, "-c", "import sys; from hmcts_data.cli import main; sys.exit(main())"]


def _load() -> str:
    # The machine is shared: the load average says how busy it was while the figures were taken.
    try:
        one, five, _ = os.getloadavg()
    except OSError:
        return ""
    return f"; load avg {one:.1f}/{five:.1f}"


def run() -> list[Result]:
    """Time fresh-process start-up against plain pandas and plain pydantic."""
    from hmcts_data.testing._monthly_files import monthly_csv

    root = Path(tempfile.mkdtemp(prefix="hmcts-bench-startup-"))
    try:
        made = monthly_csv("D", date(2025, 4, 1), 1)
        path = root / made.filename
        path.write_bytes(made.data)
        env = {
            **{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
            "PYTHONPYCACHEPREFIX": str(root / "pycache"),
            "HMCTS_DATA_CACHE_DIR": str(root / "cache"),
            "HMCTS_DATA_OFFLINE": "1",
        }
        py = sys.executable
        csv = str(path)
        reads = {
            "lib": _Process(
                [py, "-c", f"import hmcts_data; hmcts_data.read('monthly', {csv!r})"], env
            ),
            "base": _Process([py, "-c", f"import pandas; pandas.read_csv({csv!r})"], env),
            "floor": _Process(
                [py, "-c", f"import pandas; pandas.read_csv({csv!r})\n{_ONE_MODEL}"], env
            ),
        }
        read = interleaved(reads, repeat=REPEAT)
        first_cache = root / "first-cache"
        clis = {
            "lib": _Process([*_cli(), "--offline", "catalogue"], env),
            "base": _Process([py, "-c", "import pydantic"], env),
            "floor": _Process([py, "-c", _ONE_MODEL], env),
            "first": _Process(
                [*_cli(), "--offline", "catalogue"],
                {**env, "HMCTS_DATA_CACHE_DIR": str(first_cache)},
            ),
        }
        cli = interleaved(
            clis,
            repeat=REPEAT,
            setup={"first": lambda: shutil.rmtree(first_cache, ignore_errors=True)},
        )
    finally:
        shutil.rmtree(root, ignore_errors=True)
    note = f"fresh process each, compiled bytecode, median of {REPEAT}{_load()}"
    return [
        Result(
            "fresh process: import hmcts_data; read(csv)",
            read["lib"],
            read["base"],
            "import pandas; read_csv (same file)",
            note + _cpu_note(reads["lib"], reads["base"]),
            target=1.2,
        ),
        Result(
            "reference: import pandas; read_csv; one pydantic model",
            read["floor"],
            read["base"],
            "import pandas; read_csv (same file)",
            note + _cpu_note(reads["floor"], reads["base"]) + "; what pydantic alone adds",
        ),
        Result(
            "hmcts-data catalogue --offline",
            cli["lib"],
            cli["base"],
            'python -c "import pydantic"',
            note
            + _cpu_note(clis["lib"], clis["base"])
            + "; no discovery cached: the embedded snapshot's listing, kept by the first run",
            target=2.0,
        ),
        Result(
            "reference: the first hmcts-data catalogue --offline",
            cli["first"],
            cli["base"],
            'python -c "import pydantic"',
            note
            + _cpu_note(clis["first"], clis["base"])
            + "; empty cache: the snapshot validated, its listing kept",
        ),
        Result(
            "reference: one pydantic model defined and validated",
            cli["floor"],
            cli["base"],
            'python -c "import pydantic"',
            note + _cpu_note(clis["floor"], clis["base"]) + "; least any pydantic model user pays",
        ),
    ]


if __name__ == "__main__":
    from benchmarks.__main__ import table

    print(table([("startup", r) for r in run()]))
