"""A real HTTP server on 127.0.0.1 standing in for GOV.UK, with fault injection.

It serves the three things ``hmcts_data`` talks to: Content API pages (``add_json``), asset
files (``add_file``) and the Search API (``add_search_result``), with ``ETag`` and
``Last-Modified`` validators and 304 answers to conditional requests, redirects, and faults
injected per path. It binds to loopback only and never opens an outbound connection.
"""

from __future__ import annotations

import hashlib
import json
import re
import socket
import threading
import time
import zlib
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlsplit

from hmcts_data.testing._faults import (
    Delay,
    Drop,
    Empty,
    Fault,
    GzipBomb,
    Gzipped,
    Html,
    HugeBody,
    NotModified,
    ShortBody,
    Status,
    Success,
    Trickle,
)

__all__ = ["FakeGovUK", "Mounted", "RecordedRequest"]

SEARCH_PATH = "/api/search.json"
_MAX_COUNT = 1500
_CHUNK = 64 * 1024
_JSON_TYPE = "application/json; charset=utf-8"
_HTML_PAGE = (
    b'<!DOCTYPE html>\n<html lang="en"><head><title>Sorry, there is a problem with the '
    b"service - GOV.UK</title></head><body><h1>Sorry, there is a problem with the service</h1>"
    b"<p>Try again later.</p></body></html>\n"
)
_NOT_FOUND_PAGE = (
    b'<!DOCTYPE html>\n<html lang="en"><head><title>Page not found - GOV.UK</title></head>'
    b"<body><h1>Page not found</h1></body></html>\n"
)
_XML_HTML_PAGE = b'<?xml version="1.0" encoding="utf-8"?>\n' + _HTML_PAGE.split(b"\n", 1)[1]
#: A server streaming an endless body stops here, whatever the client does.
_HUGE_BODY_STOP = 8 * 2**30
# Parameters the real Search API documents; anything else is answered with 422 like it does.
_SEARCH_PARAMS = {"q", "count", "start", "order", "fields", "fields[]", "c"}
_SEARCH_PREFIXES = ("filter_", "reject_", "aggregate_")
_FIELD_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class RecordedRequest:
    """One request the fake server received.

    Attributes:
        method: HTTP method (``GET``).
        path: The path without the query string.
        query: Query parameters, each with every value given.
        headers: Request headers (names as sent).

    Example:
        >>> RecordedRequest("GET", "/a.csv", {}, {"User-Agent": "x"}).path
        '/a.csv'
    """

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]


@dataclass(frozen=True)
class Mounted:
    """What a mounted handler answers (see :meth:`FakeGovUK.mount`).

    Attributes:
        status: The HTTP status.
        body: The body.
        content_type: Its ``Content-Type``.

    Example:
        >>> Mounted(200, b"{}", "application/json").status
        200
    """

    status: int
    body: bytes
    content_type: str = "application/json; charset=utf-8"


#: A mounted handler: ``(path, query)`` to an answer, or ``None`` for 404.
Handler = Callable[[str, dict[str, list[str]]], "Mounted | None"]


@dataclass(frozen=True)
class _Resource:
    body: bytes
    content_type: str
    etag: str | None
    last_modified: datetime | None


@dataclass(frozen=True)
class _Redirect:
    location: str
    status: int


@dataclass
class _State:
    lock: threading.Lock = field(default_factory=threading.Lock)
    routes: dict[str, _Resource | _Redirect] = field(default_factory=dict)
    faults: dict[str, deque[Fault]] = field(default_factory=dict)
    search: list[dict[str, Any]] = field(default_factory=list)
    mounts: dict[str, Handler] = field(default_factory=dict)
    requests: list[RecordedRequest] = field(default_factory=list)
    offline: bool = False


def _etag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:20] + '"'


