"""The benchmark runner's own behaviour (timings live in ``python -m benchmarks``, not here)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import benchmarks
import pandas as pd
import pytest
from benchmarks import Result, interleaved
from benchmarks.__main__ import discover, table

ROOT = Path(__file__).resolve().parents[1]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "benchmarks", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def test_help_prints_usage_and_exits_0() -> None:
    done = _run("--help")
    assert done.returncode == 0
    assert "usage: python -m benchmarks" in done.stdout
    assert "HMCTS_DATA_REAL_SAMPLES" in done.stdout


def test_list_names_every_module_and_unknown_name_is_a_usage_error() -> None:
    listed = _run("--list")
    assert listed.returncode == 0
    assert set(listed.stdout.split()) == {n.removeprefix("bench_") for n in discover()}
    assert "load" in listed.stdout.split()
    unknown = _run("no-such-benchmark")
    assert unknown.returncode == 2
    assert "--list" in unknown.stderr


def test_interleaved_reports_medians_and_alternates_cases() -> None:
    order: list[str] = []
    times = interleaved(
        {"a": lambda: order.append("a"), "b": lambda: order.append("b")}, repeat=4, warmup=False
    )
    assert set(times) == {"a", "b"}
    # Rotated rounds: neither case always runs first.
    firsts = order[::2]
    assert set(firsts) == {"a", "b"}
    assert order.count("a") == order.count("b") == 4


def test_real_samples_from_env_or_skip_message(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(benchmarks.SAMPLES_ENV, str(tmp_path))
    assert benchmarks.real_samples() == tmp_path
    missing = tmp_path / "absent"
    monkeypatch.setenv(benchmarks.SAMPLES_ENV, str(missing))
    assert benchmarks.real_samples() is None
    assert str(missing) in capsys.readouterr().err
    assert any(str(missing) in m for m in benchmarks.skipped())


def test_table_shows_ratio_target_and_verdict() -> None:
    rows = [
        ("m", Result("fast", 0.1, 0.1, "base", target=1.5)),
        ("m", Result("slow", 0.3, 0.1, "base", target=1.5)),
        ("m", Result("refresh", 4, 59, "every page", limit=6, unit="requests")),
    ]
    lines = table(rows).splitlines()
    assert lines[2].split()[6:10] == ["1.00x", "<=", "1.5x", "yes"]
    assert lines[3].split()[6:10] == ["3.00x", "<=", "1.5x", "NO"]
    assert lines[4].split()[2:11] == [
        "4",
        "requests",
        "59",
        "requests",
        "0.07x",
        "<=",
        "6",
        "requests",
        "yes",
    ]


def test_vintage_baselines_do_the_same_job_as_the_library() -> None:
    # An honest baseline: the naive pandas versions find the same figures as the library.
    from benchmarks.bench_load import _naive_revisions, _naive_revisions_all, _naive_series

    import hmcts_data
    from hmcts_data.testing import synthetic_tidy

    frame = synthetic_tidy(["2024-02", "2024-03", "2024-04", "2024-05"], seed=3)
    figures = ["period_start", "jurisdiction", "measure", "breakdown", "release"]

    def rows(found: pd.DataFrame) -> set[tuple[str, ...]]:
        return set(map(tuple, found[figures].astype(str).to_numpy()))

    lib, naive = hmcts_data.series(frame=frame), _naive_series(frame)
    assert len(lib) == len(naive)
    assert rows(lib) == rows(naive)
    every = hmcts_data.revisions(frame)
    assert len(every) == len(_naive_revisions_all(frame)) > 0
    old, new = (frame[frame["release"] == r] for r in ("2024-04", "2024-05"))
    two = hmcts_data.revisions(pd.concat([old, new]))
    naive_two = _naive_revisions(old, new)
    assert len(two) == len(naive_two) > 0
    figures[-1] = "unit"
    assert rows(two) == rows(naive_two)


def _ideal_end(lists: int, pages: int, files: int, latency: float, rate: float) -> float:
    """When the last answer of an ideal client arrives: every request sent as soon as both the
    rate limit and what it waits for allow (lists at once, pages after the first list's
    answer, each file after its page's answer), earliest-ready first."""
    ready = [0.0] * lists + [latency] * pages  # when each request may be sent
    kinds = ["list"] * lists + ["page"] * pages
    sent: list[float] = []
    pending_files = files
    next_slot = 0.0
    while ready:
        i = min(range(len(ready)), key=lambda k: ready[k])
        at = max(next_slot, ready.pop(i))
        kind = kinds.pop(i)
        sent.append(at)
        next_slot = at + 1 / rate
        if kind == "page" and pending_files:
            pending_files -= 1
            ready.append(at + latency)
            kinds.append("file")
    return max(sent) + latency


@pytest.mark.parametrize("lists", [1, 2])
@pytest.mark.parametrize("pages", [0, 1, 3, 12, 30])
@pytest.mark.parametrize("latency", [0.05, 0.3, 1.0])
def test_the_cold_floor_is_what_an_ideal_client_takes(
    lists: int, pages: int, latency: float
) -> None:
    from benchmarks.bench_cold import Schedule, schedule_floor

    for files in {0, max(pages - 1, 0), pages}:
        floor = schedule_floor(Schedule(lists, pages, files), latency=latency, rate=10.0)
        assert floor == pytest.approx(_ideal_end(lists, pages, files, latency, 10.0))


def test_the_cold_floor_counts_requests_by_what_they_wait_for() -> None:
    from benchmarks.bench_cold import Schedule, schedule_floor, schedule_of

    from hmcts_data._catalogue._discover import collection_api_path

    paths = [
        collection_api_path(),
        "/api/search.json",
        "/api/content/government/statistical-data-sets/a",
        "/api/content/government/statistical-data-sets/b",
        "/media/1/a.csv",
    ]
    assert schedule_of(paths) == Schedule(2, 2, 1)
    # The old floor (requests / rate) hid the first list's and the last file's answers.
    assert schedule_floor(Schedule(2, 12, 11), latency=0.3, rate=10.0) == pytest.approx(2.8)
    assert schedule_floor(Schedule(1, 1, 1), latency=0.3, rate=10.0) == pytest.approx(0.9)
