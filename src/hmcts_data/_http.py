"""The HTTP transport: one ``httpx.Client``, a rate limiter, retries and checked redirects.

Every request goes through :meth:`Http.get`, which

* refuses (before connecting) any URL, or redirect hop, whose host is not in
  ``Settings.allowed_host_set`` or which uses plain ``http`` off loopback;
* waits for the rate limiter (``Settings.rate_limit`` requests per second, shared by every
  client of the process with the same base URL origin), never past the request's deadline;
* retries GETs on transport errors (connect, read, protocol, timeouts), a body shorter than
  its ``Content-Length``, 429 and 5xx, with exponential backoff and full jitter, honouring
  ``Retry-After`` (seconds or HTTP date, capped at ``Settings.retry_after_cap``);
* never retries other 4xx answers;
* bounds time: each attempt (connect, redirects, headers and body together) must finish
  within ``Settings.deadline`` however slowly the server trickles it (:mod:`hmcts_data._deadline`),
  and the whole call, retries and waits included, within ``Settings.retry_budget``;
* fails fast on a network that gives no answer at all: a refused or failed connection is
  retried once, silence (no answer within ``Settings.timeout``) not at all, and then the
  client's circuit breaker (:mod:`hmcts_data._breaker`) makes its other requests fail at once
  with :class:`~hmcts_data.NetworkError`.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.util
import ipaddress
import logging
import os
import random
import re
import ssl
import threading
import time
import zlib
from collections.abc import Callable, Iterator, Mapping
from contextvars import ContextVar
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from http import HTTPStatus
from typing import TypeVar
from urllib.parse import urljoin, urlsplit

import httpx
from tenacity import RetryCallState, Retrying, retry_if_exception

from hmcts_data._breaker import Breaker
from hmcts_data._cancel import Cancelled, pause
from hmcts_data._deadline import DeadlineExceeded, check, current_end, deadline, install
from hmcts_data._errors import (
    ConfigurationError,
    DownloadError,
    HostNotAllowedError,
    IntegrityError,
    NetworkError,
)
from hmcts_data._settings import Settings, is_loopback_host

__all__ = [
    "Http",
    "IncompleteBodyError",
    "RateLimitWaitError",
    "RateLimiter",
    "RetryableStatusError",
    "body_chunks",
    "check_allowed",
    "check_http_environment",
    "check_length",
    "on_slot",
    "parse_retry_after",
    "shared_limiter",
]

logger = logging.getLogger("hmcts_data")

T = TypeVar("T")

MAX_REDIRECTS = 10
#: Longest backoff between two attempts, whatever the attempt number.
MAX_BACKOFF = 60.0
_REDIRECTS = {301, 302, 303, 307, 308}


class NoAnswerError(Exception):
    """No HTTP answer from a host: connection failed or silence (internal, retried once)."""

    def __init__(self, url: str, host: str, cause: httpx.TransportError, *, silent: bool) -> None:
        super().__init__(f"{host}: {type(cause).__name__}: {cause}")
        self.url = url
        self.host = host
        self.cause = cause
        self.silent = silent


class BreakerOpenError(Exception):
    """The network was found unreachable moments ago (internal, never retried)."""

    def __init__(self, url: str, host: str, reason: str, remaining: float) -> None:
        super().__init__(f"{host} unreachable ({reason})")
        self.url = url
        self.host = host
        self.reason = reason
        self.remaining = remaining


#: What to do when GOV.UK cannot be reached; the API and CLI layers add their own advice.
_WAYS_FORWARD = (
    "Check the connection (or proxy), work offline with HMCTS_DATA_OFFLINE=1, or read() a "
    "file downloaded in a browser."
)


def _no_answer_reason(exc: NoAnswerError, settings: Settings) -> str:
    cause = exc.cause
    if isinstance(cause, httpx.ConnectTimeout):
        return f"no connection within {settings.connect_timeout:g}s"
    if exc.silent:
        return f"connected, but no answer within {settings.timeout:g}s"
    text = str(cause) or type(cause).__name__
    if "refused" in text.lower():
        return "connection refused"
    if "name" in text.lower() and ("resolution" in text.lower() or "known" in text.lower()):
        return f"the name {exc.host} could not be resolved (no DNS)"
    return f"{type(cause).__name__}: {text}"


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
    origin = f" (redirected from {via})" if via else ""
    try:
        httpx.URL(url)  # what httpx will refuse (backslashes, bad characters ...), refused here
        parts = urlsplit(url)
    except (httpx.InvalidURL, ValueError) as exc:
        raise HostNotAllowedError(
            f"Refusing to fetch {url!r}{origin}: not a valid URL ({exc}). Check the link; "
            "nothing was sent.",
            url=url,
        ) from None
    host = (parts.hostname or "").lower()
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
    port = _port(url, parts.scheme)
    base = urlsplit(settings.base_url)
    own = host == settings.base_host and port == _port(settings.base_url, base.scheme)
    if port != _DEFAULT_PORTS[parts.scheme] and not own:
        raise HostNotAllowedError(
            f"Refusing to fetch {url}{origin}: port {port} is not the standard "
            f"{parts.scheme} port; allowed hosts are fetched on ports 80 and 443 only (and the "
            "base URL on its own port).",
            url=url,
        )


_DEFAULT_PORTS = {"http": 80, "https": 443}


def _port(url: str, scheme: str) -> int:
    try:
        port = urlsplit(url).port
    except ValueError:  # a port that is not a number, or out of range
        raise HostNotAllowedError(
            f"Refusing to fetch {url}: its port is not a valid number.", url=url
        ) from None
    return _DEFAULT_PORTS.get(scheme, 0) if port is None else port


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
        sleep: Callable[[float], None] = pause,
    ) -> None:
        self.interval = 1.0 / rate
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._next = 0.0

    def acquire(self, until: float | None = None, *, interval: float | None = None) -> float:
        """Wait for the next slot; return the seconds waited.

        Args:
            until: The clock time the request must be complete by (its deadline). A slot
                that starts later is not taken and nothing is waited: it could only end past
                the deadline.
            interval: Seconds until the slot after this one (default ``1 / rate``): a client
                sharing this limiter spaces its requests by its own rate.

        Raises:
            RateLimitWaitError: The next slot starts after ``until``.
        """
        with self._lock:
            now = self._clock()
            slot = max(now, self._next)
            if until is not None and slot >= until:
                raise RateLimitWaitError(slot - now, max(0.0, until - now))
            self._next = slot + (self.interval if interval is None else interval)
        wait = slot - now
        if wait > 0:
            self._sleep(wait)
        return wait


# One limiter per origin (scheme, host, port of the base URL) for the whole process: GOV.UK's
# budget of 10 requests per second is per user of its API, however many clients (threads,
# default clients for other settings, the user's own) a program makes.
_SHARED: dict[str, RateLimiter] = {}
_SHARED_LOCK = threading.Lock()


def shared_limiter(settings: Settings) -> RateLimiter:
    """The process-wide rate limiter for ``settings.base_url``'s origin.

    Every client of the process with the same base URL origin shares it, each spacing its
    requests by its own ``rate_limit``, so together they never go faster than the fastest
    rate among them.

    Example:
        >>> shared_limiter(Settings()) is shared_limiter(Settings(timeout=3))
        True
    """
    parts = urlsplit(settings.base_url)
    origin = f"{parts.scheme}://{parts.netloc}".lower()
    with _SHARED_LOCK:
        found = _SHARED.get(origin)
        if found is None:
            found = _SHARED[origin] = RateLimiter(settings.rate_limit)
        return found


#: Called when a request of this context has taken its rate-limit slot (see :func:`on_slot`).
_ON_SLOT: ContextVar[Callable[[], None] | None] = ContextVar("hmcts_data_on_slot", default=None)


@contextlib.contextmanager
def on_slot(callback: Callable[[], None]) -> Iterator[None]:
    """Call ``callback`` each time a request of this thread has taken its rate-limit slot.

    Slots are handed out in the order they are asked for, so a request another thread starts
    after the callback is sure to go after this one: two requests asked "at once" go in the
    order the caller needs, not the order their threads happen to run.

    Example:
        >>> taken = []
        >>> with on_slot(lambda: taken.append(1)):
        ...     pass
        >>> taken
        []
    """
    token = _ON_SLOT.set(callback)
    try:
        yield
    finally:
        _ON_SLOT.reset(token)


class RateLimitWaitError(Exception):
    """Waiting for a rate-limit slot would pass the request's deadline (internal, not retried)."""

    def __init__(self, wait: float, left: float) -> None:
        super().__init__(f"the next request slot is {wait:.3g}s away, {left:.3g}s left")
        self.wait = wait
        self.left = left


