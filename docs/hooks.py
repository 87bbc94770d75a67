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
GENERATORS["monthly-eras"] = "hmcts_data.tables._monthly_crosswalk:eras_markdown"
GENERATORS["routes"] = "hmcts_data.routes:render_markdown"
GENERATORS["catalogue-publications"] = "hmcts_data._catalogue._docs:publications_markdown"
GENERATORS["catalogue-snapshot"] = "hmcts_data._catalogue._docs:snapshot_markdown"
GENERATORS["other-crosswalks"] = "hmcts_data.tables._crosswalk:crosswalks_markdown"

GENERATORS["error-reference"] = "hooks:error_reference_markdown"

_MARKER = re.compile(r"<!-- generated: ([a-z0-9_-]+) -->")


def error_reference_markdown() -> str:
    """One mkdocstrings entry per public error and warning class, in the order they are defined.

    Documented under their public names (``hmcts_data.NotFoundError``), never the private module
    that defines them.
    """
    import inspect

    import hmcts_data

    classes = [
        (name, getattr(hmcts_data, name))
        for name in hmcts_data.__all__
        if isinstance(getattr(hmcts_data, name), type)
        and issubclass(getattr(hmcts_data, name), Exception | Warning)
    ]
    classes.sort(key=lambda item: inspect.getsourcelines(item[1])[1])
    return "\n\n".join(
        f"::: hmcts_data.{name}\n    options:\n      heading_level: 3" for name, _ in classes
    )


def _render(match: re.Match[str]) -> str:
    name = match.group(1)
    target = GENERATORS.get(name)
    if target is None:
        raise KeyError(f"no generator registered for docs marker {name!r} (see docs/hooks.py)")
    module_name, func = target.split(":")
    # "hooks:NAME" is a generator defined in this file.
    module = globals() if module_name == "hooks" else vars(importlib.import_module(module_name))
    text: str = module[func]()
    return text


def on_page_markdown(markdown: str, **kwargs: Any) -> str:
    return _MARKER.sub(_render, markdown)


# A private module path in a tooltip ("hmcts_data._errors.ParseError"): readers see public names.
_PRIVATE_PATH = re.compile(r"\bhmcts_data(?:\.[A-Za-z]\w*)*\.(?:_\w+\.)+(?:\w+\.)*(\w+)")


def _public_paths() -> dict[str, str]:
    """Map each public object's defining path to the path users import it from."""
    import hmcts_data
    from hmcts_data import plot, routes, testing

    found: dict[str, str] = {}
    for module, prefix in (
        (hmcts_data, "hmcts_data"),
        (plot, "hmcts_data.plot"),
        (routes, "hmcts_data.routes"),
        (testing, "hmcts_data.testing"),
    ):
        for name in module.__all__:
            obj = getattr(module, name)
            where = getattr(obj, "__module__", None)
            if isinstance(where, str) and hasattr(obj, "__qualname__"):
                found.setdefault(f"{where}.{obj.__qualname__}", f"{prefix}.{name}")
    return found


def _public_title(match: re.Match[str], paths: dict[str, str]) -> str:
    return paths.get(match.group(0), match.group(1))


def on_post_page(output: str, **kwargs: Any) -> str:
    paths = _public_paths()

    def title(attr: re.Match[str]) -> str:
        text = _PRIVATE_PATH.sub(lambda m: _public_title(m, paths), attr.group(1))
        return f'title="{text}"'

    return re.sub(r'title="([^"]*)"', title, output)
