"""The six tribunal-decision finders as typed models, from packaged facts or their live pages.

The facts (``finders.toml`` beside this module) say which pages belong to a finder (its
document type), how its facets are keyed and which values each allows. A finder's live Content
API page (``/api/content/<base path>``) carries the same facets; ``finders(refresh=True)`` reads
them from there, so a value GOV.UK added later is known without a new release of the library.
"""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Iterable, Sequence
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, PrivateAttr, ValidationError

from hmcts_data._errors import ConfigurationError, NotFoundError, ParseError

if TYPE_CHECKING:
    from hmcts_data._client import Client

__all__ = [
    "Facet",
    "FacetValue",
    "Finder",
    "SearchFacts",
    "finder",
    "finders",
    "search_facts",
]

_PACKAGED = "finders.toml"

#: The attribute of a decision each facet fills.
FieldName = Literal[
    "categories", "sub_categories", "country", "judges", "landmark", "reference_number",
    "decision_date",
]  # fmt: skip


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class FacetValue(_Frozen):
    """One allowed value of a facet: a slug (the identifier) and a label (for people).

    Attributes:
        slug: What the Search API filters on and returns, e.g. ``"unfair-dismissal"``. Slugs are
            identifiers: one is misspelt upstream (``"renumeration"``) and is kept as published.
        label: What the finder shows, e.g. ``"Unfair Dismissal"``.

    Example:
        >>> FacetValue(slug="scotland", label="Scotland").slug
        'scotland'
    """

    slug: str
    label: str


class Facet(_Frozen):
    """One facet of a finder: a key in the Search API and on decision pages, and its values.

    Attributes:
        key: The key GOV.UK uses (``"tribunal_decision_categories"``; some finders use the
            singular ``"tribunal_decision_category"``).
        field: The :class:`Decision` attribute it fills (``"categories"``, ``"country"`` ...),
            the same for every finder; also the keyword :func:`search` takes.
        name: The finder's own name for it (``"Jurisdiction code"``).
        type: ``"text"`` or ``"date"``.
        filterable: Whether the finder page offers it as a filter.
        multiple: Whether a decision can have several values.
        values: The allowed values, in the finder's order (empty for free text and dates).

    Example:
        >>> from hmcts_data import decisions
        >>> facet = decisions.finder("employment-tribunal").facet("categories")
        >>> facet.name, facet.key
        ('Jurisdiction code', 'tribunal_decision_categories')
    """

    key: str
    field: FieldName
    name: str
    type: str = "text"
    filterable: bool = True
    multiple: bool = False
    values: tuple[FacetValue, ...] = ()
    _by_slug: dict[str, str] = PrivateAttr(default_factory=dict)

    def model_post_init(self, context: Any, /) -> None:
        """Index the labels by slug once (read for every decision of a harvest)."""
        self._by_slug = {v.slug: v.label for v in self.values}

    @property
    def labels(self) -> dict[str, str]:
        """Label by slug, for every allowed value (do not modify it)."""
        return self._by_slug

    def label(self, slug: str) -> str | None:
        """Return the label of ``slug``, or ``None`` when it is not an allowed value.

        Example:
            >>> from hmcts_data import decisions
            >>> decisions.finder("employment-tribunal").facet("country").label("scotland")
            'Scotland'
        """
        return self._by_slug.get(slug)

    def check(self, wanted: Iterable[str]) -> tuple[str, ...]:
        """Return ``wanted`` as slugs (a label is accepted too), refusing unknown values.

        Args:
            wanted: Slugs or labels (case-insensitive for labels).

        Returns:
            The slugs, in the order given.

        Raises:
            ConfigurationError: A value is neither an allowed slug nor a label; the message
                names the nearest allowed values.

        Example:
            >>> from hmcts_data import decisions
            >>> decisions.finder("employment-tribunal").facet("country").check(["Scotland"])
            ('scotland',)
        """
        labels = self._by_slug
        by_label = {label.casefold(): slug for slug, label in labels.items()}
        slugs: list[str] = []
        for value in wanted:
            if not labels or value in labels:
                slugs.append(value)
            elif value.casefold() in by_label:
                slugs.append(by_label[value.casefold()])
            else:
                near = difflib.get_close_matches(value, list(labels), n=3, cutoff=0.4)
                near += [
                    by_label[m]
                    for m in difflib.get_close_matches(
                        value.casefold(), list(by_label), n=3, cutoff=0.4
                    )
                ]
                shown = ", ".join(dict.fromkeys(repr(s) for s in near)) or "none close"
                raise ConfigurationError(
                    f"{value!r} is not an allowed value of the facet {self.field!r} "
                    f"({self.name}). Nearest allowed: {shown}. List them all with "
                    f"decisions.finder(...).facet({self.field!r}).values."
                )
        return tuple(slugs)


