"""The shared parse step of the publications read through :func:`read_tables` and a crosswalk.

Used by :mod:`~hmcts_data.tables.weekly_covid`, :mod:`~hmcts_data.tables.remote_hearings`,
:mod:`~hmcts_data.tables.reformed_services` and :mod:`~hmcts_data.tables.ad_hoc`. No file of
these publications has been seen, so unlike the monthly parser the default is to **keep**
figures whose labels the crosswalk does not know (null jurisdiction/measure, raw label kept)
with one warning per file naming them; ``on_unknown="raise"`` turns that into
:class:`~hmcts_data.SchemaDriftError`.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING

from hmcts_data._errors import SchemaDriftError
from hmcts_data.tables import OnUnknown
from hmcts_data.tables._crosswalk import load_crosswalk
from hmcts_data.tables._reader import read_tables
from hmcts_data.tables._schema import Provenance, tidy_dtypes, validate_tidy
from hmcts_data.tables._weeks import WeekDates

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["parse_publication"]

_SHOWN = 15


def parse_publication(
    data: bytes,
    provenance: Provenance,
    *,
    on_unknown: OnUnknown = "keep",
    week_dates: WeekDates | None = None,
) -> pd.DataFrame:
    """Read every table of a file and map its labels with the publication's crosswalk.

    Args:
        data: The file's bytes (CSV, XLSX or ODS).
        provenance: Where the file comes from; ``provenance.publication`` picks the crosswalk.
        on_unknown: ``"keep"`` (default): unknown labels are kept with null jurisdiction and
            measure and one warning names them. ``"raise"``: raise instead.
        week_dates: How to read bare dates of weekly tables when the file does not say.

    Returns:
        One validated tidy frame for the whole file (one ``release`` for every table: the one
        given, else the latest period month in the file).

    Raises:
        ParseError: The file is unreadable or holds no table; a table has no header row or
            no period; a value cell is not a figure.
        SchemaDriftError: Unknown labels with ``on_unknown="raise"``.
    """
    import pandas as pd

    crosswalk = load_crosswalk(provenance.publication)
    tables = read_tables(data, name=provenance.source_file)
    frames = [
        table.to_tidy(provenance, classify=crosswalk.classify, week_dates=week_dates)
        for table in tables
    ]
    frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    if provenance.release is None and len(frames) > 1:
        latest = str(frame["release"].max())
        frame["release"] = pd.Series([latest] * len(frame), dtype=tidy_dtypes()["release"])
    unknown_rows = frame["jurisdiction"].isna() | frame["measure"].isna()
    if bool(unknown_rows.any()):
        located = frame.loc[unknown_rows, ["source_sheet", "source_label"]].drop_duplicates()
        labels = [
            (f"{sheet}: " if isinstance(sheet, str) else "") + str(label)
            for sheet, label in located.itertuples(index=False)
        ]
        shown = ", ".join(repr(x) for x in labels[:_SHOWN])
        more = f" and {len(labels) - _SHOWN} more" if len(labels) > _SHOWN else ""
        if on_unknown == "raise":
            raise SchemaDriftError(
                f"{provenance.source_file}: {len(labels)} label(s) the {provenance.publication} "
                f"crosswalk does not know: {shown}{more}. Pass on_unknown='keep' to keep their "
                "figures with null jurisdiction/measure, and report the file so the crosswalk "
                "can learn them.",
                labels=labels,
                file=provenance.source_file,
            )
        warnings.warn(
            f"{provenance.source_file}: kept {int(unknown_rows.sum())} figure(s) whose labels "
            f"the {provenance.publication} crosswalk does not know, with null jurisdiction or "
            f"measure: {shown}{more}. Please report the file so the crosswalk can learn them.",
            UserWarning,
            stacklevel=3,
        )
    return validate_tidy(frame, file=provenance.source_file)
