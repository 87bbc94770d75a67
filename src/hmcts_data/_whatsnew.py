"""``hmcts_data.whats_new()``: releases published or updated since a date, and what is due.

It reads the catalogue with an incremental refresh (the collection and search pages, plus only
the release pages that are new or updated), so asking on a warm cache costs two or three
requests. "Updated" comes from each page's ``change_history``: a change note after the first
publication.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any, Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict

from hmcts_data._catalogue._calendar import ExpectedRelease, next_release
from hmcts_data._catalogue._ids import PublicationId
from hmcts_data._catalogue._models import Catalogue, Release, Source, UTCDatetime
from hmcts_data._display import model_html, text_table
from hmcts_data._errors import ConfigurationError, NotFoundError

if TYPE_CHECKING:
    from hmcts_data._client import Client

__all__ = ["DEFAULT_WINDOW", "ReleaseEvent", "WhatsNew", "resolve_since", "whats_new"]

#: How far back ``whats_new()`` looks when ``since`` is not given: about one monthly cycle.
DEFAULT_WINDOW = timedelta(days=31)
_LONDON = "Europe/London"
# A change note this close to the first publication is the first publication itself.
_SAME_TIME = timedelta(seconds=1)


class ReleaseEvent(BaseModel):
    """One release published, or updated in place, since the date asked about.

    Attributes:
        publication: The publication id.
        kind: ``"published"`` (first published) or ``"updated"`` (a later change note).
        at: When (UTC).
        key: The release key (``"2025-04"`` for monthly data to April 2025), if any.
        slug: The GOV.UK page slug.
        title: The page title.
        url: The page's web address.
        note: The change note GOV.UK shows (``"First published."``, a correction ...).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    publication: PublicationId
    kind: Literal["published", "updated"]
    at: UTCDatetime
    key: str | None = None
    slug: str
    title: str
    url: str
    note: str | None = None

    def _repr_html_(self) -> str:
        # Jupyter shows the fields as a table (every public model has an HTML display).
        return model_html(self, "ReleaseEvent")


