"""The shapes of the GOV.UK API responses discovery reads, and their validation.

Only the fields the catalogue uses are modelled; unknown fields are ignored (the Content API is
in beta and grows fields). A response that lacks a required field, or is a different kind of
page, raises :class:`~hmcts_data.ParseError` naming the URL, so discovery never builds a
catalogue from half-understood pages.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from hmcts_data._errors import ParseError

if TYPE_CHECKING:
    from hmcts_data._client import Client

__all__ = [
    "ApiAttachment",
    "CollectionPage",
    "ContentPage",
    "LinkedDocument",
    "SearchPage",
    "SearchResult",
    "first_problem",
    "get_page",
    "validate_page",
]

#: Schemas GOV.UK uses for things that are not a content page (moved, removed, not yet
#: published); a release listed as one of these cannot be read.
NOT_CONTENT_SCHEMAS = frozenset(
    {"redirect", "gone", "vanish", "unpublishing", "document_collection"}
)


#: Years a GOV.UK timestamp can fall in; anything else is not a publication date (and year 1
#: or 9999 with a +-14:00 offset cannot even be converted to UTC).
EARLIEST_YEAR = 1970
LATEST_YEAR = 2200


def check_timestamp(value: Any) -> Any:
    """Raise ``ValueError`` unless ``value`` is an ISO 8601 timestamp in a sane range.

    Blank text and non-text are passed on (the field's own type decides). A timestamp
    without an offset is read as UTC, as discovery reads it.

    Example:
        >>> check_timestamp("2025-05-08T09:30:00+01:00")
        '2025-05-08T09:30:00+01:00'
        >>> check_timestamp("9999-12-31T23:59:59-14:00")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        ValueError: timestamp '9999-12-31T23:59:59-14:00' is outside the years 1970-2200
    """
    if not isinstance(value, str) or not value.strip():
        return value
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"not an ISO 8601 timestamp: {value[:40]!r}") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    try:
        year = parsed.astimezone(UTC).year
    except OverflowError:
        year = parsed.year
    if not EARLIEST_YEAR <= year <= LATEST_YEAR or not EARLIEST_YEAR <= parsed.year <= LATEST_YEAR:
        raise ValueError(
            f"timestamp {value[:40]!r} is outside the years {EARLIEST_YEAR}-{LATEST_YEAR}"
        )
    return value


def _listed_timestamp(value: Any) -> Any:
    # A listing's update time only says whether to re-read a page: one that cannot be read
    # counts as unknown (the page is read, and says it properly).
    try:
        return check_timestamp(value)
    except ValueError:
        return None


#: A page's own timestamp: refused (the page with it) when unreadable or absurd.
Timestamp = Annotated[str, BeforeValidator(check_timestamp)]
#: A timestamp in a listing (collection or search result): unknown when unreadable or absurd.
ListedTimestamp = Annotated[str | None, BeforeValidator(_listed_timestamp)]


class _Lenient(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class ApiAttachment(_Lenient):
    """One entry of ``details.attachments``."""

    attachment_type: str = "file"
    url: str
    title: str | None = None
    content_type: str | None = None
    filename: str | None = None
    file_size: int | None = Field(default=None, ge=0)
    accessible: bool | None = None


class ApiChange(_Lenient):
    """One entry of ``details.change_history``."""

    note: str
    public_timestamp: Timestamp


class ApiDetails(_Lenient):
    """The ``details`` of a release page."""

    body: str | None = None
    attachments: list[ApiAttachment] | None = None
    change_history: list[ApiChange] = []


class ApiWithdrawnNotice(_Lenient):
    """A ``withdrawn_notice``."""

    explanation: str | None = None
    withdrawn_at: Timestamp | None = None


class ContentPage(_Lenient):
    """A Content API page that may be a release."""

    base_path: str
    title: str
    schema_name: str
    document_type: str | None = None
    description: str | None = None
    content_id: str | None = None
    first_published_at: Timestamp | None = None
    public_updated_at: Timestamp | None = None
    withdrawn_notice: ApiWithdrawnNotice | None = None
    details: ApiDetails


class LinkedDocument(_Lenient):
    """One of a collection's ``links.documents``."""

    base_path: str
    title: str = ""
    content_id: str | None = None
    document_type: str | None = None
    public_updated_at: ListedTimestamp = None
    withdrawn: bool | None = None


class CollectionGroup(_Lenient):
    """One of ``details.collection_groups``."""

    title: str = ""
    documents: list[str] = []


class CollectionDetails(_Lenient):
    """The ``details`` of a collection page."""

    collection_groups: list[CollectionGroup] = []


class CollectionLinks(_Lenient):
    """The ``links`` of a collection page."""

    documents: list[LinkedDocument] = []


class CollectionPage(_Lenient):
    """The ``document_collection`` page listing the releases."""

    base_path: str
    title: str
    schema_name: str
    details: CollectionDetails = CollectionDetails()
    links: CollectionLinks = CollectionLinks()


class SearchResult(_Lenient):
    """One Search API result."""

    link: str
    title: str = ""
    description: str | None = None
    public_timestamp: ListedTimestamp = None


class SearchPage(_Lenient):
    """One page of Search API results."""

    results: list[SearchResult]
    total: int = Field(ge=0)
    start: int = 0


_M = TypeVar("_M", bound=BaseModel)


def first_problem(exc: ValidationError) -> tuple[str, str]:
    """Return where the first validation problem is (dotted path) and what it is.

    Example:
        >>> try:
        ...     SearchPage.model_validate({"results": [], "total": "many"})
        ... except ValidationError as exc:
        ...     first_problem(exc)[0]
        'total'
    """
    first = exc.errors()[0]
    return ".".join(str(p) for p in first["loc"]) or "(top level)", first["msg"]


def validate_page(model: type[_M], payload: Any, url: str, what: str) -> _M:
    """Validate an API response, or raise ParseError naming the URL and the first problem.

    Args:
        model: The expected shape.
        payload: The decoded JSON.
        url: Where it came from.
        what: What the page should be, for the message ("a document collection").

    Returns:
        The validated model.

    Raises:
        ParseError: The payload does not have the expected shape.

    Example:
        >>> validate_page(SearchPage, {"results": [], "total": 0}, "u", "search").total
        0
    """
    try:
        return model.model_validate(payload)
    except ValidationError as exc:
        where, msg = first_problem(exc)
        raise ParseError(
            f"{url} is not {what} in the shape hmcts-data expects: {msg} at {where} "
            f"({exc.error_count()} problem(s)). GOV.UK may have changed its API; please report "
            "it. Meanwhile hmcts_data.catalogue(offline=True) uses the embedded snapshot.",
            file=url,
        ) from None


def get_page(
    client: Client,
    model: type[_M],
    path: str,
    url: str,
    what: str,
    *,
    params: Mapping[str, str | int | Sequence[str]] | None = None,
    max_age: float | None = None,
) -> _M:
    """Fetch an API page through the client's cache and validate it as ``model``.

    The page is validated before it is cached: one that fails is never stored, and a cached
    copy that fails is fetched again (see :meth:`Client.get_checked_json`).

    Args:
        client: The client.
        model: The expected shape.
        path: The API path (or URL) to fetch.
        url: The URL to name in errors.
        what: What the page should be, for the message.
        params: Query parameters.
        max_age: Seconds a cached copy is used without revalidation.

    Returns:
        The validated page.

    Raises:
        ParseError: Not JSON, nested too deep, or not of the expected shape.

    Example:
        >>> get_page(client, SearchPage, "/api/search.json", url, "search")  # doctest: +SKIP
    """
    return client.get_checked_json(
        path,
        lambda payload: validate_page(model, payload, url, what),
        params=params,
        max_age=max_age,
    )


def expect_schema(page: ContentPage | CollectionPage, allowed: frozenset[str], url: str) -> None:
    """Raise ParseError unless ``page.schema_name`` is one of ``allowed``.

    Raises:
        ParseError: A page of another kind (a release page where the collection should be).
    """
    if page.schema_name not in allowed:
        raise ParseError(
            f"{url} is a {page.schema_name!r} page, not one of {sorted(allowed)}. GOV.UK may "
            "have moved or replaced it; please report it. Meanwhile "
            "hmcts_data.catalogue(offline=True) uses the embedded snapshot.",
            file=url,
        )


def expect_content(page: ContentPage, url: str) -> None:
    """Raise ParseError when a release page is a redirect, a removed page or a placeholder.

    Any other schema (``statistical_data_set``, ``publication``, a guide ...) is read: the user
    guide and ad hoc releases are not necessarily statistical data sets.

    Raises:
        ParseError: The page is not content that can be read.
    """
    if page.schema_name in NOT_CONTENT_SCHEMAS or page.schema_name.startswith("placeholder"):
        raise ParseError(
            f"{url} is a {page.schema_name!r} item, not a content page with attachments. "
            "GOV.UK may have moved or removed it; please report it. Meanwhile "
            "hmcts_data.catalogue(offline=True) uses the embedded snapshot.",
            file=url,
        )
