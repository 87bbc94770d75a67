"""Benchmarks (not tests): ``python -m benchmarks [name ...]`` runs every ``bench_*.py``.

Each module exposes ``run()`` returning a list of :class:`Result` (or mappings with the same
keys). Every figure is compared with a baseline measured in the same run, on the same machine,
so ratios stay meaningful where absolute times do not.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["Result", "best_of"]


def best_of(
    func: Callable[[], object],
    *,
    repeat: int,
    setup: Callable[[], object] | None = None,
    warmup: bool = False,
) -> float:
    """Return the shortest of ``repeat`` timed calls of ``func`` (``setup`` runs untimed first).

    With ``warmup``, one untimed call first pays for imports and caches.
    """
    if warmup:
        func()
    best = float("inf")
    for _ in range(repeat):
        if setup is not None:
            setup()
        start = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - start)
    return best


@dataclass(frozen=True)
class Result:
    """One measured case.

    Attributes:
        name: What was measured.
        seconds: Time taken (best of the repeats).
        baseline_seconds: The same-run baseline's time, if there is one.
        baseline: What the baseline is.
        note: Anything needed to read the figure (sizes, repeats, requests made).
    """

    name: str
    seconds: float
    baseline_seconds: float | None = None
    baseline: str = ""
    note: str = ""

    @property
    def ratio(self) -> float | None:
        """``seconds / baseline_seconds``; below 1 is faster than the baseline."""
        if not self.baseline_seconds:
            return None
        return self.seconds / self.baseline_seconds
