"""``hmcts_data.catalogue()``: the catalogue from the best source available right now."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Literal

from hmcts_data._catalogue._listing import (
    format_age,
    newest_period_end,
    offline_snapshot_headline,
    offline_snapshot_message,
)
from hmcts_data._catalogue._models import Catalogue
from hmcts_data._catalogue._snapshot import load_snapshot
from hmcts_data._catalogue._store import load_discovery, save_discovery
from hmcts_data._errors import (
    DownloadError,
    HostNotAllowedError,
    IntegrityError,
    OfflineError,
    ParseError,
    StaleDataWarning,
)
from hmcts_data._warn import gathered, notice, warn

if TYPE_CHECKING:
    from hmcts_data._catalogue._models import Release
    from hmcts_data._client import Client

__all__ = ["OFFLINE_REASON", "catalogue", "catalogue_for"]

#: Why a catalogue read in offline mode was not checked with GOV.UK.
OFFLINE_REASON = "offline mode is on"

logger = logging.getLogger("hmcts_data")


def catalogue(
    *,
    client: Client | None = None,
    offline: bool | None = None,
    refresh: bool | Literal["full"] = False,
) -> Catalogue:
    """The HMCTS open data catalogue: every publication, its releases and their files.

    Sources, in order:

    1. a cached discovery younger than ``api_max_age`` (default one hour): no request at all;
    2. a live discovery from GOV.UK's Content and Search APIs. With a cached discovery this
       is *incremental*: the collection and search pages are revalidated and only the release
       pages that are new or whose update time moved are read (two or three requests for a
       new monthly release). Every page is read when nothing is cached, when asked
       (``refresh="full"``) and when the cached discovery cannot be trusted (made from
       another base URL, its last full read over a week old, or a collection that no longer
       states update times);
    3. if GOV.UK cannot be reached: the last cached discovery, else the snapshot embedded in
       the package, with a :class:`~hmcts_data.StaleDataWarning` saying which and how old.

    With ``offline=True`` (or ``HMCTS_DATA_OFFLINE=1``) the network is never touched: the last
    cached discovery, else the snapshot. ``catalogue.source`` says which one you got.

    Args:
        client: The client to use; the shared default client for the environment when ``None``.
        offline: Override the client's offline setting.
        refresh: ``True``: discover now even if a fresh discovery is cached (incremental).
            ``"full"``: discover now and revalidate every page, whatever the collection says.

    Returns:
        The catalogue.

    A GOV.UK page that cannot be used (not JSON, nested absurdly deep, not of the expected
    shape, timestamps out of range) is never cached; discovery then falls back as in 3, with
    the page's :class:`~hmcts_data.ParseError` in the warning.

    Raises:
        HostNotAllowedError: A page redirects to a host that is not allowed.

    Example:
        >>> import hmcts_data
        >>> cat = hmcts_data.catalogue()  # doctest: +SKIP
        >>> cat.get("monthly").latest().data_file().filename  # doctest: +SKIP
        'HMCTS_MI_output_accessible.csv'
        >>> cat = hmcts_data.catalogue(refresh=True)  # doctest: +SKIP
    """
    from hmcts_data._client import using_client

    with using_client(client) as active:
        cached = load_discovery(active)
        early = _without_discovery(active, cached, offline=offline, refresh=refresh)
        if early is not None:
            return early
        # Discovery (page models, classifiers, the thread pool) is imported only when it runs:
        # an offline or cached catalogue never needs it.
        from hmcts_data._catalogue._discover import discover

        live = _live(
            lambda: discover(
                active, refresh=bool(refresh), previous=None if refresh == "full" else cached
            ),
            cached,
        )
        if live.source == "live":
            save_discovery(active, live)
        return live


def catalogue_for(
    publication: str,
    release: str | date | Release | None = None,
    *,
    client: Client | None = None,
    on_release: Callable[[Release], None] | None = None,
) -> Catalogue:
    """The catalogue a call about one publication needs, asking GOV.UK for only that.

    The same sources, in the same order and with the same warnings, as :func:`catalogue`,
    except that a live discovery reads only the pages of ``publication`` that ``release``
    needs (:func:`~hmcts_data._catalogue._partial.discover_publication`): the listing and
    the newest release page for the latest release, that page alone for a release named by
    its address, that publication's pages for ``"all"``. Nothing partial is stored as the
    discovery: the pages read stay in the client's cache, where a later full discovery finds
    them.

    Args:
        publication: The publication id.
        release: ``None`` for the latest, ``"all"``, or one release in any form
            :meth:`Publication.release` takes.
        client: The client to use; the shared default client when ``None``.
        on_release: Called with each release a live discovery reads, as soon as it is known
            (from worker threads), so its download can start at once.

    Returns:
        A catalogue whose ``publication`` entry answers ``release``: the cached discovery or
        the snapshot, or a live one holding only the releases read.

    Raises:
        HostNotAllowedError: A page redirects to a host that is not allowed.

    Example:
        >>> catalogue_for("monthly").get("monthly").latest().key  # doctest: +SKIP
        '2025-09'
    """
    from hmcts_data._catalogue._partial import discover_publication
    from hmcts_data._client import using_client

    with using_client(client) as active:
        cached = load_discovery(active)
        if active.settings.offline and cached is None:
            # What an earlier call of this kind read is in the page cache: offline, the same
            # discovery answers from it, or falls through to the snapshot.
            try:
                found = discover_publication(active, publication, release)
            except (OfflineError, ParseError, IntegrityError) as exc:
                logger.info("offline: the cached pages do not answer (%s)", exc)
            else:
                return found.model_copy(update={"source": "cache"}).unchecked(OFFLINE_REASON)
        early = _without_discovery(active, cached, offline=None, refresh=False)
        if early is not None:
            return early

        return _live(
            lambda: discover_publication(
                active, publication, release, previous=cached, on_release=on_release
            ),
            cached,
        )


def _without_discovery(
    active: Client, cached: Catalogue | None, *, offline: bool | None, refresh: bool | str
) -> Catalogue | None:
    """The catalogue when no discovery runs: offline, or a fresh cached discovery."""
    is_offline = active.settings.offline if offline is None else offline
    if is_offline:
        if cached is not None:
            logger.info("offline: using the cached discovery (%s old)", format_age(cached.age))
            return cached.unchecked(OFFLINE_REASON)
        snapshot = load_snapshot()
        newest = newest_period_end(r.period_end for r in snapshot.releases)
        warn(
            notice(
                StaleDataWarning,
                offline_snapshot_headline(newest),
                detail=offline_snapshot_message(snapshot.describe_source()),
                cli_headline=offline_snapshot_headline(newest, cli=True),
            )
        )
        return snapshot.unchecked(OFFLINE_REASON)
    if (
        not refresh
        and cached is not None
        and (cached.age.total_seconds() <= active.settings.api_max_age)
    ):
        return cached
    return None


def _live(run: Callable[[], Catalogue], cached: Catalogue | None) -> Catalogue:
    """Run a discovery; where GOV.UK cannot be reached, the cached discovery or the snapshot.

    Returns the live catalogue (``source == "live"``: the caller may store it), or one
    partly from cached pages (``source == "cache"``, with a warning), or the fallback.
    """
    # Stale-if-error warnings from single pages are gathered into one (the pool's threads
    # report to this call, see hmcts_data._warn.carried).
    with gathered(StaleDataWarning) as stale:
        try:
            live = run()
        except HostNotAllowedError:
            raise
        except (DownloadError, OfflineError, IntegrityError, ParseError) as exc:
            # IntegrityError here is an API answer cut short on every retry: the network.
            # ParseError: a page GOV.UK (or something between) sent that cannot be used; it
            # was not cached, and the last good catalogue stands in.
            failure: Exception | None = exc
        else:
            failure = None
    if failure is not None:
        return _fall_back(cached, failure)
    if stale:
        warn(
            notice(
                StaleDataWarning,
                f"GOV.UK could not be reached for {len(stale)} catalogue page(s); cached "
                "copies were used, so the catalogue may be out of date. Try again later.",
                detail=f"First: {stale[0]}",
            )
        )
        return live.model_copy(
            update={
                "source": "cache",
                "notes": (
                    *live.notes,
                    f"{len(stale)} page(s) came from the cache because GOV.UK could not be reached",
                ),
            }
        ).unchecked(f"GOV.UK could not be reached for {len(stale)} catalogue page(s)")
    return live


def _fall_back(cached: Catalogue | None, failure: Exception) -> Catalogue:
    from hmcts_data._embedded._fallback import brief_reason

    chosen = cached if cached is not None else load_snapshot()
    if cached is not None:
        which = f"the last cached discovery ({format_age(cached.age)} old)"
    else:
        newest = newest_period_end(r.period_end for r in chosen.releases)
        which = f"the embedded snapshot ({format_age(chosen.age)} old" + (
            f", data to {newest:%b %Y})" if newest else ")"
        )
    head = (
        f"Could not discover the catalogue from GOV.UK ({brief_reason(failure)}), so {which} "
        "is used. Try again later."
    )
    warn(
        notice(
            StaleDataWarning,
            head,
            detail=(
                f"Using {chosen.describe_source()}. The failure: {failure} Refresh with "
                "hmcts_data.catalogue(refresh=True) (hmcts-data catalogue --refresh)."
            ),
        )
    )
    return chosen.unchecked(f"GOV.UK could not be reached ({failure})")
