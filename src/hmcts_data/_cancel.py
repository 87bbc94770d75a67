"""Stopping the requests of worker threads when their caller is interrupted (Ctrl-C).

Kept apart from :mod:`hmcts_data._deadline` (which wraps httpcore) so that code making worker
pools, such as ``load``'s downloads, can hold a :class:`Cancel` without importing the HTTP
stack.
"""

from __future__ import annotations

import threading
import time
import typing
from contextvars import ContextVar

__all__ = ["SLICE", "Cancel", "Cancelled", "check_cancelled", "pause"]

_T = typing.TypeVar("_T")

#: Set when the requests of this context must stop (their caller was interrupted).
_CANCEL: ContextVar[threading.Event | None] = ContextVar("hmcts_data_cancel", default=None)
#: Longest a blocking read or wait goes without checking for cancellation: what Ctrl-C waits.
SLICE = 0.1


class Cancelled(Exception):
    """The caller was interrupted (Ctrl-C) while this thread was fetching: stop now."""


class Cancel:
    """Stops the requests of the workers it was given to, from the thread that made them.

    A pool's workers run their calls through :meth:`run`; when the thread consuming their
    results is interrupted (Ctrl-C) or gives up, it calls :meth:`cancel`, and each worker's
    request ends within :data:`SLICE` seconds with :class:`Cancelled` instead of running on
    to its deadline. Workers also stop when the main thread has ended (the interpreter is
    exiting), whoever made them.

    Example:
        >>> cancel = Cancel()
        >>> cancel.run(check_cancelled)
        >>> cancel.cancel()
        >>> cancel.run(check_cancelled)  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        hmcts_data._cancel.Cancelled: ...
    """

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        """Make every request run through :meth:`run` stop."""
        self._event.set()

    def run(self, call: typing.Callable[..., _T], *args: typing.Any, **kwargs: typing.Any) -> _T:
        """Call ``call(*args, **kwargs)`` with this cancellation in force (in this thread)."""
        token = _CANCEL.set(self._event)
        try:
            return call(*args, **kwargs)
        finally:
            _CANCEL.reset(token)


def check_cancelled() -> None:
    """Raise :class:`Cancelled` if this thread's requests must stop."""
    event = _CANCEL.get()
    if event is not None and event.is_set():
        raise Cancelled("the caller was interrupted")
    # The interpreter is exiting (after Ctrl-C, say): threading sets _SHUTTING_DOWN before it
    # joins the workers of any thread pool, and stops the main thread before it joins plain
    # threads; a worker still fetching would hold the exit up to its deadline.
    if getattr(threading, "_SHUTTING_DOWN", False) or not threading.main_thread().is_alive():
        raise Cancelled("the program is exiting")


def pause(seconds: float) -> None:
    """Sleep ``seconds`` (a backoff, a rate-limit wait), ending early with :class:`Cancelled`.

    Example:
        >>> pause(0.01)
    """
    end = time.monotonic() + seconds
    while True:
        check_cancelled()
        left = end - time.monotonic()
        if left <= 0:
            return
        time.sleep(min(left, SLICE))
