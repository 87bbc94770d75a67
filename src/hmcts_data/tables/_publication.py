"""The shared parse step of the publications read through :func:`read_tables` and a crosswalk.

Used for every publication the registry (``publications.toml``) reads with ``parser =
"crosswalk"``: weekly COVID, remote hearings, reformed services and ad hoc. No file of these
publications has been seen: every label is read by the header interpreter's engine with
the publication's vocabulary (:mod:`hmcts_data.tables._crosswalk`), so every mapping is
``"inferred"``. As for the monthly MI, the default is to **keep** figures whose labels it cannot
read with certainty (null jurisdiction, measure and ``mapping``; raw label kept) with one
warning per file naming them and why; ``on_unknown="raise"`` turns that into
:class:`~hmcts_data.SchemaDriftError`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING, Protocol

from hmcts_data._errors import SchemaDriftError
from hmcts_data._warn import warn
from hmcts_data.tables import OnUnknown
from hmcts_data.tables._crosswalk import load_crosswalk
from hmcts_data.tables._reader import LabelMeaning, melt_table, read_tables
from hmcts_data.tables._schema import Parsed, Provenance, parsed
from hmcts_data.tables._weeks import WeekDates

if TYPE_CHECKING:
    pass

__all__ = ["PublicationParser", "parse_publication", "publication_parser"]

_SHOWN = 15


class PublicationParser(Protocol):
    """The ``parse`` function of a publication module (see :func:`publication_parser`)."""

    def __call__(
        self,
        data: bytes,
        provenance: Provenance,
        *,
        on_unknown: OnUnknown = "keep",
        week_dates: WeekDates | None = None,
    ) -> Parsed: ...


@cache
def publication_parser(publication: str) -> PublicationParser:
    r"""Return the ``parse`` function of a publication read through its crosswalk.

    Every such publication parses the same way (:func:`parse_publication`); only the id, and
    with it the crosswalk, differs. The function returned (one per publication, cached) forces
    ``provenance.publication`` to ``publication``.

    Args:
        publication: Publication id with a packaged ``<id>_crosswalk.toml``.

    Returns:
        ``parse(data, provenance, *, on_unknown="keep", week_dates=None)``.

    Example:
        >>> from hmcts_data import Provenance
        >>> parse = publication_parser("remote-hearings")
        >>> raw = b"Table 1: Hearings by mode\n\nWeek ending,Crown Court - Video\n12/04/2020,5\n"
        >>> frame = parse(raw, Provenance("remote-hearings", "h.csv", "0" * 64)).frame()
        >>> frame.loc[0, ["jurisdiction", "measure", "breakdown"]].tolist()
        ['crown_court', 'hearings', 'video']
    """

    def parse(
        data: bytes,
        provenance: Provenance,
        *,
        on_unknown: OnUnknown = "keep",
        week_dates: WeekDates | None = None,
    ) -> Parsed:
        if provenance.publication != publication:
            provenance = dataclasses.replace(provenance, publication=publication)
        return parse_publication(data, provenance, on_unknown=on_unknown, week_dates=week_dates)

    parse.__doc__ = _PARSE_DOC.format(publication=publication)
    return parse


_PARSE_DOC = """Parse a file of the {publication} publication into the tidy contract.

    Args:
        data: The file's bytes (CSV, XLSX or ODS, told by content).
        provenance: Where the file comes from (its ``publication`` is set to
            ``"{publication}"``).
        on_unknown: ``"keep"`` (default) keeps figures with unknown labels (null jurisdiction
            or measure) and warns once naming them; ``"raise"`` raises
            :class:`~hmcts_data.SchemaDriftError` instead.
        week_dates: ``"commencing"`` or ``"ending"`` for bare week dates the file does not
            explain.

    Returns:
        The checked parse result; ``.frame()`` is its tidy frame.

    Raises:
        ParseError: Unreadable file, no table, a table with no header row or no period.
        SchemaDriftError: Unknown labels with ``on_unknown="raise"``.

    Example:
        >>> parse(data, Provenance("{publication}", "f.ods", sha)).frame()  # doctest: +SKIP
    """


def parse_publication(
    data: bytes,
    provenance: Provenance,
    *,
    on_unknown: OnUnknown = "keep",
    week_dates: WeekDates | None = None,
) -> Parsed:
    """Read every table of a file and map its labels with the publication's crosswalk.

    Args:
        data: The file's bytes (CSV, XLSX or ODS).
        provenance: Where the file comes from; ``provenance.publication`` picks the crosswalk.
        on_unknown: ``"keep"`` (default): unknown labels are kept with null jurisdiction and
            measure and one warning names them. ``"raise"``: raise instead.
        week_dates: How to read bare dates of weekly tables when the file does not say.

    Returns:
        The whole file's checked parse result (one ``release`` for every table: the one
        given, else the latest period month in the file).

    Raises:
        ParseError: The file is unreadable or holds no table; a table has no header row or
            no period; a value cell is not a figure.
        SchemaDriftError: Unknown labels with ``on_unknown="raise"``.
    """
    crosswalk = load_crosswalk(provenance.publication)
    reasons: dict[str, str] = {}

    def classify(parts: Sequence[str], title: str | None) -> LabelMeaning:
        meaning, why = crosswalk.read(parts, title)
        if why is not None:
            reasons[" | ".join(parts)] = why
        return meaning

    tables = read_tables(data, name=provenance.source_file)
    parts = [
        part
        for table in tables
        for part in melt_table(table, provenance, classify=classify, week_dates=week_dates).parts
    ]
    if provenance.release is None and len(tables) > 1 and parts:
        # One release for the whole file: the latest period month of any of its tables.
        latest = max(str(p.provenance.release) for p in parts)
        parts = [
            dataclasses.replace(p, provenance=dataclasses.replace(p.provenance, release=latest))
            for p in parts
        ]
    # (sheet, label) of each unmapped column, in file order, and how many figures they hold.
    unknown: dict[tuple[str | None, str | None], None] = {}
    unknown_rows = 0
    for part in parts:
        codes = part.codes
        unmapped = ((codes["jurisdiction"] < 0) | (codes["measure"] < 0)).tolist()
        for label, missing in zip(part.labels, unmapped, strict=True):
            if missing:
                unknown[(part.provenance.sheet, label)] = None
                unknown_rows += len(part.starts)
    if unknown:
        located = list(unknown)
        labels = [
            (f"{sheet}: " if isinstance(sheet, str) else "") + str(label)
            for sheet, label in located
        ]
        shown = ", ".join(
            repr(x) + _why(str(raw), reasons)
            for x, (_, raw) in zip(labels[:_SHOWN], located, strict=False)
        )
        more = f" and {len(labels) - _SHOWN} more" if len(labels) > _SHOWN else ""
        if on_unknown == "raise":
            raise SchemaDriftError(
                f"{provenance.source_file}: {len(labels)} label(s) the {provenance.publication} "
                f"vocabulary cannot read with certainty: {shown}{more}. Pass on_unknown='keep' "
                "to keep their figures with null jurisdiction/measure, and report the file so "
                "the vocabulary can learn them.",
                labels=labels,
                file=provenance.source_file,
            )
        warn(
            f"{provenance.source_file}: kept {unknown_rows} figure(s) whose labels "
            f"the {provenance.publication} vocabulary cannot read with certainty, with null "
            f"jurisdiction, measure and mapping: {shown}{more}. Please report the file so the "
            "vocabulary can learn them.",
            UserWarning,
            stacklevel=3,
        )
    return parsed(parts)


def _why(label: str, reasons: dict[str, str]) -> str:
    """`` (reason)`` for a source label (a sheet of several tables prefixes the title)."""
    if label in reasons:
        return f" ({reasons[label]})"
    ends = [parts for parts in reasons if label.endswith(f" | {parts}")]
    return f" ({reasons[max(ends, key=len)]})" if ends else ""
