"""The release calendar: expected dates from listed dates and the rule, due releases, BST/GMT.

Expectations come from the calendar rule stated in the reference notes (second Thursday, 9:30
UK time) and from what the stand-in site was asked to publish, not from the code under test.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from hmcts_data import Client, ConfigurationError
from hmcts_data._build import FactError, build
from hmcts_data._catalogue import catalogue
from hmcts_data._catalogue._calendar import next_release, schedules
from hmcts_data._catalogue._models import Publication, Release
from hmcts_data._registry import Schedule
from hmcts_data.testing import FakeGovUK, build_site

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def fake() -> Iterator[FakeGovUK]:
    with FakeGovUK() as server:
        yield server


def client_for(fake: FakeGovUK) -> Client:
    return Client(base_url=fake.base_url, rate_limit=1000.0, backoff=0.01, retries=1)


def monthly(*releases: tuple[date, datetime | None]) -> Publication:
    """A monthly publication whose releases end in the given months, published when given."""
    items = [
        Release(
            publication="monthly",
            slug=f"hmcts-management-information-{end:%B-%Y}".lower(),
            base_path=f"/government/statistical-data-sets/x-{end:%Y-%m}",
            url=f"https://www.gov.uk/x-{end:%Y-%m}",
            title=f"SYNTHETIC {end:%B %Y}",
            period_start=end.replace(year=end.year - 1),
            period_end=end,
            period_precision="month",
            first_published=published,
            last_updated=published,
        )
        for end, published in releases
    ]
    items.sort(key=lambda r: r.period_end or date.min, reverse=True)
    return Publication(
        id="monthly",
        title="SYNTHETIC",
        description="SYNTHETIC",
        frequency="monthly",
        status="live",
        releases=tuple(items),
    )


def london(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


def test_a_due_release_then_its_arrival(fake: FakeGovUK) -> None:
    site = build_site(fake, monthly=12, last_month=date(2025, 4, 1))
    with client_for(fake) as client:
        pub = catalogue(client=client).get("monthly")
        expected = pub.next_release(now=london(2025, 7, 1, 9, 0))
        assert expected is not None
        # April's data came out on 12 June 2025, so May's is due on the second Thursday of
        # July (the 10th) at 9:30 BST.
        assert expected.expected_at == london(2025, 7, 10, 9, 30)
        assert expected.expected_at.utcoffset() == timedelta(hours=1)
        assert expected.basis == "rule"
        assert expected.data_month == date(2025, 5, 1)
        assert (expected.lag_months, expected.lag_basis) == (2, "catalogue")
        assert expected.follows == "2025-04"
        assert not pub.is_due(now=london(2025, 7, 10, 9, 29))
        assert pub.is_due(now=london(2025, 7, 10, 9, 30))
        assert pub.is_due(now=london(2025, 7, 24, 12, 0))  # late: still due, not skipped

        site = site.publish_monthly(at=london(2025, 7, 10, 9, 30))
        after = catalogue(client=client, refresh=True).get("monthly")
    assert after.latest().slug == site.pages[0].slug
    assert not after.is_due(now=london(2025, 7, 11, 9, 0))
    upcoming = after.next_release(now=london(2025, 7, 11, 9, 0))
    assert upcoming is not None
    assert upcoming.expected_at == london(2025, 8, 14, 9, 30)
    assert upcoming.data_month == date(2025, 6, 1)


@pytest.mark.parametrize(
    ("latest", "expected", "offset_hours", "basis"),
    [
        # Listed dates in the calendar file (GMT after the October clock change).
        (date(2024, 7, 1), datetime(2024, 10, 10, 9, 30), 1, "listed"),
        (date(2024, 8, 1), datetime(2024, 11, 14, 9, 30), 0, "listed"),
        (date(2024, 9, 1), datetime(2024, 12, 12, 9, 30), 0, "listed"),
        # Year end: November's data (after October's) is published in January.
        (date(2024, 10, 1), datetime(2025, 1, 9, 9, 30), 0, "rule"),
        # Either side of the March 2025 change to BST (Sunday 30 March).
        (date(2024, 12, 1), datetime(2025, 3, 13, 9, 30), 0, "rule"),
        (date(2025, 1, 1), datetime(2025, 4, 10, 9, 30), 1, "rule"),
        # 1 May 2025 is a Thursday: the second Thursday is the 8th, not the 1st.
        (date(2025, 2, 1), datetime(2025, 5, 8, 9, 30), 1, "rule"),
        # 1 August 2025 is a Friday: the second Thursday is the 14th.
        (date(2025, 5, 1), datetime(2025, 8, 14, 9, 30), 1, "rule"),
        # October 2025 is still BST (the change back is on the 26th).
        (date(2025, 7, 1), datetime(2025, 10, 9, 9, 30), 1, "rule"),
    ],
)
def test_expected_dates_around_month_ends_and_clock_changes(
    latest: date, expected: datetime, offset_hours: int, basis: str
) -> None:
    # The newest release carries data to ``latest``, so the next carries the month after,
    # published two months later: the lag the one dated (older) release shows.
    pub = monthly(
        (latest, None),
        (date(2023, 11, 1), london(2024, 1, 11, 9, 30)),
    )
    got = next_release(pub, now=expected.replace(tzinfo=LONDON) - timedelta(days=20))
    assert got is not None
    assert got.expected_at == expected.replace(tzinfo=LONDON)
    assert got.expected_at.utcoffset() == timedelta(hours=offset_hours)
    assert got.basis == basis
    assert got.lag_basis == "catalogue"


def test_the_lag_is_inferred_from_the_catalogue_not_assumed() -> None:
    # Releases published three months after their data month (SYNTHETIC): the next one
    # (data to May 2025) is expected in August, not July.
    pub = monthly(
        (date(2025, 4, 1), london(2025, 7, 10, 9, 30)),
        (date(2025, 3, 1), london(2025, 6, 12, 9, 30)),
        (date(2025, 2, 1), london(2025, 5, 8, 9, 30)),
    )
    got = next_release(pub, now=london(2025, 7, 11, 9, 0))
    assert got is not None
    assert (got.lag_months, got.lag_basis) == (3, "catalogue")
    assert got.expected_at == london(2025, 8, 14, 9, 30)
    # With no dated release the calendar file's assumption is used, and says so.
    undated = next_release(monthly((date(2025, 4, 1), None)), now=london(2025, 6, 1, 9, 0))
    assert undated is not None
    assert undated.lag_basis == "assumed"
    assert undated.lag_months == schedules()["monthly"].assumed_lag_months


def test_a_late_release_does_not_make_the_next_one_due_early() -> None:
    # April's data came out a week late (19 June); May's is still expected on 10 July.
    pub = monthly(
        (date(2025, 4, 1), london(2025, 6, 19, 9, 30)),
        (date(2025, 3, 1), london(2025, 5, 8, 9, 30)),
    )
    got = next_release(pub, now=london(2025, 7, 1, 12, 0))
    assert got is not None
    assert got.expected_at == london(2025, 7, 10, 9, 30)
    assert not pub.is_due(now=london(2025, 7, 1, 12, 0))


def test_no_release_to_follow_uses_the_next_slot_after_now() -> None:
    empty = monthly()
    # 23:30 UTC on 31 May is already 1 June in London: June's slot (the 12th) is next.
    got = next_release(empty, now=datetime(2025, 5, 31, 23, 30, tzinfo=UTC))
    assert got is not None
    assert got.expected_at == london(2025, 6, 12, 9, 30)
    assert got.follows is None
    # A minute after June's slot, July's is next.
    later = next_release(empty, now=datetime(2025, 6, 12, 8, 31, tzinfo=UTC))
    assert later is not None
    assert later.expected_at == london(2025, 7, 10, 9, 30)


def test_publications_without_a_schedule_are_never_due() -> None:
    pub = monthly((date(2025, 4, 1), None)).model_copy(update={"status": "ended"})
    assert pub.next_release() is None
    assert not pub.is_due()


def test_a_naive_now_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="no time zone"):
        monthly().is_due(now=datetime(2025, 7, 10, 9, 30))


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"time": "9:30am"}, "HH:MM"),
        ({"rule": "first-monday"}, "second-thursday"),
        ({"assumed_lag_months": 12}, "between 0 and 6"),
        (
            {"listed": [{"date": date(2024, 10, 10)}, {"date": date(2024, 10, 17)}]},
            "more than one listed date in 2024-10",
        ),
    ],
)
def test_the_calendar_file_is_validated(change: dict[str, object], problem: str) -> None:
    with pytest.raises(FactError, match=problem):
        build(Schedule, {**_good(), **change})


def test_an_unknown_time_zone_names_the_fix() -> None:
    # At load this becomes a ParseError naming the registry; the message keeps the fix.
    with pytest.raises(FactError, match="pip install tzdata"):
        build(Schedule, {**_good(), "timezone": "Europe/Atlantis"})


def _good() -> dict[str, object]:
    """The monthly schedule as the registry file gives it (TOML-shaped)."""
    good = dataclasses.asdict(schedules()["monthly"])
    good["listed"] = [{k: v for k, v in d.items() if v is not None} for d in good["listed"]]
    return good


def test_the_calendar_looks_forward_from_today() -> None:
    # The newest release carries data to May 2025; on 7 December 2026 the next expected
    # release is December's, and the sixteen expected since August 2025 are missing.
    pub = monthly((date(2025, 5, 1), london(2025, 7, 10, 9, 30)))
    today = london(2026, 12, 7, 12, 0)
    got = next_release(pub, now=today)
    assert got is not None
    assert got.expected_at == london(2026, 12, 10, 9, 30)
    assert got.expected_at > today
    assert got.data_month == date(2026, 10, 1)
    assert got.missing == 16
    assert got.missing_since == london(2025, 8, 14, 9, 30)
    assert got.missing_data_month == date(2025, 6, 1)
    assert got.follows == "2025-05"
    assert pub.is_due(now=today)


def test_late_and_behind_are_told_apart() -> None:
    pub = monthly((date(2025, 5, 1), london(2025, 7, 10, 9, 30)))
    # GOV.UK answered and one release is missing: late, "check again later".
    late = next_release(pub, now=london(2025, 8, 20, 9, 0), checked=True)
    assert late is not None
    assert (late.state, late.missing) == ("late", 1)
    text = late.describe_missing()
    assert text is not None
    assert "late" in text
    assert "behind" not in text
    # Offline or the snapshot: the catalogue is behind, and the way to refresh is given.
    stale = next_release(pub, now=london(2026, 12, 7, 12, 0), checked=False)
    assert stale is not None
    assert stale.state == "behind"
    text = stale.describe_missing()
    assert text is not None
    assert "16 expected releases behind" in text
    assert "refresh=True" in text
    assert "late" not in text
    on_time = next_release(pub, now=london(2025, 8, 1, 9, 0), checked=False)
    assert on_time is not None
    assert on_time.state == "on schedule"
    assert on_time.describe_missing() is None


def test_an_offline_catalogue_says_it_is_behind(tmp_path: Path) -> None:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cat = catalogue(client=Client(offline=True, cache_dir=tmp_path))
    got = cat.get("monthly").next_release(now=london(2026, 12, 7, 12, 0))
    assert got is not None
    assert got.state == "behind"
    assert got.expected_at == london(2026, 12, 10, 9, 30)
