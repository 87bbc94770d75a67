"""Parser for the weekly use of remote hearing technologies (hearings by mode).

No data file of this publication has been seen: the layout is read by
:func:`hmcts_data.read_tables` and labels are mapped with ``remote_hearings_crosswalk.toml``
(plus the shared ``common_crosswalk.toml``). Unknown labels are kept with a warning by default; see
:mod:`hmcts_data.tables._publication`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from hmcts_data.tables import OnUnknown
from hmcts_data.tables._publication import parse_publication
from hmcts_data.tables._schema import Provenance
from hmcts_data.tables._weeks import WeekDates

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["PUBLICATION", "parse"]

#: Publication id this module parses.
PUBLICATION = "remote-hearings"


def parse(
    data: bytes,
    provenance: Provenance,
    *,
    on_unknown: OnUnknown = "keep",
    week_dates: WeekDates | None = None,
) -> pd.DataFrame:
    """Parse a file of this publication into the tidy contract.

    Args:
        data: The file's bytes (CSV, XLSX or ODS, told by content).
        provenance: Where the file comes from.
        on_unknown: ``"keep"`` (default) keeps figures with unknown labels (null jurisdiction
            or measure) and warns once naming them; ``"raise"`` raises
            :class:`~hmcts_data.SchemaDriftError` instead.
        week_dates: ``"commencing"`` or ``"ending"`` for bare week dates the file does not
            explain.

    Returns:
        The validated tidy frame.

    Raises:
        ParseError: Unreadable file, no table, a table with no header row or no period.
        SchemaDriftError: Unknown labels with ``on_unknown="raise"``.

    Example:
        >>> from hmcts_data.tables._schema import Provenance
        >>> frame = parse(data, Provenance("remote-hearings", "file.ods", sha))  # doctest: +SKIP
    """
    if provenance.publication != PUBLICATION:
        import dataclasses

        provenance = dataclasses.replace(provenance, publication=PUBLICATION)
    return parse_publication(data, provenance, on_unknown=on_unknown, week_dates=week_dates)
