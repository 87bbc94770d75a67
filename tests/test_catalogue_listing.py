"""The catalogue listing: one rendering, and the embedded snapshot's listing kept in the cache.

The first ``hmcts-data --offline catalogue`` with no discovery cached validates the snapshot,
prints its listing and keeps it in the user's cache; later ones print the kept listing without
validating the snapshot (``_catalogue._quick``). These tests hold that shortcut to the usual
path: the same bytes on stdout and stderr for the same clock, and the usual path whenever the
shortcut cannot be sure (nothing kept, a cached discovery, another setting, a snapshot or code
other than the kept listing's, an unusable cache directory).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

import hmcts_data._catalogue._listing as listing_module
from hmcts_data import Client
from hmcts_data._cache_layout import LAYOUT_VERSION, MARKER, MARKER_KEY, fallback_cache_dir
from hmcts_data._catalogue import _quick, catalogue
from hmcts_data._catalogue._listing import (
    dump_listing,
    listing_of,
    read_listing,
    snapshot_listing_key,
)
from hmcts_data._catalogue._snapshot import load_snapshot
from hmcts_data._catalogue._store import save_discovery, save_listing
from hmcts_data._environ import DEFAULT_BASE_URL
from hmcts_data.cli import _catalogue as cli_catalogue
from hmcts_data.cli import main
from hmcts_data.cli._common import client_from_args
from hmcts_data.testing import FakeGovUK, build_site

PACKAGE = Path(listing_module.__file__).parent
SNAPSHOT = PACKAGE / "snapshot.json"


class _Paths:
    """Which path each ``main`` call took: the usual one builds a client, the shortcut none."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.usual = 0

        def counting(args: Any) -> Client:
            self.usual += 1
            return client_from_args(args)

        monkeypatch.setattr(cli_catalogue, "client_from_args", counting)


@pytest.fixture
def paths(monkeypatch: pytest.MonkeyPatch) -> _Paths:
    return _Paths(monkeypatch)


def _freeze(monkeypatch: pytest.MonkeyPatch, when: datetime) -> None:
    monkeypatch.setattr(listing_module, "utc_now", lambda: when)


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def _kept(root: Path | None = None) -> Path:
    """Keep the embedded snapshot's listing in the cache (``root``, else the test's), as the
    first offline listing does; return where it lies."""
    key = _quick.packaged_listing_key()
    assert key is not None
    with Client(offline=True, cache_dir=root) as client:
        save_listing(client, listing_of(load_snapshot()), key)
        return client.cache.api_entry(key).directory / "body.json"


def test_no_listing_is_shipped_beside_the_snapshot() -> None:
    assert sorted(p.name for p in PACKAGE.glob("snapshot*")) == ["snapshot.json"]


def test_the_kept_listing_reads_back_only_under_its_own_key() -> None:
    listing = listing_of(load_snapshot())
    key = snapshot_listing_key(SNAPSHOT.read_bytes())
    assert key is not None
    text = dump_listing(listing, key)
    assert read_listing(text.encode(), key) == listing
    assert read_listing(text.encode(), key + "0") is None
    # Another snapshot, or other code rendering it, is another key.
    assert snapshot_listing_key(SNAPSHOT.read_bytes() + b" ") != key
    assert key == _quick.packaged_listing_key()


def test_the_listing_is_the_same_under_any_hash_seed(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from hmcts_data._catalogue._listing import dump_listing, listing_of\n"
        "from hmcts_data._catalogue._snapshot import load_snapshot\n"
        "sys.stdout.write(dump_listing(listing_of(load_snapshot()), 'k'))\n"
    )
    texts = {
        subprocess.run(
            [sys.executable, "-c", code],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            encoding="utf-8",
            check=True,
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert texts == {dump_listing(listing_of(load_snapshot()), "k")}


def test_the_first_offline_listing_keeps_it_and_the_next_uses_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], paths: _Paths
) -> None:
    _freeze(monkeypatch, datetime(2026, 12, 2, 4, 0, tzinfo=UTC))
    assert _quick.snapshot_listing(offline=True) is None  # nothing kept yet
    first = _run(["--offline", "catalogue"], capsys)
    assert paths.usual == 1
    assert _quick.snapshot_listing(offline=True) == listing_of(load_snapshot())
    second = _run(["--offline", "catalogue"], capsys)
    assert paths.usual == 1  # the shortcut answered
    assert first == second
    # Forms of the command other than the plain listing keep nothing.
    with Client() as client:
        client.cache.clear()
    _run(["--offline", "catalogue", "--json"], capsys)
    assert _quick.snapshot_listing(offline=True) is None


