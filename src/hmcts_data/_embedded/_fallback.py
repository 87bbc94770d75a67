"""What ``load`` says when GOV.UK cannot give it a release: the error, or the embedded warning.

Each message names the host and what failed, what was tried (cache, embedded releases) and
the ways forward. Python users get Python advice; the CLI shows ``cli_text`` instead, with the
same facts and CLI advice (``--offline``, ``hmcts-data read``).
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlsplit

from hmcts_data._embedded import EmbeddedRelease, attribution, embedded_releases
from hmcts_data._errors import (
    DownloadError,
    EmbeddedDataWarning,
    HMCTSDataError,
    HostNotAllowedError,
    NetworkError,
    OfflineError,
)

__all__ = ["embedded_warning", "is_network_failure", "unavailable_error"]

#: HTTP answers that mean "GOV.UK is not serving right now" rather than "this is wrong".
_DOWN = {429, 500, 502, 503, 504}


def is_network_failure(exc: HMCTSDataError) -> bool:
    """Whether ``exc`` means the file could not be fetched now (network, offline, GOV.UK down).

    A 404, a refused host or a bad body are not: those are answers, and falling back would
    hide them.
    """
    if isinstance(exc, HostNotAllowedError):
        return False
    if isinstance(exc, OfflineError):
        return True
    if isinstance(exc, DownloadError):
        return exc.status is None or exc.status in _DOWN
    return False


def _reason(failure: HMCTSDataError, *, offline: bool) -> str:
    if isinstance(failure, OfflineError) and failure.url is None:
        # Attachment.download without a URL: the catalogue is the snapshot (offline, or
        # because discovery failed on the network moments earlier; catalogue() said so).
        if offline:
            return "nothing is cached, and the embedded catalogue snapshot lacks the file's URL"
        return (
            "the catalogue could not be discovered from GOV.UK, and the embedded snapshot "
            "used instead does not record this file's URL"
        )
    return str(failure)


def _embedded_list(publication: str) -> str:
    found = embedded_releases(publication)
    return ", ".join(r.release for r in found) if found else "none"


def _ways(publication: str, page_url: str | None, *, cli: bool, offline: bool) -> str:
    page = f" from {page_url}" if page_url else " from its GOV.UK page"
    newest = embedded_releases(publication)
    ways: list[str] = []
    if cli:
        if newest:
            ways.append(
                f"use an embedded real release: hmcts-data load {publication} --release "
                f"{newest[-1].release}"
            )
        ways.append(
            f"download the file in a browser{page}, then: hmcts-data read {publication} FILE"
        )
        if not offline:
            ways.append("stop trying the network with --offline (or HMCTS_DATA_OFFLINE=1)")
        else:
            ways.append("drop --offline (or unset HMCTS_DATA_OFFLINE) where GOV.UK is reachable")
    else:
        if newest:
            ways.append(
                f"use an embedded real release: hmcts_data.load({publication!r}, "
                f"{newest[-1].release!r})"
            )
        ways.append(
            f"download the file in a browser{page}, then: hmcts_data.read({publication!r}, PATH)"
        )
        if not offline:
            ways.append("stop trying the network with HMCTS_DATA_OFFLINE=1 (or offline=True)")
        else:
            ways.append("unset HMCTS_DATA_OFFLINE (or offline=False) where GOV.UK is reachable")
    return "Ways forward: " + "; ".join(f"({i}) {w}" for i, w in enumerate(ways, 1)) + "."


def unavailable_error(
    publication: str,
    release: str,
    page_url: str | None,
    failure: HMCTSDataError,
    *,
    offline: bool,
    base_url: str,
) -> HMCTSDataError:
    """The error for a release that neither GOV.UK, the cache nor the embedded copies have.

    Returns an :class:`OfflineError` when offline mode is on, else a :class:`NetworkError`
    (the network failed, or the catalogue fell back to the snapshot, which lacks the URL).
    Its ``cli_text`` attribute carries the same message with CLI advice.
    """
    what = f"{publication} release {release}"
    tried = (
        f"Tried: the cache (no copy of it) and the releases embedded in hmcts-data (they are "
        f"{_embedded_list(publication)})."
    )
    if offline:
        head = (
            f"Offline mode is on and {what} is not in the cache ({_reason(failure, offline=True)})."
        )
        python = f"{head} {tried} {_ways(publication, page_url, cli=False, offline=True)}"
        cli = f"{head} {tried} {_ways(publication, page_url, cli=True, offline=True)}"
        error: HMCTSDataError = OfflineError(python, url=getattr(failure, "url", None))
    else:
        url = getattr(failure, "url", None) or base_url
        host = getattr(failure, "host", None) or (urlsplit(url).hostname or url)
        head = (
            f"Could not get {what}: GOV.UK ({host}) could not be reached or did not answer "
            f"({_reason(failure, offline=False)})."
        )
        python = f"{head} {tried} {_ways(publication, page_url, cli=False, offline=False)}"
        cli = f"{head} {tried} {_ways(publication, page_url, cli=True, offline=False)}"
        error = NetworkError(python, url=url, host=host, tried=("cache", "embedded releases"))
    error.cli_text = cli
    return error


def embedded_warning(
    publication: str,
    used: Sequence[EmbeddedRelease],
    failure: HMCTSDataError,
    *,
    wanted: str,
    skipped: Sequence[str] = (),
    offline: bool,
) -> EmbeddedDataWarning:
    """The warning for a frame built (partly) from embedded copies, with CLI text attached."""
    names = ", ".join(r.label for r in used)
    missing = (
        f" Left out, as neither the cache nor the embedded copies have them: {', '.join(skipped)}."
        if skipped
        else ""
    )
    why = "Offline mode is on" if offline else "GOV.UK could not be reached"
    head = (
        f"{why} ({_reason(failure, offline=offline)}), so {wanted} came from the real "
        f"releases embedded in hmcts-data: "
        f"{names}. These may not be the newest published; their rows have a source_url "
        f"starting with 'embedded:'.{missing} {attribution()}"
    )
    python_way = (
        "For current data run again where GOV.UK is reachable"
        + (" with offline=False" if offline else "")
        + ", or download the newest file in a browser and hmcts_data.read() it."
    )
    cli_way = (
        "For current data run again where GOV.UK is reachable"
        + (" without --offline" if offline else "")
        + ", or download the newest file in a browser and run hmcts-data read on it."
    )
    warning = EmbeddedDataWarning(f"{head} {python_way}")
    warning.cli_text = f"{head} {cli_way}"
    return warning
