"""hmcts_data: the HM Courts & Tribunals Service open data catalogue, typed and tidy.

Three lines from nothing to a tidy frame::

    import hmcts_data
    frame = hmcts_data.load("monthly")               # latest release, tidy and validated
    hmcts_data.catalogue().get("monthly").latest()   # what is there

Importing the package touches no network, writes no file and does not import pandas: every
public name is resolved on first use.
"""

# The public names are stated once, in __init__.pyi beside this file: type checkers and IDEs
# read it as this module's interface, and _public() reads it as the table of where each name
# lives, so __all__ and the lazy resolution below derive from it (the lazy-loading pattern of
# scientific Python's SPEC 1, without importing ast at start-up).

from __future__ import annotations

import importlib
import os
from typing import Any


def _public() -> dict[str, str]:
    """Public name -> the module defining it (the name's own module when it is a submodule)."""
    table = {}
    with open(os.path.join(os.path.dirname(__file__), "__init__.pyi"), encoding="utf-8") as stub:
        for line in stub:
            if not line.startswith("from "):
                continue
            words = line.split()
            if len(words) != 6 or words[2] != "import" or words[4] != "as" or words[3] != words[5]:
                raise ImportError(f"hmcts_data/__init__.pyi: not 'from M import N as N': {line!r}")
            module, name = words[1], words[3]
            table[name] = f"{module}.{name}" if module == __name__ else module
    return table


_LAZY: dict[str, str] = _public()

__all__ = sorted(_LAZY)  # noqa: PLE0605 - derived from the stub, not restated


def __getattr__(name: str) -> Any:
    module_name = _LAZY.get(name)
    if module_name is None:
        raise AttributeError(f"module 'hmcts_data' has no attribute {name!r}")
    module = importlib.import_module(module_name)
    value = module if module_name == f"{__name__}.{name}" else getattr(module, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
