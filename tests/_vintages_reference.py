"""The vintage rules as first written (row-wise pandas): the reference the fast ones must match.

A frozen copy of ``hmcts_data.tables._vintages`` before it moved to integer keys and whole-column
arithmetic. Tests run both on the same frames and require identical results.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Final

from hmcts_data._errors import ParseError
from hmcts_data.tables._confirm import decide_mappings
from hmcts_data.tables._schema import TIDY_COLUMNS, validate_tidy

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

__all__ = ["latest_series", "revisions"]

_TIDY: Final = tuple(c.name for c in TIDY_COLUMNS)
_KEY: Final = "_figure"
_ORDER: Final = "_published_order"

#: Columns of the frame :func:`revisions` returns, in order.
REVISION_COLUMNS: Final = (
    "publication",
    "period_start",
    "period_end",
    "jurisdiction",
    "measure",
    "breakdown",
    "unit",
    "old_value",
    "new_value",
    "change",
    "kind",
    "old_release",
    "new_release",
    "old_marker",
    "new_marker",
    "level_shift",
    "source_label",
)


#: The columns that identify a figure (with the trimmed header standing in for unknown ones).
_FIGURE: Final = ("publication", "jurisdiction", "measure", "breakdown", "unit")
_PERIOD: Final = ("period_start", "period_end")


def _prepare(frame: pd.DataFrame) -> pd.DataFrame:
    """Add the figure key and a sortable publication time; refuse non-tidy frames.

    The key is an integer code per distinct (publication, period, jurisdiction, measure,
    breakdown, unit), grouped on the typed columns themselves: no text key is built.
    """
    import pandas as pd

    missing = [c for c in _TIDY if c not in frame.columns]
    if missing:
        raise ParseError(
            f"Not a tidy hmcts_data frame: columns {missing} are missing. Pass the frame that "
            "read()/load() returned (or several of them joined with pandas.concat)."
        )
    frame = frame.reset_index(drop=True)
    known = frame["measure"].notna() & frame["jurisdiction"].notna()
    # Unknown columns (null jurisdiction or measure) are told apart by their trimmed header;
    # known ones share one empty label, so a reworded header still joins its figure.
    label = pd.Series("", index=frame.index, dtype=object)
    if not bool(known.all()):
        label[~known] = "?" + frame.loc[~known, "source_label"].astype(str).str.strip()
    parts = [frame[c] for c in (*_FIGURE, *_PERIOD)]
    key = pd.DataFrame({str(k): part for k, part in enumerate([*parts, label])})
    codes = key.groupby(list(key.columns), sort=False, dropna=False, observed=True).ngroup()
    published = frame["published"]
    order = published.fillna(pd.Timestamp.min.tz_localize("UTC"))
    return frame.assign(**{_KEY: codes, _ORDER: order})


def _describe(row: pd.Series) -> str:
    """The figure of one row, for messages."""
    import pandas as pd

    known = pd.notna(row["measure"]) and pd.notna(row["jurisdiction"])
    what = (
        f"{row['jurisdiction']}|{row['measure']}|{row['breakdown']}"
        if known
        else f"?|{str(row['source_label']).strip()}"
    )
    return f"{row['publication']}|{what}|{row['unit']}|{row['period_start']}|{row['period_end']}"


def _one_per_release(work: pd.DataFrame) -> pd.DataFrame:
    """Keep one row per (figure, release); refuse two different values in one release."""
    work = work.sort_values([_KEY, "release", _ORDER], kind="stable")
    same = work.duplicated(subset=[_KEY, "release", _ORDER], keep=False)
    if bool(same.any()):
        clash = work.loc[same]
        # Identical copies collapse; what is left twice disagrees on its value or marker.
        distinct = clash.drop_duplicates(subset=[_KEY, "release", _ORDER, "value", "marker"])
        bad = distinct[distinct.duplicated(subset=[_KEY, "release", _ORDER], keep=False)]
        if len(bad):
            key, release = bad[_KEY].iloc[0], bad["release"].iloc[0]
            files = sorted(set(clash.loc[clash[_KEY] == key, "source_file"].astype(str)))
            raise ParseError(
                f"Release {release} gives two different values for one figure "
                f"({_describe(bad.iloc[0])}), from {files}. The same release was loaded twice "
                "from different files; keep one."
            )
        work = work.drop_duplicates(subset=[_KEY, "release", _ORDER], keep="last")
    return work


def _difference(old: pd.Series, new: pd.Series, mask: pd.Series) -> pd.Series:
    """``new - old`` where ``mask``, in decimal: 90.2 - 90.1 gives 0.1, not 0.10000000000000853."""
    import pandas as pd

    out = pd.Series(pd.NA, index=old.index, dtype="Float64")
    rows = mask[mask].index
    out.loc[rows] = [
        float(Decimal(repr(float(n))) - Decimal(repr(float(o))))
        for o, n in zip(old.loc[rows], new.loc[rows], strict=True)
    ]
    return out


def _sort_keys(work: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Integer arrays of the figure, the release (nulls last) and the publication time."""
    import numpy as np
    import pandas as pd

    release, _ = pd.factorize(work["release"], sort=True)
    release = np.where(release < 0, release.max(initial=0) + 1, release)
    published = work[_ORDER].to_numpy(dtype="datetime64[ns]").view("i8")
    return work[_KEY].to_numpy(dtype="int64"), release, published


