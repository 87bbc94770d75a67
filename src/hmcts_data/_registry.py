"""The publication registry: what each publication is, read from ``publications.toml``.

One data file says what every publication is (id, title, how its GOV.UK pages are recognised or
which finder lists it, status, how its files are read, its fingerprint). Everything else that
names publications derives from it: the catalogue's ids and classification, the parser dispatch
(:func:`hmcts_data.tables.parser_for`), the fingerprints, the CLI's help, the GOV.UK stand-in
of :mod:`hmcts_data.testing` and the docs' tables.

The file is read into plain frozen dataclasses by :func:`hmcts_data._build.build`, the builder
of every data file of the package: each value checked against its annotation, unknown and
missing keys refused, and the rules between fields in each class's ``__post_init__``. The
dataclasses are the one form of these facts; loading costs a TOML parse, no pydantic (the test
suite validates the same classes with pydantic too). A ground-floor module: it imports only the
builder and the errors.
"""

from __future__ import annotations

import calendar
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from typing import Any, Final, Literal

from hmcts_data._build import FactError, build
from hmcts_data._errors import NotFoundError, ParseError

__all__ = [
    "FILE",
    "MONTH_PATTERN",
    "Finder",
    "FingerprintFacts",
    "ListedDate",
    "Pages",
    "Publication",
    "Reading",
    "Registry",
    "Schedule",
    "load_registry",
    "parse_registry",
    "registry",
]

#: The registry's file, packaged beside this module.
FILE: Final = "publications.toml"

