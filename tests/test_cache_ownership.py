"""The cache owns only what it made (issue 24, items 1 and 5).

A cache directory may be a folder of the user's own. Nothing in it is deleted or trusted until
a marker (with the layout version) proves it is a hmcts-data cache; a clear while other
processes read the cache is, for them, a cache miss and never an error.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from hmcts_data import Client, ConfigurationError
from hmcts_data._cache import Cache
from hmcts_data._cache_layout import (
    KINDS,
    LAYOUT_VERSION,
    MARKER,
    MARKER_KEY,
    entry_dir,
    read_marker,
)
from hmcts_data.cli import main
from hmcts_data.testing import FakeGovUK
from hmcts_data.testing._demo import build_data_site

PATH = "/media/h/HMCTS_MI_output_accessible.csv"
BODY = b"Month,Value\n" + b"".join(b"2024-%02d,%d\n" % (m, m * 7) for m in range(1, 13))


@pytest.fixture
def fake() -> Iterator[FakeGovUK]:
    with FakeGovUK() as server:
        server.add_file(PATH, BODY, content_type="text/csv")
        yield server


def client(fake: FakeGovUK, cache: Path, **overrides: Any) -> Client:
    return Client(base_url=fake.base_url, cache_dir=cache, rate_limit=1000, **overrides)


def user_folder(root: Path) -> dict[str, bytes]:
    """A user's folder that happens to have ``files`` and ``api`` subfolders."""
    tree = {
        "files/report/notes.txt": b"my notes",
        "files/plain.csv": b"a,b\n1,2\n",
        "files/meta.json": b"{}",
        "api/key.json": b'{"token": "mine"}',
        "api/0123456789abcdef0123456789abcdef/draft.docx": b"a draft in a hash-named folder",
        "thesis.docx": b"years of work",
    }
    for name, data in tree.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    return tree


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


# -- a user's folder is never cleared ----------------------------------------------------------


def test_clear_cache_refuses_a_users_folder(fake: FakeGovUK, tmp_path: Path) -> None:
    tree = user_folder(tmp_path)
    with client(fake, tmp_path) as c, pytest.raises(ConfigurationError) as caught:
        c.clear_cache()
    message = str(caught.value)
    assert "not a hmcts-data cache" in message
    assert "HMCTS_DATA_CACHE_DIR" in message
    assert snapshot(tmp_path) == tree  # nothing deleted, nothing written


def test_cli_cache_clear_refuses_a_users_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    tree = user_folder(tmp_path)
    monkeypatch.setenv("HMCTS_DATA_CACHE_DIR", str(tmp_path))
    code = main(["cache", "clear", "--yes"])
    err = capsys.readouterr().err
    assert code != 0
    assert "not a hmcts-data cache" in err
    assert "Traceback" not in err
    assert snapshot(tmp_path) == tree


def test_a_users_folder_is_neither_read_nor_written(fake: FakeGovUK, tmp_path: Path) -> None:
    tree = user_folder(tmp_path)
    with client(fake, tmp_path) as c, pytest.raises(ConfigurationError, match="not a hmcts-data"):
        c.download(fake.url(PATH))
    with client(fake, tmp_path, offline=True) as c, pytest.raises(ConfigurationError):
        c.download(fake.url(PATH))
    assert fake.count(PATH) == 0
    assert snapshot(tmp_path) == tree


def test_a_folder_without_kind_folders_becomes_a_cache_and_keeps_its_files(
    fake: FakeGovUK, tmp_path: Path
) -> None:
    (tmp_path / "analysis.ipynb").write_bytes(b"{}")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "mine.csv").write_bytes(b"x\n1\n")
    with client(fake, tmp_path) as c:
        assert c.download(fake.url(PATH)).status == "downloaded"
        assert read_marker(tmp_path) == LAYOUT_VERSION
        assert c.clear_cache() == 1
    left = snapshot(tmp_path)
    assert left.pop(MARKER)
    assert left == {"analysis.ipynb": b"{}", "data/mine.csv": b"x\n1\n"}


