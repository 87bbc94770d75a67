"""One bad header never poisons a cache entry (issue 24, item 3).

A local server sends validators as hostile servers do: non-ASCII bytes, unquoted, control
characters, absurd dates. Only well-formed validators are kept; an entry stored with a bad one
(by an earlier release) is revalidated unconditionally, and still stands in when the network
fails.
"""

from __future__ import annotations

import json
import threading
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from hmcts_data import Client, StaleDataWarning
from hmcts_data._cache_layout import entry_dir

BODY = b"Month,Value\n2024-01,5\n2024-02,7\n"
PAGE = b'{"title": "A page"}'


@dataclass
class Answers:
    """What the server sends next, and what it was asked."""

    etag: str | None = None
    last_modified: str | None = None
    status: int = 200
    seen: list[dict[str, str]] = field(default_factory=list)


def raw(text: str) -> str:
    # BaseHTTPRequestHandler writes header values as latin-1: this puts text's UTF-8 bytes on
    # the wire, as a server that sends UTF-8 in a header does.
    return text.encode("utf-8").decode("latin-1")


@pytest.fixture
def server() -> Iterator[tuple[str, Answers]]:
    answers = Answers()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            answers.seen.append(dict(self.headers.items()))
            body = PAGE if self.path.startswith("/api") else BODY
            self.send_response(answers.status)
            self.send_header("Content-Type", "application/json" if body is PAGE else "text/csv")
            self.send_header("Content-Length", str(len(body)))
            if answers.etag is not None:
                self.send_header("ETag", raw(answers.etag))
            if answers.last_modified is not None:
                self.send_header("Last-Modified", raw(answers.last_modified))
            self.end_headers()
            self.wfile.write(body)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", answers
    finally:
        httpd.shutdown()
        httpd.server_close()


def client(base: str, cache: Path, **overrides: Any) -> Client:
    settings: dict[str, Any] = {"retries": 1, "backoff": 0.01, "rate_limit": 1000}
    return Client(base_url=base, cache_dir=cache, **(settings | overrides))


BAD_ETAGS = ['"café"', "unquoted", '"a"b"', '"\x01"', 'W/"' + "x" * 300 + '"', '"tab\there"']
BAD_DATES = ["Wed, 21 Oct 2015 07:28:00 GMT\u00e9", "yesterday", "Mon, 01 Jan 99999 00:00:00 GMT"]


@pytest.mark.parametrize("etag", BAD_ETAGS)
def test_malformed_etag_is_not_kept_and_later_requests_work(
    server: tuple[str, Answers], tmp_path: Path, etag: str
) -> None:
    base, answers = server
    answers.etag = etag
    with client(base, tmp_path, file_max_age=0) as c:
        first = c.download(base + "/media/x.csv")
        assert first.etag is None
        answers.etag = None  # the server is fixed
        again = c.download(base + "/media/x.csv")
    assert again.status == "downloaded"
    assert again.path.read_bytes() == BODY
    assert "If-None-Match" not in answers.seen[-1]


@pytest.mark.parametrize("date", BAD_DATES)
def test_malformed_last_modified_is_not_kept(
    server: tuple[str, Answers], tmp_path: Path, date: str
) -> None:
    base, answers = server
    answers.last_modified = date
    with client(base, tmp_path, api_max_age=0) as c:
        assert c.get_json("/api/content/x") == {"title": "A page"}
        assert c.get_json("/api/content/x") == {"title": "A page"}
    assert "If-Modified-Since" not in answers.seen[-1]


def test_well_formed_validators_are_kept_and_sent_back(
    server: tuple[str, Answers], tmp_path: Path
) -> None:
    base, answers = server
    answers.etag = 'W/"5f-abc"'
    answers.last_modified = "Wed, 21 Oct 2015 07:28:00 GMT"
    with client(base, tmp_path, file_max_age=0) as c:
        assert c.download(base + "/media/x.csv").etag == 'W/"5f-abc"'
        c.download(base + "/media/x.csv")
    assert answers.seen[-1]["If-None-Match"] == 'W/"5f-abc"'
    assert answers.seen[-1]["If-Modified-Since"] == "Wed, 21 Oct 2015 07:28:00 GMT"


def poison(sidecar: Path) -> None:
    """Store bad validators, as a release that did not check them did."""
    meta = json.loads(sidecar.read_text())
    meta["etag"] = '"café"'
    meta["last_modified"] = "Wed, 21 Oct 2015 07:28:00 GMT\u00e9"
    sidecar.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")


@pytest.mark.parametrize("kind", ["file", "page"])
def test_poisoned_entry_is_refetched_then_offered_stale(
    server: tuple[str, Answers], tmp_path: Path, kind: str
) -> None:
    base, answers = server
    url = base + ("/media/x.csv" if kind == "file" else "/api/content/x")
    with client(base, tmp_path, file_max_age=0, api_max_age=0) as c:

        def fetch() -> Any:
            return c.download(url).path.read_bytes() if kind == "file" else c.get_json(url)

        expected = fetch()
        folder = entry_dir(tmp_path, "files" if kind == "file" else "api", url)
        poison(folder / "meta.json")
        # The fixed server is asked unconditionally (no raw UnicodeEncodeError).
        assert fetch() == expected
        assert "If-None-Match" not in answers.seen[-1]
        # Poisoned again, and now the server fails: the good copy stands in, with a warning.
        poison(folder / "meta.json")
        answers.status = 503
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            assert fetch() == expected
    assert any(issubclass(w.category, StaleDataWarning) for w in caught)
