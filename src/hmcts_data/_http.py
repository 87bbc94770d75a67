"""The HTTP transport: one ``httpx.Client``, a rate limiter, retries and checked redirects.

Every request goes through :meth:`Http.get`, which

* refuses (before connecting) any URL, or redirect hop, whose host is not in
  ``Settings.allowed_host_set`` or which uses plain ``http`` off loopback;
* waits for the rate limiter (``Settings.rate_limit`` requests per second, all threads);
* retries GETs on transport errors (connect, read, protocol, timeouts), a body shorter than
  its ``Content-Length``, 429 and 5xx, with exponential backoff and full jitter, honouring
  ``Retry-After`` (seconds or HTTP date, capped at ``Settings.retry_after_cap``);
* never retries other 4xx answers.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from http import HTTPStatus
from typing import TypeVar
from urllib.parse import urljoin, urlsplit

import httpx
from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt

from hmcts_data._errors import DownloadError, HostNotAllowedError, IntegrityError
from hmcts_data._settings import Settings, is_loopback_host

__all__ = [
    "Http",
    "IncompleteBodyError",
    "RateLimiter",
    "RetryableStatusError",
    "check_allowed",
    "check_length",
    "parse_retry_after",
]

logger = logging.getLogger("hmcts_data")

T = TypeVar("T")

MAX_REDIRECTS = 10
#: Longest backoff between two attempts, whatever the attempt number.
MAX_BACKOFF = 60.0
_REDIRECTS = {301, 302, 303, 307, 308}


class RetryableStatusError(Exception):
    """A 429 or 5xx answer (internal: turned into :class:`DownloadError` once retries run out)."""

    def __init__(self, url: str, status: int, retry_after: float | None) -> None:
        super().__init__(f"HTTP {status} from {url}")
        self.url = url
        self.status = status
        self.retry_after = retry_after


class IncompleteBodyError(Exception):
    """The body received is not as long as its ``Content-Length`` said (internal, retried)."""

    def __init__(self, url: str, received: int, expected: int) -> None:
        super().__init__(f"{url}: received {received} of {expected} bytes")
        self.url = url
        self.received = received
        self.expected = expected


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Read a ``Retry-After`` header: delta seconds or an HTTP date.

    Args:
        value: The header value, or ``None``.
        now: The current time (for tests); defaults to now.

    Returns:
        Seconds to wait (never negative), or ``None`` when absent or unreadable.

    Example:
        >>> parse_retry_after("2")
        2.0
        >>> parse_retry_after("Wed, 21 Oct 2015 07:28:10 GMT",
        ...                   now=datetime(2015, 10, 21, 7, 28, tzinfo=UTC))
        10.0
    """
    if value is None:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def check_allowed(url: str, settings: Settings, *, via: str | None = None) -> None:
    """Raise unless ``url`` may be fetched: an allowed host, https (or http on loopback).

    Args:
        url: The URL about to be requested.
        settings: Gives the allowed hosts.
        via: The URL that redirected here, for the message.

    Raises:
        HostNotAllowedError: The scheme or host is not allowed. Nothing was sent.

    Example:
        >>> check_allowed("https://www.gov.uk/x", Settings())
        >>> check_allowed("https://evil.example/x", Settings())  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        hmcts_data._errors.HostNotAllowedError: Refusing to fetch https://evil.example/x: ...
    """
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    origin = f" (redirected from {via})" if via else ""
    if parts.scheme not in {"http", "https"} or not host:
        raise HostNotAllowedError(
            f"Refusing to fetch {url}{origin}: only http(s) URLs with a host are fetched.",
            url=url,
        )
    if host not in settings.allowed_host_set:
        allowed = ", ".join(sorted(settings.allowed_host_set))
        raise HostNotAllowedError(
            f"Refusing to fetch {url}{origin}: host {host!r} is not allowed (allowed: "
            f"{allowed}). If you trust it, add it with HMCTS_DATA_ALLOWED_HOSTS or "
            "Settings(allowed_hosts=...).",
            url=url,
        )
    if parts.scheme == "http" and not is_loopback_host(host):
        raise HostNotAllowedError(
            f"Refusing to fetch {url}{origin}: plain http is only used for loopback hosts; "
            "use https.",
            url=url,
        )


