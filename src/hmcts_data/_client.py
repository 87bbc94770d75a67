"""The ``Client``: settings, one HTTP transport and one cache, and the module-level shortcuts.

Two freshness policies (see ``docs/caching.md``):

* API JSON (catalogue pages, search results): served from cache for ``api_max_age`` seconds
  (default 1 hour), then revalidated with ``If-None-Match`` / ``If-Modified-Since``.
* Data files: served from cache for ``file_max_age`` seconds (default 1 day), then revalidated
  the same way; a 304 costs no body and keeps the file.

When revalidation fails on the network (after retries) and a copy is cached, the copy is
returned with a :class:`~hmcts_data.StaleDataWarning` naming its age. In offline mode the
network is never touched.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import logging
import os
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlencode, urlsplit

from pydantic import ValidationError

from hmcts_data._breaker import Breaker
from hmcts_data._cache import (
    Cache,
    CachedFile,
    CacheInfo,
    Entry,
    Sidecar,
    filename_for,
    now_utc,
    resolve_cache_dir,
    storage_errors,
    valid_etag,
    valid_http_date,
)
from hmcts_data._cache_layout import API_BODY
from hmcts_data._errors import (
    ConfigurationError,
    DownloadError,
    HostNotAllowedError,
    IntegrityError,
    OfflineError,
    ParseError,
    StaleDataWarning,
)
from hmcts_data._integrity import Expect, check_body, check_expected, expected_kind
from hmcts_data._json import decode_json
from hmcts_data._lock import ReentrantLockError
from hmcts_data._progress import ProgressCallback, Reporter, reporter
from hmcts_data._settings import _ENV as _SETTINGS_ENV
from hmcts_data._settings import Settings
from hmcts_data._warn import warn

if TYPE_CHECKING:
    import httpx

    from hmcts_data._http import Http

__all__ = [
    "Client",
    "ProgressCallback",
    "cache_info",
    "clear_cache",
    "default_client",
    "download",
    "using_client",
]

logger = logging.getLogger("hmcts_data")

_HEAD = 1024
T = TypeVar("T")
#: Status codes after which a cached copy may stand in (RFC 5861 stale-if-error).
_STALE_OK = {429, 500, 502, 503, 504}

Params = Mapping[str, str | int | Sequence[str]]


@dataclass(frozen=True)
class _Fetched:
    """A 200 answer whose body is already on disk (file) or in memory (API page)."""

    final_url: str
    headers: httpx.Headers
    size: int
    sha256: str
    temp: Path | None = None
    body: bytes = b""


@dataclass(frozen=True)
class _NotModified:
    """A 304 answer; its headers may carry new validators."""

    headers: httpx.Headers


def _with_overrides(settings: Settings, overrides: Mapping[str, Any]) -> Settings:
    # As in Settings.from_env, None means "not given", so optional arguments pass through.
    overrides = {k: v for k, v in overrides.items() if v is not None}
    if not overrides:
        return settings
    try:
        return Settings.model_validate({**settings.model_dump(), **overrides})
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'settings'}: {e['msg']}" for e in exc.errors()
        )
        raise ConfigurationError(f"Invalid client settings: {problems}.") from None


def _human_age(seconds: float) -> str:
    minutes = int(seconds // 60)
    if minutes < 1:
        return "less than a minute"
    if minutes < 120:
        return f"{minutes} min"
    hours = minutes // 60
    if hours < 48:
        return f"{hours} h {minutes % 60} min"
    return f"{hours // 24} days"


def _age(meta: Sidecar) -> float:
    return (now_utc() - meta.validated_at).total_seconds()


def _validators(meta: Sidecar | None) -> dict[str, str]:
    headers: dict[str, str] = {}
    if meta is not None and meta.etag:
        headers["If-None-Match"] = meta.etag
    if meta is not None and meta.last_modified:
        headers["If-Modified-Since"] = meta.last_modified
    return headers


def _stale_allowed(exc: DownloadError) -> bool:
    if isinstance(exc, HostNotAllowedError):
        return False
    return exc.status is None or exc.status in _STALE_OK


class Client:
    """Fetches from GOV.UK through one HTTP connection pool and one cache.

    Module-level functions (:func:`hmcts_data.download`, :func:`hmcts_data.load` ...) share one
    default client per configuration (the ``HMCTS_DATA_*`` environment), so repeated calls reuse
    its connection pool and cache; make your own to choose settings or to control when its
    connections close. Thread-safe.

    A client fails fast on a network that is down: once a host gives no answer (refused,
    no DNS, silence), its other requests fail at once with
    :class:`~hmcts_data.NetworkError` for ``settings.unreachable_cooldown`` seconds (30 by
    default) instead of each waiting its own timeouts and retries.

    Args:
        settings: Settings to use; ``None`` reads the ``HMCTS_DATA_*`` environment.
        **overrides: Settings fields that win over ``settings`` (or over the environment).

    Attributes:
        settings: The resolved, validated settings.

    Raises:
        ConfigurationError: An override or environment variable is invalid.

    Example:
        >>> import hmcts_data
        >>> with hmcts_data.Client(offline=True, cache_dir="/tmp/hmcts-doc") as client:
        ...     client.settings.offline
        True
    """

    def __init__(self, settings: Settings | None = None, **overrides: Any) -> None:
        if settings is None:
            self.settings = Settings.from_env(**overrides)
        else:
            self.settings = _with_overrides(settings, overrides)
        self._init_lock = threading.Lock()
        self._http: Http | None = None
        self._cache: Cache | None = None
        # On the client, not the transport, so it outlives close(): a notebook that reuses a
        # client pays for a dead network once per cooldown, not once per cell.
        self._breaker = Breaker(self.settings.unreachable_cooldown)

    def __repr__(self) -> str:
        offline = ", offline" if self.settings.offline else ""
        return f"Client({self.settings.base_url!r}{offline})"

    # -- resources (created on first use) --------------------------------------------------

    @property
    def cache(self) -> Cache:
        """The cache (its directory is resolved, and created, on first use)."""
        with self._init_lock:
            if self._cache is None:
                self._cache = Cache(resolve_cache_dir(self.settings))
            return self._cache

    def _transport(self) -> Http:
        with self._init_lock:
            if self._http is None:
                from hmcts_data._http import Http

                self._http = Http(self.settings, self._breaker)
            return self._http

    def close(self) -> None:
        """Close the HTTP connection pool (the client can still be used; it reopens)."""
        with self._init_lock:
            http, self._http = self._http, None
        if http is not None:
            http.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- URLs ------------------------------------------------------------------------------

    def url_for(self, url: str, params: Params | None = None) -> str:
        """Return the absolute URL for ``url`` (a path is joined to ``base_url``) and params.

        Example:
            >>> Client(base_url="https://www.gov.uk").url_for(
            ...     "/api/search.json", {"count": 10, "fields": ["title", "link"]})
            'https://www.gov.uk/api/search.json?count=10&fields=title&fields=link'
        """
        if not urlsplit(url).scheme:
            url = self.settings.base_url + ("" if url.startswith("/") else "/") + url
        if params:
            pairs: list[tuple[str, str]] = []
            for name, value in params.items():
                if isinstance(value, str | int):
                    pairs.append((name, str(value)))
                else:
                    pairs.extend((name, str(v)) for v in value)
            url += ("&" if "?" in url else "?") + urlencode(pairs)
        return url

    # -- API JSON --------------------------------------------------------------------------

    def get_json(
        self,
        url: str,
        *,
        params: Params | None = None,
        max_age: float | None = None,
    ) -> Any:
        """GET a JSON document (Content API page, Search API results), through the cache.

        A copy younger than ``max_age`` is returned without any request; an older one is
        revalidated (304 renews it); on a network failure an older copy is returned with a
        :class:`~hmcts_data.StaleDataWarning`.

        Args:
            url: Absolute URL, or a path such as ``"/api/content/government/collections/x"``
                joined to ``settings.base_url``.
            params: Query parameters; a sequence value repeats the parameter.
            max_age: Seconds a cached copy is used without revalidation
                (default ``settings.api_max_age``; ``0`` always revalidates).

        Returns:
            The decoded JSON.

        Raises:
            OfflineError: Offline mode is on and nothing is cached for this URL.
            DownloadError: The request failed and nothing is cached.
            HostNotAllowedError: The URL or a redirect goes to a host that is not allowed.
            ParseError: The answer is not valid JSON (it is not cached).
            IntegrityError: The page is larger than ``settings.max_json_size`` once
                decompressed, or sent in an encoding not asked for (it is not cached).

        Example:
            >>> import hmcts_data
            >>> page = hmcts_data.Client().get_json(  # doctest: +SKIP
            ...     "/api/content/government/collections/hmcts-management-information")
        """
        return self.get_checked_json(url, _as_is, params=params, max_age=max_age)

    def get_checked_json(
        self,
        url: str,
        check: Callable[[Any], T],
        *,
        params: Params | None = None,
        max_age: float | None = None,
    ) -> T:
        """:meth:`get_json`, with ``check`` run on the page before it is used or cached.

        ``check`` turns the decoded JSON into what the caller needs, raising
        :class:`~hmcts_data.ParseError` for a page it cannot use. A fetched page it refuses is
        not cached; a cached copy it refuses counts as absent (fetched again, never served as
        a stale fallback), so one bad answer cannot keep failing after the server is fixed.

        Internal (the catalogue's page reader); the arguments are those of :meth:`get_json`.
        """
        full = self.url_for(url, params)
        limit = self.settings.api_max_age if max_age is None else max_age
        entry = self.cache.api_entry(full)
        hit = self._read_api(entry, check)
        if hit is not None and _age(hit[0]) <= limit:
            return hit[2]
        if self.settings.offline:
            if hit is not None:
                return hit[2]
            raise self._offline_error(full)
        with _locked(entry, full):
            hit = self._read_api(entry, check)
            if hit is not None and _age(hit[0]) <= limit:
                return hit[2]  # another thread or process refreshed it while we waited
            entry.remove_leftovers()
            meta = hit[0] if hit is not None else None
            try:
                # Only gzip, decoded by body_chunks under the size cap (httpx would also
                # offer deflate, br or zstd and inflate them without a cap).
                headers = {"Accept-Encoding": "gzip", **_validators(meta)}
                limit = self.settings.max_json_size
                fetched = self._transport().get(
                    full, headers=headers, consume=lambda r: _read_body(r, limit)
                )
            except DownloadError as exc:
                if hit is not None and _stale_allowed(exc):
                    self._warn_stale(full, exc, hit[0])
                    return hit[2]
                raise
            if isinstance(fetched, _NotModified):
                if hit is None:
                    raise DownloadError(
                        f"{full} answered 304 Not Modified to an unconditional request.",
                        url=full,
                        status=304,
                    )
                entry.write_sidecar(self._renewed(hit[0], fetched.headers))
                return hit[2]
            # Checked before it is stored: a page that cannot be used is never cached.
            result = check(decode_json(fetched.body, fetched.final_url))
            self._store_api(entry, full, fetched)
            return result

    def _read_api(self, entry: Entry, check: Callable[[Any], T]) -> tuple[Sidecar, Path, T] | None:
        found = entry.read_verified()
        if found is None:
            return None
        meta, path, raw = found
        try:
            return meta, path, check(decode_json(raw, meta.url))
        except ParseError as exc:
            logger.warning("not using the cached copy of %s: %s", meta.url, exc)
            return None

    def _store_api(self, entry: Entry, url: str, fetched: _Fetched) -> None:
        entry.store(fetched.body, self._sidecar(url, fetched, API_BODY, now_utc()))

    # -- data files ------------------------------------------------------------------------

    def download(
        self,
        url: str,
        *,
        expected_size: int | None = None,
        expected_sha256: str | None = None,
        expect: Expect = "any",
        cache_key: str | None = None,
        progress: ProgressCallback | bool | None = None,
    ) -> CachedFile:
        """Download a data file into the cache (or reuse the cached copy) and describe it.

        The body streams to a temporary file beside its final place and is checked before it
        is moved there atomically: its length against ``Content-Length``, the expected size
        and SHA-256 when given, and its content type and first bytes against ``expect``.
        Nothing that fails a check is ever cached.

        Args:
            url: Absolute URL of the file (or a path joined to ``settings.base_url``).
            expected_size: Size in bytes known in advance (e.g. an attachment's ``file_size``).
            expected_sha256: Hex SHA-256 known in advance.
            expect: ``"csv"``, ``"xlsx"``, ``"ods"``, ``"pdf"``, ``"json"``, or ``"any"`` to
                infer it from the URL's extension.
            cache_key: Key the cache entry on this instead of the URL (e.g. a release id).
            progress: ``True`` for a progress bar (tqdm, from the ``progress`` extra) or log
                lines, a callable ``(bytes_so_far, total_or_None)``, or ``None`` for silence.

        Returns:
            The cached file, with its provenance and ``status`` (``"downloaded"``,
            ``"revalidated"``, ``"cached"`` or ``"stale"``).

        Raises:
            OfflineError: Offline mode is on and the file is not cached.
            DownloadError: The request failed (the message names URL and status) and no
                cached copy could stand in.
            HostNotAllowedError: The URL or a redirect points at a host not allowed.
            IntegrityError: The body failed a check, or is larger than
                ``settings.max_file_size`` (nothing was cached).

        Example:
            >>> import hmcts_data
            >>> with hmcts_data.Client() as client:  # doctest: +SKIP
            ...     f = client.download(url, expect="csv", progress=True)
            ...     f.path, f.status
        """
        full = self.url_for(url)
        kind = expected_kind(full, expect)
        entry = self.cache.file_entry(full, cache_key)

        def usable() -> tuple[Sidecar, Path] | None:
            try:
                # Hashed on every hit: a byte flipped in the cached file is never served.
                found = entry.read(verify=True)
            except IntegrityError as exc:
                if self.settings.offline:
                    raise
                logger.warning("%s; fetching it again", exc)
                return None
            if found is None:
                return None
            meta = found[0]
            if (expected_size is not None and meta.size != expected_size) or (
                expected_sha256 is not None and meta.sha256 != expected_sha256.strip().lower()
            ):
                return None  # a different version than the one asked for: fetch afresh
            return found

        hit = usable()
        if hit is not None and _age(hit[0]) <= self.settings.file_max_age:
            return _cached_file(hit, "cached")
        if self.settings.offline:
            if hit is not None:
                return _cached_file(hit, "cached")
            raise self._offline_error(full)
        with _locked(entry, full):
            hit = usable()
            if hit is not None and _age(hit[0]) <= self.settings.file_max_age:
                return _cached_file(hit, "cached")
            entry.remove_leftovers()
            report = reporter(progress, label=filename_for(full))
            headers = {"Accept-Encoding": "identity", **_validators(hit[0] if hit else None)}

            def consume(response: httpx.Response) -> _Fetched | _NotModified:
                return _stream_to_temp(
                    response,
                    entry,
                    report,
                    kind=kind,
                    expected_size=expected_size,
                    expected_sha256=expected_sha256,
                    limit=self.settings.max_file_size,
                )

            try:
                fetched = self._transport().get(full, headers=headers, consume=consume)
            except DownloadError as exc:
                if hit is not None and _stale_allowed(exc):
                    self._warn_stale(full, exc, hit[0])
                    return _cached_file(hit, "stale")
                raise
            finally:
                report.close()
            if isinstance(fetched, _NotModified):
                if hit is None:
                    raise DownloadError(
                        f"{full} answered 304 Not Modified to an unconditional request.",
                        url=full,
                        status=304,
                    )
                renewed = self._renewed(hit[0], fetched.headers)
                entry.write_sidecar(renewed)
                return _cached_file((renewed, hit[1]), "revalidated")
            assert fetched.temp is not None
            meta = self._sidecar(full, fetched, filename_for(full), now_utc())
            path = entry.commit(fetched.temp, meta)
            logger.info("downloaded %s (%d bytes) to %s", full, meta.size, path)
            return _cached_file((meta, path), "downloaded")

    # -- cache -----------------------------------------------------------------------------

    def cache_info(self) -> CacheInfo:
        """Return where the cache is and what it holds.

        Example:
            >>> import hmcts_data
            >>> hmcts_data.Client().cache_info().location  # doctest: +SKIP
            PosixPath('/home/me/.cache/hmcts-data')
        """
        return self.cache.info()

    def clear_cache(self) -> int:
        """Delete every cached file and API page; return how many were removed.

        Example:
            >>> import hmcts_data
            >>> hmcts_data.Client().clear_cache()  # doctest: +SKIP
            3
        """
        return self.cache.clear()

    # -- helpers ---------------------------------------------------------------------------

    def _offline_error(self, url: str) -> OfflineError:
        return OfflineError(
            f"Offline mode is on and {url} is not in the cache ({self.cache.root}). Run once "
            "with the network (unset HMCTS_DATA_OFFLINE, drop --offline) to fill the cache.",
            url=url,
        )

    @staticmethod
    def _sidecar(url: str, fetched: _Fetched, filename: str, now: Any) -> Sidecar:
        headers = fetched.headers
        return Sidecar(
            url=url,
            final_url=fetched.final_url,
            # Only well-formed validators are kept: one that cannot be sent back would break
            # every later revalidation of this entry.
            etag=valid_etag(headers.get("ETag")),
            last_modified=valid_http_date(headers.get("Last-Modified")),
            content_type=headers.get("Content-Type"),
            size=fetched.size,
            sha256=fetched.sha256,
            retrieved_at=now,
            validated_at=now,
            filename=filename,
        )

    @staticmethod
    def _renewed(meta: Sidecar, headers: httpx.Headers) -> Sidecar:
        # A 304 may carry new validators (RFC 9111 4.3.4): keep them for the next request.
        update: dict[str, Any] = {"validated_at": now_utc()}
        if etag := valid_etag(headers.get("ETag")):
            update["etag"] = etag
        if last_modified := valid_http_date(headers.get("Last-Modified")):
            update["last_modified"] = last_modified
        return meta.model_copy(update=update)

    @staticmethod
    def _warn_stale(url: str, exc: DownloadError, meta: Sidecar) -> None:
        warn(
            f"Could not refresh {url} ({exc}). Using the cached copy last confirmed "
            f"{_human_age(_age(meta))} ago (retrieved {meta.retrieved_at:%Y-%m-%d %H:%M} UTC); "
            "it may be out of date.",
            StaleDataWarning,
            stacklevel=3,
        )


@contextlib.contextmanager
def _locked(entry: Entry, url: str) -> Iterator[None]:
    """Hold the entry's lock; asked for again by the thread holding it, say why, not hang."""
    lock = entry.lock()
    try:
        lock.acquire()
    except ReentrantLockError:
        raise DownloadError(
            f"{url} is being fetched by this same thread already: it was asked for again "
            "from inside that fetch (a progress callback that downloads the file it reports "
            "on?). Nothing was sent; ask for it after the first call returns.",
            url=url,
        ) from None
    try:
        yield
    finally:
        lock.release()


def _as_is(data: Any) -> Any:
    return data


def _cached_file(found: tuple[Sidecar, Path], status: Any) -> CachedFile:
    meta, path = found
    return CachedFile(
        path=path,
        url=meta.url,
        final_url=meta.final_url,
        etag=meta.etag,
        last_modified=meta.last_modified,
        content_type=meta.content_type,
        size=meta.size,
        sha256=meta.sha256,
        retrieved_at=meta.retrieved_at,
        status=status,
    )


def _read_body(response: httpx.Response, limit: int) -> _Fetched | _NotModified:
    from hmcts_data._http import body_chunks, check_length

    if response.status_code == 304:
        return _NotModified(response.headers)
    chunks = body_chunks(
        response, limit=limit, what="API pages", setting="HMCTS_DATA_MAX_JSON_SIZE", gzip=True
    )
    body = b"".join(chunks)
    check_length(response)
    return _Fetched(
        final_url=str(response.url),
        headers=response.headers,
        size=len(body),
        sha256=hashlib.sha256(body).hexdigest(),
        body=body,
    )


def _stream_to_temp(
    response: httpx.Response,
    entry: Entry,
    report: Reporter,
    *,
    kind: Expect,
    expected_size: int | None,
    expected_sha256: str | None,
    limit: int,
) -> _Fetched | _NotModified:
    """Stream a 200 body to a temp file in the entry, checking it; remove it on any failure."""
    from hmcts_data._http import body_chunks, check_length

    if response.status_code == 304:
        return _NotModified(response.headers)
    announced = response.headers.get("Content-Length")
    total = int(announced) if announced and announced.isdigit() else None
    final_url = str(response.url)
    handle, temp = entry.open_temp()
    try:
        digest = hashlib.sha256()
        head = b""
        size = 0
        with storage_errors(entry.directory), handle:
            chunks = body_chunks(
                response,
                limit=limit,
                what="data files",
                setting="HMCTS_DATA_MAX_FILE_SIZE",
                gzip=False,
            )
            for chunk in chunks:
                handle.write(chunk)
                digest.update(chunk)
                if len(head) < _HEAD:
                    head += chunk[: _HEAD - len(head)]
                size += len(chunk)
                report.update(size, total)
            check_length(response)
            sha256 = digest.hexdigest()
            check_body(head, size, response.headers.get("Content-Type"), kind, final_url)
            check_expected(
                size,
                sha256,
                expected_size=expected_size,
                expected_sha256=expected_sha256,
                url=final_url,
            )
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return _Fetched(
        final_url=final_url, headers=response.headers, size=size, sha256=sha256, temp=temp
    )


# The default clients, keyed on what their settings are read from. A notebook calling
# hmcts_data.load() ten times pays for settings, cache and connection pool once; a changed
# environment (another cache directory, offline switched on) gets a client of its own.
_DEFAULTS: dict[tuple[object, ...], Client] = {}
_DEFAULTS_LOCK = threading.Lock()
#: Default clients kept at once; older ones are dropped (not closed: a thread may be using one).
_MAX_DEFAULTS = 8
# Variables outside HMCTS_DATA_* that move the default cache directory (platformdirs).
_CACHE_DIR_VARS = ("XDG_CACHE_HOME", "HOME", "LOCALAPPDATA")
_SETTINGS_VARS = tuple(_SETTINGS_ENV.values())


def _environment_key(overrides: Mapping[str, Any]) -> tuple[object, ...]:
    # Only the variables settings are read from: a lookup each, not a scan of the environment.
    hmcts = tuple(os.environ.get(k) for k in _SETTINGS_VARS)
    dirs = tuple(os.environ.get(k) for k in _CACHE_DIR_VARS)
    given = tuple(sorted((k, repr(v)) for k, v in overrides.items() if v is not None))
    return hmcts, dirs, given


def default_client(**overrides: Any) -> Client:
    """Return the shared client for the current environment (built on first use).

    One client per configuration: the same ``HMCTS_DATA_*`` environment and ``overrides``
    give the same client, with its connection pool and cache already open. Thread-safe; the
    clients are closed when the interpreter exits.

    Args:
        **overrides: Settings fields that win over the environment (``None`` is ignored).

    Returns:
        The shared :class:`Client`.

    Raises:
        ConfigurationError: An environment variable or override is invalid.

    Example:
        >>> default_client() is default_client()
        True
    """
    key = _environment_key(overrides)
    found = _DEFAULTS.get(key)
    if found is not None:
        return found
    with _DEFAULTS_LOCK:
        found = _DEFAULTS.get(key)
        if found is None:
            found = Client(**overrides)
            while len(_DEFAULTS) >= _MAX_DEFAULTS:
                _DEFAULTS.pop(next(iter(_DEFAULTS)))
            _DEFAULTS[key] = found
        return found


@atexit.register
def _close_defaults() -> None:
    with _DEFAULTS_LOCK:
        clients = list(_DEFAULTS.values())
        _DEFAULTS.clear()
    for client in clients:
        client.close()


@contextlib.contextmanager
def using_client(client: Client | None, **overrides: Any) -> Iterator[Client]:
    """Yield ``client`` unchanged, or the shared :func:`default_client` for the environment.

    Args:
        client: The caller's client, or ``None``.
        **overrides: Settings for the default client (ignored when ``client`` is given).

    Example:
        >>> with using_client(None) as client:
        ...     client is default_client()
        True
    """
    yield client if client is not None else default_client(**overrides)


def download(
    url: str,
    *,
    expected_size: int | None = None,
    expected_sha256: str | None = None,
    expect: Expect = "any",
    cache_key: str | None = None,
    progress: ProgressCallback | bool | None = None,
    client: Client | None = None,
) -> Path:
    """Download a file from GOV.UK into the cache (or reuse it) and return its local path.

    The same retries, checks and cache as :meth:`Client.download`, whose arguments this takes.

    Args:
        url: Absolute URL of the file (or a path joined to the base URL).
        expected_size: Size in bytes known in advance.
        expected_sha256: Hex SHA-256 known in advance.
        expect: What the file should be (``"csv"``, ``"xlsx"``, ...; ``"any"`` infers it).
        cache_key: Key the cache entry on this instead of the URL.
        progress: ``True``, a callable ``(done, total)``, or ``None`` (silent).
        client: The client to use; ``None`` shares the default client for the environment.

    Returns:
        The path of the cached file (do not modify it).

    Raises:
        OfflineError: Offline and not cached.
        DownloadError: The request failed and nothing is cached.
        HostNotAllowedError: The URL or a redirect points at a host not allowed.
        IntegrityError: The body failed a check (nothing was cached).

    Example:
        >>> import hmcts_data
        >>> path = hmcts_data.download(  # doctest: +SKIP
        ...     "https://assets.publishing.service.gov.uk/media/.../HMCTS_MI_output_accessible.csv")
    """
    with using_client(client) as active:
        return active.download(
            url,
            expected_size=expected_size,
            expected_sha256=expected_sha256,
            expect=expect,
            cache_key=cache_key,
            progress=progress,
        ).path


def cache_info(*, client: Client | None = None) -> CacheInfo:
    """Return the cache's location, number of files, total size and entries.

    Args:
        client: The client whose cache to describe; ``None`` uses the default client.

    Returns:
        A :class:`~hmcts_data.CacheInfo`.

    Example:
        >>> import hmcts_data
        >>> info = hmcts_data.cache_info()  # doctest: +SKIP
        >>> info.location, info.files, info.total_bytes  # doctest: +SKIP
    """
    with using_client(client) as active:
        return active.cache_info()


def clear_cache(*, client: Client | None = None) -> int:
    """Delete everything in the cache and return how many cached files and pages went.

    Args:
        client: The client whose cache to clear; ``None`` uses the default client.

    Returns:
        The number of entries removed.

    Example:
        >>> import hmcts_data
        >>> hmcts_data.clear_cache()  # doctest: +SKIP
        0
    """
    with using_client(client) as active:
        return active.clear_cache()