class BudgetSpentError(Exception):
    """The next retry would end past the call's retry budget (internal)."""

    def __init__(self, cause: BaseException, elapsed: float, wait: float) -> None:
        super().__init__(str(cause))
        self.cause = cause
        self.elapsed = elapsed
        self.wait = wait


class _Plan:
    """The wait before the next attempt, computed once whether tenacity asks stop or wait first."""

    def __init__(self, http: Http, started: float) -> None:
        self.http = http
        self.started = started
        self.next: float | None = None

    def wait(self, state: RetryCallState) -> float:
        if self.next is None:
            self.next = self.http._wait(state)
        wait, self.next = self.next, None
        exc = state.outcome.exception() if state.outcome else None
        logger.info("attempt %d failed (%s); retrying in %.2fs", state.attempt_number, exc, wait)
        return wait

    def stop(self, state: RetryCallState) -> bool:
        if state.attempt_number >= self.http.settings.retries + 1:
            return True
        failed = state.outcome.exception() if state.outcome else None
        if isinstance(failed, NoAnswerError) and state.attempt_number >= 2:
            return True  # a failed connection gets one retry (a blip), not all (a dead network)
        if self.next is None:
            self.next = self.http._wait(state)
        elapsed = time.monotonic() - self.started
        if elapsed + self.next >= self.http.settings.retry_budget:
            exc = state.outcome.exception() if state.outcome else None
            if exc is not None and _retryable(exc):
                raise BudgetSpentError(exc, elapsed, self.next)
            return True
        return False


