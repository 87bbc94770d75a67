"""Run a user's script in a fresh interpreter and collect where its warnings were attributed.

``warnings`` names a file and line for each warning; the tests that check it is the user's line
(not a file of the package) share this runner. A script prepends :data:`RECORDER`, calls
``record(name, call)`` for each call it checks, tags that line ``# LINE <tag>`` and ends with
``print(json.dumps(seen))``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

#: Defines ``seen`` and ``record(name, call)``: every warning ``call`` raised, as
#: ``(category, filename, lineno)``.
RECORDER = textwrap.dedent(
    """
    import json, warnings

    seen = {}

    def record(name, call):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            warnings.filterwarnings("ignore", category=ResourceWarning)
            call()
        seen[name] = [(w.category.__name__, w.filename, w.lineno) for w in caught]
    """
)


def line_of(script: str, tag: str) -> int:
    """The 1-based line of ``script`` tagged ``# LINE <tag>``."""
    return next(i for i, line in enumerate(script.splitlines(), 1) if f"# LINE {tag}" in line)


def run_script(
    folder: Path, script: str, *args: str
) -> tuple[Path, dict[str, list[tuple[str, str, int]]]]:
    """Write ``script`` to ``folder/analysis.py``, run it there without HMCTS_DATA_* settings.

    Returns the script's path and what its ``record`` calls saw.
    """
    path = folder / "analysis.py"
    path.write_text(script, "utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("HMCTS_DATA_")}
    result = subprocess.run(
        [sys.executable, str(path), *args],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=180,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    return path, {name: [tuple(w) for w in ws] for name, ws in seen.items()}
