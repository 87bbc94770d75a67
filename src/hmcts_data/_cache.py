"""The on-disk cache: where it lives, how entries are laid out, and atomic writes.

Layout (one directory per entry, keyed on the full URL, because GOV.UK reuses file names such
as ``HMCTS_MI_output_accessible.csv`` across releases)::

    <cache>/files/<key>/<filename>   a downloaded data file, exactly as served
    <cache>/files/<key>/meta.json    its sidecar: url, final_url, etag, last_modified, ...
    <cache>/api/<key>/body.json      an API page (Content or Search API)
    <cache>/api/<key>/meta.json      its sidecar
    <cache>/*/<key>/.lock            cross-process lock for the entry
    <cache>/*/<key>/.tmp-*           a download in progress (or left by a killed process)

Every file is written to a temporary file in the same directory, flushed, fsynced and moved
into place with ``os.replace``. The sidecar is removed before its file is replaced and written
after, so an entry is either complete (sidecar present, sizes agree) or absent: readers never
see a partial file.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import shutil
import tempfile
import warnings
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Literal
from urllib.parse import unquote, urlsplit

from pydantic import BaseModel, ConfigDict, ValidationError

from hmcts_data._errors import ConfigurationError
from hmcts_data._lock import FileLock
from hmcts_data._settings import Settings

__all__ = [
    "Cache",
    "CacheEntry",
    "CacheInfo",
    "CachedFile",
    "Entry",
    "Sidecar",
    "atomic_write_bytes",
    "resolve_cache_dir",
]

logger = logging.getLogger("hmcts_data")

Kind = Literal["files", "api"]
_SIDECAR = "meta.json"
_LOCK = ".lock"
_TMP_PREFIX = ".tmp-"
_API_BODY = "body.json"
_RESERVED = {_SIDECAR, _LOCK, _API_BODY}
_UNSAFE = re.compile(r"[^A-Za-z0-9._()+-]+")


class Sidecar(BaseModel):
    """What the cache knows about one entry (stored as ``meta.json`` beside it).

    Attributes:
        url: The URL asked for.
        final_url: The URL the body came from, after redirects.
        etag: The ``ETag`` validator, if the server sent one.
        last_modified: The ``Last-Modified`` validator, if the server sent one.
        content_type: The ``Content-Type`` served.
        size: Size of the stored body in bytes.
        sha256: Hex SHA-256 of the stored body.
        retrieved_at: When the body was downloaded (UTC).
        validated_at: When the server last confirmed it (download or 304), for freshness.
        filename: Name of the body file in the entry directory.
    """

    model_config = ConfigDict(frozen=True, extra="ignore")

    url: str
    final_url: str
    etag: str | None = None
    last_modified: str | None = None
    content_type: str | None = None
    size: int
    sha256: str
    retrieved_at: datetime
    validated_at: datetime
    filename: str


class CachedFile(BaseModel):
    """A file in the cache, with where it came from and how this call got it.

    Attributes:
        path: The cached file; read it, do not modify it.
        url: The URL asked for.
        final_url: The URL after redirects.
        etag: ``ETag`` served with it, if any.
        last_modified: ``Last-Modified`` served with it, if any.
        content_type: ``Content-Type`` served with it.
        size: Size in bytes.
        sha256: Hex SHA-256 of the file.
        retrieved_at: When it was downloaded (UTC).
        status: ``"downloaded"`` (fetched now), ``"revalidated"`` (server answered 304),
            ``"cached"`` (fresh enough: no request made), ``"stale"`` (the network failed and
            an older copy was used, with a warning).

    Example:
        >>> import hmcts_data
        >>> f = hmcts_data.Client().download("https://assets.publishing.service.gov.uk/x.csv")  # doctest: +SKIP
        >>> f.status, f.path.name  # doctest: +SKIP
        ('downloaded', 'x.csv')
    """  # noqa: E501

    model_config = ConfigDict(frozen=True)

    path: Path
    url: str
    final_url: str
    etag: str | None
    last_modified: str | None
    content_type: str | None
    size: int
    sha256: str
    retrieved_at: datetime
    status: Literal["downloaded", "revalidated", "cached", "stale"]


class CacheEntry(BaseModel):
    """One entry listed by :func:`cache_info`.

    Attributes:
        kind: ``"files"`` for a data file, ``"api"`` for an API page.
        url: The URL it was fetched from.
        path: The cached body.
        size: Size in bytes.
        retrieved_at: When it was downloaded (UTC).
    """

    model_config = ConfigDict(frozen=True)

    kind: Kind
    url: str
    path: Path
    size: int
    retrieved_at: datetime


class CacheInfo(BaseModel):
    """Where the cache is and what it holds.

    Attributes:
        location: The cache directory.
        files: Number of cached bodies (data files and API pages).
        total_bytes: Their total size in bytes.
        entries: Each cached body, most recently retrieved first.

    Example:
        >>> import hmcts_data
        >>> info = hmcts_data.cache_info()  # doctest: +SKIP
        >>> info.files, info.total_bytes  # doctest: +SKIP
        (3, 5242880)
    """

    model_config = ConfigDict(frozen=True)

    location: Path
    files: int
    total_bytes: int
    entries: tuple[CacheEntry, ...]


def _default_cache_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_cache_dir("hmcts-data", appauthor=False))


def _writable(directory: Path) -> str | None:
    """Return why ``directory`` cannot be used, or ``None`` when it can."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=directory, prefix=_TMP_PREFIX):
            pass
    except OSError as exc:
        return exc.strerror or str(exc)
    return None


