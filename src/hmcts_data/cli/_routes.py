"""``hmcts-data routes``: access routes to data beyond the open MI, from the packaged facts."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from hmcts_data._display import text_table
from hmcts_data.cli._safe import json_safe

__all__ = ["register"]

_EPILOG = """\
examples:
  hmcts-data routes                              # table of routes: id, name, kind
  hmcts-data routes data-access-panel            # the checklist, every fact tagged
  hmcts-data routes --search transcript          # routes mentioning a word
  hmcts-data routes --suggest "defendant-level linked data"
  hmcts-data routes --datasets                   # MoJ Data First datasets
  hmcts-data routes --other                      # listings, decisions, statistics
  hmcts-data routes data-first --json            # machine-readable

Tags: [official] seen on an official page; [secondary] reputable secondary source;
[unverified] not found in any source, check it; [dated] the source is old or superseded.
"""


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``routes`` subcommand to the CLI.

    Args:
        sub: The subparsers of the main parser.
    """
    parser = sub.add_parser(
        "routes",
        help="access routes to court and tribunal data (Data Access Panel, Data First ...)",
        description=(
            "How to get court and tribunal data that is not in the open MI: the Data Access\n"
            "Panel, MoJ Data First, transcripts, court records and other sources. Every fact\n"
            "carries its confidence tag and sources."
        ),
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("route_id", nargs="?", metavar="ID", help="show one route's checklist")
    what = parser.add_mutually_exclusive_group()
    what.add_argument("--search", metavar="TEXT", help="routes whose facts mention TEXT")
    what.add_argument("--suggest", metavar="NEED", help="routes that fit a need, with reasons")
    what.add_argument("--datasets", action="store_true", help="list the Data First datasets")
    what.add_argument("--other", action="store_true", help="list other sources with URLs")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    parser.set_defaults(handler=_run)


def _emit(args: argparse.Namespace, payload: Any, text: str) -> None:
    if args.json:
        print(json_safe(json.dumps(payload, indent=2, ensure_ascii=False)))
    else:
        from hmcts_data.cli._width import say

        say(text)


def _run(args: argparse.Namespace) -> int:
    from hmcts_data import routes

    if args.route_id is not None and (args.search or args.suggest or args.datasets or args.other):
        print(
            "error: give a route ID or one of --search/--suggest/--datasets/--other",
            file=sys.stderr,
        )
        return 2
    if args.route_id is not None:
        route = routes.get(args.route_id)
        _emit(args, route.model_dump(mode="json"), route.checklist())
        return 0
    if args.suggest is not None:
        found = routes.suggest(args.suggest)
        payload = [
            {"id": s.route.id, "name": s.route.name, "reason": s.reason, "matched": s.matched}
            for s in found
        ]
        text = "\n".join(
            f"{i}. {s.route.id}: {s.route.name}\n   {s.reason}" for i, s in enumerate(found, 1)
        )
        if found:
            text += "\n\nThe tagged, sourced facts: hmcts-data routes ID"
        _emit(args, payload, text or f"No route fits {args.suggest!r}; try --search.")
        return 0
    if args.datasets:
        datasets = routes.data_first_datasets()
        rows = [
            (
                d.id,
                d.tagged(),
                d.source_system.tagged() if d.source_system else "-",
                ", ".join(p.tagged() for p in d.platforms) or "-",
            )
            for d in datasets
        ]
        _emit(
            args,
            [d.model_dump(mode="json") for d in datasets],
            text_table(("id", "dataset", "source system", "platforms"), rows, max_width=None),
        )
        return 0
    if args.other:
        others = routes.other_sources()
        lines = []
        for o in others:
            lines.append(f"{o.id}: {o.tagged()}")
            if o.finder is not None:
                lines.append(f"    read with: hmcts-data decisions harvest {o.finder}")
            lines += [f"    {link.tagged()}" for link in o.links]
            lines += [f"    {c.tagged()}" for c in o.contacts]
        _emit(args, [o.model_dump(mode="json") for o in others], "\n".join(lines))
        return 0
    found_routes = routes.search(args.search) if args.search is not None else routes.list()
    listing = [(r.id, r.name, r.kind.value) for r in found_routes]
    payload = [{"id": r.id, "name": r.name, "kind": r.kind.value} for r in found_routes]
    if not listing:
        _emit(args, payload, f"No route mentions {args.search!r}.")
        return 0
    footer = (
        f"\nFacts last reviewed {routes.last_reviewed().isoformat()}. "
        "Show one with: hmcts-data routes ID"
    )
    _emit(args, payload, text_table(("id", "name", "kind"), listing, max_width=None) + footer)
    return 0