@pytest.mark.parametrize(
    "when",
    [datetime(2026, 12, 2, 4, 0, tzinfo=UTC), datetime(2028, 2, 29, 23, 59, tzinfo=UTC)],
)
@pytest.mark.parametrize("extra", [[], ["--all"]])
def test_the_shortcut_prints_what_the_usual_path_prints(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    paths: _Paths,
    when: datetime,
    extra: list[str],
) -> None:
    _freeze(monkeypatch, when)
    _kept()
    quick = _run(["--offline", "catalogue", *extra], capsys)
    assert paths.usual == 0  # the shortcut answered
    # A setting the shortcut does not resolve itself (here its default value) means the usual
    # path: the snapshot validated into the models, listed from them.
    monkeypatch.setenv("HMCTS_DATA_TIMEOUT", "15")
    usual = _run(["--offline", "catalogue", *extra], capsys)
    assert paths.usual == 1
    assert quick == usual
    code, out, err = quick
    assert code == 0
    # The clock-dependent phrases come from the frozen clock, in both.
    age = (when - load_snapshot().generated_at).days
    assert f"({age} days old)" in out.splitlines()[0]
    assert err.startswith("warning: Offline with no cached catalogue")
    assert len(err.splitlines()[0]) < 220  # one line a person reads; detail with --verbose
    assert ("... and 5 older" in out) is (not extra)


def test_offline_from_the_environment_takes_the_shortcut_too(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], paths: _Paths
) -> None:
    monkeypatch.setenv("HMCTS_DATA_OFFLINE", "yes")
    _kept()
    code, out, _ = _run(["catalogue"], capsys)
    assert (code, paths.usual) == (0, 0)
    assert "\nmonthly: HMCTS management information (live)\n" in out


def test_a_cached_discovery_is_listed_by_the_usual_path(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    paths: _Paths,
) -> None:
    with FakeGovUK() as fake:
        site = build_site(fake, monthly=3)
        with Client(base_url=fake.base_url, cache_dir=tmp_path / "discover") as client:
            found = catalogue(client=client)
    # Stored as GOV.UK's discovery in the cache the command uses (a listing kept too).
    _kept()
    with Client(offline=True) as client:
        save_discovery(client, found.model_copy(update={"base_url": DEFAULT_BASE_URL}))
    code, out, err = _run(["--offline", "catalogue"], capsys)
    assert (code, paths.usual) == (0, 1)
    assert "a cached discovery from https://www.gov.uk" in out.splitlines()[0]
    assert all(page.release.title in out for page in site.pages_of("monthly"))
    assert "Offline with no cached catalogue" not in err


def test_the_shortcut_reads_only_a_cache_of_this_layout(tmp_path: Path) -> None:
    # The kept listing is found where the cache keeps it (the cache wrote it, through _kept).
    _kept(tmp_path)
    env = {"HMCTS_DATA_CACHE_DIR": str(tmp_path)}
    assert _quick.snapshot_listing(offline=True, environ=env) == listing_of(load_snapshot())
    # Marked with another layout (the cache drops or refuses it), or not marked: usual path.
    marker = tmp_path / MARKER
    for version in (LAYOUT_VERSION - 1, LAYOUT_VERSION + 1):
        marker.write_text(json.dumps({MARKER_KEY: version}), encoding="utf-8")
        assert _quick.snapshot_listing(offline=True, environ=env) is None
    marker.unlink()
    assert _quick.snapshot_listing(offline=True, environ=env) is None


