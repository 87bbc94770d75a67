"""Load and validate ``routes.toml`` into a :class:`RouteBook`.

The packaged file is read once (:func:`book` is cached: the data are immutable). Any problem,
whether TOML syntax, a field of the wrong shape, or a reference to a source or route that does not
exist, becomes a :class:`~hmcts_data.ParseError` that names the file, the route (or dataset,
other source, suggestion rule) and the field.
"""

from __future__ import annotations

import logging
import tomllib
from collections.abc import Iterator, Mapping
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from hmcts_data._errors import ParseError
from hmcts_data._registry import registry
from hmcts_data.routes._models import RouteBook, Sourced
from hmcts_data.routes._render import BookRenderer

__all__ = ["book", "load_file"]

_LOG = logging.getLogger("hmcts_data")
_PACKAGED = "routes.toml"
# Top-level arrays of the file, and the key that identifies an entry in messages.
_ARRAYS: dict[str, tuple[str, str]] = {
    "route": ("route", "id"),
    "dataset": ("Data First dataset", "id"),
    "other_source": ("other source", "id"),
    "suggestion": ("suggestion rule for route", "route"),
}


def _where(raw: Mapping[str, Any], loc: tuple[int | str, ...]) -> tuple[str, str]:
    """Turn a pydantic error location into ("route 'x'", "steps[2].confidence")."""
    if loc and loc[0] in _ARRAYS and len(loc) > 1 and isinstance(loc[1], int):
        kind, key = _ARRAYS[str(loc[0])]
        entries = raw.get(str(loc[0]))
        ident: Any = None
        if (
            isinstance(entries, list)
            and loc[1] < len(entries)
            and isinstance(entries[loc[1]], dict)
        ):
            ident = entries[loc[1]].get(key)
        who = f"{kind} {ident!r}" if ident is not None else f"{kind} number {loc[1] + 1}"
        rest = loc[2:]
    else:
        who, rest = "the file's top level", loc
    field = ""
    for part in rest:
        field += f"[{part}]" if isinstance(part, int) else (f".{part}" if field else str(part))
    return who, field or "(whole entry)"


def _fail(path: str, who: str, field: str, problem: str) -> ParseError:
    return ParseError(
        f"Access-route data {path}: {who}, field {field!r}: {problem}. Fix that entry in the "
        "data file (or reinstall hmcts_data if this is the packaged file).",
        file=path,
        column=field,
    )


def _sourced_items(book: RouteBook) -> Iterator[tuple[str, str, Sourced | None, tuple[str, ...]]]:
    """Yield (who, field, fact, source ids) for everything that cites sources."""
    for route in book.route:
        who = f"route {route.id!r}"
        yield who, "sources", None, route.sources
        for field, fact in route.facts():
            yield who, f"{field}.sources", fact, fact.sources
    for dataset in book.dataset:
        for field, fact in dataset.facts():
            yield f"Data First dataset {dataset.id!r}", f"{field}.sources", fact, fact.sources
    for other in book.other_source:
        for field, fact in other.facts():
            yield f"other source {other.id!r}", f"{field}.sources", fact, fact.sources


def _check_references(book: RouteBook, path: str) -> None:
    ids = book.route_ids()
    seen: dict[str, str] = {}
    for route in book.route:
        for name in (route.id, *route.aliases):
            key = name.replace("_", "-")
            if seen.get(key, route.id) != route.id:
                raise _fail(
                    path,
                    f"route {route.id!r}",
                    "id" if name == route.id else "aliases",
                    f"{name!r} is already used by route {seen[key]!r}",
                )
            seen[key] = route.id
        for i, related in enumerate(route.related_routes):
            if related not in ids or related == route.id:
                raise _fail(
                    path,
                    f"route {route.id!r}",
                    f"related_routes[{i}]",
                    f"{related!r} is not another route's id (known: {', '.join(ids)})",
                )
    for who, field, _fact, cited in _sourced_items(book):
        for source_id in cited:
            if source_id not in book.sources:
                raise _fail(path, who, field, f"source {source_id!r} is not in [sources]")
    for array, items in (("dataset", book.dataset), ("other_source", book.other_source)):
        names = [item.id for item in items]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise _fail(path, f"{_ARRAYS[array][0]} {dupes[0]!r}", "id", "duplicate id")
    finders = registry().ids(source="finder")
    for other in book.other_source:
        if other.route is not None and other.route not in ids:
            raise _fail(
                path, f"other source {other.id!r}", "route", f"{other.route!r} is not a route id"
            )
        if other.finder is not None and other.finder not in finders:
            raise _fail(
                path,
                f"other source {other.id!r}",
                "finder",
                f"{other.finder!r} is not a decisions finder of the publication registry "
                f"(known: {', '.join(finders)})",
            )
    for rule in book.suggestion:
        if rule.route not in ids:
            raise _fail(
                path,
                f"suggestion rule for route {rule.route!r}",
                "route",
                f"{rule.route!r} is not a route id",
            )


def parse_text(text: str, path: str) -> RouteBook:
    """Parse and validate route data given as TOML text.

    Args:
        text: The TOML document.
        path: Where it came from, for messages.

    Returns:
        The validated book.

    Raises:
        ParseError: The text is not TOML, an entry has a wrong or missing field, or it cites a
            source or route that does not exist (the message names entry and field).

    Example:
        >>> parse_text("last_reviewed = 2026-01-01", "x.toml")
        Traceback (most recent call last):
        ...
        hmcts_data._errors.ParseError: Access-route data x.toml: ...
    """
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ParseError(
            f"Access-route data {path} is not valid TOML: {exc}. Fix the syntax at that line.",
            file=path,
        ) from exc
    try:
        result = RouteBook.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        who, field = _where(raw, tuple(first["loc"]))
        more = exc.error_count() - 1
        extra = f" ({more} more problem{'s' if more > 1 else ''} after this one)" if more else ""
        raise _fail(path, who, field, f"{first['msg']}{extra}") from exc
    _check_references(result, path)
    renderer = BookRenderer(result.sources, result.last_reviewed)
    for route in result.route:
        route.bind(renderer)
    return result


def load_file(path: str | Path) -> RouteBook:
    """Load and validate a route data file (the packaged one, or a copy being edited).

    Args:
        path: Path of a TOML file in the ``routes.toml`` format.

    Returns:
        The validated book.

    Raises:
        ParseError: The file cannot be read or is invalid (see :func:`parse_text`).

    Example:
        >>> from importlib import resources
        >>> packaged = resources.files("hmcts_data.routes") / "routes.toml"
        >>> load_file(str(packaged)).route[0].id
        'open-mi'
    """
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ParseError(f"Cannot read access-route data {path}: {exc}.", file=str(path)) from exc
    return parse_text(text, str(path))


@cache
def book() -> RouteBook:
    """Return the packaged route data, loaded and validated once.

    Returns:
        The validated book.

    Raises:
        ParseError: The packaged ``routes.toml`` is invalid.

    Example:
        >>> book().last_reviewed.year >= 2026
        True
    """
    resource = resources.files("hmcts_data.routes") / _PACKAGED
    _LOG.debug("loading access-route data from %s", resource)
    return parse_text(resource.read_text(encoding="utf-8"), _PACKAGED)
