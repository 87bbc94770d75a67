"""Faults the fake GOV.UK can inject into its next responses for a path."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Delay", "Drop", "Empty", "Fault", "Html", "ShortBody", "Status"]


@dataclass(frozen=True)
class Status:
    """Answer with an HTTP status instead of the resource.

    Attributes:
        code: The status code, e.g. 429, 503 or 404.
        retry_after: A ``Retry-After`` header value (seconds or an HTTP date), if any.
        body: The response body.

    Example:
        >>> Status(429, retry_after="1")
        Status(code=429, retry_after='1', body=b'')
    """

    code: int
    retry_after: str | None = None
    body: bytes = b""


@dataclass(frozen=True)
class Drop:
    """Send the headers and ``after_bytes`` bytes of the body, then close the connection.

    Attributes:
        after_bytes: How many bytes of the body are sent before the connection closes.

    Example:
        >>> Drop(after_bytes=100).after_bytes
        100
    """

    after_bytes: int


@dataclass(frozen=True)
class ShortBody:
    """Announce a ``Content-Length`` ``missing`` bytes larger than the body sent, then close.

    Attributes:
        missing: How many bytes short of the announced length the body is.

    Example:
        >>> ShortBody(missing=10).missing
        10
    """

    missing: int


@dataclass(frozen=True)
class Delay:
    """Wait ``seconds`` before answering (to drive a client past its timeout).

    Attributes:
        seconds: How long to wait before answering.

    Example:
        >>> Delay(0.5).seconds
        0.5
    """

    seconds: float


@dataclass(frozen=True)
class Html:
    """Answer 200 with an HTML error page (``text/html``) in place of the resource.

    Example:
        >>> Html()
        Html()
    """


@dataclass(frozen=True)
class Empty:
    """Answer 200 with an empty body (and the resource's content type).

    Example:
        >>> Empty()
        Empty()
    """


#: Any fault :meth:`FakeGovUK.inject` accepts.
Fault = Status | Drop | ShortBody | Delay | Html | Empty
