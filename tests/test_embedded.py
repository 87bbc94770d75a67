"""The real releases embedded in the package, and load() falling back to them on a dead network.

The fallback tests run against real loopback servers that fail the way networks do: a port
that refuses connections, and a server that accepts and never answers.
"""

from __future__ import annotations

import hashlib
import time
import warnings
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import hmcts_data
from hmcts_data import (
    Client,
    EmbeddedDataWarning,
    NetworkError,
    OfflineError,
    StaleDataWarning,
)
from hmcts_data.cli import EXIT_CODES, exit_code_for
from hmcts_data.testing import FakeGovUK
from hmcts_data.testing._demo import build_data_site
from tests._network import refused_port, silent_server

EMBEDDED = hmcts_data.embedded_releases()


def _files() -> Any:
    return resources.files("hmcts_data._embedded").joinpath("files")


def test_every_embedded_file_matches_its_provenance() -> None:
    assert [r.era for r in EMBEDDED] == ["A", "B", "C", "D", "D"]
    assert [r.release for r in EMBEDDED][-2:] == ["2025-04", "2025-05"]  # a consecutive pair
    listed = {r.file for r in EMBEDDED}
    shipped = {p.name for p in _files().iterdir()}
    assert shipped == listed  # no file without provenance, no provenance without a file
    for item in EMBEDDED:
        data = _files().joinpath(item.file).read_bytes()
        assert len(data) == item.size
        assert hashlib.sha256(data).hexdigest() == item.sha256
        assert "@" in item.source
        assert ":" in item.source


def test_embedded_files_are_the_published_bytes(real_samples: Path) -> None:
    for item in EMBEDDED:
        assert _files().joinpath(item.file).read_bytes() == (real_samples / item.file).read_bytes()


def test_licence_attribution_is_shipped_and_documented() -> None:
    from hmcts_data._embedded import attribution

    assert "Open Government Licence v3.0" in attribution()
    assert "© Crown copyright" in attribution()
    docs = (Path(__file__).resolve().parents[1] / "docs" / "offline.md").read_text()
    assert "Open Government Licence v3.0" in docs
    for item in EMBEDDED:
        assert item.source in docs