def _path_of(path_or_url: str) -> str:
    path = (
        urlsplit(path_or_url).path
        if "://" in path_or_url
        else path_or_url.split("?", maxsplit=1)[0]
    )
    return path if path.startswith("/") else "/" + path


class FakeGovUK:
    """A local stand-in for GOV.UK's Content API, Search API and asset host.

    A real ``ThreadingHTTPServer`` on ``127.0.0.1`` (a free port), served from a daemon thread.
    The port is bound when the object is created, so :attr:`base_url` and the URLs returned
    by ``add_*`` are known before :meth:`start`.

    Attributes:
        base_url: ``"http://127.0.0.1:<port>"``; point ``HMCTS_DATA_BASE_URL`` at it.

    Example:
        >>> from hmcts_data.testing import FakeGovUK, Status
        >>> with FakeGovUK() as fake:
        ...     url = fake.add_file("/a.csv", b"x,y", content_type="text/csv")
        ...     fake.inject("/a.csv", Status(503), Status(503))
        ...     fake.count("/a.csv")
        0
    """

    def __init__(self) -> None:
        self._state = _State()
        self._httpd = _Server(("127.0.0.1", 0), _Handler, self)
        port = self._httpd.server_address[1]
        self.base_url = f"http://127.0.0.1:{port}"
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> FakeGovUK:
        """Start serving in a daemon thread (idempotent).

        Returns:
            The server itself, for chaining.
        """
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._httpd.serve_forever,
                kwargs={"poll_interval": 0.01},
                name="FakeGovUK",
                daemon=True,
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the port."""
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._httpd.server_close()

    def __enter__(self) -> FakeGovUK:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- content ---------------------------------------------------------------------------

    def url(self, path: str) -> str:
        """Return the absolute URL of ``path`` on this server.

        Example:
            >>> FakeGovUK().url("/x").startswith("http://127.0.0.1:")
            True
        """
        return self.base_url + _path_of(path)

    def add_json(self, path: str, payload: Any) -> str:
        """Serve ``payload`` as JSON at ``path``, with ETag and Last-Modified (304-aware).

        Calling it again for the same path replaces the payload (and so changes the ETag).

        Args:
            path: e.g. ``"/api/content/government/collections/hmcts-management-information"``.
            payload: Anything ``json.dumps`` accepts.

        Returns:
            The absolute URL.
        """
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        return self._add(path, _Resource(body, _JSON_TYPE, _etag(body), self._modified_now()))

    def add_file(
        self,
        path: str,
        body: bytes,
        *,
        content_type: str,
        etag: bool = True,
        last_modified: datetime | None = None,
    ) -> str:
        """Serve a file (an asset) at ``path``.

        Args:
            path: e.g. ``"/media/abc/HMCTS_MI_output_accessible.csv"``.
            body: The file's bytes.
            content_type: The ``Content-Type`` to send.
            etag: Send an ``ETag`` (derived from the body) and honour ``If-None-Match``.
            last_modified: Send this ``Last-Modified`` and honour ``If-Modified-Since``;
                ``None`` sends no ``Last-Modified``.

        Returns:
            The absolute URL.
        """
        if last_modified is not None and last_modified.tzinfo is None:
            last_modified = last_modified.replace(tzinfo=UTC)
        resource = _Resource(
            body,
            content_type,
            _etag(body) if etag else None,
            last_modified.replace(microsecond=0) if last_modified else None,
        )
        return self._add(path, resource)

    def add_redirect(self, path: str, location: str, status: int = 301) -> str:
        """Answer requests for ``path`` with a redirect to ``location``.

        Args:
            path: The path that redirects.
            location: Absolute URL or path to redirect to (any host: that is the point).
            status: 301, 302, 303, 307 or 308.

        Returns:
            The absolute URL of ``path``.
        """
        return self._add(path, _Redirect(location, status))

    def add_search_result(self, result: Mapping[str, Any]) -> None:
        """Add one result to ``GET /api/search.json``.

        The endpoint pages with ``count`` (default 10, at most 1500) and ``start``, reports
        ``total``, filters with ``filter_<field>=value`` (repeat for OR; matched against
        strings, lists of strings, or lists of objects by their ``slug``) and
        ``reject_<field>``, sorts with ``order=field`` or ``order=-field``, projects with
        ``fields=``, and answers unknown parameters with 422 as the real API does.

        Args:
            result: One search result, e.g. ``{"title": ..., "link": ...,
                "public_timestamp": ..., "document_collections": [{"slug": ...}]}``.
        """
        with self._state.lock:
            self._state.search.append(dict(result))

    def mount(self, prefix: str, handler: Handler) -> None:
        """Answer requests under ``prefix`` (no page added for them) with ``handler``.

        For content made on demand, such as a corpus of tens of thousands of pages or a
        Search API of its own. The longest matching prefix wins; pages added with
        ``add_json``/``add_file`` win over mounts, and faults still apply. A 200 answer gets
        an ``ETag`` and is 304-aware like any page.

        Args:
            prefix: A path prefix, e.g. ``"/api/search.json"`` or ``"/api/content/x/"``.
            handler: Called with ``(path, query)``; returns a :class:`Mounted` answer or
                ``None`` (404).

        Example:
            >>> fake = FakeGovUK()
            >>> fake.mount("/api/hello", lambda path, query: Mounted(200, b'"hi"'))
        """
        with self._state.lock:
            self._state.mounts[_path_of(prefix)] = handler

    # -- faults and inspection -------------------------------------------------------------

    def inject(self, path: str, *faults: Fault) -> None:
        """Queue faults for ``path``; the next requests to it consume them in order.

        Example:
            >>> from hmcts_data.testing import Status
            >>> FakeGovUK().inject("/a.csv", Status(429, retry_after="1"), Status(503))
        """
        with self._state.lock:
            self._state.faults.setdefault(_path_of(path), deque()).extend(faults)

    def go_offline(self, offline: bool = True) -> None:
        """While offline, every request has its connection dropped without an answer."""
        with self._state.lock:
            self._state.offline = offline

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request received so far (a snapshot), oldest first."""
        with self._state.lock:
            return list(self._state.requests)

    def count(self, path_prefix: str = "") -> int:
        """Return how many requests were received for paths starting with ``path_prefix``."""
        with self._state.lock:
            return sum(1 for r in self._state.requests if r.path.startswith(path_prefix))

    def reset_counts(self) -> None:
        """Forget the recorded requests."""
        with self._state.lock:
            self._state.requests.clear()

    # -- internals -------------------------------------------------------------------------

    @staticmethod
    def _modified_now() -> datetime:
        return datetime.now(UTC).replace(microsecond=0)

    def _add(self, path: str, route: _Resource | _Redirect) -> str:
        key = _path_of(path)
        with self._state.lock:
            self._state.routes[key] = route
        return self.base_url + key

    def _record(self, request: RecordedRequest) -> tuple[bool, Fault | None]:
        with self._state.lock:
            self._state.requests.append(request)
            queue = self._state.faults.get(request.path)
            fault = queue.popleft() if queue else None
            return self._state.offline, fault

    def _route(self, path: str) -> _Resource | _Redirect | None:
        with self._state.lock:
            return self._state.routes.get(path)

    def _mounted(self, path: str, query: dict[str, list[str]]) -> Mounted | None:
        with self._state.lock:
            prefixes = sorted(self._state.mounts, key=len, reverse=True)
            handler = next((self._state.mounts[p] for p in prefixes if path.startswith(p)), None)
        return None if handler is None else handler(path, query)

    def _search(self, query: dict[str, list[str]]) -> tuple[int, bytes]:
        with self._state.lock:
            results = list(self._state.search)
        try:
            payload = _run_search(results, query)
        except ValueError as exc:
            return 422, json.dumps({"error": str(exc)}).encode()
        return 200, json.dumps(payload).encode("utf-8")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(
        self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler], fake: FakeGovUK
    ) -> None:
        super().__init__(address, handler)
        self.fake = fake

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients hanging up (timeouts, dropped connections) are the point of many tests.
        return


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes; with Nagle on, a kept-alive connection
    # stalls ~40 ms per response waiting for the client's delayed ACK.
    disable_nagle_algorithm = True
    server: _Server
    server_version = "FakeGovUK/1"

    def log_message(self, format: str, *args: Any) -> None:
        return

    def do_HEAD(self) -> None:
        self._serve(send_body=False)

    def do_GET(self) -> None:
        self._serve(send_body=True)

    def _serve(self, *, send_body: bool) -> None:
        fake = self.server.fake
        parts = urlsplit(self.path)
        request = RecordedRequest(
            method=self.command,
            path=parts.path,
            query=parse_qs(parts.query, keep_blank_values=True),
            headers=dict(self.headers.items()),
        )
        offline, fault = fake._record(request)
        if offline:
            self.close_connection = True
            return
        if isinstance(fault, Delay):
            time.sleep(fault.seconds)
            fault = None
        if isinstance(fault, Status):
            extra = {"Retry-After": fault.retry_after} if fault.retry_after is not None else {}
            self._reply(fault.code, fault.body, "text/plain; charset=utf-8", extra, send_body)
            return
        if isinstance(fault, Html):
            page = _XML_HTML_PAGE if fault.xml_declaration else _HTML_PAGE
            self._reply(200, page, fault.content_type, {}, send_body)
            return
        if isinstance(fault, GzipBomb):
            self._gzip_bomb(fault.size)
            return
        if isinstance(fault, HugeBody):
            self._huge_body(fault.length)
            return

        route = fake._route(request.path)
        if route is None:
            answer = fake._mounted(request.path, request.query)
            if answer is not None and answer.status != 200:
                self._reply(answer.status, answer.body, answer.content_type, {}, send_body)
                return
            if answer is not None:
                route = _Resource(answer.body, answer.content_type, _etag(answer.body), None)
        if request.path == SEARCH_PATH and route is None:
            code, body = fake._search(request.query)
            route = _Resource(body, _JSON_TYPE, _etag(body), None)
            if code != 200:
                self._reply(code, body, _JSON_TYPE, {}, send_body)
                return
        if route is None:
            self._reply(404, _NOT_FOUND_PAGE, "text/html; charset=utf-8", {}, send_body)
            return
        if isinstance(route, _Redirect):
            self._reply(route.status, b"", "text/plain", {"Location": route.location}, send_body)
            return
        validators: dict[str, str] = {}
        if route.etag:
            validators["ETag"] = route.etag
        if route.last_modified:
            validators["Last-Modified"] = format_datetime(route.last_modified, usegmt=True)
        if isinstance(fault, Empty):
            self._reply(200, b"", route.content_type, validators, send_body)
            return
        if isinstance(fault, NotModified):
            sent = {"ETag": fault.etag}
            if fault.last_modified is not None:
                sent["Last-Modified"] = fault.last_modified
            self._reply(304, b"", None, sent, send_body)
            return
        if isinstance(fault, Success):
            self._reply(fault.code, route.body, route.content_type, validators, send_body)
            return
        if isinstance(fault, Trickle):
            self._trickle(route, validators, fault)
            return
        if isinstance(fault, Gzipped):
            packer = zlib.compressobj(6, zlib.DEFLATED, 31)
            packed = packer.compress(route.body) + packer.flush()
            extra = {**validators, "Content-Encoding": "gzip"}
            self._reply(200, packed, route.content_type, extra, send_body)
            return
        if self._not_modified(route):
            self._reply(304, b"", None, validators, send_body)
            return
        if isinstance(fault, Drop):
            self._reply(
                200, route.body, route.content_type, validators, send_body, cut=fault.after_bytes
            )
        elif isinstance(fault, ShortBody):
            self._reply(
                200,
                route.body,
                route.content_type,
                validators,
                send_body,
                length=len(route.body) + fault.missing,
            )
        else:
            self._reply(200, route.body, route.content_type, validators, send_body)

    def _trickle(self, route: _Resource, validators: Mapping[str, str], fault: Trickle) -> None:
        lines = [f"HTTP/1.1 200 {HTTPStatus(200).phrase}", f"Content-Type: {route.content_type}"]
        lines += [f"{name}: {value}" for name, value in validators.items()]
        lines += [f"Content-Length: {len(route.body)}", "Connection: close", "", ""]
        head = "\r\n".join(lines).encode("latin-1")
        self.close_connection = True
        self.wfile.flush()
        if not fault.headers:
            self.wfile.write(head)
            head = b""
        # One byte at a time until done or the client hangs up (the write then fails).
        for byte in head + route.body:
            self.wfile.write(bytes([byte]))
            self.wfile.flush()
            time.sleep(fault.interval)

    def _gzip_bomb(self, size: int) -> None:
        # Compressed on the fly, so a refused bomb costs the server nothing either.
        self.send_response(200, "OK")
        self.send_header("Content-Type", "text/csv")
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Connection", "close")  # the body ends when the connection does
        self.close_connection = True
        self.end_headers()
        packer = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: gzip wrapper
        zeros = bytes(2**20)
        left = size
        while left > 0:
            piece = packer.compress(zeros[: min(left, len(zeros))])
            left -= min(left, len(zeros))
            if piece:
                self.wfile.write(piece)
        self.wfile.write(packer.flush())
        self.wfile.flush()

    def _huge_body(self, length: int | None) -> None:
        self.send_response(200, "OK")
        self.send_header("Content-Type", "text/csv")
        if length is None:
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Content-Length", str(length))
        self.send_header("Connection", "close")
        self.close_connection = True
        self.end_headers()
        zeros = b"0" * _CHUNK
        framed = b"%x\r\n%s\r\n" % (len(zeros), zeros) if length is None else zeros
        sent = 0
        while sent < min(length or _HUGE_BODY_STOP, _HUGE_BODY_STOP):
            self.wfile.write(framed)
            sent += len(zeros)

    def _not_modified(self, route: _Resource) -> bool:
        inm = self.headers.get("If-None-Match")
        if inm is not None:
            tags = {t.strip().removeprefix("W/") for t in inm.split(",")}
            return route.etag is not None and ("*" in tags or route.etag in tags)
        ims = self.headers.get("If-Modified-Since")
        if ims is not None and route.last_modified is not None:
            try:
                since = parsedate_to_datetime(ims)
            except (TypeError, ValueError):
                return False
            if since.tzinfo is None:
                since = since.replace(tzinfo=UTC)
            return route.last_modified <= since
        return False

    def _reply(
        self,
        code: int,
        body: bytes,
        content_type: str | None,
        headers: Mapping[str, str],
        send_body: bool,
        *,
        cut: int | None = None,
        length: int | None = None,
    ) -> None:
        try:
            phrase = HTTPStatus(code).phrase
        except ValueError:
            phrase = ""
        self.send_response(code, phrase)
        if content_type is not None:
            self.send_header("Content-Type", content_type)
        for name, value in headers.items():
            self.send_header(name, value)
        if code != 304:
            self.send_header("Content-Length", str(len(body) if length is None else length))
        if cut is not None or length is not None:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if not send_body or code == 304:
            return
        data = body if cut is None else body[:cut]
        for start in range(0, len(data), _CHUNK):
            self.wfile.write(data[start : start + _CHUNK])
        self.wfile.flush()
        if cut is not None or length is not None:
            # Hang up mid-message so the client sees a truncated body, as on a real network.
            self.connection.shutdown(socket.SHUT_RDWR)


