"""A warning raised deep inside load, series, read or catalogue names the user's line.

The check runs a real script file in a subprocess: ``warnings`` attributes each warning to a
file and line, and that must be the script's, not ``hmcts_data/_api.py``.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

from hmcts_data.testing import monthly_csv
from tests._scripts import RECORDER, line_of, run_script

SCRIPT = RECORDER + textwrap.dedent(
    """
    from pathlib import Path
    import hmcts_data
    from hmcts_data.testing import FakeGovUK, SiteFile, build_site, monthly_csv

    def with_unknown_column(month):
        lines = monthly_csv("D", month, 3).data.decode().splitlines()
        lines = [lines[0] + ",Mystery column"] + [line + ",1" for line in lines[1:]]
        return ("\\n".join(lines) + "\\n").encode()

    def files(release):
        if release.publication == "monthly":
            data = with_unknown_column(release.latest_month)
            return [SiteFile("HMCTS_MI_output_accessible.csv", data, "text/csv")]
        return None

    Path("mi.csv").write_bytes(with_unknown_column(__import__("datetime").date(2025, 4, 1)))
    record("read", lambda: hmcts_data.read("monthly", "mi.csv"))  # LINE read
    with FakeGovUK() as fake:
        build_site(fake, monthly=2, files=files)
        client = hmcts_data.Client(base_url=fake.base_url, rate_limit=1000, cache_dir="cache")
        record("load", lambda: hmcts_data.load("monthly", client=client))  # LINE load
        record("series", lambda: hmcts_data.series("monthly", client=client))  # LINE series
        client.close()
    offline = hmcts_data.Client(cache_dir="empty-cache", offline=True)
    record("catalogue", lambda: hmcts_data.catalogue(client=offline))  # LINE catalogue
    print(json.dumps(seen))
    """
)


def test_warnings_from_the_library_name_the_calling_script(tmp_path: Path) -> None:
    script, seen = run_script(tmp_path, SCRIPT)
    for call in ("read", "load", "series", "catalogue"):
        assert seen[call], f"{call} raised no warning to check"
        for _, filename, lineno in seen[call]:
            assert Path(filename) == script, f"{call}: warning attributed to {filename}"
            assert lineno == line_of(SCRIPT, call)


def test_cli_warnings_are_one_line_without_library_paths(tmp_path: Path) -> None:
    lines = monthly_csv("D", date(2025, 4, 1), 3).data.decode().splitlines()
    lines = [lines[0] + ",Mystery column"] + [line + ",1" for line in lines[1:]]
    (tmp_path / "mi.csv").write_text("\n".join(lines) + "\n", "utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "hmcts_data.cli", "read", "monthly", "mi.csv", "-o", "out.csv"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    warned = [line for line in result.stderr.splitlines() if line.startswith("warning: ")]
    assert len(warned) == 1
    assert "Mystery column" in warned[0]
    assert "hmcts_data/" not in result.stderr
    assert "_api.py" not in result.stderr


def test_a_warning_reaches_code_run_with_python_c(tmp_path: Path) -> None:
    # ``python -c`` code has no source a loader can give: the warning must still be shown.
    lines = monthly_csv("D", date(2025, 4, 1), 3).data.decode().splitlines()
    lines = [lines[0] + ",Mystery column"] + [line + ",1" for line in lines[1:]]
    (tmp_path / "mi.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    code = "import hmcts_data; print(len(hmcts_data.read('monthly', 'mi.csv')))"
    done = subprocess.run(
        [sys.executable, "-W", "always", "-c", code],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) > 0
    shown = "<string>:1: UserWarning: mi.csv: 1 header(s) the crosswalk does not record"
    assert shown in done.stderr
    assert "Traceback" not in done.stderr
