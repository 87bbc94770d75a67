"""``hmcts-data catalogue``: what HMCTS publishes, newest releases first."""

from __future__ import annotations

import argparse
import sys
import warnings
from typing import TYPE_CHECKING

from hmcts_data._catalogue._listing import SHOWN
from hmcts_data._errors import ConfigurationError, HMCTSDataError
from hmcts_data.cli._common import HelpFormatter, client_from_args
from hmcts_data.cli._safe import json_safe

if TYPE_CHECKING:
    from hmcts_data._catalogue import Catalogue, Publication
    from hmcts_data._catalogue._listing import Listing
    from hmcts_data._client import Client

__all__ = ["register"]

# The command prints the listing's view of a catalogue (_catalogue._listing), not the models:
# so the plain listing of the embedded snapshot, once kept in the cache, is printed without
# importing pydantic (see _catalogue._quick).

_EPILOG = """\
examples:
  hmcts-data catalogue                       # every publication, newest releases first
  hmcts-data catalogue monthly               # monthly releases and their files
  hmcts-data catalogue monthly --json        # the same as JSON, for scripts
  hmcts-data --offline catalogue             # from the cache or the embedded snapshot
  hmcts-data catalogue --refresh             # discover now: only new or updated pages are read
  hmcts-data catalogue --full-refresh        # discover now, revalidating every page

maintainers:
  hmcts-data catalogue --refresh --write-snapshot src/hmcts_data/_catalogue/snapshot.json
"""


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``catalogue`` subcommand."""
    parser = sub.add_parser(
        "catalogue",
        help="list publications, releases and files",
        description=(
            "List HMCTS open-data publications and their releases, newest first, discovered\n"
            "from GOV.UK (or, offline, from the cache or the snapshot embedded in hmcts-data)."
        ),
        epilog=_EPILOG,
        formatter_class=HelpFormatter,
    )
    parser.add_argument(
        "publication",
        nargs="?",
        help="a publication id ({publications}) to list its releases and attachments",
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of tables")
    parser.add_argument(
        "--refresh", action="store_true", help="discover now, even if a fresh discovery is cached"
    )
    parser.add_argument(
        "--full-refresh",
        action="store_true",
        help="discover now and revalidate every page, whatever the collection says changed",
    )
    parser.add_argument(
        "--all", action="store_true", help=f"list every release (default: newest {SHOWN})"
    )
    parser.add_argument(
        "--write-snapshot",
        metavar="PATH",
        help="discover live from GOV.UK and write the result as a snapshot file (maintainers)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Run ``hmcts-data catalogue``."""
    plain = _plain(args)
    quick = _snapshot_listing(args) if plain else None
    if quick is not None:
        # What the usual path prints for this case, in the same order: the warning of
        # catalogue(), the listing, its notes.
        from hmcts_data._catalogue._listing import (
            offline_snapshot_headline,
            offline_snapshot_message,
        )
        from hmcts_data.cli import warning_lines

        shown = _Shown(offline_snapshot_headline(quick.newest_end, cli=True))
        shown.detail = offline_snapshot_message(quick.describe_source())
        for line in warning_lines(shown, verbose=getattr(args, "verbose", False)):
            print(line, file=sys.stderr)
        _print_listing(quick, show_all=args.all)
        return 0
    from hmcts_data._catalogue import catalogue
    from hmcts_data._catalogue._listing import listing_of

    with client_from_args(args) as client:
        if args.write_snapshot:
            from hmcts_data._catalogue._discover import discover
            from hmcts_data._catalogue._snapshot import write_snapshot

            if client.settings.offline:
                raise ConfigurationError(
                    "--write-snapshot needs a live discovery; drop --offline and unset "
                    "HMCTS_DATA_OFFLINE."
                )
            # No fallback here: a snapshot must come from GOV.UK, never from an older copy.
            live = discover(client, refresh=True)
            path = write_snapshot(live, args.write_snapshot)
            print(
                f"wrote a snapshot of {len(live.releases)} releases from {live.base_url} to {path}"
            )
            return 0
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            cat = catalogue(client=client, refresh="full" if args.full_refresh else args.refresh)
        listing = listing_of(cat)
        if plain and cat.source == "snapshot":
            _keep(client, listing)
    from hmcts_data.cli import warning_lines

    for warning in caught:
        for line in warning_lines(warning.message, verbose=getattr(args, "verbose", False)):
            print(line, file=sys.stderr)
    if args.publication:
        publication = cat.get(args.publication)
        if args.json:
            print(json_safe(publication.model_dump_json(indent=2)))
        else:
            _print_publication(cat, publication)
        return 0
    if args.json:
        print(json_safe(cat.model_dump_json(indent=2)))
    else:
        _print_listing(listing, show_all=args.all)
    return 0


