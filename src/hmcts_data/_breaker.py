"""The circuit breaker of one :class:`~hmcts_data.Client`: remember that the network is down.

When a host gives no HTTP answer at all (connection refused, no DNS, silence), every other
request of the client in the next ``Settings.unreachable_cooldown`` seconds fails at once
with :class:`~hmcts_data.NetworkError` instead of waiting its own timeouts and retries. So a
catalogue discovery of dozens of pages, or a notebook re-running cells, pays for the broken
network once. Any HTTP answer (even an error status) closes the breaker again.

One breaker covers every host the client talks to: they are GOV.UK's (``www.gov.uk`` and
``assets.publishing.service.gov.uk``), and a network that cannot reach one cannot reach the
other, so trying the second would only wait out the same firewall again.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["Breaker", "Trip"]


@dataclass(frozen=True)
class Trip:
    """Why and when a host was found unreachable.

    Attributes:
        host: The host.
        reason: What failed, for messages (``"connection refused"`` ...).
        at: ``time.monotonic()`` when it was found unreachable.
    """

    host: str
    reason: str
    at: float


class Breaker:
    """Whether the network was found unreachable in the last ``cooldown`` seconds (thread-safe).

    Example:
        >>> breaker = Breaker(30.0)
        >>> breaker.trip("www.gov.uk", "connection refused")
        >>> breaker.open_for("www.gov.uk").reason
        'connection refused'
        >>> breaker.reset("www.gov.uk"); breaker.open_for("www.gov.uk") is None
        True
    """

    def __init__(self, cooldown: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.cooldown = cooldown
        self._clock = clock
        self._lock = threading.Lock()
        self._trip: Trip | None = None

    def trip(self, host: str, reason: str) -> None:
        """Record that ``host`` gave no answer (does nothing when ``cooldown`` is 0)."""
        if self.cooldown <= 0:
            return
        with self._lock:
            self._trip = Trip(host, reason, self._clock())

    def reset(self, host: str) -> None:
        """Forget the failure: ``host`` answered, so the network works."""
        with self._lock:
            self._trip = None

    def open_for(self, host: str) -> Trip | None:
        """The recent failure (of ``host`` or another) while it still counts, else ``None``."""
        with self._lock:
            found = self._trip
            if found is not None and self._clock() - found.at >= self.cooldown:
                self._trip = None
                return None
            return found

    def remaining(self, trip: Trip) -> float:
        """Seconds until ``trip`` stops counting."""
        return max(0.0, self.cooldown - (self._clock() - trip.at))
