"""Plain-text and HTML tables for every model's display (terminal and Jupyter).

A leaf: the catalogue, the cache, the settings and the tidy schema all use it, and it imports
nothing of the package.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum
from typing import Any

__all__ = ["html_table", "model_html", "text_table"]


def text_table(
    headers: Sequence[str], rows: Sequence[Sequence[str]], *, max_width: int | None = 60
) -> str:
    """Render rows as an aligned plain-text table; cells longer than ``max_width`` are cut.

    Args:
        headers: Column headings.
        rows: Cell texts, one sequence per row.
        max_width: Longest cell shown; longer ones end with an ellipsis. ``None`` cuts none
            (the command line fits whole tables to the terminal itself).

    Returns:
        The table, one line per row, headings underlined.

    Example:
        >>> print(text_table(["id", "n"], [["monthly", "3"]]))
        id       n
        -------  -
        monthly  3
    """
    cut = [[_cut(c, max_width) for c in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in cut:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], len(cell))
    lines = [
        "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip(),
        "  ".join("-" * w for w in widths),
    ]
    for row in cut:
        lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
    return "\n".join(lines)


def html_table(
    headers: Sequence[str], rows: Sequence[Sequence[str]], *, caption: str | None = None
) -> str:
    """Render rows as an escaped HTML table (for ``_repr_html_``).

    Args:
        headers: Column headings.
        rows: Cell texts, one sequence per row; every cell is HTML-escaped.
        caption: Optional caption above the table.

    Returns:
        The HTML text.

    Example:
        >>> html_table(["a"], [["<b>"]]).count("&lt;b&gt;")
        1
    """
    import html  # here: the command line's listing uses text_table only

    head = "".join(f"<th style='text-align:left'>{html.escape(h)}</th>" for h in headers)
    cell = "<td style='text-align:left'>{}</td>"
    body = "".join(
        "<tr>" + "".join(cell.format(html.escape(c)) for c in row) + "</tr>" for row in rows
    )
    cap = f"<caption style='text-align:left'>{html.escape(caption)}</caption>" if caption else ""
    return f"<table>{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def model_html(model: Any, caption: str, *, max_width: int = 200) -> str:
    """Render a model's fields (pydantic model or dataclass) as a two-column HTML table.

    Args:
        model: The object; its pydantic fields, else its dataclass fields, are shown in order.
        caption: Caption above the table.
        max_width: Longest value shown; longer ones end with an ellipsis.

    Returns:
        The HTML text (every cell escaped).

    Example:
        >>> from dataclasses import dataclass
        >>> @dataclass
        ... class Point:
        ...     x: int
        >>> "<td style='text-align:left'>x</td>" in model_html(Point(1), "A point")
        True
    """
    import dataclasses

    fields = getattr(type(model), "model_fields", None)
    if fields is not None:
        names = list(fields)
    elif dataclasses.is_dataclass(model):
        names = [f.name for f in dataclasses.fields(model) if not f.name.startswith("_")]
    else:  # pragma: no cover - every caller passes a model
        names = []
    rows = [[name, _cut(_shown(getattr(model, name)), max_width)] for name in names]
    return html_table(["field", "value"], rows, caption=caption)


def _shown(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, tuple | list) and len(value) > 3:
        return f"{len(value)} items: " + ", ".join(_shown(v) for v in value[:3]) + ", …"
    if isinstance(value, tuple | list):
        return ", ".join(_shown(v) for v in value) or "(none)"
    if isinstance(value, BaseException):  # pragma: no cover
        return str(value)
    text = getattr(value, "name", None) if hasattr(type(value), "model_fields") else None
    return str(text) if isinstance(text, str) else str(value)


def _cut(text: str, width: int | None) -> str:
    text = " ".join(text.split())
    return text if width is None or len(text) <= width else text[: width - 1] + "…"
