"""Packaged fact files: TOML read straight into the frozen dataclasses the parsers use.

Every fact has one form: a frozen dataclass in the module that uses it (a vocabulary entry, a
crosswalk series, a phrase ...). Its annotations say each field's type and its
``__post_init__`` states the rules a value must meet (not blank, known to the vocabulary, no
phrase owned twice ...). :func:`hmcts_data._build.build` turns parsed TOML into those
dataclasses, checking every value against its annotation and refusing unknown or missing keys,
so a fact file is validated each time it is loaded, edited or not, without pydantic. A fresh
process pays ``tomllib`` and these checks (a few tens of milliseconds for the monthly files),
not pydantic's import.

The test suite also validates every packaged file with pydantic (``TypeAdapter`` on the same
dataclasses), an independent check of the builder.
"""

from __future__ import annotations

from importlib import resources
from typing import Any, TypeVar

from hmcts_data._build import FactError, build
from hmcts_data._errors import ParseError

__all__ = ["load_facts", "load_toml", "packaged_bytes"]

_T = TypeVar("_T")


def packaged_bytes(file: str) -> bytes:
    """The bytes of a file packaged in ``hmcts_data.tables``.

    Raises:
        OSError: The file is missing or unreadable (the callers turn it into a ParseError).
    """
    return resources.files("hmcts_data.tables").joinpath(file).read_bytes()


def _invalid(what: str, file: str, exc: Exception) -> ParseError:
    return ParseError(
        f"The packaged {what} {file} is invalid: {exc}. Fix the entry named (or reinstall "
        "hmcts_data).",
        file=file,
    )


def load_toml(file: str, what: str) -> dict[str, Any]:
    """The parsed TOML of the packaged fact file ``file``.

    Args:
        file: Its name in ``hmcts_data.tables`` (``"vocabulary.toml"`` ...).
        what: What it holds, for messages (``"tidy vocabulary"`` ...).

    Raises:
        ParseError: The file cannot be read or is not UTF-8 TOML.
    """
    import tomllib

    try:
        data = packaged_bytes(file)
    except OSError as exc:
        raise ParseError(
            f"The packaged {file} cannot be read ({exc}). Reinstall hmcts_data.", file=file
        ) from exc
    try:
        return tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise _invalid(what, file, exc) from exc


def load_facts(cls: type[_T], file: str, what: str) -> _T:
    """The packaged fact file ``file`` built into ``cls`` (see :func:`hmcts_data._build.build`).

    Args:
        cls: The frozen dataclass of the whole file.
        file: Its name in ``hmcts_data.tables``.
        what: What it holds, for messages.

    Raises:
        ParseError: The file cannot be read, is not TOML or breaks a rule; the message names
            the entry.
    """
    raw = load_toml(file, what)
    try:
        return build(cls, raw)
    except FactError as exc:
        raise _invalid(what, file, exc) from exc
