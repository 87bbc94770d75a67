"""The CLI reference as Markdown, generated from the parser and the exit-code table.

Used by the docs build (``docs/hooks.py``, markers ``<!-- generated: cli-exit-codes -->`` and
``<!-- generated: cli-help -->``), so the page grows with every registered subcommand.
"""

from __future__ import annotations

import argparse
import functools
from collections.abc import Iterator

from hmcts_data.cli import EXIT_CODES, build_parser

__all__ = ["cli_help_markdown", "exit_codes_markdown"]

#: Help is rendered at this width, whatever the terminal building the docs.
HELP_WIDTH = 88

# Codes that belong to no exception class.
_OTHER_CODES = {
    0: "success",
    2: "usage error: unknown command, missing or invalid argument (argparse)",
    130: "interrupted (Ctrl-C)",
}


def _summary(cls: type[BaseException]) -> str:
    doc = (cls.__doc__ or "").strip().splitlines()
    # Docstrings use reStructuredText ``literals``; Markdown wants single backticks.
    return doc[0].rstrip(".").replace("``", "`") if doc else cls.__name__


def exit_codes_markdown() -> str:
    """Render the exit codes of ``hmcts-data`` as a Markdown table.

    Returns:
        A table of code, error classes and meaning, from :data:`hmcts_data.cli.EXIT_CODES`.

    Example:
        >>> "| 7 | `SchemaDriftError` |" in exit_codes_markdown()
        True
    """
    by_code: dict[int, list[type[BaseException]]] = {}
    for cls, code in EXIT_CODES.items():
        by_code.setdefault(code, []).append(cls)
    rows = ["| code | error | meaning |", "|---|---|---|"]
    for code in sorted(set(by_code) | set(_OTHER_CODES)):
        classes = by_code.get(code, [])
        names = ", ".join(f"`{c.__name__}`" for c in classes)
        if code in _OTHER_CODES:
            meaning = _OTHER_CODES[code]
        elif any(c.__name__ == "HMCTSDataError" for c in classes):
            meaning = "any other hmcts_data error"
        else:
            meaning = "; ".join(_summary(c) for c in classes)
        rows.append(f"| {code} | {names} | {meaning} |")
    return "\n".join(rows) + "\n"


def _walk(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                yield from _walk(child, (*path, name))


def cli_help_markdown() -> str:
    """Render ``hmcts-data --help`` and every subcommand's ``--help`` as Markdown.

    The parser is built exactly as the command builds it, so the text is what users see.

    Returns:
        One section per command (nested subcommands included), each with its help text.

    Example:
        >>> "usage: hmcts-data" in cli_help_markdown()
        True
    """
    parts: list[str] = []
    for path, parser in _walk(build_parser()):
        original = parser.formatter_class
        parser.formatter_class = functools.partial(original, width=HELP_WIDTH)  # type: ignore[call-arg]
        try:
            text = parser.format_help().rstrip()
        finally:
            parser.formatter_class = original
        name = " ".join(("hmcts-data", *path))
        parts += [f"### `{name}`", "", "```text", text, "```", ""]
    return "\n".join(parts)
