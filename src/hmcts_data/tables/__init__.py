"""From published files to the tidy frame.

The statistical-spreadsheet reader, the tidy contract, and the parser of each publication the
registry (``publications.toml``) says how to read: most are read through
:func:`hmcts_data.read_tables` and their crosswalk (:mod:`hmcts_data.tables._publication`); a
publication that truly differs names a module of its own (the monthly MI:
:mod:`hmcts_data.tables.monthly`). Each ``parse(data: bytes, provenance: Provenance, *,
on_unknown: OnUnknown)`` returns the one parse result, :class:`~hmcts_data.tables._schema.Parsed`:
the file's checked parts of the tidy contract, whose ``frame()`` is its tidy frame.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Literal, Protocol, cast

from hmcts_data._registry import registry

if TYPE_CHECKING:
    from hmcts_data.tables._schema import Parsed, Provenance

__all__ = ["OnUnknown", "Parser", "parser_for"]

#: What to do with a header or label the crosswalk does not know.
OnUnknown = Literal["raise", "keep"]


class Parser(Protocol):
    """A publication's ``parse(data, provenance, *, on_unknown=...)``."""

    def __call__(self, data: bytes, provenance: Provenance, **options: OnUnknown) -> Parsed:
        """Parse a file's bytes into the tidy contract, checked."""


def _module(publication: str) -> object | None:
    """The module of a publication's own parser, or ``None`` for one read by its crosswalk."""
    reading = registry().get(publication, parsed=True).read
    assert reading is not None  # get(parsed=True) returns only publications that are read
    if reading.parser == "crosswalk":
        return None
    return importlib.import_module(f"hmcts_data.tables.{reading.parser}")


def parser_for(publication: str) -> Parser:
    """The ``parse`` function of a publication, as the registry says to read it.

    Raises:
        NotFoundError: ``publication`` is not the id of a publication whose files are read
            (with suggestions).

    Example:
        >>> parser_for("monthly").__module__
        'hmcts_data.tables.monthly'
    """
    module = _module(publication)
    if module is None:
        from hmcts_data.tables._publication import publication_parser

        return cast(Parser, publication_parser(publication))
    return cast(Parser, getattr(module, "parse"))  # noqa: B009 - a module's attribute
