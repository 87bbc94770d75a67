"""Griffe extension: docstrings written for ``help()`` and doctest, rendered for readers.

The package's docstrings are Google style with a few reST habits. Before mkdocstrings renders
them, this extension rewrites each docstring so that the API reference reads well:

- ``Example:`` sections become ``Examples:`` sections, which griffe parses into code blocks
  (highlighted as a Python session, with doctest directives such as ``# doctest: +SKIP``
  trimmed); left as ``Example:`` their ``>>>`` lines render as nested block quotes.
- reST roles (``:func:`load```, ``:class:`~x.Catalogue```) become inline code.
- A paragraph ending in ``::`` followed by an indented block becomes a fenced code block.

Registered in ``mkdocs.yml`` under the python handler's ``extensions``.
"""

from __future__ import annotations

import re
from typing import Any

import griffe

_EXAMPLE_HEADING = re.compile(r"^(\s*)Example:\s*$", re.MULTILINE)
_ROLE = re.compile(r":(?:py:)?(?:func|class|data|attr|meth|mod|exc|obj|const):`~?([^`]+)`")


def _role(match: re.Match[str]) -> str:
    target = match.group(1)
    return f"`{target}`"


def _literal_blocks(text: str) -> str:
    """Turn reST literal blocks (``text::`` + indented lines) into fenced code blocks."""
    lines = text.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.rstrip().endswith("::") or line.strip() == "::":
            out.append(line)
            i += 1
            continue
        indent = len(line) - len(line.lstrip())
        j = i + 1
        while j < len(lines) and not lines[j].strip():
            j += 1
        block: list[str] = []
        while j < len(lines) and (
            not lines[j].strip() or len(lines[j]) - len(lines[j].lstrip()) > indent
        ):
            block.append(lines[j])
            j += 1
        while block and not block[-1].strip():
            block.pop()
        if not block:
            out.append(line)
            i += 1
            continue
        strip = min(len(b) - len(b.lstrip()) for b in block if b.strip())
        code = [b[strip:] for b in block]
        python = any(c.startswith(("import ", "from ")) or " = " in c for c in code)
        pad = " " * indent
        out.append(line.rstrip()[:-1])  # "text::" -> "text:"
        out.append("")
        out.append(f"{pad}```{'python' if python else 'text'}")
        out.extend(f"{pad}{c}" if c else "" for c in code)
        out.append(f"{pad}```")
        out.append("")
        i = j
    return "\n".join(out)


def readable(text: str) -> str:
    """The docstring text as the API reference should render it."""
    text = _ROLE.sub(_role, text)
    text = _EXAMPLE_HEADING.sub(r"\1Examples:", text)
    return _literal_blocks(text)


class ReadableDocstrings(griffe.Extension):
    """Rewrite every docstring of the package before it is parsed (see the module docstring)."""

    def on_instance(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is not None:
            obj.docstring.value = readable(obj.docstring.value)