def test_clear_leaves_what_the_user_put_in_a_marked_cache(fake: FakeGovUK, tmp_path: Path) -> None:
    with client(fake, tmp_path) as c:
        c.download(fake.url(PATH))
        # Put there afterwards: plainly named files and folders beside the entries.
        (tmp_path / "files" / "report").mkdir()
        (tmp_path / "files" / "report" / "notes.txt").write_bytes(b"mine")
        (tmp_path / "files" / "plain.csv").write_bytes(b"mine too")
        assert c.clear_cache() == 1
    assert (tmp_path / "files" / "report" / "notes.txt").read_bytes() == b"mine"
    assert (tmp_path / "files" / "plain.csv").read_bytes() == b"mine too"
    assert not entry_dir(tmp_path, "files", fake.url(PATH)).exists()


# -- the marker and its layout version ---------------------------------------------------------


def test_marker_states_the_layout_version(fake: FakeGovUK, tmp_path: Path) -> None:
    with client(fake, tmp_path) as c:
        c.download(fake.url(PATH))
    marker = json.loads((tmp_path / MARKER).read_text())
    assert marker[MARKER_KEY] == LAYOUT_VERSION
    # The layout is derived from the cache module, and the cache uses it.
    assert entry_dir(tmp_path, "files", fake.url(PATH)) == (
        Cache(tmp_path).file_entry(fake.url(PATH)).directory
    )
    assert {p.name for p in tmp_path.iterdir()} == {MARKER, "files"}
    assert set(KINDS) >= {"files"}


def plant_legacy_entry(root: Path, url: str, body: bytes) -> Path:
    """An entry as hmcts-data wrote it before the marker existed (layout 1)."""
    folder = entry_dir(root, "files", url)
    folder.mkdir(parents=True)
    (folder / "HMCTS_MI_output_accessible.csv").write_bytes(body)
    now = datetime.now(UTC).isoformat()
    meta = {
        "url": url,
        "final_url": url,
        "size": len(body),
        "sha256": hashlib.sha256(body).hexdigest(),
        "retrieved_at": now,
        "validated_at": now,
        "filename": "HMCTS_MI_output_accessible.csv",
    }
    (folder / "meta.json").write_text(json.dumps(meta))
    (folder / ".lock").touch()
    return folder


def test_an_unmarked_cache_of_the_earlier_layout_is_adopted(
    fake: FakeGovUK, tmp_path: Path
) -> None:
    plant_legacy_entry(tmp_path, fake.url(PATH), BODY)
    with client(fake, tmp_path) as c:
        got = c.download(fake.url(PATH))
    assert got.status == "cached"  # its entries are the library's own: served as before
    assert fake.count(PATH) == 0
    assert read_marker(tmp_path) == LAYOUT_VERSION


def test_an_older_marked_layout_is_never_misread(fake: FakeGovUK, tmp_path: Path) -> None:
    old = b"Month,Value\n2024-01,666\n"
    folder = plant_legacy_entry(tmp_path, fake.url(PATH), old)
    (tmp_path / MARKER).write_text(json.dumps({MARKER_KEY: LAYOUT_VERSION - 1}))
    with client(fake, tmp_path) as c:
        got = c.download(fake.url(PATH))
    assert got.status == "downloaded"
    assert got.path.read_bytes() == BODY
    assert fake.count(PATH) == 1
    assert read_marker(tmp_path) == LAYOUT_VERSION
    assert folder.exists()  # the same place, now holding the fresh entry


