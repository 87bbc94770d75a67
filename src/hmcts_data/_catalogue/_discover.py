"""Live discovery of the catalogue from GOV.UK's Content and Search APIs.

Two lists of pages are read and cross-checked, because each can miss pages the other has:

1. the collection ``/api/content/government/collections/hmcts-management-information``
   (``links.documents``, grouped by ``details.collection_groups``);
2. the Search API ``/api/search.json``, filtered to HMCTS statistical data sets and paged with
   ``count``/``start`` until ``total`` (results de-duplicated by ``link``).

Then every page that belongs to a publication is read from ``/api/content/<base_path>``, or,
when an earlier discovery is trusted (an *incremental* refresh), only the pages that are new or
whose update time in the collection (``links.documents[].public_updated_at``; the Search API's
``public_timestamp`` for pages only it lists) moved since: the rest are carried over from the
earlier discovery. A full revalidation reads every page; it runs when asked for and whenever the
earlier discovery cannot be trusted (see :func:`incremental_reason`). All requests go through
:class:`~hmcts_data.Client` (cached, revalidated, rate-limited, retried).
Any page that cannot be understood raises :class:`~hmcts_data.ParseError` naming its URL: the
caller gets a whole catalogue or an error, never half a one.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal, TypeVar, cast
from urllib.parse import urljoin

from hmcts_data._cancel import SLICE, Cancel, check_cancelled
from hmcts_data._catalogue._body import body_links, html_to_text, parse_size_label
from hmcts_data._catalogue._classify import classify, read_period, slug_of
from hmcts_data._catalogue._formats import filename_from_url, format_of
from hmcts_data._catalogue._ids import catalogue_ids
from hmcts_data._catalogue._models import (
    Attachment,
    Catalogue,
    Change,
    Publication,
    Release,
    Withdrawal,
    sort_releases,
)
from hmcts_data._catalogue._pages import (
    ApiAttachment,
    CollectionPage,
    ContentPage,
    SearchPage,
    SearchResult,
    expect_content,
    expect_schema,
    get_page,
)
from hmcts_data._errors import ParseError
from hmcts_data._registry import registry
from hmcts_data._warn import carried

if TYPE_CHECKING:
    from hmcts_data._client import Client

__all__ = [
    "BOTH",
    "FULL_REVALIDATION_AGE",
    "SEARCH_PAGE_SIZE",
    "SEARCH_PARAMS",
    "Candidate",
    "Listing",
    "assemble",
    "collection_api_path",
    "discover",
    "incremental_reason",
    "list_pages",
    "read_releases",
    "trusted_releases",
]

logger = logging.getLogger("hmcts_data")

SEARCH_PATH = "/api/search.json"
#: The Search API's maximum page size: one request covers every HMCTS data set today.
SEARCH_PAGE_SIZE = 1500
#: Fixed Search API parameters, all from its documented list (anything else gets HTTP 422).
SEARCH_PARAMS: dict[str, str | list[str]] = {
    "filter_organisations": "hm-courts-and-tribunals-service",
    "filter_content_store_document_type": "statistical_data_set",
    "fields": ["title", "link", "description", "public_timestamp", "document_collections"],
    "order": "-public_timestamp",
}
# Guards against a Search API whose ``total`` never stops growing.
_MAX_SEARCH_PAGES = 50
#: Concurrent page requests; the client's rate limiter still caps the request rate.
DEFAULT_WORKERS = 4
#: An incremental refresh trusts update times only this long after the last full
#: revalidation: GOV.UK's minor edits (a replaced file without a change note) do not move
#: ``public_updated_at``, so every page is re-read now and then.
FULL_REVALIDATION_AGE = timedelta(days=7)
# Listed and page timestamps are the same instant written differently; allow rounding.
_SAME_TIME = timedelta(seconds=1)

_T = TypeVar("_T")
#: The two lists of pages: the collection and the Search API.
Source = Literal["collection", "search"]
BOTH: frozenset[Source] = frozenset({"collection", "search"})


def collection_api_path() -> str:
    """The Content API path of the HMCTS management information collection.

    Example:
        >>> collection_api_path()
        '/api/content/government/collections/hmcts-management-information'
    """
    return "/api/content" + registry().collection_path


@dataclass
class Candidate:
    """A page the collection or the Search API lists, with what the listing says about it."""

    base_path: str
    title: str = ""
    group: str | None = None
    found_in: set[Source] = field(default_factory=set)
    listed_withdrawn: bool = False
    # What the listing says about the page's last major update (collection first).
    listed_updated: str | None = None


@dataclass
class Listing:
    """The collection and the Search API read together: every page either lists."""

    candidates: dict[str, Candidate]
    ignored_search: int
    only_collection: list[str]
    only_search: list[str]


def discover(
    client: Client,
    *,
    refresh: bool = False,
    previous: Catalogue | None = None,
    search_page_size: int = SEARCH_PAGE_SIZE,
    workers: int = DEFAULT_WORKERS,
) -> Catalogue:
    """Discover the catalogue from GOV.UK now (through the client's cache).

    With ``previous`` (an earlier live discovery from the same base URL), the refresh is
    incremental: the collection and the Search API are read, and only the release pages that
    are new or whose update time moved are fetched; the others are carried over. It falls back
    to reading every page when ``previous`` cannot be trusted (:func:`incremental_reason`).

    Args:
        client: The client; its cache answers fresh pages without a request.
        refresh: Revalidate every page read with GOV.UK (conditional requests) even if fresh.
        previous: The last discovery, for an incremental refresh; ``None`` reads every page.
        search_page_size: Search API page size (``count``); the maximum by default.
        workers: Release pages fetched concurrently (the rate limit still applies).

    Returns:
        The catalogue, ``source == "live"``.

    Raises:
        ParseError: A page is not JSON or not of the expected shape (names the URL).
        DownloadError: GOV.UK could not be reached or refused a request.
        OfflineError: The client is offline and a page is not cached.

    Example:
        >>> with hmcts_data.Client() as client:  # doctest: +SKIP
        ...     cat = discover(client)
        ...     again = discover(client, refresh=True, previous=cat)  # only what changed
    """
    max_age = 0.0 if refresh else None
    base_url = client.settings.base_url
    listing = list_pages(client, max_age=max_age, page_size=search_page_size)
    known = trusted_releases(previous, listing, base_url)
    # Only pages that belong to a publication are read; the rest are listed, not fetched.
    paths: list[str] = []
    unclassified: list[str] = []
    for path, item in listing.candidates.items():
        if classify(path, item.title, group=item.group) is None:
            unclassified.append(path)
        else:
            paths.append(path)
    releases, skipped = read_releases(
        client, listing, paths, known, max_age=max_age, workers=workers
    )
    revalidated_at = previous.revalidated_at if known and previous else datetime.now(UTC)
    return assemble(releases, listing, [*unclassified, *skipped], base_url, revalidated_at)


def trusted_releases(
    previous: Catalogue | None, listing: Listing, base_url: str
) -> dict[str, Release]:
    """The releases of ``previous`` by base path, when it can be trusted for carrying over.

    Empty when there is no earlier discovery or it cannot be trusted
    (:func:`incremental_reason`, logged): every page is then read.
    """
    if previous is None:
        return {}
    reason = incremental_reason(previous, listing, base_url)
    if reason is not None:
        logger.info("full revalidation of the catalogue: %s", reason)
        return {}
    return {r.base_path: r for r in previous.releases}


def read_releases(
    client: Client,
    listing: Listing,
    paths: Sequence[str],
    known: Mapping[str, Release],
    *,
    max_age: float | None,
    workers: int = DEFAULT_WORKERS,
    on_release: Callable[[Release], None] | None = None,
) -> tuple[list[Release], list[str]]:
    """The releases of the listed ``paths``: carried over from ``known``, else read.

    A page the listing says has not moved since ``known`` read it is carried over without a
    request; the others are read from the Content API, a few at once (a page known to have
    moved is revalidated even if its cached copy is fresh).

    Args:
        client: The client.
        listing: The listing the paths come from.
        paths: Base paths of listed pages that belong to a publication.
        known: Releases of a trusted earlier discovery, by base path.
        max_age: Passed to :meth:`Client.get_json` for pages not known to have moved.
        workers: Pages read at once.
        on_release: Called with each release as soon as it is known (from a worker thread
            for pages read concurrently), so downloads can start before the last page is in.

    Returns:
        The releases (carried over first, then read, each in ``paths`` order) and the paths
        whose page turned out to match no publication.

    Raises:
        ParseError: A page is not of the expected shape (names its URL).
        DownloadError: A page could not be had.
        OfflineError: The client is offline and a page is not cached.
    """
    base_url = client.settings.base_url
    releases: list[Release] = []
    to_read: list[str] = []
    for path in paths:
        kept = known.get(path)
        if kept is not None and not _moved(listing.candidates[path], kept):
            releases.append(_carried_over(kept, listing.candidates[path]))
        else:
            to_read.append(path)
    if known:
        logger.info(
            "incremental refresh: %d new or updated page(s) to read, %d carried over",
            len(to_read),
            len(releases),
        )
    if on_release is not None:
        for release in releases:
            on_release(release)

    def read(path: str) -> Release | str:
        url, page = _fetch_page(client, path, max_age=0.0 if path in known else max_age)
        release = _release_from_page(page, url, listing.candidates[path], base_url)
        if release is None:
            logger.info("page %s matches no publication; skipped", page.base_path)
            return page.base_path
        if on_release is not None:
            on_release(release)
        return release

    skipped: list[str] = []
    for got in _fetch_all(read, to_read, workers=workers):
        if isinstance(got, str):
            skipped.append(got)
        else:
            releases.append(got)
    return releases, skipped


def incremental_reason(previous: Catalogue, listing: Listing, base_url: str) -> str | None:
    """Why ``previous`` cannot be trusted for an incremental refresh, or ``None`` if it can.

    Not trusted: a snapshot or a discovery from another base URL; one whose last full
    revalidation is unknown or older than :data:`FULL_REVALIDATION_AGE`; a collection that
    states no update times; a collection that no longer lists most of the pages it listed
    before (a collection rebuilt or moved, whose update times say nothing about the pages).

    Example:
        >>> from hmcts_data._catalogue._snapshot import load_snapshot
        >>> incremental_reason(load_snapshot(), Listing({}, 0, [], []), "https://www.gov.uk")
        'the earlier catalogue is the embedded snapshot, not a discovery'
    """
    if previous.source == "snapshot":
        return "the earlier catalogue is the embedded snapshot, not a discovery"
    if previous.base_url.rstrip("/") != base_url.rstrip("/"):
        return f"the earlier discovery was made from {previous.base_url}"
    if previous.revalidated_at is None:
        return "the earlier discovery does not say when every page was last read"
    age = datetime.now(UTC) - previous.revalidated_at
    if age > FULL_REVALIDATION_AGE or age < -_SAME_TIME:
        return f"every page was last read {age.days} day(s) ago"
    in_collection = [c for c in listing.candidates.values() if "collection" in c.found_in]
    if in_collection and all(c.listed_updated is None for c in in_collection):
        return "the collection states no update times"
    before = {r.base_path for r in previous.releases if "collection" in r.found_in}
    lost = before.difference(c.base_path for c in in_collection)
    if before and len(lost) * 2 > len(before):
        return f"the collection no longer lists {len(lost)} of its {len(before)} earlier pages"
    return None


def _moved(candidate: Candidate, kept: Release) -> bool:
    """Whether the listing says a page changed since ``kept`` was read from it."""
    if candidate.listed_updated is None or kept.last_updated is None:
        return True
    try:
        listed = _required_timestamp(candidate.listed_updated, candidate.base_path)
    except ParseError:
        return True  # unreadable in the listing: read the page, which says it properly
    if abs(listed - kept.last_updated) > _SAME_TIME:
        return True
    if candidate.listed_withdrawn != kept.is_withdrawn:
        return True
    return bool(candidate.title) and candidate.title != kept.title


def _carried_over(kept: Release, candidate: Candidate) -> Release:
    """``kept`` with what the listing (not the page) says about it brought up to date."""
    update: dict[str, object] = {"found_in": tuple(sorted(candidate.found_in))}
    if candidate.group != kept.group:
        update["group"] = candidate.group
    return kept.model_copy(update=update)


def list_pages(
    client: Client,
    *,
    max_age: float | None,
    page_size: int,
    sources: frozenset[Source] = BOTH,
    on_collection: Callable[[Listing], None] | None = None,
) -> Listing:
    """The pages the collection and the Search API list (or only one of them, when asked).

    With one source the listing says nothing about pages the other one lacks
    (``only_collection`` and ``only_search`` stay empty). ``on_collection`` is called with
    the collection's listing as soon as it is read, while the Search API may still be
    answering (with both sources only).

    Raises:
        ParseError: A listing page is not of the expected shape (names its URL).
        DownloadError: GOV.UK could not be reached or refused a request.
        OfflineError: The client is offline and a listing page is not cached.
    """
    collection: CollectionPage | None = None
    results: list[SearchResult] = []
    if sources == BOTH:
        from hmcts_data._http import on_slot

        # The Search API does not depend on the collection: asking both at once saves one
        # round trip on every discovery (the rate limiter still spaces the requests). The
        # collection takes the first slot: its answer is the one pages can be read from at
        # once (``on_collection``), so a search that won the race would delay every page by
        # one slot.
        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="hmcts-discover")
        cancel = Cancel()
        ahead = threading.Event()
        searched = pool.submit(
            carried(cancel.run),
            _after,
            ahead,
            _search,
            client,
            max_age=max_age,
            page_size=page_size,
        )
        try:
            with on_slot(ahead.set):
                collection = _collection(client, max_age=max_age)
            ahead.set()  # answered from the cache: nothing to go after
            if on_collection is not None:
                on_collection(_merged(collection, [], both=False))
            results = searched.result()
        finally:
            # A collection that failed (or Ctrl-C) is the error to report, at once: a search
            # still running is stopped, not waited for (the cache only ever keeps whole pages).
            searched.cancel()
            cancel.cancel()
            ahead.set()
            pool.shutdown(wait=False)
    elif "collection" in sources:
        collection = _collection(client, max_age=max_age)
    else:
        results = _search(client, max_age=max_age, page_size=page_size)
    return _merged(collection, results, both=sources == BOTH)


def _after(ahead: threading.Event, call: Callable[..., _T], *args: Any, **kwargs: Any) -> _T:
    """``call(*args, **kwargs)`` once ``ahead`` is set (unless cancelled meanwhile)."""
    while not ahead.wait(SLICE):
        check_cancelled()
    check_cancelled()  # the request it waited for failed: nothing more is asked
    return call(*args, **kwargs)


def _merged(
    collection: CollectionPage | None, results: list[SearchResult], *, both: bool
) -> Listing:
    if collection is None:
        collection = CollectionPage(base_path="", title="", schema_name="document_collection")
    groups = {
        content_id: group.title
        for group in collection.details.collection_groups
        for content_id in group.documents
    }
    candidates: dict[str, Candidate] = {}
    for doc in collection.links.documents:
        item = candidates.setdefault(doc.base_path, Candidate(doc.base_path))
        item.title = item.title or doc.title
        item.group = groups.get(doc.content_id or "")
        item.found_in.add("collection")
        item.listed_withdrawn = bool(doc.withdrawn)
        item.listed_updated = doc.public_updated_at
    ignored = 0
    for result in results:
        known = candidates.get(result.link)
        if known is None and classify(result.link, result.title) is None:
            ignored += 1  # another HMCTS data set, not part of this catalogue
            continue
        if known is None:
            known = candidates[result.link] = Candidate(result.link, result.title)
            known.listed_updated = result.public_timestamp
        known.found_in.add("search")
    if not both:
        return Listing(candidates, ignored, [], [])
    only_collection = [p for p, c in candidates.items() if c.found_in == {"collection"}]
    only_search = [p for p, c in candidates.items() if c.found_in == {"search"}]
    return Listing(candidates, ignored, only_collection, only_search)


def _collection(client: Client, *, max_age: float | None) -> CollectionPage:
    url = collection_api_path()
    collection = get_page(
        client,
        CollectionPage,
        url,
        _absolute(client, url),
        "a GOV.UK document collection",
        max_age=max_age,
    )
    expect_schema(collection, frozenset({"document_collection"}), _absolute(client, url))
    return collection


def _search(client: Client, *, max_age: float | None, page_size: int) -> list[SearchResult]:
    found: dict[str, SearchResult] = {}
    start = 0
    for _ in range(_MAX_SEARCH_PAGES):
        params: dict[str, str | int | Sequence[str]] = {
            **SEARCH_PARAMS,
            "count": page_size,
            "start": start,
        }
        page = get_page(
            client,
            SearchPage,
            SEARCH_PATH,
            f"{_absolute(client, SEARCH_PATH)}?start={start}&count={page_size}",
            "a Search API result page",
            params=params,
            max_age=max_age,
        )
        for result in page.results:
            found.setdefault(result.link, result)  # a page may repeat a result when total moves
        start += page_size
        if not page.results or start >= page.total:
            break
    else:
        logger.warning(
            "Search API still reported more results after %d pages; stopped there",
            _MAX_SEARCH_PAGES,
        )
    return list(found.values())


def _fetch_page(
    client: Client, base_path: str, *, max_age: float | None
) -> tuple[str, ContentPage]:
    path = "/api/content" + base_path
    url = _absolute(client, path)
    page = get_page(client, ContentPage, path, url, "a GOV.UK content page", max_age=max_age)
    expect_content(page, url)
    return url, page


def _fetch_all(fetch: Callable[[str], _T], paths: Sequence[str], *, workers: int) -> list[_T]:
    """Run ``fetch`` over ``paths`` in a small thread pool; the first error cancels the rest."""
    if workers <= 1 or len(paths) <= 1:
        return [fetch(p) for p in paths]
    cancel = Cancel()
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="hmcts-discover") as pool:
        futures: list[Future[_T]] = [pool.submit(carried(cancel.run), fetch, p) for p in paths]
        try:
            return [f.result() for f in futures]
        except BaseException:
            # The pages not started are not, and those being read stop at once (an error,
            # or Ctrl-C: waiting for them would take up to their deadline).
            for f in futures:
                f.cancel()
            cancel.cancel()
            raise


def _release_from_page(
    page: ContentPage, url: str, candidate: Candidate, base_url: str
) -> Release | None:
    publication = classify(page.base_path, page.title, group=candidate.group)
    if publication is None:
        return None
    slug = slug_of(page.base_path)
    period = read_period(slug, page.title, page.description)
    withdrawn = None
    if page.withdrawn_notice is not None:
        withdrawn = Withdrawal(
            explanation=html_to_text(page.withdrawn_notice.explanation or "")
            or "Withdrawn (GOV.UK gives no explanation).",
            withdrawn_at=_timestamp(page.withdrawn_notice.withdrawn_at, url),
        )
    elif candidate.listed_withdrawn:
        withdrawn = Withdrawal(explanation="Listed as withdrawn in the collection.")
    changes = [
        Change(note=c.note, public_timestamp=_required_timestamp(c.public_timestamp, url))
        for c in page.details.change_history
    ]
    changes.sort(key=lambda c: c.public_timestamp, reverse=True)
    return Release(
        publication=publication,
        slug=slug,
        base_path=page.base_path,
        url=base_url + page.base_path,
        title=page.title,
        description=page.description,
        content_id=page.content_id,
        group=candidate.group,
        period_start=period.start,
        period_end=period.end,
        period_precision=period.precision,
        period_note=period.note,
        first_published=_timestamp(page.first_published_at, url),
        last_updated=_timestamp(page.public_updated_at, url),
        change_history=tuple(changes),
        withdrawn=withdrawn,
        attachments=_attachments(page, base_url),
        found_in=tuple(sorted(candidate.found_in)),
    )


def _attachments(page: ContentPage, base_url: str) -> tuple[Attachment, ...]:
    if page.details.attachments:
        return tuple(_from_api(a, base_url) for a in page.details.attachments)
    return tuple(
        Attachment(
            title=link.title or None,
            url=link.url,
            filename=filename_from_url(link.url),
            size=parse_size_label(link.size_label),
            format=format_of(None, link.url, link.type_label),
            type_label=link.type_label,
            from_body_fallback=True,
        )
        for link in body_links(page.details.body or "", base_url)
    )


def _from_api(item: ApiAttachment, base_url: str) -> Attachment:
    url = urljoin(base_url + "/", item.url)
    kind: Literal["file", "html", "external"] = "external"
    if item.attachment_type in {"file", "html"}:
        kind = cast(Literal["file", "html"], item.attachment_type)
    elif item.attachment_type != "external":
        logger.info("attachment type %r not known; treated as external", item.attachment_type)
    filename = item.filename or (filename_from_url(url) if kind == "file" else None)
    return Attachment(
        title=item.title,
        url=url,
        filename=filename,
        content_type=item.content_type,
        size=item.file_size,
        format=format_of(item.content_type, filename or url)
        if kind == "file"
        else format_of(None, None),
        accessible=item.accessible,
        attachment_type=kind,
    )


def assemble(
    releases: Iterable[Release],
    listing: Listing,
    unclassified: list[str],
    base_url: str,
    revalidated_at: datetime | None,
    *,
    extra_notes: Sequence[str] = (),
) -> Catalogue:
    """The catalogue of ``releases``: every publication, with what the listing noticed."""
    facts = registry()
    by_id: dict[str, list[Release]] = {pid: [] for pid in catalogue_ids()}
    for release in releases:
        by_id[release.publication].append(release)
    collection_url = base_url + facts.collection_path
    publications = []
    for pid in catalogue_ids():
        fact = facts.publication[pid]
        found = by_id[pid]
        in_collection = fact.in_collection or any("collection" in r.found_in for r in found)
        publications.append(
            Publication(
                id=pid,
                title=fact.title,
                description=fact.description,
                kind=fact.kind,
                frequency=fact.frequency,
                status=fact.status,
                collection_url=collection_url if in_collection else None,
                about_url=facts.about_url,
                licence=facts.licence,
                licence_url=facts.licence_url,
                releases=sort_releases(found),
                note=fact.note,
            )
        )
    notes = list(extra_notes)
    if listing.only_collection:
        notes.append(
            f"{len(listing.only_collection)} page(s) in the collection were not returned by "
            f"the Search API (its index can lag): {_few(listing.only_collection)}"
        )
    if listing.only_search:
        notes.append(
            f"{len(listing.only_search)} page(s) found by the Search API are not listed in "
            f"the collection: {_few(listing.only_search)}"
        )
    if unclassified:
        notes.append(
            f"{len(unclassified)} page(s) match no known publication and were left out: "
            f"{_few(unclassified)}"
        )
    if listing.ignored_search:
        notes.append(
            f"{listing.ignored_search} other HMCTS statistical data set(s) from the Search API "
            "are not part of this catalogue"
        )
    return Catalogue(
        publications=tuple(publications),
        generated_at=datetime.now(UTC),
        source="live",
        base_url=base_url,
        notes=tuple(notes),
        unclassified=tuple(unclassified),
        revalidated_at=revalidated_at,
    )


def _few(paths: Sequence[str], n: int = 5) -> str:
    shown = ", ".join(slug_of(p) for p in paths[:n])
    return shown + (f" and {len(paths) - n} more" if len(paths) > n else "")


def _absolute(client: Client, path: str) -> str:
    return path if "://" in path else client.settings.base_url + path


def _timestamp(value: str | None, url: str) -> datetime | None:
    if value is None or not value.strip():
        return None
    return _required_timestamp(value, url)


def _required_timestamp(value: str, url: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        raise ParseError(
            f"{url} has a timestamp hmcts-data cannot read: {value!r}. GOV.UK may have "
            "changed its format; please report it.",
            file=url,
        ) from None
    if parsed.tzinfo is None:
        logger.debug("timestamp %r on %s has no offset; read as UTC", value, url)
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)
