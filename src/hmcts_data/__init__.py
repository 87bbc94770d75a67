"""hmcts_data: the HM Courts & Tribunals Service open data catalogue, typed and tidy.

Three lines from nothing to a tidy frame::

    import hmcts_data
    frame = hmcts_data.load("monthly")               # latest release, tidy and validated
    hmcts_data.catalogue().get("monthly").latest()   # what is there

Importing the package touches no network, writes no file and does not import pandas: every
public name below is resolved on first use.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from hmcts_data._errors import (
    ConfigurationError,
    DiskFullError,
    DownloadError,
    EmbeddedDataWarning,
    HMCTSDataError,
    HostNotAllowedError,
    IncompleteProposalError,
    IntegrityError,
    MissingDependencyError,
    NetworkError,
    NotFoundError,
    OfflineError,
    ParseError,
    SchemaDriftError,
    StaleDataWarning,
    StorageError,
)
from hmcts_data._version import __version__

if TYPE_CHECKING:
    from hmcts_data import plot, routes
    from hmcts_data._api import load, read, series
    from hmcts_data._cache import CachedFile, CacheInfo
    from hmcts_data._catalogue import Attachment, Catalogue, Publication, Release, catalogue
    from hmcts_data._catalogue._calendar import ExpectedRelease
    from hmcts_data._changes import ReleaseChanges, release_changes
    from hmcts_data._client import Client, cache_info, clear_cache, download
    from hmcts_data._embedded import EmbeddedRelease, embedded_releases
    from hmcts_data._export import (
        from_arrow,
        from_polars,
        read_duckdb,
        read_parquet,
        to_arrow,
        to_duckdb,
        to_parquet,
        to_polars,
        write,
    )
    from hmcts_data._settings import Settings
    from hmcts_data._whatsnew import ReleaseEvent, WhatsNew, whats_new
    from hmcts_data.tables._reader import Table, read_tables
    from hmcts_data.tables._schema import Provenance
    from hmcts_data.tables._vintages import latest_series, revisions

# name -> module that defines it (a module itself when the name is a submodule).
_LAZY: dict[str, str] = {
    "Attachment": "hmcts_data._catalogue",
    "Catalogue": "hmcts_data._catalogue",
    "Publication": "hmcts_data._catalogue",
    "Release": "hmcts_data._catalogue",
    "catalogue": "hmcts_data._catalogue",
    "ExpectedRelease": "hmcts_data._catalogue._calendar",
    "ReleaseChanges": "hmcts_data._changes",
    "release_changes": "hmcts_data._changes",
    "ReleaseEvent": "hmcts_data._whatsnew",
    "WhatsNew": "hmcts_data._whatsnew",
    "whats_new": "hmcts_data._whatsnew",
    "CacheInfo": "hmcts_data._cache",
    "CachedFile": "hmcts_data._cache",
    "Client": "hmcts_data._client",
    "cache_info": "hmcts_data._client",
    "clear_cache": "hmcts_data._client",
    "download": "hmcts_data._client",
    "EmbeddedRelease": "hmcts_data._embedded",
    "embedded_releases": "hmcts_data._embedded",
    "plot": "hmcts_data.plot",
    "from_arrow": "hmcts_data._export",
    "from_polars": "hmcts_data._export",
    "to_arrow": "hmcts_data._export",
    "to_polars": "hmcts_data._export",
    "read_duckdb": "hmcts_data._export",
    "read_parquet": "hmcts_data._export",
    "to_duckdb": "hmcts_data._export",
    "to_parquet": "hmcts_data._export",
    "write": "hmcts_data._export",
    "Settings": "hmcts_data._settings",
    "load": "hmcts_data._api",
    "read": "hmcts_data._api",
    "series": "hmcts_data._api",
    "latest_series": "hmcts_data.tables._vintages",
    "revisions": "hmcts_data.tables._vintages",
    "routes": "hmcts_data.routes",
    "Provenance": "hmcts_data.tables._schema",
    "Table": "hmcts_data.tables._reader",
    "read_tables": "hmcts_data.tables._reader",
}

__all__ = [
    "Attachment",
    "CacheInfo",
    "CachedFile",
    "Catalogue",
    "Client",
    "ConfigurationError",
    "DiskFullError",
    "DownloadError",
    "EmbeddedDataWarning",
    "EmbeddedRelease",
    "ExpectedRelease",
    "HMCTSDataError",
    "HostNotAllowedError",
    "IncompleteProposalError",
    "IntegrityError",
    "MissingDependencyError",
    "NetworkError",
    "NotFoundError",
    "OfflineError",
    "ParseError",
    "Provenance",
    "Publication",
    "Release",
    "ReleaseChanges",
    "ReleaseEvent",
    "SchemaDriftError",
    "Settings",
    "StaleDataWarning",
    "StorageError",
    "Table",
    "WhatsNew",
    "__version__",
    "cache_info",
    "catalogue",
    "clear_cache",
    "download",
    "embedded_releases",
    "from_arrow",
    "from_polars",
    "latest_series",
    "load",
    "plot",
    "read",
    "read_duckdb",
    "read_parquet",
    "read_tables",
    "release_changes",
    "revisions",
    "routes",
    "series",
    "to_arrow",
    "to_duckdb",
    "to_parquet",
    "to_polars",
    "whats_new",
    "write",
]


def __getattr__(name: str) -> Any:
    module_name = _LAZY.get(name)
    if module_name is None:
        raise AttributeError(f"module 'hmcts_data' has no attribute {name!r}")
    module = importlib.import_module(module_name)
    value = module if module_name.rsplit(".", 1)[-1] == name else getattr(module, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
