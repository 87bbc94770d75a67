# The public names of hmcts_data, stated once: what mypy and IDEs read, and (parsed at import
# by __init__.py) the table that resolves each name on first use. One name per line, in the
# form "from MODULE import NAME as NAME"; "from hmcts_data import NAME as NAME" is a submodule.

from hmcts_data import decisions as decisions
from hmcts_data import plot as plot
from hmcts_data import routes as routes
from hmcts_data._api import load as load
from hmcts_data._api import read as read
from hmcts_data._api import series as series
from hmcts_data._cache import CachedFile as CachedFile
from hmcts_data._cache import CacheInfo as CacheInfo
from hmcts_data._catalogue import Attachment as Attachment
from hmcts_data._catalogue import Catalogue as Catalogue
from hmcts_data._catalogue import Publication as Publication
from hmcts_data._catalogue import Release as Release
from hmcts_data._catalogue import catalogue as catalogue
from hmcts_data._catalogue._calendar import ExpectedRelease as ExpectedRelease
from hmcts_data._changes import ReleaseChanges as ReleaseChanges
from hmcts_data._changes import release_changes as release_changes
from hmcts_data._client import Client as Client
from hmcts_data._client import cache_info as cache_info
from hmcts_data._client import clear_cache as clear_cache
from hmcts_data._client import download as download
from hmcts_data._embedded import EmbeddedRelease as EmbeddedRelease
from hmcts_data._embedded import embedded_releases as embedded_releases
from hmcts_data._errors import ConfigurationError as ConfigurationError
from hmcts_data._errors import DiskFullError as DiskFullError
from hmcts_data._errors import DownloadError as DownloadError
from hmcts_data._errors import EmbeddedDataWarning as EmbeddedDataWarning
from hmcts_data._errors import HMCTSDataError as HMCTSDataError
from hmcts_data._errors import HostNotAllowedError as HostNotAllowedError
from hmcts_data._errors import IncompleteProposalError as IncompleteProposalError
from hmcts_data._errors import IntegrityError as IntegrityError
from hmcts_data._errors import MissingDependencyError as MissingDependencyError
from hmcts_data._errors import NetworkError as NetworkError
from hmcts_data._errors import NotFoundError as NotFoundError
from hmcts_data._errors import OfflineError as OfflineError
from hmcts_data._errors import ParseError as ParseError
from hmcts_data._errors import ParseTimeoutError as ParseTimeoutError
from hmcts_data._errors import SchemaDriftError as SchemaDriftError
from hmcts_data._errors import StaleDataWarning as StaleDataWarning
from hmcts_data._errors import StorageError as StorageError
from hmcts_data._export import from_arrow as from_arrow
from hmcts_data._export import from_polars as from_polars
from hmcts_data._export import read_duckdb as read_duckdb
from hmcts_data._export import read_parquet as read_parquet
from hmcts_data._export import to_arrow as to_arrow
from hmcts_data._export import to_duckdb as to_duckdb
from hmcts_data._export import to_parquet as to_parquet
from hmcts_data._export import to_polars as to_polars
from hmcts_data._export import write as write
from hmcts_data._settings import Settings as Settings
from hmcts_data._version import __version__ as __version__
from hmcts_data._whatsnew import ReleaseEvent as ReleaseEvent
from hmcts_data._whatsnew import WhatsNew as WhatsNew
from hmcts_data._whatsnew import whats_new as whats_new
from hmcts_data.tables._reader import Table as Table
from hmcts_data.tables._reader import read_tables as read_tables
from hmcts_data.tables._schema import Provenance as Provenance
from hmcts_data.tables._vintages import latest_series as latest_series
from hmcts_data.tables._vintages import revisions as revisions

__all__: list[str]