def _retryable(exc: BaseException) -> bool:
    if isinstance(exc, httpx.UnsupportedProtocol | httpx.LocalProtocolError):
        return False
    if isinstance(exc, NoAnswerError):
        return not exc.silent  # waiting out silence again is what made a firewall cost minutes
    return isinstance(exc, RetryableStatusError | IncompleteBodyError | httpx.TransportError)


_LOCATION = "hmcts_data.location"


def _hold_location(response: httpx.Response) -> None:
    # httpx parses a redirect's Location itself even when not following it, and turns a bad
    # one into InvalidURL or a (retried) RemoteProtocolError. Held aside here, it is checked
    # by check_allowed like every other URL instead.
    if response.status_code in _REDIRECTS and "Location" in response.headers:
        response.extensions[_LOCATION] = response.headers["Location"]
        del response.headers["Location"]


def _redirect_target(current: str, location: str) -> str:
    r"""The absolute URL a ``Location`` points at, refusing what browsers would read otherwise.

    A backslash is a slash to a browser (``\\evil.example`` is another host) and a control
    character or space has no place in a URL, so neither is guessed at.
    """
    if any(ch == "\\" or ord(ch) <= 0x20 or ord(ch) == 0x7F for ch in location):
        raise HostNotAllowedError(
            f"Refusing the redirect from {current} to {location!r}: the Location is not a "
            "valid URL (backslash, space or control character). Nothing was sent there.",
            url=current,
        )
    try:
        return urljoin(current, location)
    except ValueError as exc:  # e.g. an unclosed IPv6 bracket
        raise HostNotAllowedError(
            f"Refusing the redirect from {current} to {location!r}: the Location is not a "
            f"valid URL ({exc}). Nothing was sent there.",
            url=current,
        ) from None


def _phrase(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)


@functools.cache
def _tls_context(cert_file: str | None, cert_dir: str | None) -> ssl.SSLContext:
    """The verifying TLS context httpx would make, made once per trust store and shared.

    Loading the trust store costs about 50 ms (far more on a busy machine): paid by each new
    client, it was most of the time a cold call spent before its first request. The
    arguments are the variables httpx reads it from, so changing them gets a new context.
    """
    return httpx.create_ssl_context()


#: Proxy schemes httpx can use (SOCKS only with its ``socks`` extra).
_PROXY_SCHEMES = frozenset({"http", "https", "socks5", "socks5h"})
#: The variables the HTTP client reads besides the proxies.
_TLS_VARS = ("SSL_CERT_FILE", "SSL_CERT_DIR")