def _copied_snapshot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the shortcut at a copy of the packaged snapshot; return it."""
    folder = tmp_path / "package"
    folder.mkdir()
    snapshot = folder / SNAPSHOT.name
    shutil.copyfile(SNAPSHOT, snapshot)
    monkeypatch.setattr(_quick, "_SNAPSHOT", snapshot)
    return snapshot


def test_a_snapshot_other_than_the_kept_listings_is_validated(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    paths: _Paths,
) -> None:
    snapshot = _copied_snapshot(tmp_path, monkeypatch)
    _kept()
    assert _quick.snapshot_listing(offline=True) == listing_of(load_snapshot())
    # One byte more (still valid JSON): the kept listing no longer describes this snapshot.
    snapshot.write_bytes(snapshot.read_bytes() + b"\n")
    assert _quick.snapshot_listing(offline=True) is None
    code, out, _ = _run(["--offline", "catalogue"], capsys)
    assert (code, paths.usual) == (0, 1)
    assert "\nmonthly: HMCTS management information (live)\n" in out


@pytest.mark.parametrize(
    "kept",
    [
        b"not json",
        b"[]",
        b'{"key": 2}',
        # The right key, a malformed listing.
        lambda text: text.replace('"generated_at": "', '"generated_at": "x'),
        lambda text: text.replace('"lines": [', '"lines": [1, '),
        lambda text: text.replace('"source": "snapshot"', '"source": "live"'),
        lambda text: text + " " * (1 << 20),  # too large to be one
    ],
)
def test_a_malformed_kept_listing_is_not_used(kept: Any) -> None:
    target = _kept()
    if callable(kept):
        changed = kept(target.read_text(encoding="utf-8"))
        assert changed != target.read_text(encoding="utf-8")
        target.write_text(changed, encoding="utf-8")
    else:
        target.write_bytes(kept)
    assert _quick.snapshot_listing(offline=True) is None


@pytest.mark.parametrize(
    ("env", "with_flag"),
    [
        ({"HMCTS_DATA_BASE_URL": "http://127.0.0.1:9"}, False),
        ({"HMCTS_DATA_ALLOWED_HOSTS": "example.org"}, False),
        ({"HMCTS_DATA_OFFLINE": "maybe"}, False),  # the usual path raises ConfigurationError
        # Offline only from the command line's flag, combined as Client(offline=True) does.
        ({"HMCTS_DATA_OFFLINE": "0"}, True),
    ],
)
def test_settings_it_does_not_resolve_mean_the_usual_path(
    tmp_path: Path, env: dict[str, str], with_flag: bool
) -> None:
    base = {"HMCTS_DATA_CACHE_DIR": str(tmp_path / "cache"), "HMCTS_DATA_OFFLINE": "1"}
    _kept(tmp_path / "cache")
    expected = listing_of(load_snapshot())
    assert _quick.snapshot_listing(offline=False, environ=base) == expected
    assert _quick.snapshot_listing(offline=False, environ={**base, **env}) is None
    flagged = _quick.snapshot_listing(offline=True, environ={**base, **env})
    assert flagged == (expected if with_flag else None)


def test_blank_settings_count_as_unset_as_settings_reads_them(tmp_path: Path) -> None:
    env = {"HMCTS_DATA_CACHE_DIR": str(tmp_path / "c"), "HMCTS_DATA_TIMEOUT": "  "}
    _kept(tmp_path / "c")
    assert _quick.snapshot_listing(offline=True, environ=env) is not None


def test_an_invalid_offline_variable_is_the_same_error_as_before(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], paths: _Paths
) -> None:
    monkeypatch.setenv("HMCTS_DATA_OFFLINE", "maybe")
    code, _, err = _run(["--offline", "catalogue"], capsys)
    assert code == 9
    assert "HMCTS_DATA_OFFLINE='maybe' is not a boolean" in err
    assert paths.usual == 1


def test_a_cache_directory_the_cache_could_not_use_means_the_usual_path(tmp_path: Path) -> None:
    # (The usual path then warns and falls back to a folder in the system's temporary folder.)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    env = {"HMCTS_DATA_CACHE_DIR": str(blocker / "cache")}
    assert _quick.snapshot_listing(offline=True, environ=env) is None
    # The shared fallback itself, which the cache checks is private before each use.
    fallback = {"HMCTS_DATA_CACHE_DIR": str(fallback_cache_dir())}
    assert _quick.snapshot_listing(offline=True, environ=fallback) is None


def test_the_shortcut_creates_the_cache_directory_and_leaves_nothing_else(tmp_path: Path) -> None:
    root = tmp_path / "new" / "cache"
    assert (
        _quick.snapshot_listing(offline=True, environ={"HMCTS_DATA_CACHE_DIR": str(root)}) is None
    )
    assert root.is_dir()
    assert list(root.iterdir()) == []
    kept = _kept(root)
    before = sorted(p.relative_to(root) for p in root.rglob("*"))
    assert _quick.snapshot_listing(offline=True, environ={"HMCTS_DATA_CACHE_DIR": str(root)})
    assert sorted(p.relative_to(root) for p in root.rglob("*")) == before
    assert kept.is_file()


@pytest.mark.parametrize("argv", [["monthly"], ["--json"], ["--refresh"], ["--full-refresh"]])
def test_other_forms_of_the_command_take_the_usual_path(
    capsys: pytest.CaptureFixture[str], paths: _Paths, argv: list[str]
) -> None:
    code, out, _ = _run(["--offline", "catalogue", *argv], capsys)
    assert (code, paths.usual) == (0, 1)
    assert out


def test_debug_runs_take_the_usual_path(capsys: pytest.CaptureFixture[str], paths: _Paths) -> None:
    assert _run(["--debug", "--offline", "catalogue"], capsys)[0] == 0
    assert paths.usual == 1
