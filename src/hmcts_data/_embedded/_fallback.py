"""What ``load`` says when GOV.UK cannot give it a release: the error, or the embedded warning.

Each message names the host and what failed, what was tried (cache, embedded releases) and
the ways forward. Python users get Python advice; the CLI shows ``cli_text`` instead, with the
same facts and CLI advice (``--offline``, ``hmcts-data read``).
"""

from __future__ import annotations

import re
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
from hmcts_data._warn import headline_and_detail, notice

__all__ = [
    "NOT_RECORDED",
    "brief_reason",
    "embedded_warning",
    "is_network_failure",
    "unavailable_error",
    "unchecked_error",
]

#: Why a release listed by a catalogue GOV.UK did not answer for has no file to fetch.
NOT_RECORDED = (
    "the catalogue in use was not checked with GOV.UK and does not record which files the "
    "release's page attaches"
)

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


_REQUEST = re.compile(r"\b(?:GET|HEAD|POST)\s+\S+|https?://\S+|\bfailed:\s*|\b\w+Error:\s*")
_BRIEF = re.compile(r"unreachable moments ago \(([^)]*)\)|: ([^:]+?) \(\d+ attempt")


def brief_reason(failure: BaseException) -> str:
    """A few words on why GOV.UK did not answer, for a warning's first line.

    Example:
        >>> brief_reason(OfflineError("x"))
        'offline mode is on'
    """
    match = _BRIEF.search(str(failure))
    if match:
        return next(g for g in match.groups() if g)
    if isinstance(failure, OfflineError):
        return "offline mode is on"
    if isinstance(failure, DownloadError) and failure.status is not None:
        return f"HTTP {failure.status}"

    # The request ("GET https://...") is in the detail; the reason is what follows it.
    text = _REQUEST.sub("", str(failure)).strip(" :").split(". ")[0]
    return headline_and_detail(text or str(failure), 80)[0].rstrip(".")


def _reason(failure: HMCTSDataError, *, offline: bool) -> str:
    if isinstance(failure, OfflineError) and str(failure) == NOT_RECORDED:
        return NOT_RECORDED
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
    """The warning for an answer resting (partly) on embedded copies, with CLI text attached.

    Its first line says what happened and what to do; ``detail`` holds the releases used
    (with their published names), why the network was not used, what was left out and the
    licence attribution.
    """
    keys = ", ".join(r.release for r in used)
    if offline:
        why = "Offline mode is on"
    elif isinstance(failure, OfflineError):  # no file address: the catalogue fell back
        why = "GOV.UK could not be reached"
    else:
        why = f"GOV.UK could not be reached ({brief_reason(failure)})"
    named = all(r.release in wanted for r in used)
    head = (
        f"{why}, so {wanted} came from copies embedded in hmcts-data"
        f"{'' if named else f' ({keys})'}, not GOV.UK."
    )
    python_way = (
        " Run again online" + (" (offline=False)" if offline else "") + " for current data."
    )
    cli_way = " Run again online" + (" without --offline" if offline else "") + " for current data."
    missing = (
        f" Left out, as neither the cache nor the embedded copies have them: {', '.join(skipped)}."
        if skipped
        else ""
    )
    detail = (
        f"Why: {_reason(failure, offline=offline)}. Used: {', '.join(r.label for r in used)}; "
        "these may not be the newest published, and their rows have a source_url starting "
        f"with 'embedded:'.{missing} Or download the newest file in a browser and read it "
        f"(hmcts_data.read / hmcts-data read). {attribution()}"
    )
    warning = notice(
        EmbeddedDataWarning, head + python_way, detail=detail, cli_headline=head + cli_way
    )
    assert isinstance(warning, EmbeddedDataWarning)
    return warning


def unchecked_error(
    publication: str,
    what: str,
    *,
    reason: str,
    listed: Sequence[str],
    offline: bool,
    base_url: str,
    page_url: str | None = None,
) -> HMCTSDataError:
    """The error for a release the catalogue does not list when GOV.UK could not be asked.

    Never "not found": the library could not check. The message says why, what it holds
    (the months the catalogue lists, the embedded copies) and the ways forward. An
    :class:`OfflineError` in offline mode, else a :class:`NetworkError`; ``cli_text`` carries
    the command-line advice.
    """
    shown = ", ".join(listed[:8]) + (" ..." if len(listed) > 8 else "") if listed else "none"
    head = (
        f"Could not check whether {publication} release {what} exists: {reason}, and the "
        f"catalogue in use does not list it."
    )
    holds = (
        f"Held here: listed releases {shown}; embedded real releases {_embedded_list(publication)}."
    )
    python = f"{head} {holds} {_ways(publication, page_url, cli=False, offline=offline)}"
    cli = f"{head} {holds} {_ways(publication, page_url, cli=True, offline=offline)}"
    error: HMCTSDataError
    if offline:
        error = OfflineError(python)
    else:
        host = urlsplit(base_url).hostname or base_url
        error = NetworkError(python, url=base_url, host=host, tried=("cache", "embedded releases"))
    error.cli_text = cli
    return error
