"""Module-level functions share one default client per configuration (issue 13, point 5)."""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path

import pytest

import hmcts_data
from hmcts_data import Client
from hmcts_data._client import _close_defaults, default_client
from hmcts_data.testing import FakeGovUK
from hmcts_data.testing._demo import build_data_site


def test_same_environment_same_client_changed_environment_another(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("HMCTS_DATA_CACHE_DIR", str(tmp_path / "a"))
    first = default_client()
    assert default_client() is first
    assert default_client(offline=True) is not first
    assert default_client(offline=True).settings.offline
    monkeypatch.setenv("HMCTS_DATA_CACHE_DIR", str(tmp_path / "b"))
    other = default_client()
    assert other is not first
    assert other.cache.root == tmp_path / "b"


def test_threads_get_one_client(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HMCTS_DATA_CACHE_DIR", str(tmp_path / "threads"))
    seen: list[object] = []
    barrier = threading.Barrier(8)

    def grab() -> None:
        barrier.wait()
        seen.append(default_client())

    threads = [threading.Thread(target=grab) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({id(c) for c in seen}) == 1


def test_module_download_reuses_the_pool_and_the_cache(
    fake_govuk: FakeGovUK, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("HMCTS_DATA_CACHE_DIR", str(tmp_path / "dl"))
    url = fake_govuk.add_file("/media/x/data.csv", b"a,b\n1,2\n", content_type="text/csv")
    first = hmcts_data.download(url)
    client = default_client()
    http = client._http
    assert http is not None  # the module-level call used (and kept) the default client
    fake_govuk.reset_counts()
    assert hmcts_data.download(url) == first
    assert fake_govuk.count() == 0  # a cache hit: no request
    assert client._http is http  # same connection pool, not rebuilt per call


def test_module_load_cold_then_warm_request_counts(
    fake_govuk: FakeGovUK, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("HMCTS_DATA_CACHE_DIR", str(tmp_path / "load"))
    monkeypatch.setenv("HMCTS_DATA_RATE_LIMIT", "1000")
    build_data_site(fake_govuk, monthly=3, last_month=date(2025, 4, 1))
    cold = hmcts_data.load("monthly", "all")
    requests = fake_govuk.count()
    downloads = fake_govuk.count("/media")
    assert downloads == cold["release"].nunique() == 2  # the middle release is withdrawn
    assert requests > downloads
    fake_govuk.reset_counts()
    warm = hmcts_data.load("monthly", "all")
    assert fake_govuk.count() == 0
    assert warm.equals(cold)


def _pool(client: Client) -> object:
    return client._http


def test_defaults_are_closed_at_exit(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HMCTS_DATA_CACHE_DIR", str(tmp_path / "exit"))
    client = default_client()
    client._transport()
    assert _pool(client) is not None
    _close_defaults()  # what atexit runs
    assert _pool(client) is None
    assert default_client() is not client