class _Shown(UserWarning):
    """The catalogue warning as the quick listing shows it (no pydantic imported)."""

    detail: str | None = None


def _plain(args: argparse.Namespace) -> bool:
    """Whether this run is a plain listing (the form whose snapshot listing is kept)."""
    return not (
        args.publication
        or args.json
        or args.refresh
        or args.full_refresh
        or args.write_snapshot
        or getattr(args, "debug", False)  # debug runs show the usual path's logging
    )


def _snapshot_listing(args: argparse.Namespace) -> Listing | None:
    """The kept snapshot listing when this plain run is its offline listing, else None."""
    from hmcts_data._catalogue._quick import snapshot_listing

    return snapshot_listing(offline=getattr(args, "offline", False))


def _keep(client: Client, listing: Listing) -> None:
    """Keep the embedded snapshot's listing in the cache, for the next plain offline run.

    Only a convenience: a cache that cannot take it is logged, never an error of the command.
    """
    import logging

    from hmcts_data._catalogue._quick import packaged_listing_key
    from hmcts_data._catalogue._store import save_listing

    key = packaged_listing_key()
    if key is None:
        return
    try:
        save_listing(client, listing, key)
    except (HMCTSDataError, OSError) as exc:
        logging.getLogger("hmcts_data").debug("the snapshot listing was not kept: %s", exc)


def _print_listing(listing: Listing, *, show_all: bool) -> None:
    from hmcts_data.cli._width import say

    say("\n".join(listing.text_lines(show_all=show_all)))
    for note in listing.notes:
        print(f"note: {note}", file=sys.stderr)


def _print_publication(cat: Catalogue, publication: Publication) -> None:
    from hmcts_data._catalogue._listing import release_line
    from hmcts_data.cli._width import say

    say(f"{publication.title} [{publication.id}]")
    say(f"  {publication.description}")
    say(f"  status: {publication.status}; frequency: {publication.frequency}")
    say(f"  licence: {publication.licence} <{publication.licence_url}>")
    if publication.collection_url:
        say(f"  collection: {publication.collection_url}")
    if publication.note:
        say(f"  note: {publication.note}")
    say(f"  source: {cat.describe_source()}")
    if not publication.releases:
        say("  no releases known")
    for release in publication.releases:
        say()
        say(release_line(release))
        say(f"  {release.url}")
        if release.period_note:
            say(f"  period note: {release.period_note}")
        if release.withdrawn:
            say(f"  withdrawn: {release.withdrawn.explanation}")
        if release.inferred:
            say(f"  inferred, not read from GOV.UK: {', '.join(release.inferred)}")
        if release.note:
            say(f"  note: {release.note}")
        for attachment in release.attachments:
            size = "" if attachment.size is None else f", {attachment.size:,} bytes"
            approx = " (approx.)" if attachment.from_body_fallback and size else ""
            say(f"  - [{attachment.format.value}] {attachment.name}{size}{approx}")
            if attachment.url:
                say(f"    {attachment.url}")
