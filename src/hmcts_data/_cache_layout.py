"""The cache's on-disk layout, stated once: its names, its keys, its marker, where it lives.

The cache (:mod:`hmcts_data._cache`) and the one command that looks into it without the cache's
models (``hmcts-data --offline catalogue``, see ``_catalogue._quick``) both derive their paths
from here; this module needs nothing beyond the standard library (and platformdirs, for the
default folder), so looking costs no pydantic. The layout itself is described in ``_cache``.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import tempfile
from pathlib import Path
from typing import Literal

__all__ = [
    "API_BODY",
    "KEY_LENGTH",
    "KINDS",
    "LAYOUT_VERSION",
    "LOCK",
    "MARKER",
    "MARKER_KEY",
    "MARKER_MAX",
    "SIDECAR",
    "TMP_PREFIX",
    "Kind",
    "cached_files",
    "default_cache_dir",
    "entry_dir",
    "entry_key",
    "fallback_cache_dir",
    "read_marker",
    "writable",
]

Kind = Literal["files", "api"]

#: Version of the on-disk layout. 1: the same folders without a marker (hmcts-data before the
#: marker existed); 2: the marker below proves the folder is a hmcts-data cache.
LAYOUT_VERSION = 2
#: The marker file at the cache's root, and the JSON key in it that holds the layout version.
MARKER = ".hmcts-data-cache.json"
MARKER_KEY = "hmcts_data_cache_layout"
#: Largest marker read (it holds a few dozen bytes; anything bigger is not one).
MARKER_MAX = 4096
#: The kind folders entries live in: data files, and API pages (and the stored discovery).
KINDS: tuple[Kind, ...] = ("files", "api")
#: An entry folder's name: the first :data:`KEY_LENGTH` hex digits of the SHA-256 of its key.
KEY_LENGTH = 32
#: An entry's sidecar, its lock, the prefix of its temporary files, an API page's body.
SIDECAR = "meta.json"
LOCK = ".lock"
TMP_PREFIX = ".tmp-"
API_BODY = "body.json"

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def default_cache_dir() -> Path:
    """The platform's user cache folder for hmcts-data (used when none is configured)."""
    import platformdirs

    return Path(platformdirs.user_cache_dir("hmcts-data", appauthor=False))


def fallback_cache_dir() -> Path:
    """Return the per-user fallback cache directory in the system's temporary folder."""
    suffix = str(os.getuid()) if hasattr(os, "getuid") else "user"
    return Path(tempfile.gettempdir()) / f"hmcts-data-cache-{suffix}"


def writable(directory: Path) -> str | None:
    """Return why ``directory`` cannot be used as a cache, or ``None`` when it can.

    It is created if missing and a temporary file (named as the cache's, so one left by a
    killed process is swept like any other) is written and removed in it.
    """
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=directory, prefix=TMP_PREFIX):
            pass
    except OSError as exc:
        return exc.strerror or str(exc)
    return None


def entry_key(identity: str) -> str:
    """The name of the entry folder for ``identity`` (a URL, or ``"key:" + cache_key``).

    Example:
        >>> entry_key("https://www.gov.uk/x")
        'd861d32ae6563a787094eab92e1c1e39'
    """
    return hashlib.sha256(identity.encode("utf-8", "surrogatepass")).hexdigest()[:KEY_LENGTH]


def entry_dir(root: Path, kind: Kind, identity: str) -> Path:
    """Where the cache rooted at ``root`` keeps the ``kind`` entry for ``identity``.

    Example:
        >>> entry_dir(Path("c"), "api", "https://www.gov.uk/x").parent.as_posix()
        'c/api'
    """
    return root / kind / entry_key(identity)


def read_marker(root: Path) -> int | None:
    """The layout version stated by the marker at ``root``, or ``None`` without one of ours.

    The marker is a small JSON object (``{"hmcts_data_cache_layout": 2, ...}``) in a regular
    file; a symlink, a large file or anything else in its place is no marker.

    Example:
        >>> import tempfile
        >>> read_marker(Path(tempfile.mkdtemp())) is None
        True
    """
    try:
        fd = os.open(root / MARKER, os.O_RDONLY | _NOFOLLOW)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MARKER_MAX:
            return None
        raw = os.read(fd, MARKER_MAX + 1)
    except OSError:
        return None
    finally:
        os.close(fd)
    try:
        data = json.loads(raw)
    except ValueError:
        return None
    version = data.get(MARKER_KEY) if isinstance(data, dict) else None
    if type(version) is not int or not 1 <= version <= 10**6:
        return None
    return version


#: Largest sidecar read when listing cached files (one holds a few hundred bytes).
_SIDECAR_MAX = 1 << 16


def cached_files(root: Path) -> list[tuple[str, Path, int, str]]:
    """The data files cached under ``root``: ``(url, body path, size, sha256)`` each.

    Only a folder marked as a cache of this layout is looked into; nothing is created, written
    or validated beyond the sidecar's plain fields (the caller checks a body's size and hash
    when it reads it). A folder without the marker, an unreadable or foreign entry, a symlink
    or a sidecar that is not ours is left out, never an error.

    Example:
        >>> import tempfile
        >>> cached_files(Path(tempfile.mkdtemp()))
        []
    """
    if read_marker(root) != LAYOUT_VERSION:
        return []
    try:
        names = os.listdir(root / "files")
    except OSError:
        return []
    out = []
    for name in sorted(names):
        if len(name) != KEY_LENGTH:
            continue
        entry = root / "files" / name
        try:
            fd = os.open(entry / SIDECAR, os.O_RDONLY | _NOFOLLOW)
        except OSError:
            continue
        try:
            raw = os.read(fd, _SIDECAR_MAX + 1) if stat.S_ISREG(os.fstat(fd).st_mode) else b""
        except OSError:
            continue
        finally:
            os.close(fd)
        try:
            meta = json.loads(raw) if 0 < len(raw) <= _SIDECAR_MAX else None
        except ValueError:
            continue
        if not isinstance(meta, dict):
            continue
        url, filename, size, sha = (meta.get(k) for k in ("url", "filename", "size", "sha256"))
        if not (
            isinstance(url, str)
            and isinstance(filename, str)
            and type(size) is int
            and isinstance(sha, str)
            and len(sha) == 64
        ):
            continue
        if filename in {SIDECAR, LOCK} or filename.startswith(".") or not filename.strip():
            continue
        if "/" in filename or "\\" in filename or "\0" in filename:
            continue
        out.append((url, entry / filename, size, sha))
    return out
