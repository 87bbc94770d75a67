"""Look up, search and suggest access routes (the functions ``hmcts_data.routes`` exports)."""

from __future__ import annotations

import builtins
import re
from datetime import date

from hmcts_data._errors import NotFoundError
from hmcts_data.routes._load import book
from hmcts_data.routes._models import (
    AccessRoute,
    DataFirstDataset,
    OtherSource,
    Sourced,
    Suggestion,
)
from hmcts_data.routes._render import Routes, Suggestions, book_markdown, unverified_in

__all__ = [
    "data_first_datasets",
    "get",
    "last_reviewed",
    "list",
    "other_sources",
    "render_markdown",
    "search",
    "suggest",
    "unverified_facts",
]

_NON_WORD = re.compile(r"[^a-z0-9£.]+")
# Words too common in needs and route texts to rank anything.
_STOPWORDS = frozenset(
    "a an and are as at be by can data do for from get how i in is it me my of on or our "  # noqa: SIM905
    "the their to want we what which who with".split()
)
# Weight of a query word found in each part of a route (name and id count most).
_WEIGHTS: tuple[tuple[str, float], ...] = (
    ("name", 5.0),
    ("purpose", 3.0),
    ("covers", 3.0),
    ("steps", 2.0),
    ("who_can_apply", 1.5),
    ("required_information", 1.0),
    ("decision_criteria", 1.0),
    ("forms", 1.5),
    ("contacts", 1.0),
    ("legal_basis", 1.0),
    ("notes", 0.5),
)


_LOOSE_DOT = re.compile(r"\.(?![a-z0-9])|(?<![a-z0-9])\.")


def _normalise(text: str) -> str:
    """Lower-case; punctuation (hyphens included) becomes space; dots inside "r.5.8" stay."""
    return " ".join(_NON_WORD.sub(" ", _LOOSE_DOT.sub(" ", text.lower())).split())


def list() -> Routes:
    """Return every access route, in the data file's order.

    Returns:
        The routes (a new list each call; the routes themselves are immutable).

    Raises:
        ParseError: The packaged route data is invalid.

    Example:
        >>> from hmcts_data import routes
        >>> "data-access-panel" in [r.id for r in routes.list()]
        True
    """
    return Routes(book().route)


def _key(text: str) -> str:
    return text.strip().lower().replace("_", "-").replace(" ", "-")


def get(route_id: str) -> AccessRoute:
    """Return one route by id or alias (``data-access-panel``, ``hmcts_data_access_panel``).

    Args:
        route_id: The route's id or one of its aliases; case, ``_`` and spaces are forgiven.

    Returns:
        The route.

    Raises:
        NotFoundError: No route has that id or alias; ``suggestions`` holds close matches.

    Example:
        >>> from hmcts_data import routes
        >>> routes.get("DAP").id
        'data-access-panel'
    """
    key = _key(route_id)
    names: dict[str, AccessRoute] = {}
    for route in book().route:
        names[route.id] = route
        for alias in route.aliases:
            names.setdefault(_key(alias), route)
    if key in names:
        return names[key]
    aliases = [a for r in book().route for a in r.aliases]
    raise NotFoundError("access route", route_id, dict.fromkeys([*book().route_ids(), *aliases]))


def _word_hits(words: builtins.list[str], text: str) -> int:
    """Count query words that start a word of ``text`` (so "transcript" finds "transcripts")."""
    haystack = f" {_normalise(text)}"
    return sum(1 for w in words if f" {w}" in haystack)


def _route_text(route: AccessRoute, field: str) -> str:
    if field == "name":
        return " ".join((route.name, route.id.replace("-", " "), *route.aliases))
    return " ".join(item.display() for item in getattr(route, field))


def search(text: str) -> Routes:
    """Find routes whose name, purpose, coverage, steps or other facts mention ``text``.

    Each query word (ignoring very common words) found at the start of a word in a part of the
    route adds that part's weight (name 5, purpose and covers 3, steps 2 ...); the whole query
    found as a phrase doubles the score. Routes that match nothing are left out.

    Args:
        text: Words to look for.

    Returns:
        Matching routes, best first (ties keep the data file's order).

    Raises:
        ParseError: The packaged route data is invalid.

    Example:
        >>> from hmcts_data import routes
        >>> routes.search("EX107")[0].id
        'transcripts'
    """
    phrase = _normalise(text)
    words = [w for w in phrase.split() if w not in _STOPWORDS and len(w) > 1]
    if not words:
        return Routes(ranked=True)
    scored: builtins.list[tuple[float, int, AccessRoute]] = []
    for index, route in enumerate(book().route):
        score = 0.0
        for field, weight in _WEIGHTS:
            part = _route_text(route, field)
            score += weight * _word_hits(words, part)
            if len(words) > 1 and phrase in _normalise(part):
                score += 2 * weight * len(words)
        if score > 0:
            scored.append((-score, index, route))
    ranked = sorted(scored, key=lambda t: (t[0], t[1]))
    return Routes((route for _, _, route in ranked), ranked=True)


