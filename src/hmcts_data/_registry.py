"""The publication registry: what each publication is, read from ``publications.toml``.

One data file says what every publication is (id, title, how its GOV.UK pages are recognised or
which finder lists it, status, how its files are read, its fingerprint). Everything else that
names publications derives from it: the catalogue's ids and classification, the parser dispatch
(:func:`hmcts_data.tables.parser_for`), the fingerprints, the CLI's help, the GOV.UK stand-in
of :mod:`hmcts_data.testing` and the docs' tables.

The file is read into plain frozen dataclasses and checked by :func:`build` against their own
annotations (unknown and missing keys, types, allowed values) plus the rules between fields:
the dataclasses are the one form of these facts, and loading costs a TOML parse, no pydantic.
This module sits on the ground floor: it imports nothing of the package but its errors.
"""

from __future__ import annotations

import calendar
import re
import types
import typing
from dataclasses import MISSING, dataclass, fields, is_dataclass
from functools import cache
from importlib import resources
from typing import Any, Final, Literal, TypeVar, Union, get_args, get_origin, get_type_hints

from hmcts_data._errors import NotFoundError, ParseError

__all__ = [
    "FILE",
    "MONTH_PATTERN",
    "Finder",
    "FingerprintFacts",
    "Pages",
    "Publication",
    "Reading",
    "Registry",
    "build",
    "load_registry",
    "parse_registry",
    "registry",
]

#: The registry's file, packaged beside this module.
FILE: Final = "publications.toml"

_ID = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
_MODULE = re.compile(r"^[a-z_][a-z0-9_]*$")
_MONTH_NAMES = sorted(
    {n.lower() for n in (*calendar.month_name[1:], *calendar.month_abbr[1:], "Sept")},
    key=len,
    reverse=True,
)
#: What ``{month}`` stands for in a page pattern: an English month name or abbreviation.
MONTH_PATTERN: Final = "(?:" + "|".join(_MONTH_NAMES) + ")"
PeriodKind = Literal["day", "week", "month", "quarter", "year"]


@dataclass(frozen=True)
class Pages:
    """How discovery recognises a GOV.UK page of a publication (regular expressions).

    Attributes:
        slug: Searched in the page's slug, lower case.
        title: Searched in the page's title as lower-case words.
        group: Searched in the title of the collection group listing the page, as words.
        precedence: A page matching several publications goes to the lowest.
    """

    slug: tuple[str, ...] = ()
    title: tuple[str, ...] = ()
    group: tuple[str, ...] = ()
    precedence: int = 100


@dataclass(frozen=True)
class Finder:
    """A GOV.UK finder that lists a publication's documents.

    Attributes:
        base_path: The finder's path (``"/employment-tribunal-decisions"``).
        document_type: The Search API document type of its documents.
    """

    base_path: str
    document_type: str


@dataclass(frozen=True)
class Reading:
    """How a publication's files are read.

    Attributes:
        parser: ``"crosswalk"`` (read by :func:`hmcts_data.read_tables`, labels mapped by the
            crosswalk), or a module of ``hmcts_data.tables`` with its own ``parse``.
        crosswalk: Its crosswalk fact file in ``hmcts_data.tables``.
    """

    parser: str
    crosswalk: str


@dataclass(frozen=True)
class FingerprintFacts:
    """What a publication's files look like (see :mod:`hmcts_data.tables._fingerprint`).

    Attributes:
        evidence: ``"observed"`` (files seen) or ``"inferred"``.
        periods: Kinds of period its files may hold.
        measures: Measures its files are known to report (part of its signature).
        breakdowns: Breakdowns its files are known to report (part of its signature).
        min_known: Monthly MI only: labels its exact crosswalk must know.
        min_share: Monthly MI only: share of labels its exact crosswalk must know.
    """

    evidence: Literal["observed", "inferred"]
    periods: tuple[PeriodKind, ...]
    measures: tuple[str, ...] = ()
    breakdowns: tuple[str, ...] = ()
    min_known: int = 0
    min_share: float = 0.0


