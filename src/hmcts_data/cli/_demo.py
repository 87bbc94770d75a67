"""``hmcts-data demo``: the library's whole job, offline, against a local SYNTHETIC GOV.UK.

Nothing here is a separate code path: the demo starts :class:`hmcts_data.testing.FakeGovUK`
on loopback, then calls the same public functions a user calls (``catalogue``, ``load``,
``series``, ``revisions``, ``write``, ``plot``), through the real discovery, retry and cache
code, with faults injected on the way.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

__all__ = ["register"]

#: Left in every folder the demo makes, so a later run knows the folder is its own.
_MARKER = ".hmcts-data-demo"

_EPILOG = """\
examples:
  hmcts-data demo                      # writes into ./hmcts-data-demo
  hmcts-data demo -o /tmp/demo         # choose the folder

Everything the demo shows is SYNTHETIC: generated figures served by a local stand-in for
GOV.UK on 127.0.0.1. No real HMCTS figure is shown and nothing leaves this machine.
"""


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``demo`` subcommand."""
    parser = sub.add_parser(
        "demo",
        help="run the whole job offline on SYNTHETIC data (no internet needed)",
        description=(
            "Start a local stand-in for GOV.UK serving SYNTHETIC releases, then discover the\n"
            "catalogue, download through the retry/cache layer (with injected faults), parse\n"
            "into tidy frames, and write a CSV and a PNG chart."
        ),
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "-o",
        "--output",
        metavar="DIR",
        default="hmcts-data-demo",
        help="folder for the outputs (default: ./hmcts-data-demo)",
    )
    parser.add_argument(
        "--releases",
        type=_at_least_one,
        default=6,
        metavar="N",
        help="monthly releases to serve (6)",
    )
    parser.set_defaults(handler=run)


def _at_least_one(text: str) -> int:
    """An argparse type: a whole number of at least 1 (anything else is a usage error)."""
    try:
        number = int(text)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {text!r}")
    return number


def _claim(out: Path) -> str | None:
    """Make ``out`` the demo's folder, or say why not: the demo writes only into its own folder.

    A missing or empty folder becomes the demo's (marked with ``.hmcts-data-demo``); a folder
    it marked on an earlier run is reused; anything else is refused with what to do.
    """
    marker = out / _MARKER
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        return f"{out} is not a folder; choose another with -o DIR."
    ours = marker.is_file() and not marker.is_symlink()
    if out.is_dir() and not ours and any(out.iterdir()):
        return (
            f"{out} already holds files the demo did not make, and the demo writes only "
            "into a folder of its own. Choose a new or empty folder, e.g. "
            "'hmcts-data demo -o hmcts-data-demo-2'."
        )
    out.mkdir(parents=True, exist_ok=True)
    marker.write_text("made by 'hmcts-data demo'; the demo may rewrite this folder\n")
    return None


def _say(text: str = "") -> None:
    print(text, flush=True)


def run(args: argparse.Namespace) -> int:
    """Run ``hmcts-data demo``."""
    import hmcts_data
    from hmcts_data._cache import Cache
    from hmcts_data._catalogue._discover import collection_api_path
    from hmcts_data._client import Client
    from hmcts_data._settings import Settings
    from hmcts_data.testing import FakeGovUK, Status
    from hmcts_data.testing._demo import build_data_site

    out = Path(args.output).resolve()
    refusal = _claim(out)
    if refusal is not None:
        print(f"error: {refusal}", file=sys.stderr)
        return 2
    cache_dir = out / "cache"
    # The demo's own cache, never the user's: its URLs point at a server that stops on exit.
    # Emptied the cache's own way (only files it made), never by deleting the folder blindly.
    if cache_dir.is_dir() and not cache_dir.is_symlink():
        Cache(cache_dir).clear()

    _say("hmcts-data demo: every figure below is SYNTHETIC (generated, not HMCTS data).")
    with FakeGovUK() as fake:
        data = build_data_site(fake, monthly=args.releases, last_month=date(2025, 4, 1))
        _say(f"1. Local stand-in for GOV.UK at {fake.base_url} ({len(data.site.pages)} pages)")

        newest_csv = urlsplit(data.site.pages_of("monthly")[0].file_urls[0]).path
        fake.inject(collection_api_path(), Status(503), Status(503))
        fake.inject(newest_csv, Status(429, retry_after="1"))
        _say("   faults injected: the collection answers 503 twice; the newest CSV answers")
        _say("   429 with Retry-After: 1 (the client must back off and retry)")

        # Fixed settings, never HMCTS_DATA_* (nor --offline): a user who is offline, or who set
        # HMCTS_DATA_RETRIES=0, must still see the demo run through its injected faults.
        settings = Settings(
            base_url=fake.base_url, cache_dir=cache_dir, rate_limit=100.0, backoff=0.2
        )
        with Client(settings) as client:
            cat = hmcts_data.catalogue(client=client)
            _say(f"2. Catalogue discovered ({cat.source}): {len(cat)} publications")
            for pub in cat:
                newest_title = pub.releases[0].title if pub.releases else "-"
                _say(f"   {pub.id:<18} {len(pub.releases):>3} releases  newest: {newest_title}")
            frame = hmcts_data.load("monthly", "all", client=client)
            releases = sorted(frame["release"].unique())
            _say(
                f"3. Monthly MI loaded: {len(frame):,} tidy rows from {len(releases)} releases "
                f"({releases[0]} to {releases[-1]}); {int(frame['value'].isna().sum())} "
                "missing figures kept with their markers"
            )
            _say(
                f"   retried through the faults: collection requested "
                f"{fake.count(collection_api_path())} times, newest CSV "
                f"{fake.count(newest_csv)} times; withdrawn releases are listed, not loaded"
            )
            others = {}
            for pub_id in ("weekly-covid", "remote-hearings", "reformed-services", "ad-hoc"):
                others[pub_id] = len(hmcts_data.load(pub_id, client=client))
            _say(
                "   other publications: " + ", ".join(f"{k} {v:,} rows" for k, v in others.items())
            )

        latest = hmcts_data.series(frame=frame)
        revised = hmcts_data.revisions(frame)
        n_revised = int((revised["kind"] == "revised").sum())
        _say(
            f"4. Harmonised series: {len(latest):,} figures; {n_revised:,} figures revised "
            "between consecutive releases"
        )
        newest = latest[latest["period_start"] == latest["period_start"].max()]
        shown = newest[
            (newest["measure"] == "outstanding")
            & (newest["breakdown"] == "")
            & newest["value"].notna()
        ]
        for row in shown.head(4).itertuples():
            _say(
                f"   {row.jurisdiction:<20} outstanding {row.period_start:%b %Y}: "
                f"{row.value:,.0f} (release {row.release})"
            )

        csv_path = hmcts_data.write(latest, out / "monthly_series_SYNTHETIC.csv")
        _say(f"5. Wrote {csv_path}")
        try:
            from hmcts_data import plot

            fig = plot.trend(frame, "outstanding", title="Outstanding caseload by jurisdiction")
            png = plot.save(fig, out / "outstanding_SYNTHETIC.png")
            _say(f"   Wrote {png}")
        except hmcts_data.MissingDependencyError:
            _say('   (chart skipped: pip install "hmcts-data[plot]" to draw it)')
    _say("Done: the same calls work against the real GOV.UK without the stand-in.")
    sys.stdout.flush()
    return 0
