"""Discovery of one publication: only the pages a call needs, not the whole catalogue.

``load("monthly")`` needs the newest monthly release, not every page of every publication.
The listing is read at the URLs a full discovery reads (a later full discovery finds it, and
every release page read here, in the client's cache), then only the pages of the one
publication that can answer the call:

* the latest release: the pages whose slug names the newest period, then the next newest,
  until the newest current release is certain. Pages the collection lists as withdrawn are
  never the latest and are not read; a page whose slug names no period is always read (only
  its page says where it falls);
* one release by data month or slug: the pages that can be it; a :class:`Release` or a base
  path (or web address) first straight from its page, without the listing;
* every release (``"all"``), a date, or a key no listed page matches: every page of the
  publication, so the answer (or the "no such release" error and its list of known months)
  is what the whole catalogue would give.

For the latest release and for one release, one list is read first: the collection for a
publication whose pages belong to it (it lists a page as soon as it is published; the Search
API's index can lag), else the Search API; the other is asked too only when the first cannot
answer. ``"all"`` reads both, as a full discovery does.

The result is a :class:`Catalogue` holding only the releases read: it answers the call and is
never stored as the discovery.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import date
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from hmcts_data._catalogue._classify import classify, read_period, slug_of
from hmcts_data._catalogue._discover import (
    BOTH,
    DEFAULT_WORKERS,
    SEARCH_PAGE_SIZE,
    Candidate,
    Listing,
    Source,
    _carried_over,
    assemble,
    list_pages,
    read_releases,
    trusted_releases,
)
from hmcts_data._catalogue._models import _DAY_KEY, _MONTH_KEY, Catalogue, Release, sort_releases
from hmcts_data._errors import DownloadError, NotFoundError, OfflineError, ParseError
from hmcts_data._registry import registry
from hmcts_data._warn import carried

if TYPE_CHECKING:
    from hmcts_data._client import Client

__all__ = ["discover_publication", "is_all", "is_latest"]

logger = logging.getLogger("hmcts_data")

#: What a call asks for: ``None`` (latest), ``"all"``, or one release in any form
#: :meth:`Publication.release` takes.
Wanted = str | date | Release | None


def is_latest(release: Wanted) -> bool:
    """Whether ``release`` asks for the latest release (``None`` or ``"latest"``).

    Example:
        >>> is_latest(None), is_latest(" Latest "), is_latest("2025-04")
        (True, True, False)
    """
    return release is None or (isinstance(release, str) and release.strip().lower() == "latest")


def is_all(release: Wanted) -> bool:
    """Whether ``release`` asks for every release (``"all"``).

    Example:
        >>> is_all("all"), is_all(None)
        (True, False)
    """
    return isinstance(release, str) and release.strip().lower() == "all"


def discover_publication(
    client: Client,
    publication: str,
    release: Wanted = None,
    *,
    previous: Catalogue | None = None,
    on_release: Callable[[Release], None] | None = None,
    workers: int = DEFAULT_WORKERS,
) -> Catalogue:
    """Discover the releases of one publication that ``release`` needs, and no other page.

    Args:
        client: The client; its cache answers fresh pages without a request.
        publication: The publication id.
        release: ``None`` (or ``"latest"``) for the latest release, ``"all"`` for every
            release, or one release as :meth:`Publication.release` takes it.
        previous: An earlier discovery: pages the listing says have not moved since it read
            them are carried over from it without a request (when it can be trusted, as for
            an incremental refresh).
        on_release: Called with each release as soon as it is known (from worker threads
            while pages are read concurrently), so its download can start at once.
        workers: Pages read at once (the client's rate limit still applies).

    Returns:
        A live catalogue holding the releases read (the other publications empty); never
        store it as the discovery.

    Raises:
        ParseError: A page is not of the expected shape (names its URL).
        DownloadError: GOV.UK could not be reached or refused a request.
        OfflineError: The client is offline and a page is not cached.

    Example:
        >>> with hmcts_data.Client() as client:  # doctest: +SKIP
        ...     discover_publication(client, "monthly").get("monthly").latest().key
        '2025-09'
    """
    base_url = client.settings.base_url
    if release is not None and not is_latest(release) and not is_all(release):
        direct = _straight(client, publication, release, on_release)
        if direct is not None:
            return direct
    reader = _Reader(client, publication, workers, on_release)
    # One list first where one suffices (the latest, or one release); both for "all" and for
    # anything the first list cannot answer (the one already read comes from the cache).
    first = BOTH if is_all(release) else _first_list(publication)
    for sources in dict.fromkeys([first, BOTH]):
        early = None
        if is_all(release) and previous is None:
            # Every page is wanted: read the collection's while the search is still coming.
            early = _Early(reader)
        try:
            listing = list_pages(
                client,
                max_age=None,
                page_size=SEARCH_PAGE_SIZE,
                sources=sources,
                on_collection=None if early is None else early.start,
            )
        except BaseException:
            if early is not None:
                early.join(quiet=True)  # the listing's failure is the one to report
            raise
        if early is not None:
            early.join()
        known = trusted_releases(previous, listing, base_url)
        mine = reader.mine(listing)
        if is_all(release):
            reader.read(listing, known, mine)
            break
        if is_latest(release):
            _read_newest(reader, listing, known, mine)
            if any(not r.is_withdrawn for r in reader.found):
                break
        else:
            assert release is not None
            reader.read(listing, known, _could_be(release, mine))
            if _finds(release, reader.found):
                break
    else:
        if not is_latest(release):
            # Not where the listing said: the whole publication answers.
            reader.read(listing, known, mine)
    logger.info(
        "read %d of the %d listed page(s) of %s (%d page(s) listed in all)",
        len(reader.asked),
        len(mine),
        publication,
        len(listing.candidates),
    )
    # Where each page was seen, as the last listing read says.
    seen = listing.candidates
    found = [
        _carried_over(r, seen[r.base_path]) if r.base_path in seen else r for r in reader.found
    ]
    return assemble(
        found,
        listing,
        reader.unclassified,
        base_url,
        None,
        extra_notes=(f"only the {publication} pages this call needed were read",),
    )


class _Reader:
    """Reads a publication's pages, each once, keeping the releases and what matched none."""

    def __init__(
        self,
        client: Client,
        publication: str,
        workers: int,
        on_release: Callable[[Release], None] | None,
    ) -> None:
        self.client = client
        self.publication = publication
        self.workers = workers
        self.on_release = on_release
        self.found: list[Release] = []
        self.unclassified: list[str] = []
        self.asked: set[str] = set()

    def mine(self, listing: Listing) -> list[str]:
        """The listed pages of the publication, in listing order."""
        return [
            path
            for path, item in listing.candidates.items()
            if classify(path, item.title, group=item.group) == self.publication
        ]

    def read(self, listing: Listing, known: Mapping[str, Release], paths: Sequence[str]) -> None:
        """Read (or carry over from ``known``) the pages of ``paths`` not read yet."""
        new = [p for p in paths if p not in self.asked]
        self.asked.update(new)
        got, skipped = read_releases(
            self.client,
            listing,
            new,
            known,
            max_age=None,
            workers=self.workers,
            on_release=self.on_release,
        )
        self.found.extend(got)
        self.unclassified.extend(skipped)


class _Early:
    """Reads the publication's pages the collection lists while the Search API answers.

    The reader is touched only by this thread until :meth:`join`.
    """

    def __init__(self, reader: _Reader) -> None:
        self.reader = reader
        self.pool: ThreadPoolExecutor | None = None
        self.future: Future[None] | None = None

    def start(self, collection: Listing) -> None:
        """Start reading the publication's pages ``collection`` lists."""
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="hmcts-discover")
        self.future = self.pool.submit(
            carried(self.reader.read), collection, {}, self.reader.mine(collection)
        )

    def join(self, *, quiet: bool = False) -> None:
        """Wait for the reading; raise its error unless ``quiet``."""
        if self.pool is None or self.future is None:
            return
        try:
            error = self.future.exception()
        finally:
            self.pool.shutdown(wait=False)
        if error is not None and not quiet:
            raise error