@dataclass(frozen=True)
class Publication:
    """One publication of the registry.

    Attributes:
        id: The id users type (``"monthly"``).
        title: Its title, for people.
        description: What it holds.
        kind: ``"data"`` or ``"document"`` (read it, do not parse it).
        frequency: How often releases appeared, in words.
        status: ``"live"`` or ``"ended"``.
        in_collection: Whether a source says its pages belong to the HMCTS MI collection.
        note: What is known and unknown.
        source: ``"collection"`` (pages of the MI collection and the Search API, told apart
            by :attr:`pages`) or ``"finder"`` (a GOV.UK finder: :attr:`finder`).
        release_month_is_data_month: Whether the page names the file's newest data month.
        pages: How its pages are recognised (source ``"collection"``).
        finder: Its finder (source ``"finder"``).
        read: How its files are read (data publications of the collection).
        fingerprint: What its files look like (data publications of the collection).
    """

    id: str
    title: str
    description: str
    kind: Literal["data", "document"]
    frequency: str
    status: Literal["live", "ended"]
    in_collection: bool
    note: str | None = None
    source: Literal["collection", "finder"] = "collection"
    release_month_is_data_month: bool = False
    pages: Pages | None = None
    finder: Finder | None = None
    read: Reading | None = None
    fingerprint: FingerprintFacts | None = None


@dataclass(frozen=True)
class Registry:
    """The whole registry: collection-wide facts and every publication, in display order.

    Attributes:
        collection_url: The HMCTS MI collection on GOV.UK.
        collection_path: Its base path.
        about_url: HMCTS's statistics page.
        licence: The licence of every publication.
        licence_url: Where the licence is.
        publication: Publication id -> entry, in display order.
    """

    collection_url: str
    collection_path: str
    about_url: str
    licence: str
    licence_url: str
    publication: dict[str, Publication]

    def ids(self, *, source: str | None = None, parsed: bool = False) -> tuple[str, ...]:
        """Publication ids in display order.

        Args:
            source: Only publications found this way (``"collection"``, ``"finder"``).
            parsed: Only publications whose files are parsed (those with :attr:`Publication.read`).

        Example:
            >>> registry().ids(parsed=True)[0]
            'monthly'
        """
        return tuple(
            pid
            for pid, p in self.publication.items()
            if (source is None or p.source == source) and (not parsed or p.read is not None)
        )

    def get(self, publication: str, *, parsed: bool = False) -> Publication:
        """The entry of ``publication``.

        Raises:
            NotFoundError: No such publication (or none whose files are parsed), with
                suggestions.

        Example:
            >>> registry().get("monthly").read.parser
            'monthly'
        """
        found = self.publication.get(publication)
        if found is None or (parsed and found.read is None):
            raise NotFoundError("publication", publication, self.ids(parsed=parsed))
        return found


_T = TypeVar("_T")


def build(cls: type[_T], data: Any, where: str) -> _T:
    """Build the dataclass ``cls`` from TOML-shaped ``data``, checked against its annotations.

    Handles ``str``, ``bool``, ``int``, ``float``, ``Literal``, ``X | None``, ``tuple[X, ...]``,
    ``dict[str, X]`` and nested dataclasses; a field with a default may be left out.

    Args:
        cls: The dataclass.
        data: The parsed TOML table.
        where: Where the table is, for messages (``"[publication.monthly]"``).

    Returns:
        The instance.

    Raises:
        ValueError: A key is unknown or missing, or a value has the wrong type or is not
            allowed; the message names the key.

    Example:
        >>> build(Finder, {"base_path": "/x", "document_type": "y"}, "[f]").base_path
        '/x'
        >>> build(Finder, {"base_path": "/x"}, "[f]")
        Traceback (most recent call last):
        ValueError: [f]: document_type is missing
    """
    if not isinstance(data, dict):
        raise ValueError(f"{where} must be a table")
    hints = _hints(cls)
    known = {f.name for f in fields(cls)}  # type: ignore[arg-type]
    unknown = sorted(set(data) - known)
    if unknown:
        raise ValueError(f"{where}: unknown key(s) {unknown}; known: {sorted(known)}")
    values = {}
    for f in fields(cls):  # type: ignore[arg-type]
        if f.name in data:
            values[f.name] = _value(hints[f.name], data[f.name], f"{where} {f.name}")
        elif f.default is MISSING and f.default_factory is MISSING:
            raise ValueError(f"{where}: {f.name} is missing")
    return cls(**values)


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    # Resolved once per class (the annotations are strings under postponed evaluation).
    if cls not in _HINTS:
        _HINTS[cls] = get_type_hints(cls)
    return _HINTS[cls]


