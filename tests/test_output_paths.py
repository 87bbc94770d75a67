"""Outputs that cannot be written give a typed error and a clean exit (issue 24 item 8).

``-o`` onto a directory, a FIFO or a name past the file-name limit; standard output on a full
device or closed; a DuckDB export that runs out of disk (a real full file system where one can
be mounted, and a real file-size limit from the kernel everywhere). A failed export leaves the
old file whole and nothing else behind.
"""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import textwrap
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

import hmcts_data
from hmcts_data import DiskFullError, StorageError
from hmcts_data.cli import main
from hmcts_data.testing._monthly_files import monthly_csv

_SRC = str(Path(hmcts_data.__file__).resolve().parents[1])


@pytest.fixture
def source(tmp_path: Path) -> Path:
    path = tmp_path / "mi.csv"
    path.write_bytes(monthly_csv("D", date(2025, 4, 1), 3).data)
    return path


def _cli(*args: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": _SRC}
    return subprocess.run(  # type: ignore[call-overload, no-any-return]
        [sys.executable, "-m", "hmcts_data.cli", *args],
        check=False,
        capture_output=kwargs.pop("capture_output", True),
        text=True,
        timeout=120,
        env=env,
        **kwargs,
    )


def test_output_onto_a_directory(
    source: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "out.csv"
    folder.mkdir()
    with pytest.raises(StorageError, match="is a directory"):
        hmcts_data.write(pd.DataFrame({"a": [1]}), folder)
    with pytest.raises(SystemExit) as info:
        main(["read", "monthly", str(source), "-o", str(folder)])
    assert info.value.code == 2
    assert "is a directory" in capsys.readouterr().err
    assert list(folder.iterdir()) == []


def test_a_name_near_the_limit_is_written_and_one_past_it_refused(
    source: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    near = tmp_path / ("n" * 250 + ".csv")  # 254 bytes: the temporary name must not pass 255
    assert main(["read", "monthly", str(source), "-o", str(near)]) == 0
    assert near.read_text().startswith("publication,")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["mi.csv", near.name])
    past = tmp_path / ("p" * 260 + ".parquet")
    with pytest.raises(StorageError, match="at most 255"):
        hmcts_data.write(pd.DataFrame({"a": [1]}), past)
    with pytest.raises(SystemExit) as info:
        main(["read", "monthly", str(source), "-o", str(past)])
    assert info.value.code == 2
    capsys.readouterr()


def test_output_onto_a_fifo_does_not_block(source: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.duckdb"
    os.mkfifo(fifo)
    done = _cli("read", "monthly", str(source), "-o", str(fifo))  # the timeout catches a hang
    assert done.returncode == 2, done.stderr
    assert "FIFO" in done.stderr
    assert "Traceback" not in done.stderr
    script = textwrap.dedent(
        f"""
        import pandas as pd, hmcts_data
        for call in (hmcts_data.write, hmcts_data.to_duckdb):
            try:
                call(pd.DataFrame({{"a": [1]}}), {str(fifo)!r})
            except hmcts_data.StorageError as exc:
                print("StorageError", exc)
        """
    )
    child = subprocess.run(
        [sys.executable, "-c", script],
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": _SRC},
    )
    assert child.stdout.count("StorageError") == 2, child.stderr


@pytest.mark.parametrize("argv", [["read", "monthly"], ["--offline", "catalogue"]])
def test_stdout_on_a_full_device(source: Path, argv: list[str]) -> None:
    args = [*argv, str(source)] if argv[0] == "read" else argv
    with open("/dev/full", "w") as full:
        done = _cli(*args, stdout=full, stderr=subprocess.PIPE, capture_output=False)
    assert done.returncode == 1
    assert "No space left on device" in done.stderr
    assert "Traceback" not in done.stderr
    assert done.stderr.count("error:") == 1


@pytest.mark.parametrize("argv", [["read", "monthly"], ["--offline", "catalogue"]])
def test_stdout_closed(source: Path, argv: list[str]) -> None:
    args = [*argv, str(source)] if argv[0] == "read" else argv
    done = _cli(
        *args, stdout=None, stderr=subprocess.PIPE, capture_output=False, preexec_fn=_close_stdout
    )
    assert done.returncode == 1
    assert "standard output" in done.stderr
    assert "Traceback" not in done.stderr


def _close_stdout() -> None:
    os.close(1)


def test_stdout_closed_early_by_the_reader_is_quiet(source: Path) -> None:
    env = {**os.environ, "PYTHONPATH": _SRC}
    child = subprocess.Popen(
        [sys.executable, "-m", "hmcts_data.cli", "--offline", "catalogue", "--all"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert child.stdout is not None
    assert child.stderr is not None
    child.stdout.read(10)
    child.stdout.close()
    err = child.stderr.read().decode()
    assert child.wait(timeout=120) == 0
    assert "Traceback" not in err


def _frame(rows: int) -> pd.DataFrame:
    return pd.DataFrame({"a": [f"row {i} " * 5 for i in range(rows)], "n": range(rows)})


def _assert_whole(path: Path, rows: int) -> None:
    assert hmcts_data.read_duckdb(path).shape == (rows, 2)
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]  # no .wal, no .part


@pytest.fixture
def full_fs() -> Iterator[Path]:
    """A 2 MiB tmpfs: a real file system that fills up (needs root; skipped otherwise)."""
    where = Path(f"/tmp/hmcts-data-test-full-{uuid.uuid4().hex[:8]}")
    where.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(where)],
        check=False,
        capture_output=True,
    )
    if mounted.returncode != 0:
        where.rmdir()
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    try:
        yield where
    finally:
        subprocess.run(["umount", str(where)], check=False)
        where.rmdir()


def test_duckdb_export_on_a_full_disk(full_fs: Path) -> None:
    pytest.importorskip("duckdb")
    target = full_fs / "mi.duckdb"
    hmcts_data.write(_frame(10), target)
    _assert_whole(target, 10)
    for rows in (20_000, 60_000, 200_000):  # fails at the copy, the commit or the checkpoint
        with pytest.raises(DiskFullError, match="No space left") as info:
            hmcts_data.write(_frame(rows), target)
        assert ".part" not in str(info.value)
        _assert_whole(target, 10)
    new = full_fs / "new.duckdb"
    with pytest.raises(DiskFullError):
        hmcts_data.write(_frame(200_000), new)
    assert not new.exists()
    _assert_whole(target, 10)


def _limited(limit: int) -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


def test_duckdb_export_past_a_file_size_limit(tmp_path: Path) -> None:
    pytest.importorskip("duckdb")
    target = tmp_path / "mi.duckdb"
    hmcts_data.write(_frame(10), target)
    size = target.stat().st_size
    script = textwrap.dedent(
        f"""
        import sys
        import pandas as pd
        from hmcts_data import DiskFullError, write
        frame = pd.DataFrame({{"a": [f"row {{i}} " * 5 for i in range(300_000)],
                              "n": range(300_000)}})
        try:
            write(frame, {str(target)!r})
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
        env={**os.environ, "PYTHONPATH": _SRC},
        preexec_fn=lambda: _limited(size + 256 * 1024),
    )
    assert done.returncode == 0, done.stderr + done.stdout
    assert done.stdout.startswith("DiskFullError")
    _assert_whole(target, 10)


def test_stderr_closed_or_full_does_not_fail_the_command(source: Path) -> None:
    with open("/dev/full", "w") as full:
        done = _cli(
            "--offline", "catalogue", stderr=full, stdout=subprocess.PIPE, capture_output=False
        )
    assert done.returncode == 0
    assert "monthly" in done.stdout
    closed = _cli(
        "--offline",
        "catalogue",
        "no-such-publication",
        stdout=subprocess.PIPE,
        stderr=None,
        capture_output=False,
        preexec_fn=lambda: os.close(2),
    )
    assert closed.returncode == 8  # the error could not be shown; its exit code still is
