"""``hmcts-data demo``: the library's whole job, offline, against a local SYNTHETIC GOV.UK.

Nothing here is a separate code path: the demo starts :class:`hmcts_data.testing.FakeGovUK`
on loopback, then calls the same public functions a user calls (``catalogue``, ``load``,
``series``, ``revisions``, ``write``, ``plot``), through the real discovery, retry and cache
code, with faults injected on the way.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from hmcts_data._errors import IntegrityError

if TYPE_CHECKING:
    import pandas as pd

    from hmcts_data._embedded import EmbeddedRelease

__all__ = ["register"]

#: Left in every folder the demo makes, so a later run knows the folder is its own.
_MARKER = ".hmcts-data-demo"

_EPILOG = """\
examples:
  hmcts-data demo                      # writes into ./hmcts-data-demo
  hmcts-data demo -o /tmp/demo         # choose the folder
  hmcts-data demo --releases 2         # only the two newest embedded releases

The monthly figures are real: the published HMCTS management information files embedded in
hmcts-data (Open Government Licence v3.0, (c) Crown copyright), served by a local stand-in
for GOV.UK on 127.0.0.1. The stand-in's pages around them, and the other publications it
lists (weekly COVID-19, remote hearings, ...), are SYNTHETIC and labelled so. Nothing leaves
this machine.
"""


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``demo`` subcommand."""
    parser = sub.add_parser(
        "demo",
        help="run the whole job offline on the real releases embedded in hmcts-data",
        description=(
            "Start a local stand-in for GOV.UK serving the real monthly releases embedded in\n"
            "hmcts-data, then discover the catalogue, download through the retry/cache layer\n"
            "(with injected faults), parse into tidy frames, and write a CSV and a PNG chart\n"
            "of the real published figures."
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
        default=None,
        metavar="N",
        help="serve only the newest N embedded real monthly releases (default: all of them)",
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


def _as_embedded(frame: pd.DataFrame, served: tuple[EmbeddedRelease, ...]) -> pd.DataFrame:
    """Check every figure came from an embedded copy, byte for byte, and say so in the frame.

    The stand-in's loopback URL stops existing when the demo ends, and its page times are its
    own (the usual timetable, inferred): so ``source_url`` names the embedded copy (the
    ``embedded:`` URL :func:`hmcts_data.load` gives figures from an embedded copy) and
    ``published`` is left unknown. ``sha256`` stays that of the bytes downloaded, which is
    checked here to equal the embedded copy's recorded sha256.
    """
    import pandas as pd

    by_release = {item.release: item for item in served}
    urls = pd.Series(pd.NA, index=frame.index, dtype="string")
    for release, rows in frame.groupby("release", observed=True).groups.items():
        item = by_release.get(str(release))
        hashes = set(frame.loc[rows, "sha256"].astype(str))
        if item is None or hashes != {item.sha256}:
            raise IntegrityError(
                f"The demo's release {release} does not match the embedded copy it should be "
                f"(sha256 {sorted(hashes)}): please report this as a bug."
            )
        urls[rows] = item.source_url
    unknown = pd.Series(pd.NaT, index=frame.index, dtype=frame["published"].dtype)
    return frame.assign(source_url=urls, published=unknown)


def _headline(latest: pd.DataFrame, item: EmbeddedRelease) -> list[str]:
    """Lines of the newest release's outstanding caseloads: each jurisdiction's latest figure."""
    rows = latest[
        (latest["release"] == item.release)
        & (latest["measure"] == "outstanding")
        & (latest["breakdown"] == "")
        & latest["value"].notna()
    ]
    newest = rows.sort_values("period_start").groupby("jurisdiction", observed=True).tail(1)
    newest = newest.sort_values("value", ascending=False)
    return [
        f"   {row.jurisdiction:<20} outstanding {row.period_start:%b %Y}: {row.value:>9,.0f}"
        for row in newest.itertuples()
    ]


def run(args: argparse.Namespace) -> int:
    """Run ``hmcts-data demo``."""
    import hmcts_data
    from hmcts_data._cache import Cache
    from hmcts_data._catalogue._discover import collection_api_path
    from hmcts_data._client import Client
    from hmcts_data._embedded import attribution, embedded_releases
    from hmcts_data._settings import Settings
    from hmcts_data.tables._crosswalk import crosswalk_files
    from hmcts_data.testing import Drop, FakeGovUK, Status
    from hmcts_data.testing._embedded_site import build_embedded_site

    available = embedded_releases("monthly")
    if args.releases is not None and args.releases > len(available):
        print(
            f"error: --releases {args.releases}: hmcts-data embeds {len(available)} real "
            f"monthly releases ({', '.join(r.release for r in available)}); choose 1 to "
            f"{len(available)}.",
            file=sys.stderr,
        )
        return 2
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

    _say(
        "hmcts-data demo: real HMCTS figures, from the published monthly files embedded in "
        "hmcts-data, served by a local stand-in for GOV.UK (nothing leaves this machine)."
    )
    with FakeGovUK() as fake:
        served = build_embedded_site(fake, releases=args.releases)
        names = ", ".join(r.release for r in served.releases)
        _say(f"1. Local stand-in for GOV.UK at {fake.base_url} ({len(served.site.pages)} pages)")
        _say(f"   monthly releases {names}: the real published files, byte for byte")
        _say("   every other publication listed: SYNTHETIC (generated, not HMCTS figures)")

        newest = served.releases[-1]
        newest_path = urlsplit(served.file_url(newest)).path
        fake.inject(collection_api_path(), Status(503), Status(503))
        fake.inject(newest_path, Status(429, retry_after="1"))
        faults = (
            "   faults injected: the collection answers 503 twice; the newest file answers\n"
            "   429 with Retry-After: 1 (the client must back off and retry)"
        )
        dropped_path = None
        if len(served.releases) > 1:
            older = served.releases[-2]
            dropped_path = urlsplit(served.file_url(older)).path
            # Cut mid-body: the client must retry, and never cache the half-file.
            fake.inject(dropped_path, Drop(after_bytes=older.size // 2))
            faults += (
                f";\n   the {older.release} file's connection drops halfway (a truncated "
                "download must be retried, never cached)"
            )
        _say(faults)

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
                if len(newest_title) > 64:  # one line each on a terminal
                    newest_title = newest_title[:63] + "…"
                _say(f"   {pub.id:<18} {len(pub.releases):>3} releases  newest: {newest_title}")
            loaded = hmcts_data.load("monthly", "all", client=client)
            frame = _as_embedded(loaded, served.releases)
            releases = sorted(frame["release"].unique())
            _say(
                f"3. Monthly MI loaded: {len(frame):,} tidy rows from {len(releases)} real "
                f"releases ({', '.join(releases)}); {int(frame['value'].isna().sum())} missing "
                "figures kept with their markers"
            )
            retried = (
                f"   retried through the faults: collection requested "
                f"{fake.count(collection_api_path())} times, newest file "
                f"{fake.count(newest_path)} times"
            )
            if dropped_path is not None:
                retried += (
                    f", the {served.releases[-2].release} file {fake.count(dropped_path)} times"
                )
            _say(retried)
            _say("   every file's sha256 equals its embedded copy's")
            others = {}
            for pub_id in crosswalk_files():
                others[pub_id] = len(hmcts_data.load(pub_id, client=client))
            _say(
                "   other publications, SYNTHETIC: "
                + ", ".join(f"{k} {v:,} rows" for k, v in others.items())
            )

        latest = hmcts_data.series(frame=frame)
        revised = hmcts_data.revisions(frame)
        n_revised = int((revised["kind"] == "revised").sum())
        _say(
            f"4. Harmonised series: {len(latest):,} figures; {n_revised:,} figures revised "
            "between consecutive releases"
        )
        _say(f"   newest release {newest.label}, latest outstanding caseloads:")
        for line in _headline(latest, newest):
            _say(line)

        csv_path = hmcts_data.write(latest, out / "monthly_series.csv")
        _say(f"5. Wrote {csv_path}")
        _say(f"   (source_url of every row: the embedded copy, e.g. {newest.source_url})")
        try:
            from hmcts_data import plot

            fig = plot.trend(frame, "outstanding", title="Outstanding caseload by jurisdiction")
            png = plot.save(fig, out / "outstanding.png")
            _say(f"   Wrote {png}")
        except hmcts_data.MissingDependencyError:
            _say('   (chart skipped: pip install "hmcts-data[plot]" to draw it)')
    _say(f"Source: HMCTS management information (releases {names}). {attribution()}")
    _say("Done: the same calls fetch current releases from GOV.UK without the stand-in.")
    sys.stdout.flush()
    return 0
