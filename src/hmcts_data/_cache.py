"""The on-disk cache: where it lives, how entries are laid out, and atomic writes.

Layout (version :data:`LAYOUT_VERSION`; one directory per entry, keyed on the full URL,
because GOV.UK reuses file names such as ``HMCTS_MI_output_accessible.csv`` across
releases)::

    <cache>/.hmcts-data-cache.json   the marker: this folder is a hmcts-data cache, layout N
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

The marker is what makes a folder a cache. It is written into a folder that holds no
``files`` or ``api`` folder yet (a new or unrelated folder: nothing the library would touch is
in it), before the first entry; a folder that already has one of those folders without a
marker is someone else's (or a cache of an earlier release, adopted only if every item in
them is an entry this library would have made), and is refused rather than read, written or
cleared. Only entries under a marker of this layout are read or deleted: a cache marked with
an older layout has its (own) entries dropped and is re-marked; one marked with a newer layout
is refused. Every layout fact (marker, folder and file names, key, where the cache lives) is
stated once, in :mod:`hmcts_data._cache_layout`, and derived here and elsewhere.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import stat
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import IO, Literal
from urllib.parse import unquote, urlsplit

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from hmcts_data._atomic import storage_errors
from hmcts_data._cache_layout import (
    API_BODY,
    KEY_LENGTH,
    KINDS,
    LAYOUT_VERSION,
    LOCK,
    MARKER,
    MARKER_KEY,
    MARKER_MAX,
    SIDECAR,
    TMP_PREFIX,
    Kind,
    default_cache_dir,
    entry_key,
    fallback_cache_dir,
    read_marker,
    writable,
)
from hmcts_data._display import html_table, model_html
from hmcts_data._errors import ConfigurationError, IntegrityError, StorageError
from hmcts_data._lock import FileLock, held_by_this_thread
from hmcts_data._settings import Settings
from hmcts_data._warn import warn

__all__ = [
    "Cache",
    "CacheEntry",
    "CacheInfo",
    "CachedFile",
    "Entry",
    "Sidecar",
    "atomic_write_bytes",
    "resolve_cache_dir",
    "storage_errors",
    "valid_etag",
    "valid_http_date",
]

logger = logging.getLogger("hmcts_data")

# The layout's names (from _cache_layout), as this module has always spelled them.
_SIDECAR = SIDECAR
_LOCK = LOCK
_TMP_PREFIX = TMP_PREFIX
_API_BODY = API_BODY
_RESERVED = {_SIDECAR, _LOCK, _API_BODY}
_KEY_NAME = re.compile(rf"[0-9a-f]{{{KEY_LENGTH}}}")
_MARKER_MAX = MARKER_MAX
#: Most items an unmarked folder's ``files``/``api`` folders are searched for adoption.
_ADOPT_MAX = 100_000
#: Times an entry folder is made again after a concurrent clear removed it, before giving up.
_RACES = 100
_UNSAFE = re.compile(r"[^A-Za-z0-9._()+-]+")
#: What :func:`filename_for` can produce (and ``body.json``): a plain name, no path, no dot first.
_SAFE_NAME = re.compile(r"[A-Za-z0-9()+_-][A-Za-z0-9._()+-]{0,149}")
#: A sidecar time this far ahead of the clock is absurd (tampered, or a broken clock).
_CLOCK_SKEW = timedelta(minutes=5)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_HASH_CHUNK = 1024 * 1024


#: An entity tag as RFC 9110 (8.8.3) writes it, limited to ASCII (httpx sends nothing else).
_ETAG = re.compile(r'(?:W/)?"[\x21\x23-\x7e]{0,250}"')
#: What may appear in an HTTP date: visible ASCII and spaces, briefly.
_HTTP_DATE = re.compile(r"[\x20-\x7e]{1,64}")


def valid_etag(value: str | None) -> str | None:
    """``value`` if it is a well-formed ``ETag`` that can be sent back, else ``None``.

    A validator that is kept is sent in ``If-None-Match``; one that is not well formed
    (non-ASCII, unquoted, with control characters, huge) would fail every later request, so
    it is dropped where it enters and the entry is simply revalidated unconditionally.

    Example:
        >>> valid_etag('W/"5f-abc"'), valid_etag('"caf\u00e9"'), valid_etag("abc")
        ('W/"5f-abc"', None, None)
    """
    if value is None:
        return None
    value = value.strip()
    return value if _ETAG.fullmatch(value) else None


def valid_http_date(value: str | None) -> str | None:
    """``value`` if it is an HTTP date (``Last-Modified``) that can be sent back, else ``None``.

    Example:
        >>> valid_http_date("Wed, 21 Oct 2015 07:28:00 GMT")
        'Wed, 21 Oct 2015 07:28:00 GMT'
        >>> valid_http_date("Mon, 01 Jan 99999 00:00:00 GMT"), valid_http_date("soon")
        (None, None)
    """
    if value is None:
        return None
    value = value.strip()
    if not _HTTP_DATE.fullmatch(value):
        return None
    try:
        parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return value


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
    size: int = Field(ge=0, le=2**48)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    retrieved_at: datetime
    validated_at: datetime
    filename: str

    @field_validator("filename")
    @classmethod
    def _plain_name(cls, value: str) -> str:
        # A sidecar is data on disk, possibly written by someone else: its file name must be
        # one the library could have chosen, so the body path can never leave the entry.
        if not _SAFE_NAME.fullmatch(value) or value in {_SIDECAR, _LOCK}:
            raise ValueError(f"not a cache file name: {value!r}")
        return value

    @field_validator("etag", "last_modified", mode="before")
    @classmethod
    def _sendable(cls, value: object, info: ValidationInfo) -> object:
        # A sidecar written before validators were checked (or by hand) may hold one that
        # cannot be sent: the entry stays usable (and the stale fallback), only unvalidated.
        if value is None or not isinstance(value, str):
            return value
        check = valid_etag if info.field_name == "etag" else valid_http_date
        if check(value) is None:
            logger.warning("ignoring a malformed %s in a cache sidecar: %r", info.field_name, value)
            return None
        return value

    @field_validator("retrieved_at", "validated_at")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


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

    def _repr_html_(self) -> str:
        return model_html(self, f"Cached file {self.path.name} ({self.status})")


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

    def __repr__(self) -> str:
        # A cache can hold thousands of entries: counts and the newest few, not all of them.
        lines = [f"<CacheInfo {self.location}: {self.files} files, {self.total_bytes:,} bytes>"]
        lines += [f"  {e.kind:<5} {e.size:>12,}  {e.url}" for e in self.entries[:_REPR_NEWEST]]
        if len(self.entries) > _REPR_NEWEST:
            lines.append(f"  ... {len(self.entries) - _REPR_NEWEST} more in .entries")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        rows = [
            [e.kind, f"{e.size:,}", e.retrieved_at.strftime("%Y-%m-%d %H:%M UTC"), e.url]
            for e in self.entries[:_HTML_ROWS]
        ]
        more = len(self.entries) - len(rows)
        caption = f"Cache at {self.location}: {self.files} files, {self.total_bytes:,} bytes" + (
            f" (newest {len(rows)} shown, {more} more in .entries)" if more else ""
        )
        return html_table(["kind", "bytes", "retrieved", "url"], rows, caption=caption)


#: Entries a CacheInfo repr lists (newest first), and rows its HTML table shows.
_REPR_NEWEST = 5
_HTML_ROWS = 50


def check_private(directory: Path) -> None:
    """Raise unless ``directory`` is a real directory owned by this user and closed to others.

    The fallback cache lives in a shared temporary folder, where another local user could
    create it first and plant files in it; so it is used only when nobody else could have.

    Raises:
        ConfigurationError: It is a symlink, not a directory, owned by someone else, or open to
            the group or others; the message says how to fix it.
    """
    try:
        info = os.lstat(directory)
    except OSError as exc:
        raise ConfigurationError(
            f"Cannot check the fallback cache directory {str(directory)!r} ({exc.strerror}). "
            "Set HMCTS_DATA_CACHE_DIR to a writable directory of your own."
        ) from None
    problem = None
    if stat.S_ISLNK(info.st_mode) or not stat.S_ISDIR(info.st_mode):
        problem = "is not a plain directory (a symlink or a file)"
    elif hasattr(os, "getuid") and info.st_uid != os.getuid():
        problem = f"belongs to another user (uid {info.st_uid})"
    elif os.name == "posix" and info.st_mode & 0o077:
        problem = f"is open to other users (mode {stat.S_IMODE(info.st_mode):o}, not 700)"
    if problem is not None:
        raise ConfigurationError(
            f"The fallback cache directory {str(directory)!r} {problem}, so files in it could "
            "have been planted by someone else; refusing to use it. Set HMCTS_DATA_CACHE_DIR to "
            "a directory of your own, or remove that directory (or chmod 700 it if it is "
            "yours) and try again."
        )


def _private_dir(directory: Path) -> str | None:
    """Create ``directory`` 0700 if missing, check it is private, and that it is writable."""
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        return exc.strerror or str(exc)
    check_private(directory)
    return writable(directory)


def resolve_cache_dir(settings: Settings) -> Path:
    """Return a writable cache directory: the configured one, else a private fallback.

    The fallback (``<tmp>/hmcts-data-cache-<uid>``) is created with mode 0700 and used only if
    it is a real directory owned by this user and closed to others.

    Args:
        settings: ``settings.cache_dir`` if set, else the platform's user cache directory.

    Returns:
        The directory, created if needed.

    Raises:
        ConfigurationError: Neither the configured directory nor the fallback is writable, or
            the fallback is not private to this user.

    Example:
        >>> from hmcts_data import Settings
        >>> resolve_cache_dir(Settings(cache_dir="/tmp/hmcts-doc-cache")).name
        'hmcts-doc-cache'
    """
    wanted = settings.cache_dir or default_cache_dir()
    problem = writable(wanted)
    if problem is None:
        return wanted
    fallback = fallback_cache_dir()
    if _private_dir(fallback) is not None:
        raise ConfigurationError(
            f"Cache directory {str(wanted)!r} is not writable ({problem}) and neither is the "
            f"fallback {str(fallback)!r}. Set HMCTS_DATA_CACHE_DIR to a writable directory."
        )
    warn(
        f"Cache directory {str(wanted)!r} is not writable ({problem}); using {str(fallback)!r} "
        "instead, which the system may clear. Set HMCTS_DATA_CACHE_DIR to a writable directory.",
        UserWarning,
        stacklevel=2,
    )
    return fallback


def _is_real_dir(path: Path) -> bool:
    """Whether ``path`` is a directory itself, not a symlink to one."""
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)
    except OSError:
        return False


def _owned(path: Path) -> bool:
    """Whether this user owns ``path`` (always true where ownership does not exist)."""
    if not hasattr(os, "getuid"):  # pragma: no cover - Windows
        return True
    try:
        return os.lstat(path).st_uid == os.getuid()
    except OSError:
        return False


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


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


_key = entry_key


def write_marker(root: Path) -> None:
    """Mark ``root`` as a hmcts-data cache of this layout (atomically).

    Raises:
        DiskFullError: No room to write it.
        StorageError: The folder cannot be written.
    """
    note = (
        "This folder is a hmcts-data cache. Its entries are under files/ and api/; "
        "'hmcts-data cache clear' (or hmcts_data.clear_cache()) deletes those entries and "
        "nothing else. Delete this file only together with files/ and api/."
    )
    data = json.dumps({MARKER_KEY: LAYOUT_VERSION, "about": note}, indent=2) + "\n"
    with storage_errors(root):
        atomic_write_bytes(root / MARKER, data.encode("ascii"))


def _adoptable(root: Path) -> bool:
    """Whether ``root``'s unmarked kind folders hold only what a cache of layout 1 could hold.

    That is: entry folders named by a key, each holding only a sidecar, a lock, temporary
    files and the body its sidecar names (``body.json`` for API pages). Symlinks count as
    nothing (the cache never follows or deletes one). Anything else, such as a user's own
    ``files`` folder of documents, means the folder is not a cache.
    """
    seen = 0
    for kind in KINDS:
        folder = root / kind
        if not os.path.lexists(folder) or os.path.islink(folder):
            continue
        try:
            children = list(os.scandir(folder))
        except OSError:
            return False  # a file named "files", or unreadable: not one of ours
        for child in children:
            seen += 1
            if seen > _ADOPT_MAX:
                return False
            if child.is_symlink():
                continue
            if not (child.is_dir(follow_symlinks=False) and _KEY_NAME.fullmatch(child.name)):
                return False
            if not _adoptable_entry(Path(child.path), kind):
                return False
    return True


def _adoptable_entry(directory: Path, kind: Kind) -> bool:
    try:
        names = os.listdir(directory)
    except FileNotFoundError:
        return True  # removed meanwhile (a clear): nothing there
    except OSError:
        return False
    body: object = API_BODY if kind == "api" else None
    if body is None and SIDECAR in names:
        try:
            sidecar = json.loads((directory / SIDECAR).read_bytes()[: _MARKER_MAX * 16])
            body = sidecar.get("filename") if isinstance(sidecar, dict) else None
        except (OSError, ValueError):
            body = None
    for name in names:
        if name in {SIDECAR, LOCK} or name == body or _is_tmp(name):
            continue
        if os.path.islink(directory / name):
            continue
        return False
    return True


class Entry:
    """One cache entry: a directory holding a body, its sidecar, a lock and any temp files."""

    def __init__(self, kind: Kind, directory: Path, url: str) -> None:
        self.kind = kind
        self.directory = directory
        self.url = url

    def _checked_dir(self) -> bool:
        """Whether the entry and its kind folder are real directories (absent counts as no).

        A symlinked entry folder (planted in a shared or hijacked cache) is never followed:
        reading through it could serve any file, and cleaning it could delete any file.
        """
        return _is_real_dir(self.directory.parent) and _is_real_dir(self.directory)

    def prepare(self) -> None:
        """Create the entry's directory, refusing one that is a symlink or not a directory.

        Raises:
            IntegrityError: The entry folder (or its kind folder) exists but is a symlink or a
                file; the message says which folder to remove.
        """
        for _ in range(_RACES):
            with storage_errors(self.directory):
                # One level at a time, checking each: mkdir(parents=True) would create the
                # entry inside whatever a symlinked kind folder points at.
                self.directory.parent.parent.mkdir(parents=True, exist_ok=True)
                for folder in (self.directory.parent, self.directory):
                    if not os.path.lexists(folder):
                        # FileNotFoundError: a concurrent clear removed the level above.
                        with contextlib.suppress(FileExistsError, FileNotFoundError):
                            folder.mkdir()
                    if not _is_real_dir(folder):
                        break
            if self._checked_dir():
                return
            if any(
                os.path.lexists(f) and not _is_real_dir(f)
                for f in (self.directory.parent, self.directory)
            ):
                break  # something that is not a folder stands there: planted, not a race
            # Made and removed again before it could be checked (a concurrent clear): retry.
        else:
            raise StorageError(
                f"Cache entry {str(self.directory)!r} kept disappearing while it was being "
                f"created ({_RACES} times): something is deleting the cache as it is used. "
                "Try again once it has stopped.",
                path=str(self.directory),
            )
        if not self._checked_dir():
            raise IntegrityError(
                f"Cache entry {str(self.directory)!r} is not a plain directory (a symlink or a "
                "file, which the library never creates); refusing to read or write through it. "
                "Remove it, or point HMCTS_DATA_CACHE_DIR at a cache only you can write to.",
                url=self.url or None,
            )

    @property
    def sidecar_path(self) -> Path:
        """Path of ``meta.json``."""
        return self.directory / _SIDECAR

    def lock(self) -> FileLock:
        """Return the entry's cross-process lock (use as a context manager).

        The entry directory is created (and checked: never a symlink) first, so the lock file
        can only ever be made inside the cache.
        """
        self.prepare()
        return FileLock(self.directory / _LOCK)

    def read(self, *, verify: bool = False) -> tuple[Sidecar, Path] | None:
        """Return the sidecar and body path when the entry is complete, else ``None``.

        The sidecar is validated first (a plain file name, sane size and sha256); the body must
        be a regular file (not a symlink) of the recorded size. A ``validated_at`` or
        ``retrieved_at`` in the future is absurd, so such an entry counts as never validated
        (it is revalidated before use, not served as fresh).

        Args:
            verify: Also hash the body and compare it with the sidecar's sha256.

        Raises:
            IntegrityError: With ``verify``, the body's bytes do not match its sidecar (it was
                modified after download).
        """
        if not self._checked_dir():
            return None
        try:
            raw = self.sidecar_path.read_bytes()
            meta = Sidecar.model_validate_json(raw)
        except (OSError, ValidationError, ValueError):
            return None
        body = self.directory / meta.filename
        try:
            info = os.lstat(body)
        except OSError:
            return None
        if not stat.S_ISREG(info.st_mode) or info.st_size != meta.size:
            logger.warning("cache entry %s is inconsistent (size); ignoring it", self.directory)
            return None
        horizon = now_utc() + _CLOCK_SKEW
        if meta.validated_at > horizon or meta.retrieved_at > horizon:
            logger.warning("cache entry %s has a time in the future; revalidating", body)
            meta = meta.model_copy(update={"validated_at": _EPOCH})
        if verify:
            try:
                actual = _sha256_of(body)
            except OSError:
                return None
            if actual != meta.sha256:
                raise IntegrityError(
                    f"Cached file {str(body)!r} does not match the sha256 recorded when it was "
                    f"downloaded from {meta.url} (it was modified since). Online it is fetched "
                    "again; offline, go online once to replace it (or clear the cache).",
                    url=meta.url,
                )
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
        self.prepare()
        with storage_errors(self.directory):
            return open_temp(self.directory)

    def store(self, body: bytes, meta: Sidecar) -> Path:
        """Write a small body durably and commit it (call while holding the lock).

        Returns:
            The final path of the body.
        """
        handle, temp = self.open_temp()
        try:
            with storage_errors(self.directory), handle:
                handle.write(body)
                handle.flush()
                os.fsync(handle.fileno())
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
        return self.commit(temp, meta)

    def _deletable(self, name: str) -> bool:
        """Whether ``name`` in this entry is a file the library made and may delete.

        Only in an entry folder this user owns (never through a symlink), and only regular
        files (or stale links) whose names the library itself would have chosen.
        """
        if not (self._checked_dir() and _owned(self.directory)):
            return False
        if not (_SAFE_NAME.fullmatch(name) or name in {_SIDECAR, _LOCK} or _is_tmp(name)):
            return False
        try:
            mode = os.lstat(self.directory / name).st_mode
        except OSError:
            return False
        return stat.S_ISREG(mode) or stat.S_ISLNK(mode)

    def remove_leftovers(self) -> int:
        """Delete temp files left by a killed process (call while holding the lock)."""
        removed = 0
        if not self._checked_dir():
            return 0
        with contextlib.suppress(FileNotFoundError):
            for path in self.directory.glob(_TMP_PREFIX + "*"):
                if self._deletable(path.name):
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
        self.prepare()
        final = self.directory / meta.filename
        with storage_errors(self.directory):
            self.sidecar_path.unlink(missing_ok=True)
            os.replace(temp, final)
            for other in self.directory.iterdir():
                if other.name in {meta.filename, _SIDECAR, _LOCK} or _is_tmp(other.name):
                    continue
                if self._deletable(other.name):
                    other.unlink(missing_ok=True)  # an older release's file under the same key
            self.write_sidecar(meta)
        return final

    def write_sidecar(self, meta: Sidecar) -> None:
        """Write ``meta.json`` atomically."""
        data = json.dumps(meta.model_dump(mode="json"), indent=2, sort_keys=True).encode()
        self.prepare()
        with storage_errors(self.directory):
            atomic_write_bytes(self.sidecar_path, data)

    def clear(self) -> bool:
        """Delete the entry's own files and its folder (call while holding the lock).

        Returns:
            Whether the folder is gone; an entry owned by another user, or holding files the
            library did not make, is left in place (with a log line).
        """
        if not os.path.lexists(self.directory):
            return True  # cleared meanwhile by another process
        if not (self._checked_dir() and _owned(self.directory)):
            logger.warning("not clearing %s: not a folder of yours", self.directory)
            return False
        try:
            names = os.listdir(self.directory)
        except FileNotFoundError:
            return True
        for name in names:
            if self._deletable(name):
                (self.directory / name).unlink(missing_ok=True)
        try:
            self.directory.rmdir()
        except FileNotFoundError:
            return True
        except OSError:
            try:
                left = os.listdir(self.directory)
            except FileNotFoundError:
                return True
            if all(name == _LOCK or _is_tmp(name) for name in left):
                # Another process opened the entry's lock (or began a download) after its
                # files went: the entry is in use again, not foreign.
                logger.debug("%s is in use again by another process", self.directory)
                return True
            logger.warning("not clearing %s: it holds files not made by hmcts_data", self.directory)
            return False
        return True


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
        # The fallback in the shared temporary folder is re-checked on every use: it must stay
        # this user's own (mode 0700), or someone else could have planted entries in it.
        self.private = root == fallback_cache_dir()
        self._marked = False

    def _check(self) -> None:
        if self.private:
            check_private(self.root)
        if not (self._marked and os.path.lexists(self.root / MARKER)):
            self._claim()

    def _claim(self) -> None:
        """Make sure ``root`` is a hmcts-data cache of this layout before anything is used.

        Raises:
            ConfigurationError: The folder holds a ``files`` or ``api`` folder the library did
                not make, or was marked by a newer hmcts-data.
        """
        version = read_marker(self.root)
        if version is None and any(os.path.lexists(self.root / kind) for kind in KINDS):
            # Another process may have marked it between the two looks: it writes the
            # marker before it makes a kind folder, so a second look settles it.
            version = read_marker(self.root)
            if version is None:
                if not _adoptable(self.root):
                    raise self._foreign()
                logger.info("adopting %s, a cache made before the marker existed", self.root)
                version = LAYOUT_VERSION
                write_marker(self.root)
        if version is None:
            version = LAYOUT_VERSION
            write_marker(self.root)
        if version > LAYOUT_VERSION:
            raise ConfigurationError(
                f"The cache directory {str(self.root)!r} was made by a newer hmcts-data (cache "
                f"layout {version}; this one reads layout {LAYOUT_VERSION}); refusing to read or "
                "change it. Upgrade hmcts-data, or set HMCTS_DATA_CACHE_DIR to another folder."
            )
        if version < LAYOUT_VERSION:
            # Its entries are the library's own (the marker says so) but laid out differently:
            # dropped, never misread, and the folder re-marked.
            removed = self._clear_entries()
            logger.warning(
                "cache %s had layout %d; removed its %d entries and re-marked it as layout %d",
                self.root,
                version,
                removed,
                LAYOUT_VERSION,
            )
            write_marker(self.root)
        self._marked = True

    def _foreign(self) -> ConfigurationError:
        return ConfigurationError(
            f"The cache directory {str(self.root)!r} is not a hmcts-data cache: it has no "
            f"{MARKER} marker, and its {' or '.join(KINDS)} folder holds files hmcts-data did "
            "not make. Nothing in it was read, changed or deleted. Set HMCTS_DATA_CACHE_DIR "
            "(or cache_dir=) to a new or empty folder, e.g. a subfolder "
            f"{str(self.root / 'hmcts-data-cache')!r}.",
        )

    def file_entry(self, url: str, cache_key: str | None = None) -> Entry:
        """Return the entry for a data file, keyed on ``cache_key`` if given, else the URL."""
        self._check()
        key = _key("key:" + cache_key if cache_key is not None else url)
        return Entry("files", self.root / "files" / key, url)

    def api_entry(self, url: str) -> Entry:
        """Return the entry for an API page, keyed on its full URL including the query."""
        self._check()
        return Entry("api", self.root / "api" / _key(url), url)

    def _entries(self) -> Iterator[Entry]:
        self._check()
        return self._own_entries()

    def _own_entries(self) -> Iterator[Entry]:
        for kind in KINDS:
            folder = self.root / kind
            if not _is_real_dir(folder):
                continue
            try:
                names = sorted(os.listdir(folder))
            except FileNotFoundError:
                continue  # removed meanwhile
            for name in names:
                directory = folder / name
                # Only folders named as the library names entries, and never a symlinked
                # one: clearing anything else would delete files the library did not make.
                if not _KEY_NAME.fullmatch(name):
                    logger.warning("skipping %s: not a cache entry", directory)
                elif _is_real_dir(directory):
                    yield Entry(kind, directory, "")
                elif directory.is_symlink():
                    logger.warning("skipping %s: a symlink, not a cache entry", directory)

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
        """Delete every entry (each under its lock) and return how many held a cached body.

        Only a folder marked as a hmcts-data cache is cleared, and in it only entry folders
        named as the library names them, holding files it could have made; the marker stays.

        Raises:
            ConfigurationError: The folder is not a hmcts-data cache (nothing is deleted).
        """
        self._check()
        return self._clear_entries()

    def _clear_entries(self) -> int:
        removed = 0
        for entry in self._own_entries():
            if not os.path.lexists(entry.directory):
                continue  # another process cleared it since the listing
            if held_by_this_thread(entry.directory / _LOCK):
                # Being fetched by this very thread (a clear from a progress callback): it is
                # left for that download to finish.
                logger.warning("not clearing %s: this thread is downloading it", entry.directory)
                continue
            with entry.lock():
                counted = entry.read() is not None
                # The lock file goes too; a process waiting on it notices and starts afresh.
                if entry.clear() and counted:
                    removed += 1
        return removed


def _is_tmp(name: str) -> bool:
    return name.startswith(_TMP_PREFIX)


def now_utc() -> datetime:
    """Return the current time in UTC (one place, so tests and sidecars agree)."""
    return datetime.now(UTC)
