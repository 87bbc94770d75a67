"""Packaged fact files, validated once: the pre-built data of a file while its bytes are unchanged.

Validating a fact file (``tomllib`` then the pydantic models) costs a fresh process more than
reading a small file does: the first :func:`hmcts_data.read` would pay for pydantic, its model
classes and the TOML parser. So ``_prebuilt.json`` (next to this module, written by
``python -m hmcts_data.tables._prebuild``) holds, per fact file, the sha256 of its bytes and the
data its full validation produced (defaults filled, JSON-shaped). :func:`load_facts` hashes the
packaged bytes: the same digest returns that data (no TOML, no pydantic); another digest (a
file edited without regenerating, a changed install) runs the full validation, exactly as if no
pre-built data existed, with its errors naming the entry.

Either way the caller builds its runtime objects from the same JSON-shaped data, so both paths
give equal objects.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any, Final

from hmcts_data._errors import ParseError

if TYPE_CHECKING:
    from pydantic import BaseModel

__all__ = [
    "PREBUILD_COMMAND",
    "PREBUILT",
    "load_facts",
    "normalised",
    "packaged_bytes",
    "validate_toml",
]

_log = logging.getLogger("hmcts_data")

#: The pre-built data file, next to the fact files in ``hmcts_data.tables``.
PREBUILT: Final = "_prebuilt.json"
#: The maintainer command that rewrites :data:`PREBUILT` from the fact files.
PREBUILD_COMMAND: Final = "python -m hmcts_data.tables._prebuild"


def packaged_bytes(file: str) -> bytes:
    """The bytes of a file packaged in ``hmcts_data.tables``.

    Raises:
        OSError: The file is missing or unreadable (the callers turn it into a ParseError).
    """
    return resources.files("hmcts_data.tables").joinpath(file).read_bytes()


@cache
def _prebuilt() -> dict[str, Any]:
    """The pre-built data by fact file; empty when the file is missing or unreadable."""
    try:
        found = json.loads(packaged_bytes(PREBUILT))
    except (OSError, ValueError) as exc:
        _log.debug("No usable pre-built fact data (%s): fact files are validated at load", exc)
        return {}
    return found if isinstance(found, dict) else {}


def normalised(data: Any) -> Any:
    """``data`` as it reads back from JSON (tuples become lists): what the pre-built file holds."""
    return json.loads(json.dumps(data, ensure_ascii=False))


def load_facts(file: str, validate: Callable[[bytes, str], Any]) -> Any:
    """The validated, JSON-shaped data of the packaged fact file ``file``.

    Args:
        file: The fact file's name in ``hmcts_data.tables`` (``"vocabulary.toml"`` ...).
        validate: Full validation of the file's bytes and name (TOML, models, cross-checks),
            returning JSON-shaped data; it raises the file's own :class:`~hmcts_data.ParseError`.

    Returns:
        The pre-built data when the file's sha256 is the one it was built from, else
        ``validate``'s result in the same JSON shape.

    Raises:
        ParseError: The file cannot be read, or (from ``validate``) it changed since the
            pre-built data and is invalid; the message names the entry.
    """
    try:
        data = packaged_bytes(file)
    except OSError as exc:
        raise ParseError(
            f"The packaged {file} cannot be read ({exc}). Reinstall hmcts_data.", file=file
        ) from exc
    entry = _prebuilt().get(file)
    if isinstance(entry, dict) and entry.get("sha256") == hashlib.sha256(data).hexdigest():
        return entry["data"]
    _log.debug(
        "%s differs from its pre-built data (%s): validating it at load; run %s to rebuild",
        file,
        "none" if entry is None else "another digest",
        PREBUILD_COMMAND,
    )
    return normalised(validate(data, file))


def validate_toml(data: bytes, file: str, model: type[BaseModel], what: str) -> dict[str, Any]:
    """The TOML ``data`` of ``file`` validated by the pydantic ``model``, as plain data.

    For the fact files whose whole validation is one model (the others add cross-checks).

    Args:
        data: The file's bytes.
        file: Its name, for the message.
        model: The pydantic model of the whole file.
        what: What the file holds, for the message ("tidy vocabulary" ...).

    Returns:
        ``model``'s ``model_dump()`` of the file (defaults filled).

    Raises:
        ParseError: The bytes are not UTF-8 TOML or not valid for ``model``; the message
            names the entry.
    """
    import tomllib

    from pydantic import ValidationError

    try:
        return model.model_validate(tomllib.loads(data.decode("utf-8"))).model_dump()
    except (UnicodeDecodeError, tomllib.TOMLDecodeError, ValidationError) as exc:
        raise ParseError(
            f"The packaged {what} is invalid: {exc}. Fix the entry named in {file} (or "
            "reinstall hmcts_data).",
            file=file,
        ) from exc
