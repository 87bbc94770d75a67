"""A realistic, SYNTHETIC GOV.UK site for the HMCTS catalogue, served by :class:`FakeGovUK`.

:func:`build_site` populates a fake server with the HMCTS management information collection,
several dozen release pages across every publication (monthly, weekly COVID-19, remote
hearings, reformed services, an ad hoc release and the user guide), their attachments, and
Search API results that page. It reproduces what discovery has to cope with on the real site:

* pages with ``details.attachments`` and old pages whose files are only links in
  ``details.body`` (block and inline attachment markup, relative legacy upload URLs);
* a withdrawn page (with ``withdrawn_notice``, flagged ``withdrawn`` in the collection);
* a page whose period cannot be read (the ad hoc release names a day but no year);
* a page only in the Search API (the ad hoc release), a page only in the collection (the
  newest monthly release: the search index lags), pages that are not statistical data sets
  (the user guide), and other HMCTS data sets the catalogue must ignore;
* timestamps in the several ISO 8601 forms GOV.UK mixes.

Every title and description says SYNTHETIC unless the caller supplies its own (see
:func:`hmcts_data.testing.build_embedded_site`), and no real figure is served. Attachments get
small synthetic bodies; pass ``files=`` to serve your own (for example synthetic monthly CSVs)
per release.

Example:
    >>> from hmcts_data.testing import FakeGovUK, build_site
    >>> with FakeGovUK() as fake:
    ...     site = build_site(fake, monthly=12)
    ...     len(site.pages_of("monthly"))
    12
"""

from __future__ import annotations

import calendar
import hashlib
import io
import uuid
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any, Final

from hmcts_data._registry import registry
from hmcts_data.testing._server import FakeGovUK

__all__ = [
    "COLLECTION_PATH",
    "FilesHook",
    "Site",
    "SiteFile",
    "SitePage",
    "SiteRelease",
    "build_site",
    "default_files",
]

#: The HMCTS MI collection's base path (from the publication registry).
COLLECTION_PATH: Final = registry().collection_path
_SDS = "/government/statistical-data-sets/"
_HMCTS = {"slug": "hm-courts-and-tribunals-service", "title": "HM Courts & Tribunals Service"}
_NAMESPACE = uuid.UUID("6b1d7c1e-0000-4000-8000-5e57a7e5c0de")

MIME_CSV = "text/csv"
MIME_ODS = "application/vnd.oasis.opendocument.spreadsheet"
MIME_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MIME_PDF = "application/pdf"

#: A publication id of the registry (``publications.toml``).
Publication = str


@dataclass(frozen=True)
class SiteFile:
    """One attachment to serve.

    Attributes:
        filename: File name as published.
        body: The bytes served.
        content_type: MIME type (also reported in ``details.attachments``).
        title: Attachment title (a SYNTHETIC one by default).
        accessible: What ``details.attachments[].accessible`` says.
    """

    filename: str
    body: bytes
    content_type: str
    title: str | None = None
    accessible: bool | None = True


@dataclass(frozen=True)
class SiteRelease:
    """What a :data:`FilesHook` is told about a release before its files exist.

    Attributes:
        publication: Publication id.
        slug: Page slug.
        title: Page title.
        latest_month: First day of the latest data month, or ``None`` when the page has none.
        first_month: First day of the first data month, where the page states one.
    """

    publication: Publication
    slug: str
    title: str
    latest_month: date | None
    first_month: date | None


#: ``files=`` hook: return the files to attach to a release, or ``None`` for the defaults.
FilesHook = Callable[[SiteRelease], Sequence[SiteFile] | None]


