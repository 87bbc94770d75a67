"""One decision's Content API page: its metadata, body and attachments, and its PDF."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict

from hmcts_data._catalogue._models import Attachment
from hmcts_data._errors import NotFoundError, ParseError
from hmcts_data.decisions._finders import finder_for_link, finders
from hmcts_data.decisions._models import Decision, decision_from_result

if TYPE_CHECKING:
    from hmcts_data._client import Client, ProgressCallback

__all__ = ["DecisionPage", "decision"]


class DecisionPage(BaseModel):
    """A decision's page on GOV.UK: its metadata, body and attached files.

    Attributes:
        decision: The decision's metadata, read from the page (every facet the finder has,
            whatever the Search API returns).
        body: The page body (HTML, as GOV.UK serves it).
        attachments: The attached files (usually one PDF, the decision itself).
        content_id: GOV.UK's id of the page.
        metadata: The page's ``details.metadata`` as published (facet keys to values).

    Example:
        >>> from hmcts_data import decisions
        >>> page = decisions.decision("/employment-tribunal-decisions/x")  # doctest: +SKIP
        >>> page.decision.decision_date, page.pdf()  # doctest: +SKIP
    """

    model_config = ConfigDict(frozen=True, extra="ignore", arbitrary_types_allowed=True)

    decision: Decision
    body: str = ""
    attachments: tuple[Attachment, ...] = ()
    content_id: str | None = None
    metadata: dict[str, Any] = {}

    @property
    def text(self) -> str:
        """The body as plain text."""
        from hmcts_data._catalogue._body import html_to_text

        return html_to_text(self.body)

    def pdf(
        self,
        *,
        progress: ProgressCallback | bool | None = None,
        client: Client | None = None,
    ) -> Path:
        """Download the decision's PDF into the cache (or reuse it) and return its path.

        Through :func:`hmcts_data.download`: retries, the size GOV.UK states, the ``%PDF-``
        signature and the cache's integrity checks all apply.

        Args:
            progress: ``True``, a callable ``(bytes, total)``, or ``None``.
            client: The client to use; ``None`` shares the default client.

        Returns:
            The path of the cached PDF (do not modify it).

        Raises:
            NotFoundError: The page has no PDF attachment.
            OfflineError: Offline and the PDF is not cached.
            DownloadError: The download failed.
            IntegrityError: What came is not a PDF, or not the size stated.

        Example:
            >>> path = page.pdf()  # doctest: +SKIP
        """
        pdfs = [
            a
            for a in self.attachments
            if a.url
            and (
                a.content_type == "application/pdf" or urlsplit(a.url).path.lower().endswith(".pdf")
            )
        ]
        if not pdfs or pdfs[0].url is None:
            raise NotFoundError(
                "PDF attachment of the decision",
                self.decision.link,
                [a.name for a in self.attachments],
            )
        from hmcts_data._client import using_client

        with using_client(client) as active:
            return active.download(
                pdfs[0].url, expected_size=pdfs[0].size, expect="pdf", progress=progress
            ).path


def _path_of(link: str) -> str:
    parts = urlsplit(link.strip())
    path = parts.path if parts.scheme else link.strip().split("?", 1)[0]
    path = path.removeprefix("/api/content")
    return path if path.startswith("/") else "/" + path


def decision(link: str, *, client: Client | None = None) -> DecisionPage:
    """Read one decision's page from the Content API (through the cache).

    Args:
        link: The decision's link (``"/employment-tribunal-decisions/<slug>"``), its GOV.UK
            URL, or its Content API URL.
        client: The client to use; ``None`` shares the default client.

    Returns:
        The page: metadata as a :class:`Decision`, body and attachments; ``.pdf()`` fetches
        the decision itself.

    Raises:
        NotFoundError: The link is not under one of the six finders.
        OfflineError: Offline and the page is not cached.
        DownloadError: The page could not be fetched (404 when it was withdrawn).
        ParseError: The page is not a decision page.

    Example:
        >>> from hmcts_data import decisions
        >>> page = decisions.decision(  # doctest: +SKIP
        ...     "/employment-tribunal-decisions/mr-a-v-b-ltd-1234567-2024")
        >>> page.decision.categories, page.attachments[0].url  # doctest: +SKIP
    """
    from hmcts_data._catalogue._discover import _attachments
    from hmcts_data._catalogue._pages import ContentPage, expect_content, validate_page
    from hmcts_data._client import using_client

    path = _path_of(link)
    target = finder_for_link(path)
    if target is None:
        known = [f.base_path + "/..." for f in finders()]
        raise NotFoundError("decision link (not under a decisions finder)", link, known)
    with using_client(client) as active:
        url = "/api/content" + path
        payload = active.get_json(url)
        where = active.url_for(url)
        page = validate_page(ContentPage, payload, where, "a decision page")
        expect_content(page, where)
        if page.document_type not in {None, target.document_type}:
            raise ParseError(
                f"{where} is a {page.document_type!r} page, not a {target.document_type!r} "
                "decision. Check the link.",
                file=where,
            )
        details = payload.get("details") or {}
        metadata = details.get("metadata") if isinstance(details, dict) else None
        metadata = metadata if isinstance(metadata, dict) else {}
        found = decision_from_result(
            {
                **metadata,
                "link": page.base_path,
                "title": page.title,
                "description": page.description,
                "first_published_at": page.first_published_at,
                "public_updated_at": page.public_updated_at,
            },
            target,
        )
        return DecisionPage(
            decision=found,
            body=page.details.body or "",
            attachments=_attachments(page, active.settings.base_url),
            content_id=page.content_id,
            metadata=metadata,
        )