_ID = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
_MODULE = re.compile(r"^[a-z_][a-z0-9_]*$")
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
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
        example: The slug of one of its pages, as published: a test checks that it is
            classified as this publication, and the GOV.UK stand-in of
            :mod:`hmcts_data.testing` serves a page there for a publication it has no page
            maker of its own for.
    """

    slug: tuple[str, ...] = ()
    title: tuple[str, ...] = ()
    group: tuple[str, ...] = ()
    precedence: int = 100
    example: str | None = None

    def __post_init__(self) -> None:
        if not (self.slug or self.title or self.group):
            raise ValueError("give at least one pattern (slug, title or group)")
        for pattern in (*self.slug, *self.title, *self.group):
            try:
                re.compile(pattern.replace("{month}", MONTH_PATTERN))
            except re.error as exc:
                raise ValueError(f"{pattern!r} is not a regular expression ({exc})") from None


@dataclass(frozen=True)
class Finder:
    """A GOV.UK finder that lists a publication's documents.

    Attributes:
        base_path: The finder's path (``"/employment-tribunal-decisions"``).
        document_type: The Search API document type of its documents.
    """

    base_path: str
    document_type: str

    def __post_init__(self) -> None:
        if not self.base_path.startswith("/"):
            raise ValueError(f"base_path must be a path starting with '/', got {self.base_path!r}")


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

    def __post_init__(self) -> None:
        if self.parser != "crosswalk" and not _MODULE.match(self.parser):
            raise ValueError(f"parser must be 'crosswalk' or a module name, got {self.parser!r}")
        if not self.crosswalk.endswith(".toml") or "/" in self.crosswalk:
            raise ValueError(f"crosswalk must name a .toml file, got {self.crosswalk!r}")


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

    def __post_init__(self) -> None:
        if not self.periods:
            raise ValueError("periods: name at least one kind of period")
        if not 0 <= self.min_share <= 1:
            raise ValueError("min_share must be between 0 and 1")


@dataclass(frozen=True)
class ListedDate:
    """A release date HMCTS has listed or announced (overrides the rule for its month).

    Attributes:
        date: The day.
        time: The time (``"HH:MM"``, UK civil time) when it differs from the rule's.
        note: Where it was seen.
    """

    date: date
    time: str | None = None
    note: str | None = None

    def __post_init__(self) -> None:
        if self.time is not None and not _TIME.match(self.time):
            raise ValueError(f"time must be HH:MM (24-hour), got {self.time!r}")


@dataclass(frozen=True)
class Schedule:
    """A scheduled publication's release calendar.

    Attributes:
        rule: How release days are chosen when no date is listed (``"second-thursday"``).
        time: The time of day (``"HH:MM"``) in the UK's civil time.
        timezone: The zone of that time (``"Europe/London"``).
        assumed_lag_months: Months between data month and publication, used only when the
            catalogue has no dated release to infer it from.
        source: Where the rule and the listed dates are published.
        listed: Dates HMCTS has listed (at most one a month), in date order.
    """

    rule: Literal["second-thursday"]
    time: str
    timezone: str
    assumed_lag_months: int
    source: str
    listed: tuple[ListedDate, ...] = ()

    def __post_init__(self) -> None:
        if not _TIME.match(self.time):
            raise ValueError(f"time must be HH:MM (24-hour), got {self.time!r}")
        if not 0 <= self.assumed_lag_months <= 6:
            raise ValueError("assumed_lag_months must be between 0 and 6")
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"the time zone {self.timezone!r} is not available: check its name, or install "
                "the time zone database (pip install tzdata)"
            ) from None
        months = Counter((d.date.year, d.date.month) for d in self.listed)
        twice = sorted(f"{y}-{m:02d}" for (y, m), n in months.items() if n > 1)
        if twice:
            raise ValueError(f"more than one listed date in {', '.join(twice)}")
        object.__setattr__(self, "listed", tuple(sorted(self.listed, key=lambda d: d.date)))


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
        calendar: When its releases are expected (scheduled, live publications).
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
    calendar: Schedule | None = None

    def __post_init__(self) -> None:
        if not _ID.match(self.id):
            raise ValueError(f"id {self.id!r}: lower-case words joined by hyphens")
        if self.source == "collection" and self.pages is None:
            raise ValueError("a publication of the collection needs its pages")
        if self.source == "finder" and self.finder is None:
            raise ValueError("a publication of a finder needs its finder")
        if self.kind == "data" and self.source == "collection" and self.read is None:
            raise ValueError("a data publication of the collection needs read")
        if self.read is not None and self.fingerprint is None:
            raise ValueError("a publication whose files are read needs a fingerprint")

    def how_to_get(self) -> str | None:
        """For a document (not data to parse), how to get it; ``None`` for data.

        Example:
            >>> registry().get("user-guide").how_to_get()[:33]
            'A document to read, not data: sav'
        """
        if self.kind != "document":
            return None
        if self.source == "finder":
            return (
                "Documents of a finder: read them with hmcts_data.decisions (finders, search, "
                "harvest) or hmcts-data decisions."
            )
        return (
            "A document to read, not data: save it with "
            f"hmcts_data.catalogue().get({self.id!r}).latest().download(), or find its address "
            f"with hmcts-data catalogue {self.id} (GOV.UK is asked for its page)."
        )


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
                With ``parsed``, a document (the user guide) is one too, whose message
                says how to get it instead.

        Example:
            >>> registry().get("monthly").read.parser
            'monthly'
        """
        found = self.publication.get(publication)
        if found is not None and parsed and found.read is None and found.kind == "document":
            # Not "unknown": the catalogue lists it. Not data either: say how to get it.
            error = NotFoundError("data publication", publication, self.ids(parsed=True))
            error.args = (
                f"{publication!r} is the {found.title}, a document: load() and read() parse "
                f"data. {found.how_to_get()}",
            )
            raise error
        if found is None or (parsed and found.read is None):
            raise NotFoundError("publication", publication, self.ids(parsed=parsed))
        return found


def parse_registry(raw: dict[str, Any]) -> Registry:
    """Build the registry from a parsed registry file, every entry checked.

    Raises:
        FactError: An entry is malformed; the message names it.

    Example:
        >>> parse_registry({"publication": {}})
        Traceback (most recent call last):
        hmcts_data._build.FactError: missing keys ['collection_url', ...]
    """
    entries = raw.get("publication")
    if isinstance(entries, dict):
        # Each entry's id is its table's name.
        named = {k: {"id": k, **v} if isinstance(v, dict) else v for k, v in entries.items()}
        raw = {**raw, "publication": named}
    return build(Registry, raw)


def load_registry(text: str, file: str = FILE) -> Registry:
    """Parse and check the text of a registry file.

    Raises:
        ParseError: Not TOML, or an entry is malformed (the message names it and the file).
    """
    import tomllib

    try:
        return parse_registry(tomllib.loads(text))
    except (tomllib.TOMLDecodeError, FactError) as exc:
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
