"""The catalogue snapshot embedded in the package, and writing a new one.

``snapshot.json`` is a :class:`Catalogue` serialised with ``model_dump(mode="json")``. The one
shipped was assembled by hand from documented facts only; maintainers regenerate it from live
GOV.UK with ``hmcts-data catalogue --refresh --write-snapshot PATH``.

Beside it, ``snapshot.listing.json`` holds what ``hmcts-data catalogue`` prints for it and its
sha256 (see ``_listing``): the offline listing then needs no validation. Writing a snapshot
writes its listing too; after editing one by hand, ``hmcts-data catalogue --write-listing PATH``
rebuilds it (a test fails while the packaged one is out of date).
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
    "write_listing",
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
    """Write ``catalogue`` as a snapshot file, atomically (all or nothing), and its listing.

    The result is marked ``source = "snapshot"`` and keeps the catalogue's ``generated_at``
    and notes. Its pre-built listing is written after it, beside it (``<name>.listing.json``,
    see :func:`write_listing`). To ship them, replace ``src/hmcts_data/_catalogue/snapshot.json``
    and ``snapshot.listing.json`` with them.

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
    # Second: a listing left older than its snapshot records another sha256, so it is unused.
    _write_listing_of(snapshot, data, target)
    return target


def write_listing(path: str | Path) -> Path:
    """Validate the snapshot file at ``path`` and write its pre-built listing beside it.

    The listing (``<name>.listing.json``) is what ``hmcts-data catalogue`` prints for the
    snapshot, with the snapshot's sha256: the offline listing uses it, without validating the
    snapshot, only while the snapshot's bytes still hash to that. Written atomically.

    Args:
        path: A snapshot file (``src/hmcts_data/_catalogue/snapshot.json`` to ship it).

    Returns:
        The path of the listing written.

    Raises:
        ParseError: The file cannot be read or is not a valid catalogue (the message names it).

    Example:
        >>> write_listing("src/hmcts_data/_catalogue/snapshot.json")  # doctest: +SKIP
        PosixPath('src/hmcts_data/_catalogue/snapshot.listing.json')
    """
    source = Path(path)
    try:
        data = source.read_bytes()
    except OSError as exc:
        raise ParseError(
            f"Cannot read the snapshot file {str(source)!r} ({exc.strerror or exc}). Give the "
            "path of a snapshot file, such as src/hmcts_data/_catalogue/snapshot.json.",
            file=str(source),
        ) from None
    catalogue = load_catalogue_json(data, origin=str(source))
    return _write_listing_of(catalogue.model_copy(update={"source": "snapshot"}), data, source)


def _write_listing_of(snapshot: Catalogue, data: bytes, path: Path) -> Path:
    from hmcts_data._cache import atomic_write_bytes
    from hmcts_data._catalogue._listing import dump_prebuilt, listing_of, listing_path_for

    target = listing_path_for(path)
    atomic_write_bytes(target, dump_prebuilt(listing_of(snapshot), data).encode("utf-8"))
    return target