_HOST = re.compile(r"[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*\.?")


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def _no_proxy_pattern(host: str) -> str:
    """The URL pattern httpx makes of one ``NO_PROXY`` entry (as its get_environment_proxies)."""
    if "://" in host:
        return host
    bare = host.split("/", maxsplit=1)[0]
    try:
        ipaddress.IPv4Address(bare)
        return f"all://{host}"
    except ValueError:
        pass
    try:
        ipaddress.IPv6Address(bare)
        return f"all://[{host}]"
    except ValueError:
        pass
    return f"all://{host}" if host.lower() == "localhost" else f"all://*{host}"


def _proxy_problem(value: str) -> str | None:
    url = value if "://" in value else f"http://{value}"
    try:
        parsed = httpx.URL(url)
        port = parsed.port
    except (httpx.InvalidURL, ValueError, TypeError) as exc:
        return f"is not a valid proxy URL ({exc})"
    if parsed.scheme not in _PROXY_SCHEMES:
        return (
            f"uses the scheme {parsed.scheme!r}; proxies can be http://, https://, socks5:// or "
            "socks5h://"
        )
    if not parsed.host:
        return "names no host"
    if not (_HOST.fullmatch(parsed.host) or _is_ip(parsed.host)):
        return f"names the host {parsed.host!r}, which is not a host name or IP address"
    if port is not None and not 0 < port < 65536:
        return f"has the port {port}, outside 1-65535"
    if parsed.scheme.startswith("socks") and importlib.util.find_spec("socksio") is None:
        return "is a SOCKS proxy, which needs the socks extra of httpx (pip install 'httpx[socks]')"
    return None


def check_http_environment(environ: Mapping[str, str] | None = None) -> None:
    """Raise unless the HTTP client's own environment variables can be used.

    httpx reads the proxy variables (``HTTP_PROXY``, ``HTTPS_PROXY``, ``ALL_PROXY``,
    ``NO_PROXY``, in either case) and ``SSL_CERT_FILE`` / ``SSL_CERT_DIR`` when a client is
    made, for every URL (plain-http loopback included), and fails on a bad one with whatever
    its parser raises. Each is checked here first, so the error names the variable.

    Args:
        environ: The environment (``os.environ`` when ``None``).

    Raises:
        ConfigurationError: A variable is malformed or unsupported; the message names it,
            quotes its value and says what to do.

    Example:
        >>> check_http_environment({"HTTPS_PROXY": "http://proxy.example:3128"})
        >>> check_http_environment({"HTTPS_PROXY": "ftp://proxy.example"})  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        hmcts_data._errors.ConfigurationError: HTTPS_PROXY='ftp://proxy.example' uses ...
    """
    env = os.environ if environ is None else environ
    problems: list[str] = []
    for stem in ("http_proxy", "https_proxy", "all_proxy"):
        for name in sorted(n for n in env if n.lower() == stem):
            value = env[name].strip()
            problem = _proxy_problem(value) if value else None
            if problem is not None:
                problems.append(f"{name}={env[name]!r} {problem}")
    for name in sorted(n for n in env if n.lower() == "no_proxy"):
        for host in (h.strip() for h in env[name].split(",")):
            if not host or host == "*":
                continue
            try:
                port = httpx.URL(_no_proxy_pattern(host)).port
            except (httpx.InvalidURL, ValueError, TypeError) as exc:
                problems.append(f"{name}={env[name]!r} lists {host!r}, not a host ({exc})")
                continue
            if port is not None and not 0 < port < 65536:
                problems.append(f"{name}={env[name]!r} lists {host!r}, whose port is invalid")
    # Whether the bundle parses is found when it is loaded (once, by Http); here, that it is
    # there at all.
    cafile = env.get("SSL_CERT_FILE", "")
    if cafile and not os.path.isfile(cafile):
        problems.append(f"SSL_CERT_FILE={cafile!r} is not a file")
    capath = env.get("SSL_CERT_DIR", "")
    if capath and not cafile and not os.path.isdir(capath):
        problems.append(f"SSL_CERT_DIR={capath!r} is not a directory")
    if problems:
        raise ConfigurationError(
            "; ".join(problems) + ". The HTTP client reads these variables for every request; "
            "fix or unset them (hmcts-data reads nothing else from them).",
        )