# -- Search API --------------------------------------------------------------------------------


def _int_param(query: Mapping[str, list[str]], name: str, default: int, maximum: int) -> int:
    values = query.get(name)
    if not values:
        return default
    try:
        value = int(values[-1])
    except ValueError:
        raise ValueError(f"Invalid value {values[-1]!r} for parameter {name!r}") from None
    if not 0 <= value <= maximum:
        raise ValueError(f"Parameter {name!r} must be between 0 and {maximum}, got {value}")
    return value


def _matches(value: Any, wanted: str) -> bool:
    if value is None:
        return wanted == "_MISSING"
    if isinstance(value, str):
        if wanted.startswith(("from:", "to:")):
            return _in_range(value, wanted)
        return value == wanted
    if isinstance(value, list):
        return any(
            (isinstance(v, str) and v == wanted)
            or (isinstance(v, Mapping) and v.get("slug") == wanted)
            for v in value
        )
    return str(value) == wanted


def _in_range(value: str, spec: str) -> bool:
    day = value[:10]
    for part in spec.split(","):
        bound, _, date = part.partition(":")
        if (bound == "from" and day < date[:10]) or (bound == "to" and day > date[:10]):
            return False
    return True


def search_window(query: Mapping[str, list[str]], max_count: int) -> tuple[int, int]:
    """Refuse parameters the Search API does not know; return the query's ``(count, start)``.

    Raises:
        ValueError: An unknown parameter, or a count or start that is not a number in range
            (the message is the API's error text).
    """
    for name in query:
        if name not in _SEARCH_PARAMS and not name.startswith(_SEARCH_PREFIXES):
            raise ValueError(f"Unexpected parameter {name!r}")
    return _int_param(query, "count", 10, max_count), _int_param(query, "start", 0, 10**9)


