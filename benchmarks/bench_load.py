"""Benchmark: ``load("monthly", "all")``, ``series()`` and ``revisions()`` against plain pandas.

A SYNTHETIC site (the accessible-CSV layout) is served by the local fake GOV.UK. Cases, each
against a baseline measured in the same run (medians over interleaved repeats):

* warm ``load(all)`` of ~100 cached releases (no request: catalogue lookup plus parsing)
  against ``pandas.read_csv`` of the same cached files one after another (bare parsing, no
  melting, mapping or validation);
* ``series(frame=F)`` against a naive pandas sort by release plus ``drop_duplicates`` on the
  figure's key columns;
* ``revisions()`` of the two newest releases against a naive merge on the key columns and a
  comparison of the values;
* ``revisions()`` of every release against a naive sort on the key columns and release, a
  grouped ``shift`` and a comparison of the values (how the cost grows with the history).

Cold loads (latency and GOV.UK's rate limit) are in ``bench_cold.py``.
"""

from __future__ import annotations

import shutil
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

from benchmarks import Result, interleaved

RELEASES = 100
REPEAT = 7
KEY = ["publication", "period_start", "period_end", "jurisdiction", "measure", "breakdown", "unit"]


def _naive_series(frame: Any) -> Any:
    ordered = frame.sort_values(["release", "published"], kind="stable")
    return ordered.drop_duplicates(subset=KEY, keep="last")


def _naive_revisions(old: Any, new: Any) -> Any:
    both = old.merge(new, on=KEY, suffixes=("_old", "_new"))
    a, b = both["value_old"], both["value_new"]
    changed = (a != b).fillna(False) | (a.isna() != b.isna())
    out = both.loc[changed]
    return out.assign(change=out["value_new"] - out["value_old"])


def _naive_revisions_all(frame: Any) -> Any:
    ordered = frame.sort_values([*KEY, "release", "published"], kind="stable")
    grouped = ordered.groupby(KEY, observed=True, dropna=False, sort=False)
    old = grouped["value"].shift()
    has_old = grouped["release"].shift().notna()
    new = ordered["value"]
    changed = has_old & ((old != new).fillna(False) | (old.isna() != new.isna()))
    out = ordered.loc[changed]
    return out.assign(change=new[changed] - old[changed])


def _warm(root: Path) -> list[Result]:
    import pandas as pd

    import hmcts_data
    from hmcts_data import Client, Settings
    from hmcts_data._catalogue import catalogue
    from hmcts_data.testing import FakeGovUK
    from hmcts_data.testing._demo import build_data_site

    with FakeGovUK() as fake:
        build_data_site(fake, monthly=RELEASES, last_month=date(2025, 4, 1))
        settings = Settings(base_url=fake.base_url, cache_dir=root, rate_limit=1000.0)
        with Client(settings) as client:
            frame = hmcts_data.load("monthly", "all", client=client)
            pub = catalogue(client=client).get("monthly")
            paths = [
                r.data_file().download(client, cache_key=r.base_path)
                for r in pub.releases
                if r.data_files() and not r.is_withdrawn
            ]
            fake.reset_counts()

            def library() -> None:
                hmcts_data.load("monthly", "all", client=client)

            def baseline() -> None:
                for path in paths:
                    pd.read_csv(path)

            times = interleaved({"lib": library, "base": baseline}, repeat=REPEAT)
            requests = fake.count()
    releases = sorted(frame["release"].unique())
    old = frame[frame["release"] == releases[-2]]
    new = frame[frame["release"] == releases[-1]]
    two = pd.concat([old, new], ignore_index=True)
    series = interleaved(
        {
            "lib": lambda: hmcts_data.series(frame=frame),
            "base": lambda: _naive_series(frame),
        },
        repeat=REPEAT,
    )
    revisions = interleaved(
        {
            "lib": lambda: hmcts_data.revisions(two),
            "base": lambda: _naive_revisions(old, new),
        },
        repeat=REPEAT * 3,
    )
    history = interleaved(
        {
            "lib": lambda: hmcts_data.revisions(frame),
            "base": lambda: _naive_revisions_all(frame),
        },
        repeat=REPEAT,
    )
    note = f"{len(releases)} releases, {len(frame):,} rows"
    return [
        Result(
            f"warm load('monthly', 'all'), {len(paths)} cached files",
            times["lib"],
            times["base"],
            "pandas.read_csv of the same files",
            f"{note}; {requests} requests while warm",
            target=1.5,
        ),
        Result(
            "series(frame=F)",
            series["lib"],
            series["base"],
            "naive pandas sort + drop_duplicates",
            note,
            target=2.0,
        ),
        Result(
            "revisions() of two releases",
            revisions["lib"],
            revisions["base"],
            "naive pandas merge and compare",
            f"{len(two):,} rows",
            target=2.0,
        ),
        Result(
            "revisions() of every release",
            history["lib"],
            history["base"],
            "naive pandas sort + groupby shift and compare",
            note,
            target=2.0,
        ),
    ]


def run() -> list[Result]:
    """Measure warm ``load(all)``, ``series`` and ``revisions`` against pandas."""
    root = Path(tempfile.mkdtemp(prefix="hmcts-bench-load-"))
    try:
        return _warm(root / "warm")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    from benchmarks.__main__ import table

    print(table([("load", r) for r in run()]))