def _newest_rows(work: pd.DataFrame, *, skip_missing: bool) -> np.ndarray:
    """Positions of the newest row of each figure (as a stable sort + keep="last" would give).

    Sorts a few integer arrays instead of the frame; a frame holding one release twice takes
    the checked path of :func:`_one_per_release` first.
    """
    import numpy as np

    key, release, published = _sort_keys(work)
    order = np.lexsort((published, release, key))
    k, r, t = key[order], release[order], published[order]
    if bool(((k[1:] == k[:-1]) & (r[1:] == r[:-1]) & (t[1:] == t[:-1])).any()):
        kept = _one_per_release(work)
        positions = work.index.get_indexer(kept.index)
        sub = _newest_rows(kept.reset_index(drop=True), skip_missing=skip_missing)
        picked: np.ndarray = positions[sub]
        return picked
    if skip_missing:
        has_value = work["value"].notna().to_numpy()
        order = np.lexsort((published, release, has_value, key))
        k = key[order]
    last = np.ones(len(k), dtype=bool)
    last[:-1] = k[1:] != k[:-1]
    return order[last]


def latest_series(frame: pd.DataFrame, *, skip_missing: bool = False) -> pd.DataFrame:
    """Keep, for every figure, the value from the newest release that publishes it.

    A figure is one (publication, period, jurisdiction, measure, breakdown, unit); the
    ``release`` column of the result says which release each value came from.

    Args:
        frame: A tidy frame, usually several releases stacked with ``pandas.concat``.
        skip_missing: By default the newest release wins even when its cell is missing (a
            figure the publisher has withdrawn stays withdrawn). With ``True``, a missing cell
            falls back to the newest release that has a value.

    Returns:
        A tidy frame with one row per figure: each series (jurisdiction, measure, breakdown,
        unit; an unmapped column's header) in period order, whichever releases and header
        wordings its rows come from.

    Raises:
        ParseError: ``frame`` is not tidy, or one release gives two different values for one
            figure (the same release loaded twice from different files).

    Example:
        >>> from datetime import date
        >>> import pandas, hmcts_data
        >>> from hmcts_data.testing import monthly_releases
        >>> apr, may = monthly_releases("D", date(2025, 4, 1), 2, seed=1)
        >>> both = pandas.concat([hmcts_data.read("monthly", f.data) for f in (apr, may)])
        >>> latest_series(both).groupby("release").size().to_dict()
        {'2025-04': 59, '2025-05': 767}
    """
    import pandas as pd

    work = _prepare(decide_mappings(frame, stacklevel=3))
    work = work.take(_newest_rows(work, skip_missing=skip_missing))
    # Period order within each series. The source label names a series only where it is
    # unmapped (its trimmed header is its key); a mapped series keeps its key across
    # rewordings, so sorting by label there would put eras before periods.
    known = work["measure"].notna() & work["jurisdiction"].notna()
    unmapped_label = work["source_label"].astype("string").str.strip().where(~known, "")
    work = work.assign(_unmapped_label=unmapped_label).sort_values(
        [
            "publication",
            "jurisdiction",
            "measure",
            "breakdown",
            "unit",
            "_unmapped_label",
            "period_start",
            "period_end",
        ],
        kind="stable",
        na_position="last",
    )
    out = work.loc[:, list(_TIDY)].reset_index(drop=True)
    # A whole-series revision is marked where the series switches to the revising release.
    key = ["publication", "jurisdiction", "measure", "breakdown", "unit", "release"]
    previous = out[key].astype("string").fillna("\0").shift(1)
    run = (out[key].astype("string").fillna("\0") == previous).all(axis=1)
    repeated = run & out["level_shift"].shift(1).notna()
    out["level_shift"] = out["level_shift"].mask(repeated.to_numpy(), pd.NA)
    return validate_tidy(out)