@dataclass(frozen=True)
class SitePage:
    """One page put on the fake site, with what discovery should make of it.

    Attributes:
        release: The release facts (publication, slug, months).
        base_path: Its base path.
        description: Its description.
        files: Its attachments.
        file_urls: Absolute URLs the files are served at, in order.
        body_fallback: Files are linked only from ``details.body``.
        withdrawn: The page carries a withdrawal notice.
        in_collection: Listed in the collection's ``links.documents``.
        in_search: Returned by the Search API.
        first_published: When the page says it was first published.
    """

    release: SiteRelease
    base_path: str
    description: str
    files: tuple[SiteFile, ...]
    file_urls: tuple[str, ...]
    body_fallback: bool
    withdrawn: bool
    in_collection: bool
    in_search: bool
    first_published: datetime

    @property
    def publication(self) -> Publication:
        """Publication id."""
        return self.release.publication

    @property
    def slug(self) -> str:
        """Page slug."""
        return self.release.slug


@dataclass(frozen=True)
class Site:
    """What :func:`build_site` put on the server.

    Attributes:
        base_url: The fake server's base URL.
        pages: Every catalogue page (release pages and the user guide), newest monthly first.
        ignored_search_links: Search results that belong to no publication (other HMCTS data
            sets), which discovery must skip without fetching.
        unclassified_paths: Collection entries that belong to no publication (their pages are
            not served: discovery must list them without fetching).
    """

    base_url: str
    pages: tuple[SitePage, ...]
    ignored_search_links: tuple[str, ...] = field(default=())
    unclassified_paths: tuple[str, ...] = field(default=())
    _builder: _Builder | None = field(default=None, repr=False, compare=False)

    def pages_of(self, publication: str) -> tuple[SitePage, ...]:
        """The pages of one publication."""
        return tuple(p for p in self.pages if p.publication == publication)

    def page(self, slug: str) -> SitePage:
        """The page with this slug.

        Raises:
            KeyError: No such page.
        """
        for item in self.pages:
            if item.slug == slug:
                return item
        raise KeyError(slug)

    @property
    def content_paths(self) -> tuple[str, ...]:
        """The Content API path of every page discovery should read."""
        return tuple("/api/content" + p.base_path for p in self.pages)

    def publish_monthly(
        self,
        month: date | None = None,
        *,
        at: datetime | None = None,
        in_search: bool = True,
        title: str | None = None,
        description: str | None = None,
        body_fallback: bool = False,
    ) -> Site:
        """Publish one more monthly release on the running site, as GOV.UK would.

        The page is served, listed in the collection (with its update time) and, unless
        ``in_search`` is false, added to the Search API results.

        Args:
            month: Its latest data month; the month after the newest monthly release by
                default.
            at: When it is first published (timezone-aware); by default the second Thursday
                two months after ``month``, 9:30 in London.
            in_search: Whether the search index has it yet.
            title: The page title; a SYNTHETIC one naming the month by default.
            description: The page description; a SYNTHETIC one by default.
            body_fallback: Link the files from ``details.body`` only (as old pages do),
                at legacy upload URLs.

        Returns:
            The site with the new page first.

        Example:
            >>> with FakeGovUK() as fake:
            ...     site = build_site(fake, monthly=2).publish_monthly()
            ...     site.pages[0].slug
            'hmcts-management-information-may-2025'
        """
        builder = self._require_builder()
        if month is None:
            newest = max(
                (p.release.latest_month for p in self.pages_of("monthly")),
                key=lambda m: m or date.min,
                default=None,
            )
            month = _add_months(newest or date(2025, 4, 1), 1)
        builder.monthly(
            month,
            body_fallback=body_fallback,
            withdrawn=False,
            in_search=in_search,
            at=at,
            title=title,
            description=description,
        )
        builder.publish_collection()
        return replace(self, pages=(builder.pages[-1], *self.pages))

    def update_in_place(
        self,
        slug: str,
        *,
        at: datetime,
        note: str = "SYNTHETIC: figures revised.",
        files: Sequence[SiteFile] | None = None,
    ) -> Site:
        """Update a published page in place: a new change note, a later update time.

        The page's ``public_updated_at`` and ``change_history`` move to ``at``, and so does its
        entry in the collection (the Search API index keeps the old time: it lags).

        Args:
            slug: The page to update.
            at: When it is updated (timezone-aware).
            note: The change note.
            files: New attachments to serve instead (same names are served at the same
                URLs with new bodies); ``None`` keeps them.

        Returns:
            The site, with the page's files replaced when ``files`` is given.

        Raises:
            KeyError: No page has this slug.

        Example:
            >>> from datetime import UTC, datetime
            >>> with FakeGovUK() as fake:
            ...     site = build_site(fake, monthly=2)
            ...     when = datetime(2025, 6, 20, 9, 30, tzinfo=UTC)
            ...     page = site.update_in_place(site.pages[0].slug, at=when).pages[0]
            ...     page.slug == site.pages[0].slug
            True
        """
        builder = self._require_builder()
        page = self.page(slug)
        new_page = builder.update(page, at=at, note=note, files=files)
        builder.publish_collection()
        return replace(self, pages=tuple(new_page if p.slug == slug else p for p in self.pages))

    def _require_builder(self) -> _Builder:
        if self._builder is None:
            raise RuntimeError("this Site was not made by build_site(); it cannot be changed")
        return self._builder