class WhatsNew(BaseModel):
    """What came out since a date: releases published or updated, and releases due.

    Attributes:
        since: The start of the window (UTC); events strictly after it are listed.
        checked_at: When the catalogue was read (UTC).
        source: Where the catalogue came from (``"live"``, ``"cache"``, ``"snapshot"``).
        events: Releases published or updated since, newest first.
        due: Late releases: expected by ``checked_at`` and not on GOV.UK, which answered
            (each publication's next expectation, with ``missing`` and ``missing_since``).
        behind: Publications whose catalogue here was not checked with GOV.UK (offline, the
            snapshot) and misses expected releases: the catalogue is behind, which says
            nothing about the publisher; refresh it.
        upcoming: The next expected release of each scheduled publication (after
            ``checked_at``).

    Example:
        >>> news = hmcts_data.whats_new(since="2025-06-01")  # doctest: +SKIP
        >>> [(e.kind, e.key) for e in news.events]  # doctest: +SKIP
        [('published', '2025-04')]
        >>> print(news)  # doctest: +SKIP
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    since: UTCDatetime
    checked_at: UTCDatetime
    source: Source
    events: tuple[ReleaseEvent, ...] = ()
    due: tuple[ExpectedRelease, ...] = ()
    behind: tuple[ExpectedRelease, ...] = ()
    upcoming: tuple[ExpectedRelease, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.events)

    def to_json(self, *, indent: int | None = 2) -> str:
        """The whole answer as JSON (timestamps ISO 8601 with offsets).

        Example:
            >>> news = WhatsNew(since=datetime(2025, 6, 1, tzinfo=UTC),
            ...     checked_at=datetime(2025, 6, 2, tzinfo=UTC), source="cache")
            >>> "events" in json.loads(news.to_json())
            True
        """
        return json.dumps(self.model_dump(mode="json"), indent=indent, ensure_ascii=False)

    def __str__(self) -> str:
        zone = ZoneInfo(_LONDON)
        head = f"Since {_local(self.since, zone)}"
        if self.source != "live":
            head += f" (catalogue from the {self.source}, not checked now with GOV.UK)"
        lines = [head + ":"]
        if self.events:
            rows = [
                [
                    _local(e.at, zone),
                    e.publication,
                    e.kind,
                    e.key or e.slug,
                    (e.note or "")[:60],
                ]
                for e in self.events
            ]
            lines.append(
                text_table(["when (UK time)", "publication", "what", "release", "note"], rows)
            )
        else:
            lines.append("  nothing published or updated.")
        for item in (*self.due, *self.behind):
            lines.append(item.describe_missing() or str(item))
        for item in self.upcoming:
            lines.append(f"next: {item}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        # Jupyter shows the fields as a table (every public model has an HTML display).
        return model_html(self, "WhatsNew")


def whats_new(
    since: date | datetime | Release | str | None = None,
    *,
    client: Client | None = None,
    offline: bool | None = None,
    refresh: bool = True,
    now: datetime | None = None,
) -> WhatsNew:
    """Releases published or updated since ``since``, across publications, and what is due.

    The catalogue is refreshed incrementally first (``refresh=True``): the collection and the
    search page are revalidated and only new or updated release pages are read, so asking
    again costs two requests when nothing changed.

    Args:
        since: Where the window starts. A ``date`` means the start of that day in UK time; a
            ``datetime`` must be timezone-aware; a :class:`Release` means "after that release
            was first published" (its later updates count); a string is an ISO date or
            datetime (``"2025-06-01"``, ``"2025-06-12T09:00"``: UK time unless it has an
            offset), else a release: of the monthly publication by key (``"2025-04"``), or of
            any publication by slug or URL. ``None``: the last 31 days.
        client: The client to use; a new one from the environment when ``None``.
        offline: Never touch the network (the cached discovery or the snapshot).
        refresh: Check GOV.UK now (incrementally) even if the cached discovery is fresh.
        now: The current time, for ``due`` and the default window (aware; the clock if
            ``None``).

    Returns:
        The events (newest first), the releases due and the next expected ones.

    Raises:
        ConfigurationError: ``since`` or ``now`` is a naive datetime object, or ``since`` is a
            release with no publication date (the snapshot's).
        NotFoundError: ``since`` is a string that is neither a date nor a release in the
            catalogue (with close matches).
        ParseError: A GOV.UK page could not be read (see :func:`catalogue`).

    Example:
        >>> news = hmcts_data.whats_new(since="2025-06-01")  # doctest: +SKIP
        >>> for event in news.events:  # doctest: +SKIP
        ...     print(event.kind, event.publication, event.key, event.at)
        published monthly 2025-04 2025-06-12 08:30:00+00:00
    """
    from hmcts_data._catalogue._api import catalogue

    cat = catalogue(client=client, offline=offline, refresh=refresh)
    return news_in(cat, since, now=now)


def news_in(
    cat: Catalogue, since: date | datetime | Release | str | None, *, now: datetime | None = None
) -> WhatsNew:
    """:func:`whats_new` on a catalogue you already have (no request).

    Raises:
        ConfigurationError: ``since`` or ``now`` cannot be read.
        NotFoundError: ``since`` names a release that is not in the catalogue.

    Example:
        >>> from hmcts_data._catalogue._snapshot import load_snapshot
        >>> news_in(load_snapshot(), "2025-01-01").source
        'snapshot'
    """
    current = _aware(now, "now") if now is not None else datetime.now(UTC)
    start, skip = resolve_since(cat, since, now=current)
    events: list[ReleaseEvent] = []
    for release in cat.releases:
        events.extend(_events(release, start, skip=skip))
    events.sort(key=lambda e: (e.at, e.kind == "updated"), reverse=True)
    due: list[ExpectedRelease] = []
    behind: list[ExpectedRelease] = []
    upcoming: list[ExpectedRelease] = []
    for publication in cat:
        expected = next_release(publication, now=current, checked=cat.checked)
        if expected is None:
            continue
        upcoming.append(expected)
        if expected.state == "late":
            due.append(expected)
        elif expected.state == "behind":
            behind.append(expected)
    return WhatsNew(
        since=start,
        checked_at=current,
        source=cat.source,
        events=tuple(events),
        due=tuple(due),
        behind=tuple(behind),
        upcoming=tuple(upcoming),
    )


def resolve_since(
    cat: Catalogue, since: date | datetime | Release | str | None, *, now: datetime
) -> tuple[datetime, str | None]:
    """The window start (aware, UTC) for ``since``, and a release whose publication to skip.

    Raises:
        ConfigurationError: A naive datetime, or a string that is neither a date nor a release.
        NotFoundError: A release key that is not in the catalogue.

    Example:
        >>> from hmcts_data._catalogue._snapshot import load_snapshot
        >>> resolve_since(load_snapshot(), date(2025, 7, 1), now=datetime.now(UTC))[0]
        datetime.datetime(2025, 6, 30, 23, 0, tzinfo=datetime.timezone.utc)
    """
    if since is None:
        return (now - DEFAULT_WINDOW).astimezone(UTC), None
    if isinstance(since, Release):
        return _after_release(since), since.base_path
    if isinstance(since, datetime):
        return _aware(since, "since").astimezone(UTC), None
    if isinstance(since, date):
        return _day_start(since), None
    text = since.strip()
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        parsed = None
    if parsed is not None:
        if ":" not in text:  # a plain date: the start of that day in UK time
            return _day_start(parsed.date()), None
        if parsed.tzinfo is None:  # typed at a prompt: UK time, as GOV.UK shows it
            parsed = parsed.replace(tzinfo=ZoneInfo(_LONDON))
        return parsed.astimezone(UTC), None
    try:
        release = cat.get("monthly").release(text)
    except NotFoundError:
        for publication in cat:
            found = next((r for r in publication.releases if text in (r.slug, r.url)), None)
            if found is not None:
                return _after_release(found), found.base_path
        raise
    return _after_release(release), release.base_path


def _events(release: Release, start: datetime, *, skip: str | None) -> list[ReleaseEvent]:
    base: dict[str, Any] = {
        "publication": release.publication,
        "key": release.key,
        "slug": release.slug,
        "title": release.title,
        "url": release.url,
    }
    found: list[ReleaseEvent] = []
    first = release.first_published
    changes = sorted(release.change_history, key=lambda c: c.public_timestamp)
    if first is not None and first > start and release.base_path != skip:
        note = changes[0].note if changes and _near(changes[0].public_timestamp, first) else None
        found.append(ReleaseEvent(kind="published", at=first, note=note, **base))
    for change in changes:
        if change.public_timestamp <= start:
            continue
        if first is not None and _near(change.public_timestamp, first):
            continue  # the first publication, already listed
        if first is None and change is changes[0]:
            found.append(
                ReleaseEvent(kind="published", at=change.public_timestamp, note=change.note, **base)
            )
            continue
        found.append(
            ReleaseEvent(kind="updated", at=change.public_timestamp, note=change.note, **base)
        )
    updated = release.last_updated
    if (
        not changes
        and updated is not None
        and updated > start
        and (first is None or not _near(updated, first))
    ):
        found.append(ReleaseEvent(kind="updated", at=updated, **base))
    return found


def _after_release(release: Release) -> datetime:
    moment = release.first_published or release.last_updated
    if moment is None:
        raise ConfigurationError(
            f"Release {release.key or release.slug!r} has no publication date in this "
            "catalogue (the embedded snapshot has none), so it cannot start a window. Pass a "
            "date instead, e.g. since='2025-06-01', or refresh the catalogue online."
        )
    return moment


def _aware(value: datetime, name: str) -> datetime:
    if value.tzinfo is None:
        raise ConfigurationError(
            f"{name}={value!r} has no time zone; pass an aware datetime (e.g. with "
            "tzinfo=datetime.UTC) or a date."
        )
    return value


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=ZoneInfo(_LONDON)).astimezone(UTC)


def _near(a: datetime, b: datetime) -> bool:
    return abs(a - b) <= _SAME_TIME


def _local(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%d %b %Y %H:%M %Z")
