"""Plain-text and HTML tables for the catalogue models (terminal and Jupyter)."""

from __future__ import annotations

import html
from collections.abc import Sequence

__all__ = ["html_table", "text_table"]


def text_table(
    headers: Sequence[str], rows: Sequence[Sequence[str]], *, max_width: int = 60
) -> str:
    """Render rows as an aligned plain-text table; cells longer than ``max_width`` are cut.

    Args:
        headers: Column headings.
        rows: Cell texts, one sequence per row.
        max_width: Longest cell shown; longer ones end with an ellipsis.

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
    head = "".join(f"<th style='text-align:left'>{html.escape(h)}</th>" for h in headers)
    cell = "<td style='text-align:left'>{}</td>"
    body = "".join(
        "<tr>" + "".join(cell.format(html.escape(c)) for c in row) + "</tr>" for row in rows
    )
    cap = f"<caption style='text-align:left'>{html.escape(caption)}</caption>" if caption else ""
    return f"<table>{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _cut(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"
