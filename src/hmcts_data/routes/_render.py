"""Render routes as a terminal checklist, HTML (Jupyter) and Markdown (the docs page).

Every fact goes through :meth:`Sourced.tagged` (text) or :func:`_html_fact` (HTML), which put
the confidence tag right after the fact's text: no renderer can show a fact without its tag.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from hmcts_data._display import html_table
from hmcts_data.routes._models import (
    AccessRoute,
    Confidence,
    Link,
    RouteBook,
    Source,
    Sourced,
    Step,
    Suggestion,
)

__all__ = [
    "BookRenderer",
    "book_markdown",
    "route_checklist",
    "route_html",
    "route_markdown",
    "unverified_in",
]

# (heading, field) in display order; steps are rendered separately (numbered, per track).
_SECTIONS: tuple[tuple[str, str], ...] = (
    ("Purpose", "purpose"),
    ("Covers", "covers"),
    ("Who can apply", "who_can_apply"),
    ("STEPS", "steps"),
    ("Required information", "required_information"),
    ("Decision criteria", "decision_criteria"),
    ("Forms", "forms"),
    ("Contacts", "contacts"),
    ("Timescales", "timescales"),
    ("Fees", "fees"),
    ("Legal basis", "legal_basis"),
    ("Notes", "notes"),
    ("Links", "links"),
)

_LEGEND = (
    "Tags: [official] seen on an official page; [secondary] from a reputable secondary source, "
    "check before relying on it; [unverified] not found in any source, must be checked; "
    "[dated] the only source is old or superseded."
)
_LEGEND_MD = (
    "Tags: `[official]` seen on an official page; `[secondary]` from a reputable secondary "
    "source, check before relying on it; `[unverified]` not found in any source, must be "
    "checked; `[dated]` the only source is old or superseded."
)


def _step_groups(route: AccessRoute) -> list[tuple[str, list[Step]]]:
    groups: dict[str, list[Step]] = {}
    for step in route.steps:
        groups.setdefault(step.track, []).append(step)
    return [(route.track_label(track), steps) for track, steps in groups.items()]


def _source_ids(route: AccessRoute) -> list[str]:
    ids = list(route.sources)
    for _, fact in route.facts():
        ids.extend(s for s in fact.sources if s not in ids)
    return list(dict.fromkeys(ids))


def _source_line(source_id: str, source: Source | None) -> str:
    if source is None:
        return f"{source_id}: (not in the packaged source table)"
    parts = [source.title]
    if source.publisher:
        parts.append(source.publisher)
    if source.published:
        parts.append(f"published {source.published.isoformat()}")
    if source.seen:
        parts.append(f"seen {source.seen.isoformat()}")
    text = ", ".join(parts)
    if source.url:
        text += f" <{source.url}>"
    tag = f"[{source.confidence.value}]" + ("[dated]" if source.dated else "")
    return f"{source_id}: {text} {tag}"


@dataclass(frozen=True, eq=False)
class BookRenderer:
    """Renders the routes of one book, with that book's source table and review date.

    The loader hands one to every route it loads (:meth:`AccessRoute.bind`).

    Attributes:
        sources: Source id -> source, as the book states them.
        last_reviewed: When the book's facts were last checked.
    """

    sources: Mapping[str, Source]
    last_reviewed: date

    def checklist(self, route: AccessRoute) -> str:
        """The route as a terminal checklist (:func:`route_checklist`)."""
        return route_checklist(route, self)

    def markdown(self, route: AccessRoute) -> str:
        """The route as a Markdown section (:func:`route_markdown`)."""
        return route_markdown(route, self)

    def html(self, route: AccessRoute) -> str:
        """The route as an HTML fragment (:func:`route_html`)."""
        return route_html(route, self)


# --- terminal ---------------------------------------------------------------------------------


def route_checklist(route: AccessRoute, book: BookRenderer) -> str:
    """Render a route as a plain-text checklist (see :meth:`AccessRoute.checklist`).

    Args:
        route: The route.
        book: The book it comes from (its sources and review date).

    Returns:
        The checklist; one fact per line, each ending with its confidence tag.

    Example:
        >>> from hmcts_data import routes
        >>> "[ ] 1." in routes.get("data-access-panel").checklist()
        True
    """
    lines = [
        f"{route.name} ({route.id})",
        "=" * min(100, len(route.name) + len(route.id) + 3),
        f"kind: {route.kind.value}",
        f"operator: {route.operator.tagged()}",
    ]
    if route.geography is not None:
        lines.append(f"geography: {route.geography.tagged()}")
    lines.append(f"facts last reviewed: {book.last_reviewed.isoformat()}")
    for heading, field in _SECTIONS:
        if field == "steps":
            for label, steps in _step_groups(route):
                lines += ["", label]
                for step in steps:
                    mark = "(optional) " if step.optional else ""
                    lines.append(f"  [ ] {step.order}. {mark}{step.tagged()}")
            continue
        items: Sequence[Sourced] = getattr(route, field)
        if not items:
            continue
        lines += ["", heading]
        bullet = "  [ ] " if field == "required_information" else "  - "
        lines += [f"{bullet}{item.tagged()}" for item in items]
    if route.caveats:
        lines += ["", "Caveats"] + [f"  ! {c}" for c in route.caveats]
    if route.related_routes:
        lines += ["", "Related routes: " + ", ".join(route.related_routes)]
    lines += ["", "Sources"]
    lines += [f"  {_source_line(i, book.sources.get(i))}" for i in _source_ids(route)]
    lines += ["", _LEGEND]
    return "\n".join(lines)


# --- HTML -------------------------------------------------------------------------------------

_CSS = (
    "<style>.hmcts-route .hmcts-tag{font-family:monospace;font-size:85%;padding:0 .2em;"
    "border-radius:3px}.hmcts-route .hmcts-official{background:#e6f4ea}"
    ".hmcts-route .hmcts-secondary{background:#fff4e5}"
    ".hmcts-route .hmcts-unverified{background:#fde8e8;font-weight:bold}</style>"
)


def _html_tag(fact: Sourced | Source) -> str:
    tag = f"[{fact.confidence.value}]" + ("[dated]" if fact.dated else "")
    return f'<span class="hmcts-tag hmcts-{fact.confidence.value}">{html.escape(tag)}</span>'


def _html_fact(fact: Sourced) -> str:
    return f"{html.escape(fact.display())} {_html_tag(fact)}"


def _html_list(items: Iterable[str], ordered: bool = False) -> str:
    tag = "ol" if ordered else "ul"
    return f"<{tag}>" + "".join(f"<li>{i}</li>" for i in items) + f"</{tag}>"


def route_html(route: AccessRoute, book: BookRenderer) -> str:
    """Render a route as an HTML fragment (Jupyter's ``_repr_html_``).

    Args:
        route: The route.
        book: The book it comes from (its sources and review date).

    Returns:
        HTML with every fact followed by its confidence tag; all text escaped.

    Example:
        >>> from hmcts_data import routes
        >>> routes.get("transcripts")._repr_html_().startswith("<style>")
        True
    """
    parts = [
        _CSS,
        '<div class="hmcts-route">',
        f"<h3>{html.escape(route.name)} <code>{html.escape(route.id)}</code></h3>",
        f"<p><b>kind:</b> {html.escape(route.kind.value)}<br>"
        f"<b>operator:</b> {_html_fact(route.operator)}",
    ]
    if route.geography is not None:
        parts.append(f"<br><b>geography:</b> {_html_fact(route.geography)}")
    parts.append(f"<br><b>facts last reviewed:</b> {book.last_reviewed.isoformat()}</p>")
    for heading, field in _SECTIONS:
        if field == "steps":
            for label, steps in _step_groups(route):
                parts.append(f"<h4>{html.escape(label)}</h4>")
                parts.append(
                    _html_list(
                        (
                            (("<i>optional:</i> " if s.optional else "") + _html_fact(s))
                            for s in steps
                        ),
                        ordered=True,
                    )
                )
            continue
        items: Sequence[Sourced] = getattr(route, field)
        if items:
            parts.append(f"<h4>{html.escape(heading)}</h4>")
            parts.append(_html_list(_html_fact(i) for i in items))
    if route.caveats:
        parts.append("<h4>Caveats</h4>" + _html_list(html.escape(c) for c in route.caveats))
    if route.related_routes:
        related = ", ".join(f"<code>{html.escape(r)}</code>" for r in route.related_routes)
        parts.append(f"<p><b>Related routes:</b> {related}</p>")
    rows = []
    for sid in _source_ids(route):
        source = book.sources.get(sid)
        if source is None:
            rows.append(html.escape(sid))
            continue
        title = html.escape(source.title)
        if source.url:
            title = f'<a href="{html.escape(source.url)}">{title}</a>'
        rows.append(f"<code>{html.escape(sid)}</code> {title} {_html_tag(source)}")
    parts.append("<details><summary>Sources</summary>" + _html_list(rows) + "</details>")
    parts.append("</div>")
    return "".join(parts)


# --- Markdown ---------------------------------------------------------------------------------


def _md(text: str) -> str:
    """Escape the Markdown characters that could change how a fact renders."""
    for ch in ("\\", "*", "_", "`", "<", ">", "|", "[", "]"):
        text = text.replace(ch, "\\" + ch)
    return text


def _md_tag(item: Sourced | Source) -> str:
    """A tag as a code span, so Markdown never reads ``[official][dated]`` as a link."""
    return f"`[{item.confidence.value}]" + ("[dated]" if item.dated else "") + "`"


def _md_fact(fact: Sourced) -> str:
    return f"{_md(fact.display())} {_md_tag(fact)}"


def _md_link(link: Link) -> str:
    return f"[{_md(link.label)}]({link.url}) {_md_tag(link)}"


def route_markdown(route: AccessRoute, book: BookRenderer) -> str:
    """Render a route as a Markdown section for the docs page.

    Args:
        route: The route.
        book: The book it comes from (its sources).

    Returns:
        Markdown: an anchor named after the route id, a level-3 heading, then the facts,
        each ending with its tag.

    Example:
        >>> from hmcts_data import routes
        >>> "`[official]`" in routes.get("open-mi").markdown()
        True
    """
    out = [
        f'<a id="{route.id}"></a>',
        "",
        f"### {_md(route.name)}",
        "",
        f"`hmcts-data routes {route.id}` · kind: **{route.kind.value}**"
        + (f" · also: {', '.join(f'`{a}`' for a in route.aliases)}" if route.aliases else ""),
        "",
        f"- **Operator:** {_md_fact(route.operator)}",
    ]
    if route.geography is not None:
        out.append(f"- **Geography:** {_md_fact(route.geography)}")
    for heading, field in _SECTIONS:
        if field == "steps":
            for label, steps in _step_groups(route):
                out += ["", f"**{_md(label)}**", ""]
                out += [
                    f"{s.order}. " + ("*(optional)* " if s.optional else "") + _md_fact(s)
                    for s in steps
                ]
            continue
        items: Sequence[Sourced] = getattr(route, field)
        if items:
            out += ["", f"**{heading}**", ""]
            out += [f"- {_md_link(i) if isinstance(i, Link) else _md_fact(i)}" for i in items]
    if route.caveats:
        out += ["", '!!! warning "Caveats"', ""]
        out += [f"    - {_md(c)}" for c in route.caveats]
    if route.related_routes:
        out += [
            "",
            "**Related routes:** " + ", ".join(f"[{r}](#{r})" for r in route.related_routes),
        ]
    out += ["", '!!! note "Sources"', ""]
    for sid in _source_ids(route):
        source = book.sources.get(sid)
        out.append(f"    - `{sid}`: " + (_md_source(source) if source else "(missing)"))
    out.append("")
    return "\n".join(out)


def _md_source(source: Source) -> str:
    text = _md(source.title)
    if source.url:
        text = f"[{text}]({source.url})"
    extra = [x for x in (source.publisher, source.note) if x]
    if source.published:
        extra.append(f"published {source.published.isoformat()}")
    if source.seen:
        extra.append(f"seen {source.seen.isoformat()}")
    return text + (f" ({_md('; '.join(extra))})" if extra else "") + f" {_md_tag(source)}"


def _md_table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(row) + " |" for row in rows]
    return out


def _join(facts: Iterable[Sourced], render: Callable[[Sourced], str] = _md_fact) -> str:
    return "<br>".join(render(f) for f in facts) or "–"


def book_markdown(data: RouteBook) -> str:
    """Build the generated part of ``docs/routes.md`` from a route book.

    Args:
        data: The book (the packaged one for the docs).

    Returns:
        Markdown: a table of routes, each route in full, the Data First datasets, the other
        sources and the list of facts still to check.

    Example:
        >>> from hmcts_data.routes._load import book
        >>> "## Data First datasets" in book_markdown(book())
        True
    """
    out = [
        f"*Facts last reviewed {data.last_reviewed.isoformat()} against "
        f"{_md(data.reviewed_against)}.*",
        "",
        _LEGEND_MD,
        "",
        "## All routes",
        "",
    ]
    out += _md_table(
        ("id", "name", "kind"),
        ((f"[`{r.id}`](#{r.id})", _md(r.name), r.kind.value) for r in data.route),
    )
    out += ["", "## Routes in full", ""]
    shown = BookRenderer(data.sources, data.last_reviewed)
    out += [route_markdown(r, shown) for r in data.route]
    out += ["## Data First datasets", ""]
    out += _md_table(
        ("id", "dataset", "source system", "coverage", "unit", "platforms", "notes"),
        (
            (
                f"`{d.id}`",
                _md_fact(d),
                _join([d.source_system] if d.source_system else []),
                _join([d.coverage] if d.coverage else []),
                _join([d.unit] if d.unit else []),
                _join(d.platforms),
                _join((*d.notes, *d.access)),
            )
            for d in data.dataset
        ),
    )
    out += ["", "## Other sources", ""]
    out += _md_table(
        ("id", "source", "links", "contacts"),
        (
            (
                f"`{o.id}`" + (f" (route [`{o.route}`](#{o.route}))" if o.route else ""),
                _md_fact(o) + (f"<br>Read with `{o.read_with}`" if o.read_with else ""),
                "<br>".join(_md_link(link) for link in o.links) or "–",
                _join(o.contacts),
            )
            for o in data.other_source
        ),
    )
    out += ["", "## Facts still to check", ""]
    out += [
        "Every fact tagged `[unverified]`, where it is. Please report what the live page says.",
        "",
    ]
    for where, fact in unverified_in(data):
        out.append(f"- **{_md(where)}**: {_md_fact(fact)}")
    out.append("")
    return "\n".join(out)


def unverified_in(data: RouteBook) -> list[tuple[str, Sourced]]:
    """Return every unverified fact in a route book with where it is.

    Args:
        data: The book.

    Returns:
        ``(location, fact)`` pairs, e.g. ``("route data-access-panel, steps[4]", step)``.

    Example:
        >>> from hmcts_data.routes._load import book
        >>> any("data-access-panel" in where for where, _ in unverified_in(book()))
        True
    """
    found: list[tuple[str, Sourced]] = []
    for route in data.route:
        found += [
            (f"route {route.id}, {path}", f)
            for path, f in route.facts()
            if f.confidence is Confidence.UNVERIFIED
        ]
    for dataset in data.dataset:
        found += [
            (f"Data First dataset {dataset.id}, {path}", f)
            for path, f in dataset.facts()
            if f.confidence is Confidence.UNVERIFIED
        ]
    for other in data.other_source:
        found += [
            (f"other source {other.id}, {path}", f)
            for path, f in other.facts()
            if f.confidence is Confidence.UNVERIFIED
        ]
    return found


#: Items a route list's repr names before "... N more".
_REPR_ITEMS = 8


def _brief(head: str, lines: list[str], n: int, more: str) -> str:
    """A list's short repr: its head line, the first items' lines, then how many more."""
    tail = [f"  ... {n - _REPR_ITEMS} more; {more}"] if n > _REPR_ITEMS else []
    return "\n".join([head, *(f"  {line}" for line in lines), *tail])


class Routes(list[AccessRoute]):
    """A list of access routes (what :func:`list` and :func:`search` return) that prints briefly.

    A plain ``list`` in every other way. Its ``repr`` is a few lines (the count and the first
    routes' ids and names); :meth:`describe` gives every route in full.

    Example:
        >>> from hmcts_data import routes
        >>> found = routes.search("EX107")
        >>> repr(found).splitlines()[0]
        '<1 access route, best first>'
    """

    def __init__(self, routes: Iterable[AccessRoute] = (), *, ranked: bool = False) -> None:
        super().__init__(routes)
        #: Whether the routes are ranked (search results, best first) or in the data's order.
        self.ranked = ranked

    def __repr__(self) -> str:
        n = len(self)
        order = ", best first" if self.ranked else ""
        width = max((len(r.id) for r in self[:_REPR_ITEMS]), default=0)
        return _brief(
            f"<{n} access route{'' if n == 1 else 's'}{order}>",
            [f"{r.id.ljust(width)}  {r.name}" for r in self[:_REPR_ITEMS]],
            n,
            ".describe() shows every route in full",
        )

    def describe(self) -> str:
        """Return every route in full (steps, contacts, fees, sources), as ``print(route)`` does.

        Example:
            >>> from hmcts_data import routes
            >>> "Data Access Panel" in routes.list().describe()
            True
        """
        return "\n\n".join(str(r) for r in self)

    def _repr_html_(self) -> str:
        n = len(self)
        return html_table(
            ["id", "name", "kind"],
            [[r.id, r.name, str(r.kind)] for r in self],
            caption=f"{n} access route{'' if n == 1 else 's'}",
        )


class Suggestions(list[Suggestion]):
    """The routes :func:`suggest` proposes, best first, printing briefly (a plain ``list``).

    Example:
        >>> from hmcts_data import routes
        >>> repr(routes.suggest("a transcript of my hearing")).splitlines()[1].split(":")[0]
        '  transcripts'
    """

    def __repr__(self) -> str:
        n = len(self)
        return _brief(
            f"<{n} suggestion{'' if n == 1 else 's'}, best first>",
            [f"{s.route.id}: {s.reason}" for s in self[:_REPR_ITEMS]],
            n,
            ".describe() for every route in full",
        )

    def describe(self) -> str:
        """Return each suggestion's reason followed by the route in full.

        Example:
            >>> from hmcts_data import routes
            >>> "transcript" in routes.suggest("a transcript of my hearing").describe().lower()
            True
        """
        return "\n\n".join(f"{s.reason}\n{s.route}" for s in self)

    def _repr_html_(self) -> str:
        return html_table(
            ["id", "name", "why"],
            [[s.route.id, s.route.name, s.reason] for s in self],
            caption=f"{len(self)} suggested route(s)",
        )