def test_a_newer_layout_is_refused_untouched(fake: FakeGovUK, tmp_path: Path) -> None:
    plant_legacy_entry(tmp_path, fake.url(PATH), BODY)
    (tmp_path / MARKER).write_text(json.dumps({MARKER_KEY: LAYOUT_VERSION + 1}))
    before = snapshot(tmp_path)
    with client(fake, tmp_path) as c:
        with pytest.raises(ConfigurationError, match="newer hmcts-data"):
            c.download(fake.url(PATH))
        with pytest.raises(ConfigurationError, match="newer hmcts-data"):
            c.clear_cache()
    assert snapshot(tmp_path) == before
    assert fake.count(PATH) == 0


@pytest.mark.parametrize("kind", ["symlink", "garbage", "huge"])
def test_something_else_in_the_markers_place_is_no_marker(
    fake: FakeGovUK, tmp_path: Path, kind: str
) -> None:
    real = tmp_path / "real-cache"
    with client(fake, real) as c:
        c.download(fake.url(PATH))
    root = tmp_path / "users"
    tree = user_folder(root)
    if kind == "symlink":
        (root / MARKER).symlink_to(real / MARKER)
    elif kind == "garbage":
        (root / MARKER).write_bytes(b"\x00not json")
    else:
        (root / MARKER).write_text(json.dumps({MARKER_KEY: LAYOUT_VERSION, "pad": "x" * 9000}))
    with client(fake, root) as c, pytest.raises(ConfigurationError, match="not a hmcts-data"):
        c.clear_cache()
    assert {k: v for k, v in snapshot(root).items() if k != MARKER} == tree


# -- clearing while others read ----------------------------------------------------------------

_READER = textwrap.dedent(
    """
    import json, sys, time, traceback, warnings
    import hmcts_data
    from hmcts_data import Client
    base, cache, url, seconds = sys.argv[1:5]
    warnings.simplefilter("ignore")
    failures, loads = [], 0
    end = time.monotonic() + float(seconds)
    with Client(base_url=base, cache_dir=cache, rate_limit=1000) as client:
        while time.monotonic() < end:
            try:
                client.download(url)
                frame = hmcts_data.load("monthly", client=client)
                assert len(frame) > 0
                loads += 1
            except BaseException as exc:
                failures.append(traceback.format_exc()[-1500:])
    print(json.dumps({"loads": loads, "failures": failures}))
    """
)

_CLEARER = textwrap.dedent(
    """
    import json, sys, time, traceback
    from hmcts_data import Client
    base, cache, seconds = sys.argv[1:4]
    failures, clears = [], 0
    end = time.monotonic() + float(seconds)
    with Client(base_url=base, cache_dir=cache, rate_limit=1000) as client:
        while time.monotonic() < end:
            try:
                client.clear_cache()
                clears += 1
            except BaseException as exc:
                failures.append(traceback.format_exc()[-1500:])
            time.sleep(0.01)
    print(json.dumps({"clears": clears, "failures": failures}))
    """
)


def test_clearing_while_other_processes_load(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    seconds = "4"
    with FakeGovUK() as fake:
        build_data_site(fake, monthly=2, last_month=date(2025, 4, 1))
        fake.add_file(PATH, BODY, content_type="text/csv")
        env = {**os.environ, "PYTHONWARNINGS": "ignore"}
        children = [
            subprocess.Popen(
                [sys.executable, "-c", _READER, fake.base_url, str(cache), fake.url(PATH), seconds],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env=env,
            )
            for _ in range(2)
        ]
        time.sleep(0.5)
        children += [
            subprocess.Popen(
                [sys.executable, "-c", _CLEARER, fake.base_url, str(cache), seconds],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env=env,
            )
            for _ in range(2)
        ]
        results = []
        for child in children:
            out, err = child.communicate(timeout=120)
            assert child.returncode == 0, err
            results.append(json.loads(out.strip().splitlines()[-1]))
    failures = [f for r in results for f in r["failures"]]
    assert failures == []
    assert sum(r.get("loads", 0) for r in results) > 0
    assert sum(r.get("clears", 0) for r in results) > 10