def build_site(
    fake: FakeGovUK,
    *,
    monthly: int = 48,
    last_month: date = date(2025, 4, 1),
    body_fallback_before: date = date(2022, 1, 1),
    files: FilesHook | None = None,
) -> Site:
    """Populate ``fake`` with a SYNTHETIC HMCTS management information site.

    Args:
        fake: The server to populate (started or not).
        monthly: How many monthly releases, ending at ``last_month``.
        last_month: Latest data month of the newest monthly release.
        body_fallback_before: Monthly releases whose latest month is before this have no
            ``details.attachments``; their files are linked from the body only.
        files: Supplies each release's files; ``None`` (or a hook returning ``None``) uses
            :func:`default_files`.

    Returns:
        A description of everything served, for assertions.

    Example:
        >>> with FakeGovUK() as fake:
        ...     site = build_site(fake, monthly=3)
        ...     sorted({p.publication for p in site.pages})[:2]
        ['ad-hoc', 'monthly']
    """
    builder = _Builder(fake, files or (lambda _: None))
    months = [_add_months(last_month, -i) for i in range(monthly)]
    withdrawn_month = months[len(months) // 2] if len(months) >= 3 else None
    for i, month in enumerate(months):
        builder.monthly(
            month,
            body_fallback=month < body_fallback_before,
            withdrawn=month == withdrawn_month,
            in_search=i != 0,  # the newest page is not in the search index yet
        )
    for start, end, withdrawn in _WEEKLY_RANGES:
        builder.weekly(start, end, withdrawn=withdrawn)
    month = date(2020, 4, 1)
    while month <= date(2021, 5, 1):
        builder.remote(month)
        month = _add_months(month, 1)
    for month in (date(2023, 9, 1), date(2024, 3, 1), date(2024, 9, 1), date(2024, 12, 1)):
        builder.reformed(month)
    builder.ad_hoc()
    builder.user_guide()
    # Monthly pages have their own maker even when none is asked for (monthly=0: the caller
    # publishes its own, as build_embedded_site does); no example page stands in for them.
    made = {page.release.publication for page in builder.pages} | {"monthly"}
    for entry in registry().publication.values():
        if entry.id not in made and entry.pages is not None and entry.pages.example:
            builder.example(entry.id, entry.pages.example, entry.title)
    builder.ignored()
    builder.unclassified()
    builder.publish_collection()
    return Site(
        fake.base_url,
        tuple(builder.pages),
        tuple(builder.ignored_links),
        tuple(builder.unclassified_paths),
        builder,
    )


def default_files(release: SiteRelease) -> list[SiteFile]:
    """The small SYNTHETIC files a release gets when no hook supplies its own.

    Monthly: a CSV (old-style ``raw_data`` name before 2022, the accessible name after) plus an
    ODS tables workbook from 2022; weekly COVID-19 and remote hearings: an ODS; reformed
    services: an ODS; the ad hoc release: an XLSX; the user guide: a PDF.

    Example:
        >>> r = SiteRelease("monthly", "s", "t", date(2025, 4, 1), date(2024, 4, 1))
        >>> [f.filename for f in default_files(r)]
        ['HMCTS_MI_output_accessible.csv', 'HMCTS_MI_tables_April_2025.ods']
    """
    month = release.latest_month
    label = month.strftime("%B %Y") if month else "undated"
    stamp = month.strftime("%Y-%m") if month else "undated"
    if release.publication == "monthly" and month is not None:
        csv = f"SYNTHETIC test file for {release.slug}\r\nMonth,Value\r\n{stamp},1\r\n".encode()
        first = release.first_month or month
        if month < date(2022, 1, 1):
            name = f"HMCTS_raw_data_for_{first:%b%y}_to_{month:%b%y}.csv"
            return [SiteFile(name, csv, MIME_CSV, f"SYNTHETIC raw data for {label}", None)]
        return [
            SiteFile(
                "HMCTS_MI_output_accessible.csv",
                csv,
                MIME_CSV,
                f"SYNTHETIC HMCTS management information: {label} (CSV)",
            ),
            SiteFile(
                f"HMCTS_MI_tables_{month:%B_%Y}.ods",
                _zip_body(MIME_ODS, release.slug),
                MIME_ODS,
                f"SYNTHETIC HMCTS management information tables: {label}",
            ),
        ]
    if release.publication == "user-guide":
        body = b"%PDF-1.4\n% SYNTHETIC user guide, not the real one\n%%EOF\n"
        return [
            SiteFile("HMCTS_MI_user_guide.pdf", body, MIME_PDF, "SYNTHETIC user guide (PDF)", False)
        ]
    if release.publication == "ad-hoc":
        return [
            SiteFile(
                "HMCTS_adhoc_magistrates_public_disorder.xlsx",
                _zip_body(MIME_XLSX, release.slug),
                MIME_XLSX,
                "SYNTHETIC ad hoc management information (XLSX)",
            )
        ]
    name = f"{release.slug.replace('-', '_')}.ods"
    return [
        SiteFile(name, _zip_body(MIME_ODS, release.slug), MIME_ODS, f"SYNTHETIC tables: {label}")
    ]


# -- internals ---------------------------------------------------------------------------------

_WEEKLY_RANGES: tuple[tuple[date, date, bool], ...] = (
    (date(2020, 3, 1), date(2020, 5, 1), True),  # superseded by the next page: withdrawn
    (date(2020, 3, 1), date(2020, 7, 1), False),
    (date(2020, 3, 1), date(2020, 10, 1), False),
    (date(2020, 3, 1), date(2021, 1, 1), False),
    (date(2020, 3, 1), date(2021, 4, 1), False),
    (date(2020, 3, 1), date(2021, 6, 1), False),
)


def _add_months(month: date, n: int) -> date:
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def _zip_body(mimetype: str, slug: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", mimetype)
        archive.writestr("SYNTHETIC.txt", f"SYNTHETIC placeholder workbook for {slug}\n")
    return buffer.getvalue()


def _second_thursday(year: int, month: int) -> date:
    first = date(year, month, 1)
    offset = (3 - first.weekday()) % 7
    return first + timedelta(days=offset + 7)


def _published(month: date | None, fallback: date) -> datetime:
    """Second Thursday two months after the data month, 9:30 in London (BST Apr-Oct)."""
    if month is None:
        day = fallback
    else:
        target = _add_months(month, 2)
        day = _second_thursday(target.year, target.month)
    offset = timezone(timedelta(hours=1 if 4 <= day.month <= 10 else 0))
    return datetime(day.year, day.month, day.day, 9, 30, tzinfo=offset)


def _stamp(moment: datetime, style: int) -> str:
    """Format as one of the ISO 8601 variants GOV.UK mixes in one response."""
    if style % 3 == 0:
        return moment.isoformat(timespec="milliseconds")
    if style % 3 == 1:
        return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return moment.isoformat(timespec="seconds")


def _month_end(month: date) -> date:
    return date(month.year, month.month, calendar.monthrange(month.year, month.month)[1])


class _Builder:
    def __init__(self, fake: FakeGovUK, hook: FilesHook) -> None:
        self.fake = fake
        self.hook = hook
        self.pages: list[SitePage] = []
        self.documents: list[dict[str, Any]] = []
        self.groups: dict[str, list[str]] = {}
        self.ignored_links: list[str] = []
        self.unclassified_paths: list[str] = []
        self.payloads: dict[str, dict[str, Any]] = {}
        self._counter = 0

    # -- publications ----------------------------------------------------------------------

    def monthly(
        self,
        month: date,
        *,
        body_fallback: bool,
        withdrawn: bool,
        in_search: bool,
        at: datetime | None = None,
        title: str | None = None,
        description: str | None = None,
    ) -> None:
        first = _add_months(month, -12)
        name = month.strftime("%B %Y")
        slug = f"hmcts-management-information-{month:%B-%Y}".lower()
        if description is None:
            description = (
                "SYNTHETIC test page, not real data: national workload volumes and timeliness, "
                f"{first:%B %Y} to {name}."
            )
        if title is None:
            title = f"SYNTHETIC HMCTS management information - {name}"
        self.add(
            SiteRelease("monthly", slug, title, month, first),
            description,
            group="Monthly management information (SYNTHETIC)",
            body_fallback=body_fallback,
            withdrawn=withdrawn,
            in_search=in_search,
            at=at,
        )

    def weekly(self, start: date, end: date, *, withdrawn: bool) -> None:
        if start.year == end.year:
            span = f"{start:%B}-to-{end:%B-%Y}"
            words = f"{start:%B} to {end:%B %Y}"
        else:
            span = f"{start:%B-%Y}-to-{end:%B-%Y}"
            words = f"{start:%B %Y} to {end:%B %Y}"
        slug = f"hmcts-weekly-management-information-during-coronavirus-{span}".lower()
        self.add(
            SiteRelease(
                "weekly-covid",
                slug,
                f"SYNTHETIC HMCTS weekly management information during coronavirus - {words}",
                end,
                start,
            ),
            f"SYNTHETIC test page: weekly figures up to {_month_end(end):%d %B %Y}.",
            group="Weekly management information during coronavirus (SYNTHETIC)",
            withdrawn=withdrawn,
        )

    def remote(self, month: date) -> None:
        slug = f"hmcts-weekly-use-of-remote-hearing-technologies-{month:%B-%Y}".lower()
        self.add(
            SiteRelease(
                "remote-hearings",
                slug,
                f"SYNTHETIC Weekly use of remote hearing technologies in HMCTS - {month:%B %Y}",
                month,
                None,
            ),
            "SYNTHETIC test page: hearings by audio, video, paper and in person, by week.",
            group="Remote hearings (SYNTHETIC)",
        )

    def reformed(self, month: date) -> None:
        slug = f"hmcts-management-information-reformed-services-{month:%B-%Y}".lower()
        self.add(
            SiteRelease(
                "reformed-services",
                slug,
                f"SYNTHETIC HMCTS management information – reformed services {month:%B %Y}",
                month,
                None,
            ),
            "SYNTHETIC test page: digital uptake, applications and user satisfaction.",
            group="Reformed services (SYNTHETIC)",
        )

    def ad_hoc(self) -> None:
        slug = "hmcts-ad-hoc-management-information-magistrates-courts-public-disorder"
        self.add(
            SiteRelease(
                "ad-hoc",
                slug,
                "SYNTHETIC Ad hoc management information release – magistrates' courts "
                "after the public disorder starting on 30 July",
                None,
                None,
            ),
            "SYNTHETIC test page: activity in magistrates' courts after the disorder.",
            group=None,
            in_collection=False,  # only the Search API knows it
            published=date(2024, 8, 22),
        )

    def user_guide(self) -> None:
        self.add(
            SiteRelease(
                "user-guide",
                "user-guide-to-hmcts-management-information",
                "SYNTHETIC User guide to HMCTS management information",
                None,
                None,
            ),
            "SYNTHETIC test page: definitions and caveats.",
            group="Guidance (SYNTHETIC)",
            base="/government/publications/",
            schema="publication",
            in_search=False,  # not a statistical data set
            published=date(2021, 3, 11),
        )

    def example(self, publication: str, slug: str, title: str) -> None:
        # A registry publication without a page maker of its own: one page at its example
        # slug, its period read from the slug as discovery reads it.
        from hmcts_data._catalogue._classify import read_period

        period = read_period(slug, title)
        end = period.end.replace(day=1) if period.end else None
        start = period.start.replace(day=1) if period.start else None
        self.add(
            SiteRelease(publication, slug, f"SYNTHETIC {title}", end, start),
            f"SYNTHETIC test page of the {publication} publication.",
            group=f"{title} (SYNTHETIC)",
        )

    def ignored(self) -> None:
        for n, slug in enumerate(("hmcts-court-estate-synthetic", "hmcts-jury-summons-synthetic")):
            link = _SDS + slug
            self.ignored_links.append(link)
            self.fake.add_search_result(
                {
                    "title": f"SYNTHETIC other HMCTS data set {n + 1}",
                    "link": link,
                    "description": "SYNTHETIC: not part of the management information.",
                    "public_timestamp": f"2024-0{n + 1}-01T09:30:00.000+00:00",
                    "content_store_document_type": "statistical_data_set",
                    "organisations": [_HMCTS],
                    "document_collections": [],
                }
            )
        # Another department's data set: the organisation filter must keep it out.
        self.fake.add_search_result(
            {
                "title": "SYNTHETIC HMCTS management information - April 2025 (other department)",
                "link": _SDS + "other-department-management-information-april-2025",
                "public_timestamp": "2025-06-12T09:30:00.000+01:00",
                "content_store_document_type": "statistical_data_set",
                "organisations": [{"slug": "ministry-of-justice"}],
                "document_collections": [],
            }
        )

    def unclassified(self) -> None:
        # Listed in the collection but part of no publication; its page is deliberately absent.
        base_path = "/guidance/hmcts-management-information-background-synthetic"
        self.unclassified_paths.append(base_path)
        content_id = str(uuid.uuid5(_NAMESPACE, base_path))
        self.documents.append(
            {
                "content_id": content_id,
                "title": "SYNTHETIC background note on the management information",
                "base_path": base_path,
                "api_path": "/api/content" + base_path,
                "document_type": "detailed_guide",
                "schema_name": "detailed_guide",
                "locale": "en",
                "public_updated_at": "2023-01-05T10:00:00Z",
                "withdrawn": False,
            }
        )
        self.groups.setdefault("Guidance (SYNTHETIC)", []).append(content_id)

    # -- pages -----------------------------------------------------------------------------

    def add(
        self,
        release: SiteRelease,
        description: str,
        *,
        group: str | None,
        body_fallback: bool = False,
        withdrawn: bool = False,
        in_search: bool = True,
        in_collection: bool = True,
        base: str = _SDS,
        schema: str = "statistical_data_set",
        published: date | None = None,
        at: datetime | None = None,
    ) -> None:
        self._counter += 1
        n = self._counter
        base_path = base + release.slug
        content_id = str(uuid.uuid5(_NAMESPACE, base_path))
        files = tuple(self.hook(release) or default_files(release))
        urls = tuple(self._serve_file(base_path, f, legacy=body_fallback) for f in files)
        first = at or _published(release.latest_month, published or date(2020, 1, 1))
        updated = first + timedelta(days=7) if n % 5 == 0 and at is None else first
        changes = [{"note": "First published.", "public_timestamp": _stamp(first, n)}]
        if updated != first:
            changes.append(
                {"note": "SYNTHETIC: corrected figures.", "public_timestamp": _stamp(updated, n)}
            )
        details: dict[str, Any] = {
            "political": False,
            "change_history": changes,
            "body": self._body(description, files, urls, body_fallback, n),
        }
        if not body_fallback:
            details["attachments"] = [
                {
                    "attachment_type": "file",
                    "id": str(9_000_000 + n * 10 + i),
                    "title": f.title,
                    "content_type": f.content_type,
                    "filename": f.filename,
                    "file_size": len(f.body),
                    "accessible": f.accessible,
                    "url": url,
                }
                for i, (f, url) in enumerate(zip(files, urls, strict=True))
            ]
        page: dict[str, Any] = {
            "base_path": base_path,
            "content_id": content_id,
            "document_type": "statistical_data_set"
            if schema == "statistical_data_set"
            else "guidance",
            "schema_name": schema,
            "title": release.title,
            "description": description,
            "locale": "en",
            "first_published_at": _stamp(first, n + 1),
            "public_updated_at": _stamp(updated, n + 2),
            "updated_at": _stamp(updated + timedelta(minutes=1), n),
            "publishing_app": "whitehall",
            "rendering_app": "government-frontend",
            "details": details,
            "links": {
                "organisations": [
                    {
                        "content_id": "6f757605-ab8f-4b62-84e4-99f79cf085c2",
                        "title": _HMCTS["title"],
                        "locale": "en",
                        "base_path": "/government/organisations/" + _HMCTS["slug"],
                        "api_path": "/api/content/government/organisations/" + _HMCTS["slug"],
                        "document_type": "organisation",
                    }
                ],
                "document_collections": [self._collection_link()] if in_collection else [],
            },
        }
        if withdrawn:
            page["withdrawn_notice"] = {
                "explanation": '<div class="govspeak"><p>SYNTHETIC: this page was replaced '
                "by a corrected page.</p></div>",
                "withdrawn_at": _stamp(updated + timedelta(days=30), n),
            }
        self.fake.add_json("/api/content" + base_path, page)
        self.payloads[base_path] = page
        if in_collection:
            self.documents.append(
                {
                    "content_id": content_id,
                    "title": release.title,
                    "base_path": base_path,
                    "api_path": "/api/content" + base_path,
                    "document_type": page["document_type"],
                    "schema_name": schema,
                    "locale": "en",
                    "public_updated_at": page["public_updated_at"],
                    "withdrawn": withdrawn,
                }
            )
            if group is not None:
                self.groups.setdefault(group, []).append(content_id)
        if in_search:
            self.fake.add_search_result(
                {
                    "title": release.title,
                    "link": base_path,
                    "description": description,
                    "public_timestamp": page["public_updated_at"],
                    "content_store_document_type": schema,
                    "organisations": [_HMCTS],
                    "document_collections": [self._collection_link()] if in_collection else [],
                }
            )
        self.pages.append(
            SitePage(
                release=release,
                base_path=base_path,
                description=description,
                files=files,
                file_urls=urls,
                body_fallback=body_fallback,
                withdrawn=withdrawn,
                in_collection=in_collection,
                in_search=in_search,
                first_published=first,
            )
        )

    def update(
        self,
        page: SitePage,
        *,
        at: datetime,
        note: str,
        files: Sequence[SiteFile] | None,
    ) -> SitePage:
        payload = self.payloads[page.base_path]
        stamp = _stamp(at, 0)
        payload["public_updated_at"] = stamp
        payload["updated_at"] = _stamp(at + timedelta(minutes=1), 0)
        payload["details"]["change_history"].append({"note": note, "public_timestamp": stamp})
        new_files, urls = page.files, page.file_urls
        if files is not None:
            new_files = tuple(files)
            urls = tuple(
                self._serve_file(page.base_path, f, legacy=page.body_fallback) for f in new_files
            )
            if "attachments" in payload["details"]:
                for entry, item in zip(payload["details"]["attachments"], new_files, strict=False):
                    entry["file_size"] = len(item.body)
        self.fake.add_json("/api/content" + page.base_path, payload)
        for doc in self.documents:
            if doc["base_path"] == page.base_path:
                doc["public_updated_at"] = stamp
        return replace(page, files=new_files, file_urls=urls)

    def _serve_file(self, base_path: str, item: SiteFile, *, legacy: bool) -> str:
        digest = hashlib.sha256(f"{base_path}/{item.filename}".encode()).hexdigest()
        if legacy:
            path = (
                "/government/uploads/system/uploads/attachment_data/file/"
                f"{int(digest[:6], 16)}/{item.filename}"
            )
        else:
            path = f"/media/{digest[:24]}/{item.filename}"
        return self.fake.add_file(path, item.body, content_type=item.content_type)

    def _body(
        self,
        description: str,
        files: Sequence[SiteFile],
        urls: Sequence[str],
        fallback: bool,
        n: int,
    ) -> str:
        parts = [f'<div class="govspeak"><p>{description}</p>']
        if fallback:
            for i, (item, url) in enumerate(zip(files, urls, strict=True)):
                # Old bodies link relative to www.gov.uk; alternate block and inline markup.
                href = url.removeprefix(self.fake.base_url)
                label = _TYPE_LABELS.get(item.content_type, "File")
                size = f"{len(item.body) / 1024:.1f}KB"
                if (n + i) % 2 == 0:
                    parts.append(
                        f'<section class="attachment embedded" id="attachment_{n}{i}">'
                        f'<div class="attachment-details"><h2 class="title"><a href="{href}">'
                        f'{item.title or item.filename}</a></h2><p class="metadata">'
                        f'<span class="type">{label}</span>, '
                        f'<span class="file-size">{size}</span></p></div></section>'
                    )
                else:
                    parts.append(
                        f'<p><span id="attachment_{n}{i}" class="attachment-inline">'
                        f'<a href="{href}">{item.title or item.filename}</a> '
                        f'(<span class="type">{label}</span>, '
                        f'<span class="file-size">{size}</span>)</span></p>'
                    )
        parts.append(
            '<p>See also <a href="/government/organisations/hm-courts-and-tribunals-service">'
            "HMCTS</a>.</p></div>"
        )
        return "".join(parts)

    def _collection_link(self) -> dict[str, Any]:
        return {
            "content_id": str(uuid.uuid5(_NAMESPACE, COLLECTION_PATH)),
            "title": "HMCTS management information",
            "base_path": COLLECTION_PATH,
            "api_path": "/api/content" + COLLECTION_PATH,
            "slug": COLLECTION_PATH.rsplit("/", 1)[-1],
            "document_type": "document_collection",
            "locale": "en",
        }

    def publish_collection(self) -> None:
        payload = {
            "base_path": COLLECTION_PATH,
            "content_id": str(uuid.uuid5(_NAMESPACE, COLLECTION_PATH)),
            "document_type": "document_collection",
            "schema_name": "document_collection",
            "title": "HMCTS management information",
            "description": "SYNTHETIC test collection standing in for the HMCTS MI collection.",
            "locale": "en",
            "publishing_app": "whitehall",
            "rendering_app": "government-frontend",
            "public_updated_at": "2025-06-12T09:30:00.000+01:00",
            "details": {
                "body": '<div class="govspeak"><p>SYNTHETIC collection.</p></div>',
                "political": False,
                "collection_groups": [
                    {"title": title, "body": "", "documents": ids}
                    for title, ids in self.groups.items()
                ],
            },
            "links": {"documents": self.documents},
        }
        self.fake.add_json("/api/content" + COLLECTION_PATH, payload)


_TYPE_LABELS = {
    MIME_CSV: "CSV",
    MIME_ODS: "OpenDocument Spreadsheet",
    MIME_XLSX: "MS Excel Spreadsheet",
    MIME_PDF: "PDF",
}
