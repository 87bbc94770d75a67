"""Attachments of old GOV.UK pages, read from the links in ``details.body``.

Old pages have no ``details.attachments``; their files appear only as links in the body HTML,
either as block attachments (``<section class="attachment embedded">``) or inline ones
(``<span class="attachment-inline">``), with the file type and size in neighbouring
``<span class="type">`` and ``<span class="file-size">`` elements. Links are kept when their
path contains ``/attachment_data/file/`` or ``/media/``; relative ones are resolved against the
base URL. Only the standard library's HTML parser is used.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

__all__ = ["BodyLink", "body_links", "html_to_text", "parse_size_label"]

_FILE_PATH = re.compile(r"/attachment_data/file/|/media/")
_SIZE = re.compile(r"^\s*([0-9][0-9,]*(?:\.[0-9]+)?)\s*(bytes?|b|kb|mb|gb)\s*$", re.IGNORECASE)
_UNITS = {"b": 1, "byte": 1, "bytes": 1, "kb": 1024, "mb": 1024**2, "gb": 1024**3}


@dataclass
class BodyLink:
    """One attachment link found in a page body.

    Attributes:
        url: Absolute URL.
        title: Link text.
        type_label: The neighbouring type label ("CSV", "MS Excel Spreadsheet"), if any.
        size_label: The neighbouring size label ("2.8KB"), if any.
    """

    url: str
    title: str = ""
    type_label: str | None = None
    size_label: str | None = None


@dataclass
class _Container:
    tag: str
    depth: int
    links: list[BodyLink] = field(default_factory=list)
    type_label: str | None = None
    size_label: str | None = None


class _LinkParser(HTMLParser):
    def __init__(self, base_url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.base_url = base_url
        self.links: list[BodyLink] = []
        self._depth = 0
        self._containers: list[_Container] = []
        self._link: BodyLink | None = None
        self._span: str | None = None
        self._span_text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID:
            return
        self._depth += 1
        values = dict(attrs)
        classes = set((values.get("class") or "").split())
        if (tag == "section" and "attachment" in classes) or (
            tag == "span" and "attachment-inline" in classes
        ):
            self._containers.append(_Container(tag, self._depth))
        elif tag == "a":
            href = (values.get("href") or "").strip()
            if href and _FILE_PATH.search(urlsplit(href).path):
                self._link = BodyLink(url=urljoin(self.base_url + "/", href))
        elif tag == "span" and classes & {"type", "file-size"} and self._containers:
            self._span = "type" if "type" in classes else "file-size"
            self._span_text = []

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID:
            return
        if tag == "a" and self._link is not None:
            link, self._link = self._link, None
            link.title = " ".join(link.title.split())
            if not any(known.url == link.url for known in self.links):
                self.links.append(link)
                if self._containers:
                    self._containers[-1].links.append(link)
        elif tag == "span" and self._span is not None:
            text = " ".join("".join(self._span_text).split()) or None
            if self._containers:
                if self._span == "type":
                    self._containers[-1].type_label = text
                else:
                    self._containers[-1].size_label = text
            self._span = None
        if self._containers and (self._containers[-1].depth, self._containers[-1].tag) == (
            self._depth,
            tag,
        ):
            done = self._containers.pop()
            for link in done.links:
                link.type_label = link.type_label or done.type_label
                link.size_label = link.size_label or done.size_label
        self._depth = max(0, self._depth - 1)

    def handle_data(self, data: str) -> None:
        if self._link is not None:
            self._link.title += data
        if self._span is not None:
            self._span_text.append(data)


_VOID = frozenset({"br", "img", "hr", "meta", "link", "input", "wbr", "source", "col", "area"})


def body_links(body: str, base_url: str) -> list[BodyLink]:
    """Find attachment links in a page body's HTML.

    Args:
        body: The ``details.body`` HTML.
        base_url: What relative links are resolved against (``https://www.gov.uk``).

    Returns:
        The links in page order, each URL once, with the type and size labels of the
        attachment block or inline span they sit in.

    Example:
        >>> html = ('<section class="attachment embedded"><a href="/government/uploads/system/'
        ...         'uploads/attachment_data/file/1/x.csv">X</a><span class="type">CSV</span>, '
        ...         '<span class="file-size">2.8KB</span></section>')
        >>> [(link.url, link.type_label, link.size_label)
        ...  for link in body_links(html, "https://www.gov.uk")]  # doctest: +NORMALIZE_WHITESPACE
        [('https://www.gov.uk/government/uploads/system/uploads/attachment_data/file/1/x.csv',
          'CSV', '2.8KB')]
    """
    parser = _LinkParser(base_url.rstrip("/"))
    parser.feed(body)
    parser.close()
    return parser.links


def parse_size_label(label: str | None) -> int | None:
    """Turn a displayed size ("2.8KB", "640 KB", "1.2MB") into approximate bytes.

    GOV.UK computes these labels with powers of 1024.

    Example:
        >>> parse_size_label("2.8KB"), parse_size_label("640 KB"), parse_size_label("n/a")
        (2867, 655360, None)
    """
    if not label:
        return None
    m = _SIZE.match(label)
    if m is None:
        return None
    number = float(m.group(1).replace(",", ""))
    return round(number * _UNITS[m.group(2).lower()])


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"p", "br", "li", "div"}:
            self.parts.append(" ")


def html_to_text(fragment: str) -> str:
    """Strip tags from an HTML fragment and collapse white space.

    Example:
        >>> html_to_text("<p>This page was <strong>withdrawn</strong>.</p>")
        'This page was withdrawn.'
    """
    parser = _TextParser()
    parser.feed(fragment)
    parser.close()
    return " ".join("".join(parser.parts).split())
