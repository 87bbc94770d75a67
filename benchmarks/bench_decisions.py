"""Benchmark: harvesting a whole decisions finder, against the floor its requests set.

A SYNTHETIC corpus of 30,000 employment tribunal decisions is served by the decisions stand-in
(:func:`hmcts_data.testing.build_decisions_site`) in a separate process, so the server's work
does not share the client's interpreter, with 300 ms of latency on every Search API answer. The
client harvests at GOV.UK's 10 requests a second.

* harvest time against its floor: a harvest that makes ``n`` requests at 10 a second cannot end
  before ``(n - 2) / 10`` seconds plus two answers' latency, however it overlaps them: its first
  request (the finder's total, from which the split into spans is planned) must be answered
  before any other can be asked, and the other ``n - 1`` are spaced ``1 / 10`` second apart,
  the last answered one latency after it is sent (the baseline, from the same run's request
  count; target at most 1.2 times). An earlier floor, ``(n - 1) / 10`` plus one latency,
  assumed the second request could be sent before the first was answered;
* peak memory of a harvest, in a fresh process: the growth of the resident set against the
  frame it returns (``memory_usage(deep=True)``);
* the requests of a harvest when nothing changed since the last one (at most 3).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import Result

SIZE = 30_000
LATENCY = 0.3
RATE = 10.0
REPEAT = 3

_SERVER = """
import sys, json
from hmcts_data.testing import FakeGovUK, Mounted, build_decisions_site
fake = FakeGovUK()
site = build_decisions_site(fake, sizes={"employment-tribunal": int(sys.argv[1])}, seed=1)
site.latency = float(sys.argv[2])
# Every result's JSON made before timing starts: the stand-in's own speed is not measured.
from hmcts_data.decisions import finder
from hmcts_data.decisions._search import wanted_fields
fields = wanted_fields(finder("employment-tribunal"))
for doc in site.decisions("employment-tribunal"):
    site._shown_json(site._by_link[doc["link"]], fields)
def count(path, query):
    n = sum(1 for r in fake.requests if r.path == "/api/search.json")
    if "reset" in query:
        fake.reset_counts()
    return Mounted(200, json.dumps(n).encode())
fake.mount("/bench/count", count)
fake.start()
print(fake.base_url, flush=True)
sys.stdin.read()
fake.stop()
"""

_MEMORY = """
import json, resource, sys
from hmcts_data import Client, decisions
import pandas, pyarrow  # imported before the baseline: the harvest's own growth is measured
def rss():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
before = rss()
with Client(base_url=sys.argv[1], cache_dir=sys.argv[2], rate_limit=1000) as client:
    frame = decisions.harvest("employment-tribunal", client=client)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"growth": peak - before, "frame": int(frame.memory_usage(deep=True).sum()),
                  "rows": len(frame)}))
"""


def _floor(requests: int) -> float:
    """The least time ``requests`` can take: the first answered, then the rest at the rate."""
    return LATENCY + max(0, requests - 2) / RATE + (LATENCY if requests > 1 else 0.0)


def _requests(floor: float) -> int:
    return round((floor - 2 * LATENCY) * RATE) + 2


def _count(base_url: str, *, reset: bool = False) -> int:
    import httpx

    answer = httpx.get(base_url + "/bench/count" + ("?reset=1" if reset else ""), timeout=30)
    return int(answer.json())


def run() -> list[Result]:
    """Time harvests against their request floor; measure memory and a no-change refresh."""
    from hmcts_data import Client, decisions

    root = Path(tempfile.mkdtemp(prefix="hmcts-bench-decisions-"))
    server = subprocess.Popen(
        [sys.executable, "-c", _SERVER, str(SIZE), str(LATENCY)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    results: list[Result] = []
    try:
        assert server.stdout is not None
        base_url = server.stdout.readline().strip()
        times: list[float] = []
        floors: list[float] = []
        for k in range(REPEAT):
            cache = root / f"harvest-{k}"
            _count(base_url, reset=True)
            with Client(base_url=base_url, cache_dir=cache, rate_limit=RATE) as client:
                start = time.perf_counter()
                frame = decisions.harvest("employment-tribunal", client=client)
                times.append(time.perf_counter() - start)
            if len(frame) != SIZE:
                raise AssertionError(f"harvested {len(frame)} decisions, not {SIZE}")
            requests = _count(base_url)
            floors.append(_floor(requests))
        order = sorted(range(REPEAT), key=lambda i: times[i])
        middle = order[REPEAT // 2]
        results.append(
            Result(
                f"harvest of {SIZE:,} decisions at {RATE:g} req/s, {LATENCY * 1000:g} ms latency",
                times[middle],
                floors[middle],
                f"floor of its {_requests(floors[middle])} requests "
                "((n - 2) / rate + 2 x latency: the first answer plans the rest)",
                f"median of {REPEAT}",
                target=1.2,
            )
        )

        # A harvest with nothing new since the last one.
        cache = root / "harvest-0"
        _count(base_url, reset=True)
        with Client(base_url=base_url, cache_dir=cache, rate_limit=RATE) as client:
            start = time.perf_counter()
            decisions.harvest("employment-tribunal", client=client)
            seconds = time.perf_counter() - start
        refresh = _count(base_url)
        results.append(
            Result(
                "harvest when nothing changed (requests)",
                refresh,
                None,
                "",
                f"{seconds * 1000:.0f} ms",
                limit=3,
                unit="requests",
            )
        )

        # Peak memory, in a fresh process (no cache: the whole harvest).
        measured = subprocess.run(
            [sys.executable, "-c", _MEMORY, base_url, str(root / "memory")],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
        )
        memory = json.loads(measured.stdout.strip().splitlines()[-1])
        results.append(
            Result(
                f"harvest peak memory growth ({memory['rows']:,} decisions)",
                memory["growth"] / 2**20,
                memory["frame"] / 2**20,
                "the frame it returns (deep)",
                "resident set growth",
                unit="MiB",
            )
        )
    finally:
        if server.stdin is not None:
            server.stdin.close()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        shutil.rmtree(root, ignore_errors=True)
    return results