def resolve_cache_dir(settings: Settings) -> Path:
    """Return a writable cache directory: the configured one, else a temporary fallback.

    Args:
        settings: ``settings.cache_dir`` if set, else the platform's user cache directory.

    Returns:
        The directory, created if needed.

    Raises:
        ConfigurationError: Neither the configured directory nor the fallback is writable.

    Example:
        >>> from hmcts_data import Settings
        >>> resolve_cache_dir(Settings(cache_dir="/tmp/hmcts-doc-cache")).name
        'hmcts-doc-cache'
    """
    wanted = settings.cache_dir or _default_cache_dir()
    problem = _writable(wanted)
    if problem is None:
        return wanted
    suffix = str(os.getuid()) if hasattr(os, "getuid") else "user"
    fallback = Path(tempfile.gettempdir()) / f"hmcts-data-cache-{suffix}"
    if _writable(fallback) is not None:
        raise ConfigurationError(
            f"Cache directory {str(wanted)!r} is not writable ({problem}) and neither is the "
            f"fallback {str(fallback)!r}. Set HMCTS_DATA_CACHE_DIR to a writable directory."
        )
    warnings.warn(
        f"Cache directory {str(wanted)!r} is not writable ({problem}); using {str(fallback)!r} "
        "instead, which the system may clear. Set HMCTS_DATA_CACHE_DIR to a writable directory.",
        UserWarning,
        stacklevel=2,
    )
    return fallback


