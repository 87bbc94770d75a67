"""Faults the fake GOV.UK can inject into its next responses for a path."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "Delay",
    "Drop",
    "Empty",
    "Fault",
    "GzipBomb",
    "Gzipped",
    "Html",
    "HugeBody",
    "NotModified",
    "ShortBody",
    "Status",
    "Success",
    "Trickle",
]


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
    """Answer 200 with an HTML error page in place of the resource.

    Attributes:
        xml_declaration: Start the page with an ``<?xml ...?>`` line (as XHTML error pages
            do), to test that it is still recognised as HTML.
        content_type: The ``Content-Type`` to send (``text/html`` by default).

    Example:
        >>> Html()
        Html(xml_declaration=False, content_type='text/html; charset=utf-8')
    """

    xml_declaration: bool = False
    content_type: str = "text/html; charset=utf-8"


@dataclass(frozen=True)
class Empty:
    """Answer 200 with an empty body (and the resource's content type).

    Example:
        >>> Empty()
        Empty()
    """


@dataclass(frozen=True)
class Trickle:
    """Send the answer one byte every ``interval`` seconds: the body, or also the headers.

    Each byte arrives well within any read timeout, so only a total deadline stops it.

    Attributes:
        interval: Seconds between two bytes.
        headers: Trickle the status line and headers too, not only the body.

    Example:
        >>> Trickle(0.5, headers=True).headers
        True
    """

    interval: float
    headers: bool = False


@dataclass(frozen=True)
class GzipBomb:
    """Answer 200 with ``Content-Encoding: gzip`` and a small body inflating to ``size`` bytes.

    Sent whatever the request's ``Accept-Encoding`` said, as a hostile server would.

    Attributes:
        size: Bytes of zeros after decompression.

    Example:
        >>> GzipBomb(size=2**30).size
        1073741824
    """

    size: int


@dataclass(frozen=True)
class Gzipped:
    """Answer 200 with the resource gzip-compressed (``Content-Encoding: gzip``).

    Sent whatever the request's ``Accept-Encoding`` said, as GOV.UK's API does when asked.

    Example:
        >>> Gzipped()
        Gzipped()
    """


@dataclass(frozen=True)
class HugeBody:
    """Announce ``Content-Length: length`` (or none, chunked) and stream zeros until hung up.

    Attributes:
        length: The ``Content-Length`` to announce; ``None`` sends the body chunked.

    Example:
        >>> HugeBody(10**15).length
        1000000000000000
    """

    length: int | None


@dataclass(frozen=True)
class Success:
    """Answer with another success code (206, 299 ...) and the resource's whole body.

    Attributes:
        code: The status code to answer with.

    Example:
        >>> Success(206).code
        206
    """

    code: int


@dataclass(frozen=True)
class NotModified:
    """Answer 304 Not Modified with these validators, whatever the request asked.

    Attributes:
        etag: The ``ETag`` to send.
        last_modified: The ``Last-Modified`` to send (an HTTP date), if any.

    Example:
        >>> NotModified(etag='"v2"').etag
        '"v2"'
    """

    etag: str
    last_modified: str | None = None


#: Any fault :meth:`FakeGovUK.inject` accepts.
Fault = (
    Status
    | Drop
    | ShortBody
    | Delay
    | Html
    | Empty
    | Trickle
    | GzipBomb
    | Gzipped
    | HugeBody
    | Success
    | NotModified
)
