"""The verbs users call on data: read a file they have, load releases from GOV.UK, build series.

The data's path is catalogue -> download -> parse -> tidy frame; :func:`load` walks it with the
same public pieces a user could call one by one (``catalogue()``, ``Release.data_file()``,
``Client.download()``, :func:`read`).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from hmcts_data._cancel import Cancel
from hmcts_data._errors import (
    ConfigurationError,
    DownloadError,
    HMCTSDataError,
    NotFoundError,
    OfflineError,
    ParseError,
    ParseTimeoutError,
    StaleDataWarning,
    StorageError,
)
from hmcts_data._registry import registry
from hmcts_data._warn import carried, notice, once_per_call, warn
from hmcts_data.tables import OnUnknown, Parser, parser_for
from hmcts_data.tables._schema import Parsed, Provenance, tidy_frame
from hmcts_data.tables._source import Source, read_source, time_budget

if TYPE_CHECKING:
    from collections.abc import Callable, Generator, Sequence
    from concurrent.futures import Future, ThreadPoolExecutor

    import pandas as pd

    from hmcts_data._catalogue import Attachment, Release
    from hmcts_data._client import Client
    from hmcts_data._embedded import EmbeddedRelease
    from hmcts_data._progress import ProgressCallback

__all__ = ["Source", "load", "read", "series"]

_DATA_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def read(
    publication: str,
    source: Source,
    *,
    on_unknown: OnUnknown | None = None,
    release: str | None = None,
    published: datetime | None = None,
    source_url: str | None = None,
) -> pd.DataFrame:
    """Parse a file you already have into the tidy frame (no network).

    The format (CSV, XLSX or ODS) is detected from the bytes, not from the file name, so a file
    renamed by a browser (``HMCTS_MI_output_accessible (2).csv``) still reads.

    Args:
        publication: Publication id: ``"monthly"``, ``"weekly-covid"``, ``"remote-hearings"``,
            ``"reformed-services"`` or ``"ad-hoc"``.
        source: A path, the file's bytes, or a file object opened in binary mode.
        on_unknown: What to do with a header or label the crosswalk does not record:
            ``"keep"`` (the default of every publication) keeps its figures, mapped by
            interpreting the wording where that is certain (``mapping == "inferred"``), else
            with null jurisdiction and measure, and warns once per file naming the labels;
            ``"raise"`` (strict mode) raises :class:`SchemaDriftError` for anything beyond the
            exact crosswalk. ``None`` uses the publication's default.
        release: The release's latest data month (``"YYYY-MM"``); by default the latest month
            in the file. It must agree with the file: the file's newest period must end in
            that month (for a week straddling two months, either month).
        published: When the release was published, if known.
        source_url: Where the file came from, if known (kept as provenance).

    Returns:
        The tidy frame (see the tidy contract in the docs).

    Raises:
        NotFoundError: Unknown publication id.
        ConfigurationError: ``release`` is not a data month ``"YYYY-MM"``, or the file
            contradicts it (its newest month is another month).
        ParseError: The file cannot be read (the message names file, sheet, row and column),
            or it looks like another publication's file (the message names which).
        ParseTimeoutError: Reading and parsing the file took longer than
            ``HMCTS_DATA_DEADLINE`` (a huge or crafted file).
        SchemaDriftError: A header the crosswalk does not record (with ``on_unknown="raise"``).

    Example:
        >>> import hmcts_data
        >>> frame = hmcts_data.read("monthly", "HMCTS_MI_output_accessible.csv")  # doctest: +SKIP
        >>> frame.groupby("jurisdiction", observed=True)["value"].count()  # doctest: +SKIP
    """
    got = _read(
        publication,
        source,
        on_unknown=on_unknown,
        release=release,
        published=published,
        source_url=source_url,
    )
    return _decided(got.frame(), _environment_cache)


def _environment_cache() -> Path | None:
    """The cache folder the environment names (``HMCTS_DATA_CACHE_DIR``, else the platform's).

    Only looked into, never created: a read of a local file writes nothing.
    """
    import os

    from hmcts_data._cache_layout import default_cache_dir
    from hmcts_data._environ import env_values

    try:
        root = env_values(os.environ).get("cache_dir")
    except ConfigurationError:
        return None
    return Path(root) if root is not None else default_cache_dir()


def _decided(
    frame: pd.DataFrame, cache: Callable[[], Path | None] | Path | None = None
) -> pd.DataFrame:
    """One release's frame with its non-exact monthly columns decided against the releases held.

    ``cache`` is the cache folder whose releases are held too (or how to find it). A frame
    whose every column is exact (or of another publication) is returned untouched and nothing
    more is imported.
    """
    if frame.empty or "mapping" not in frame.columns:
        return frame
    monthly = frame["publication"] == "monthly"
    if not bool(monthly.any()) or bool((frame.loc[monthly, "mapping"] == "exact").all()):
        return frame
    from hmcts_data.tables._confirm import decide_mappings

    return decide_mappings(frame, cache=cache() if callable(cache) else cache, stacklevel=3)


def _read(
    publication: str,
    source: Source,
    *,
    on_unknown: OnUnknown | None,
    release: str | None,
    published: datetime | None,
    source_url: str | None,
) -> Parsed:
    """:func:`read`, returning the checked parse result: its frame is built by the caller.

    Every check of :func:`read` runs here, so a file fails at the same point with the same
    error whether its frame is built now (``read``) or later with the others (``load``).
    """
    parse = parser_for(publication)
    if release is not None and not _DATA_MONTH.match(release):
        raise ConfigurationError(
            f"release={release!r} is not a data month: use 'YYYY-MM' (such as '2025-04'), or "
            "leave it out to take the latest month in the file."
        )
    # One time budget for the file: reading it, parsing it and every check below.
    with time_budget():
        return _read_within(
            publication,
            source,
            parse,
            on_unknown=on_unknown,
            release=release,
            published=published,
            source_url=source_url,
        )


def _read_within(
    publication: str,
    source: Source,
    parse: Parser,
    *,
    on_unknown: OnUnknown | None,
    release: str | None,
    published: datetime | None,
    source_url: str | None,
) -> Parsed:
    data, name = read_source(source)
    provenance = Provenance(
        publication=publication,
        source_file=name,
        sha256=hashlib.sha256(data).hexdigest(),
        release=release,
        published=published,
        source_url=source_url,
    )
    options: dict[str, OnUnknown] = {} if on_unknown is None else {"on_unknown": on_unknown}
    from hmcts_data.tables._fingerprint import check_frame, explain_failure

    # A file that is refused below must not first be warned about (its labels, its figures).
    with once_per_call(drop_on_error=True):
        try:
            got = parse(data, provenance, **options)
        except ParseError as exc:
            # A file of another publication: say which, rather than what the parser missed.
            try:
                other = (
                    explain_failure(publication, data, name) if type(exc) is ParseError else None
                )
            except ParseTimeoutError:
                other = None  # no time left to say more: the parser's own error stands
            if other is not None:
                raise other from exc
            raise
        if not _fits_own_periods(publication, got):
            check_frame(publication, got.frame(), data, name)  # needs the whole frame to decide
        if release is not None and got.rows:
            _check_release(got.starts, got.ends, release, name)
    return got


def _fits_own_periods(publication: str, got: Parsed) -> bool:
    """Whether :func:`check_frame` would pass ``got``'s frame on its periods alone.

    It does for a file read as its own publication whose periods are of a kind the
    publication's fingerprint lists (or of no kind), and for an empty file; any other file
    is decided by :func:`check_frame` on the frame itself.
    """
    from hmcts_data.tables._fingerprint import fingerprints, span_kinds

    if not got.rows:
        return True
    if publication != "monthly":
        return False  # check_frame looks for the monthly signature in other publications
    kinds = span_kinds(got.starts, got.ends)
    return not kinds or bool(kinds & fingerprints()[publication].periods)


def _check_release(starts: Any, ends: Any, release: str, name: str) -> None:
    """Refuse a ``release=`` the file contradicts: its newest period is not in that month.

    A period shorter than a month (a week) may straddle two months, so its start month is
    accepted as well as its end month; nothing else is.

    Args:
        starts: The file's ``period_start`` values (``datetime64``, not empty).
        ends: Their ``period_end`` values.
        release: The release asked for (``"YYYY-MM"``).
        name: The file's name, for the message.

    Raises:
        ConfigurationError: The file's newest month is another month.
    """
    import numpy as np

    newest = ends.max()
    # Months since 1970 of the newest end and of the starts of the periods ending then.
    months_since = np.unique(
        np.concatenate([[newest], starts[ends == newest]]).astype("datetime64[M]").astype(int)
    )
    months = {f"{m // 12 + 1970:04d}-{m % 12 + 1:02d}" for m in months_since.tolist()}
    if release not in months:
        import pandas as pd

        end = pd.Timestamp(newest)
        found = f"{end.year:04d}-{end.month:02d}"
        raise ConfigurationError(
            f"release={release!r} contradicts {name}: the file's newest period ends "
            f"{end:%d %b %Y}, so it is the {found} release. Leave release out to take the "
            f"file's newest month, or pass the file of the {release} release."
        )


#: Files downloaded at once by load(..., "all"); the client's rate limiter still spaces the
#: requests, so more workers only hide latency (GOV.UK answers in ~300 ms at 10 requests/s).
DOWNLOAD_WORKERS = 4

_Got = tuple["Release", "Attachment | None", "Path | HMCTSDataError"]


class _Downloads:
    """Data files downloading a few at once, each started as soon as its release is known.

    Each file has its own progress report and its own error: a file that could not be had
    because of the network (or offline mode) is yielded with its error in place of the path,
    for the embedded fallback; any other failure raises from its ``get()`` (:meth:`ready`),
    and the caller cancels the downloads not yet started (:meth:`close`). A release with no
    data file in a catalogue GOV.UK did not answer for (``checked`` false: the snapshot
    records few files) is such a failure too: nobody could check what its page attaches.
    """

    #: Whether GOV.UK answered for the catalogue the releases come from.
    checked: bool = True

    def __init__(
        self,
        client: Client,
        progress: bool | ProgressCallback | None,
        *,
        workers: int = DOWNLOAD_WORKERS,
    ) -> None:
        import threading

        self._client = client
        self._progress = progress
        self._workers = workers
        self._lock = threading.Lock()
        self._pool: ThreadPoolExecutor | None = None
        self._started: dict[tuple[str, tuple[str | None, ...]], Future[_Got]] = {}
        self._cancel = Cancel()

    def start(self, rel: Release) -> None:
        """Start downloading ``rel``'s data file, unless withdrawn or without one.

        Those are left for :meth:`ready` (a caller asked for them: it raises there).
        """
        from concurrent.futures import ThreadPoolExecutor

        if rel.is_withdrawn or not rel.data_files():
            return
        with self._lock:
            if _file_key(rel) in self._started or self._workers <= 1:
                return
            if self._pool is None:
                self._pool = ThreadPoolExecutor(
                    max_workers=self._workers, thread_name_prefix="hmcts-load"
                )
            self._started[_file_key(rel)] = self._pool.submit(
                carried(self._cancel.run), self._fetch, rel
            )

    def ready(self, releases: Sequence[Release]) -> Generator[tuple[int, Callable[[], _Got]]]:
        """Yield ``(index, get)`` for each of ``releases`` as its download ends.

        ``get()`` returns ``(release, data file, cached path or error)`` or raises what the
        download raised. Releases not downloading in the pool (withdrawn, without a data
        file, or all of them without workers) come first, in order, each fetched by its
        ``get()``; the others as they finish, so each can be read while the rest download.
        """
        from concurrent.futures import as_completed

        if len(releases) > 1:
            for rel in releases:
                self.start(rel)
        where: dict[Future[_Got], list[int]] = {}
        for index, rel in enumerate(releases):
            future = self._started.get(_file_key(rel))
            if future is None:
                yield index, functools.partial(self._fetch, rel)
            else:
                where.setdefault(future, []).append(index)
        for future in as_completed(where):
            for index in where[future]:
                yield index, functools.partial(_as_of, releases[index], future)

    def close(self) -> None:
        """Cancel the downloads not yet started, stop those running, and wait for them.

        Called when the results have all been taken, or early (an error, Ctrl-C): a download
        still running then stops within a fraction of a second instead of running on to its
        deadline (nothing partial is cached).
        """
        if self._pool is not None:
            self._cancel.cancel()
            self._pool.shutdown(wait=True, cancel_futures=True)

    def _fetch(self, rel: Release) -> _Got:
        from hmcts_data._embedded._fallback import NOT_RECORDED, is_network_failure

        try:
            attachment = rel.data_file()
        except NotFoundError:
            if self.checked:
                raise
            return rel, None, OfflineError(NOT_RECORDED)
        try:
            path = attachment.download(
                self._client, cache_key=rel.base_path, progress=self._progress
            )
        except (DownloadError, OfflineError) as exc:
            if not is_network_failure(exc):
                raise
            return rel, attachment, exc
        return rel, attachment, path


def _file_key(rel: Release) -> tuple[str, tuple[str | None, ...]]:
    """What a download is of: a release page and its data files.

    Not the release itself: discovery hands a release over as soon as its page is read, and
    the one it answers with may say more about where the page was listed (``found_in``).
    """
    return rel.base_path, tuple(a.url for a in rel.data_files())


def _as_of(rel: Release, future: Future[_Got]) -> _Got:
    """The download's result, for ``rel`` as the caller has it."""
    _, attachment, got = future.result()
    return rel, attachment, got


#: Times a cached file removed before it could be read (a concurrent clear) is fetched again.
_VANISHED_RETRIES = 3


def _cached_bytes(
    path: Path,
    rel: Release,
    attachment: Attachment,
    client: Client,
    progress: bool | ProgressCallback | None,
) -> io.BytesIO:
    """The bytes of a file just downloaded into the cache, named as the file.

    Another process may clear the cache between the download and this read: the file is then
    simply fetched again (a miss), never reported as a missing path of the user's.
    """
    for _ in range(_VANISHED_RETRIES):
        try:
            data = io.BytesIO(path.read_bytes())
        except FileNotFoundError:
            path = attachment.download(client, cache_key=rel.base_path, progress=progress)
            continue
        data.name = path.name
        return data
    raise StorageError(
        f"{attachment.url} was downloaded into the cache {_VANISHED_RETRIES} times and removed "
        "each time before it could be read: something is clearing the cache as it is used. "
        "Try again once it has stopped.",
        path=str(path),
    )


def _read_embedded(
    item: EmbeddedRelease, rel: Release | None, on_unknown: OnUnknown | None
) -> Parsed:
    from hmcts_data._embedded import embedded_bytes

    data = io.BytesIO(embedded_bytes(item))
    data.name = item.published_name  # source_file: the name it was published under
    return _read(
        item.publication,
        data,
        on_unknown=on_unknown,
        release=item.release,
        published=rel.first_published if rel is not None else None,
        source_url=item.source_url,
    )


@dataclass
class Fallback:
    """What an answer took from the embedded releases instead of GOV.UK, for one warning.

    Attributes:
        publication: The publication id.
        used: The embedded releases read.
        failure: The first failure that made the fallback necessary.
        label: What was asked for, for the message (``"monthly release 2025-05"``).
        skipped: Releases left out: neither fetched nor embedded.
        offline: Whether offline mode was on.
    """

    publication: str
    used: list[EmbeddedRelease]
    failure: HMCTSDataError
    label: str
    skipped: list[str]
    offline: bool

    def warning(self) -> Warning:
        """The one warning for this fallback (:func:`embedded_warning`, or releases left out)."""
        from hmcts_data._embedded._fallback import embedded_warning

        if self.used:
            return embedded_warning(
                self.publication,
                self.used,
                self.failure,
                wanted=self.label,
                skipped=self.skipped,
                offline=self.offline,
            )
        return notice(
            StaleDataWarning,
            f"Could not get {len(self.skipped)} {self.publication} release(s) "
            f"({', '.join(self.skipped)}), so they are left out. Try again where GOV.UK is "
            "reachable.",
            detail=str(self.failure),
        )


#: What became of one release's file: its parse result (``None`` if neither fetched nor
#: embedded), the embedded copy read in its place, and the network failure that made it so.
_Outcome = tuple["Parsed | None", "EmbeddedRelease | None", "HMCTSDataError | None"]


def _outcome(
    publication: str,
    got: _Got,
    client: Client,
    *,
    on_unknown: OnUnknown | None,
    progress: bool | ProgressCallback | None,
) -> _Outcome:
    """Read one release's downloaded file, or its embedded copy where the network failed."""
    from hmcts_data._embedded import embedded_for

    rel, attachment, path = got
    if not isinstance(path, HMCTSDataError):
        assert attachment is not None  # a path comes with its attachment
        parsed = _read(
            publication,
            _cached_bytes(path, rel, attachment, client, progress),
            on_unknown=on_unknown,
            release=rel.key if _names_data_month(publication) else None,
            published=rel.first_published,
            source_url=attachment.url,
        )
        return parsed, None, None
    item = embedded_for(publication, rel.key) if rel.key else None
    if item is None:
        return None, None, path
    return _read_embedded(item, rel, on_unknown), item, path


def _load_releases(
    publication: str,
    release: str | date | Release | None,
    client: Client,
    on_unknown: OnUnknown | None,
    progress: bool | ProgressCallback | None,
    *,
    fallbacks: list[Fallback] | None = None,
) -> list[Parsed]:
    """Load each release live or from the cache; where the network fails, the embedded copy.

    Live data always wins: an embedded copy is used only for a release that could not be
    fetched (network down, offline, GOV.UK erroring) and is not cached. Each release is read
    and checked as it arrives; its frame is built later, with the others (:func:`_stacked`).
    The releases come from :func:`hmcts_data._releases.wanted`, the chain every verb shares;
    with ``fallbacks``, a fallback is added there instead of warned about.
    """
    from hmcts_data._catalogue._snapshot import load_snapshot
    from hmcts_data._embedded import embedded_releases
    from hmcts_data._embedded._fallback import unavailable_error
    from hmcts_data._releases import wanted as wanted_releases

    frames: list[Parsed] = []
    used: list[EmbeddedRelease] = []
    skipped: list[Release] = []
    failure: HMCTSDataError | None = None
    with contextlib.closing(_Downloads(client, progress)) as downloads:
        # GOV.UK is asked only for what this call needs; with "all", each file starts
        # downloading as soon as its release page is read.
        every = isinstance(release, str) and release.strip().lower() == "all"
        asked = wanted_releases(
            publication, release, client, on_release=downloads.start if every else None
        )
        downloads.checked = asked.checked
        wanted = asked.releases
        for extra in asked.embedded_only:
            frames.append(_read_embedded(extra, None, on_unknown))
            used.append(extra)
            failure = failure or OfflineError(asked.catalogue.unchecked_reason or "not checked")
        chosen = sorted(wanted, key=lambda r: (r.period_end or date.min, r.slug))
        # Each file is read as soon as it is in (not in release order, which would leave
        # every file's parsing until the last download): frames, fallbacks and the error
        # raised are still those of release order.
        outcomes: dict[int, _Outcome] = {}
        errors: dict[int, Exception] = {}
        for index, get in downloads.ready(chosen):
            try:
                outcomes[index] = _outcome(
                    publication, get(), client, on_unknown=on_unknown, progress=progress
                )
            except Exception as exc:
                errors[index] = exc
            if errors:
                first = min(errors)
                if all(i in outcomes for i in range(first)):
                    raise errors[first]
        for index in range(len(chosen)):
            frame, item, lost = outcomes[index]
            if lost is not None:
                failure = failure or lost
                if item is None:
                    skipped.append(chosen[index])
            if frame is not None:
                frames.append(frame)
            if item is not None:
                used.append(item)
    if failure is None:
        return frames
    offline = client.settings.offline
    newest = embedded_releases(publication)
    if release_is_latest(release) and not frames and newest:
        # The latest release listed could not be had: the newest real release shipped with
        # the package is the best answer that can be given now.
        item = newest[-1]
        listed = load_snapshot().get(publication).releases
        match = next((r for r in listed if r.key == item.release), None)
        frames.append(_read_embedded(item, match, on_unknown))
        used.append(item)
        skipped = []  # the label below names the release listed as latest
        label = f"the latest {publication} release (listed: {wanted[0].key})"
    elif not frames:
        rel = skipped[0]
        raise unavailable_error(
            publication,
            rel.key or rel.slug,
            rel.url,
            failure,
            offline=offline,
            base_url=client.settings.base_url,
        )
    else:
        one = len(used) == 1 and len(wanted) <= 1
        label = f"{publication} {'release ' + used[0].release if one else 'releases'}"
    if used or skipped:
        fallback = Fallback(
            publication, used, failure, label, [r.key or r.slug for r in skipped], offline
        )
        if fallbacks is not None:
            fallbacks.append(fallback)  # the caller warns once for all its loads
        else:
            # warn(), not a fixed stacklevel: series() reaches here through one frame more
            # than load(), and the warning must name the user's line either way.
            warn(fallback.warning())
    return frames


def release_is_latest(release: object) -> bool:
    """Whether ``release`` asks for the newest release (``None`` or ``"latest"``)."""
    return release is None or (isinstance(release, str) and release.strip().lower() == "latest")


def load(
    publication: str,
    release: str | date | Release | None = None,
    *,
    client: Client | None = None,
    offline: bool | None = None,
    on_unknown: OnUnknown | None = None,
    progress: bool | ProgressCallback | None = None,
) -> pd.DataFrame:
    """Download (through the cache) and parse releases of a publication into the tidy frame.

    Args:
        publication: Publication id (``"monthly"``, ``"weekly-covid"``, ``"remote-hearings"``,
            ``"reformed-services"``, ``"ad-hoc"``).
        release: ``None`` or ``"latest"`` for the latest release; a data month
            (``"2025-04"``), a GOV.UK slug or URL, a :class:`Release`, or a date
            (``date(2025, 4, 30)`` or ``"2025-04-30"``) meaning the **data month** it falls
            in (the ``2025-04`` release, published in June), for one release; ``"all"`` for
            every release with a machine-readable file (every vintage is kept: nothing is
            de-duplicated). For the release newest on a publication date, pass
            ``catalogue().get(publication).as_of(day)``.
        client: The client to use; ``None`` shares the default client for the environment.
        offline: ``True`` never touches the network (cache and embedded snapshot only).
        on_unknown: What to do with headers the crosswalk does not know (see :func:`read`).
        progress: ``True`` for a progress bar per file actually downloaded (tqdm, from the
            ``progress`` extra, else log lines), a callable ``(bytes_so_far, total_or_None)``,
            or ``None`` (default) for silence. Files served from the cache report nothing.
            With ``"all"``, up to four files download at once (within the rate limit), so a
            callable may be called from several threads.

    Returns:
        The tidy frame, releases stacked oldest first, each row carrying its ``release``,
        ``published`` date and ``source_url``. For ``monthly`` the release month is the
        catalogue's and must agree with the file (else :class:`ConfigurationError`); for the
        other publications it is the file's newest month.

    Raises:
        ConfigurationError: ``release`` is in none of the forms above (a number, say).
        NotFoundError: Unknown publication, or a release GOV.UK does not list (with the
            nearest known months), or one whose page has no machine-readable attachment.
            Said only when GOV.UK answered: offline or on a failed network it cannot be known.
        OfflineError: Offline, and neither the cache nor the embedded releases have it (or
            the catalogue in use does not list it: the library could not check).
        NetworkError: GOV.UK could not be reached, with the same meaning.
        DownloadError: The download failed after retries (and no cached copy exists).
        IntegrityError: The file is not what GOV.UK described.
        ParseError: The file cannot be parsed (names file, sheet, row, column).
        SchemaDriftError: A header the crosswalk does not know (with ``on_unknown="raise"``).
        ConfigurationError: A monthly file whose newest month is not its release's month.

    Example:
        >>> import hmcts_data
        >>> latest = hmcts_data.load("monthly")  # doctest: +SKIP
        >>> every_vintage = hmcts_data.load("monthly", release="all")  # doctest: +SKIP
    """
    return load_reporting(
        publication,
        release,
        client=client,
        offline=offline,
        on_unknown=on_unknown,
        progress=progress,
    )


def load_reporting(
    publication: str,
    release: str | date | Release | None = None,
    *,
    client: Client | None = None,
    offline: bool | None = None,
    on_unknown: OnUnknown | None = None,
    progress: bool | ProgressCallback | None = None,
    fallbacks: list[Fallback] | None = None,
) -> pd.DataFrame:
    """:func:`load`; with ``fallbacks``, embedded fallbacks are added to it, not warned about.

    A verb that loads several times (``release_changes``) gathers them and warns once.
    """
    from hmcts_data._catalogue._models import release_form
    from hmcts_data._client import Client, using_client

    parser_for(publication)  # an unknown id fails here, before any request
    if release is not None:
        release_form(release)  # so does a release in no accepted form
    owned = False
    if client is not None and offline and not client.settings.offline:
        client = Client(client.settings.model_copy(update={"offline": True}))
        owned = True
    with once_per_call():  # the catalogue's and the fallback's warnings, each once
        try:
            with using_client(client, offline=offline) as active:
                frames = _load_releases(
                    publication, release, active, on_unknown, progress, fallbacks=fallbacks
                )
                cache = _client_cache(active)
        finally:
            if owned and client is not None:
                client.close()
        if len(frames) == 1:
            return _decided(_stacked(frames), cache)
        from hmcts_data.tables._confirm import decide_mappings, mark_decided

        # One decision per file: labels and figures weighed across the releases stacked; the
        # frame notes it, so series(frame=...) and revisions() of it do not decide again.
        return mark_decided(decide_mappings(_stacked(frames), cache=cache, stacklevel=3))


def _client_cache(client: Client) -> Path:
    """The cache folder ``client``'s settings name (its releases are held when deciding)."""
    from hmcts_data._cache_layout import default_cache_dir

    return client.settings.cache_dir or default_cache_dir()


def _stacked(frames: Sequence[Parsed]) -> pd.DataFrame:
    """The releases' frames stacked in order, built as one frame."""
    return tidy_frame([part for got in frames for part in got.parts])


def series(
    publication: str = "monthly",
    *,
    jurisdiction: str | None = None,
    measure: str | None = None,
    breakdown: str | None = None,
    frame: pd.DataFrame | None = None,
    client: Client | None = None,
    offline: bool | None = None,
    missing: Literal["newest", "skip"] = "newest",
    progress: bool | ProgressCallback | None = None,
) -> pd.DataFrame:
    """One harmonised series across all releases: each figure from the newest release with it.

    Loads every release (or uses ``frame``), then keeps, for each period, jurisdiction,
    measure and breakdown, the value from the newest release that publishes it; the
    ``release`` column says which release each value came from. So a user gets 2018 to today
    in one call, with the revised figures rather than stale first estimates.

    Args:
        publication: Publication id.
        jurisdiction: Keep only this canonical jurisdiction.
        measure: Keep only this canonical measure.
        breakdown: Keep only this breakdown (``""`` for the headline figure).
        frame: A tidy frame of several releases to use instead of loading.
        client: The client to use when loading.
        offline: ``True`` never touches the network.
        missing: ``"newest"``: the newest release wins even where its cell is missing;
            ``"skip"``: a missing cell falls back to the newest release that has a value.
        progress: Download progress when loading (see :func:`load`).

    Returns:
        A tidy frame with one row per figure.

    Raises:
        NotFoundError: Unknown publication, or a filter value outside the vocabulary.
        HMCTSDataError: Any error of :func:`load`.

    Example:
        >>> import hmcts_data
        >>> civil = hmcts_data.series(jurisdiction="civil", measure="receipts")  # doctest: +SKIP
    """
    from hmcts_data.tables._schema import vocabulary
    from hmcts_data.tables._vintages import newest_of_confirmed

    vocab = vocabulary()
    if jurisdiction is not None and jurisdiction not in vocab.jurisdiction:
        raise NotFoundError("jurisdiction", jurisdiction, sorted(vocab.jurisdiction))
    if measure is not None and measure not in vocab.measure:
        raise NotFoundError("measure", measure, sorted(vocab.measure))
    if frame is None:
        with once_per_call():
            frame = load(publication, "all", client=client, offline=offline, progress=progress)
    else:
        from hmcts_data.tables._confirm import decide_mappings

        # Before filtering: a demoted column must not stay in the series it was refused from.
        ours = (frame["publication"] == publication).to_numpy(dtype=bool)
        frame = decide_mappings(frame if ours.all() else frame[ours], stacklevel=3)
    if jurisdiction is not None:
        frame = frame[frame["jurisdiction"] == jurisdiction]
    if measure is not None:
        frame = frame[frame["measure"] == measure]
    if breakdown is not None:
        frame = frame[frame["breakdown"] == breakdown]
    # Confirmed already: by load(..., "all") or just above, before filtering.
    return newest_of_confirmed(frame.reset_index(drop=True), skip_missing=missing == "skip")


def _names_data_month(publication: str) -> bool:
    """Whether the catalogue month is the file's newest data month as a documented fact.

    Where it is (the monthly slug names it), load() asserts it and a contradiction fails. For
    the others the catalogue month is read from a title range nobody has checked against a
    file: load() lets the file say which month it ends in rather than label it with a guess.
    """
    return registry().get(publication).release_month_is_data_month
