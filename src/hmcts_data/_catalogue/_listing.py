"""What ``hmcts-data catalogue`` prints, as plain data: no pydantic, built from a Catalogue.

The command prints from a :class:`Listing` whatever the source, so there is one rendering.
A listing is built from the validated models with :func:`listing_of`. The first offline listing
of the embedded snapshot keeps it in the user's cache (:func:`dump_listing`, under
:func:`snapshot_listing_key`), so later ones need neither pydantic nor the validation of
``snapshot.json`` (see ``_quick``); nothing pre-built is shipped beside the snapshot.

The phrases that depend on the clock (how old a catalogue is, how many months ago its newest
data ends) are made here from the listing's parts, for the models and the listing alike, with
one clock (:func:`utc_now`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, NamedTuple, Protocol

from hmcts_data._display import text_table
from hmcts_data._errors import NotFoundError

__all__ = [
    "SHOWN",
    "Listing",
    "PublicationListing",
    "describe_source",
    "dump_listing",
    "format_age",
    "listing_of",
    "newest_period_end",
    "offline_snapshot_headline",
    "offline_snapshot_message",
    "read_listing",
    "release_line",
    "snapshot_listing_key",
    "utc_now",
]

#: Releases of each publication the plain listing shows (``--all`` shows every one).
SHOWN = 6


# What a listing reads of the catalogue models, stated here so that this module sits below
# them (the models build their text from it): any Catalogue, Publication, Release and
# Attachment fit.
class _Format(Protocol):
    @property
    def value(self) -> str: ...


class _Attachment(Protocol):
    @property
    def format(self) -> _Format: ...


class Release(Protocol):
    """What a listing reads of a release (:class:`hmcts_data.Release` fits)."""

    @property
    def key(self) -> str | None: ...
    @property
    def slug(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def first_published(self) -> datetime | None: ...
    @property
    def period_end(self) -> date | None: ...
    @property
    def period_label(self) -> str: ...
    @property
    def is_withdrawn(self) -> bool: ...
    @property
    def attachments(self) -> Sequence[_Attachment]: ...


class _Publication(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def note(self) -> str | None: ...
    @property
    def releases(self) -> Sequence[Release]: ...


class Catalogue(Protocol):
    """What a listing reads of a catalogue (:class:`hmcts_data.Catalogue` fits)."""

    @property
    def source(self) -> str: ...
    @property
    def base_url(self) -> str: ...
    @property
    def generated_at(self) -> datetime: ...
    @property
    def notes(self) -> Sequence[str]: ...
    @property
    def publications(self) -> Sequence[_Publication]: ...
    @property
    def releases(self) -> Sequence[Release]: ...


#: The files whose contents decide what a listing holds (its code, and the registry's words on
#: documents): a listing kept in the cache is tied to their bytes as well as to the snapshot's,
#: so a changed release line is never printed stale.
_RENDERED_BY = (
    "_catalogue/_listing.py",
    "_catalogue/_models.py",
    "_display.py",
    "_registry.py",
    "publications.toml",
)


def utc_now() -> datetime:
    """The current time (UTC): the one clock catalogue ages are measured with.

    Example:
        >>> utc_now().tzinfo is UTC
        True
    """
    return datetime.now(UTC)


def format_age(age: timedelta) -> str:
    """Describe a duration for people ("3 days", "5 hours", "2 minutes").

    Example:
        >>> format_age(timedelta(days=3, hours=2))
        '3 days'
    """
    seconds = max(0, int(age.total_seconds()))
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            n = seconds // size
            return f"{n} {unit}{'s' if n != 1 else ''}"
    return f"{seconds} second{'s' if seconds != 1 else ''}"


def _when(value: datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC")


def describe_source(
    source: str,
    base_url: str,
    generated_at: datetime,
    newest_end: date | None,
    *,
    now: datetime | None = None,
) -> str:
    """A phrase saying where a catalogue came from and how old it is.

    Args:
        source: ``"live"``, ``"cache"`` or ``"snapshot"``.
        base_url: The GOV.UK base URL it was discovered from.
        generated_at: When it was made (aware).
        newest_end: The last day its newest release covers, if any release has a period.
        now: The current time; :func:`utc_now` when ``None``.

    Returns:
        The phrase, e.g. ``"the snapshot embedded in hmcts-data, generated ... (2 days old)"``.

    Example:
        >>> made = datetime(2026, 11, 25, 16, 37, tzinfo=UTC)
        >>> describe_source("snapshot", "https://www.gov.uk", made, date(2025, 5, 31),
        ...                 now=datetime(2026, 12, 2, tzinfo=UTC))
        'the snapshot embedded in hmcts-data, generated 2026-11-25 16:37 UTC (6 days old); its newest release covers data to May 2025 (19 months ago)'
    """  # noqa: E501  (a doctest's expected output is one line)
    now = utc_now() if now is None else now
    if source == "live":
        return f"discovered live from {base_url} at {_when(generated_at)}"
    when = f"{_when(generated_at)} ({format_age(now - generated_at)} old)"
    newest = "" if newest_end is None else _newest_fact(newest_end, now)
    if source == "cache":
        return f"a cached discovery from {base_url}, made {when}{newest}"
    # When a snapshot was assembled says little about how current it is: its newest
    # release does (a snapshot assembled today may list nothing after last year).
    return f"the snapshot embedded in hmcts-data, generated {when}{newest}"


def _newest_fact(newest: date, now: datetime) -> str:
    today = now.astimezone().date()  # the local calendar month, as date.today() gives
    months = (today.year - newest.year) * 12 + today.month - newest.month
    return f"; its newest release covers data to {newest:%B %Y} ({months} months ago)"


def newest_period_end(ends: Iterable[date | None]) -> date | None:
    """The latest of the given period ends, ignoring unknown ones (``None`` if none is known).

    Example:
        >>> newest_period_end([None, date(2025, 4, 30), date(2025, 5, 31)])
        datetime.date(2025, 5, 31)
    """
    return max((end for end in ends if end is not None), default=None)


def offline_snapshot_headline(newest_end: date | None, *, cli: bool = False) -> str:
    """The first line of the warning given when an offline catalogue is the snapshot.

    Example:
        >>> offline_snapshot_headline(date(2025, 5, 31))[:60]
        'Offline with no cached catalogue: using the snapshot embedde'
    """
    newest = f" (newest release: data to {newest_end:%B %Y})" if newest_end else ""
    how = "hmcts-data catalogue" if cli else "hmcts_data.catalogue()"
    return (
        f"Offline with no cached catalogue: using the snapshot embedded in hmcts-data{newest}. "
        f"Run {how} online once for the full catalogue."
    )


def offline_snapshot_message(described: str) -> str:
    """The warning given when an offline catalogue is the embedded snapshot.

    Args:
        described: The snapshot's :func:`describe_source` phrase.

    Example:
        >>> offline_snapshot_message("the snapshot").startswith("Offline and no catalogue")
        True
    """
    return (
        f"Offline and no catalogue discovery is cached, so this is {described}; it lists only "
        "documented releases. Run hmcts_data.catalogue() online once for the full catalogue."
    )


def release_line(release: Release) -> str:
    """One release as the catalogue command lists it: key, period, published date, files, title.

    Example:
        >>> from hmcts_data._catalogue._snapshot import load_snapshot
        >>> release_line(load_snapshot().get("monthly").release("2025-04"))[:34]
        '2025-04  Apr 2024 to Apr 2025    p'
    """
    published = release.first_published.strftime("%Y-%m-%d") if release.first_published else "-"
    flag = " [withdrawn]" if release.is_withdrawn else ""
    files = ", ".join(dict.fromkeys(a.format.value for a in release.attachments)) or "no files"
    return (
        f"{release.key or '-':7}  {release.period_label:22}  published {published:10}  "
        f"{files:10}  {release.title}{flag}"
    )


class PublicationListing(NamedTuple):
    """One publication as the catalogue command lists it.

    Attributes:
        id: Publication id.
        title: Its title.
        status: ``"live"`` or ``"ended"``.
        latest: The newest release that is not withdrawn (data month, else slug), or ``"-"``.
        note: What is known and unknown about it.
        lines: One :func:`release_line` per release, newest first.
        how: For a document (not data), how to get it; ``None`` for data.
    """

    id: str
    title: str
    status: str
    latest: str
    note: str | None
    lines: tuple[str, ...]
    how: str | None = None


class Listing(NamedTuple):
    """A catalogue as the catalogue command lists it.

    Attributes:
        source: ``"live"``, ``"cache"`` or ``"snapshot"``.
        base_url: The GOV.UK base URL it was discovered from.
        generated_at: When the catalogue was made (UTC).
        newest_end: The last day its newest release covers, if known.
        publications: The publications, in catalogue order.
        notes: The catalogue's notes.
    """

    source: str
    base_url: str
    generated_at: datetime
    newest_end: date | None
    publications: tuple[PublicationListing, ...]
    notes: tuple[str, ...]

    def describe_source(self, *, now: datetime | None = None) -> str:
        """Where the catalogue came from and how old it is (see :func:`describe_source`)."""
        return describe_source(
            self.source, self.base_url, self.generated_at, self.newest_end, now=now
        )

    def summary(self, *, now: datetime | None = None) -> str:
        """The heading and a table of the publications (what ``str(catalogue)`` shows)."""
        rows = [[p.id, p.title, p.status, str(len(p.lines)), p.latest] for p in self.publications]
        table = text_table(["id", "title", "status", "releases", "latest"], rows)
        return f"HMCTS open data catalogue — {self.describe_source(now=now)}\n{table}"

    def text_lines(self, *, show_all: bool = False) -> list[str]:
        """The command's standard output, line by line: the summary, then each publication.

        Args:
            show_all: Every release of each publication, not only the newest :data:`SHOWN`.
        """
        out = [self.summary()]
        for pub in self.publications:
            out += ["", f"{pub.id}: {pub.title} ({pub.status})"]
            shown = pub.lines if show_all else pub.lines[:SHOWN]
            if pub.how:
                out.append(f"  {pub.how}")
            if not shown:
                out.append(f"  no releases known. {pub.note or ''}".rstrip())
            out += ["  " + line for line in shown]
            hidden = len(pub.lines) - len(shown)
            if hidden:
                out.append(f"  ... and {hidden} older (hmcts-data catalogue {pub.id}, or --all)")
        return out


def listing_of(catalogue: Catalogue) -> Listing:
    """Build the listing of a catalogue.

    Example:
        >>> from hmcts_data._catalogue._snapshot import load_snapshot
        >>> listing = listing_of(load_snapshot())
        >>> listing.publications[0].id, listing.publications[0].latest
        ('monthly', '2025-05')
    """
    publications = []
    for pub in catalogue.publications:
        latest = next((r for r in pub.releases if not r.is_withdrawn), None)
        publications.append(
            PublicationListing(
                id=pub.id,
                title=pub.title,
                status=pub.status,
                latest=(latest.key or latest.slug) if latest else "-",
                note=pub.note,
                lines=tuple(release_line(r) for r in pub.releases),
                how=_how_to_get(pub.id),
            )
        )
    return Listing(
        source=catalogue.source,
        base_url=catalogue.base_url,
        generated_at=catalogue.generated_at,
        newest_end=newest_period_end(r.period_end for r in catalogue.releases),
        publications=tuple(publications),
        notes=tuple(catalogue.notes),
    )


def snapshot_listing_key(snapshot: bytes) -> str | None:
    """The cache identity of the listing of the snapshot whose bytes are ``snapshot``.

    It digests the snapshot and the code that lists it (:data:`_RENDERED_BY`), so a listing
    kept in the cache is used only for the very snapshot and library that made it. ``None``
    when that code cannot be read (then nothing is kept).

    Example:
        >>> snapshot_listing_key(b"{}").startswith("hmcts-data:snapshot-listing/")
        True
    """
    digest = hashlib.sha256(snapshot)
    package = Path(__file__).parents[1]
    try:
        for name in _RENDERED_BY:
            digest.update((package / name).read_bytes())
    except OSError:
        return None
    return f"hmcts-data:snapshot-listing/{digest.hexdigest()}"


def dump_listing(listing: Listing, key: str) -> str:
    """Serialise ``listing`` as kept under the cache identity ``key``.

    Deterministic: the same listing gives the same text.

    Example:
        >>> from hmcts_data._catalogue._snapshot import load_snapshot
        >>> text = dump_listing(listing_of(load_snapshot()), "k")
        >>> read_listing(text.encode(), "k") == listing_of(load_snapshot())
        True
    """
    document = {
        "about": "What 'hmcts-data --offline catalogue' prints for the snapshot named by key.",
        "key": key,
        "listing": {
            "source": listing.source,
            "base_url": listing.base_url,
            "generated_at": listing.generated_at.isoformat(),
            "newest_end": None if listing.newest_end is None else listing.newest_end.isoformat(),
            "publications": [p._asdict() for p in listing.publications],
            "notes": list(listing.notes),
        },
    }
    return json.dumps(document, indent=1, ensure_ascii=False) + "\n"


def read_listing(data: bytes, key: str) -> Listing | None:
    """The listing kept under ``key``, if ``data`` is one, well formed, made for that key.

    Args:
        data: The kept listing's bytes.
        key: Its cache identity (:func:`snapshot_listing_key`).

    Returns:
        The listing, or ``None`` when it is malformed or was made for another key (the
        snapshot is then validated and listed as usual).

    Example:
        >>> read_listing(b"{}", "k") is None
        True
    """
    try:
        document = json.loads(data)
        if document.get("key") != key:
            return None
        return _listing_from(document["listing"])
    except (ValueError, TypeError, KeyError, AttributeError):
        return None


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected text, got {value!r}")
    return value


def _texts(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise TypeError(f"expected a list, got {value!r}")
    return tuple(_text(v) for v in value)


def _listing_from(data: dict[str, Any]) -> Listing:
    """Check and convert the ``listing`` member (every field typed as written)."""
    generated_at = datetime.fromisoformat(_text(data["generated_at"]))
    if generated_at.tzinfo is None:
        raise ValueError("generated_at has no time zone")
    newest = data["newest_end"]
    publications: Sequence[Any] = data["publications"]
    if not isinstance(publications, list):
        raise TypeError("publications is not a list")
    return Listing(
        source=_text(data["source"]),
        base_url=_text(data["base_url"]),
        generated_at=generated_at.astimezone(UTC),
        newest_end=None if newest is None else date.fromisoformat(_text(newest)),
        publications=tuple(
            PublicationListing(
                id=_text(p["id"]),
                title=_text(p["title"]),
                status=_text(p["status"]),
                latest=_text(p["latest"]),
                note=None if p["note"] is None else _text(p["note"]),
                lines=_texts(p["lines"]),
                how=None if p.get("how") is None else _text(p["how"]),
            )
            for p in publications
        ),
        notes=_texts(data["notes"]),
    )


def _how_to_get(publication: str) -> str | None:
    """How to get a document publication (the registry's words), for the listing."""
    from hmcts_data._registry import registry

    try:
        return registry().get(publication).how_to_get()
    except NotFoundError:
        return None
