"""The shapes of the GOV.UK API responses discovery reads, and their validation.

Only the fields the catalogue uses are modelled; unknown fields are ignored (the Content API is
in beta and grows fields). A response that lacks a required field, or is a different kind of
page, raises :class:`~hmcts_data.ParseError` naming the URL, so discovery never builds a
catalogue from half-understood pages.
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from hmcts_data._errors import ParseError

__all__ = [
    "ApiAttachment",
    "CollectionPage",
    "ContentPage",
    "LinkedDocument",
    "SearchPage",
    "SearchResult",
    "first_problem",
    "validate_page",
]

#: Schemas GOV.UK uses for things that are not a content page (moved, removed, not yet
#: published); a release listed as one of these cannot be read.
NOT_CONTENT_SCHEMAS = frozenset(
    {"redirect", "gone", "vanish", "unpublishing", "document_collection"}
)


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
    public_timestamp: str


class ApiDetails(_Lenient):
    """The ``details`` of a release page."""

    body: str | None = None
    attachments: list[ApiAttachment] | None = None
    change_history: list[ApiChange] = []


class ApiWithdrawnNotice(_Lenient):
    """A ``withdrawn_notice``."""

    explanation: str | None = None
    withdrawn_at: str | None = None


class ContentPage(_Lenient):
    """A Content API page that may be a release."""

    base_path: str
    title: str
    schema_name: str
    document_type: str | None = None
    description: str | None = None
    content_id: str | None = None
    first_published_at: str | None = None
    public_updated_at: str | None = None
    withdrawn_notice: ApiWithdrawnNotice | None = None
    details: ApiDetails


class LinkedDocument(_Lenient):
    """One of a collection's ``links.documents``."""

    base_path: str
    title: str = ""
    content_id: str | None = None
    document_type: str | None = None
    public_updated_at: str | None = None
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
    public_timestamp: str | None = None


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
