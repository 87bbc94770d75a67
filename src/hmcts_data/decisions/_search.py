"""Typed search of one finder through the GOV.UK Search API.

Queries are built only from the Search API's documented parameters (anything else is answered
with HTTP 422): the finder's document type as ``filter_format``, facet values as
``filter_<key>=<slug>`` (repeated: any of them), dates as
``filter_<field>=from:YYYY-MM-DD,to:YYYY-MM-DD``. Whether the public Search API returns every
facet key in ``fields=`` is not known, so a refusal is answered by finding out which fields it
takes, and the others are left empty with a warning.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from hmcts_data._errors import ConfigurationError, DownloadError, OfflineError, ParseError
from hmcts_data._warn import warn
from hmcts_data.decisions._finders import Finder, finder, search_facts
from hmcts_data.decisions._models import Decision, Decisions, decision_from_result
from hmcts_data.decisions._rows import RowReader

if TYPE_CHECKING:
    from hmcts_data._client import Client

__all__ = [
    "CORE_FIELDS",
    "DateRange",
    "Query",
    "fetch_page",
    "first_page",
    "search",
]

logger = logging.getLogger("hmcts_data")

SEARCH_PATH = "/api/search.json"
#: Fields every Search API result can give [documented].
CORE_FIELDS: tuple[str, ...] = ("title", "link", "description", "public_timestamp")
#: Asked for too; whether the Search API returns it for these pages is not known.
_OPTIONAL_FIELDS: tuple[str, ...] = ("first_published_at",)
#: Date fields filtered with from:/to: ranges.
PUBLISHED = "public_timestamp"
DECIDED = "tribunal_decision_decision_date"

DateLike = date | datetime | str | None
DateRange = tuple[DateLike, DateLike]


def _iso_day(value: DateLike, what: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    try:
        return date.fromisoformat(text[:10]).isoformat()
    except ValueError:
        raise ConfigurationError(
            f"{what}: {value!r} is not a date. Give a date, a datetime or 'YYYY-MM-DD'."
        ) from None


def range_param(bounds: DateRange | None, what: str) -> str | None:
    """Return a Search API date filter (``from:...,to:...``) for ``(from, to)``, or ``None``.

    Either end may be ``None`` (open). Dates are UTC days; both ends are included.

    Example:
        >>> range_param(("2024-01-01", None), "decided")
        'from:2024-01-01'
    """
    if bounds is None:
        return None
    if isinstance(bounds, str | date) or len(bounds) != 2:
        raise ConfigurationError(f"{what} takes a pair (from, to); either may be None.")
    start, end = _iso_day(bounds[0], what), _iso_day(bounds[1], what)
    if start and end and start > end:
        raise ConfigurationError(f"{what}: the range starts ({start}) after it ends ({end}).")
    parts = [f"from:{start}"] if start else []
    parts += [f"to:{end}"] if end else []
    return ",".join(parts) or None


@dataclass(frozen=True)
class Query:
    """One Search API query on a finder, without paging (internal).

    Example:
        >>> from hmcts_data import decisions
        >>> q = Query(decisions.finder("employment-tribunal"), published="from:2024-01-01")
        >>> q.params(count=0)["filter_public_timestamp"]
        'from:2024-01-01'
    """

    finder: Finder
    text: str | None = None
    decided: str | None = None
    published: str | None = None
    filters: tuple[tuple[str, tuple[str, ...]], ...] = ()
    order: str = PUBLISHED

    def with_published(self, published: str | None) -> Query:
        """Return this query restricted to another publication range."""
        return Query(self.finder, self.text, self.decided, published, self.filters, self.order)

    def params(
        self, *, count: int, start: int = 0, fields: Sequence[str] = ()
    ) -> dict[str, str | int | Sequence[str]]:
        """Return the query parameters for one page."""
        facts = search_facts()
        params: dict[str, str | int | Sequence[str]] = {
            f"filter_{facts.type_filter}": self.finder.document_type,
            "count": count,
        }
        if start:
            params["start"] = start
        if count:
            params["order"] = self.order
            params["fields"] = list(fields)
        if self.text:
            params["q"] = self.text
        if self.published:
            params[f"filter_{PUBLISHED}"] = self.published
        if self.decided:
            params[f"filter_{DECIDED}"] = self.decided
        for key, slugs in self.filters:
            params[f"filter_{key}"] = list(slugs)
        return params


def build_query(
    target: Finder,
    text: str | None,
    *,
    decided: DateRange | None,
    published: DateRange | None,
    facets: Mapping[str, str | Sequence[str]],
    order: str | None = None,
) -> Query:
    """Check the arguments of :func:`search` against the finder and build the query."""
    filters: list[tuple[str, tuple[str, ...]]] = []
    for name, wanted in facets.items():
        facet = target.facet(name)
        if facet.type == "date":
            raise ConfigurationError(
                f"{name!r} is a date: filter it with decided=(from, to), not as a facet."
            )
        values = [wanted] if isinstance(wanted, str) else list(wanted)
        if not values:
            continue
        filters.append((facet.key, facet.check(values)))
    if text is not None and not text.strip():
        text = None
    return Query(
        target,
        text=text,
        decided=range_param(decided, "decided"),
        published=range_param(published, "published"),
        filters=tuple(filters),
        order=order or f"-{PUBLISHED}",
    )


@dataclass
class Page:
    """One page of results (internal)."""

    total: int
    results: list[Mapping[str, Any]]
    url: str
    aggregates: Mapping[str, Any] = field(default_factory=dict)
    #: The page as received (uncached fetches only): a harvest stores it as is.
    raw: bytes = b""


def read_page(payload: Any, url: str) -> Page:
    """Check a decoded Search API page and return it (results without a link dropped).

    Raises:
        ParseError: It is not a Search API page.
    """
    return _page(payload, url)


def _page(payload: Any, url: str) -> Page:
    if not isinstance(payload, Mapping):
        raise ParseError(
            f"{url} did not answer with a Search API page (a JSON object with results and "
            "total). GOV.UK may have changed the Search API; please report it.",
            file=url,
        )
    total = payload.get("total")
    results = payload.get("results")
    if not isinstance(total, int) or isinstance(total, bool) or total < 0:
        raise ParseError(
            f"{url} answered a Search API page without a valid total ({total!r}). GOV.UK may "
            "have changed the Search API; please report it.",
            file=url,
        )
    if not isinstance(results, list):
        raise ParseError(
            f"{url} answered a Search API page without a results list. GOV.UK may have "
            "changed the Search API; please report it.",
            file=url,
        )
    kept = [r for r in results if isinstance(r, Mapping) and isinstance(r.get("link"), str)]
    aggregates = payload.get("aggregates")
    return Page(total, kept, url, aggregates if isinstance(aggregates, Mapping) else {})


def fetch_page(
    client: Client, params: Mapping[str, str | int | Sequence[str]], *, cached: bool
) -> Page:
    """Fetch one Search API page: through the API cache (``cached``) or straight from GOV.UK.

    A harvest fetches uncached: its pages are stored as parts of the harvest, not one by one,
    and a stale page standing in for a failed one would hide a gap.

    Raises:
        OfflineError: Offline, and (cached) nothing is cached for the page.
        DownloadError: The request failed.
        ParseError: The answer is not a Search API page.
    """
    if cached:
        url = client.url_for(SEARCH_PATH, params)
        return _page(client.get_json(SEARCH_PATH, params=params), url)
    url, body = fetch_body(client, params)
    return parse_body(body, url)


def fetch_body(
    client: Client, params: Mapping[str, str | int | Sequence[str]]
) -> tuple[str, bytes]:
    """Fetch one Search API page straight from GOV.UK, unread: its URL and body.

    Raises:
        OfflineError: Offline.
        DownloadError: The request failed.
    """
    url = client.url_for(SEARCH_PATH, params)
    if client.settings.offline:
        raise OfflineError(
            f"Offline mode is on, so {url} cannot be fetched. Harvest once with the network "
            "(unset HMCTS_DATA_OFFLINE, drop --offline); harvest() offline returns the last "
            "harvest stored in the cache.",
            url=url,
        )
    from hmcts_data._client import _NotModified, _read_body

    limit = client.settings.max_json_size
    fetched = client._transport().get(
        url, headers={"Accept-Encoding": "gzip"}, consume=lambda r: _read_body(r, limit)
    )
    if isinstance(fetched, _NotModified):  # pragma: no cover - nothing conditional was sent
        raise DownloadError(f"{url} answered 304 to an unconditional request.", url=url)
    return url, fetched.body


def parse_body(body: bytes, url: str) -> Page:
    """Read a Search API page fetched by :func:`fetch_body` (kept as received in ``raw``).

    Raises:
        ParseError: The answer is not a Search API page.
    """
    try:
        payload = json.loads(body)
    except ValueError as exc:
        raise ParseError(
            f"{url} did not return valid JSON ({exc}). GOV.UK may be showing an error page; "
            "try again later.",
            file=url,
        ) from None
    page = _page(payload, url)
    page.raw = body
    return page


def wanted_fields(target: Finder) -> tuple[str, ...]:
    """Every field a decision row is read from: the core fields and the finder's facet keys."""
    return CORE_FIELDS + _OPTIONAL_FIELDS + tuple(f.key for f in target.facets)


