"""Benchmark: catalogue discovery on the local fake GOV.UK, and what a refresh costs.

Cases on a ~100-page SYNTHETIC site: a cold discovery (empty cache), a warm one (the cached
discovery is fresh: no request), a warm one from the page cache alone, a full revalidation
(``refresh="full"``: every request conditional, answered 304) and an incremental refresh
(``refresh=True`` when nothing moved: the collection and the search page). The baseline,
measured in the same run (medians over interleaved repeats), is a plain pooled
``httpx.Client`` fetching the same API URLs one after another with no cache, no validation and
no rate limit.

The refresh line counts requests: ``catalogue(refresh=True)`` on a 30-release site after one
new release is published, against what a full revalidation of every page costs (target: at
most 6).
"""

from __future__ import annotations

import shutil
import tempfile
from datetime import date
from pathlib import Path

from benchmarks import Result, interleaved

MONTHLY = 76
REPEAT = 7


def _refresh_requests(root: Path) -> Result:
    from hmcts_data import Client
    from hmcts_data._catalogue import catalogue
    from hmcts_data.testing import FakeGovUK, build_site

    with FakeGovUK() as fake:
        site = build_site(fake, monthly=30, last_month=date(2025, 3, 1))
        with Client(base_url=fake.base_url, cache_dir=root / "refresh", rate_limit=1000) as client:
            catalogue(client=client)
            site = site.publish_monthly()
            fake.reset_counts()
            catalogue(client=client, refresh=True)
            requests = fake.count()
            fake.reset_counts()
            catalogue(client=client, refresh="full")
            every_page = fake.count()
    return Result(
        "catalogue(refresh=True) after one new release (30 releases)",
        requests,
        every_page,
        'every page revalidated (refresh="full")',
        "requests made",
        limit=6,
        unit="requests",
    )


def run() -> list[Result]:
    """Measure cold, warm and revalidating discovery against the plain-httpx baseline."""
    import httpx

    from hmcts_data import Client
    from hmcts_data._catalogue import catalogue
    from hmcts_data._catalogue._discover import SEARCH_PARAMS, collection_api_path, discover
    from hmcts_data.testing import FakeGovUK, build_site

    root = Path(tempfile.mkdtemp(prefix="hmcts-bench-catalogue-"))
    results: list[Result] = []
    try:
        with FakeGovUK() as fake:
            site = build_site(fake, monthly=MONTHLY)
            urls = [fake.url(collection_api_path()), *(fake.url(p) for p in site.content_paths)]
            search = fake.url("/api/search.json")
            params: dict[str, str | list[str]] = {**SEARCH_PARAMS, "count": "1500", "start": "0"}
            plain = httpx.Client()

            def baseline() -> None:
                plain.get(search, params=params).json()
                for url in urls:
                    plain.get(url).json()

            counter = iter(range(10**6))
            state: dict[str, Client] = {}

            def fresh_client() -> None:
                old = state.get("client")
                if old is not None:
                    old.close()
                state["client"] = Client(
                    base_url=fake.base_url,
                    cache_dir=root / f"c{next(counter)}",
                    rate_limit=1000.0,
                )

            fake.reset_counts()
            fresh_client()
            catalogue(client=state["client"])
            cold_requests = fake.count()
            with Client(base_url=fake.base_url, cache_dir=root / "w", rate_limit=1000.0) as warm:
                catalogue(client=warm)
                fake.reset_counts()
                times = interleaved(
                    {
                        "base": baseline,
                        "cold": lambda: catalogue(client=state["client"]),
                        "warm": lambda: catalogue(client=warm),
                        "pages": lambda: discover(warm),
                    },
                    setup={"cold": fresh_client},
                    repeat=REPEAT,
                )
                fake.reset_counts()
                revalidate = interleaved(
                    {
                        "base": baseline,
                        "full": lambda: catalogue(client=warm, refresh="full"),
                        "incremental": lambda: catalogue(client=warm, refresh=True),
                    },
                    repeat=REPEAT,
                )
                fake.reset_counts()
                catalogue(client=warm, refresh="full")
                revalidations = fake.count()
                fake.reset_counts()
                catalogue(client=warm, refresh=True)
                incremental = fake.count()
            state["client"].close()
            plain.close()
            base, what = times["base"], "plain pooled httpx, same URLs"
            results += [
                Result(
                    f"cold discovery ({len(site.pages)} pages)",
                    times["cold"],
                    base,
                    what,
                    f"{cold_requests} requests; at GOV.UK's 10/s about {cold_requests / 10:.0f} s",
                ),
                Result("warm discovery (cached)", times["warm"], base, what, "no request"),
                Result(
                    "warm discovery (page cache only)", times["pages"], base, what, "no request"
                ),
                Result(
                    'full revalidation (refresh="full", all 304)',
                    revalidate["full"],
                    revalidate["base"],
                    what,
                    f"{revalidations} conditional requests per run",
                ),
                Result(
                    "incremental refresh (refresh=True), nothing moved",
                    revalidate["incremental"],
                    revalidate["base"],
                    what,
                    f"{incremental} conditional requests per run",
                ),
            ]
        results.append(_refresh_requests(root))
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return results


if __name__ == "__main__":
    from benchmarks.__main__ import table

    print(table([("catalogue", r) for r in run()]))