class Http:
    """The transport used by one :class:`~hmcts_data.Client` (thread-safe).

    Example:
        >>> with Http(Settings()) as http:  # doctest: +SKIP
        ...     http.get("https://www.gov.uk/api/content/x", consume=lambda r: r.read())
    """

    def __init__(self, settings: Settings, breaker: Breaker | None = None) -> None:
        self.settings = settings
        self.breaker = breaker if breaker is not None else Breaker(settings.unreachable_cooldown)
        self._limiter = shared_limiter(settings)
        self._interval = 1.0 / settings.rate_limit
        check_http_environment()
        cert_file, cert_dir = os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR")
        try:
            verify = _tls_context(cert_file, cert_dir)
        except (OSError, ssl.SSLError, ValueError) as exc:
            which = f"SSL_CERT_FILE={cert_file!r}" if cert_file else f"SSL_CERT_DIR={cert_dir!r}"
            raise ConfigurationError(
                f"{which} cannot be read as a bundle of PEM certificates "
                f"({getattr(exc, 'strerror', None) or exc}). Fix or unset it.",
            ) from None
        try:
            self._client = httpx.Client(
                headers={"User-Agent": settings.user_agent},
                verify=verify,
                timeout=httpx.Timeout(settings.timeout, connect=settings.connect_timeout),
                follow_redirects=False,
                event_hooks={"response": [_hold_location]},
            )
        except (ImportError, ValueError, TypeError, OSError, ssl.SSLError, httpx.InvalidURL) as exc:
            # What check_http_environment could not foresee in this httpx.
            names = ", ".join(("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY", *_TLS_VARS))
            raise ConfigurationError(
                f"The HTTP client could not be set up from the environment ({type(exc).__name__}:"
                f" {exc}). Check the variables it reads ({names}) and fix or unset the one at "
                "fault.",
            ) from None
        if not install(self._client):  # pragma: no cover - depends on httpx internals
            logger.warning(
                "this httpx cannot take a request deadline; only the body is bounded in time"
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
            DownloadError: A 4xx or non-200 success answer, the attempt's deadline passed,
                or retries (or the retry budget) ran out (``status`` is ``None`` for a
                transport failure or a deadline).
            IntegrityError: The body kept arriving shorter than its ``Content-Length``, or
                ``consume`` refused it (too large, wrong encoding).
        """
        started = time.monotonic()
        plan = _Plan(self, started)
        retrying = Retrying(
            stop=plan.stop,
            wait=plan.wait,
            sleep=pause,  # a backoff ends early when the caller is interrupted
            retry=retry_if_exception(_retryable),
            reraise=True,
        )
        note = ""
        try:
            result: T = retrying(self._attempt, url, dict(headers or {}), consume, started)
            return result
        except BudgetSpentError as spent:
            failure: BaseException = spent.cause
            note = (
                f" Gave up after {spent.elapsed:.0f}s: waiting {spent.wait:.0f}s more would pass "
                f"the {self.settings.retry_budget:g}s retry budget (HMCTS_DATA_RETRY_BUDGET)."
            )
        except RateLimitWaitError as exc:
            raise DownloadError(
                f"GET {url} not sent: the next request allowed by the rate limit "
                f"({self.settings.rate_limit:g} per second, HMCTS_DATA_RATE_LIMIT) is "
                f"{exc.wait:.3g}s away, past this request's deadline ({exc.left:.3g}s left of "
                "HMCTS_DATA_DEADLINE / HMCTS_DATA_RETRY_BUDGET). Raise the rate limit (GOV.UK "
                "allows 10 per second) or make fewer requests at once.",
                url=url,
            ) from None
        except BreakerOpenError as exc:
            raise NetworkError(
                f"GET {exc.url} not sent: {exc.host} was found unreachable moments ago "
                f"({exc.reason}), so this client fails fast for another "
                f"{exc.remaining:.0f}s instead of waiting again. {_WAYS_FORWARD}",
                url=exc.url,
                host=exc.host,
            ) from None
        except (
            NoAnswerError,
            RetryableStatusError,
            IncompleteBodyError,
            DeadlineExceeded,
            Cancelled,
            httpx.HTTPError,
            httpx.InvalidURL,
            httpx.StreamError,
        ) as exc:
            failure = exc
        attempts = retrying.statistics.get("attempt_number", 1)
        if isinstance(failure, NoAnswerError):
            reason = _no_answer_reason(failure, self.settings)
            self.breaker.trip(failure.host, reason)
            raise NetworkError(
                f"Could not reach {failure.host} for GET {failure.url}: {reason} ({attempts} "
                f"attempt(s)). {_WAYS_FORWARD}{note}",
                url=failure.url,
                host=failure.host,
            ) from failure.cause
        raise self._failure(failure, url, attempts, note) from (
            failure if isinstance(failure, httpx.HTTPError) else None
        )

    def _failure(self, exc: BaseException, url: str, attempts: int, note: str) -> Exception:
        """The package error for what ended a call (every httpx exception path included)."""
        if isinstance(exc, RetryableStatusError):
            return DownloadError(
                f"GET {exc.url} answered HTTP {_phrase(exc.status)} after {attempts} "
                "attempt(s). GOV.UK may be busy or down: try again later, or raise "
                f"HMCTS_DATA_RETRIES.{note}",
                url=exc.url,
                status=exc.status,
            )
        if isinstance(exc, IncompleteBodyError):
            return IntegrityError(
                f"{exc.url} sent {exc.received} of the {exc.expected} bytes its Content-Length "
                f"announced, on every attempt. Nothing was cached; try again later.{note}",
                url=exc.url,
            )
        if isinstance(exc, Cancelled):
            return DownloadError(
                f"GET {url} stopped: the call was interrupted ({exc}). Nothing was cached.",
                url=url,
            )
        if isinstance(exc, DeadlineExceeded) and attempts > 1:
            return DownloadError(
                f"GET {url} failed {attempts - 1} time(s) and attempt {attempts} was still "
                f"unanswered when the {self.settings.retry_budget:g}s retry budget ran out. "
                "Nothing was cached. Try again later, or raise HMCTS_DATA_RETRY_BUDGET.",
                url=url,
            )
        if isinstance(exc, DeadlineExceeded):
            return DownloadError(
                f"GET {url} did not complete within its deadline ({self.settings.deadline:g}s "
                "for connecting, headers and body together, or less when the retry budget "
                "ran short); the server is answering too slowly. Nothing was cached. Try again "
                f"later, or raise HMCTS_DATA_DEADLINE.{note}",
                url=url,
            )
        if isinstance(exc, httpx.InvalidURL):
            return HostNotAllowedError(
                f"Refusing to fetch {url}: a URL on the way is not a valid http(s) URL "
                f"({exc}). Check the link; nothing was sent.",
                url=url,
            )
        if isinstance(exc, httpx.TimeoutException):
            return DownloadError(
                f"GET {url} timed out ({type(exc).__name__}, limit "
                f"{self.settings.timeout:g}s) on every attempt while the answer was arriving. "
                f"Try again later.{note}",
                url=url,
            )
        if isinstance(exc, httpx.DecodingError):
            return IntegrityError(
                f"{url}: the body could not be decoded ({exc}); it is corrupt or its "
                f"Content-Encoding is wrong. Nothing was cached; try again later.{note}",
                url=url,
            )
        if isinstance(exc, httpx.TransportError):
            return DownloadError(
                f"GET {url} failed: {type(exc).__name__}: {exc}. Check your connection and "
                "try again, or use offline mode (HMCTS_DATA_OFFLINE=1) with a filled cache."
                f"{note}",
                url=url,
            )
        # TooManyRedirects, StreamError and any other httpx error: still a typed failure.
        return DownloadError(
            f"GET {url} failed: {type(exc).__name__}: {exc}. Try again later.{note}", url=url
        )

    def _attempt(
        self,
        url: str,
        headers: dict[str, str],
        consume: Callable[[httpx.Response], T],
        started: float,
    ) -> T:
        # One deadline for the whole attempt (redirect hops and the body included), cut to
        # what is left of the call's retry budget.
        end = min(time.monotonic() + self.settings.deadline, started + self.settings.retry_budget)
        with deadline(end):
            return self._hops(url, headers, consume)

    def _hops(self, url: str, headers: dict[str, str], consume: Callable[[httpx.Response], T]) -> T:
        current, via = url, None
        for _ in range(MAX_REDIRECTS + 1):
            check_allowed(current, self.settings, via=via)
            trip = self.breaker.open_for((urlsplit(current).hostname or "").lower())
            if trip is not None:
                raise BreakerOpenError(
                    current, trip.host, trip.reason, self.breaker.remaining(trip)
                )
            self._limiter.acquire(until=current_end(), interval=self._interval)
            taken = _ON_SLOT.get()
            if taken is not None:
                taken()
            request = self._client.build_request("GET", current, headers=headers)
            host = (urlsplit(current).hostname or "").lower()
            try:
                response = self._client.send(request, stream=True)
            except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
                raise NoAnswerError(current, host, exc, silent=False) from exc
            except httpx.ReadTimeout as exc:
                raise NoAnswerError(current, host, exc, silent=True) from exc
            self.breaker.reset(host)  # any HTTP answer: the network works
            try:
                status = response.status_code
                if status in _REDIRECTS:
                    location = response.extensions.get(_LOCATION)
                    if not location:
                        raise DownloadError(
                            f"{current} answered HTTP {_phrase(status)} without a Location.",
                            url=current,
                            status=status,
                        )
                    current, via = _redirect_target(current, location), current
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
                if status not in {200, 304}:
                    # 206 or 299 is not the whole file (no Range was sent); never cache it.
                    raise DownloadError(
                        f"GET {current} answered unexpected HTTP {_phrase(status)} (only "
                        "200 is taken as the whole resource). Nothing was cached; try again "
                        "later.",
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


def _too_large(url: str, what: str, limit: int, setting: str, detail: str) -> IntegrityError:
    return IntegrityError(
        f"{url}: {detail}, more than the {_size(limit)} limit for {what}. Nothing was cached. "
        f"If it really is that large, raise {setting}.",
        url=url,
    )


def _size(n: int) -> str:
    for unit, scale in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if n >= scale:
            return f"{n / scale:g} {unit}"
    return f"{n} bytes"


def body_chunks(
    response: httpx.Response, *, limit: int, what: str, setting: str, gzip: bool
) -> Iterator[bytes]:
    """Yield the body of ``response``, decoded, refusing more than ``limit`` bytes of it.

    Decoding is done here (from ``iter_raw``), not by httpx, so a small compressed body can
    never inflate past ``limit``: at most ``limit + 1`` bytes are ever decompressed. A
    ``Content-Length`` above ``limit`` is refused before any of the body is read.

    Args:
        response: A streamed 200 response.
        limit: Most bytes of decoded body accepted.
        what: What the body is, for the message (``"data files"``).
        setting: The variable that raises the limit, for the message.
        gzip: Accept ``Content-Encoding: gzip`` (asked for by API requests). Otherwise any
            encoding but ``identity`` is refused: files are requested unencoded, and a server
            that compresses anyway is not trusted to have compressed honestly.

    Raises:
        IntegrityError: Too large (announced or received), an encoding not asked for, or a
            corrupt gzip stream.
    """
    url = str(response.url)
    encoding = response.headers.get("Content-Encoding", "identity").strip().lower() or "identity"
    if encoding not in ({"identity", "gzip"} if gzip else {"identity"}):
        raise IntegrityError(
            f"{url}: the server sent the body with Content-Encoding {encoding!r}, which was "
            f"not asked for (asked: {'gzip or identity' if gzip else 'identity'}). Nothing "
            "was cached; try again later.",
            url=url,
        )
    announced = response.headers.get("Content-Length", "").strip()
    if announced.isdigit() and int(announced) > limit:
        raise _too_large(url, what, limit, setting, f"the server announced {announced} bytes")
    inflate = zlib.decompressobj(31) if encoding == "gzip" else None  # 31: gzip wrapper
    total = 0
    for raw in response.iter_raw():
        check()  # the backend bounds each read; this also holds if it could not be installed
        pending = raw
        while pending:
            if inflate is None:
                piece, pending = pending, b""
            else:
                try:
                    # Never more than one byte past the limit, however well it compresses.
                    piece = inflate.decompress(pending, limit + 1 - total)
                except zlib.error as exc:
                    raise IntegrityError(
                        f"{url}: the gzip body is corrupt ({exc}). Nothing was cached; try "
                        "again later.",
                        url=url,
                    ) from None
                pending = inflate.unconsumed_tail
            total += len(piece)
            if total > limit:
                detail = "the body inflates to" if inflate is not None else "the body runs to"
                raise _too_large(url, what, limit, setting, f"{detail} over {limit} bytes")
            if piece:
                yield piece
    if inflate is not None and not inflate.eof:
        raise IntegrityError(
            f"{url}: the gzip body ends before its end marker (truncated). Nothing was "
            "cached; try again later.",
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