def _value(hint: Any, value: Any, where: str) -> Any:
    origin, args = get_origin(hint), get_args(hint)
    if origin in (Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        (inner,) = [a for a in args if a is not type(None)]
        return _value(inner, value, where)
    if origin is Literal:
        if value not in args:
            raise ValueError(f"{where} must be one of {list(args)}, not {value!r}")
        return value
    if origin is tuple:
        if not isinstance(value, list):
            raise ValueError(f"{where} must be a list")
        return tuple(_value(args[0], v, where) for v in value)
    if origin is dict:
        if not isinstance(value, dict):
            raise ValueError(f"{where} must be a table")
        return {k: _value(args[1], v, f"{where}.{k}") for k, v in value.items()}
    if is_dataclass(hint):
        return build(typing.cast(type, hint), value, where)
    if hint is float and isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if not isinstance(value, hint) or (hint is int and isinstance(value, bool)):
        raise ValueError(f"{where} must be {hint.__name__}, not {type(value).__name__}")
    return value


def parse_registry(raw: dict[str, Any]) -> Registry:
    """Check a parsed registry file and build it (the rules between fields included).

    Raises:
        ValueError: An entry is malformed; the message names it.

    Example:
        >>> parse_registry({"publication": {}})
        Traceback (most recent call last):
        ValueError: [registry]: collection_url is missing
    """
    entries = raw.get("publication")
    if isinstance(entries, dict):
        raw = {
            **raw,
            "publication": {
                pid: {"id": pid, **entry} if isinstance(entry, dict) else entry
                for pid, entry in entries.items()
            },
        }
    found = build(Registry, raw, "[registry]")
    for pid, p in found.publication.items():
        _check(pid, p)
    return found


def _check(pid: str, p: Publication) -> None:
    where = f"[publication.{pid}]"
    if not _ID.match(pid):
        raise ValueError(f"{where}: an id is lower-case words joined by hyphens")
    if p.source == "collection" and p.pages is None:
        raise ValueError(f"{where}: a publication of the collection needs [pages]")
    if p.source == "finder" and p.finder is None:
        raise ValueError(f"{where}: a publication of a finder needs [finder]")
    if p.pages is not None:
        for pattern in (*p.pages.slug, *p.pages.title, *p.pages.group):
            try:
                re.compile(pattern.replace("{month}", MONTH_PATTERN))
            except re.error as exc:
                raise ValueError(f"{where} pages: {pattern!r} is no pattern ({exc})") from None
    if p.kind == "data" and p.source == "collection" and p.read is None:
        raise ValueError(f"{where}: a data publication of the collection needs [read]")
    if p.read is not None:
        if p.read.parser != "crosswalk" and not _MODULE.match(p.read.parser):
            raise ValueError(f"{where} read.parser: 'crosswalk' or a module name")
        if p.fingerprint is None:
            raise ValueError(f"{where}: a publication whose files are read needs [fingerprint]")
    if p.fingerprint is not None:
        if not p.fingerprint.periods:
            raise ValueError(f"{where} fingerprint.periods: name at least one kind of period")
        if not 0 <= p.fingerprint.min_share <= 1:
            raise ValueError(f"{where} fingerprint.min_share must be between 0 and 1")


def load_registry(text: str, file: str = FILE) -> Registry:
    """Parse and check the text of a registry file.

    Raises:
        ParseError: Not TOML, or an entry is malformed (the message names it and the file).
    """
    import tomllib

    try:
        return parse_registry(tomllib.loads(text))
    except (tomllib.TOMLDecodeError, ValueError) as exc:
        raise ParseError(
            f"The publication registry {file} is invalid: {exc}. Fix the entry (or reinstall "
            "hmcts-data).",
            file=file,
        ) from None


@cache
def registry() -> Registry:
    """The packaged publication registry, loaded and checked once.

    Raises:
        ParseError: The packaged file is missing or malformed (a packaging bug).

    Example:
        >>> registry().publication["monthly"].status
        'live'
    """
    ref = resources.files("hmcts_data").joinpath(FILE)
    try:
        text = ref.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ParseError(
            f"The packaged {FILE} cannot be read ({exc}). Reinstall hmcts-data.", file=FILE
        ) from None
    return load_registry(text)
