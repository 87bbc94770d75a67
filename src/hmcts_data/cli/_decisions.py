"""``hmcts-data decisions finders | search | harvest | get``: tribunal decisions on GOV.UK."""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import TYPE_CHECKING, Any

from hmcts_data._display import text_table
from hmcts_data.cli._common import check_output, client_from_args, progress_wanted
from hmcts_data.cli._safe import json_safe

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["register"]

_EPILOG = """\
examples:
  hmcts-data decisions finders                           # the six finders and their facets
  hmcts-data decisions finders employment-tribunal       # one finder's facets and values
  hmcts-data decisions search employment-tribunal --category unfair-dismissal \\
      --decided 2024-01-01: --limit 20                   # newest first
  hmcts-data decisions search asylum-support-tribunal "section 95" --json
  hmcts-data decisions harvest employment-tribunal -o et.parquet   # the whole finder
  hmcts-data decisions harvest employment-tribunal --since 2025-01-01 -o new.csv
  hmcts-data decisions get /employment-tribunal-decisions/<slug> --pdf

Finders: employment-tribunal, employment-appeal-tribunal, tax-and-chancery-tribunal,
administrative-appeals-tribunal, residential-property-tribunal, asylum-support-tribunal
(or their GOV.UK slugs, ending in -decisions). In CSV, list columns (categories, judges ...)
are joined with "; ".
"""

