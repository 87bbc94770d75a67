"""The verbs users call on data: read a file they already have (and, later, load from GOV.UK)."""

from __future__ import annotations

import hashlib
import importlib
import os
from datetime import datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Protocol, cast

from hmcts_data._errors import NotFoundError, ParseError
from hmcts_data.tables import PARSERS, OnUnknown
from hmcts_data.tables._schema import Provenance

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Source", "read"]

#: What :func:`read` accepts: a path, raw bytes, or a binary file object.
Source = str | os.PathLike[str] | bytes | bytearray | memoryview | IO[bytes]


class _Parser(Protocol):
    def __call__(
        self, data: bytes, provenance: Provenance, *, on_unknown: OnUnknown
    ) -> pd.DataFrame: ...


def parser_for(publication: str) -> _Parser:
    """Return the ``parse`` function of a publication's parser module.

    Raises:
        NotFoundError: ``publication`` is not a known publication id (with suggestions).
    """
    try:
        module_name = PARSERS[publication]
    except KeyError:
        raise NotFoundError("publication", publication, sorted(PARSERS)) from None
    module = importlib.import_module(module_name)
    return cast(_Parser, module.parse)


def read_source(source: Source) -> tuple[bytes, str]:
    """Read a path, bytes or binary file into ``(bytes, display name)``.

    Raises:
        ParseError: The path does not exist or cannot be read.
    """
    if isinstance(source, bytes | bytearray | memoryview):
        return bytes(source), "<bytes>"
    if isinstance(source, str | os.PathLike):
        path = Path(source)
        try:
            return path.read_bytes(), path.name
        except FileNotFoundError:
            raise ParseError(
                f"No such file: {str(path)!r}. Check the path.", file=str(path)
            ) from None
        except OSError as exc:
            raise ParseError(
                f"Cannot read {str(path)!r}: {exc.strerror or exc}.", file=str(path)
            ) from exc
    data = source.read()
    if not isinstance(data, bytes):
        raise ParseError(
            f"{source!r} returned {type(data).__name__}, not bytes: open files in binary mode "
            "('rb')."
        )
    name = getattr(source, "name", None)
    return data, Path(name).name if isinstance(name, str) else "<stream>"


def read(
    publication: str,
    source: Source,
    *,
    on_unknown: OnUnknown = "raise",
    release: str | None = None,
    published: datetime | None = None,
    source_url: str | None = None,
) -> pd.DataFrame:
    """Parse a file you already have into the tidy frame (no network).

    The format (CSV, XLSX or ODS) is detected from the bytes, not from the file name, so a file
    renamed by a browser (``HMCTS_MI_output_accessible (2).csv``) still reads.

    Args:
        publication: Publication id: ``"monthly"``, ``"weekly-covid"``, ``"remote-hearings"``,
            ``"reformed-services"`` or ``"ad-hoc"``.
        source: A path, the file's bytes, or a file object opened in binary mode.
        on_unknown: ``"raise"`` (default) raises :class:`SchemaDriftError` for a header the
            crosswalk does not know; ``"keep"`` keeps its figures with null jurisdiction and
            measure, and warns.
        release: The release's latest data month (``"YYYY-MM"``); by default the latest month
            in the file.
        published: When the release was published, if known.
        source_url: Where the file came from, if known (kept as provenance).

    Returns:
        The tidy frame (see the tidy contract in the docs).

    Raises:
        NotFoundError: Unknown publication id.
        ParseError: The file cannot be read; the message names file, sheet, row and column.
        SchemaDriftError: A header the crosswalk does not know (with ``on_unknown="raise"``).

    Example:
        >>> import hmcts_data
        >>> frame = hmcts_data.read("monthly", "HMCTS_MI_output_accessible.csv")  # doctest: +SKIP
        >>> frame.groupby("jurisdiction", observed=True)["value"].count()  # doctest: +SKIP
    """
    parse = parser_for(publication)
    data, name = read_source(source)
    provenance = Provenance(
        publication=publication,
        source_file=name,
        sha256=hashlib.sha256(data).hexdigest(),
        release=release,
        published=published,
        source_url=source_url,
    )
    return parse(data, provenance, on_unknown=on_unknown)
