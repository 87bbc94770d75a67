"""``hmcts-data whats-new``: releases published or updated since a date, and what is due."""

from __future__ import annotations

import argparse

from hmcts_data.cli._common import client_from_args

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
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--since",
        metavar="WHEN",
        help="a date (2025-06-01), a datetime (2025-06-12T09:00, UK time unless it has an "
        "offset), a monthly release key (2025-04) or a release slug; default: 31 days ago",
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Run ``hmcts-data whats-new``."""
    from hmcts_data._whatsnew import whats_new

    # Warnings (a stale catalogue, the snapshot) go to standard error through main().
    with client_from_args(args) as client:
        news = whats_new(args.since, client=client, refresh=not client.settings.offline)
    print(news.to_json() if args.json else str(news))
    return 0
