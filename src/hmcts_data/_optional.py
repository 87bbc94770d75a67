"""Importing optional extras (matplotlib, pyarrow, duckdb), or saying which extra to install."""

from __future__ import annotations

import importlib
from types import ModuleType

from hmcts_data._errors import MissingDependencyError

__all__ = ["require"]


def require(module: str, *, extra: str, feature: str) -> ModuleType:
    """Import an optional dependency, or explain which extra installs it.

    Args:
        module: The module to import (``"matplotlib.figure"``, ``"pyarrow.parquet"`` ...).
        extra: The ``hmcts-data`` extra that provides it (``"plot"``, ``"parquet"``, ``"duckdb"``).
        feature: What needs it, for the message (``"hmcts_data.plot.trend"``).

    Returns:
        The imported module.

    Raises:
        MissingDependencyError: The module (or the package it belongs to) is not installed.

    Example:
        >>> require("json", extra="none", feature="an example").__name__
        'json'
    """
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        package = module.split(".", 1)[0]
        missing = exc.name or package
        # Only a missing top-level package is "install the extra"; a broken install of a
        # present package (a failing sub-import) must surface as itself.
        if missing.split(".", 1)[0] != package:
            raise
        raise MissingDependencyError(package, extra, feature=feature) from exc
