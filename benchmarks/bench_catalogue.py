"""Benchmark: catalogue discovery of a ~100-page SYNTHETIC site on the local fake GOV.UK.

Cases: a cold discovery (empty cache), a warm one (the cached discovery is fresh: no request),
a warm one from the page cache alone, a full revalidation (``refresh="full"``: every request
conditional, answered 304) and an incremental refresh (``refresh=True``: the collection and the
search page; the note gives the requests after one new monthly release). The baseline,
measured in the same run, is a plain pooled ``httpx.Client`` fetching the same API URLs one
after another with no cache, no validation and no rate limit. The rate limit is raised to
1000/s on loopback; at GOV.UK's 10/s a cold discovery is bound by the limit (requests / 10 s).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from benchmarks import Result, best_of

MONTHLY = 76
REPEAT = 5


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

            def baseline() -> None:
                with httpx.Client() as plain:
                    plain.get(search, params=params).json()
                    for url in urls:
                        plain.get(url).json()

            base = best_of(baseline, repeat=REPEAT)
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

            def cold() -> None:
                catalogue(client=state["client"])

            fake.reset_counts()
            fresh_client()
            cold()
            requests = fake.count()
            cold_s = best_of(cold, repeat=REPEAT, setup=fresh_client)
            results.append(
                Result(
                    f"cold discovery ({len(site.pages)} pages)",
                    cold_s,
                    base,
                    "plain httpx, same URLs",
                    f"{requests} requests; at GOV.UK's 10/s about {requests / 10:.0f} s",
                )
            )
            client = state["client"]
            fake.reset_counts()
            warm_s = best_of(lambda: catalogue(client=client), repeat=REPEAT)
            results.append(
                Result(
                    "warm discovery (cached)",
                    warm_s,
                    base,
                    "plain httpx, same URLs",
                    f"{fake.count()} requests",
                )
            )
            pages_s = best_of(lambda: discover(client), repeat=REPEAT)
            results.append(
                Result(
                    "warm discovery (page cache only)",
                    pages_s,
                    base,
                    "plain httpx, same URLs",
                    f"{fake.count()} requests",
                )
            )
            fake.reset_counts()
            revalidate_s = best_of(lambda: catalogue(client=client, refresh="full"), repeat=REPEAT)
            results.append(
                Result(
                    'full revalidation (refresh="full", all 304)',
                    revalidate_s,
                    base,
                    "plain httpx, same URLs",
                    f"{fake.count() // REPEAT} conditional requests per run",
                )
            )
            site = site.publish_monthly()
            fake.reset_counts()
            catalogue(client=client, refresh=True)
            after_new = fake.count()
            incremental_s = best_of(lambda: catalogue(client=client, refresh=True), repeat=REPEAT)
            results.append(
                Result(
                    "incremental refresh (refresh=True)",
                    incremental_s,
                    base,
                    "plain httpx, same URLs",
                    f"{after_new} requests after one new release; "
                    f"{(fake.count() - after_new) // REPEAT} per run when nothing moved",
                )
            )
            client.close()
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return results
