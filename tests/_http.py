"""Shared by the HTTP fault tests: a client for the local fake, and the nothing-cached check."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hmcts_data import Client
from hmcts_data._cache_layout import LOCK, MARKER
from hmcts_data.testing import FakeGovUK


def make_client(fake: FakeGovUK, cache: Path, **overrides: Any) -> Client:
    """A client for ``fake`` with fast retries and no rate limit to speak of; ``overrides`` win."""
    settings: dict[str, Any] = {
        "base_url": fake.base_url,
        "cache_dir": cache,
        "backoff": 0.01,
        "rate_limit": 1000,
        "retries": 3,
    }
    settings.update(overrides)
    return Client(**settings)


def cached_names(root: Path) -> list[str]:
    """Every file under the cache except lock files and the marker (which hold no data)."""
    return sorted(p.name for p in root.rglob("*") if p.is_file() and p.name not in {LOCK, MARKER})


def assert_nothing_cached(client: Client) -> None:
    """No body, no sidecar and no temporary file was left in the client's cache."""
    assert client.cache_info().files == 0
    assert cached_names(client.cache.root) == []
