"""Every exception ``hmcts_data`` raises on purpose.

The tree::

    HMCTSDataError                 root: catch this to catch everything below
    ├── ConfigurationError         a setting (argument or HMCTS_DATA_* variable) is invalid
    ├── MissingDependencyError     an optional extra (plot, parquet, duckdb ...) is not installed
    ├── DownloadError              an HTTP request failed (carries ``url`` and ``status``)
    │   ├── NetworkError           GOV.UK could not be reached at all (refused, DNS, silence)
    │   └── HostNotAllowedError    a URL or redirect points at a host or scheme not allowed
    ├── OfflineError               offline mode is on and the cache cannot answer
    ├── IntegrityError             a response or cached file is not what was asked for
    ├── StorageError               the cache or an export cannot be written (permissions)
    │   └── DiskFullError          no space left (or a file-size limit) while writing
    ├── IncompleteProposalError    a Data Access Panel summary still has problems to fix
    ├── ParseError                 a file or API page cannot be read (carries file/sheet/row/column)
    │   ├── SchemaDriftError       a published layout the library does not know
    │   └── ParseTimeoutError      reading one file took longer than its time budget
    └── NotFoundError              an unknown publication, release or route (with suggestions)

Warnings (``UserWarning`` subclasses, never raised)::

    StaleDataWarning               the network failed; an older cached copy was used
    └── EmbeddedDataWarning        the network failed; a release embedded in the package was used

Every message says what went wrong, where (URL, file, sheet, row) and what the user can do.
The structured fields (``url``, ``status``, ``file``, ``sheet``, ``row``, ``column``,
``suggestions``) are there for programs; the message is there for people.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

__all__ = [
    "ConfigurationError",
    "DiskFullError",
    "DownloadError",
    "EmbeddedDataWarning",
    "HMCTSDataError",
    "HostNotAllowedError",
    "IncompleteProposalError",
    "IntegrityError",
    "MissingDependencyError",
    "NetworkError",
    "NotFoundError",
    "OfflineError",
    "ParseError",
    "ParseTimeoutError",
    "SchemaDriftError",
    "StaleDataWarning",
    "StorageError",
]


class HMCTSDataError(Exception):
    """Root of every error raised by ``hmcts_data``.

    Attributes:
        cli_text: The message as the ``hmcts-data`` command shows it (with command-line
            advice instead of Python), where it differs; ``None`` otherwise.

    Example:
        >>> import hmcts_data
        >>> try:
        ...     hmcts_data.routes.get("no-such-route")
        ... except hmcts_data.HMCTSDataError as exc:
        ...     print(type(exc).__name__)
        NotFoundError
    """

    cli_text: str | None = None


class ConfigurationError(HMCTSDataError, ValueError):
    """A setting, given as an argument or an ``HMCTS_DATA_*`` variable, is invalid."""


class MissingDependencyError(HMCTSDataError, ImportError):
    """A feature needs an optional extra that is not installed.

    The message names the package and the ``pip install`` command that adds it. It is also an
    :class:`ImportError`, so ``except ImportError`` keeps working.

    Attributes:
        package: The missing import (``"matplotlib"``, ``"pyarrow"``, ``"duckdb"`` ...).
        extra: The ``hmcts-data`` extra that installs it (``"plot"``, ``"parquet"`` ...).

    Example:
        >>> err = MissingDependencyError("matplotlib", "plot", feature="hmcts_data.plot")
        >>> err.extra, 'pip install "hmcts-data[plot]"' in str(err)
        ('plot', True)
    """

    def __init__(self, package: str, extra: str, *, feature: str) -> None:
        super().__init__(
            f"{feature} needs {package}, which is not installed. Install the optional extra: "
            f'pip install "hmcts-data[{extra}]"',
            name=package,
        )
        self.package = package
        self.extra = extra


class DownloadError(HMCTSDataError):
    """An HTTP request failed after any retries.

    Attributes:
        url: The URL that was requested.
        status: The HTTP status code, or ``None`` for a transport failure
            (connection refused or dropped, timeout).
    """

    def __init__(self, message: str, *, url: str, status: int | None = None) -> None:
        super().__init__(message)
        self.url = url
        self.status = status


class NetworkError(DownloadError):
    """GOV.UK could not be reached at all: connection refused, no DNS, or no answer in time.

    Raised (instead of a plain :class:`DownloadError`) when no HTTP answer came back, and also
    without any request when the client found the host unreachable moments earlier (its
    circuit breaker; see ``docs/caching.md``). ``status`` is always ``None``.

    Attributes:
        host: The host that could not be reached.
        tried: What was tried instead (cache, embedded releases), for the message.

    Example:
        >>> err = NetworkError("www.gov.uk could not be reached", url="https://www.gov.uk/x",
        ...                    host="www.gov.uk")
        >>> err.host, err.status
        ('www.gov.uk', None)
    """

    def __init__(self, message: str, *, url: str, host: str, tried: tuple[str, ...] = ()) -> None:
        super().__init__(message, url=url, status=None)
        self.host = host
        self.tried = tried


class HostNotAllowedError(DownloadError):
    """A URL, or a redirect, points at a host or scheme that is not allowed.

    Allowed by default: the base URL's host, ``www.gov.uk`` and
    ``assets.publishing.service.gov.uk``, over https (plain http only for loopback hosts).
    Add hosts with ``HMCTS_DATA_ALLOWED_HOSTS`` or ``Settings(allowed_hosts=...)``.
    """


class OfflineError(HMCTSDataError):
    """Offline mode is on and the cache has no copy of what was asked for.

    Attributes:
        url: The URL that would have been fetched, where there is one.
    """

    def __init__(self, message: str, *, url: str | None = None) -> None:
        super().__init__(message)
        self.url = url


class IntegrityError(HMCTSDataError):
    """A response or a cached file is not what was asked for.

    Raised for a body shorter or longer than its ``Content-Length``, a size or sha256 that does
    not match what was known in advance, an HTML page where a CSV was expected, or an empty body.
    Nothing that fails these checks is ever written to the cache.

    Attributes:
        url: The URL of the response, where there is one.
    """

    def __init__(self, message: str, *, url: str | None = None) -> None:
        super().__init__(message)
        self.url = url


class StorageError(HMCTSDataError):
    """A file could not be written to the cache or an export path (permission, read-only).

    Nothing half-written is kept. The message names the folder and what to do (fix its
    permissions, or choose another with ``HMCTS_DATA_CACHE_DIR`` or another output path).

    Attributes:
        path: The folder or file being written.

    Example:
        >>> err = StorageError("Permission denied while writing ...", path="/data/cache")
        >>> err.path, isinstance(err, HMCTSDataError)
        ('/data/cache', True)
    """

    def __init__(self, message: str, *, path: str | None = None) -> None:
        super().__init__(message)
        self.path = path


class DiskFullError(StorageError):
    """No space left on the device, a quota or a file-size limit was hit while writing.

    Nothing half-written is kept. Free some space (``hmcts-data cache clear`` empties the
    cache) or write somewhere with room.

    Example:
        >>> issubclass(DiskFullError, StorageError)
        True
    """


class IncompleteProposalError(HMCTSDataError, ValueError):
    """A Data Access Panel summary still has problems, so its email was not drafted.

    Fix the fields named, or pass ``force=True`` to ``DataAccessProposal.email`` to draft it
    anyway.

    Attributes:
        problems: The problems found (``hmcts_data.routes.Problem`` objects), field by field.
    """

    def __init__(self, problems: Sequence[object]) -> None:
        self.problems = tuple(problems)
        listed = "; ".join(str(p) for p in self.problems)
        super().__init__(
            f"The Data Access Panel summary is not ready: {len(self.problems)} problem(s): "
            f"{listed}. Fill in those fields, or call email(force=True) to draft it anyway."
        )


class ParseError(HMCTSDataError, ValueError):
    """A file or an API page cannot be read into the library's models or tidy frame.

    Attributes:
        file: File name, path or URL of the source, where known.
        sheet: Sheet name, for workbooks.
        row: 1-based row number in the source (as a spreadsheet program shows it), where known.
        column: Column label or letter, where known.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        sheet: str | None = None,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        super().__init__(message)
        self.file = file
        self.sheet = sheet
        self.row = row
        self.column = column


