"""The catalogue as frozen pydantic models: Catalogue → Publication → Release → Attachment.

Every model is immutable, validates on construction, ignores nothing silently (unknown fields
are rejected, so a typo in the embedded snapshot fails at load) and renders as a readable table
in a terminal (``str``) and in Jupyter (``_repr_html_``).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    computed_field,
    model_validator,
)

from hmcts_data._catalogue import _listing
from hmcts_data._catalogue._formats import DATA_FORMAT_ORDER, AttachmentFormat
from hmcts_data._catalogue._ids import PublicationId
from hmcts_data._catalogue._listing import listing_of
from hmcts_data._display import html_table, model_html, text_table
from hmcts_data._errors import ConfigurationError, NotFoundError, OfflineError

if TYPE_CHECKING:
    from hmcts_data._catalogue._calendar import ExpectedRelease
    from hmcts_data._client import Client
    from hmcts_data._progress import ProgressCallback

__all__ = [
    "RELEASE_FORMS",
    "Attachment",
    "AttachmentFormat",
    "Catalogue",
    "Change",
    "Publication",
    "Release",
    "Source",
    "Withdrawal",
    "nearest_months",
    "release_form",
]

#: Where a catalogue came from: a discovery just now, a cached discovery, or the snapshot
#: embedded in the package.
Source = Literal["live", "cache", "snapshot"]

_MONTH_KEY = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
_DAY_KEY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


_EXPECT: dict[AttachmentFormat, Literal["csv", "xlsx", "ods", "pdf", "any"]] = {
    AttachmentFormat.CSV: "csv",
    AttachmentFormat.XLSX: "xlsx",
    AttachmentFormat.ODS: "ods",
    AttachmentFormat.PDF: "pdf",
    AttachmentFormat.OTHER: "any",
}


def _to_utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


#: A timezone-aware timestamp, stored in UTC.
UTCDatetime = Annotated[AwareDatetime, AfterValidator(_to_utc)]


def _not_found(message: str, what: str, key: str, known: Iterable[str]) -> NotFoundError:
    """A NotFoundError with close-match suggestions but a message written for the case."""
    error = NotFoundError(what, key, known)
    hint = (
        f" Did you mean {', '.join(repr(s) for s in error.suggestions)}?"
        if error.suggestions
        else ""
    )
    error.args = (message + hint,)
    return error


#: Newest releases a publication's repr lists.
_REPR_NEWEST = 3


def _compact_publication(pub: Publication) -> str:
    """A few lines: what the publication is, how many releases, the newest ones."""
    n = len(pub.releases)
    lines = [
        f"<Publication {pub.id}: {pub.title!r} — {pub.status}, {pub.frequency}; "
        f"{n} release{'' if n == 1 else 's'}>"
    ]
    for release in pub.releases[:_REPR_NEWEST]:
        withdrawn = " (withdrawn)" if release.withdrawn else ""
        lines.append(f"  {release.key or '-':<7}  {release.title}{withdrawn}")
    if n > _REPR_NEWEST:
        lines.append(f"  ... {n - _REPR_NEWEST} older: print(publication) or .describe() for all")
    return "\n".join(lines)


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def _same_fields(model: BaseModel, other: object) -> bool:
    """Equality on the fields alone (pydantic's also compares private attributes)."""
    return type(other) is type(model) and model.__dict__ == other.__dict__


class Attachment(_Frozen):
    """One file (or linked page) attached to a release.

    Attributes:
        title: The attachment's title on GOV.UK; ``None`` when not known (snapshot entries
            known only by file name).
        url: Absolute URL of the file; ``None`` when not known (some snapshot entries).
        filename: File name as published.
        content_type: MIME type reported by GOV.UK; ``None`` for links read from an old page
            body (GOV.UK only shows a display label there, kept in :attr:`type_label`).
        size: Size in bytes. For body-fallback links it is read from the displayed label
            ("2.8KB") and so only approximate.
        format: csv, xlsx, ods, pdf or other, from the MIME type and file extension.
        accessible: Whether GOV.UK marks the file accessible; ``None`` when not stated.
        attachment_type: GOV.UK's ``attachment_type``: file, html or external.
        type_label: The type label shown in an old page body ("CSV", "MS Excel Spreadsheet").
        from_body_fallback: The attachment came from links in the page body because the page
            has no ``details.attachments`` (old pages).

    Example:
        >>> a = Attachment(url="https://x/a.csv", filename="a.csv", format="csv")
        >>> a.format.is_data, a.name
        (True, 'a.csv')
    """

    title: str | None = None
    url: str | None = None
    filename: str | None = None
    content_type: str | None = None
    size: int | None = Field(default=None, ge=0)
    format: AttachmentFormat = AttachmentFormat.OTHER
    accessible: bool | None = None
    attachment_type: Literal["file", "html", "external"] = "file"
    type_label: str | None = None
    from_body_fallback: bool = False

    @property
    def name(self) -> str:
        """The best short name: file name, else title, else URL."""
        return self.filename or self.title or self.url or "(unnamed attachment)"

    def __repr__(self) -> str:
        size = "" if self.size is None else f", {self.size:,} bytes"
        return f"<Attachment {self.name} ({self.format.value}{size})>"

    def _repr_html_(self) -> str:
        return model_html(self, f"Attachment {self.name}")

    def download(
        self,
        client: Client | None = None,
        *,
        cache_key: str | None = None,
        progress: ProgressCallback | bool | None = None,
    ) -> Path:
        """Download this file through the cache and return its local path.

        The size is checked when GOV.UK states it exactly (not for body-fallback links, whose
        size label is rounded), and the body is checked against the format (an HTML error page
        in place of a CSV is refused).

        Args:
            client: The client to use; the shared default client for the environment when ``None``.
            cache_key: Extra cache key, such as the release's base path (file names repeat
                across releases).
            progress: ``True`` for a progress bar (tqdm, from the ``progress`` extra) or log
                lines, a callable ``(bytes_so_far, total_or_None)``, or ``None`` for silence.
                Only a real download reports progress; a cached copy returns at once.

        Returns:
            Path of the cached file.

        Raises:
            OfflineError: The URL is not known (some snapshot entries), or offline and not
                cached.
            DownloadError: The download failed.
            IntegrityError: The file is not what was expected.

        Example:
            >>> path = attachment.download()  # doctest: +SKIP
        """
        from hmcts_data._client import using_client

        if self.url is None:
            raise OfflineError(
                f"The URL of {self.name!r} is not known (it comes from the embedded snapshot, "
                "which records only what is documented). Run hmcts_data.catalogue(refresh=True) "
                "online to discover it."
            )
        expect = _EXPECT[self.format]
        with using_client(client) as active:
            cached = active.download(
                self.url,
                expected_size=None if self.from_body_fallback else self.size,
                expect=expect,
                cache_key=cache_key,
                progress=progress,
            )
        return cached.path


class Change(_Frozen):
    """One entry of a page's change history.

    Attributes:
        note: What changed, as GOV.UK states it ("First published.").
        public_timestamp: When (UTC).
    """

    note: str
    public_timestamp: UTCDatetime


class Withdrawal(_Frozen):
    """Why and when a page was withdrawn (GOV.UK still serves it, with a notice).

    Attributes:
        explanation: The notice as plain text.
        withdrawn_at: When it was withdrawn (UTC), if stated.
    """

    explanation: str
    withdrawn_at: UTCDatetime | None = None


class Release(_Frozen):
    """One GOV.UK page of a publication: usually one month's release of data.

    Attributes:
        publication: Publication id.
        slug: The last segment of the page's base path.
        base_path: The page's path on GOV.UK.
        url: The page's web address.
        title: Page title.
        description: Page summary, if any.
        content_id: GOV.UK content id, where known.
        group: The collection group the page is listed under, where known.
        period_start: First day covered, read from the slug, title or description (never
            from publication dates); ``None`` when not stated.
        period_end: Last day covered (inclusive); ``None`` when it cannot be read.
        period_precision: ``"month"`` when the page names months, ``"week"`` or ``"day"``
            when it names dates.
        period_note: Why the period, or part of it, could not be read.
        first_published: When the page was first published (UTC).
        last_updated: When the page last changed significantly (UTC).
        change_history: GOV.UK's change notes, newest first.
        withdrawn: The withdrawal notice, when the page is withdrawn.
        attachments: Files and linked pages, in page order.
        found_in: Where discovery saw the page: the collection, the Search API, or both.
        inferred: Fields that are inferred rather than read from GOV.UK (snapshot entries).
        note: Anything else worth knowing about this entry (evidence, doubts).

    Example:
        >>> r = Release(publication="monthly", slug="s", base_path="/s", url="https://x/s",
        ...             title="t", period_end=date(2025, 4, 30), period_precision="month")
        >>> r.key
        '2025-04'
    """

    publication: PublicationId
    slug: str
    base_path: str
    url: str
    title: str
    description: str | None = None
    content_id: str | None = None
    group: str | None = None
    period_start: date | None = None
    period_end: date | None = None
    period_precision: Literal["month", "week", "day"] | None = None
    period_note: str | None = None
    first_published: UTCDatetime | None = None
    last_updated: UTCDatetime | None = None
    change_history: tuple[Change, ...] = ()
    withdrawn: Withdrawal | None = None
    attachments: tuple[Attachment, ...] = ()
    found_in: tuple[Literal["collection", "search"], ...] = ()
    inferred: tuple[str, ...] = ()
    note: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _drop_computed(cls, data: Any) -> Any:
        # ``key`` is derived; JSON written by model_dump carries it, so accept it back.
        if isinstance(data, dict) and "key" in data:
            data = {k: v for k, v in data.items() if k != "key"}
        return data

    @computed_field  # type: ignore[prop-decorator]
    @property
    def key(self) -> str | None:
        """The latest data month, ``"YYYY-MM"``, when the period could be read."""
        return None if self.period_end is None else self.period_end.strftime("%Y-%m")

    @property
    def is_withdrawn(self) -> bool:
        """Whether GOV.UK marks the page withdrawn."""
        return self.withdrawn is not None

    @property
    def period_label(self) -> str:
        """The period as text ("Apr 2024 to Apr 2025", "to Apr 2025", or "unknown")."""
        fmt = "%b %Y" if self.period_precision in (None, "month") else "%d %b %Y"
        if self.period_end is None:
            return "unknown"
        end = self.period_end.strftime(fmt)
        if self.period_start is None:
            return f"to {end}"
        start = self.period_start.strftime(fmt)
        return end if start == end else f"{start} to {end}"

    def data_files(self) -> tuple[Attachment, ...]:
        """Every machine-readable attachment (csv, ods, xlsx), best first.

        Order: CSV, then ODS, then XLSX; within a format, files GOV.UK marks accessible first,
        then page order.
        """
        ranked = [
            (DATA_FORMAT_ORDER.index(a.format), a.accessible is not True, i, a)
            for i, a in enumerate(self.attachments)
            if a.format.is_data
        ]
        return tuple(a for *_, a in sorted(ranked, key=lambda t: t[:3]))

    def data_file(self) -> Attachment:
        """The best machine-readable attachment: CSV, then ODS, then XLSX.

        Chosen by MIME type and file extension, never by exact file name.

        Returns:
            The attachment.

        Raises:
            NotFoundError: The release has no CSV, ODS or XLSX attachment.

        Example:
            >>> release.data_file().filename  # doctest: +SKIP
            'HMCTS_MI_output_accessible.csv'
        """
        files = self.data_files()
        if files:
            return files[0]
        names = [a.name for a in self.attachments]
        listed = ", ".join(repr(n) for n in names) if names else "none"
        raise _not_found(
            f"Release {self.slug!r} ({self.url}) has no machine-readable attachment "
            f"(CSV, ODS or XLSX); its attachments: {listed}. Pick one from "
            "release.attachments, or another release.",
            "data file",
            self.slug,
            [],
        )

    def download(
        self,
        client: Client | None = None,
        *,
        progress: ProgressCallback | bool | None = None,
        to: str | os.PathLike[str] | None = None,
    ) -> Path:
        """Download the release's :meth:`data_file` (a document's file) through the cache.

        For a publication that is a document, not data (the user guide), its document is
        downloaded instead: the first PDF attached, else the first file.

        Args:
            client: The client to use; the shared default client for the environment when ``None``.
            progress: As for :meth:`Attachment.download`.
            to: Also save a copy at this path (written whole or not at all).

        Returns:
            Path of the cached file, or ``to`` when given.

        Raises:
            NotFoundError: The release has no machine-readable attachment (no file at all,
                for a document).
            OfflineError: Its URL is not known, or offline and not cached.
            DownloadError: The download failed.
            IntegrityError: The file is not what was expected.
            StorageError: ``to`` cannot be written.

        Example:
            >>> path = hmcts_data.catalogue().get("monthly").latest().download()  # doctest: +SKIP
            >>> guide = hmcts_data.catalogue().get("user-guide").latest()  # doctest: +SKIP
            >>> guide.download(to="user-guide.pdf")  # doctest: +SKIP
        """
        attachment = self._document() or self.data_file()
        path = attachment.download(client, cache_key=self.base_path, progress=progress)
        if to is None:
            return path
        import shutil

        from hmcts_data._atomic import atomic_path

        target = Path(to)
        with atomic_path(target) as tmp:
            shutil.copyfile(path, tmp)
        return target

    def _document(self) -> Attachment | None:
        """The file of a document publication's release (``None`` for data publications)."""
        from hmcts_data._registry import registry

        if self.publication not in registry().publication:
            return None
        if registry().get(self.publication).kind != "document" or not self.attachments:
            return None
        pdfs = [a for a in self.attachments if a.format is AttachmentFormat.PDF]
        return (pdfs or list(self.attachments))[0]

    def __str__(self) -> str:
        lines = [
            f"{self.title}",
            f"  publication: {self.publication}   key: {self.key or '-'}   "
            f"period: {self.period_label}",
            f"  url: {self.url}",
            f"  first published: {_when(self.first_published)}   "
            f"last updated: {_when(self.last_updated)}",
        ]
        if self.period_note:
            lines.append(f"  period note: {self.period_note}")
        if self.withdrawn:
            lines.append(
                f"  WITHDRAWN {_when(self.withdrawn.withdrawn_at)}: {self.withdrawn.explanation}"
            )
        if self.note:
            lines.append(f"  note: {self.note}")
        if self.attachments:
            lines.append(_indent(text_table(*_attachment_rows(self.attachments))))
        else:
            lines.append("  (no attachments known)")
        return "\n".join(lines)

    def __repr__(self) -> str:
        state = ", WITHDRAWN" if self.withdrawn else ""
        files = len(self.attachments)
        return (
            f"<Release {self.publication} {self.key or self.slug}: {self.title!r}, "
            f"{files} attachment{'' if files == 1 else 's'}{state}>"
        )

    def describe(self) -> str:
        """Return every detail of the release as text: period, dates, notes and each file.

        Example:
            >>> print(hmcts_data.catalogue().get("monthly").latest().describe())  # doctest: +SKIP
        """
        return str(self)

    def _repr_html_(self) -> str:
        caption = f"{self.title} — {self.period_label}" + (" (withdrawn)" if self.withdrawn else "")
        return html_table(*_attachment_rows(self.attachments), caption=caption)


class Publication(_Frozen):
    """One HMCTS open-data publication and its releases, newest first.

    Attributes:
        id: The id users type: ``monthly``, ``weekly-covid``, ``remote-hearings``,
            ``reformed-services``, ``ad-hoc`` or ``user-guide``.
        title: Title for people.
        description: What it contains.
        kind: ``"data"``, or ``"document"`` for the user guide (read it, do not parse it).
        frequency: How often it was released, in words.
        status: ``"live"`` or ``"ended"``.
        collection_url: The GOV.UK collection its pages belong to, where known.
        about_url: The HMCTS statistics page describing it.
        licence: Always the Open Government Licence v3.0.
        licence_url: The licence's web address.
        releases: Its pages, newest first (by period end, else first publication).
        note: What is known and unknown about it.

    Example:
        >>> monthly = hmcts_data.catalogue(offline=True).get("monthly")  # doctest: +SKIP
        >>> monthly.release("2025-04").title  # doctest: +SKIP
        'HMCTS management information - April 2025'
    """

    id: PublicationId
    title: str
    description: str
    kind: Literal["data", "document"] = "data"
    frequency: str
    status: Literal["live", "ended"]
    collection_url: str | None = None
    about_url: str | None = None
    licence: str = "Open Government Licence v3.0"
    licence_url: str = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
    releases: tuple[Release, ...] = ()
    note: str | None = None
    # Set on the copies a catalogue GOV.UK did not answer for hands out (Catalogue.unchecked).
    _unchecked: str | None = PrivateAttr(default=None)

    def __eq__(self, other: object) -> bool:
        # The same data is the same publication, however it was obtained (checked or not).
        return _same_fields(self, other)

    __hash__ = _Frozen.__hash__

    def latest(self, *, include_withdrawn: bool = False) -> Release:
        """The newest release (withdrawn pages skipped unless asked for).

        Args:
            include_withdrawn: Also consider withdrawn pages.

        Returns:
            The release.

        Raises:
            NotFoundError: The publication has no (non-withdrawn) release in this catalogue.

        Example:
            >>> hmcts_data.catalogue().get("monthly").latest().key  # doctest: +SKIP
            '2025-09'
        """
        for release in self.releases:
            if include_withdrawn or not release.is_withdrawn:
                return release
        raise _not_found(
            f"Publication {self.id!r} has no {'' if include_withdrawn else 'current '}release "
            "in this catalogue. Try hmcts_data.catalogue(refresh=True) online, or another "
            "publication.",
            "release",
            "latest",
            [],
        )

    def next_release(self, *, now: datetime | None = None) -> ExpectedRelease | None:
        """The next release expected after now, and which expected releases are missing.

        From the release calendar (a date HMCTS listed, else the published rule: the monthly MI
        aims for the second Thursday of the month at 9:30 UK time), counted forward from the
        newest release in this catalogue: the slots that passed since are releases expected
        and not here (``missing``), and the first slot after ``now`` is the answer. Its
        ``state`` tells a late release (GOV.UK answered and lacks it) from a catalogue that is
        behind (offline or the snapshot: refresh it); ``describe_missing()`` says which and
        what to do.

        Args:
            now: Aware current time; the clock by default.

        Returns:
            The expectation (``expected_at`` in Europe/London time, after ``now``), or
            ``None`` for a publication with no schedule (ended or irregular).

        Raises:
            ConfigurationError: ``now`` has no time zone.

        Example:
            >>> cat = hmcts_data.catalogue(refresh=True)  # doctest: +SKIP
            >>> cat.get("monthly").next_release().expected_at  # doctest: +SKIP
            datetime.datetime(2027, 1, 14, 9, 30, tzinfo=zoneinfo.ZoneInfo(key='Europe/London'))
        """
        from hmcts_data._catalogue._calendar import next_release

        return next_release(self, now=now, checked=self._unchecked is None)

    def is_due(self, *, now: datetime | None = None) -> bool:
        """Whether a release expected by now is not in this catalogue.

        On a catalogue GOV.UK answered for, that release is late; on one it did not (offline,
        the snapshot), the catalogue is behind and the release may well be out: see
        ``next_release().state`` (``"late"`` or ``"behind"``) and ``describe_missing()``, or
        refresh with ``hmcts_data.catalogue(refresh=True)``.

        Args:
            now: Aware current time; the clock by default.

        Returns:
            ``True`` when at least one expected release is missing; ``False`` when none is, or
            the publication has no schedule.

        Raises:
            ConfigurationError: ``now`` has no time zone.

        Example:
            >>> hmcts_data.catalogue(refresh=True).get("monthly").is_due()  # doctest: +SKIP
            False
        """
        expected = self.next_release(now=now)
        return expected is not None and expected.missing > 0

    def release(self, key: str | date | Release) -> Release:
        """Find a release by data month, ``"latest"``, slug, path, URL, date or :class:`Release`.

        A date means a **data month**, as the release's title does ("HMCTS management
        information - April 2025" holds data to April 2025): ``date(2025, 4, 30)`` and
        ``"2025-04-30"`` both find the ``2025-04`` release, which GOV.UK published in June.
        For the release that was newest on a given day (by publication date), use
        :meth:`as_of`.

        Args:
            key: ``"2025-04"`` (latest data month), ``"latest"``, a slug
                (``"hmcts-management-information-april-2025"``), a base path or web URL, a
                date (``datetime.date`` or ``"2025-04-15"``: the release whose latest data
                month contains it; for a weekly publication, whose period contains it), or a
                :class:`Release`.

        Returns:
            The release; when several share a data month, the newest-listed one.

        Raises:
            ConfigurationError: ``key`` is not one of the forms above (a number, say).
            NotFoundError: No release matches; the message suggests the nearest known months.

        Example:
            >>> pub.release("2025-04").slug  # doctest: +SKIP
            'hmcts-management-information-april-2025'
        """
        key = release_form(key)
        if isinstance(key, str) and key.strip().lower() == "latest":
            return self.latest()
        found = self._find(key)
        if found is not None:
            return found
        shown = key.slug if isinstance(key, Release) else str(key)
        months = list(dict.fromkeys(self.keys))
        error = _not_found(
            f"No release {shown!r} in publication {self.id!r}; known data months (newest "
            f"first): {', '.join(months[:12]) or 'none'}{' ...' if len(months) > 12 else ''}. "
            "Use a data month 'YYYY-MM', 'latest', a slug or a date.",
            "release",
            shown,
            dict.fromkeys(months + [r.slug for r in self.releases]),
        )
        nearest = nearest_months(shown if not isinstance(key, date) else key, months)
        if nearest:
            error.suggestions = nearest
            error.args = (
                str(error.args[0]).split(" Did you mean")[0]
                + f" Nearest known: {', '.join(repr(m) for m in nearest)}.",
            )
        raise error

    def as_of(self, when: date | datetime | str) -> Release:
        """The release that was newest on a day: the last one first published by then.

        Where :meth:`release` takes a date as a data month, this takes it as a publication
        date: ``as_of("2025-06-30")`` is the release GOV.UK had published by the end of 30
        June 2025 (UK time), whatever months it holds.

        Args:
            when: A date (the end of that day, UK time), an ISO date string, or an aware
                datetime.

        Returns:
            The release (withdrawn pages skipped).

        Raises:
            ConfigurationError: ``when`` is not a date, or this catalogue records no
                publication dates (the embedded snapshot: refresh the catalogue online).
            NotFoundError: Nothing had been published by then.

        Example:
            >>> hmcts_data.catalogue().get("monthly").as_of("2025-06-30").key  # doctest: +SKIP
            '2025-04'
        """
        from zoneinfo import ZoneInfo

        if isinstance(when, str):
            try:
                when = date.fromisoformat(when.strip())
            except ValueError:
                raise ConfigurationError(
                    f"as_of({when!r}): use a date 'YYYY-MM-DD' (such as '2025-06-30')."
                ) from None
        if isinstance(when, datetime):
            if when.tzinfo is None:
                raise ConfigurationError(
                    f"as_of({when!r}): the datetime has no time zone; pass an aware one or a date."
                )
            moment = when
        elif isinstance(when, date):
            moment = datetime.combine(when + timedelta(days=1), datetime.min.time()).replace(
                tzinfo=ZoneInfo("Europe/London")
            )
        else:
            raise ConfigurationError(
                f"as_of({when!r}): a {type(when).__name__} is not a date; pass a date, an ISO "
                "date string or an aware datetime."
            )
        dated = [r for r in self.releases if r.first_published is not None and not r.withdrawn]
        if not dated:
            raise ConfigurationError(
                f"This catalogue records no publication dates for {self.id!r} (the embedded "
                "snapshot has none), so as_of() cannot tell which release was newest. Refresh "
                "it online: hmcts_data.catalogue(refresh=True)."
            )
        before = [r for r in dated if r.first_published is not None and r.first_published < moment]
        if not before:
            raise NotFoundError(f"{self.id} release published by", str(when), [])
        return max(before, key=lambda r: r.first_published or moment)

    def _find(self, key: str | date | Release) -> Release | None:
        if isinstance(key, Release):
            return next((r for r in self.releases if r.base_path == key.base_path), None)
        if isinstance(key, datetime):
            key = key.date()
        if isinstance(key, date):
            return self._by_date(key)
        text = key.strip()
        if _MONTH_KEY.match(text):
            return next((r for r in self.releases if r.key == text), None)
        if _DAY_KEY.match(text):
            try:
                return self._by_date(date.fromisoformat(text))
            except ValueError:
                return None
        wanted = text.rstrip("/").rsplit("/", 1)[-1].lower()
        return next((r for r in self.releases if r.slug.lower() == wanted), None)

    def _by_date(self, day: date) -> Release | None:
        # The data month first (what a monthly title names); a period containing the day only
        # for releases dated finer than months (weekly data).
        month = day.strftime("%Y-%m")
        found = next((r for r in self.releases if r.key == month), None)
        if found is not None:
            return found
        for release in self.releases:
            start, end = release.period_start, release.period_end
            fine = release.period_precision in ("week", "day")
            if fine and start and end and start <= day <= end:
                return release
        return None

    @property
    def keys(self) -> tuple[str, ...]:
        """The data months of the releases, newest first (releases without one skipped)."""
        return tuple(r.key for r in self.releases if r.key)

    def __str__(self) -> str:
        head = (
            f"{self.title} [{self.id}] — {self.status}, {self.frequency}; "
            f"{len(self.releases)} release(s)"
        )
        if not self.releases:
            return head + (f"\n  {self.note}" if self.note else "")
        return head + "\n" + _indent(text_table(*_release_rows(self.releases)))

    def __repr__(self) -> str:
        return _compact_publication(self)

    def describe(self) -> str:
        """Return every release of the publication as a text table, titles in full.

        Example:
            >>> print(hmcts_data.catalogue().get("monthly").describe())  # doctest: +SKIP
        """
        head = (
            f"{self.title} [{self.id}] — {self.status}, {self.frequency}; "
            f"{len(self.releases)} release(s)"
        )
        if not self.releases:
            return head + (f"\n  {self.note}" if self.note else "")
        return head + "\n" + _indent(text_table(*_release_rows(self.releases), max_width=400))

    def _repr_html_(self) -> str:
        caption = f"{self.title} [{self.id}] — {self.status}, {self.frequency}"
        return html_table(*_release_rows(self.releases), caption=caption)


class Catalogue(_Frozen):
    """Every HMCTS open-data publication, as discovered from GOV.UK or from the snapshot.

    Iterate over it for its publications; ``catalogue.get("monthly")`` for one.

    Attributes:
        publications: The publications, in a fixed order (monthly first).
        generated_at: When the discovery (or the snapshot) was made (UTC).
        source: ``"live"`` (just discovered), ``"cache"`` (a stored discovery) or
            ``"snapshot"`` (embedded in the package).
        base_url: The GOV.UK base URL it was discovered from.
        notes: What discovery noticed (pages only in the Search API, pages it could not
            classify, stale pages) and, for the snapshot, how it was assembled.
        unclassified: Base paths of pages in the collection that match no publication.
        revalidated_at: When discovery last read every page (a cold discovery or a full
            refresh); an incremental refresh reads only the pages the collection says are
            new or updated and keeps this time. ``None`` for the snapshot.

    Example:
        >>> cat = hmcts_data.catalogue(offline=True)  # doctest: +SKIP
        >>> [p.id for p in cat][:2]  # doctest: +SKIP
        ['monthly', 'weekly-covid']
    """

    publications: tuple[Publication, ...]
    generated_at: UTCDatetime
    source: Source
    base_url: str = "https://www.gov.uk"
    notes: tuple[str, ...] = ()
    unclassified: tuple[str, ...] = ()
    revalidated_at: UTCDatetime | None = None
    # Why GOV.UK did not answer for this catalogue (offline mode, a network failure), if so;
    # set by catalogue(), never serialised: a stored discovery was an answer when it was made.
    _unchecked: str | None = PrivateAttr(default=None)

    def __eq__(self, other: object) -> bool:
        # The same data is the same catalogue, however it was obtained (checked or not).
        return _same_fields(self, other)

    __hash__ = _Frozen.__hash__

    @property
    def checked(self) -> bool:
        """Whether GOV.UK answered for this catalogue, so a release missing from it is missing.

        ``True`` for a live discovery and for a cached one used because it was fresh;
        ``False`` for the embedded snapshot, and for a cached discovery used because offline
        mode is on or GOV.UK could not be reached: then the library cannot tell whether a
        release it does not list exists (see :attr:`unchecked_reason`).

        Example:
            >>> load_snapshot().checked  # doctest: +SKIP
            False
        """
        return self.source != "snapshot" and self._unchecked is None

    @property
    def unchecked_reason(self) -> str | None:
        """Why GOV.UK was not asked or did not answer (``None`` when :attr:`checked`).

        Example:
            >>> load_snapshot().unchecked_reason  # doctest: +SKIP
            'the catalogue is the snapshot embedded in hmcts-data'
        """
        if self._unchecked is not None:
            return self._unchecked
        if self.source == "snapshot":
            return "the catalogue is the snapshot embedded in hmcts-data"
        return None

    def unchecked(self, reason: str) -> Catalogue:
        """A copy marked as not answered by GOV.UK, for ``reason`` (used by ``catalogue()``)."""
        publications = []
        for pub in self.publications:
            stamped = pub.model_copy()
            stamped._unchecked = reason
            publications.append(stamped)
        copy = self.model_copy(update={"publications": tuple(publications)})
        copy._unchecked = reason
        return copy

    def get(self, publication: str) -> Publication:
        """The publication with id ``publication``.

        Args:
            publication: A publication id such as ``"monthly"``.

        Returns:
            The publication.

        Raises:
            NotFoundError: Unknown id (with close-match suggestions).

        Example:
            >>> hmcts_data.catalogue().get("monthly").status  # doctest: +SKIP
            'live'
        """
        for item in self.publications:
            if item.id == publication:
                return item
        raise NotFoundError("publication", publication, [p.id for p in self.publications])

    def __iter__(self) -> Iterator[Publication]:  # type: ignore[override]
        return iter(self.publications)

    def __len__(self) -> int:
        return len(self.publications)

    def __contains__(self, publication: object) -> bool:
        return any(p.id == publication for p in self.publications)

    @property
    def age(self) -> timedelta:
        """How long ago the catalogue was generated."""
        return _listing.utc_now() - self.generated_at

    @property
    def releases(self) -> tuple[Release, ...]:
        """Every release of every publication."""
        return tuple(r for p in self.publications for r in p.releases)

    def describe_source(self) -> str:
        """A phrase saying where the catalogue came from and how old it is.

        Example:
            >>> load_snapshot().describe_source()  # doctest: +SKIP
            'the snapshot embedded in hmcts-data, generated 2026-11-25 16:37 UTC (2 days old)'
        """
        # Built from the same parts as the command line's listing, with the same clock.
        return _listing.describe_source(
            self.source,
            self.base_url,
            self.generated_at,
            _listing.newest_period_end(r.period_end for r in self.releases),
        )

    def __repr__(self) -> str:
        releases = sum(len(p.releases) for p in self.publications)
        lines = [
            f"<Catalogue: {len(self.publications)} publications, {releases} releases; "
            f"{self.describe_source()}>"
        ]
        width = max((len(p.id) for p in self.publications), default=0)
        for pub in self.publications:
            latest = next((r for r in pub.releases if not r.is_withdrawn), None)
            newest = f", newest {latest.key or latest.slug}" if latest else ""
            plural = "" if len(pub.releases) == 1 else "s"
            lines.append(f"  {pub.id.ljust(width)}  {len(pub.releases):>3} release{plural}{newest}")
        lines.append("  (print(catalogue) for a table, catalogue.describe() for every release)")
        return "\n".join(lines)

    def describe(self) -> str:
        """Return the whole catalogue as text: every publication with every release.

        Example:
            >>> print(hmcts_data.catalogue().describe())  # doctest: +SKIP
        """
        head = f"HMCTS open data catalogue — {self.describe_source()}"
        return "\n\n".join([head, *(p.describe() for p in self.publications)])

    def __str__(self) -> str:
        # The heading of ``hmcts-data catalogue``: one rendering for both.
        return listing_of(self).summary()

    def _repr_html_(self) -> str:
        rows = [
            [
                p.id,
                p.title,
                p.status,
                p.frequency,
                str(len(p.releases)),
                next((r.key or r.slug for r in p.releases if not r.is_withdrawn), "-"),
            ]
            for p in self.publications
        ]
        return html_table(
            ["id", "title", "status", "frequency", "releases", "latest"],
            rows,
            caption=f"HMCTS open data catalogue — {self.describe_source()}",
        )


def sort_releases(releases: Iterable[Release]) -> tuple[Release, ...]:
    """Order releases newest first: by period end, else first publication; ties by slug.

    Example:
        >>> sort_releases([])
        ()
    """

    def order(release: Release) -> tuple[date, datetime, str]:
        published = release.first_published or datetime.min.replace(tzinfo=UTC)
        anchor = release.period_end or (
            release.first_published.date() if release.first_published else date.min
        )
        return anchor, published, release.slug

    return tuple(sorted(releases, key=order, reverse=True))


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else "unknown"


def _indent(text: str) -> str:
    return "\n".join("  " + line for line in text.splitlines())


def _release_rows(releases: Iterable[Release]) -> tuple[list[str], list[list[str]]]:
    rows = [
        [
            r.key or "-",
            r.period_label,
            ("[withdrawn] " if r.is_withdrawn else "") + r.title,
            r.first_published.strftime("%Y-%m-%d") if r.first_published else "-",
            ", ".join(dict.fromkeys(a.format.value for a in r.attachments)) or "-",
        ]
        for r in releases
    ]
    return ["key", "period", "title", "published", "files"], rows


def _attachment_rows(attachments: Iterable[Attachment]) -> tuple[list[str], list[list[str]]]:
    rows = [
        [
            a.format.value,
            a.filename or "-",
            "-" if a.size is None else f"{'~' if a.from_body_fallback else ''}{a.size:,}",
            {True: "yes", False: "no", None: "-"}[a.accessible],
            a.title or "-",
        ]
        for a in attachments
    ]
    return ["format", "file", "bytes", "accessible", "title"], rows


#: The forms a release may be given in, for messages.
RELEASE_FORMS = (
    "a data month 'YYYY-MM' (such as '2025-04'), 'latest', a date or 'YYYY-MM-DD' (the data "
    "month it falls in), a GOV.UK slug or URL, or a Release"
)


def release_form(key: object) -> str | date | Release:
    """``key`` if it is a form a release can be given in, else a :class:`ConfigurationError`.

    Raises:
        ConfigurationError: A number, ``None`` or any other object (with the accepted forms).

    Example:
        >>> release_form("2025-04")
        '2025-04'
    """
    if isinstance(key, str | date | Release):
        return key

    raise ConfigurationError(
        f"release={key!r} (a {type(key).__name__}) is not a release: use {RELEASE_FORMS}. "
        "For the release newest on a publication date, use Publication.as_of(day)."
    )


def nearest_months(key: str | date, months: Iterable[str]) -> tuple[str, ...]:
    """Up to three known data months nearest to ``key`` (a month, day or date), nearest first.

    Example:
        >>> nearest_months("2099-01", ["2025-05", "2025-04", "2021-01"])
        ('2025-05', '2025-04', '2021-01')
    """
    if isinstance(key, date):
        wanted = key.year * 12 + key.month - 1
    else:
        match = re.match(r"^(\d{4})-(\d{2})", key.strip())
        if match is None or not 1 <= int(match.group(2)) <= 12:
            return ()
        wanted = int(match.group(1)) * 12 + int(match.group(2)) - 1

    def distance(month: str) -> int:
        year, mon = (int(p) for p in month.split("-"))
        return abs(year * 12 + mon - 1 - wanted)

    # Newest first, then (a stable sort) nearest first: of two as near, the newer.
    ranked = sorted(sorted(set(months), reverse=True), key=distance)
    return tuple(ranked[:3])
