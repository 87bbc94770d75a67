"""The circuit breaker of one :class:`~hmcts_data.Client`: remember hosts found unreachable.

When a host gives no HTTP answer at all (connection refused, no DNS, silence), every other
request to it in the next ``Settings.unreachable_cooldown`` seconds fails at once with
:class:`~hmcts_data.NetworkError` instead of waiting its own timeouts and retries. So a
catalogue discovery of dozens of pages, or a notebook re-running cells, pays for the broken
network once. Any HTTP answer from the host (even an error status) closes the breaker again.
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
    """Hosts found unreachable in the last ``cooldown`` seconds (thread-safe).

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
        self._trips: dict[str, Trip] = {}

    def trip(self, host: str, reason: str) -> None:
        """Record that ``host`` gave no answer (does nothing when ``cooldown`` is 0)."""
        if self.cooldown <= 0:
            return
        with self._lock:
            self._trips[host] = Trip(host, reason, self._clock())

    def reset(self, host: str) -> None:
        """Forget ``host``'s failure (it answered)."""
        with self._lock:
            self._trips.pop(host, None)

    def open_for(self, host: str) -> Trip | None:
        """The recent failure of ``host`` while it still counts, else ``None``."""
        with self._lock:
            found = self._trips.get(host)
            if found is not None and self._clock() - found.at >= self.cooldown:
                del self._trips[host]
                return None
            return found

    def remaining(self, trip: Trip) -> float:
        """Seconds until ``trip`` stops counting."""
        return max(0.0, self.cooldown - (self._clock() - trip.at))
