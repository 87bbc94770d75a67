"""A cache that cannot be hijacked or tampered with (issue 12, items 1, 5, 8).

Crafted cache folders: a fallback planted by another user, symlinked entries and lock files,
sidecars naming files outside the cache or times in the future, bytes flipped in a cached file.
Each test proves the right exception (or a refetch), nothing served from the plant, and the
victim's own files intact. Tests run as root here, so "another user" is a real ``chown``.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from hmcts_data import Client, ConfigurationError, IntegrityError
from hmcts_data._cache import Cache, write_marker
from hmcts_data._cache_layout import fallback_cache_dir
from hmcts_data.testing import FakeGovUK

PATH = "/media/h/HMCTS_MI_output_accessible.csv"
BODY = b"Month,Value\n" + b"".join(b"2024-%02d,%d\n" % (m, m * 7) for m in range(1, 13))
OTHER_UID = 54321


@pytest.fixture
def fake() -> Iterator[FakeGovUK]:
    with FakeGovUK() as server:
        server.add_file(PATH, BODY, content_type="text/csv")
        yield server


def client(fake: FakeGovUK, cache: Path | None, **overrides: Any) -> Client:
    return Client(
        base_url=fake.base_url, cache_dir=cache, backoff=0.01, rate_limit=1000, **overrides
    )


def plant(
    directory: Path,
    url: str,
    filename: str,
    body: bytes,
    *,
    validated_at: datetime | None = None,
) -> None:
    """Write a sidecar as an attacker would: consistent size and sha256 for ``body``."""
    directory.mkdir(parents=True, exist_ok=True)
    when = validated_at or datetime.now(UTC)
    meta = {
        "url": url,
        "final_url": url,
        "size": len(body),
        "sha256": hashlib.sha256(body).hexdigest(),
        "retrieved_at": when.isoformat(),
        "validated_at": when.isoformat(),
        "filename": filename,
    }
    (directory / "meta.json").write_text(json.dumps(meta))


def entry_dir(root: Path, url: str) -> Path:
    # Computed on a stand-in root: the real root may be one the cache refuses to open.
    relative = Cache(Path("/r")).file_entry(url).directory.relative_to("/r")
    return root / relative


# -- the fallback in the shared temporary folder -----------------------------------------------


@pytest.fixture
def unwritable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A configured cache that cannot be created, and a private temporary folder."""
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where a directory should be")
    monkeypatch.setattr("tempfile.gettempdir", lambda: str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    return blocker / "cache"


def test_fallback_is_created_private(fake: FakeGovUK, unwritable: Path) -> None:
    with client(fake, unwritable) as c, pytest.warns(UserWarning, match="not writable"):
        got = c.download(fake.url(PATH))
    root = fallback_cache_dir()
    info = os.lstat(root)
    assert stat.S_IMODE(info.st_mode) == 0o700
    assert info.st_uid == os.getuid()
    assert got.path.is_relative_to(root)
    assert got.path.read_bytes() == BODY


def test_fallback_planted_by_another_user_is_refused(fake: FakeGovUK, unwritable: Path) -> None:
    root = fallback_cache_dir()
    root.mkdir(mode=0o700)
    url = fake.url(PATH)
    planted = b"Month,Value\n2024-01,666\n"
    plant(
        entry_dir(root, url),
        url,
        "HMCTS_MI_output_accessible.csv",
        planted,
        validated_at=datetime.now(UTC) + timedelta(days=3650),
    )
    (entry_dir(root, url) / "HMCTS_MI_output_accessible.csv").write_bytes(planted)
    for path in [root, *root.rglob("*")]:
        os.chown(path, OTHER_UID, OTHER_UID)
    with client(fake, unwritable) as c, pytest.raises(ConfigurationError) as caught:
        c.download(url)
    assert "belongs to another user" in str(caught.value)
    assert "HMCTS_DATA_CACHE_DIR" in str(caught.value)
    assert fake.count(PATH) == 0
    assert (entry_dir(root, url) / "HMCTS_MI_output_accessible.csv").read_bytes() == planted


@pytest.mark.parametrize("kind", ["open-mode", "symlink"])
def test_fallback_open_to_others_or_symlinked_is_refused(
    fake: FakeGovUK, unwritable: Path, tmp_path: Path, kind: str
) -> None:
    root = fallback_cache_dir()
    if kind == "open-mode":
        root.mkdir()
        root.chmod(0o777)
    else:
        elsewhere = tmp_path / "elsewhere"
        elsewhere.mkdir(mode=0o700)
        root.symlink_to(elsewhere)
    with client(fake, unwritable) as c, pytest.raises(ConfigurationError, match="refusing"):
        c.download(fake.url(PATH))
    assert fake.count(PATH) == 0
    if kind == "symlink":
        assert list((tmp_path / "elsewhere").iterdir()) == []


def test_fallback_is_checked_on_every_use(fake: FakeGovUK, unwritable: Path) -> None:
    with client(fake, unwritable) as c:
        with pytest.warns(UserWarning, match="not writable"):
            c.download(fake.url(PATH))
        fallback_cache_dir().chmod(0o777)  # opened up (or swapped) while in use
        with pytest.raises(ConfigurationError, match="open to other users"):
            c.download(fake.url(PATH))
        with pytest.raises(ConfigurationError):
            c.clear_cache()


# -- entries: symlinks, sidecar fields, ownership ----------------------------------------------


@pytest.fixture
def victim(tmp_path: Path) -> Path:
    home = tmp_path / "victim"
    home.mkdir()
    (home / "thesis.docx").write_bytes(b"years of work")
    (home / "notes.txt").write_bytes(b"more work")
    return home


def victim_intact(home: Path) -> bool:
    return sorted(p.name for p in home.iterdir()) == ["notes.txt", "thesis.docx"] and (
        (home / "thesis.docx").read_bytes() == b"years of work"
    )


def test_symlinked_entry_is_never_followed(fake: FakeGovUK, tmp_path: Path, victim: Path) -> None:
    root = tmp_path / "cache"
    url = fake.url(PATH)
    link = entry_dir(root, url)
    link.parent.mkdir(parents=True)
    link.symlink_to(victim, target_is_directory=True)
    with client(fake, root) as c, pytest.raises(IntegrityError, match="not a plain directory"):
        c.download(url)
    assert victim_intact(victim)
    with client(fake, root) as c:
        assert c.clear_cache() == 0
    assert victim_intact(victim)
    assert link.is_symlink()


def test_symlinked_kind_folder_is_never_followed(
    fake: FakeGovUK, tmp_path: Path, victim: Path
) -> None:
    root = tmp_path / "cache"
    root.mkdir()
    (root / "files").symlink_to(victim, target_is_directory=True)
    with client(fake, root) as c:
        with pytest.raises(IntegrityError):
            c.download(fake.url(PATH))
        c.clear_cache()
    assert victim_intact(victim)


def test_planted_lock_symlink_creates_nothing_outside(
    fake: FakeGovUK, tmp_path: Path, victim: Path
) -> None:
    root = tmp_path / "cache"
    url = fake.url(PATH)
    with client(fake, root) as c:
        c.download(url)
        lock = entry_dir(root, url) / ".lock"
        lock.unlink()
        lock.symlink_to(victim / "created-by-lock")
        # The link is not opened, let alone followed (O_NOFOLLOW), and the error is typed.
        with pytest.raises(IntegrityError, match=r"lock file .* is a symlink"):
            c.clear_cache()
        with pytest.raises(IntegrityError, match="is a symlink"):
            c.download(url, expected_size=1)  # a fresh download needs the lock
    assert not (victim / "created-by-lock").exists()
    assert victim_intact(victim)


def test_sidecar_file_name_outside_the_cache_is_ignored(
    fake: FakeGovUK, tmp_path: Path, victim: Path
) -> None:
    root = tmp_path / "cache"
    url = fake.url(PATH)
    secret = victim / "thesis.docx"
    relative = os.path.relpath(secret, entry_dir(root, url))
    plant(entry_dir(root, url), url, relative, secret.read_bytes())
    with client(fake, root) as c:
        got = c.download(url)
        assert got.status == "downloaded"
        assert got.path.parent == entry_dir(root, url)
        assert got.path.read_bytes() == BODY
        assert c.clear_cache() == 1
    assert victim_intact(victim)


def test_body_symlinked_outside_the_cache_is_not_served(
    fake: FakeGovUK, tmp_path: Path, victim: Path
) -> None:
    root = tmp_path / "cache"
    url = fake.url(PATH)
    folder = entry_dir(root, url)
    secret = victim / "thesis.docx"
    plant(folder, url, "HMCTS_MI_output_accessible.csv", secret.read_bytes())
    (folder / "HMCTS_MI_output_accessible.csv").symlink_to(secret)
    with client(fake, root, offline=True) as c, pytest.raises(hmcts_offline()):
        c.download(url)
    with client(fake, root) as c:
        got = c.download(url)
    assert got.status == "downloaded"
    assert not got.path.is_symlink()
    assert got.path.read_bytes() == BODY
    assert victim_intact(victim)


def hmcts_offline() -> type[Exception]:
    from hmcts_data import OfflineError

    return OfflineError


@pytest.mark.parametrize(
    ("field", "value"),
    [("size", -1), ("sha256", "not-a-digest"), ("filename", ".lock"), ("filename", "a/b.csv")],
)
def test_absurd_sidecar_fields_make_the_entry_absent(
    fake: FakeGovUK, tmp_path: Path, field: str, value: Any
) -> None:
    root = tmp_path / "cache"
    url = fake.url(PATH)
    with client(fake, root) as c:
        c.download(url)
    sidecar = entry_dir(root, url) / "meta.json"
    meta = json.loads(sidecar.read_text())
    meta[field] = value
    sidecar.write_text(json.dumps(meta))
    with client(fake, root) as c:
        assert c.download(url).status == "downloaded"
    assert fake.count(PATH) == 2


def test_future_validated_at_is_revalidated(fake: FakeGovUK, tmp_path: Path) -> None:
    root = tmp_path / "cache"
    url = fake.url(PATH)
    with client(fake, root) as c:
        c.download(url)
    sidecar = entry_dir(root, url) / "meta.json"
    meta = json.loads(sidecar.read_text())
    meta["validated_at"] = (datetime.now(UTC) + timedelta(days=3650)).isoformat()
    sidecar.write_text(json.dumps(meta))
    with client(fake, root) as c:
        got = c.download(url)
    assert got.status in {"revalidated", "downloaded"}
    assert fake.count(PATH) == 2


def test_entry_of_another_user_keeps_its_files(fake: FakeGovUK, tmp_path: Path) -> None:
    """A shared team cache: a colleague's entry folder; only our own files are replaced."""
    root = tmp_path / "team-cache"
    url = fake.url(PATH)
    write_marker(root)  # made by hmcts-data, as a team cache is
    folder = entry_dir(root, url)
    folder.mkdir(parents=True)
    (folder / "colleague-notes.csv").write_bytes(b"theirs")
    os.chown(folder, OTHER_UID, OTHER_UID)
    folder.chmod(0o777)
    with client(fake, root) as c:
        got = c.download(url)
        assert got.path.read_bytes() == BODY
        c.clear_cache()
    assert (folder / "colleague-notes.csv").read_bytes() == b"theirs"


def test_clear_keeps_files_it_did_not_make(fake: FakeGovUK, tmp_path: Path) -> None:
    root = tmp_path / "cache"
    url = fake.url(PATH)
    with client(fake, root) as c:
        c.download(url)
        mine = entry_dir(root, url) / ".my hidden file"
        mine.write_bytes(b"keep")
        assert c.clear_cache() == 0  # the folder could not be removed whole
    assert mine.read_bytes() == b"keep"
    assert sorted(p.name for p in mine.parent.iterdir()) == [".my hidden file"]


# -- verified hits -----------------------------------------------------------------------------


def flip(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[-3] ^= 0x01  # same size, different bytes
    path.chmod(0o644)
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("with_sha", [False, True])
def test_flipped_byte_is_refetched_online(fake: FakeGovUK, tmp_path: Path, with_sha: bool) -> None:
    root = tmp_path / "cache"
    url = fake.url(PATH)
    sha = hashlib.sha256(BODY).hexdigest()
    with client(fake, root) as c:
        first = c.download(url)
        flip(first.path)
        again = c.download(url, expected_sha256=sha if with_sha else None)
    assert again.status == "downloaded"
    assert fake.count(PATH) == 2
    assert again.path.read_bytes() == BODY
    assert again.sha256 == hashlib.sha256(again.path.read_bytes()).hexdigest()


def test_flipped_byte_raises_offline(fake: FakeGovUK, tmp_path: Path) -> None:
    root = tmp_path / "cache"
    url = fake.url(PATH)
    with client(fake, root) as c:
        flip(c.download(url).path)
    with client(fake, root, offline=True) as c, pytest.raises(IntegrityError) as caught:
        c.download(url)
    assert "does not match the sha256" in str(caught.value)
    assert caught.value.url == url
    assert fake.count(PATH) == 1


def test_untouched_hit_is_served_with_matching_sha(fake: FakeGovUK, tmp_path: Path) -> None:
    root = tmp_path / "cache"
    url = fake.url(PATH)
    with client(fake, root) as c:
        c.download(url)
    with client(fake, root, offline=True) as c:
        hit = c.download(url, expected_sha256=hashlib.sha256(BODY).hexdigest())
    assert hit.status == "cached"
    assert hit.sha256 == hashlib.sha256(hit.path.read_bytes()).hexdigest()
