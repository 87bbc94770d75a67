"""The release calendar: when the next release of a scheduled publication is expected.

The facts are each scheduled publication's ``calendar`` in the publication registry
(``publications.toml``, checked at load): the published rule (the monthly MI
aims for the second Thursday of each month at 9:30 UK time) and the dates HMCTS has listed,
which override the rule for their month. Which data month a release carries is not stated
anywhere; the lag between data month and publication month is inferred from the catalogue's own
dated releases, and only assumed (from the data file) when the catalogue has none.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal, Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from hmcts_data._catalogue._ids import PublicationId
from hmcts_data._catalogue._listing import Release
from hmcts_data._display import model_html
from hmcts_data._errors import ConfigurationError
from hmcts_data._registry import Schedule, registry

__all__ = [
    "ExpectedRelease",
    "Schedule",
    "expected_at",
    "infer_lag",
    "next_release",
    "schedules",
]

# A lag outside this range is a page misread, not a schedule.
_LAG_RANGE = range(7)
# How many recent releases the lag is inferred from.
_LAG_WINDOW = 12


class Publication(Protocol):
    """What the calendar reads of a publication (:class:`hmcts_data.Publication` fits).

    Stated here so that the calendar sits below the catalogue models, which ask it when their
    next release is due.
    """

    @property
    def id(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def releases(self) -> Sequence[Release]: ...


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ExpectedRelease(_Strict):
    """When the next release of a publication is expected, and on what grounds.

    Attributes:
        publication: The publication id.
        expected_at: The expected date and time, timezone-aware in UK civil time
            (``Europe/London``: GMT in winter, BST in summer).
        basis: ``"listed"`` (a date HMCTS listed) or ``"rule"`` (from the published rule:
            the second Thursday of the month at 9:30).
        data_month: The latest data month it is expected to carry (first day), inferred.
        lag_months: Months between data month and publication month used for ``data_month``.
        lag_basis: ``"catalogue"`` (inferred from the catalogue's dated releases) or
            ``"assumed"`` (no dated release: the calendar file's assumption).
        follows: The key (or slug) of the newest release in the catalogue, if any.
        missing: How many releases were expected by now (the check's time) after the newest
            one in the catalogue and are not in it: 0 when the catalogue is up to date.
        missing_since: When the first of those was expected.
        missing_data_month: The data month the first of those should carry (first day).
        checked: Whether GOV.UK answered for the catalogue (``Catalogue.checked``): then a
            missing release is late; otherwise the catalogue (offline, the snapshot) is
            behind, which says nothing about the publisher.

    Example:
        >>> monthly = hmcts_data.catalogue().get("monthly")  # doctest: +SKIP
        >>> print(monthly.next_release())  # doctest: +SKIP
        monthly: expected Thu 10 Jul 2025 09:30 BST (published rule: second Thursday, 09:30) ...
    """

    publication: PublicationId
    expected_at: AwareDatetime
    basis: Literal["listed", "rule"]
    data_month: date | None = None
    lag_months: int
    lag_basis: Literal["catalogue", "assumed"]
    follows: str | None = None
    missing: int = Field(default=0, ge=0)
    missing_since: AwareDatetime | None = None
    missing_data_month: date | None = None
    checked: bool = True

    @property
    def state(self) -> Literal["on schedule", "late", "behind"]:
        """Whether a release is late, the catalogue is behind, or all is on schedule.

        ``"late"``: a release expected by now is not on GOV.UK (it answered); ``"behind"``:
        this catalogue was not checked with GOV.UK and misses ``missing`` expected releases
        (refresh it); ``"on schedule"``: nothing expected is missing.

        Example:
            >>> next_release_for_month("monthly", 2025, 7).state
            'on schedule'
        """
        if self.missing == 0:
            return "on schedule"
        return "late" if self.checked else "behind"

    def describe_missing(self) -> str | None:
        """A sentence on what is missing and what to do, or ``None`` when on schedule.

        Example:
            >>> next_release_for_month("monthly", 2025, 7).describe_missing() is None
            True
        """
        if self.missing == 0 or self.missing_since is None:
            return None
        when = self.missing_since.strftime("%a %d %b %Y %H:%M %Z")
        month = f" (data to {self.missing_data_month:%B %Y})" if self.missing_data_month else ""
        if self.checked:
            more = f"; {self.missing - 1} more expected since" if self.missing > 1 else ""
            return (
                f"{self.publication}: late: the release expected {when}{month} is not on "
                f"GOV.UK yet{more}. Check again later."
            )
        newest = f" (newest here: {self.follows})" if self.follows else ""
        return (
            f"{self.publication}: this catalogue is {self.missing} expected release"
            f"{'' if self.missing == 1 else 's'} behind{newest}, the first due {when}; it was "
            "not checked with GOV.UK. Refresh it online: hmcts_data.catalogue(refresh=True), "
            "or hmcts-data whats-new without --offline."
        )

    def is_past(self, now: datetime | None = None) -> bool:
        """Whether the expected time has come (``now`` defaults to the current time).

        Example:
            >>> from datetime import UTC, datetime
            >>> e = next_release_for_month("monthly", 2025, 7)
            >>> e.is_past(datetime(2025, 7, 10, 8, 29, tzinfo=UTC)), e.is_past(
            ...     datetime(2025, 7, 10, 8, 30, tzinfo=UTC))
            (False, True)
        """
        return self.expected_at <= _now(now)

    def __str__(self) -> str:
        when = self.expected_at.strftime("%a %d %b %Y %H:%M %Z")
        basis = (
            "a date HMCTS listed"
            if self.basis == "listed"
            else "published rule: second Thursday, " + self.expected_at.strftime("%H:%M")
        )
        text = f"{self.publication}: expected {when} ({basis})"
        if self.data_month is not None:
            lag = "inferred from the catalogue" if self.lag_basis == "catalogue" else "assumed"
            text += (
                f", probably with data to {self.data_month:%B %Y} "
                f"({self.lag_months}-month lag, {lag})"
            )
        return text

    def _repr_html_(self) -> str:
        # Jupyter shows the fields as a table (every public model has an HTML display).
        return model_html(self, "ExpectedRelease")


def schedules() -> dict[str, Schedule]:
    """The release calendar of every scheduled publication, from the publication registry.

    Example:
        >>> schedules()["monthly"].rule
        'second-thursday'
    """
    return {p.id: p.calendar for p in registry().publication.values() if p.calendar is not None}


def expected_at(schedule: Schedule, year: int, month: int) -> tuple[datetime, bool]:
    """The expected release time in one month, and whether it is a listed date.

    Example:
        >>> s = schedules()["monthly"]
        >>> when, listed = expected_at(s, 2025, 5)
        >>> when.isoformat(), listed
        ('2025-05-08T09:30:00+01:00', False)
    """
    zone = _zone(schedule.timezone)
    for item in schedule.listed:
        if (item.date.year, item.date.month) == (year, month):
            return _at(item.date, item.time or schedule.time, zone), True
    return _at(_second_thursday(year, month), schedule.time, zone), False


def infer_lag(publication: Publication, schedule: Schedule) -> tuple[int, bool]:
    """Months between data month and publication month, and whether the catalogue showed it.

    The most common lag among the newest dated releases (first publication in UK time against
    the period's last month); the calendar file's assumption when no release is dated.

    Example:
        >>> from hmcts_data._catalogue._snapshot import load_snapshot
        >>> infer_lag(load_snapshot().get("monthly"), schedules()["monthly"])
        (2, False)
    """
    zone = _zone(schedule.timezone)
    lags: list[int] = []
    for release in publication.releases:
        if release.first_published is None or release.period_end is None:
            continue
        published = release.first_published.astimezone(zone)
        lag = _month_index(published.date()) - _month_index(release.period_end)
        if lag in _LAG_RANGE:
            lags.append(lag)
        if len(lags) == _LAG_WINDOW:
            break
    if not lags:
        return schedule.assumed_lag_months, False
    counts = Counter(lags)
    best = max(counts.values())
    # Ties go to the newest release's lag (releases are newest first).
    return next(lag for lag in lags if counts[lag] == best), True


def next_release(
    publication: Publication,
    *,
    now: datetime | None = None,
    checked: bool = True,
) -> ExpectedRelease | None:
    """The next release expected after ``now``, and what expected by then is missing.

    The release after the publication's newest one carries the next data month, published the
    inferred lag later, on that month's listed date or else by the rule; each month after it
    has its slot too. The slots that passed by ``now`` are releases expected and not in this
    catalogue (``missing``); the first slot after ``now`` is the answer. A release that came
    out late therefore does not make the next one look due early, and a stale catalogue does
    not make the next release look sixteen months overdue: it is said to be behind instead.
    With no dated release at all, the first slot after ``now``.

    Args:
        publication: The publication (its releases as discovered).
        now: The current time (aware; the clock by default).
        checked: Whether GOV.UK answered for the catalogue (see ``Catalogue.checked``).

    Returns:
        The expectation, or ``None`` when the publication has no calendar (ended, irregular).

    Example:
        >>> from datetime import UTC, datetime
        >>> from hmcts_data._catalogue._snapshot import load_snapshot
        >>> e = next_release(load_snapshot().get("monthly"),
        ...     now=datetime(2026, 12, 7, tzinfo=UTC), checked=False)
        >>> e.expected_at.date().isoformat(), e.state, e.missing
        ('2026-12-10', 'behind', 16)
    """
    schedule = schedules().get(publication.id)
    if schedule is None or publication.status != "live":
        return None
    current = _now(now)
    zone = _zone(schedule.timezone)
    lag, from_catalogue = infer_lag(publication, schedule)
    lag_basis: Literal["catalogue", "assumed"] = "catalogue" if from_catalogue else "assumed"
    dated = [r for r in publication.releases if r.period_end is not None]
    published = [r for r in publication.releases if r.first_published is not None]
    follows: str | None = None
    if dated:
        newest = max(dated, key=lambda r: r.period_end or date.min)
        assert newest.period_end is not None  # for mypy: filtered above
        first = _month_index(newest.period_end) + 1 + lag  # publication month of the next
        follows = newest.key or newest.slug
    elif published:
        newest_pub = max(published, key=lambda r: r.first_published or datetime.min)
        assert newest_pub.first_published is not None
        first = _month_index(newest_pub.first_published.astimezone(zone).date()) + 1
        follows = newest_pub.key or newest_pub.slug
    else:
        first = _month_index(current.astimezone(zone).date())
    month = first
    missed: list[tuple[datetime, int]] = []
    while True:
        target = _month_of(month)
        when, listed = expected_at(schedule, target.year, target.month)
        if when > current:
            break
        if dated or published:
            missed.append((when, month))
        month += 1
    since, since_month = missed[0] if missed else (None, None)
    return ExpectedRelease(
        publication=publication.id,
        expected_at=when,
        basis="listed" if listed else "rule",
        data_month=_month_of(month - lag),
        lag_months=lag,
        lag_basis=lag_basis,
        follows=follows,
        missing=len(missed),
        missing_since=since,
        missing_data_month=None if since_month is None else _month_of(since_month - lag),
        checked=checked,
    )


def next_release_for_month(publication: PublicationId, year: int, month: int) -> ExpectedRelease:
    """The expected release in a given publication month (for tests and examples).

    Raises:
        KeyError: The publication has no schedule.

    Example:
        >>> str(next_release_for_month("monthly", 2024, 11).expected_at)
        '2024-11-14 09:30:00+00:00'
    """
    schedule = schedules()[publication]
    when, listed = expected_at(schedule, year, month)
    return ExpectedRelease(
        publication=publication,
        expected_at=when,
        basis="listed" if listed else "rule",
        lag_months=schedule.assumed_lag_months,
        lag_basis="assumed",
    )


# -- helpers ------------------------------------------------------------------------------------


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigurationError(
            f"The time zone {name!r} is not available, so release times cannot be computed. "
            "Install the time zone database: pip install tzdata (pandas, a dependency of "
            "hmcts-data, normally brings it)."
        ) from None


def _at(day: date, hh_mm: str, zone: ZoneInfo) -> datetime:
    hour, minute = (int(p) for p in hh_mm.split(":"))
    return datetime.combine(day, time(hour, minute), tzinfo=zone)


def _second_thursday(year: int, month: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(3 - first.weekday()) % 7 + 7)


def _month_index(day: date) -> int:
    return day.year * 12 + day.month - 1


def _month_of(index: int) -> date:
    return date(index // 12, index % 12 + 1, 1)


def _now(now: datetime | None) -> datetime:
    if now is None:
        return datetime.now(UTC)
    if now.tzinfo is None:
        raise ConfigurationError(
            f"now={now!r} has no time zone; pass an aware datetime, e.g. "
            "datetime.now(UTC) or datetime(..., tzinfo=ZoneInfo('Europe/London'))"
        )
    return now
