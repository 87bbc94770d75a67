"""Files the user hands in get the download budget: size, time and shape (issue 24 item 6).

``read()`` and ``read_tables()`` refuse, with a ParseError, a path or bytes over
``HMCTS_DATA_MAX_FILE_SIZE``, a FIFO or device (``/dev/zero``), an endless or trickling file
object, a CSV row of a million fields, and a workbook holding a huge run of text in one cell.
The dangerous ones run in a child process under a memory limit and a timeout, so a regression
kills the child, not the test run.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

import hmcts_data
from hmcts_data import ConfigurationError, ParseError
from hmcts_data.tables._guard import MAX_TEXT_BYTES
from tests import _bombs

_SRC = str(Path(hmcts_data.__file__).resolve().parents[1])
_ROOT = str(Path(__file__).resolve().parents[1])
_LIMIT_BYTES = 1536 * 1024 * 1024
_CSV = b"Week ending,Hearings\n12/04/2020,5\n19/04/2020,7\n"


def test_path_and_bytes_over_the_size_cap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "h.csv"
    path.write_bytes(_CSV)
    assert hmcts_data.read_tables(path)[0].columns == ("Week ending", "Hearings")
    monkeypatch.setenv("HMCTS_DATA_MAX_FILE_SIZE", str(len(_CSV) - 1))
    for make in (lambda: path, lambda: _CSV, lambda: io.BytesIO(_CSV)):
        with pytest.raises(ParseError, match="HMCTS_DATA_MAX_FILE_SIZE"):
            hmcts_data.read_tables(make())
        with pytest.raises(ParseError, match="HMCTS_DATA_MAX_FILE_SIZE"):
            hmcts_data.read("ad-hoc", make())
    monkeypatch.setenv("HMCTS_DATA_MAX_FILE_SIZE", "lots")
    with pytest.raises(ConfigurationError, match="HMCTS_DATA_MAX_FILE_SIZE"):
        hmcts_data.read_tables(path)


def test_a_workbook_cell_with_megabytes_of_text_is_refused() -> None:
    text = "x" * (MAX_TEXT_BYTES + 10)
    book = _bombs.xlsx({"A1": "Week ending", "B1": "Hearings", "A2": "12/04/2020", "B2": text})
    with pytest.raises(ParseError, match="between two tags") as info:
        hmcts_data.read_tables(book, name="big.xlsx")
    assert len(str(info.value)) < 400
    assert info.value.file == "big.xlsx"
    # Just under the limit still reads (as text, refused as a figure with a short message).
    fits = _bombs.xlsx({"A1": "Week ending", "B1": "Hearings", "A2": "12/04/2020", "B2": "5"})
    assert hmcts_data.read_tables(fits, name="ok.xlsx")


def _stored(data: bytes) -> bytes:
    """The same package with every member stored uncompressed (no ratio limit applies)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            target.writestr(item.filename, source.read(item.filename), zipfile.ZIP_STORED)
    return out.getvalue()


def test_an_ods_with_a_long_stored_string_is_refused() -> None:
    cell = '<table:table-cell office:value-type="string"><text:p>{}</text:p></table:table-cell>'
    rows = (
        f"<table:table-row>{cell.format('Week ending')}{cell.format('Hearings')}</table:table-row>"
        f"<table:table-row>{cell.format('12/04/2020')}{cell.format('y' * 3_000_000)}"
        "</table:table-row>"
    )
    with pytest.raises(ParseError, match="between two tags"):
        hmcts_data.read_tables(_stored(_bombs.ods(rows)), name="s.ods")


_CHILD = textwrap.dedent(
    """
    import io, os, resource, sys, time, warnings, zipfile
    limit = int(sys.argv[1])
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    warnings.simplefilter("ignore")
    sys.path.insert(0, sys.argv[3])
    import hmcts_data
    from tests import _bombs
    from tests.test_local_sources import _stored
    work = sys.argv[2]

    class Endless(io.RawIOBase):
        def readable(self):
            return True
        def readinto(self, b):
            b[:] = b"1," * (len(b) // 2)
            return len(b) - len(b) % 2

    class Trickle(io.RawIOBase):
        def readable(self):
            return True
        def readinto(self, b):
            time.sleep(0.05)
            b[:1] = b"1"
            return 1

    wide = os.path.join(work, "wide.csv")
    with open(wide, "w") as f:
        f.write(",".join(f"c{i}" for i in range(10**6)) + "\\n")
        f.write(",".join("1" for _ in range(10**6)) + "\\n")
    fifo = os.path.join(work, "pipe.csv")
    os.mkfifo(fifo)
    cell = '<table:table-cell office:value-type="string"><text:p>{}</text:p></table:table-cell>'
    rows = (
        f"<table:table-row>{cell.format('Week ending')}{cell.format('Hearings')}</table:table-row>"
        f"<table:table-row>{cell.format('12/04/2020')}{cell.format('z' * 200_000_000)}"
        "</table:table-row>"
    )
    ods = _stored(_bombs.ods(rows))
    del rows
    cases = {
        "wide": lambda: wide,
        "zero": lambda: "/dev/zero",
        "fifo": lambda: fifo,
        "endless": Endless,
        "trickle": Trickle,
        "ods": lambda: ods,
    }
    for label, make in cases.items():
        for call in ("read", "read_tables"):
            start = time.monotonic()
            try:
                if call == "read":
                    hmcts_data.read("ad-hoc", make())
                else:
                    hmcts_data.read_tables(make())
            except hmcts_data.ParseError as exc:
                took = time.monotonic() - start
                print(label, call, "ParseError", f"{took:.1f}", str(exc).replace(chr(10), " "))
            else:
                print(label, call, "read")
            sys.stdout.flush()
    """
)


def test_endless_huge_and_odd_sources_are_refused_in_bounded_memory_and_time(
    tmp_path: Path,
) -> None:
    env = {**os.environ, "PYTHONPATH": _SRC, "HMCTS_DATA_DEADLINE": "2"}
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(_LIMIT_BYTES), str(tmp_path), _ROOT],
        check=False,
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    lines = {tuple(line.split()[:2]): line for line in done.stdout.splitlines()}
    expected = {
        "wide": "1,000,000",
        "zero": "not a regular file",
        "fifo": "not a regular file",
        "endless": "HMCTS_DATA_MAX_FILE_SIZE",
        "trickle": "HMCTS_DATA_DEADLINE",
        "ods": "between two tags",
    }
    for label, words in expected.items():
        for call in ("read", "read_tables"):
            line = lines.get((label, call), "")
            assert "ParseError" in line, (label, call, done.stdout, done.stderr[-2000:])
            assert words in line, line
            assert float(line.split()[3]) < 30, line  # seconds to refuse


def test_a_folder_is_refused_by_name(tmp_path: Path) -> None:
    with pytest.raises(ParseError, match="is a folder, not a file") as info:
        hmcts_data.read_tables(tmp_path)
    assert info.value.file == str(tmp_path)