def first_page(
    client: Client, query: Query, *, count: int, cached: bool
) -> tuple[Page, tuple[str, ...]]:
    """Fetch a query's first page with every wanted field the Search API returns.

    One request when it takes them all (the usual case). When it refuses them (HTTP 422),
    the core fields are tried, then each other field alone, and the refused ones are left out
    (a few requests, once per search or harvest).

    Returns:
        The first page and the fields it was asked with.

    Raises:
        DownloadError: Even the core fields are refused, or the requests fail.
    """
    wanted = wanted_fields(query.finder)
    try:
        return fetch_page(client, query.params(count=count, fields=wanted), cached=cached), wanted
    except DownloadError as exc:
        if exc.status != 422:
            raise
    logger.info("the Search API refused fields=%s; finding which it takes", ",".join(wanted))
    usable = list(CORE_FIELDS)
    for extra in wanted[len(CORE_FIELDS) :]:
        try:
            fetch_page(client, query.params(count=1, fields=[*CORE_FIELDS, extra]), cached=cached)
        except DownloadError as exc:
            if exc.status != 422:
                raise
            continue
        usable.append(extra)
    fields = tuple(usable)
    return fetch_page(client, query.params(count=count, fields=fields), cached=cached), fields


def missing_attributes(target: Finder, fields: Sequence[str]) -> tuple[str, ...]:
    """The decision attributes left empty because their facet key was not a usable field."""
    return tuple(f.field for f in target.facets if f.key not in fields)


