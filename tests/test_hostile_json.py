"""Hostile JSON from GOV.UK never crashes discovery and never stays cached (issue 24, item 4).

Pages nested absurdly deep, timestamps at the ends of the calendar with +-14:00 offsets, and
lone UTF-16 surrogates in titles, served by the local stand-in over real HTTP.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from hmcts_data import Client, ParseError, StaleDataWarning
from hmcts_data._cache_layout import entry_dir
from hmcts_data._catalogue import catalogue
from hmcts_data._catalogue._discover import collection_api_path, discover
from hmcts_data._catalogue._store import load_discovery
from hmcts_data._json import MAX_JSON_DEPTH
from hmcts_data.cli import main
from hmcts_data.testing import FakeGovUK, build_site

DEEP = b"[" * 100_000 + b"]" * 100_000
EDGE_TIMES = ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "1066-10-14T09:00:00Z"]


@pytest.fixture
def fake() -> Iterator[FakeGovUK]:
    with FakeGovUK() as server:
        yield server


def client_for(fake: FakeGovUK, cache: Path, **overrides: Any) -> Client:
    settings: dict[str, Any] = {"backoff": 0.01, "retries": 1, "rate_limit": 1000.0}
    return Client(base_url=fake.base_url, cache_dir=cache, **(settings | overrides))


def served(fake: FakeGovUK, path: str) -> Any:
    return httpx.get(fake.url(path)).json()


def serve_raw(fake: FakeGovUK, path: str, body: bytes) -> None:
    fake.add_file(path, body, content_type="application/json")


def page_cached(cache: Path, fake: FakeGovUK, path: str) -> bool:
    return entry_dir(cache, "api", fake.url(path)).joinpath("body.json").exists()


@pytest.mark.parametrize("depth", [100_000, MAX_JSON_DEPTH + 1])
def test_deep_nesting_falls_back_and_is_not_cached(
    fake: FakeGovUK, tmp_path: Path, depth: int
) -> None:
    build_site(fake, monthly=3)
    good = served(fake, collection_api_path())
    serve_raw(fake, collection_api_path(), b"[" * depth + b"]" * depth)
    with client_for(fake, tmp_path) as client:
        with pytest.raises(ParseError, match="nested more than"):
            discover(client)
        with pytest.warns(StaleDataWarning, match="nested more than"):
            assert catalogue(client=client).source == "snapshot"
        assert not page_cached(tmp_path, fake, collection_api_path())
        # Fixed on the server: the next call discovers at once (no bad copy to wait out).
        fake.add_json(collection_api_path(), good)
        assert catalogue(client=client).source == "live"


def test_deep_page_after_a_good_discovery_falls_back_to_it(fake: FakeGovUK, tmp_path: Path) -> None:
    site = build_site(fake, monthly=3)
    with client_for(fake, tmp_path) as client:
        first = catalogue(client=client)
        serve_raw(fake, "/api/content" + site.pages_of("monthly")[0].base_path, DEEP)
        with pytest.warns(StaleDataWarning, match="last cached discovery"):
            again = catalogue(client=client, refresh="full")
    assert again.source == "cache"
    assert again.publications == first.publications


@pytest.mark.parametrize("when", EDGE_TIMES)
def test_absurd_page_timestamp_is_refused_and_not_cached(
    fake: FakeGovUK, tmp_path: Path, when: str
) -> None:
    site = build_site(fake, monthly=3)
    path = "/api/content" + site.pages_of("monthly")[1].base_path
    page = served(fake, path)
    page["public_updated_at"] = when
    fake.add_json(path, page)
    with client_for(fake, tmp_path) as client:
        with pytest.raises(ParseError) as caught:
            discover(client)
        assert "outside the years" in str(caught.value)
        assert caught.value.file == fake.url(path)
        with pytest.warns(StaleDataWarning):
            assert catalogue(client=client).source == "snapshot"
    assert not page_cached(tmp_path, fake, path)


@pytest.mark.parametrize("when", EDGE_TIMES)
def test_absurd_listed_timestamp_only_means_unknown(
    fake: FakeGovUK, tmp_path: Path, when: str
) -> None:
    site = build_site(fake, monthly=3)
    collection = served(fake, collection_api_path())
    for doc in collection["links"]["documents"]:
        doc["public_updated_at"] = when
    with client_for(fake, tmp_path) as client:
        catalogue(client=client)
        # An incremental refresh compares listed times with the earlier discovery's.
        fake.add_json(collection_api_path(), collection)
        cat = catalogue(client=client, refresh=True)
    assert cat.source == "live"
    assert len(cat.releases) == len(site.pages)


def test_lone_surrogate_in_a_title_is_stored_replaced(fake: FakeGovUK, tmp_path: Path) -> None:
    site = build_site(fake, monthly=3)
    path = "/api/content" + site.pages_of("monthly")[0].base_path
    page = served(fake, path)
    title = page["title"]
    # json.dumps escapes a lone surrogate as \ud800, legal JSON that cannot become UTF-8.
    page["title"] = title + " \ud800"
    serve_raw(fake, path, json.dumps(page).encode("ascii"))
    with client_for(fake, tmp_path) as client:
        cat = catalogue(client=client)
        assert cat.source == "live"
        saved = load_discovery(client)
    assert saved is not None  # the discovery was stored
    titles = {r.title for r in saved.releases}
    assert title + " \ufffd" in titles


def test_cli_catalogue_on_a_deep_page_warns_without_a_traceback(
    fake: FakeGovUK,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    build_site(fake, monthly=2)
    serve_raw(fake, collection_api_path(), DEEP)
    monkeypatch.setenv("HMCTS_DATA_BASE_URL", fake.base_url)
    monkeypatch.setenv("HMCTS_DATA_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("HMCTS_DATA_RATE_LIMIT", "1000")
    monkeypatch.setenv("HMCTS_DATA_RETRIES", "0")
    code = main(["catalogue"])
    err = capsys.readouterr().err
    assert code == 0
    assert "nested more than" in err  # the warning says why the snapshot was used
    assert "Traceback" not in err
    assert "RecursionError" not in err