class Finder(_Frozen):
    """One GOV.UK decisions finder: what it covers, where it is and how it is faceted.

    Which finders there are, their titles, base paths and document types come from the
    publication registry (entries whose source is a finder); their facets from facts packaged
    with this module.

    Attributes:
        id: Its id in the publication registry (``"employment-tribunal-decisions"``, the
            finder's slug); :func:`finder` also takes it without ``-decisions``.
        name: The finder's title on GOV.UK.
        base_path: Its path on GOV.UK (``"/employment-tribunal-decisions"``); every decision
            page lives under it.
        document_type: The document type of its pages (``"employment_tribunal_decision"``),
            which the Search API filters on.
        description: What it holds.
        coverage: What it covers, in short.
        facets: Its facets (decision date included), in the finder's order.
        default_order: The finder page's own ordering, where it states one.
        reported_total: How many decisions a third party reported it holding on 2026-07-07
            (a secondary claim, for scale; :func:`search` gives the live number).
        source: ``"packaged"`` (facts shipped with the library) or ``"live"`` (read from the
            finder's Content API page).

    Example:
        >>> from hmcts_data import decisions
        >>> et = decisions.finder("employment-tribunal")
        >>> et.base_path, et.document_type
        ('/employment-tribunal-decisions', 'employment_tribunal_decision')
        >>> et.url
        'https://www.gov.uk/employment-tribunal-decisions'
    """

    id: str
    name: str
    base_path: str
    document_type: str
    description: str = ""
    coverage: str = ""
    facets: tuple[Facet, ...] = ()
    default_order: str | None = None
    reported_total: int | None = None
    source: Literal["packaged", "live"] = "packaged"

    @property
    def url(self) -> str:
        """The finder's page on GOV.UK."""
        return "https://www.gov.uk" + self.base_path

    @property
    def fields(self) -> tuple[str, ...]:
        """The :class:`Decision` attributes its facets fill (the keywords search takes)."""
        return tuple(f.field for f in self.facets)

    def facet(self, name: str) -> Facet:
        """Return the facet filling ``name`` (a decision attribute, or a GOV.UK facet key).

        Raises:
            ConfigurationError: The finder has no such facet (the message lists its facets).

        Example:
            >>> from hmcts_data import decisions
            >>> decisions.finder("tax-and-chancery-tribunal").facet("categories").key
            'tribunal_decision_category'
        """
        for facet in self.facets:
            if name in {facet.field, facet.key}:
                return facet
        raise ConfigurationError(
            f"The finder {self.id!r} has no facet {name!r}. Its facets: {', '.join(self.fields)}."
        )

    def __repr__(self) -> str:
        return f"Finder({self.id!r}, {self.base_path!r}, facets={list(self.fields)})"


class SearchFacts(_Frozen):
    """What is known about paging the Search API (packaged facts with their evidence).

    Example:
        >>> search_facts().max_page_size
        1500
    """

    max_page_size: int
    depth_bound: int
    type_filter: str
    paging_depth: str
    hmcts_organisation: str


def _packaged() -> dict[str, Any]:
    text = (resources.files("hmcts_data.decisions") / _PACKAGED).read_text("utf-8")
    return tomllib.loads(text)


@cache
def search_facts() -> SearchFacts:
    """Return the packaged facts about the Search API's paging.

    Example:
        >>> search_facts().paging_depth
        'unknown'
    """
    return SearchFacts.model_validate(_packaged()["search"])


def _facet(raw: dict[str, Any]) -> Facet:
    allowed = raw.get("allowed") or raw.get("allowed_values") or []
    values = tuple(
        FacetValue(label=v[0], slug=v[1])
        if isinstance(v, list)
        else FacetValue(label=str(v.get("label", "")), slug=str(v.get("value", "")))
        for v in allowed
    )
    return Facet(
        key=raw["key"],
        field=raw["field"],
        name=raw.get("name", raw["key"]),
        type=raw.get("type", "text"),
        filterable=bool(raw.get("filterable", True)),
        multiple=raw.get("select") == "multiple",
        values=values,
    )