class RateLimiter:
    """Space requests at least ``1 / rate`` seconds apart, across threads.

    Example:
        >>> limiter = RateLimiter(1000.0)
        >>> limiter.acquire() >= 0
        True
    """

    def __init__(
        self,
        rate: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.interval = 1.0 / rate
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._next = 0.0

    def acquire(self) -> float:
        """Wait for the next slot; return the seconds waited."""
        with self._lock:
            now = self._clock()
            slot = max(now, self._next)
            self._next = slot + self.interval
        wait = slot - now
        if wait > 0:
            self._sleep(wait)
        return wait


def _retryable(exc: BaseException) -> bool:
    if isinstance(exc, httpx.UnsupportedProtocol | httpx.LocalProtocolError):
        return False
    return isinstance(exc, RetryableStatusError | IncompleteBodyError | httpx.TransportError)


def _phrase(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)


class Http:
    """The transport used by one :class:`~hmcts_data.Client` (thread-safe).

    Example:
        >>> with Http(Settings()) as http:  # doctest: +SKIP
        ...     http.get("https://www.gov.uk/api/content/x", consume=lambda r: r.read())
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._limiter = RateLimiter(settings.rate_limit)
        self._client = httpx.Client(
            headers={"User-Agent": settings.user_agent},
            timeout=httpx.Timeout(settings.timeout),
            follow_redirects=False,
        )

    def close(self) -> None:
        """Close the connection pool."""
        self._client.close()

    def __enter__(self) -> Http:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, RetryableStatusError) and exc.retry_after is not None:
            wait = min(exc.retry_after, self.settings.retry_after_cap)
        else:
            # Full jitter: uniform in [0, backoff * 2^(n-1)], so clients do not retry in step.
            ceiling = min(MAX_BACKOFF, self.settings.backoff * 2 ** (state.attempt_number - 1))
            wait = random.uniform(0, ceiling)
        logger.info("attempt %d failed (%s); retrying in %.2fs", state.attempt_number, exc, wait)
        return wait

    def get(
        self,
        url: str,
        *,
        consume: Callable[[httpx.Response], T],
        headers: Mapping[str, str] | None = None,
    ) -> T:
        """GET ``url`` with retries and checked redirects; ``consume`` reads the final answer.

        ``consume`` runs inside each attempt with the streamed 2xx or 304 response, so a body
        that breaks off while being read is retried like any transport error.

        Args:
            url: Absolute URL.
            consume: Called with the final response; its result is returned.
            headers: Extra request headers (conditional validators, ``Accept-Encoding``).

        Returns:
            What ``consume`` returned.

        Raises:
            HostNotAllowedError: The URL or a redirect is not allowed (nothing sent there).
            DownloadError: A 4xx answer, or retries ran out (``status`` is ``None`` for a
                transport failure).
            IntegrityError: The body kept arriving shorter than its ``Content-Length``.
        """
        retrying = Retrying(
            stop=stop_after_attempt(self.settings.retries + 1),
            wait=self._wait,
            retry=retry_if_exception(_retryable),
            reraise=True,
        )
        try:
            result: T = retrying(self._attempt, url, dict(headers or {}), consume)
            return result
        except RetryableStatusError as exc:
            attempts = retrying.statistics.get("attempt_number", 1)
            raise DownloadError(
                f"GET {exc.url} answered HTTP {_phrase(exc.status)} after {attempts} "
                "attempt(s). GOV.UK may be busy or down: try again later, or raise "
                "HMCTS_DATA_RETRIES.",
                url=exc.url,
                status=exc.status,
            ) from None
        except IncompleteBodyError as exc:
            raise IntegrityError(
                f"{exc.url} sent {exc.received} of the {exc.expected} bytes its Content-Length "
                "announced, on every attempt. Nothing was cached; try again later.",
                url=exc.url,
            ) from None
        except httpx.TimeoutException as exc:
            raise DownloadError(
                f"GET {url} timed out ({type(exc).__name__}, limit "
                f"{self.settings.timeout:g}s) on every attempt. Try again later, or raise "
                "HMCTS_DATA_TIMEOUT.",
                url=url,
            ) from exc
        except httpx.TransportError as exc:
            raise DownloadError(
                f"GET {url} failed: {type(exc).__name__}: {exc}. Check your connection and "
                "try again, or use offline mode (HMCTS_DATA_OFFLINE=1) with a filled cache.",
                url=url,
            ) from exc

    def _attempt(
        self, url: str, headers: dict[str, str], consume: Callable[[httpx.Response], T]
    ) -> T:
        current, via = url, None
        for _ in range(MAX_REDIRECTS + 1):
            check_allowed(current, self.settings, via=via)
            self._limiter.acquire()
            request = self._client.build_request("GET", current, headers=headers)
            response = self._client.send(request, stream=True)
            try:
                status = response.status_code
                if status in _REDIRECTS:
                    location = response.headers.get("Location")
                    if not location:
                        raise DownloadError(
                            f"{current} answered HTTP {_phrase(status)} without a Location.",
                            url=current,
                            status=status,
                        )
                    current, via = urljoin(current, location), current
                    continue
                if status == 429 or status >= 500:
                    retry_after = parse_retry_after(response.headers.get("Retry-After"))
                    raise RetryableStatusError(current, status, retry_after)
                if status >= 400:
                    hint = (
                        "The page or file may have moved or been withdrawn: check the URL, "
                        "or refresh the catalogue."
                        if status in {404, 410}
                        else "This is not retried; check the URL and parameters."
                    )
                    raise DownloadError(
                        f"GET {current} answered HTTP {_phrase(status)}. {hint}",
                        url=current,
                        status=status,
                    )
                if status != 304 and not 200 <= status < 300:
                    raise DownloadError(
                        f"GET {current} answered unexpected HTTP {_phrase(status)}.",
                        url=current,
                        status=status,
                    )
                return consume(response)
            finally:
                response.close()
        raise DownloadError(
            f"GET {url} was redirected more than {MAX_REDIRECTS} times; last {current}.",
            url=url,
        )


def check_length(response: httpx.Response) -> None:
    """Raise :class:`IncompleteBodyError` if the bytes read differ from ``Content-Length``.

    Call after the body has been fully iterated. Compares raw (possibly compressed) bytes,
    which is what ``Content-Length`` counts.
    """
    announced = response.headers.get("Content-Length")
    if announced is None or not announced.strip().isdigit():
        return
    expected = int(announced)
    if response.num_bytes_downloaded != expected:
        raise IncompleteBodyError(str(response.url), response.num_bytes_downloaded, expected)
