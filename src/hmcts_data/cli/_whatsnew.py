"""``hmcts-data whats-new`` (what came out, what is due) and ``what-changed`` (in a release)."""

from __future__ import annotations

import argparse

from hmcts_data.cli._common import HelpFormatter, client_from_args
from hmcts_data.cli._safe import json_safe

__all__ = ["register"]

_EPILOG = """\
examples:
  hmcts-data whats-new                          # the last 31 days, and what is due next
  hmcts-data whats-new --since 2025-06-01       # since a date (UK time)
  hmcts-data whats-new --since 2025-04          # since the monthly release with data to April 2025
  hmcts-data whats-new --json                   # the same as JSON, for scripts and feeds
  hmcts-data --offline whats-new                # from the cached catalogue, no request

exit code 0 whether or not anything is new; with --json, test "events" or "due".
"""

_CHANGED_EPILOG = """\
examples:
  hmcts-data what-changed                       # the newest monthly release against the one before
  hmcts-data what-changed 2025-04 --against 2024-04
  hmcts-data what-changed --json                # counts, figures, largest revisions, series in/out
  hmcts-data what-changed -o may-figures.csv    # the newest month's figures as a file too
"""


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``whats-new`` subcommand."""
    parser = sub.add_parser(
        "whats-new",
        help="releases published or updated since a date, and the next expected",
        description=(
            "List releases published or updated (from GOV.UK's change notes) since a date,\n"
            "across publications, and say which scheduled release is due or expected next.\n"
            "GOV.UK is checked incrementally: only new or updated release pages are read."
        ),
        epilog=_EPILOG,
        formatter_class=HelpFormatter,
    )
    parser.add_argument(
        "--since",
        metavar="WHEN",
        help="a date (2025-06-01), a datetime (2025-06-12T09:00, UK time unless it has an "
        "offset), a monthly release key (2025-04) or a release slug; default: 31 days ago",
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    parser.set_defaults(handler=run)

    changed = sub.add_parser(
        "what-changed",
        help="a release's newest figures, the revisions it made, series in and out",
        description=(
            "Compare a release with the one before it (or --against): the newest period's\n"
            "figures with their change on the previous period and on a year earlier, how many\n"
            "earlier figures were revised and the largest revisions, and the series that\n"
            "appeared or disappeared."
        ),
        epilog=_CHANGED_EPILOG,
        formatter_class=HelpFormatter,
    )
    changed.add_argument("release", nargs="?", help="the newer release (default: the newest)")
    changed.add_argument("--against", metavar="RELEASE", help="the older release")
    changed.add_argument(
        "--publication", default="monthly", help="publication id ({read_publications})"
    )
    changed.add_argument("--top", type=int, default=5, help="largest revisions to list (5)")
    changed.add_argument("--json", action="store_true", help="print JSON instead of text")
    changed.add_argument(
        "-o", "--output", metavar="PATH", help="also write the newest figures (CSV, Parquet ...)"
    )
    changed.set_defaults(handler=run_changed)


def run(args: argparse.Namespace) -> int:
    """Run ``hmcts-data whats-new``."""
    from hmcts_data._whatsnew import whats_new

    # Warnings (a stale catalogue, the snapshot) go to standard error through main().
    with client_from_args(args) as client:
        news = whats_new(args.since, client=client, refresh=not client.settings.offline)
    from hmcts_data.cli._width import say

    if args.json:
        print(json_safe(news.to_json()))
    else:
        say(str(news))
    return 0


def run_changed(args: argparse.Namespace) -> int:
    """Run ``hmcts-data what-changed``."""
    import sys

    from hmcts_data._changes import release_changes

    with client_from_args(args) as client:
        changes = release_changes(
            args.release, args.against, publication=args.publication, client=client
        )
    if args.output:
        from hmcts_data._export import write

        path = write(changes.figures, args.output)
        print(f"wrote {len(changes.figures)} rows to {path}", file=sys.stderr)
    from hmcts_data.cli._width import say

    if args.json:
        print(json_safe(changes.to_json(top=args.top)))
    else:
        say(changes.to_text(top=args.top))
    return 0