@cache
def _packaged_finders() -> tuple[Finder, ...]:
    """The finders of the publication registry, with their facets from ``finders.toml``."""
    from hmcts_data._registry import registry

    entries = registry()
    facts = {f["id"]: f for f in _packaged()["finder"]}
    ids = entries.ids(source="finder")
    if set(ids) != set(facts):
        raise ParseError(  # pragma: no cover - a packaging bug, caught by the tests
            f"The packaged {_PACKAGED} describes the finders {sorted(facts)}, but the "
            f"publication registry lists {sorted(ids)}. Reinstall hmcts-data.",
            file=_PACKAGED,
        )
    found: list[Finder] = []
    for fid in ids:
        entry, f = entries.publication[fid], facts[fid]
        assert entry.finder is not None  # source "finder" entries have one (registry rule)
        try:
            found.append(
                Finder(
                    id=fid,
                    name=entry.title,
                    base_path=entry.finder.base_path,
                    document_type=entry.finder.document_type,
                    description=entry.description,
                    coverage=f.get("coverage", ""),
                    default_order=f.get("default_order"),
                    reported_total=f.get("reported_total"),
                    facets=tuple(_facet(x) for x in f.get("facet", [])),
                )
            )
        except (KeyError, ValidationError) as exc:  # pragma: no cover - a broken package
            raise ParseError(
                f"The packaged {_PACKAGED} is damaged ({fid}): {exc}", file=_PACKAGED
            ) from None
    return tuple(found)


def _live(packaged: Finder, client: Client) -> Finder:
    """The finder as its live Content API page describes it (facets and values refreshed)."""
    url = "/api/content" + packaged.base_path
    page = client.get_json(url)
    where = client.url_for(url)
    if not isinstance(page, dict) or not isinstance(page.get("details"), dict):
        raise ParseError(
            f"{where} is not a finder page in the shape hmcts-data expects (no details). "
            "GOV.UK may have changed it; finders() without refresh uses the packaged facts.",
            file=where,
        )
    known = {f.key: f for f in packaged.facets}
    facets: list[Facet] = []
    for raw in page["details"].get("facets") or []:
        if not isinstance(raw, dict) or raw.get("key") not in known:
            continue
        base = known[raw["key"]]
        try:
            live = _facet({**raw, "field": base.field})
        except (KeyError, TypeError, ValidationError):
            live = base
        facets.append(live.model_copy(update={"multiple": base.multiple or live.multiple}))
    if not facets:
        raise ParseError(
            f"{where} lists none of the facets known for {packaged.id!r}. GOV.UK may have "
            "changed the finder; finders() without refresh uses the packaged facts.",
            file=where,
        )
    return packaged.model_copy(
        update={
            "name": page.get("title") or packaged.name,
            "facets": tuple(facets),
            "source": "live",
        }
    )


def finders(*, refresh: bool = False, client: Client | None = None) -> tuple[Finder, ...]:
    """Return the six GOV.UK tribunal-decision finders published with HMCTS.

    Args:
        refresh: Read each finder's facets and allowed values from its live Content API page
            (six requests, cached like other API pages) instead of the packaged facts.
        client: The client for ``refresh``; ``None`` shares the default client.

    Returns:
        The finders, employment tribunal first.

    Raises:
        OfflineError: ``refresh`` while offline with nothing cached.
        DownloadError: ``refresh`` and a finder page could not be fetched.
        ParseError: ``refresh`` and a finder page is not in the expected shape.

    Example:
        >>> from hmcts_data import decisions
        >>> [f.id for f in decisions.finders()][:2]
        ['employment-tribunal-decisions', 'employment-appeal-tribunal-decisions']
    """
    packaged = _packaged_finders()
    if not refresh:
        return packaged
    from hmcts_data._client import using_client

    with using_client(client) as active:
        return tuple(_live(f, active) for f in packaged)


def _names(f: Finder) -> set[str]:
    slug = f.base_path.strip("/")
    return {f.id, slug, f.document_type, f.base_path, f.id.removesuffix("-decisions")}


def finder(name: str | Finder) -> Finder:
    """Return one finder by its id, GOV.UK slug, base path or document type.

    Args:
        name: ``"employment-tribunal-decisions"``, ``"employment-tribunal"``,
            ``"/employment-tribunal-decisions"`` or ``"employment_tribunal_decision"``
            (a :class:`Finder` is returned unchanged).

    Returns:
        The finder (from the packaged facts).

    Raises:
        NotFoundError: No finder by that name (the message suggests close ones).

    Example:
        >>> from hmcts_data import decisions
        >>> decisions.finder("utaac_decision").id
        'administrative-appeals-tribunal-decisions'
    """
    if isinstance(name, Finder):
        return name
    key = name.strip()
    for candidate in _packaged_finders():
        if key in _names(candidate):
            return candidate
    raise NotFoundError("decisions finder", key, [f.id for f in _packaged_finders()])


def finder_for_link(link: str, found: Sequence[Finder] | None = None) -> Finder | None:
    """Return the finder whose base path ``link`` lies under, or ``None``.

    Example:
        >>> finder_for_link("/employment-tribunal-decisions/mr-a-v-b-ltd-123").id
        'employment-tribunal-decisions'
    """
    for candidate in found or _packaged_finders():
        if link.startswith(candidate.base_path + "/"):
            return candidate
    return None
