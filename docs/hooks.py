"""mkdocs hooks: pages generated from the package's own data, so the docs cannot drift.

A page contains a marker line ``<!-- generated: NAME -->``; the hook replaces it with the
Markdown returned by the function registered for NAME below.
"""

from __future__ import annotations

import importlib
import re
from typing import Any

# NAME -> "module:function" returning Markdown text.
GENERATORS: dict[str, str] = {}
GENERATORS["tidy-contract"] = "hmcts_data.tables._docs:tidy_contract_markdown"
GENERATORS["cli-exit-codes"] = "hmcts_data.cli._docs:exit_codes_markdown"
GENERATORS["cli-help"] = "hmcts_data.cli._docs:cli_help_markdown"
GENERATORS["export-formats"] = "hmcts_data._export:formats_markdown"
GENERATORS["monthly-crosswalk"] = "hmcts_data.tables._monthly_crosswalk:crosswalk_markdown"
GENERATORS["routes"] = "hmcts_data.routes:render_markdown"
GENERATORS["catalogue-publications"] = "hmcts_data._catalogue._docs:publications_markdown"
GENERATORS["catalogue-snapshot"] = "hmcts_data._catalogue._docs:snapshot_markdown"
GENERATORS["other-crosswalks"] = "hmcts_data.tables._crosswalk:crosswalks_markdown"

_MARKER = re.compile(r"<!-- generated: ([a-z0-9_-]+) -->")


def _render(match: re.Match[str]) -> str:
    name = match.group(1)
    target = GENERATORS.get(name)
    if target is None:
        raise KeyError(f"no generator registered for docs marker {name!r} (see docs/hooks.py)")
    module_name, func = target.split(":")
    text: str = getattr(importlib.import_module(module_name), func)()
    return text


def on_page_markdown(markdown: str, **kwargs: Any) -> str:
    return _MARKER.sub(_render, markdown)
