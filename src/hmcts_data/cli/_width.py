"""Command-line text that fits the terminal: tables shrink their widest columns, prose wraps.

The width is ``COLUMNS`` when set (as argparse's help honours it), else the terminal's; output
that goes to a pipe or a file with no ``COLUMNS`` is left whole (``--json`` is the form for
machines). A table is any header line followed by a rule of dashes (``-----  ---``), as every
table the command line prints is (``text_table``); its cells are cut with an ellipsis, never
wrapped, so each row stays one line.
"""

from __future__ import annotations

import os
import re
import sys
from typing import TextIO

__all__ = ["fit", "say", "width_for"]

#: Narrowest width honoured: below it a table has no room for its columns.
MIN_WIDTH = 20
#: Narrowest a column is cut to.
MIN_COLUMN = 3
_RULE = re.compile(r"^ *-+(?:  -+)*$")


def width_for(stream: TextIO) -> int | None:
    """The width text for ``stream`` must fit: ``COLUMNS``, else its terminal's, else none.

    Example:
        >>> import io
        >>> width_for(io.StringIO()) is None or "COLUMNS" in os.environ
        True
    """
    columns = os.environ.get("COLUMNS", "").strip()
    if columns.isdigit() and int(columns) > 0:
        return max(int(columns), MIN_WIDTH)
    try:
        if stream.isatty():
            return max(os.get_terminal_size(stream.fileno()).columns, MIN_WIDTH)
    except (AttributeError, ValueError, OSError):
        pass
    return None


def fit(text: str, width: int | None) -> str:
    r"""``text`` with every line at most ``width`` characters where it can be.

    Tables (a header line, then a rule of dashes) shrink their widest columns, cutting cells
    with an ellipsis; other lines wrap at spaces, continuation lines indented like the line
    plus two spaces. A single word longer than the width (a URL) is kept whole.

    Example:
        >>> table = "id       name\n-------  ---------------\nmonthly  Monthly management"
        >>> print(fit(table, 16))
        id       name
        -------  -------
        monthly  Monthl…
        >>> print(fit("one two three four", 9))
        one two
          three
          four
    """
    if width is None:
        return text
    lines = text.split("\n")
    out: list[str] = []
    index = 0
    while index < len(lines):
        if index + 1 < len(lines) and _RULE.match(lines[index + 1]) and lines[index].strip():
            end = index + 2
            while end < len(lines) and lines[end].strip():
                end += 1
            out += _fit_table(lines[index:end], width)
            index = end
            continue
        out += _wrap(lines[index], width)
        index += 1
    return "\n".join(out)


def say(text: str = "", *, file: TextIO | None = None) -> None:
    """Print ``text`` fitted to the width of the stream it goes to (standard output)."""
    stream = sys.stdout if file is None else file
    print(fit(text, width_for(stream)), file=stream)


def _spans(rule: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(r"-+", rule)]


def _fit_table(block: list[str], width: int) -> list[str]:
    if max(len(line) for line in block) <= width:
        return block
    spans = _spans(block[1])
    indent = spans[0][0]
    starts = [start for start, _ in spans]
    rows: list[list[str]] = []
    for n, line in enumerate(block):
        if n == 1:
            continue
        cells = [
            line[start : starts[i + 1] if i + 1 < len(starts) else None].strip()
            for i, start in enumerate(starts)
        ]
        rows.append(cells)
    widths = [max(len(row[i]) for row in rows) for i in range(len(starts))]
    widths = [max(w, end - start) for w, (start, end) in zip(widths, spans, strict=True)]
    budget = width - indent - 2 * (len(widths) - 1)
    while sum(widths) > budget and max(widths) > MIN_COLUMN:
        widest = widths.index(max(widths))
        widths[widest] -= 1
    pad = " " * indent

    def render(cells: list[str]) -> str:
        return (
            pad
            + "  ".join(_cut(c, w).ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()
        )

    rendered = [render(rows[0]), pad + "  ".join("-" * w for w in widths)]
    rendered += [render(row) for row in rows[1:]]
    return rendered


def _cut(cell: str, width: int) -> str:
    return cell if len(cell) <= width else cell[: width - 1] + "…"


def _wrap(line: str, width: int) -> list[str]:
    if len(line) <= width:
        return [line]
    import textwrap

    indent = line[: len(line) - len(line.lstrip())]
    return textwrap.wrap(
        line.strip(),
        width=width,
        initial_indent=indent,
        subsequent_indent=indent + "  ",
        break_long_words=False,
        break_on_hyphens=False,
    ) or [line]
