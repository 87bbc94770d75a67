"""Typed, sourced access-route facts: the models ``routes.toml`` is validated into.

Every fact (a step, a form, a contact, a fee, a line of what a route covers ...) is a
:class:`Sourced` object: it carries a :class:`Confidence`, a ``dated`` flag and the ids of the
sources it comes from. Renderers only ever show a fact through :meth:`Sourced.tagged`, so a fact
cannot be printed without its confidence tag.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from datetime import date
from enum import StrEnum
from typing import Annotated, ClassVar, Protocol
from urllib.parse import urlsplit

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from hmcts_data._display import model_html
from hmcts_data._errors import ConfigurationError

__all__ = [
    "AccessRoute",
    "Confidence",
    "Contact",
    "ContactKind",
    "DataFirstDataset",
    "Fact",
    "Fee",
    "Form",
    "Link",
    "OtherSource",
    "Platform",
    "PlatformOffer",
    "RouteBook",
    "RouteKind",
    "RouteRenderer",
    "Source",
    "Sourced",
    "Step",
    "Suggestion",
    "SuggestionRule",
    "Timescale",
    "Track",
]

_ID = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
_ALIAS = re.compile(r"^[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*$")
_EMAIL = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+$")

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
RouteId = Annotated[str, StringConstraints(pattern=_ID.pattern)]


def check_https(url: str) -> str:
    """Return ``url`` unchanged if it is an absolute https URL with a host, else raise.

    Args:
        url: The URL to check.

    Returns:
        The same URL.

    Raises:
        ValueError: The URL is not https, has no host, or contains whitespace.

    Example:
        >>> check_https("https://www.gov.uk/")
        'https://www.gov.uk/'
    """
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname or "." not in parts.hostname:
        raise ValueError(f"not an absolute https URL: {url!r}")
    if any(ch.isspace() for ch in url):
        raise ValueError(f"URL contains whitespace: {url!r}")
    return url


HttpsUrl = Annotated[str, StringConstraints(strip_whitespace=True)]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", use_enum_values=False)

    def _repr_html_(self) -> str:
        # Every fact model shows as a field/value table in Jupyter; AccessRoute has its own.
        return model_html(self, type(self).__name__)


class Confidence(StrEnum):
    """How sure the library is of a fact.

    Attributes:
        OFFICIAL: Verified on an official page (GOV.UK, judiciary.uk, legislation.gov.uk, TNA,
            ONS, ADR UK, SAIL, an HMCTS/MoJ repository) or a faithful dated mirror of one.
        SECONDARY: From a reputable secondary source (law firm, legal press, procurement record,
            supplier); check the official page before relying on it.
        UNVERIFIED: An inference or background knowledge not found in any source; must be
            checked before use.
    """

    OFFICIAL = "official"
    SECONDARY = "secondary"
    UNVERIFIED = "unverified"


class Sourced(_Frozen):
    """Base of every fact: a confidence, a ``dated`` flag and the ids of its sources.

    Attributes:
        confidence: How sure the library is of the fact.
        dated: True when the only source is old (2013 to 2022) or known to be superseded.
        sources: Ids of entries in the data file's ``[sources]`` table (at least one).
    """

    confidence: Confidence
    dated: bool = False
    sources: tuple[Text, ...] = Field(min_length=1)

    @property
    def tag(self) -> str:
        """The confidence tag as shown to people, e.g. ``[official][dated]``.

        Example:
            >>> Fact(text="x", confidence="unverified", sources=("notes",)).tag
            '[unverified]'
        """
        return f"[{self.confidence.value}]" + ("[dated]" if self.dated else "")

    def display(self) -> str:
        """The fact as one line of text, without its tag (subclasses override)."""
        raise NotImplementedError

    def tagged(self) -> str:
        """The fact followed by its confidence tag: the only way renderers show a fact.

        Example:
            >>> Fact(text="Free.", confidence="secondary", sources=("notes",)).tagged()
            'Free. [secondary]'
        """
        return f"{self.display()} {self.tag}"


class Fact(Sourced):
    """A sourced statement of free text (what a route covers, a criterion, a legal basis ...).

    Attributes:
        text: The statement.

    Example:
        >>> Fact(text="Apply by email.", confidence="official", sources=("dap",)).tagged()
        'Apply by email. [official]'
    """

    text: Text

    def display(self) -> str:
        """Return the statement."""
        return self.text


class Source(_Frozen):
    """Where facts come from: a page, document or record, and how authoritative it is.

    Attributes:
        title: Title of the page or document.
        url: Its https URL, where it has one (printed forms and notes may not).
        publisher: Who published it.
        published: Date of publication or last update, where known.
        seen: Date the content was seen (for mirrors and copies), where known.
        confidence: ``official`` for official pages and faithful mirrors, else ``secondary``;
            ``unverified`` only for the project's own research notes.
        dated: True when the source is old or superseded.
        note: Anything a reader must know about the copy used.
    """

    title: Text
    url: HttpsUrl | None = None
    publisher: Text | None = None
    published: date | None = None
    seen: date | None = None
    confidence: Confidence
    dated: bool = False
    note: Text | None = None

    @field_validator("url")
    @classmethod
    def _https(cls, value: str | None) -> str | None:
        return None if value is None else check_https(value)


class Step(Sourced):
    """One step of a route, in order.

    Attributes:
        order: 1-based position; a route's steps are contiguous from 1 within each track.
        action: What to do.
        detail: More about it, where useful.
        track: Which variant of the route the step belongs to (``""`` for the main one; Data
            First has ``ons-srs``, ``sail`` and ``moj-dfe``).
        optional: True for a step that can be taken at any point or skipped.
    """

    order: int = Field(ge=1)
    action: Text
    detail: Text | None = None
    track: str = ""
    optional: bool = False

    def display(self) -> str:
        """Return the action, then its detail."""
        return self.action if self.detail is None else f"{self.action} ({self.detail})"


class Form(Sourced):
    """A form or guidance document a route uses.

    Attributes:
        code: The form's code (``EX107``), where it has one.
        name: Its title.
        url: Where to get it, where a URL is known.
    """

    code: Text | None = None
    name: Text
    url: HttpsUrl | None = None

    @field_validator("url")
    @classmethod
    def _https(cls, value: str | None) -> str | None:
        return None if value is None else check_https(value)

    def display(self) -> str:
        """Return code, name and URL."""
        head = f"{self.code}: {self.name}" if self.code else self.name
        return head if self.url is None else f"{head} <{self.url}>"


class ContactKind(StrEnum):
    """How to reach a contact."""

    EMAIL = "email"
    POST = "post"
    WEB = "web"


class Contact(Sourced):
    """An email address, postal address or web form.

    Attributes:
        kind: email, post or web.
        value: The address or URL.
        label: Who it reaches, where useful.
    """

    kind: ContactKind
    value: Text
    label: Text | None = None

    @field_validator("value")
    @classmethod
    def _value(cls, value: str, info: ValidationInfo) -> str:
        kind = info.data.get("kind")
        if kind == ContactKind.EMAIL and not _EMAIL.match(value):
            raise ValueError(f"not an email address: {value!r}")
        if kind == ContactKind.WEB:
            check_https(value)
        return value

    def display(self) -> str:
        """Return kind, value and label."""
        text = f"{self.kind.value}: {self.value}"
        return text if self.label is None else f"{text} ({self.label})"


class Timescale(Sourced):
    """How long something takes.

    Attributes:
        what: What the time is for.
        value: The time, as published (``8 to 12 weeks``).
    """

    what: Text
    value: Text

    def display(self) -> str:
        """Return what and how long."""
        return f"{self.what}: {self.value}"


class Fee(Sourced):
    """A fee or charge, or the statement that there is none.

    Attributes:
        what: What the fee is for.
        amount: The amount as published (``none``, ``£0.74 to £2.30 per folio``).
        waiver: Help with the fee or exemption, where there is one.
    """

    what: Text
    amount: Text
    waiver: Text | None = None

    def display(self) -> str:
        """Return what, amount and any waiver."""
        text = f"{self.what}: {self.amount}"
        return text if self.waiver is None else f"{text}; help: {self.waiver}"


class Link(Sourced):
    """A labelled URL.

    Attributes:
        label: What the page is.
        url: The https URL (the confidence says whether the URL itself is verified).
    """

    label: Text
    url: HttpsUrl

    @field_validator("url")
    @classmethod
    def _https(cls, value: str) -> str:
        return check_https(value)

    def display(self) -> str:
        """Return label and URL."""
        return f"{self.label} <{self.url}>"


class Track(_Frozen):
    """A variant of a route with its own steps (Data First through ONS SRS or SAIL).

    Attributes:
        id: Short id used by the steps' ``track`` field.
        label: Heading shown above the track's steps.
    """

    id: RouteId
    label: Text


class RouteKind(StrEnum):
    """What sort of route it is."""

    APPLICATION = "application"
    REQUEST = "request"
    LICENCE = "licence"
    RULES = "rules"
    PUBLICATION = "publication"
    GOVERNANCE = "governance"


class RouteRenderer(Protocol):
    """How a route shows itself: the renderer of the book it was loaded from.

    The loader hands one to every route of a book, bound to that book's source table and review
    date, so a model never reaches up for the book that holds it.
    """

    def checklist(self, route: AccessRoute) -> str:
        """The route as a terminal checklist."""
        ...

    def markdown(self, route: AccessRoute) -> str:
        """The route as a Markdown section."""
        ...

    def html(self, route: AccessRoute) -> str:
        """The route as an HTML fragment."""
        ...


class AccessRoute(_Frozen):
    """One way to get court and tribunal data or records, as sourced, checkable facts.

    Attributes:
        id: Stable hyphenated id users type (``data-access-panel``).
        aliases: Other accepted ids (the reference's snake_case ids, abbreviations).
        name: Display name.
        kind: application, request, licence, rules, publication or governance.
        operator: Who runs or decides the route.
        geography: Where it applies, where stated.
        purpose: What it is for.
        covers: Which data or records are in scope.
        who_can_apply: Eligible applicants.
        steps: Ordered steps (contiguous from 1 within each track).
        required_information: What an application must contain.
        decision_criteria: How requests are judged.
        forms: Forms and guidance.
        contacts: Email, post and web contacts.
        timescales: How long it takes.
        fees: Fees and charges.
        legal_basis: Statutes, rules and agreements.
        related_routes: Ids of related routes (checked to exist at load).
        links: Pages about the route.
        notes: Other sourced facts (history, suppliers, systems).
        caveats: The project's own advice to the reader (not facts; no sources).
        sources: Ids of the sources the route as a whole rests on.
        tracks: The step tracks other than the main one, with their labels.

    Example:
        >>> from hmcts_data import routes
        >>> routes.get("data-access-panel").kind.value
        'application'
    """

    id: RouteId
    aliases: tuple[Annotated[str, StringConstraints(pattern=_ALIAS.pattern)], ...] = ()
    name: Text
    kind: RouteKind
    operator: Fact
    geography: Fact | None = None
    purpose: tuple[Fact, ...] = Field(min_length=1)
    covers: tuple[Fact, ...] = ()
    who_can_apply: tuple[Fact, ...] = ()
    steps: tuple[Step, ...] = ()
    required_information: tuple[Fact, ...] = ()
    decision_criteria: tuple[Fact, ...] = ()
    forms: tuple[Form, ...] = ()
    contacts: tuple[Contact, ...] = ()
    timescales: tuple[Timescale, ...] = ()
    fees: tuple[Fee, ...] = ()
    legal_basis: tuple[Fact, ...] = ()
    related_routes: tuple[RouteId, ...] = ()
    links: tuple[Link, ...] = ()
    notes: tuple[Fact, ...] = ()
    caveats: tuple[Text, ...] = ()
    sources: tuple[Text, ...] = Field(min_length=1)
    tracks: tuple[Track, ...] = ()

    # Handed over by the loader (bind); not a field, so it is neither dumped nor compared.
    _renderer: ClassVar[RouteRenderer | None] = None

    def bind(self, renderer: RouteRenderer) -> None:
        """Give the route the renderer of the book that holds it (the loader calls this)."""
        object.__setattr__(self, "_renderer", renderer)

    def _shown_by(self) -> RouteRenderer:
        if self._renderer is None:
            raise ConfigurationError(
                f"Access route {self.id!r} was built by hand, not loaded from a route book, so "
                "its sources cannot be shown: take it from routes.get() or load_file()."
            )
        return self._renderer

    @field_validator("steps")
    @classmethod
    def _contiguous(cls, steps: tuple[Step, ...]) -> tuple[Step, ...]:
        tracks: dict[str, list[int]] = {}
        for step in steps:
            tracks.setdefault(step.track, []).append(step.order)
        for track, orders in tracks.items():
            expected = list(range(1, len(orders) + 1))
            if orders != expected:
                name = repr(track) if track else "the main track"
                raise ValueError(
                    f"step orders in {name} must run 1, 2, 3 ... in file order; got {orders}"
                )
        return steps

    @model_validator(mode="after")
    def _tracks_declared(self) -> AccessRoute:
        declared = {t.id for t in self.tracks}
        for i, step in enumerate(self.steps):
            if step.track and step.track not in declared:
                raise ValueError(
                    f"steps[{i}].track {step.track!r} is not declared in 'tracks' "
                    f"(declared: {sorted(declared)})"
                )
        return self

    def track_label(self, track: str) -> str:
        """Return the heading of a step track (``""`` is the main track, labelled "Steps")."""
        return next((t.label for t in self.tracks if t.id == track), "Steps")

    def facts(self) -> Iterator[tuple[str, Sourced]]:
        """Yield every fact of the route with its field path (``steps[2]``).

        Returns:
            An iterator of ``(field path, fact)`` pairs in display order.

        Example:
            >>> from hmcts_data import routes
            >>> path, fact = next(routes.get("transcripts").facts())
            >>> path
            'operator'
        """
        yield "operator", self.operator
        if self.geography is not None:
            yield "geography", self.geography
        for name in _FACT_FIELDS:
            for i, item in enumerate(getattr(self, name)):
                yield f"{name}[{i}]", item

    def primary_email(self) -> Contact | None:
        """Return the route's first email contact, or ``None`` when it has none.

        Example:
            >>> from hmcts_data import routes
            >>> routes.get("data-access-panel").primary_email().value
            'dataaccesspanel@justice.gov.uk'
        """
        return next((c for c in self.contacts if c.kind is ContactKind.EMAIL), None)

    def checklist(self) -> str:
        """Render the route as a terminal checklist, every fact with its confidence tag.

        Returns:
            Plain text: numbered steps, forms, contacts, timescales, fees, links and sources.

        Example:
            >>> from hmcts_data import routes
            >>> routes.get("transcripts").checklist().splitlines()[0]
            'Court or tribunal hearing transcript (transcripts)'
        """
        return self._shown_by().checklist(self)

    def markdown(self) -> str:
        """Render the route as a Markdown section (used by the generated docs page).

        Example:
            >>> from hmcts_data import routes
            >>> routes.get("data-first").markdown().startswith('<a id="data-first">')
            True
        """
        return self._shown_by().markdown(self)

    def __repr__(self) -> str:
        return f"<AccessRoute {self.id}: {self.name} ({self.kind})>"

    def _repr_html_(self) -> str:
        if self._renderer is None:
            return super()._repr_html_()
        return self._renderer.html(self)

    def __str__(self) -> str:
        return repr(self) if self._renderer is None else self._renderer.checklist(self)


_FACT_FIELDS: tuple[str, ...] = (
    "purpose",
    "covers",
    "who_can_apply",
    "steps",
    "required_information",
    "decision_criteria",
    "forms",
    "contacts",
    "timescales",
    "fees",
    "legal_basis",
    "links",
    "notes",
)


class Platform(StrEnum):
    """Trusted research environments that host Data First datasets."""

    ONS_SRS = "ons-srs"
    SAIL = "sail"

    @property
    def label(self) -> str:
        """Display name of the platform."""
        return {"ons-srs": "ONS Secure Research Service", "sail": "SAIL Databank"}[self.value]


class PlatformOffer(Sourced):
    """A platform a dataset is available on, with how sure that is.

    Attributes:
        platform: The platform.
        detail: Extra detail (release date, catalogue entry).
    """

    platform: Platform
    detail: Text | None = None

    def display(self) -> str:
        """Return the platform name and detail."""
        label = self.platform.label
        return label if self.detail is None else f"{label} ({self.detail})"


class DataFirstDataset(Sourced):
    """One MoJ Data First dataset.

    Attributes:
        id: Stable id (``df-magistrates``).
        name: Dataset name.
        source_system: Administrative system it is extracted from.
        coverage: Period covered.
        unit: Unit of observation (defendant, case, person ...).
        platforms: Where it can be accessed.
        access: How to get access.
        notes: Contents, exclusions, release dates.

    The dataset's own ``confidence`` says whether it is confirmed to exist at all.

    Example:
        >>> from hmcts_data import routes
        >>> [d.id for d in routes.data_first_datasets()][:2]
        ['df-magistrates', 'df-crown-court']
    """

    id: RouteId
    name: Text
    source_system: Fact | None = None
    coverage: Fact | None = None
    unit: Fact | None = None
    platforms: tuple[PlatformOffer, ...] = ()
    access: tuple[Fact, ...] = ()
    notes: tuple[Fact, ...] = ()

    def display(self) -> str:
        """Return the dataset's name."""
        return self.name

    def facts(self) -> Iterator[tuple[str, Sourced]]:
        """Yield the dataset itself and each of its facts with a field path."""
        yield "dataset", self
        for name in ("source_system", "coverage", "unit"):
            value = getattr(self, name)
            if value is not None:
                yield name, value
        for name in ("platforms", "access", "notes"):
            for i, item in enumerate(getattr(self, name)):
                yield f"{name}[{i}]", item


class OtherSource(Sourced):
    """Another source of court and tribunal information (listings, decisions, statistics).

    Attributes:
        id: Stable id (``find-case-law``).
        name: Display name.
        what: What it offers.
        links: Its URLs, each with its own confidence.
        contacts: Contacts, where published.
        route: Id of the access route that describes it in full, where there is one.
        finder: Where it is one of the GOV.UK decisions finders, its id: search it with
            ``hmcts_data.decisions.search(finder)``, fetch it all with
            ``hmcts_data.decisions.harvest(finder)``.

    Example:
        >>> from hmcts_data import routes
        >>> "find-case-law" in {s.id for s in routes.other_sources()}
        True
        >>> et = next(s for s in routes.other_sources() if s.id == "et-decisions")
        >>> et.read_with
        'hmcts_data.decisions.harvest("employment-tribunal-decisions")'
    """

    id: RouteId
    name: Text
    what: Text
    links: tuple[Link, ...] = ()
    contacts: tuple[Contact, ...] = ()
    route: RouteId | None = None
    finder: RouteId | None = None

    @property
    def read_with(self) -> str | None:
        """The call that fetches it as a frame, where it is a decisions finder."""
        if self.finder is None:
            return None
        return f'hmcts_data.decisions.harvest("{self.finder}")'

    def display(self) -> str:
        """Return the name and what it offers."""
        return f"{self.name}: {self.what}"

    def facts(self) -> Iterator[tuple[str, Sourced]]:
        """Yield the entry itself and each link and contact with a field path."""
        yield "source", self
        for i, link in enumerate(self.links):
            yield f"links[{i}]", link
        for i, contact in enumerate(self.contacts):
            yield f"contacts[{i}]", contact


class SuggestionRule(_Frozen):
    """A rule of the ``suggest()`` table: phrases in a need that point at a route.

    Attributes:
        route: Route id the rule points at.
        phrases: Lower-case phrases; each one found in the need adds to the score.
        reason: Why the route fits, shown to the user.
    """

    route: RouteId
    phrases: tuple[Text, ...] = Field(min_length=1)
    reason: Text


class Suggestion(_Frozen):
    """A route that fits a stated need, and why.

    Attributes:
        route: The route.
        reason: Why it fits.
        matched: The phrases of the need that matched.
        score: Ranking score (higher is better).

    Example:
        >>> from hmcts_data import routes
        >>> routes.suggest("a transcript of my hearing")[0].route.id
        'transcripts'
    """

    route: AccessRoute
    reason: Text
    matched: tuple[str, ...] = ()
    score: float = Field(ge=0)

    def __str__(self) -> str:
        return f"{self.route.id}: {self.reason}"


class RouteBook(BaseModel):
    """Everything in ``routes.toml``: sources, routes, Data First datasets, other sources, rules.

    Attributes:
        last_reviewed: When the facts were last checked against the research notes.
        reviewed_against: What they were checked against.
        sources: Source id -> source.
        route: The access routes, in file order.
        dataset: The Data First datasets.
        other_source: The other sources of court and tribunal information.
        suggestion: The ``suggest()`` rule table.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    last_reviewed: date
    reviewed_against: Text
    sources: Mapping[str, Source]
    route: tuple[AccessRoute, ...] = Field(min_length=1)
    dataset: tuple[DataFirstDataset, ...] = ()
    other_source: tuple[OtherSource, ...] = ()
    suggestion: tuple[SuggestionRule, ...] = ()

    def route_ids(self) -> list[str]:
        """Return every route id in file order."""
        return [r.id for r in self.route]