def _quiet(call: Callable[[], Any]) -> tuple[Any, list[warnings.WarningMessage]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = call()
    return result, caught


def _embedded_warnings(caught: list[warnings.WarningMessage]) -> list[str]:
    """Each embedded-data warning's first line and its detail, as one text."""
    found = []
    for w in caught:
        if issubclass(w.category, EmbeddedDataWarning):
            head = str(w.message)
            assert len(head) < 200  # one line a person reads
            assert "\n" not in head
            found.append(f"{head} {getattr(w.message, 'detail', '')}")
    return found


@pytest.fixture
def offline_client(tmp_path: Path) -> Client:
    return Client(offline=True, cache_dir=tmp_path / "cache")


def test_offline_load_latest_is_the_newest_embedded_release(offline_client: Client) -> None:
    frame, caught = _quiet(lambda: hmcts_data.load("monthly", client=offline_client))
    newest = EMBEDDED[-1]
    assert set(frame["release"]) == {newest.release}
    assert set(frame["sha256"]) == {newest.sha256}
    assert set(frame["source_url"]) == {newest.source_url}
    assert set(frame["source_url"].str.startswith("embedded:")) == {True}
    assert set(frame["source_file"]) == {newest.published_name}
    (message,) = _embedded_warnings(caught)
    assert newest.label in message
    assert "Run again online" in message  # how to get current data
    assert "Crown copyright" in message


def test_offline_load_all_series_and_revisions_use_every_embedded_release(
    offline_client: Client,
) -> None:
    frame, caught = _quiet(lambda: hmcts_data.load("monthly", "all", client=offline_client))
    assert sorted(frame["release"].unique()) == [r.release for r in EMBEDDED]
    (message,) = _embedded_warnings(caught)
    for item in EMBEDDED:
        assert item.label in message
    assert "2025-03" not in message  # listed in the snapshot without files: not asked for
    series, caught = _quiet(lambda: hmcts_data.series(client=offline_client))
    assert _embedded_warnings(caught)
    assert set(series["release"]) <= {r.release for r in EMBEDDED}
    assert series["period_start"].min() == pd.Timestamp("2018-04-01")
    assert len(hmcts_data.revisions(frame)) > 0


def test_offline_release_without_an_embedded_copy_says_what_to_do(offline_client: Client) -> None:
    with pytest.raises(OfflineError) as info:
        _quiet(lambda: hmcts_data.load("monthly", "2021-01", client=offline_client))
    text = str(info.value)
    assert "Offline mode is on" in text
    assert "embedded" in text
    assert "2025-04" in text
    assert "hmcts_data.read('monthly'" in text
    assert "https://www.gov.uk/government/statistical-data-sets/" in text  # where to get it
    cli = info.value.cli_text
    assert cli is not None
    assert "hmcts-data read monthly" in cli
    assert "hmcts_data." not in cli
    assert exit_code_for(info.value) == EXIT_CODES[OfflineError]


def _timed(call: Callable[[], Any]) -> tuple[float, Any, list[warnings.WarningMessage]]:
    started = time.monotonic()
    result, caught = _quiet(call)
    return time.monotonic() - started, result, caught


def test_refused_network_answers_within_5_seconds(tmp_path: Path) -> None:
    base = f"http://127.0.0.1:{refused_port()}"
    with Client(base_url=base, cache_dir=tmp_path / "a") as client:
        took, cat, caught = _timed(lambda: hmcts_data.catalogue(client=client))
    assert took < 5.0
    assert cat.source == "snapshot"
    assert any("connection refused" in str(w.message) for w in caught)
    with Client(base_url=base, cache_dir=tmp_path / "b") as client:
        took, frame, caught = _timed(lambda: hmcts_data.load("monthly", client=client))
    assert took < 5.0
    assert set(frame["release"]) == {EMBEDDED[-1].release}
    assert _embedded_warnings(caught)


def test_refused_network_explicit_release_is_a_network_error(tmp_path: Path) -> None:
    base = f"http://127.0.0.1:{refused_port()}"
    with Client(base_url=base, cache_dir=tmp_path) as client:
        started = time.monotonic()
        with pytest.raises(NetworkError) as info:
            _quiet(lambda: hmcts_data.load("monthly", "2020-04", client=client))
        assert time.monotonic() - started < 5.0
    text = str(info.value)
    assert "127.0.0.1" in text  # which host
    assert "cache" in text
    assert "embedded" in text
    assert "HMCTS_DATA_OFFLINE=1" in text
    assert "hmcts_data.read(" in text
    assert "TIMEOUT" not in text
    assert info.value.cli_text is not None
    assert "--offline" in info.value.cli_text
    assert exit_code_for(info.value) != exit_code_for(OfflineError("x"))


def test_silent_network_answers_within_20_seconds(tmp_path: Path) -> None:
    # Default settings: what a user behind a packet-dropping firewall gets.
    with silent_server() as base:
        with Client(base_url=base, cache_dir=tmp_path / "a") as client:
            took, cat, caught = _timed(lambda: hmcts_data.catalogue(client=client))
        assert took < 20.0
        assert cat.source == "snapshot"
        message = " ".join(str(w.message) for w in caught)
        assert "no answer within" in message
        assert "HMCTS_DATA_TIMEOUT" not in message  # never "wait longer" for silence
        with Client(base_url=base, cache_dir=tmp_path / "b") as client:
            took, frame, caught = _timed(lambda: hmcts_data.load("monthly", client=client))
        assert took < 20.0
        assert set(frame["source_url"].str.startswith("embedded:")) == {True}
        assert _embedded_warnings(caught)


def test_a_client_pays_for_a_dead_network_once(tmp_path: Path) -> None:
    base = f"http://127.0.0.1:{refused_port()}"
    with Client(base_url=base, cache_dir=tmp_path, backoff=0.5, retries=4) as client:
        _quiet(lambda: hmcts_data.catalogue(client=client))
        took, frame, caught = _timed(lambda: hmcts_data.load("monthly", "all", client=client))
    assert took < 1.0  # the breaker is open: no connection is even tried
    assert any(
        "found unreachable" in f"{w.message} {getattr(w.message, 'detail', '')}" for w in caught
    )
    assert sorted(frame["release"].unique()) == [r.release for r in EMBEDDED]


def test_online_live_data_wins(tmp_path: Path) -> None:
    with FakeGovUK() as fake:
        build_data_site(fake, monthly=3)
        with Client(base_url=fake.base_url, cache_dir=tmp_path, rate_limit=100) as client:
            frame, caught = _quiet(lambda: hmcts_data.load("monthly", "all", client=client))
    assert not [w for w in caught if issubclass(w.category, StaleDataWarning)]
    assert not frame["source_url"].str.startswith("embedded:").any()
    assert frame["source_url"].str.startswith(fake.base_url).all()