_OUTPUT_HELP = (
    "write the decisions to this file; the suffix picks the format (.csv, .parquet, .json, "
    ".jsonl ...)"
)
#: Options naming a facet (by the decision attribute each fills).
_FACET_OPTIONS = {
    "category": "categories",
    "sub_category": "sub_categories",
    "country": "country",
    "judge": "judges",
    "landmark": "landmark",
}


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``decisions`` subcommand and its own subcommands."""
    parser = sub.add_parser(
        "decisions",
        help="tribunal decisions on GOV.UK finders: search, harvest, one decision",
        description=(
            "Tribunal decisions published on six GOV.UK finders (employment tribunal,\n"
            "employment appeal tribunal, tax and chancery, administrative appeals,\n"
            "residential property, asylum support): search, harvest a whole finder, read one."
        ),
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    verbs = parser.add_subparsers(dest="verb", metavar="<verb>", required=True)

    finders = verbs.add_parser("finders", help="the finders, or one finder's facets and values")
    finders.add_argument("finder", nargs="?", help="show this finder's facets and values")
    finders.add_argument(
        "--refresh", action="store_true", help="read facets from the live finder pages"
    )
    finders.add_argument("--json", action="store_true", help="print JSON instead of text")
    finders.set_defaults(handler=_run_finders)

    search = verbs.add_parser("search", help="search one finder (newest first)")
    search.add_argument("finder", help="finder id or slug")
    search.add_argument("text", nargs="?", help="free text, as in the finder's search box")
    search.add_argument("--decided", metavar="FROM:TO", help="decision dates, either end open")
    search.add_argument("--published", metavar="FROM:TO", help="publication or update dates")
    for option, field in _FACET_OPTIONS.items():
        search.add_argument(
            "--" + option.replace("_", "-"),
            dest=option,
            action="append",
            metavar="VALUE",
            help=f"a {field} slug or label (repeat: any of them)",
        )
    search.add_argument(
        "--facet",
        action="append",
        metavar="KEY=VALUE",
        help="any facet by attribute or GOV.UK key (repeat)",
    )
    search.add_argument("--limit", type=int, default=50, help="most decisions (default 50)")
    _outputs(search)
    search.set_defaults(handler=_run_search)

    harvest = verbs.add_parser(
        "harvest", help="a whole finder (incremental, resumable, kept in the cache)"
    )
    harvest.add_argument("finder", help="finder id or slug")
    harvest.add_argument(
        "--since", metavar="DATE", help="only decisions published or updated since DATE"
    )
    harvest.add_argument("--full", action="store_true", help="fetch everything again")
    harvest.add_argument(
        "--max-depth", type=int, metavar="N", help="deepest result one query pages to"
    )
    _outputs(harvest)
    harvest.set_defaults(handler=_run_harvest)

    get = verbs.add_parser("get", help="one decision's page (and its PDF)")
    get.add_argument("link", help="the decision's link or GOV.UK URL")
    get.add_argument("--pdf", action="store_true", help="download its PDF into the cache")
    get.add_argument("--json", action="store_true", help="print JSON instead of text")
    get.set_defaults(handler=_run_get)


def _outputs(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-o", "--output", metavar="PATH", help=_OUTPUT_HELP)
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    parser.set_defaults(output_parser=parser)


def _range(text: str | None, parser: argparse.ArgumentParser, option: str) -> Any:
    if text is None:
        return None
    start, sep, end = text.partition(":")
    if not sep:
        parser.error(f"{option} takes FROM:TO (either may be empty), not {text!r}")
    return (start or None, end or None)


def _facets(args: argparse.Namespace) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for option, field in _FACET_OPTIONS.items():
        for value in getattr(args, option) or []:
            found.setdefault(field, []).append(value)
    for pair in args.facet or []:
        key, sep, value = pair.partition("=")
        if not sep or not key or not value:
            args.output_parser.error(f"--facet takes KEY=VALUE, not {pair!r}")
        found.setdefault(key.strip(), []).append(value.strip())
    return found


def _run_finders(args: argparse.Namespace) -> int:
    from hmcts_data.decisions import finder, finders

    if args.refresh:
        with client_from_args(args) as client:
            found = finders(refresh=True, client=client)
    else:
        found = finders()
    if args.finder:
        wanted = finder(args.finder).id
        found = tuple(f for f in found if f.id == wanted)
        one = found[0]
        if args.json:
            print(json_safe(one.model_dump_json(indent=2)))
            return 0
        print(f"{one.name} ({one.id}): {one.url}")
        print(f"document type {one.document_type}; covers {one.coverage}")
        for facet in one.facets:
            kind = "several" if facet.multiple else "one"
            print(f"\n{facet.field} ({facet.name}, key {facet.key}, {facet.type}, {kind}):")
            for value in facet.values:
                print(f"  {value.slug}  {value.label}")
        return 0
    if args.json:
        print(json_safe(json.dumps([f.model_dump(mode="json") for f in found], indent=2)))
        return 0
    rows = [[f.id, f.name, f.base_path, ", ".join(f.fields)] for f in found]
    print(text_table(["id", "finder", "base path", "facets"], rows, max_width=None))
    return 0


def _emit(frame: pd.DataFrame, args: argparse.Namespace, summary: str) -> int:
    from hmcts_data._export import write

    if args.output:
        suffix = os.path.splitext(args.output)[1].lower()
        path = write(_flat(frame) if suffix == ".csv" else frame, args.output)
        print(f"wrote {len(frame):,} decisions to {path}", file=sys.stderr)
        return 0
    if args.json:
        text = frame.to_json(orient="records", date_format="iso", force_ascii=False, indent=2)
        print(json_safe(text or "[]"))
        return 0
    print(summary)
    return 0


def _flat(frame: pd.DataFrame) -> pd.DataFrame:
    """List columns joined with "; " (CSV has no lists)."""
    flat = frame.copy()
    for name in flat.columns:
        if flat[name].map(lambda v: isinstance(v, list)).any():
            flat[name] = [
                "; ".join("" if x is None else str(x) for x in v) if isinstance(v, list) else v
                for v in flat[name]
            ]
    return flat


def _listing(frame: pd.DataFrame, limit: int = 30) -> str:
    rows = [
        [
            "" if d is None or str(d) == "NaT" else str(d)[:10],
            ", ".join(c for c in cats if c)[:40],
            str(title)[:60],
        ]
        for d, cats, title in zip(
            frame["decision_date"], frame["categories"], frame["title"], strict=True
        )
    ][:limit]
    return text_table(["decided", "categories", "title"], rows, max_width=None)


def _run_search(args: argparse.Namespace) -> int:
    check_output(args)
    from hmcts_data.decisions import search

    parser = args.output_parser
    decided = _range(args.decided, parser, "--decided")
    published = _range(args.published, parser, "--published")
    facets: dict[str, Any] = dict(_facets(args))
    with client_from_args(args) as client:
        found = search(
            args.finder,
            args.text,
            decided=decided,
            published=published,
            limit=args.limit,
            client=client,
            **facets,
        )
    frame = found.to_frame()
    summary = f"{len(found)} of {found.total:,} {found.finder.id} decisions\n" + _listing(frame)
    return _emit(frame, args, summary)


def _run_harvest(args: argparse.Namespace) -> int:
    check_output(args)
    from hmcts_data.decisions import harvest

    with client_from_args(args) as client:
        frame = harvest(
            args.finder,
            since=args.since,
            full=args.full,
            max_depth=args.max_depth,
            progress=progress_wanted(),
            client=client,
        )
    years = frame["decision_date"].dt.year.value_counts().sort_index()
    by_year = ", ".join(f"{int(y)}: {n:,}" for y, n in years.items())
    started = frame.attrs.get("harvested_at")
    when = f", harvest begun {started:%Y-%m-%d %H:%M} UTC" if started else ""
    summary = (
        f"{len(frame):,} {frame.attrs.get('finder', args.finder)} decisions{when} (kept in "
        f"the cache; -o PATH writes them)\nby year decided: {by_year or 'none'}"
    )
    return _emit(frame, args, summary)


def _run_get(args: argparse.Namespace) -> int:
    from hmcts_data.decisions import decision

    with client_from_args(args) as client:
        page = decision(args.link, client=client)
        path = page.pdf(client=client, progress=progress_wanted()) if args.pdf else None
    if args.json:
        data = page.model_dump(mode="json")
        data["pdf"] = str(path) if path else None
        print(json_safe(json.dumps(data, indent=2, ensure_ascii=False)))
        return 0
    d = page.decision
    lines = [d.title, d.url]
    if d.decision_date:
        lines.append(f"decided: {d.decision_date}")
    for name, values in (
        ("categories", d.categories),
        ("sub-categories", d.sub_categories),
        ("judges", d.judges),
    ):
        if values:
            lines.append(f"{name}: {', '.join(values)}")
    if d.country:
        lines.append(f"country: {d.country}")
    if d.reference_number:
        lines.append(f"reference: {d.reference_number}")
    lines += [f"file: {a.name} {a.url}" for a in page.attachments]
    if path is not None:
        lines.append(f"pdf: {path}")
    print("\n".join(lines))
    return 0
