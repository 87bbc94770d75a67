"""The generated docs pages say what the code says, and every page marker has a generator."""

from __future__ import annotations

import argparse
import dataclasses
import importlib.util
import re
from pathlib import Path
from types import ModuleType

import pytest

from hmcts_data.cli import EXIT_CODES, build_parser
from hmcts_data.cli._docs import cli_help_markdown, exit_codes_markdown
from hmcts_data.tables._docs import tidy_contract_markdown
from hmcts_data.tables._schema import TIDY_COLUMNS, Vocabulary, tidy_dtypes, vocabulary
from hmcts_data.tables._values import MISSING_MARKERS, QUALIFIER_MARKERS

ROOT = Path(__file__).resolve().parents[1]


def _hooks() -> ModuleType:
    spec = importlib.util.spec_from_file_location("docs_hooks", ROOT / "docs" / "hooks.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_tidy_contract_lists_every_column_dtype_and_value() -> None:
    text = tidy_contract_markdown()
    dtypes = tidy_dtypes()
    rows = re.findall(r"^\| `([a-z0-9_]+)` \| `([^`]+)` \|", text, flags=re.MULTILINE)
    assert [name for name, _ in rows] == [c.name for c in TIDY_COLUMNS]
    for name, shown in rows:
        expected = "category" if str(dtypes[name]) == "category" else str(dtypes[name])
        assert shown == expected
    vocab = vocabulary()
    for field in (f.name for f in dataclasses.fields(Vocabulary)):
        for key, entry in getattr(vocab, field).items():
            assert f"| `{key}` | {entry.label.replace('|', chr(92) + '|')} |" in text
    for marker in MISSING_MARKERS | QUALIFIER_MARKERS:
        assert f"`{marker}`" in text


def test_exit_codes_table_covers_every_code() -> None:
    text = exit_codes_markdown()
    codes = {int(c) for c in re.findall(r"^\| (\d+) \|", text, flags=re.MULTILINE)}
    assert codes == set(EXIT_CODES.values()) | {0, 2, 130}
    for cls, code in EXIT_CODES.items():
        row = next(r for r in text.splitlines() if r.startswith(f"| {code} |"))
        assert f"`{cls.__name__}`" in row


def _commands(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()) -> list[str]:
    found = [" ".join(("hmcts-data", *path))]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                found += _commands(child, (*path, name))
    return found


def test_cli_help_has_a_section_per_command_with_its_real_help() -> None:
    text = cli_help_markdown()
    sections = re.findall(r"^### `([^`]+)`", text, flags=re.MULTILINE)
    assert sections == _commands(build_parser())
    assert "usage: hmcts-data [-h]" in text
    for line in text.splitlines():
        assert len(line) <= 100, f"help not wrapped at a stable width: {line!r}"


def test_every_marker_in_the_docs_has_a_generator() -> None:
    hooks = _hooks()
    used = set()
    for page in (ROOT / "docs").rglob("*.md"):
        used |= set(re.findall(r"<!-- generated: ([a-z0-9_-]+) -->", page.read_text("utf-8")))
    assert {"tidy-contract", "cli-exit-codes", "cli-help", "export-formats"} <= used
    assert used <= set(hooks.GENERATORS), (
        f"markers without generator: {used - set(hooks.GENERATORS)}"
    )
    for name in used:
        rendered = hooks.on_page_markdown(f"<!-- generated: {name} -->")
        assert rendered.strip()
        assert "<!-- generated" not in rendered


def test_unknown_marker_fails_the_build() -> None:
    with pytest.raises(KeyError, match="no-such-page"):
        _hooks().on_page_markdown("<!-- generated: no-such-page -->")