def revisions(frame: pd.DataFrame) -> pd.DataFrame:
    """List every figure that changed between consecutive releases.

    Consecutive means adjacent among the releases in ``frame`` that publish the figure. Three
    kinds of change are reported (column ``kind``):

    * ``"revised"``: a value replaced by a different value (``change`` = new - old);
    * ``"filled"``: missing in the older release, present in the newer one (typically the
      latest month's family figures, published a month late);
    * ``"withdrawn"``: present in the older release, missing in the newer one.

    A figure missing in both releases is not a change, even when its marker differs
    (``blank`` then ``NA``). Filter on ``kind == "revised"`` for revisions in the narrow sense.

    Args:
        frame: A tidy frame holding two or more releases.

    Returns:
        A frame with the columns in :data:`REVISION_COLUMNS`: the figure's key, ``old_value``,
        ``new_value``, ``change`` (``<NA>`` unless both are present), ``kind``,
        ``old_release``, ``new_release``, ``old_marker``, ``new_marker`` and the newer
        release's ``source_label``. Sorted by jurisdiction, measure, breakdown, period and
        release.

    Raises:
        ParseError: ``frame`` is not tidy, or one release gives two different values for one
            figure.

    Example:
        >>> from datetime import date
        >>> import pandas, hmcts_data
        >>> from hmcts_data.testing import monthly_releases
        >>> apr, may = monthly_releases("D", date(2025, 4, 1), 2, seed=1)
        >>> both = pandas.concat([hmcts_data.read("monthly", f.data) for f in (apr, may)])
        >>> sorted(set(hmcts_data.revisions(both)["kind"]))
        ['filled', 'revised']
    """
    import pandas as pd

    work = _one_per_release(_prepare(decide_mappings(frame, stacklevel=3)))
    work = work.sort_values([_KEY, "release", _ORDER], kind="stable")
    grouped = work.groupby(_KEY, sort=False)
    old_value = grouped["value"].shift(1)
    old_marker = grouped["marker"].shift(1)
    old_release = grouped["release"].shift(1)
    new_value = work["value"]
    has_old = old_release.notna()
    old_present = old_value.notna()
    new_present = new_value.notna()
    revised = has_old & old_present & new_present & (old_value != new_value).fillna(False)
    filled = has_old & ~old_present & new_present
    withdrawn = has_old & old_present & ~new_present
    changed = revised | filled | withdrawn
    text = pd.StringDtype("python")
    kind = pd.Series(pd.NA, index=work.index, dtype=text)
    kind[revised] = "revised"
    kind[filled] = "filled"
    kind[withdrawn] = "withdrawn"
    kind[revised & work["level_shift"].notna()] = "whole_series"
    out = pd.DataFrame(
        {
            "publication": work["publication"],
            "period_start": work["period_start"],
            "period_end": work["period_end"],
            "jurisdiction": work["jurisdiction"],
            "measure": work["measure"],
            "breakdown": work["breakdown"],
            "unit": work["unit"],
            "old_value": old_value.astype("Float64"),
            "new_value": new_value.astype("Float64"),
            "change": _difference(old_value, new_value, revised),
            "kind": kind,
            "old_release": old_release.astype(text),
            "new_release": work["release"].astype(text),
            "old_marker": old_marker.astype(text),
            "new_marker": work["marker"].astype(text),
            "level_shift": work["level_shift"].astype("Float64"),
            "source_label": work["source_label"],
        }
    ).loc[changed]
    out = out.sort_values(
        ["publication", "jurisdiction", "measure", "breakdown", "period_start", "new_release"],
        kind="stable",
        na_position="last",
    )
    return out.reset_index(drop=True)
