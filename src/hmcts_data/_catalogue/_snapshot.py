"""The catalogue snapshot embedded in the package, and writing a new one.

``snapshot.json`` is a :class:`Catalogue` serialised with ``model_dump(mode="json")``. The one
shipped was assembled by hand from documented facts only; maintainers regenerate it from live
GOV.UK with ``hmcts-data catalogue --refresh --write-snapshot PATH``.

What ``hmcts-data catalogue`` prints for it is kept in the user's cache by the first offline
listing (see ``_listing``), never beside it: the snapshot is the one form in the package.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path

from pydantic import ValidationError

from hmcts_data._catalogue._models import Catalogue
from hmcts_data._errors import ParseError

__all__ = [
    "dump_catalogue",
    "load_catalogue_json",
    "load_snapshot",
    "write_snapshot",
]

_PACKAGED = "hmcts_data/_catalogue/snapshot.json"


def load_catalogue_json(data: bytes | str, *, origin: str) -> Catalogue:
    """Validate serialised catalogue JSON into a :class:`Catalogue`.

    Args:
        data: The JSON text.
        origin: Where it came from, for error messages (a path or URL).

    Returns:
        The catalogue.

    Raises:
        ParseError: The text is not JSON or not a catalogue; the message names ``origin``.

    Example:
        >>> cat = load_catalogue_json(dump_catalogue(load_snapshot()), origin="copy")
        >>> cat == load_snapshot()
        True
    """
    try:
        return Catalogue.model_validate_json(data)
    except ValidationError as exc:
        # The page models are only needed to report the problem.
        from hmcts_data._catalogue._pages import first_problem

        where, msg = first_problem(exc)
        raise ParseError(
            f"{origin} is not a valid hmcts-data catalogue: {exc.error_count()} problem(s), "
            f"first at {where}: {msg}. Regenerate it with "
            "'hmcts-data catalogue --refresh --write-snapshot PATH'.",
            file=origin,
        ) from None


@cache
def load_snapshot() -> Catalogue:
    """Load the snapshot embedded in the package (validated; cached after the first call).

    Returns:
        The catalogue, with ``source == "snapshot"``.

    Raises:
        ParseError: The packaged snapshot is invalid (a packaging bug: reinstall).

    Example:
        >>> load_snapshot().get("monthly").release("2025-04").data_file().filename
        'HMCTS_MI_output_accessible.csv'
    """
    ref = resources.files("hmcts_data._catalogue").joinpath("snapshot.json")
    catalogue = load_catalogue_json(ref.read_bytes(), origin=_PACKAGED)
    if catalogue.source != "snapshot":
        return catalogue.model_copy(update={"source": "snapshot"})
    return catalogue


def dump_catalogue(catalogue: Catalogue) -> str:
    """Serialise a catalogue as indented JSON (stable key order, UTF-8 text).

    Example:
        >>> dump_catalogue(load_snapshot()).startswith("{")
        True
    """
    return json.dumps(catalogue.model_dump(mode="json"), indent=1, ensure_ascii=False) + "\n"


def write_snapshot(catalogue: Catalogue, path: str | Path) -> Path:
    """Write ``catalogue`` as a snapshot file, atomically (all or nothing).

    The result is marked ``source = "snapshot"`` and keeps the catalogue's ``generated_at``
    and notes. To ship it, replace ``src/hmcts_data/_catalogue/snapshot.json`` with it.

    Args:
        catalogue: Usually a live discovery.
        path: Where to write.

    Returns:
        The path written.

    Example:
        >>> write_snapshot(hmcts_data.catalogue(refresh=True), "snapshot.json")  # doctest: +SKIP
    """
    from hmcts_data._cache import atomic_write_bytes

    target = Path(path)
    snapshot = catalogue.model_copy(update={"source": "snapshot"})
    target.parent.mkdir(parents=True, exist_ok=True)
    data = dump_catalogue(snapshot).encode("utf-8")
    atomic_write_bytes(target, data)
    return target