def _run_search(results: Iterable[dict[str, Any]], query: dict[str, list[str]]) -> dict[str, Any]:
    count, start = search_window(query, _MAX_COUNT)
    selected = list(results)
    for name, values in query.items():
        for prefix, keep in (("filter_", True), ("reject_", False)):
            if not name.startswith(prefix):
                continue
            field_name = name.removeprefix(prefix)
            mode = "any"
            for multi in ("any_", "all_"):
                if field_name.startswith(multi):
                    mode, field_name = multi[:-1], field_name.removeprefix(multi)
            if not _FIELD_NAME.match(field_name):
                raise ValueError(f"Invalid filter field {field_name!r}")
            test = all if mode == "all" else any
            selected = [
                r for r in selected if test(_matches(r.get(field_name), v) for v in values) == keep
            ]
    if query.get("q"):
        words = query["q"][-1].lower().split()
        selected = [
            r
            for r in selected
            if all(w in f"{r.get('title', '')} {r.get('description', '')}".lower() for w in words)
        ]
    if query.get("order"):
        order = query["order"][-1]
        key = order.removeprefix("-")
        if not _FIELD_NAME.match(key):
            raise ValueError(f"Invalid order {order!r}")
        present = [r for r in selected if r.get(key) is not None]
        missing = [r for r in selected if r.get(key) is None]
        present.sort(key=lambda r: str(r[key]), reverse=order.startswith("-"))
        selected = present + missing
    fields = query.get("fields", []) + query.get("fields[]", [])
    page = selected[start : start + count]
    out = []
    for result in page:
        shown = {k: v for k, v in result.items() if not fields or k in fields}
        shown.setdefault("index", "government")
        shown.setdefault("es_score", None)
        shown.setdefault("_id", result.get("link"))
        shown.setdefault("elasticsearch_type", "edition")
        shown.setdefault("document_type", "edition")
        out.append(shown)
    return {
        "results": out,
        "total": len(selected),
        "start": start,
        "aggregates": {},
        "suggested_queries": [],
        "suggested_autocomplete": [],
        "es_cluster": "A",
    }
