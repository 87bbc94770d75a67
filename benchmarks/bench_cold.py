"""Benchmark: cold loads against GOV.UK's latency and rate limit, against their request schedule.

A SYNTHETIC site (the accessible-CSV layout) is served by the local fake GOV.UK with 300 ms
added to every answer, and every client keeps to GOV.UK's 10 requests/second. Each cold call
(a fresh cache) is compared with the floor its own requests set (:func:`schedule_floor`):

* the cold full history: ``load("monthly", "all")`` on a 12-release site (both lists, every
  release page, every file: 2N + 1 requests with one release withdrawn);
* the cold first figure: ``load("monthly")`` on a 30-release site (the collection, the newest
  release page, its file: 3 requests, one after another).

Measured with ``python -m benchmarks cold`` on a 2-core machine shared with other work
(load average 4-6), medians of three interleaved runs of the benchmark, each a median itself:

* cold full history, 12 releases: before 2.91 s against this floor's 2.8 s (1.04x; the old
  floor, requests / rate = 2.5 s, made an earlier run's 3.05 s 1.22x); after 2.88 s (1.03x);
* cold first figure, 30 releases: before 0.95 s against 0.9 s (1.05x); after 0.95 s (1.05x).

"Before" is the code before the last changes, in the same runs as "after"; the old floor
left out the latency no schedule can hide (that earlier run was at load average ~10). Those
changes: the search was asked before the collection about half the time (every page then a
slot later); a release handed over twice by discovery started a second download of its file;
and the files were parsed in release order once the oldest (asked last) had come.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple

from benchmarks import Result, median_of

FULL_RELEASES = 12
FIRST_FIGURE_RELEASES = 30
LATENCY = 0.3
RATE = 10.0
REPEAT = 7
FULL_REPEAT = 5


class Schedule(NamedTuple):
    """A cold call's requests by what each waits for."""

    lists: int  #: the collection and Search API pages: need nothing
    pages: int  #: release pages: need a list's answer
    files: int  #: data files: need their release page's answer

    @property
    def requests(self) -> int:
        """Every request of the call."""
        return self.lists + self.pages + self.files


def schedule_floor(schedule: Schedule, *, latency: float, rate: float) -> float:
    """The shortest time any client could take to make ``schedule``'s requests.

    Every answer comes ``latency`` after its request is sent, and requests are sent at least
    ``1 / rate`` apart, the first at time 0. A page cannot be asked before a list has
    answered (at ``latency`` at the earliest), a file not before its page has answered (at
    ``2 * latency``). The call ends when its last answer arrives, ``latency`` after the last
    request is sent, and the last request cannot be sent before any of:

    * ``(requests - 1) / rate``: every request takes a slot;
    * ``latency + (pages + files - 1) / rate``: the pages and files all wait for a list;
    * ``2 * latency + (files - 1) / rate``: the files all wait for a page.

    So the floor is ``latency`` plus the largest of the three. It is reached: ask the lists
    at once, every page the moment a list has answered and every file the moment its page
    has (the files of the pages answered first first). The listing's first answer and the
    last file's answer are latency no request order can hide; everything between is the rate
    limit.

    Example:
        >>> round(schedule_floor(Schedule(1, 1, 1), latency=0.3, rate=10.0), 3)  # in a row
        0.9
        >>> round(schedule_floor(Schedule(2, 12, 11), latency=0.3, rate=10.0), 3)
        2.8
    """
    after = [(schedule.requests - 1) / rate]
    if schedule.pages + schedule.files:
        after.append(latency + (schedule.pages + schedule.files - 1) / rate)
    if schedule.files:
        after.append(2 * latency + (schedule.files - 1) / rate)
    return latency + max(after)


def schedule_of(paths: Sequence[str]) -> Schedule:
    """Sort the paths a call asked for into lists, release pages and files."""
    from hmcts_data._catalogue._discover import SEARCH_PATH, collection_api_path

    lists = {SEARCH_PATH, collection_api_path()}
    listed = sum(1 for p in paths if p in lists)
    pages = sum(1 for p in paths if p not in lists and p.startswith("/api/content/"))
    return Schedule(listed, pages, len(paths) - listed - pages)


def _with_latency(fake: Any, seconds: float) -> None:
    """Delay every answer of ``fake`` by ``seconds`` (a queued fault still wins)."""
    from hmcts_data.testing import Delay

    record = fake._record

    def delayed(request: Any) -> tuple[bool, Any]:
        offline, fault = record(request)
        return offline, fault if fault is not None else Delay(seconds)

    fake._record = delayed


def _cold_case(
    root: Path, releases: int, release: str | None, *, repeat: int, warmup: bool
) -> tuple[float, Schedule]:
    """Median seconds of a cold ``load("monthly", release)``, and the most requests it made."""
    import hmcts_data
    from hmcts_data import Client, Settings
    from hmcts_data.testing import FakeGovUK
    from hmcts_data.testing._demo import build_data_site

    counter = iter(range(10**6))
    schedules: list[Schedule] = []
    with FakeGovUK() as fake:
        build_data_site(fake, monthly=releases, last_month=date(2025, 4, 1))
        _with_latency(fake, LATENCY)

        def cold() -> None:
            settings = Settings(
                base_url=fake.base_url, cache_dir=root / f"cold{next(counter)}", rate_limit=RATE
            )
            fake.reset_counts()
            with Client(settings) as client:
                hmcts_data.load("monthly", release, client=client)
            schedules.append(schedule_of([r.path for r in fake.requests]))

        seconds = median_of(cold, repeat=repeat, warmup=warmup)
    return seconds, max(schedules, key=lambda s: s.requests)


def _result(name: str, seconds: float, schedule: Schedule, repeat: int) -> Result:
    floor = schedule_floor(schedule, latency=LATENCY, rate=RATE)
    return Result(
        name,
        seconds,
        floor,
        f"floor of its {schedule.requests} requests ({schedule.lists} list(s), "
        f"{schedule.pages} page(s), {schedule.files} file(s)) at {RATE:g}/s, first list and "
        "last file answers not hidden",
        f"{LATENCY * 1000:.0f} ms latency per answer; median of {repeat}",
        target=1.2,
    )


def run() -> list[Result]:
    """Measure a cold full history and a cold first figure against their schedules' floors."""
    root = Path(tempfile.mkdtemp(prefix="hmcts-bench-cold-"))
    try:
        full = _cold_case(root, FULL_RELEASES, "all", repeat=FULL_REPEAT, warmup=True)
        first = _cold_case(root, FIRST_FIGURE_RELEASES, None, repeat=REPEAT, warmup=True)
        return [
            _result(f"cold load('monthly', 'all'), {FULL_RELEASES} releases", *full, FULL_REPEAT),
            _result(
                f"cold first figure: load('monthly'), {FIRST_FIGURE_RELEASES} releases",
                *first,
                REPEAT,
            ),
        ]
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    from benchmarks.__main__ import table

    print(table([("cold", r) for r in run()]))