def _phrase_pattern(phrase: str) -> re.Pattern[str]:
    words = [re.escape(w) for w in _normalise(phrase).split()]
    return re.compile(r"\b" + r"\s+".join(words) + r"(?:s|es)?\b")


def suggest(need: str) -> Suggestions:
    """Suggest the routes that fit a need described in plain words, with the reason.

    Matches the need against the phrase table in ``routes.toml`` (one rule per route; longer
    phrases count more). When no phrase matches, falls back to :func:`search` and says so.

    Args:
        need: What the user wants, e.g. ``"case-level hearing outcomes"``.

    Returns:
        Suggestions, best first; empty when nothing fits.

    Raises:
        ParseError: The packaged route data is invalid.

    Example:
        >>> from hmcts_data import routes
        >>> routes.suggest("defendant-level linked data")[0].route.id
        'data-first'
    """
    text = _normalise(need)
    by_route: dict[str, tuple[float, builtins.list[str], builtins.list[str]]] = {}
    for rule in book().suggestion:
        matched = [p for p in rule.phrases if _phrase_pattern(p).search(text)]
        if not matched:
            continue
        score, phrases, reasons = by_route.get(rule.route, (0.0, [], []))
        score += sum(len(p.split()) for p in matched)
        by_route[rule.route] = (score, phrases + matched, [*reasons, rule.reason])
    order = {r.id: i for i, r in enumerate(book().route)}
    if by_route:
        ranked = sorted(by_route.items(), key=lambda kv: (-kv[1][0], order[kv[0]]))
        return Suggestions(
            Suggestion(
                route=get(route_id),
                reason=" ".join(dict.fromkeys(reasons)),
                matched=tuple(dict.fromkeys(phrases)),
                score=score,
            )
            for route_id, (score, phrases, reasons) in ranked
        )
    found = search(need)
    return Suggestions(
        Suggestion(
            route=route,
            reason=f"No rule in the suggestion table matched; the route's text mentions {need!r}.",
            score=1.0 / (rank + 1),
        )
        for rank, route in enumerate(found[:3])
    )


def data_first_datasets() -> builtins.list[DataFirstDataset]:
    """Return the MoJ Data First datasets (including planned ones tagged unverified).

    Returns:
        The datasets, in the data file's order.

    Example:
        >>> from hmcts_data import routes
        >>> next(d for d in routes.data_first_datasets() if d.id == "df-crown-court").name
        "Crown Court defendant (case level), 'Iteration 2'"
    """
    return builtins.list(book().dataset)


def other_sources() -> builtins.list[OtherSource]:
    """Return the other sources of court and tribunal information, with their URLs.

    Returns:
        Listings, decisions, statistics and research-approval sources, in file order.

    Example:
        >>> from hmcts_data import routes
        >>> any(s.id == "courtserve" for s in routes.other_sources())
        True
    """
    return builtins.list(book().other_source)


def last_reviewed() -> date:
    """Return the date the route facts were last checked against the research notes.

    Example:
        >>> from hmcts_data import routes
        >>> routes.last_reviewed().year >= 2026
        True
    """
    return book().last_reviewed


def unverified_facts() -> builtins.list[tuple[str, Sourced]]:
    """Return every unverified fact in the packaged data with where it is.

    Returns:
        ``(location, fact)`` pairs, e.g. ``("route data-access-panel, steps[4]", step)``.

    Example:
        >>> from hmcts_data import routes
        >>> any("data-access-panel" in where for where, _ in routes.unverified_facts())
        True
    """
    return unverified_in(book())


def render_markdown() -> str:
    """Build the generated part of ``docs/routes.md`` from the packaged data.

    Returns:
        Markdown: a table of routes, each route in full, the Data First datasets, the other
        sources and the list of facts still to check.

    Example:
        >>> from hmcts_data import routes
        >>> "## Data First datasets" in routes.render_markdown()
        True
    """
    return book_markdown(book())