def warn_missing(target: Finder, missing: Sequence[str]) -> None:
    """Warn that some columns are empty because the Search API would not return them."""
    if missing:
        warn(
            f"The Search API would not return {', '.join(missing)} for {target.id!r} "
            "decisions, so those columns are empty. decisions.decision(link) reads them from "
            "a decision's own page.",
            UserWarning,
            stacklevel=4,
        )


def search(
    finder_id: str | Finder,
    text: str | None = None,
    *,
    decided: DateRange | None = None,
    published: DateRange | None = None,
    limit: int | None = 100,
    order: str | None = None,
    client: Client | None = None,
    **facets: str | Sequence[str],
) -> Decisions:
    """Search one finder's decisions: free text, decision and publication dates, facets.

    Pages are fetched through the API cache (served from it for ``api_max_age``, offline
    from whatever is cached). For a whole finder use :func:`harvest`, which splits the work so
    the Search API never pages too deep.

    Args:
        finder_id: A finder id, slug, base path or document type (see :func:`finders`).
        text: Free text, as in the finder's search box.
        decided: ``(from, to)`` decision dates (dates or ``"YYYY-MM-DD"``; either ``None``).
        published: ``(from, to)`` publication or update dates on GOV.UK.
        limit: Most decisions returned (``None``: all that match, up to the paging bound).
        order: A Search API ordering such as ``"-public_timestamp"`` (the default, newest
            first) or ``"tribunal_decision_decision_date"``.
        client: The client to use; ``None`` shares the default client.
        **facets: Facet filters by attribute name (``categories``, ``sub_categories``,
            ``country``, ``judges``, ``landmark``) or GOV.UK key: a slug, a label or a list
            of them (any of them matches).

    Returns:
        The decisions found (``.total`` says how many matched on GOV.UK; ``.to_frame()``).

    Raises:
        NotFoundError: Unknown finder.
        ConfigurationError: An unknown facet, a value the facet does not allow (the message
            names the nearest allowed ones), a bad date, or ``limit=None`` on more matches
            than one query may page through.
        OfflineError: Offline and the pages are not cached.
        DownloadError: The Search API failed.
        ParseError: The Search API answered something else than a results page.

    Example:
        >>> from hmcts_data import decisions
        >>> found = decisions.search(  # doctest: +SKIP
        ...     "employment-tribunal", categories="unfair-dismissal",
        ...     decided=("2024-01-01", "2024-12-31"), limit=50)
        >>> found.total, found[0].title  # doctest: +SKIP
    """
    target = finder(finder_id)
    query = build_query(
        target, text, decided=decided, published=published, facets=facets, order=order
    )
    if limit is not None and limit < 0:
        raise ConfigurationError(f"limit must be 0 or more, not {limit}.")
    from hmcts_data._client import using_client

    facts = search_facts()
    with using_client(client) as active:
        size = facts.max_page_size if limit is None else min(limit, facts.max_page_size)
        first, fields = first_page(active, query, count=size, cached=True)
        missing = missing_attributes(target, fields)
        wanted = first.total if limit is None else min(limit, first.total)
        if wanted > facts.depth_bound:
            raise ConfigurationError(
                f"{first.total} {target.id} decisions match; one query may page through "
                f"{facts.depth_bound} at most. Narrow the search (dates, facets), give a "
                "limit, or use decisions.harvest() for all of them."
            )
        seen: dict[str, Decision] = {}
        reader = RowReader(target)
        page = first
        start = 0
        while True:
            for result in page.results:
                found = decision_from_result(result, target, reader)
                seen.setdefault(found.link, found)
            start += size
            if len(seen) >= wanted or not page.results or start >= wanted or size == 0:
                break
            try:
                page = fetch_page(
                    active, query.params(count=size, start=start, fields=fields), cached=True
                )
            except DownloadError as exc:
                if exc.status is None or exc.status == 404:
                    raise
                raise ConfigurationError(
                    f"The Search API would not page past result {start} of the {first.total} "
                    f"{target.id} decisions that match (HTTP {exc.status}). Narrow the search "
                    "(dates, facets), give a limit, or use decisions.harvest() for all of them."
                ) from exc
        warn_missing(target, missing)
        return Decisions(target, list(seen.values())[:wanted], first.total, missing)
