"""``hmcts-data catalogue`` against the snapshot (offline) and the fake GOV.UK."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hmcts_data._catalogue._snapshot import load_catalogue_json
from hmcts_data.cli import main
from hmcts_data.testing import FakeGovUK, build_site


@pytest.fixture
def site_env(fake_govuk: FakeGovUK, monkeypatch: pytest.MonkeyPatch) -> FakeGovUK:
    monkeypatch.setenv("HMCTS_DATA_RATE_LIMIT", "1000")
    monkeypatch.setenv("HMCTS_DATA_RETRIES", "0")
    return fake_govuk


def test_offline_lists_every_publication_from_the_snapshot(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["--offline", "catalogue"]) == 0
    out, err = capsys.readouterr()
    for pid in ("monthly", "weekly-covid", "remote-hearings", "reformed-services", "ad-hoc"):
        assert f"\n{pid}: " in out
    assert "snapshot" in out
    assert "warning:" in err
    assert "snapshot" in err
    # Newest first: May 2025 is listed before April 2025.
    assert out.index("2025-05") < out.index("2025-04")


def test_offline_publication_shows_releases_and_attachments(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["--offline", "catalogue", "monthly"]) == 0
    out = capsys.readouterr().out
    assert "HMCTS_MI_output_accessible.csv, 7,337 bytes" in out
    assert "inferred, not read from GOV.UK" in out
    assert "Open Government Licence v3.0" in out


def test_unknown_publication_exits_8_with_a_suggestion(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--offline", "catalogue", "montly"]) == 8
    assert "'monthly'" in capsys.readouterr().err


def test_json_against_the_fake_site(
    site_env: FakeGovUK, capsys: pytest.CaptureFixture[str]
) -> None:
    site = build_site(site_env, monthly=5)
    assert main(["catalogue", "monthly", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["id"] == "monthly"
    assert next(r["slug"] for r in data["releases"]) == site.pages_of("monthly")[0].slug
    assert len(data["releases"]) == len(site.pages_of("monthly"))
    assert main(["catalogue", "--json"]) == 0
    whole = json.loads(capsys.readouterr().out)
    assert whole["source"] == "cache"  # the first command's discovery was cached
    assert sum(len(p["releases"]) for p in whole["publications"]) == len(site.pages)


def test_table_shows_newest_releases_and_all_on_request(
    site_env: FakeGovUK, capsys: pytest.CaptureFixture[str]
) -> None:
    site = build_site(site_env, monthly=10)
    assert main(["catalogue"]) == 0
    out = capsys.readouterr().out
    assert "... and 4 older" in out
    assert main(["catalogue", "--all", "--refresh"]) == 0
    out = capsys.readouterr().out
    assert all(p.release.title in out for p in site.pages_of("monthly"))


def test_write_snapshot_from_the_fake_site(
    site_env: FakeGovUK, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = build_site(site_env, monthly=4)
    target = tmp_path / "snapshot.json"
    assert main(["catalogue", "--refresh", "--write-snapshot", str(target)]) == 0
    out = capsys.readouterr().out
    assert str(target) in out
    snap = load_catalogue_json(target.read_bytes(), origin=str(target))
    assert snap.source == "snapshot"
    assert snap.base_url == site_env.base_url
    assert len(snap.releases) == len(site.pages)
    # The snapshot alone: nothing pre-built beside it.
    assert [p.name for p in tmp_path.iterdir()] == ["snapshot.json"]


def test_write_snapshot_refuses_offline(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "snapshot.json"
    assert main(["--offline", "catalogue", "--write-snapshot", str(target)]) == 9
    assert "--write-snapshot" in capsys.readouterr().err
    assert not target.exists()


def test_write_snapshot_never_falls_back(
    site_env: FakeGovUK, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    build_site(site_env, monthly=2)
    site_env.go_offline(True)
    target = tmp_path / "snapshot.json"
    assert main(["catalogue", "--write-snapshot", str(target)]) == 3
    assert not target.exists()
