"""whats_new() and `hmcts-data whats-new` against the local stand-in: new, updated, due."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

import hmcts_data
from hmcts_data import Client, ConfigurationError, NotFoundError
from hmcts_data._catalogue._discover import collection_api_path
from hmcts_data.cli import main
from hmcts_data.testing import FakeGovUK, build_site

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def fake() -> Iterator[FakeGovUK]:
    with FakeGovUK() as server:
        yield server


def client_for(fake: FakeGovUK) -> Client:
    return Client(base_url=fake.base_url, rate_limit=1000.0, backoff=0.01, retries=1)


def test_a_new_release_appears_and_costs_three_requests(fake: FakeGovUK) -> None:
    site = build_site(fake, monthly=12, last_month=date(2025, 4, 1))
    newest = site.pages_of("monthly")[0]
    with client_for(fake) as client:
        hmcts_data.catalogue(client=client)  # warm
        # Nothing since April's release came out: two revalidations, no event, May is due.
        fake.reset_counts()
        quiet = hmcts_data.whats_new(
            since=newest.first_published + timedelta(hours=1),
            client=client,
            now=datetime(2025, 7, 10, 10, 0, tzinfo=LONDON),
        )
        assert fake.count() == 2
        assert not quiet
        assert [d.publication for d in quiet.due] == ["monthly"]
        assert quiet.due[0].missing_since == datetime(2025, 7, 10, 9, 30, tzinfo=LONDON)
        assert quiet.due[0].state == "late"  # GOV.UK answered: late, not a stale catalogue
        assert quiet.behind == ()
        assert "late: the release expected Thu 10 Jul 2025" in str(quiet)

        at = datetime(2025, 7, 10, 9, 30, tzinfo=LONDON)
        site = site.publish_monthly(at=at)
        fake.reset_counts()
        news = hmcts_data.whats_new(
            since=date(2025, 7, 1), client=client, now=datetime(2025, 7, 10, 10, tzinfo=LONDON)
        )
        paths = sorted(r.path for r in fake.requests)
    assert paths == sorted(
        [collection_api_path(), "/api/search.json", "/api/content" + site.pages[0].base_path]
    )
    assert [(e.kind, e.publication, e.key) for e in news.events] == [
        ("published", "monthly", "2025-05")
    ]
    assert news.events[0].at == at
    assert news.events[0].note == "First published."
    assert news.due == ()
    assert [u.expected_at for u in news.upcoming] == [datetime(2025, 8, 14, 9, 30, tzinfo=LONDON)]


def test_a_release_updated_in_place_is_reported_as_updated(fake: FakeGovUK) -> None:
    site = build_site(fake, monthly=6, last_month=date(2025, 4, 1))
    page = site.pages_of("monthly")[1]
    when = datetime(2025, 7, 2, 14, 0, tzinfo=UTC)
    with client_for(fake) as client:
        hmcts_data.catalogue(client=client)
        site.update_in_place(page.slug, at=when, note="SYNTHETIC: March figures corrected")
        news = hmcts_data.whats_new(since="2025-07-01", client=client)
        # Since a release: its own publication is not news, later updates are.
        since_release = hmcts_data.whats_new(since=page.slug, client=client)
    assert [(e.kind, e.slug, e.note) for e in news.events] == [
        ("updated", page.slug, "SYNTHETIC: March figures corrected")
    ]
    assert news.events[0].at == when
    kinds = [(e.kind, e.slug) for e in since_release.events]
    assert ("published", page.slug) not in kinds
    assert ("updated", page.slug) in kinds
    assert ("published", site.pages_of("monthly")[0].slug) in kinds


def test_since_forms(fake: FakeGovUK) -> None:
    site = build_site(fake, monthly=4, last_month=date(2025, 4, 1))
    newest = site.pages_of("monthly")[0]
    with client_for(fake) as client:
        cat = hmcts_data.catalogue(client=client)
        by_key = hmcts_data.whats_new(since="2025-03", client=client)
        by_release = hmcts_data.whats_new(
            since=cat.get("monthly").release("2025-03"), client=client
        )
        # A day starts at midnight UK time: 12 June (BST) starts at 23:00 UTC on the 11th.
        day = hmcts_data.whats_new(since=date(2025, 6, 12), client=client)
        naive_text = hmcts_data.whats_new(since="2025-06-12T09:00", client=client)
        with pytest.raises(ConfigurationError, match="no time zone"):
            hmcts_data.whats_new(since=datetime(2025, 6, 1), client=client)
        with pytest.raises(NotFoundError):
            hmcts_data.whats_new(since="no-such-release", client=client)
    assert (by_key.since, by_key.events) == (by_release.since, by_release.events)
    assert [e.slug for e in by_key.events if e.kind == "published"] == [newest.slug]
    assert day.since == datetime(2025, 6, 11, 23, 0, tzinfo=UTC)
    assert naive_text.since == datetime(2025, 6, 12, 8, 0, tzinfo=UTC)
    assert [e.slug for e in day.events] == [e.slug for e in naive_text.events] == [newest.slug]


def test_cli_text_and_json(
    fake: FakeGovUK,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: object,
) -> None:
    site = build_site(fake, monthly=4, last_month=date(2025, 4, 1))
    newest = site.pages_of("monthly")[0]
    monkeypatch.setenv("HMCTS_DATA_BASE_URL", fake.base_url)
    monkeypatch.setenv("HMCTS_DATA_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("HMCTS_DATA_RATE_LIMIT", "1000")
    assert main(["whats-new", "--since", "2025-06-01"]) == 0
    text = capsys.readouterr().out
    assert "Since 01 Jun 2025 00:00 BST:" in text
    assert "2025-04" in text
    assert "published" in text
    assert main(["whats-new", "--since", "2025-06-01", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [(e["kind"], e["key"], e["slug"]) for e in data["events"]] == [
        ("published", "2025-04", newest.slug)
    ]
    assert data["since"] == "2025-05-31T23:00:00Z"
    assert {"checked_at", "source", "due", "upcoming"} <= set(data)
    # Offline: the cached discovery, no request.
    fake.reset_counts()
    assert main(["--offline", "whats-new", "--since", "2025-06-01", "--json"]) == 0
    assert fake.count() == 0
    assert json.loads(capsys.readouterr().out)["events"] == data["events"]


def test_offline_whats_new_says_the_catalogue_is_behind_not_that_a_release_is_late(
    tmp_path: Path,
) -> None:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        news = hmcts_data.whats_new(
            client=Client(offline=True, cache_dir=tmp_path),
            now=datetime(2026, 12, 7, 12, tzinfo=LONDON),
        )
    assert news.due == ()
    assert [b.publication for b in news.behind] == ["monthly"]
    assert news.behind[0].missing == 16
    text = str(news)
    assert "16 expected releases behind" in text
    assert "due, not yet seen" not in text
    monthly = next(u for u in news.upcoming if u.publication == "monthly")
    assert monthly.expected_at == datetime(2026, 12, 10, 9, 30, tzinfo=LONDON)
