"""A total deadline for one HTTP request: connect, headers and body together.

httpx's timeouts bound each socket operation, so a server that trickles one byte per second
(in the headers or the body) never trips them. :class:`DeadlineBackend` wraps httpcore's
network backend: every connect, read and write is given ``min(its own timeout, time left)``
and fails with :class:`DeadlineExceeded` once the deadline set by :func:`deadline` for the
current thread has passed. The exception is not an httpx one, so httpx passes it through
unchanged (after closing the connection) and the transport can tell it from a read timeout.
"""

from __future__ import annotations

import contextlib
import ssl
import time
import typing
from collections.abc import Iterable, Iterator
from contextvars import ContextVar

import httpcore

from hmcts_data._cancel import SLICE, check_cancelled

__all__ = [
    "DeadlineBackend",
    "DeadlineExceeded",
    "check",
    "current_end",
    "deadline",
    "install",
]

#: Monotonic time at which the current request must be complete (``None``: no deadline).
_END: ContextVar[float | None] = ContextVar("hmcts_data_deadline", default=None)


class DeadlineExceeded(Exception):
    """The request was not complete by its deadline (internal; the transport maps it)."""


@contextlib.contextmanager
def deadline(end: float) -> Iterator[None]:
    """Make every socket operation of this thread fail once ``time.monotonic()`` passes ``end``.

    Example:
        >>> with deadline(time.monotonic() + 5):
        ...     _left(None) <= 5
        True
    """
    token = _END.set(end)
    try:
        yield
    finally:
        _END.reset(token)


def current_end() -> float | None:
    """The monotonic time this thread's request must be complete by (``None``: no deadline).

    Example:
        >>> current_end() is None
        True
    """
    return _END.get()


def check() -> None:
    """Raise :class:`DeadlineExceeded` if this thread's deadline has passed.

    Example:
        >>> with deadline(time.monotonic() + 5):
        ...     check()
    """
    _left(None)


def _left(timeout: float | None) -> float | None:
    """The timeout to give one socket operation: its own, cut to the time left."""
    check_cancelled()
    end = _END.get()
    if end is None:
        return timeout
    left = end - time.monotonic()
    if left <= 0:
        raise DeadlineExceeded("the request deadline passed")
    return left if timeout is None else min(timeout, left)


def _run(call: typing.Callable[[float | None], typing.Any], timeout: float | None) -> typing.Any:
    cut = _left(timeout)
    try:
        return call(cut)
    except httpcore.TimeoutException as exc:
        end = _END.get()
        if end is not None and time.monotonic() >= end - 0.01:
            raise DeadlineExceeded("the request deadline passed") from exc
        raise


class _Stream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        # In slices of at most SLICE seconds, so an interrupted caller (or a deadline) is
        # noticed while a server sends nothing; a timed-out read consumed nothing, so the
        # next slice simply reads again, until the read's own timeout has passed.
        limit = None if timeout is None else time.monotonic() + timeout
        while True:
            cut = _left(None if limit is None else max(0.0, limit - time.monotonic()))
            piece = SLICE if cut is None else min(cut, SLICE)
            try:
                data: bytes = self._inner.read(max_bytes, piece)
            except httpcore.ReadTimeout as exc:
                now = time.monotonic()
                end = _END.get()
                if end is not None and now >= end - 0.01:
                    raise DeadlineExceeded("the request deadline passed") from exc
                if limit is not None and now >= limit - 0.001:
                    raise
                continue
            return data

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        _run(lambda t: self._inner.write(buffer, t), timeout)

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        inner = _run(lambda t: self._inner.start_tls(ssl_context, server_hostname, t), timeout)
        return _Stream(inner)

    def get_extra_info(self, info: str) -> typing.Any:
        return self._inner.get_extra_info(info)


class DeadlineBackend(httpcore.NetworkBackend):
    """httpcore's synchronous backend with every operation cut to the thread's deadline."""

    def __init__(self, inner: httpcore.NetworkBackend | None = None) -> None:
        self._inner = inner if inner is not None else httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[typing.Any] | None = None,
    ) -> httpcore.NetworkStream:
        stream = _run(
            lambda t: self._inner.connect_tcp(host, port, t, local_address, socket_options),
            timeout,
        )
        return _Stream(stream)

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[typing.Any] | None = None,
    ) -> httpcore.NetworkStream:
        stream = _run(lambda t: self._inner.connect_unix_socket(path, t, socket_options), timeout)
        return _Stream(stream)

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


def install(client: typing.Any) -> bool:
    """Put a :class:`DeadlineBackend` under every connection pool of an ``httpx.Client``.

    httpx has no public hook for httpcore's ``network_backend``, so this sets the pool's
    attribute (the default transport's and every proxy mount's). Returns ``False`` when
    this httpx/httpcore does not have the expected shape; the caller then still checks the
    deadline between body chunks, but trickled headers are bounded only per read.
    """
    transports = [getattr(client, "_transport", None)]
    transports += list(getattr(client, "_mounts", {}).values())
    done = False
    for transport in transports:
        pool = getattr(transport, "_pool", None)
        if pool is None or not hasattr(pool, "_network_backend"):
            continue
        pool._network_backend = DeadlineBackend(pool._network_backend)
        done = True
    return done