class SchemaDriftError(ParseError):
    """A published layout the library does not know: a header beyond the exact crosswalk.

    Raised in strict mode (``on_unknown="raise"``). The default, ``on_unknown="keep"``, keeps
    such columns (interpreted where certain, else with a null jurisdiction and measure) with a
    warning instead; please report the header so the crosswalk can learn it.

    Attributes:
        labels: The unknown headers, exactly as published.
    """

    def __init__(
        self,
        message: str,
        *,
        labels: Iterable[str] = (),
        file: str | None = None,
        sheet: str | None = None,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        super().__init__(message, file=file, sheet=sheet, row=row, column=column)
        self.labels = tuple(labels)


class ParseTimeoutError(ParseError):
    """Reading and parsing one file took longer than its time budget; nothing was returned.

    Every source, downloaded or handed in, gets the download budget: at most
    ``HMCTS_DATA_DEADLINE`` seconds (``Settings.deadline``, default 120) to be read and parsed.
    The budget is checked between blocks of work (rows, columns, tables), so a huge or crafted
    file stops within moments of it, with no partial result. Raise ``HMCTS_DATA_DEADLINE`` to
    give a genuine large file more time, or split it into smaller files.

    Attributes:
        seconds: The budget that was used up.

    Example:
        >>> err = ParseTimeoutError("big.csv was still being parsed ...", file="big.csv",
        ...                         seconds=120.0)
        >>> err.seconds, isinstance(err, ParseError)
        (120.0, True)
    """

    def __init__(
        self,
        message: str,
        *,
        seconds: float,
        file: str | None = None,
        sheet: str | None = None,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        super().__init__(message, file=file, sheet=sheet, row=row, column=column)
        self.seconds = seconds


class NotFoundError(HMCTSDataError, LookupError):
    """An unknown publication, release or route id, with close matches where there are any.

    Attributes:
        key: What was asked for.
        suggestions: Close matches among the known ids, best first.
    """

    def __init__(self, what: str, key: str, known: Iterable[str]) -> None:
        import difflib  # here, not at import: every process imports this module, few need it

        known = list(known)
        self.key = key
        self.suggestions = tuple(difflib.get_close_matches(key, known, n=3, cutoff=0.5))
        hint = (
            f" Did you mean {', '.join(repr(s) for s in self.suggestions)}?"
            if self.suggestions
            else ""
        )
        shown = ", ".join(repr(k) for k in known[:12]) + (" ..." if len(known) > 12 else "")
        super().__init__(f"Unknown {what} {key!r}.{hint} Known: {shown}.")


class StaleDataWarning(UserWarning):
    """The network failed, so an older cached copy was returned (stale-if-error).

    The message names the URL, the failure and how long ago the copy was last confirmed.
    Turn it into an error with ``warnings.simplefilter("error", StaleDataWarning)`` when stale
    data is unacceptable.

    Attributes:
        detail: What the one-line message leaves out (the releases, the failure, the licence),
            or ``None``; ``hmcts-data --verbose`` prints it.
    """

    detail: str | None = None


class EmbeddedDataWarning(StaleDataWarning):
    """GOV.UK could not be reached, so releases embedded in the package were returned.

    The message names the releases used and how to get current data. Figures from an embedded
    copy have a ``source_url`` starting with ``"embedded:"``. A :class:`StaleDataWarning`, so
    ``warnings.simplefilter("error", StaleDataWarning)`` refuses them too.

    Attributes:
        cli_text: The message with command-line advice, as ``hmcts-data`` shows it.
    """

    cli_text: str | None = None
