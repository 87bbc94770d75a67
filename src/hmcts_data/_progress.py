"""Progress reporting for long downloads: silent by default, a callback, tqdm, or logging."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any, Protocol

__all__ = ["ProgressCallback", "Reporter", "reporter"]

logger = logging.getLogger("hmcts_data")

#: Called as ``callback(bytes_so_far, total_bytes_or_None)`` while a download streams.
ProgressCallback = Callable[[int, int | None], None]


class Reporter(Protocol):
    """Receives progress for one download."""

    def update(self, done: int, total: int | None) -> None:
        """Report ``done`` bytes of ``total`` (``None`` when the size is unknown)."""

    def close(self) -> None:
        """The download ended (successfully or not)."""


class _Silent:
    def update(self, done: int, total: int | None) -> None:
        return

    def close(self) -> None:
        return


class _Callback:
    def __init__(self, callback: ProgressCallback) -> None:
        self._callback = callback

    def update(self, done: int, total: int | None) -> None:
        self._callback(done, total)

    def close(self) -> None:
        return


class _Tqdm:
    def __init__(self, label: str) -> None:
        from tqdm.auto import tqdm

        self._bar: Any = tqdm(desc=label, unit="B", unit_scale=True, unit_divisor=1024)
        self._done = 0

    def update(self, done: int, total: int | None) -> None:
        if total is not None and self._bar.total != total:
            self._bar.total = total
        self._bar.update(done - self._done)
        self._done = done

    def close(self) -> None:
        self._bar.close()


class _Log:
    """Fallback without tqdm: an INFO log line at most once a second, and at the end."""

    def __init__(self, label: str) -> None:
        self._label = label
        self._last = 0.0
        self._done = 0
        self._total: int | None = None

    def update(self, done: int, total: int | None) -> None:
        self._done, self._total = done, total
        now = time.monotonic()
        if now - self._last >= 1.0:
            self._last = now
            self._emit()

    def _emit(self) -> None:
        of = f" of {self._total / 1e6:.1f} MB" if self._total else ""
        logger.info("%s: %.1f MB%s", self._label, self._done / 1e6, of)

    def close(self) -> None:
        self._emit()


def reporter(progress: ProgressCallback | bool | None, *, label: str) -> Reporter:
    """Return the reporter for a ``progress=`` argument.

    Args:
        progress: ``None``/``False``: silent. ``True``: a tqdm bar when the ``progress`` extra
            is installed, else INFO log lines on the ``hmcts_data`` logger. A callable: called
            with ``(bytes_so_far, total_or_None)``.
        label: What is being downloaded (the file name).

    Returns:
        An object with ``update(done, total)`` and ``close()``.

    Example:
        >>> seen = []
        >>> r = reporter(lambda done, total: seen.append((done, total)), label="x.csv")
        >>> r.update(10, 20); r.close(); seen
        [(10, 20)]
    """
    if progress is None or progress is False:
        return _Silent()
    if progress is True:
        try:
            return _Tqdm(label)
        except ImportError:
            return _Log(label)
    return _Callback(progress)
