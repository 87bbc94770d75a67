"""``hmcts-data cache info|clear``: where the cache is, what it holds, and emptying it."""

from __future__ import annotations

import argparse
import json
import sys

from hmcts_data.cli._common import client_from_args
from hmcts_data.cli._safe import json_safe

__all__ = ["human_size", "register"]

_EPILOG = """\
examples:
  hmcts-data cache info            # location, number of files, total size
  hmcts-data cache info --json     # the same, with every entry, as JSON
  hmcts-data cache clear           # asks before deleting (needs a terminal)
  hmcts-data cache clear --yes     # deletes without asking (scripts, CI)

The cache lives in HMCTS_DATA_CACHE_DIR, else the platform's user cache directory.
"""


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``cache`` subcommand (with ``info`` and ``clear``) to the CLI.

    Args:
        sub: The subparsers of the main parser.
    """
    parser = sub.add_parser(
        "cache",
        help="show or clear the download cache",
        description=(
            "The download cache: data files and API pages fetched from GOV.UK, each with a\n"
            "sidecar recording where and when it came from."
        ),
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = parser.add_subparsers(dest="cache_action", metavar="<action>", required=True)
    info = actions.add_parser(
        "info",
        help="where the cache is, how many files, total size",
        description="Show the cache's location, number of cached files and total size.",
        epilog="example:\n  hmcts-data cache info --json | jq .total_bytes\n",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    info.add_argument("--json", action="store_true", help="print JSON, with every entry")
    info.set_defaults(handler=_info)
    clear = actions.add_parser(
        "clear",
        help="delete every cached file and page",
        description=(
            "Delete every cached file and API page. Asks for confirmation on a terminal;\n"
            "elsewhere (scripts, CI) it refuses unless --yes is given."
        ),
        epilog="example:\n  hmcts-data cache clear --yes\n",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    clear.add_argument("-y", "--yes", action="store_true", help="do not ask for confirmation")
    clear.set_defaults(handler=_clear)


def human_size(size: int) -> str:
    """Format a byte count for people (powers of 1024).

    Example:
        >>> human_size(0), human_size(1536), human_size(5 * 1024**2)
        ('0 B', '1.5 KiB', '5.0 MiB')
    """
    value = float(size)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{size} B" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")  # pragma: no cover


def _info(args: argparse.Namespace) -> int:
    with client_from_args(args) as client:
        info = client.cache_info()
    if args.json:
        print(json_safe(json.dumps(info.model_dump(mode="json"), indent=2)))
        return 0
    print(f"location: {info.location}")
    print(f"files:    {info.files}")
    print(f"size:     {human_size(info.total_bytes)} ({info.total_bytes:,} bytes)")
    return 0


def _clear(args: argparse.Namespace) -> int:
    with client_from_args(args) as client:
        info = client.cache_info()
        if not args.yes:
            if not sys.stdin.isatty():
                print(
                    f"error: not clearing {info.location} without confirmation; "
                    "run 'hmcts-data cache clear --yes'.",
                    file=sys.stderr,
                )
                return 2
            answer = input(
                f"Delete {info.files} cached file(s), {human_size(info.total_bytes)}, "
                f"in {info.location}? [y/N] "
            )
            if answer.strip().lower() not in {"y", "yes"}:
                print("nothing deleted")
                return 0
        removed = client.clear_cache()
    print(f"removed {removed} cached file(s) from {info.location}")
    return 0
