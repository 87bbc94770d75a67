"""``hmcts-data load | read | series | revisions``: tidy frames to a file or to stdout."""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING

from hmcts_data._errors import NotFoundError
from hmcts_data.cli._common import (
    HelpFormatter,
    check_output,
    client_from_args,
    progress_wanted,
)

if TYPE_CHECKING:
    import pandas as pd

    from hmcts_data.tables import OnUnknown

__all__ = ["register"]

_OUTPUT_HELP = (
    "write to this file; the suffix picks the format (.csv, .parquet, .json, .jsonl, .arrow, "
    ".feather, .duckdb); "
    "without it, CSV goes to standard output"
)


def _parser(
    sub: argparse._SubParsersAction[argparse.ArgumentParser],
    name: str,
    help_text: str,
    description: str,
    epilog: str,
) -> argparse.ArgumentParser:
    parser = sub.add_parser(
        name,
        help=help_text,
        description=description,
        epilog=epilog,
        formatter_class=HelpFormatter,
    )
    parser.add_argument("-o", "--output", metavar="PATH", help=_OUTPUT_HELP)
    parser.add_argument(
        "--no-escape-formulas",
        dest="escape_formulas",
        action="store_false",
        help="write CSV text cells starting with = + - @ verbatim (by default they get a "
        "leading ' so spreadsheets do not run them as formulas)",
    )
    parser.set_defaults(output_parser=parser)
    return parser


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``load``, ``read``, ``series`` and ``revisions`` subcommands."""
    load = _parser(
        sub,
        "load",
        "download and parse a publication into the tidy frame",
        "Download a release (through the cache) and parse it into the tidy frame.",
        "examples:\n"
        "  hmcts-data load monthly -o mi.csv                 # latest monthly release\n"
        "  hmcts-data load monthly --release 2025-04 -o mi.parquet\n"
        "  hmcts-data load monthly --release all -o all.parquet   # every vintage\n"
        "  hmcts-data --offline load monthly > mi.csv        # from the cache only\n",
    )
    load.add_argument("publication", help="publication id ({read_publications})")
    load.add_argument(
        "--release",
        metavar="R",
        help="a data month (2025-04), 'latest', a date (2025-04-30: the data month it falls "
        "in), a GOV.UK slug, or 'all'; default: the latest",
    )
    _unknown_flags(load)
    load.set_defaults(handler=_run_load)

    read = _parser(
        sub,
        "read",
        "parse a file you already have (no network)",
        "Parse a published file you already have into the tidy frame; no network is used.\n"
        "The format (CSV, XLSX, ODS) is detected from the content, not the name.",
        "examples:\n"
        "  hmcts-data read monthly HMCTS_MI_output_accessible.csv -o tidy.csv\n"
        "  hmcts-data read monthly mi.xlsx --release 2022-04 -o tidy.parquet\n",
    )
    read.add_argument("publication", help="publication id ({read_publications})")
    read.add_argument("file", help="path of the published file")
    read.add_argument("--release", metavar="YYYY-MM", help="the release's latest data month")
    _unknown_flags(read)
    read.set_defaults(handler=_run_read)

    series = _parser(
        sub,
        "series",
        "one harmonised series across all releases",
        "Load every release and keep, for each figure, the value from the newest release\n"
        "that publishes it; the 'release' column says which.",
        "examples:\n"
        "  hmcts-data series -o monthly_series.csv\n"
        "  hmcts-data series --jurisdiction civil --measure receipts\n",
    )
    series.add_argument(
        "--publication", default="monthly", help="publication id ({read_publications})"
    )
    series.add_argument("--jurisdiction", help="a canonical jurisdiction (e.g. civil, sscs)")
    series.add_argument("--measure", help="a canonical measure (e.g. receipts, outstanding)")
    series.add_argument("--breakdown", help="a breakdown ('' for the headline figure)")
    series.set_defaults(handler=_run_series)

    revisions = _parser(
        sub,
        "revisions",
        "every figure that changed between releases",
        "Load every release and list every figure that changed between consecutive releases\n"
        "(revised, filled in, or withdrawn).",
        "examples:\n"
        "  hmcts-data revisions -o revisions.csv\n"
        "  hmcts-data revisions --jurisdiction probate\n",
    )
    revisions.add_argument(
        "--publication", default="monthly", help="publication id ({read_publications})"
    )
    revisions.add_argument("--jurisdiction", help="keep only this canonical jurisdiction")
    revisions.set_defaults(handler=_run_revisions)


def _emit(frame: pd.DataFrame, args: argparse.Namespace) -> int:
    from hmcts_data._export import escape_formulas, write

    output: str | None = args.output
    if output:
        path = write(frame, output, escape_formulas=args.escape_formulas)
        print(f"wrote {len(frame):,} rows to {path}", file=sys.stderr)
        return 0
    try:
        # The same CSV as write(..., "x.csv"): figures as published (3268, not 3268.0).
        safe = escape_formulas(frame) if args.escape_formulas else frame
        safe.to_csv(sys.stdout, index=False, float_format="%.15g")
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader stopped early (``| head``): not an error. Point stdout at devnull so the
        # interpreter's final flush does not raise again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    return 0


def _unknown_flags(command: argparse.ArgumentParser) -> None:
    """``--strict`` (anything beyond the exact crosswalk fails) and ``--keep-unknown``."""
    group = command.add_mutually_exclusive_group()
    group.add_argument(
        "--strict",
        action="store_true",
        help="fail (exit 7) on any header beyond the exact crosswalk",
    )
    group.add_argument(
        "--keep-unknown",
        action="store_true",
        help="keep headers the crosswalk does not record, with a warning (the default)",
    )


def _on_unknown(args: argparse.Namespace) -> OnUnknown | None:
    if args.strict:
        return "raise"
    return "keep" if args.keep_unknown else None


def _run_load(args: argparse.Namespace) -> int:
    check_output(args)
    from hmcts_data._api import load

    on_unknown = _on_unknown(args)
    with client_from_args(args) as client:
        frame = load(
            args.publication,
            args.release,
            client=client,
            on_unknown=on_unknown,
            progress=progress_wanted(),
        )
    return _emit(frame, args)


def _run_read(args: argparse.Namespace) -> int:
    check_output(args)
    from hmcts_data._api import read

    on_unknown = _on_unknown(args)
    frame = read(args.publication, args.file, release=args.release, on_unknown=on_unknown)
    return _emit(frame, args)


def _run_series(args: argparse.Namespace) -> int:
    check_output(args)
    from hmcts_data._api import series

    with client_from_args(args) as client:
        frame = series(
            args.publication,
            jurisdiction=args.jurisdiction,
            measure=args.measure,
            breakdown=args.breakdown,
            client=client,
            progress=progress_wanted(),
        )
    return _emit(frame, args)


def _run_revisions(args: argparse.Namespace) -> int:
    check_output(args)
    from hmcts_data._api import load
    from hmcts_data.tables._schema import vocabulary
    from hmcts_data.tables._vintages import revisions

    known = vocabulary().jurisdiction
    if args.jurisdiction is not None and args.jurisdiction not in known:
        # Checked before any download: a typo must not cost a full load and print nothing.
        raise NotFoundError("jurisdiction", args.jurisdiction, sorted(known))
    with client_from_args(args) as client:
        frame = load(args.publication, "all", client=client, progress=progress_wanted())
    if args.jurisdiction is not None:
        frame = frame[frame["jurisdiction"] == args.jurisdiction].reset_index(drop=True)
    return _emit(revisions(frame), args)
