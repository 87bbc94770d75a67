"""Benchmarks (not tests): ``python -m benchmarks [name ...]`` runs every ``bench_*.py``.

Registration is by file name: a module ``benchmarks/bench_<name>.py`` exposing ``run()``, which
returns a list of :class:`Result` (or mappings with the same keys). Every figure is compared
with a baseline measured in the same run, on the same machine, so ratios stay meaningful where
absolute times do not. Times are medians over interleaved repeats (:func:`interleaved`): the
library and its baseline alternate, so a burst of load from other processes hits both alike.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Result", "best_of", "interleaved", "median_of", "real_samples", "skip"]

#: Environment variable naming the folder of real published files (optional cases).
SAMPLES_ENV = "HMCTS_DATA_REAL_SAMPLES"

_SKIPPED: list[str] = []


def _timed(func: Callable[[], object], setup: Callable[[], object] | None) -> float:
    if setup is not None:
        setup()
    start = time.perf_counter()
    func()
    return time.perf_counter() - start


def interleaved(
    cases: Mapping[str, Callable[[], object]],
    *,
    repeat: int,
    setup: Mapping[str, Callable[[], object]] | None = None,
    warmup: bool = True,
) -> dict[str, float]:
    """Time every case ``repeat`` times, alternating between them; return each median.

    Round ``k`` runs the cases in an order rotated by ``k``, so no case always runs first
    (after a cold cache) or last. ``setup[name]`` runs untimed before each call of ``name``.
    With ``warmup``, each case runs once untimed first (imports, connection pools).
    """
    names = list(cases)
    prepare = dict(setup or {})
    if warmup:
        for name in names:
            _timed(cases[name], prepare.get(name))
    times: dict[str, list[float]] = {name: [] for name in names}
    for k in range(repeat):
        for name in names[k % len(names) :] + names[: k % len(names)]:
            times[name].append(_timed(cases[name], prepare.get(name)))
    return {name: statistics.median(found) for name, found in times.items()}


def median_of(
    func: Callable[[], object],
    *,
    repeat: int,
    setup: Callable[[], object] | None = None,
    warmup: bool = False,
) -> float:
    """Return the median of ``repeat`` timed calls of ``func`` (``setup`` runs untimed first)."""
    return interleaved(
        {"f": func}, repeat=repeat, setup=None if setup is None else {"f": setup}, warmup=warmup
    )["f"]


def best_of(
    func: Callable[[], object],
    *,
    repeat: int,
    setup: Callable[[], object] | None = None,
    warmup: bool = False,
) -> float:
    """Return the shortest of ``repeat`` timed calls (kept for old modules; prefer medians)."""
    if warmup:
        func()
    return min(_timed(func, setup) for _ in range(repeat))


def skip(message: str) -> None:
    """Record that some cases were skipped, and why; ``python -m benchmarks`` prints it."""
    _SKIPPED.append(message)
    print(f"skipped: {message}", file=sys.stderr, flush=True)


def skipped() -> list[str]:
    """Return the skip messages recorded so far."""
    return list(_SKIPPED)


def real_samples() -> Path | None:
    """Return the folder of real published files, or ``None`` (recording the skip).

    Looked up in ``$HMCTS_DATA_REAL_SAMPLES``, then ``../shared/real-samples`` beside the
    project (and beside the git worktree's main checkout).
    """
    env = os.environ.get(SAMPLES_ENV)
    project = Path(__file__).resolve().parents[1]
    shared = [project.parent / "shared", project.parents[1] / "shared"]
    candidates = [Path(env)] if env else [folder / "real-samples" for folder in shared]
    for folder in candidates:
        if folder.is_dir():
            return folder
    where = ", ".join(str(c) for c in candidates)
    skip(f"real-sample cases: no folder at {where} (set {SAMPLES_ENV} to the folder)")
    return None


@dataclass(frozen=True)
class Result:
    """One measured case.

    Attributes:
        name: What was measured.
        seconds: Time taken (median of the repeats), or a count when ``unit`` says so.
        baseline_seconds: The same-run baseline's figure, if there is one.
        baseline: What the baseline is.
        note: Anything needed to read the figure (sizes, repeats, requests made).
        target: The issue's target for ``ratio`` (met when ``ratio <= target``).
        limit: A target for the figure itself (met when ``seconds <= limit``).
        unit: ``"s"`` for times; anything else (``"requests"``) is a count.
    """

    name: str
    seconds: float
    baseline_seconds: float | None = None
    baseline: str = ""
    note: str = ""
    target: float | None = None
    limit: float | None = None
    unit: str = "s"

    @property
    def ratio(self) -> float | None:
        """``seconds / baseline_seconds``; below 1 is faster than the baseline."""
        if not self.baseline_seconds:
            return None
        return self.seconds / self.baseline_seconds

    @property
    def met(self) -> bool | None:
        """Whether the target (or limit) is met; ``None`` when there is none."""
        if self.limit is not None:
            return self.seconds <= self.limit
        if self.target is not None and self.ratio is not None:
            return self.ratio <= self.target
        return None
