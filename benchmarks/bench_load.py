"""Benchmark: ``load("monthly", release="all")`` from a warm cache (target: well under 2 s).

A SYNTHETIC site with 60 monthly releases (five years of the accessible-CSV layout) is served by
the local fake GOV.UK. Cases: the cold load (discovery, downloads, parsing), the warm load (the
discovery and every file fresh in the cache: no request at all, so the time is catalogue
lookup plus parsing), and ``series()`` on the loaded frame. The baseline, measured in the same
run, is ``pandas.read_csv`` of the same cached files one after another: bare parsing with no
melting, mapping or validation.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from datetime import date
from pathlib import Path

from benchmarks import Result

RELEASES = 60
REPEAT = 3


def run() -> list[Result]:
    """Measure cold and warm ``load(all)`` and ``series`` against plain ``read_csv``."""
    import io

    import pandas as pd

    import hmcts_data
    from hmcts_data import Client, Settings
    from hmcts_data.testing import FakeGovUK
    from hmcts_data.testing._demo import build_data_site

    root = Path(tempfile.mkdtemp(prefix="hmcts-bench-load-"))
    try:
        with FakeGovUK() as fake:
            data = build_data_site(fake, monthly=RELEASES, last_month=date(2025, 4, 1))
            settings = Settings(base_url=fake.base_url, cache_dir=root, rate_limit=1000.0)
            with Client(settings) as client:
                start = time.perf_counter()
                frame = hmcts_data.load("monthly", "all", client=client)
                cold = time.perf_counter() - start
            fake.reset_counts()
            warm = float("inf")
            for _ in range(REPEAT):
                with Client(settings) as client:
                    start = time.perf_counter()
                    hmcts_data.load("monthly", "all", client=client)
                    warm = min(warm, time.perf_counter() - start)
            requests = fake.count()
            bodies = [f.data for f in data.monthly]
            baseline = float("inf")
            for _ in range(REPEAT):
                start = time.perf_counter()
                for body in bodies:
                    pd.read_csv(io.BytesIO(body))
                baseline = min(baseline, time.perf_counter() - start)
            start = time.perf_counter()
            hmcts_data.series(frame=frame)
            series_time = time.perf_counter() - start
    finally:
        shutil.rmtree(root, ignore_errors=True)
    releases = frame["release"].nunique()
    note = f"{releases} releases, {len(frame):,} rows"
    return [
        Result("load all, cold (discover + download + parse)", cold, note=note),
        Result(
            "load all, warm cache",
            warm,
            baseline_seconds=baseline,
            baseline="pandas.read_csv of the same files",
            note=f"{note}; {requests} requests while warm",
        ),
        Result("series() over every vintage", series_time, note=note),
    ]