def _first_list(publication: str) -> frozenset[Source]:
    """The one list likeliest to hold a publication's newest page.

    The collection for a publication whose pages belong to it (it lists a page when it is
    published; the Search API's index can lag), else the Search API.
    """
    entry = registry().publication.get(publication)
    return frozenset({"collection" if entry is not None and entry.in_collection else "search"})


def _read_newest(
    reader: _Reader, listing: Listing, known: Mapping[str, Release], mine: Sequence[str]
) -> None:
    """Read pages newest first until the newest current release is certain.

    Releases are ordered by period end, then first publication, then slug
    (:func:`sort_releases`). A page whose slug names its period has that period end (the
    slug is read first), so an unread page whose slug ends before the newest current release
    read so far cannot be newer; pages whose slug names no period are read at once.
    """
    by_end: dict[date, list[str]] = {}
    unplaced: list[str] = []
    for path in mine:
        if listing.candidates[path].listed_withdrawn:
            continue  # withdrawn pages are never the latest
        end = read_period(slug_of(path)).end
        if end is None:
            unplaced.append(path)
        else:
            by_end.setdefault(end, []).append(path)
    ends = sorted(by_end, reverse=True)
    reader.read(listing, known, [*unplaced, *(by_end[ends[0]] if ends else [])])
    for end in ends[1:]:
        newest = next((r for r in sort_releases(reader.found) if not r.is_withdrawn), None)
        if newest is not None and _anchor(newest) > end:
            return
        reader.read(listing, known, by_end[end])


