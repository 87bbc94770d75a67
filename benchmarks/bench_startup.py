"""Benchmark: what a fresh process pays to start, against the libraries underneath.

Each case is a new Python process (medians over interleaved repeats):

* ``import hmcts_data; hmcts_data.read("monthly", file)`` against
  ``import pandas; pandas.read_csv(file)`` on the same SYNTHETIC accessible CSV;
* ``hmcts-data catalogue --offline`` (empty cache: the embedded snapshot) against
  ``python -c "import pydantic"``.

Two reference lines (no target) say what the targets leave: the same baselines plus defining
and validating one one-field pydantic model. ``import pydantic`` loads almost nothing (pydantic
imports lazily); the first model pays for ``pydantic.main``, ``pydantic.fields``, the plugin
entry-point scan and schema generation, which any process using a pydantic model pays.

Both sides run with compiled bytecode, as an installed package has: the child processes get
their own ``PYTHONPYCACHEPREFIX`` (a temporary folder, filled by the untimed warm-up runs) and
never ``PYTHONDONTWRITEBYTECODE``. Otherwise, in an environment that sets it, the library would
recompile its own sources in every timed run while pandas and pydantic load ``.pyc`` files from
site-packages, and the ratio would measure the compiler.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
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


def _process(args: list[str], env: dict[str, str]) -> Callable[[], None]:
    def call() -> None:
        quiet = subprocess.DEVNULL
        subprocess.run(args, env=env, check=True, stdout=quiet, stderr=quiet)

    return call


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
        read = interleaved(
            {
                "lib": _process(
                    [py, "-c", f"import hmcts_data; hmcts_data.read('monthly', {str(path)!r})"],
                    env,
                ),
                "base": _process([py, "-c", f"import pandas; pandas.read_csv({str(path)!r})"], env),
                "floor": _process(
                    [py, "-c", f"import pandas; pandas.read_csv({str(path)!r})\n{_ONE_MODEL}"],
                    env,
                ),
            },
            repeat=REPEAT,
        )
        cli = interleaved(
            {
                "lib": _process([*_cli(), "--offline", "catalogue"], env),
                "base": _process([py, "-c", "import pydantic"], env),
                "floor": _process([py, "-c", _ONE_MODEL], env),
            },
            repeat=REPEAT,
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
            note,
            target=1.2,
        ),
        Result(
            "reference: import pandas; read_csv; one pydantic model",
            read["floor"],
            read["base"],
            "import pandas; read_csv (same file)",
            note + "; what pydantic alone adds to the read baseline",
        ),
        Result(
            "hmcts-data catalogue --offline",
            cli["lib"],
            cli["base"],
            'python -c "import pydantic"',
            note + "; empty cache: embedded snapshot",
            target=2.0,
        ),
        Result(
            "reference: one pydantic model defined and validated",
            cli["floor"],
            cli["base"],
            'python -c "import pydantic"',
            note + "; the least any process using a pydantic model pays",
        ),
    ]


if __name__ == "__main__":
    from benchmarks.__main__ import table

    print(table([("startup", r) for r in run()]))
