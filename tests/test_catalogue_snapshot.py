"""The embedded snapshot: loads with no network, holds only documented facts, round-trips."""

from __future__ import annotations

import json
import os
import socket
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from hmcts_data import ParseError, StaleDataWarning
from hmcts_data._catalogue import catalogue
from hmcts_data._catalogue._ids import catalogue_ids
from hmcts_data._catalogue._snapshot import (
    dump_catalogue,
    load_catalogue_json,
    load_snapshot,
    write_snapshot,
)
from hmcts_data._registry import registry

LEGACY_PREFIX = "/government/uploads/system/uploads/attachment_data/file/"


def test_snapshot_loads_with_no_network_at_all(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the snapshot path touched the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    with pytest.warns(StaleDataWarning, match="snapshot"):
        cat = catalogue(offline=True)
    assert cat.source == "snapshot"
    assert cat.generated_at.utcoffset() is not None
    assert [p.id for p in cat] == list(catalogue_ids())


def test_offline_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HMCTS_DATA_OFFLINE", "1")
    with pytest.warns(StaleDataWarning):
        assert catalogue().source == "snapshot"


def test_snapshot_publication_facts_match_publications_toml() -> None:
    facts = registry()
    for pub in load_snapshot():
        fact = facts.publication[pub.id]
        assert (pub.title, pub.description, pub.status, pub.kind, pub.frequency) == (
            fact.title,
            fact.description,
            fact.status,
            fact.kind,
            fact.frequency,
        )
        assert pub.licence == "Open Government Licence v3.0"
        assert pub.collection_url == (facts.collection_url if fact.in_collection else None)


def test_snapshot_says_little_where_little_is_known() -> None:
    snap = load_snapshot()
    # The reference notes give no address for these pages: the snapshot must not invent one.
    for pid in ("remote-hearings", "ad-hoc", "user-guide"):
        assert snap.get(pid).releases == ()
        assert snap.get(pid).note
    assert snap.notes


def test_snapshot_urls_are_documented_forms_only() -> None:
    for release in load_snapshot().releases:
        parts = urlsplit(release.url)
        assert (parts.scheme, parts.netloc) == ("https", "www.gov.uk")
        assert parts.path == release.base_path
        assert release.base_path == "/government/statistical-data-sets/" + release.slug
        # Slugs not seen in a source follow the documented pattern and are marked inferred.
        if "slug" in release.inferred:
            assert {"base_path", "url"} <= set(release.inferred)
            assert release.note
        for attachment in release.attachments:
            assert attachment.filename
            if attachment.url is None:
                continue
            # Only legacy upload URLs are documented; /media/ ids are never made up.
            url = urlsplit(attachment.url)
            assert url.netloc == "assets.publishing.service.gov.uk"
            assert url.path.startswith(LEGACY_PREFIX)
            assert url.path.endswith("/" + attachment.filename)


def test_snapshot_holds_documented_monthly_facts() -> None:
    monthly = load_snapshot().get("monthly")
    april = monthly.release("2025-04")
    assert april.slug == "hmcts-management-information-april-2025"
    assert april.data_file().filename == "HMCTS_MI_output_accessible.csv"
    assert april.data_file().size == 7337
    assert monthly.release("2022-04").data_file().format.value == "xlsx"
    sept = monthly.release("hmcts-management-information-september-2019")
    assert (str(sept.period_start), str(sept.period_end)) == ("2018-09-01", "2019-09-30")
    assert "title" not in sept.inferred
    jan = monthly.release("2020-01").data_file()
    assert jan.url is not None
    assert jan.url.endswith("/871904/HMCTS_raw_data_for_Jan19_to_Jan20.csv")
    assert monthly.latest().key == "2025-05"
    reformed = load_snapshot().get("reformed-services")
    assert reformed.keys == ("2024-12", "2023-09")


def test_snapshot_agrees_with_the_real_files(real_samples: Path) -> None:
    # The real files were renamed locally; their size and periods identify the releases.
    monthly = load_snapshot().get("monthly")
    april = monthly.release("2025-04").data_file()
    assert (real_samples / "HMCTS_MI_output_accessible__Apr2024-Apr2025.csv").stat().st_size == (
        april.size
    )
    observed = {
        "2019-04": "HMCTS_raw_data_for_Apr18_to_Apr19.csv",
        "2021-04": "20210601_HMCTS_raw_data_for_Apr20_to_Apr21.csv",
        "2022-04": "HMCTS_Management_Information_April_2021_to_April_2022.xlsx",
    }
    for key, name in observed.items():
        assert (real_samples / name).is_file()
        assert monthly.release(key).data_file().filename == name


def test_snapshot_is_valid_json_with_derived_keys() -> None:
    text = (Path(__file__).parents[1] / "src/hmcts_data/_catalogue/snapshot.json").read_text()
    raw = json.loads(text)
    assert raw["source"] == "snapshot"
    for pub in raw["publications"]:
        for release in pub["releases"]:
            assert release["key"] == (release["period_end"] or "")[:7] or release["key"] is None


def test_broken_snapshot_text_is_a_parse_error_naming_the_origin() -> None:
    with pytest.raises(ParseError) as info:
        load_catalogue_json('{"publications": [], "source": "nowhere"}', origin="my.json")
    assert "my.json" in str(info.value)
    assert info.value.file == "my.json"
    with pytest.raises(ParseError):
        load_catalogue_json("not json", origin="x.json")


def test_write_snapshot_round_trip(tmp_path: Path) -> None:
    original = load_snapshot().model_copy(update={"source": "live"})
    path = write_snapshot(original, tmp_path / "sub" / "snap.json")
    again = load_catalogue_json(path.read_bytes(), origin=str(path))
    assert again.source == "snapshot"
    assert again.publications == original.publications
    assert again.generated_at == original.generated_at
    assert path.read_text(encoding="utf-8") == dump_catalogue(again)


def test_write_snapshot_is_all_or_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "snap.json"
    path.write_text("previous")

    def crash(*args: Any) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="disk full"):
        write_snapshot(load_snapshot(), path)
    assert path.read_text() == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["snap.json"]


def test_snapshot_age_is_stated_by_its_newest_release(capsys: pytest.CaptureFixture[str]) -> None:
    snapshot = load_snapshot()
    newest = max(r.period_end for r in snapshot.releases if r.period_end is not None)
    phrase = f"covers data to {newest:%B %Y}"
    with pytest.warns(StaleDataWarning) as caught:
        catalogue(offline=True)
    assert any(phrase in str(getattr(w.message, "detail", "")) for w in caught)
    from hmcts_data.cli import main

    assert main(["--offline", "catalogue"]) == 0
    assert phrase in capsys.readouterr().out
