"""Safe exports (issue 12, items 6 and 9): formula cells escaped in CSV, typed write errors.

A spreadsheet program runs a cell starting with ``=``, ``+``, ``-``, ``@``, tab or CR as a
formula; published labels are outside the library's control, so CSV output prefixes such text
cells with a single quote (the OWASP rule) unless asked not to. Numbers are never touched.
"""

from __future__ import annotations

import csv
import io
import os
import resource
import signal
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from hmcts_data import DiskFullError, StorageError, write
from hmcts_data.cli import main
from hmcts_data.testing._monthly_files import monthly_csv
from tests._http import cached_names

NASTY = [
    '=HYPERLINK("http://evil.test","click")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
]
HARMLESS = ["Civil", "a=b", "", "-12", "+3.5", "1e-5", "-"]


def _text(path: Path) -> str:
    with path.open(newline="") as handle:  # keep a CR inside a quoted cell as written
        return handle.read()


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def frame() -> pd.DataFrame:
    labels = NASTY + HARMLESS
    return pd.DataFrame(
        {
            "label": pd.array(labels, dtype="string"),
            "kind": pd.Categorical(labels),
            "raw": pd.Series(labels, dtype=object),
            "value": pd.array([-1.5, -3, 2, -0.25, 7, 9, -10, 11, 12, 13, 14, -15], "Float64"),
        }
    )


def test_csv_escapes_formula_cells_by_default(tmp_path: Path) -> None:
    path = write(frame(), tmp_path / "out.csv")
    rows = _rows(_text(path))
    assert rows[0] == ["label", "kind", "raw", "value"]
    body = rows[1:]
    for row, label in zip(body, NASTY + HARMLESS, strict=True):
        expected = "'" + label if label in NASTY else label
        assert row[:3] == [expected] * 3
    # Numbers are written as numbers, negative ones included.
    assert [r[3] for r in body] == [
        "-1.5",
        "-3",
        "2",
        "-0.25",
        "7",
        "9",
        "-10",
        "11",
        "12",
        "13",
        "14",
        "-15",
    ]


def test_a_leading_carriage_return_is_escaped_too(tmp_path: Path) -> None:
    # Checked on the text: a bare CR inside a cell also breaks the csv module's reader.
    path = write(pd.DataFrame({"label": ["\r=1+1", "fine"]}), tmp_path / "cr.csv")
    assert _text(path).split("\n")[1].startswith("'\r=1+1")


def test_escaping_can_be_turned_off(tmp_path: Path) -> None:
    path = write(frame(), tmp_path / "out.csv", escape_formulas=False)
    rows = _rows(_text(path))
    assert [r[0] for r in rows[1:]] == NASTY + HARMLESS


def test_the_frame_itself_is_not_changed(tmp_path: Path) -> None:
    original = frame()
    write(original, tmp_path / "out.csv")
    pd.testing.assert_frame_equal(original, frame())


def _drifted(tmp_path: Path, label: str) -> Path:
    source = tmp_path / "drifted.csv"
    made = monthly_csv("D", date(2025, 4, 1), 5).data
    source.write_bytes(made.replace(b"Civil Claims received", label.encode(), 1))
    return source


@pytest.mark.parametrize("to_file", [True, False])
def test_cli_csv_output_is_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], to_file: bool
) -> None:
    label = "@SUM(1+1)*cmd"
    source = _drifted(tmp_path, label)
    target = tmp_path / "out.csv"
    args = ["read", "monthly", str(source), "--keep-unknown"]
    assert main([*args, "-o", str(target)] if to_file else args) == 0
    text = _text(target) if to_file else capsys.readouterr().out
    cells = {c for row in _rows(text) for c in row}
    assert "'" + label in cells
    assert label not in cells
    assert main([*args, "--no-escape-formulas"]) == 0
    raw = {c for row in _rows(capsys.readouterr().out) for c in row}
    assert label in raw


# -- typed write errors ------------------------------------------------------------------------


def test_export_permission_denied_is_a_storage_error(tmp_path: Path) -> None:
    """As an unprivileged user (the tests run as root, so a child drops to ``nobody``)."""
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o755)
    tmp_path.chmod(0o755)
    script = textwrap.dedent(
        f"""
        import os, sys
        import pandas as pd
        from hmcts_data import StorageError, write
        os.setgid(65534); os.setuid(65534)
        try:
            write(pd.DataFrame({{"a": [1]}}), {str(locked / "out.csv")!r})
        except StorageError as exc:
            print("StorageError", type(exc).__name__, exc)
            sys.exit(0)
        sys.exit(3)
        """
    )
    if os.getuid() != 0:
        pytest.skip("needs root to drop to another user (as the test machine runs)")
    done = subprocess.run(
        [sys.executable, "-c", script], check=False, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "Permission denied" in done.stdout
    assert "out.csv" in done.stdout
    assert list(locked.iterdir()) == []
    assert issubclass(DiskFullError, StorageError)


def _limited(limit: int) -> None:
    # A real "file too large" (EFBIG) from the kernel: the same errno path as a full disk.
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


def test_export_disk_full_is_typed_and_leaves_nothing(tmp_path: Path) -> None:
    big = tmp_path / "big.csv"
    script = textwrap.dedent(
        f"""
        import sys
        import pandas as pd
        from hmcts_data import DiskFullError, write
        frame = pd.DataFrame({{"a": ["x" * 100] * 10_000}})
        try:
            write(frame, {str(big)!r})
        except DiskFullError as exc:
            print(type(exc).__name__, exc)
            sys.exit(0)
        sys.exit(3)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=lambda: _limited(64 * 1024),
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("DiskFullError")
    assert "File too large" in done.stdout
    assert list(tmp_path.iterdir()) == []  # no half-written file, no temp file left


def test_cache_write_disk_full_is_typed_and_caches_nothing(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    script = textwrap.dedent(
        f"""
        import sys
        from hmcts_data import Client, DiskFullError
        from hmcts_data.testing import FakeGovUK
        body = b"Month,Value\\n" + b"2024-01,1\\n" * 200_000
        with FakeGovUK() as fake:
            url = fake.add_file("/media/x/big.csv", body, content_type="text/csv")
            with Client(base_url=fake.base_url, cache_dir={str(cache)!r}, retries=0) as c:
                try:
                    c.download(url)
                except DiskFullError as exc:
                    print(type(exc).__name__, exc)
                    sys.exit(0)
        sys.exit(3)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=lambda: _limited(256 * 1024),
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "HMCTS_DATA_CACHE_DIR" in done.stdout
    assert cached_names(cache) == []  # no body, no sidecar, no temp file