def _fsync_dir(directory: Path) -> None:
    if os.name != "posix":  # pragma: no cover - directories cannot be opened on Windows
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never half.

    Example:
        >>> import tempfile, pathlib
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.json"
        >>> atomic_write_bytes(p, b"{}"); p.read_bytes()
        b'{}'
    """
    handle, temp = open_temp(path.parent)
    try:
        with handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


def open_temp(directory: Path) -> tuple[IO[bytes], Path]:
    """Create a temporary file in ``directory`` (same file system, so ``os.replace`` is atomic).

    Returns:
        The open binary file and its path.
    """
    directory.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=directory, prefix=_TMP_PREFIX)
    if hasattr(os, "fchmod"):
        # mkstemp makes 0600 files; cached data is not secret, and a cache directory shared
        # by a team (HMCTS_DATA_CACHE_DIR) must stay readable by its other members.
        os.fchmod(fd, 0o644)
    return os.fdopen(fd, "wb"), Path(name)


def filename_for(url: str) -> str:
    """Return a safe local file name for ``url`` (its last path segment).

    Example:
        >>> filename_for("https://x.test/media/1/HMCTS MI (v2).csv?x=1")
        'HMCTS_MI_(v2).csv'
    """
    name = unquote(urlsplit(url).path.rsplit("/", 1)[-1])
    name = _UNSAFE.sub("_", name).strip("._") or "download"
    if name in _RESERVED or name.startswith(_TMP_PREFIX):
        name = "file-" + name
    return name[:150]


def _key(identity: str) -> str:
    return hashlib.sha256(identity.encode("utf-8")).hexdigest()[:32]


class Entry:
    """One cache entry: a directory holding a body, its sidecar, a lock and any temp files."""

    def __init__(self, kind: Kind, directory: Path, url: str) -> None:
        self.kind = kind
        self.directory = directory
        self.url = url

    @property
    def sidecar_path(self) -> Path:
        """Path of ``meta.json``."""
        return self.directory / _SIDECAR

    def lock(self) -> FileLock:
        """Return the entry's cross-process lock (use as a context manager)."""
        return FileLock(self.directory / _LOCK)

    def read(self) -> tuple[Sidecar, Path] | None:
        """Return the sidecar and body path when the entry is complete, else ``None``."""
        try:
            raw = self.sidecar_path.read_bytes()
            meta = Sidecar.model_validate_json(raw)
        except (OSError, ValidationError, ValueError):
            return None
        body = self.directory / meta.filename
        try:
            size = body.stat().st_size
        except OSError:
            return None
        if size != meta.size:
            logger.warning("cache entry %s is inconsistent (size); ignoring it", self.directory)
            return None
        return meta, body

    def read_verified(self) -> tuple[Sidecar, Path, bytes] | None:
        """Return sidecar, body path and body when the body's sha256 matches, else ``None``."""
        found = self.read()
        if found is None:
            return None
        meta, path = found
        try:
            body = path.read_bytes()
        except OSError:
            return None
        if hashlib.sha256(body).hexdigest() != meta.sha256:
            logger.warning("cache entry %s is inconsistent (sha256); ignoring it", self.directory)
            return None
        return meta, path, body

    def open_temp(self) -> tuple[IO[bytes], Path]:
        """Open a temporary file for a new body in the entry's directory."""
        return open_temp(self.directory)

    def store(self, body: bytes, meta: Sidecar) -> Path:
        """Write a small body durably and commit it (call while holding the lock).

        Returns:
            The final path of the body.
        """
        handle, temp = self.open_temp()
        try:
            with handle:
                handle.write(body)
                handle.flush()
                os.fsync(handle.fileno())
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
        return self.commit(temp, meta)

    def remove_leftovers(self) -> int:
        """Delete temp files left by a killed process (call while holding the lock)."""
        removed = 0
        with contextlib.suppress(FileNotFoundError):
            for path in self.directory.glob(_TMP_PREFIX + "*"):
                path.unlink(missing_ok=True)
                removed += 1
        if removed:
            logger.info("removed %d leftover temporary file(s) in %s", removed, self.directory)
        return removed

    def commit(self, temp: Path, meta: Sidecar) -> Path:
        """Move a checked body into place and write its sidecar (call while holding the lock).

        Returns:
            The final path of the body.
        """
        self.sidecar_path.unlink(missing_ok=True)
        final = self.directory / meta.filename
        os.replace(temp, final)
        for other in self.directory.iterdir():
            if other.name not in {meta.filename, _SIDECAR, _LOCK} and not other.name.startswith(
                _TMP_PREFIX
            ):
                other.unlink(missing_ok=True)  # an older release's file under the same key
        self.write_sidecar(meta)
        return final

    def write_sidecar(self, meta: Sidecar) -> None:
        """Write ``meta.json`` atomically."""
        data = json.dumps(meta.model_dump(mode="json"), indent=2, sort_keys=True).encode()
        atomic_write_bytes(self.sidecar_path, data)


class Cache:
    """The cache rooted at one directory.

    Example:
        >>> import tempfile, pathlib
        >>> cache = Cache(pathlib.Path(tempfile.mkdtemp()))
        >>> cache.info().files
        0
    """

    def __init__(self, root: Path) -> None:
        self.root = root

    def file_entry(self, url: str, cache_key: str | None = None) -> Entry:
        """Return the entry for a data file, keyed on ``cache_key`` if given, else the URL."""
        key = _key("key:" + cache_key if cache_key is not None else url)
        return Entry("files", self.root / "files" / key, url)

    def api_entry(self, url: str) -> Entry:
        """Return the entry for an API page, keyed on its full URL including the query."""
        return Entry("api", self.root / "api" / _key(url), url)

    def _entries(self) -> Iterator[Entry]:
        for kind in ("files", "api"):
            folder = self.root / kind
            if not folder.is_dir():
                continue
            for directory in sorted(folder.iterdir()):
                if directory.is_dir():
                    yield Entry(kind, directory, "")

    def info(self) -> CacheInfo:
        """Summarise the cache (complete entries only; temp files are not counted)."""
        found: list[CacheEntry] = []
        for entry in self._entries():
            complete = entry.read()
            if complete is None:
                continue
            meta, body = complete
            found.append(
                CacheEntry(
                    kind=entry.kind,
                    url=meta.url,
                    path=body,
                    size=meta.size,
                    retrieved_at=meta.retrieved_at,
                )
            )
        found.sort(key=lambda e: e.retrieved_at, reverse=True)
        return CacheInfo(
            location=self.root,
            files=len(found),
            total_bytes=sum(e.size for e in found),
            entries=tuple(found),
        )

    def clear(self) -> int:
        """Delete every entry (each under its lock) and return how many held a cached body."""
        removed = 0
        for entry in self._entries():
            with entry.lock():
                if entry.read() is not None:
                    removed += 1
                # The lock file goes too; a process waiting on it notices and starts afresh.
                shutil.rmtree(entry.directory, ignore_errors=True)
        return removed


def now_utc() -> datetime:
    """Return the current time in UTC (one place, so tests and sidecars agree)."""
    return datetime.now(UTC)
