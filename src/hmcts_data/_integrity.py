"""Integrity checks on a downloaded body before it may enter the cache."""

from __future__ import annotations

from typing import Literal
from urllib.parse import urlsplit

from hmcts_data._errors import IntegrityError

__all__ = ["Expect", "check_body", "check_expected", "expected_kind"]

#: What a download is expected to be; ``"any"`` guesses from the URL's extension.
Expect = Literal["csv", "xlsx", "ods", "pdf", "json", "any"]

_BY_EXTENSION: dict[str, Expect] = {
    ".csv": "csv",
    ".xlsx": "xlsx",
    ".ods": "ods",
    ".pdf": "pdf",
    ".json": "json",
}
_HTML_TYPES = ("text/html", "application/xhtml+xml")
_ZIP_MAGIC = b"PK\x03\x04"
_BOM = b"\xef\xbb\xbf"


def expected_kind(url: str, expect: Expect) -> Expect:
    """Return ``expect``, or for ``"any"`` the kind implied by the URL's file extension.

    Example:
        >>> expected_kind("https://x.test/media/1/MI.csv", "any")
        'csv'
        >>> expected_kind("https://x.test/media/1/readme", "any")
        'any'
    """
    if expect != "any":
        return expect
    path = urlsplit(url).path.lower()
    for extension, kind in _BY_EXTENSION.items():
        if path.endswith(extension):
            return kind
    return "any"


def _looks_like_html(head: bytes) -> bool:
    start = head.removeprefix(_BOM).lstrip().lower()
    # An XHTML error page opens with an XML declaration (and maybe comments) before <html>.
    while start.startswith((b"<?xml", b"<!--")):
        close = b"?>" if start.startswith(b"<?xml") else b"-->"
        end = start.find(close)
        if end < 0:
            break
        start = start[end + len(close) :].lstrip()
    return start.startswith((b"<!doctype html", b"<html", b"<head", b"<body"))


def check_body(head: bytes, size: int, content_type: str | None, kind: Expect, url: str) -> None:
    """Raise when the body contradicts what was asked for.

    Args:
        head: The first bytes of the body (1 KiB is plenty).
        size: The body's size in bytes.
        content_type: The ``Content-Type`` served, if any.
        kind: What was expected (after :func:`expected_kind`).
        url: For the message.

    Raises:
        IntegrityError: An empty body; an HTML page where a data file was expected (by content
            type or first bytes); a workbook that is not a zip archive; a PDF without its
            signature; a CSV that contains NUL bytes or starts like markup.

    Example:
        >>> check_body(b"<html>", 6, "text/html", "csv", "u.csv")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        hmcts_data._errors.IntegrityError: u.csv: expected a CSV file but got an HTML page ...
    """
    if size == 0:
        raise IntegrityError(
            f"{url}: the server sent an empty body. Nothing was cached; try again later or "
            "check that the file still exists.",
            url=url,
        )
    if kind == "any":
        return
    media = (content_type or "").split(";")[0].strip().lower()
    wanted = {
        "csv": "a CSV file",
        "xlsx": "an XLSX workbook",
        "ods": "an ODS spreadsheet",
        "pdf": "a PDF",
        "json": "JSON",
    }[kind]
    problem: str | None = None
    if media in _HTML_TYPES or _looks_like_html(head):
        problem = f"an HTML page ({media or 'no content type'})"
    elif kind in {"xlsx", "ods"} and not head.startswith(_ZIP_MAGIC):
        problem = "a body that is not a zip archive (workbooks are zip files)"
    elif kind == "pdf" and not head.startswith(b"%PDF-"):
        problem = "a body without the %PDF- signature"
    elif kind == "csv" and (b"\x00" in head or head.startswith(_ZIP_MAGIC)):
        problem = "binary content"
    if problem is not None:
        raise IntegrityError(
            f"{url}: expected {wanted} but got {problem}. GOV.UK may be showing an error "
            "page; nothing was cached. Try again later, or check the URL.",
            url=url,
        )


def check_expected(
    size: int,
    sha256: str,
    *,
    expected_size: int | None,
    expected_sha256: str | None,
    url: str,
) -> None:
    """Raise when a size or SHA-256 known in advance does not match the body.

    Raises:
        IntegrityError: The size or hash differs; the message gives both values.

    Example:
        >>> check_expected(3, "ab", expected_size=3, expected_sha256=None, url="u")
    """
    if expected_size is not None and size != expected_size:
        raise IntegrityError(
            f"{url}: expected {expected_size} bytes but received {size}. The file may have "
            "been replaced since its size was recorded; refresh the catalogue. Nothing was "
            "cached.",
            url=url,
        )
    if expected_sha256 is not None and sha256.lower() != expected_sha256.strip().lower():
        raise IntegrityError(
            f"{url}: SHA-256 {sha256} does not match the expected {expected_sha256}. "
            "Nothing was cached.",
            url=url,
        )