def _anchor(release: Release) -> date:
    """The date :func:`sort_releases` orders ``release`` by first."""
    if release.period_end is not None:
        return release.period_end
    return release.first_published.date() if release.first_published else date.min


def _could_be(release: str | date | Release, mine: Sequence[str]) -> list[str]:
    """The listed pages that can be ``release``; every page when the listing cannot tell."""
    if isinstance(release, Release):
        return [p for p in mine if p == release.base_path]
    if isinstance(release, date):
        return list(mine)  # the newest release covering a day: any page may cover it
    text = release.strip()
    if _DAY_KEY.match(text):
        return list(mine)
    if _MONTH_KEY.match(text):
        out = []
        for path in mine:
            end = read_period(slug_of(path)).end
            if end is None or f"{end:%Y-%m}" == text:
                out.append(path)
        return out
    wanted = text.rstrip("/").rsplit("/", 1)[-1].lower()
    return [p for p in mine if slug_of(p).lower() == wanted]


def _finds(release: str | date | Release, found: Sequence[Release]) -> bool:
    """Whether the releases read answer ``release`` as the whole publication would."""
    if not found:
        return False
    from hmcts_data._catalogue._models import Publication

    pub = Publication(
        id=found[0].publication,
        title="",
        description="",
        frequency="",
        status="live",
        releases=sort_releases(found),
    )
    try:
        pub.release(release)
    except NotFoundError:
        return False
    return True


def _straight(
    client: Client,
    publication: str,
    release: str | date | Release,
    on_release: Callable[[Release], None] | None,
) -> Catalogue | None:
    """The release named by its page's address, read straight from that page; else ``None``.

    A :class:`Release` or a base path (or web address) names its page: one request instead of
    the listing. Anything else (a month, a slug, a date), a page that cannot be read as a
    release of ``publication``, or one GOV.UK does not have, goes through the listing.
    """
    from hmcts_data._catalogue._discover import _fetch_page, _release_from_page

    if isinstance(release, Release):
        path = release.base_path
    elif isinstance(release, str) and "/" in release.strip().rstrip("/"):
        text = release.strip()
        path = urlsplit(text).path if "://" in text else text.split("?", 1)[0]
        path = "/" + path.strip("/")
    else:
        return None
    try:
        url, page = _fetch_page(client, path, max_age=None)
    except (ParseError, OfflineError) as exc:
        logger.info("%s cannot be read straight (%s); looking in the listing", path, exc)
        return None
    except DownloadError as exc:
        if exc.status is None or exc.status >= 500 or exc.status == 429:
            raise  # the network or GOV.UK failing: the listing would fail alike
        logger.info("%s cannot be read straight (%s); looking in the listing", path, exc)
        return None
    got = _release_from_page(page, url, Candidate(page.base_path), client.settings.base_url)
    if got is None or got.publication != publication or not _finds(release, [got]):
        return None
    if on_release is not None:
        on_release(got)
    empty = Listing({}, 0, [], [])
    return assemble(
        [got],
        empty,
        [],
        client.settings.base_url,
        None,
        extra_notes=(f"only the {publication} page this call named was read",),
    )
