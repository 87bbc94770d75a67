"""Vintages: one value per figure from stacked releases, and what changed between releases.

Monthly releases overlap by twelve months and revise the months they share, so a frame built by
stacking releases holds several vintages of most figures. Both functions here identify a figure
by its **canonical** key: publication, period, jurisdiction, measure, breakdown and unit. The
published header (``source_label``) is deliberately not part of the key: it changes between
layouts (``CIVIL_ISSUED``, ``CIVIL_CLAIMS_RECEIVED``, ``Civil Claims received``) while the figure
stays the same. Columns kept with an unknown header (null jurisdiction and measure) fall back to
their trimmed header, so they never merge with each other or with known figures.

Releases are ordered by ``release`` (the latest data month, ``YYYY-MM``) and then by
``published``. Pure functions: the input frame is never modified.
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

__all__ = [
    "REVISION_COLUMNS",
    "latest_series",
    "newest_of_confirmed",
    "revisions",
    "revisions_of_decided",
]

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


#: The columns that identify a figure, in the order results are sorted by (then the unmapped
#: header, then the period).
_FIGURE: Final = ("publication", "jurisdiction", "measure", "breakdown", "unit")
_PERIOD: Final = ("period_start", "period_end")
#: Most decimal places a difference is computed for on whole columns; more go through Decimal.
_MAX_SCALE: Final = 12
#: A scaled value below this has at most 15 significant digits: an exact integer in a double,
#: and the double's shortest repr is that decimal, so integer arithmetic equals Decimal's.
_EXACT_BELOW: Final = 1e15
_KINDS: Final = ("revised", "filled", "withdrawn", "whole_series")


def _check_columns(frame: pd.DataFrame) -> None:
    missing = [c for c in _TIDY if c not in frame.columns]
    if missing:
        raise ParseError(
            f"Not a tidy hmcts_data frame: columns {missing} are missing. Pass the frame that "
            "read()/load() returned (or several of them joined with pandas.concat)."
        )


def _sort_codes(column: pd.Series) -> tuple[np.ndarray, int]:
    """Integer codes that order rows as ``sort_values`` orders ``column`` (nulls last).

    Categorical columns sort by their categories' order and give their codes directly; other
    columns are factorised in sorted order. Returns the codes and how many values they span.
    """
    import numpy as np
    import pandas as pd

    if isinstance(column.dtype, pd.CategoricalDtype):
        codes = column.cat.codes.to_numpy().astype(np.int64)
        size = len(column.cat.categories)
    elif isinstance(column.dtype, pd.StringDtype) or column.dtype == object:
        codes, size = _text_codes(column.to_numpy(dtype=object))
    else:
        found, uniques = pd.factorize(column, sort=True)
        codes = found.astype(np.int64)
        size = len(uniques)
    codes[codes < 0] = size
    return codes, size + 1


def _text_codes(values: np.ndarray) -> tuple[np.ndarray, int]:
    """Sorted factorisation of an object array of text (``-1`` for nulls), and its size.

    A tidy frame holds each source column as a run of rows, so ``release`` or ``breakdown``
    change every dozen rows or less often: only the first row of each run is hashed, and only
    the distinct values are sorted. Arrays that cannot be compared that way (``pd.NA``
    refuses ``!=``, mixed types refuse ``<``) take pandas' own sorted factorisation.
    """
    import numpy as np
    import pandas as pd

    n = len(values)
    try:
        starts = np.ones(n, dtype=bool)
        np.not_equal(values[1:], values[:-1], out=starts[1:])
        heads = np.flatnonzero(starts)
        found, uniques = pd.factorize(values[heads])
        rank = np.empty(len(uniques), dtype=np.int64)
        rank[np.argsort(np.asarray(uniques, dtype=object), kind="stable")] = np.arange(len(uniques))
    except (TypeError, ValueError):
        found, uniques = pd.factorize(values, sort=True)
        return found.astype(np.int64), len(uniques)
    codes = np.where(found < 0, -1, rank[found]) if len(uniques) else found
    return np.repeat(codes, np.diff(np.append(heads, n))), len(uniques)


def _figure_key(frame: pd.DataFrame) -> np.ndarray:
    """One integer per row naming its figure; integers order figures as the results list them.

    The figure is (publication, jurisdiction, measure, breakdown, unit, the trimmed header of
    an unmapped column, period_start, period_end): the sort codes of those columns combined
    into one ``int64`` (mixed radix, so integer order is the columns' lexicographic order).
    Grouped on the typed columns themselves: no text key is built. Mapped columns share one
    empty header, so a reworded header still joins its figure.
    """
    import numpy as np
    import pandas as pd

    parts = [_sort_codes(frame[c]) for c in _FIGURE]
    known = (frame["measure"].notna() & frame["jurisdiction"].notna()).to_numpy(dtype=bool)
    if not known.all():
        # Unknown columns are told apart by their trimmed header; known ones all get code 0.
        headers = frame["source_label"][~known].astype("string").str.strip()
        found, uniques = pd.factorize(headers, sort=True)
        label = np.zeros(len(frame), dtype=np.int64)
        label[~known] = np.where(found < 0, len(uniques), found) + 1
        parts.append((label, len(uniques) + 2))
    parts += [_sort_codes(frame[c]) for c in _PERIOD]
    key = np.zeros(len(frame), dtype=np.int64)
    span = 1
    for codes, size in parts:
        if span * size >= 2**62:
            # Renumber (order kept) before the product could overflow int64.
            distinct, inverse = np.unique(key, return_inverse=True)
            key, span = inverse.astype(np.int64).reshape(-1), len(distinct)
        key = key * size + codes
        span *= size
    return key


def _versions(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Integer arrays ordering releases: ``release`` (nulls last), then ``published``.

    An unknown publication time sorts before every known one (as ``Timestamp.min``).
    """
    import numpy as np
    import pandas as pd

    release, _ = _sort_codes(frame["release"])
    published = frame["published"].to_numpy(dtype="datetime64[ns]").view("i8").copy()
    published[published == np.iinfo(np.int64).min] = pd.Timestamp.min.value
    return release, published


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


def _refuse_clashes(frame: pd.DataFrame, figure: np.ndarray, published: np.ndarray) -> None:
    """Refuse two different values (or markers) for one figure in one release.

    Only called when some figure appears twice in one release; identical copies pass.
    """
    import pandas as pd

    work = frame.assign(**{_KEY: pd.factorize(figure)[0], _ORDER: published})
    work = work.sort_values([_KEY, "release", _ORDER], kind="stable")
    same = work.duplicated(subset=[_KEY, "release", _ORDER], keep=False)
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


def _vintage_order(frame: pd.DataFrame, figure: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row positions by figure, release and publication time, one row per (figure, release).

    Identical copies of a release's figure (the same release loaded twice) keep the copy that
    comes last in ``frame``, as a stable sort with ``drop_duplicates(keep="last")`` would;
    different values raise. Returns the positions and the figure of each.
    """
    import numpy as np

    release, published = _versions(frame)
    order = np.lexsort((published, release, figure))
    k, r, t = figure[order], release[order], published[order]
    tie = (k[1:] == k[:-1]) & (r[1:] == r[:-1]) & (t[1:] == t[:-1])
    if bool(tie.any()):
        _refuse_clashes(frame, figure, published)
        keep = np.append(~tie, True)  # the last of each run of copies
        order, k = order[keep], k[keep]
    return order, k


def _difference(old: pd.Series, new: pd.Series, mask: pd.Series) -> pd.Series:
    """``new - old`` where ``mask``, in decimal: 90.2 - 90.1 gives 0.1, not 0.10000000000000853."""
    import numpy as np
    import pandas as pd

    out = pd.Series(pd.NA, index=old.index, dtype="Float64")
    rows = mask[mask].index
    if len(rows):
        out.loc[rows] = _exact_difference(
            old.loc[rows].to_numpy(dtype=np.float64), new.loc[rows].to_numpy(dtype=np.float64)
        )
    return out


def _scaled(values: np.ndarray, scale: int) -> tuple[np.ndarray, np.ndarray]:
    """``values * 10**scale`` rounded, and where that integer is exactly the value's decimal.

    A double ``v`` is the decimal ``N / 10**scale`` (its shortest repr) when ``|N| < 10**15``
    and ``N / 10**scale`` rounds back to ``v``: below ``10**15`` the rounding error of
    ``v * 10**scale`` is far under one half, and a decimal of at most 15 significant digits
    survives the round trip through a double unchanged.
    """
    import numpy as np

    power = 10.0**scale
    with np.errstate(invalid="ignore", over="ignore"):
        whole = np.round(values * power)
        exact = (np.abs(whole) < _EXACT_BELOW) & (whole / power == values)
    return whole, exact


def _exact_difference(old: np.ndarray, new: np.ndarray) -> np.ndarray:
    """``new - old`` element-wise, as the decimal difference of the published figures.

    Equal to ``float(Decimal(repr(n)) - Decimal(repr(o)))`` for every pair: pairs whose
    values have at most :data:`_MAX_SCALE` decimal places and 15 significant digits are
    computed on whole columns as scaled integers (one correctly rounded division at the end);
    the rest (long fractions, huge or non-finite values) go through :class:`~decimal.Decimal`.
    """
    import numpy as np

    old = np.asarray(old, dtype=np.float64)
    new = np.asarray(new, dtype=np.float64)
    out = np.empty(len(old), dtype=np.float64)
    todo = np.arange(len(old))
    for scale in range(_MAX_SCALE + 1):
        if not len(todo):
            break
        o, n = old[todo], new[todo]
        whole_o, exact_o = _scaled(o, scale)
        whole_n, exact_n = _scaled(n, scale)
        done = exact_o & exact_n
        diff = whole_n[done].astype(np.int64) - whole_o[done].astype(np.int64)
        # A zero difference keeps the sign Decimal gives it (-0.0 - 0.0 is -0.0), as floats do.
        out[todo[done]] = np.where(
            diff == 0, n[done] - o[done], diff.astype(np.float64) / 10.0**scale
        )
        todo = todo[~done]
    for i in todo:
        out[i] = float(Decimal(repr(float(new[i]))) - Decimal(repr(float(old[i]))))
    return out


def _newest_rows(frame: pd.DataFrame, figure: np.ndarray, *, skip_missing: bool) -> np.ndarray:
    """Positions of the newest row of each figure, in figure order.

    Sorts a few integer arrays instead of the frame. With ``skip_missing``, a row with a value
    beats a newer one without.
    """
    import numpy as np

    order, k = _vintage_order(frame, figure)
    if skip_missing:
        has_value = frame["value"].notna().to_numpy(dtype=bool)[order]
        again = np.lexsort((np.arange(len(order)), has_value, k))
        order, k = order[again], k[again]
    last = np.ones(len(k), dtype=bool)
    last[:-1] = k[1:] != k[:-1]
    picked: np.ndarray = order[last]
    return picked


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
    # An inferred mapping that disagrees with the series it joins is demoted first.
    return newest_of_confirmed(decide_mappings(frame, stacklevel=3), skip_missing=skip_missing)


def newest_of_confirmed(frame: pd.DataFrame, *, skip_missing: bool = False) -> pd.DataFrame:
    """:func:`latest_series` of a frame :func:`decide_mappings` has already seen.

    ``series()`` confirms before it filters (so a demoted column leaves every series it was
    refused from), and ``load(..., "all")`` confirms what it stacks; neither pays twice.
    """
    _check_columns(frame)
    # The figure key orders figures as the result lists them: each series (an unmapped one by
    # its trimmed header; a mapped one keeps its key across rewordings) in period order.
    picked = _newest_rows(frame, _figure_key(frame), skip_missing=skip_missing)
    if tuple(frame.columns) != _TIDY:
        frame = frame.loc[:, list(_TIDY)]
    return validate_tidy(_mark_switches(frame.take(picked).reset_index(drop=True)))


def _mark_switches(series: pd.DataFrame) -> pd.DataFrame:
    """Keep ``level_shift`` only where a series switches to the release that revised it whole.

    ``series`` is one row per figure, each series in period order: the first row taken from a
    revising release keeps the revision's size; the rest of that run is ``<NA>``.
    """
    import numpy as np
    import pandas as pd

    shift = series["level_shift"].to_numpy(dtype=np.float64, na_value=np.nan)
    marked = ~np.isnan(shift)
    if not marked.any():
        return series
    # Rows of one series and one release, each after the one before it.
    same = np.ones(len(series), dtype=bool)
    same[0] = False
    for name in ("publication", "jurisdiction", "measure", "breakdown", "unit", "release"):
        column = series[name]
        values = np.asarray(column.astype(object).where(column.notna(), None), dtype=object)
        same[1:] &= values[1:] == values[:-1]
    keep = marked & ~(same & np.append(False, marked[:-1]))
    shift[~keep] = np.nan
    out = series.copy()
    out["level_shift"] = pd.arrays.FloatingArray(np.nan_to_num(shift), np.isnan(shift))
    return out


def revisions(frame: pd.DataFrame) -> pd.DataFrame:
    """List every figure that changed between consecutive releases.

    Consecutive means adjacent among the releases in ``frame`` that publish the figure. Three
    kinds of change are reported (column ``kind``):

    * ``"revised"``: a value replaced by a different value (``change`` = new - old);
    * ``"filled"``: missing in the older release, present in the newer one (typically the
      latest month's family figures, published a month late);
    * ``"withdrawn"``: present in the older release, missing in the newer one;
    * ``"whole_series"``: a value replaced as part of a whole-series revision (the newer
      release moved every shared month of the series one way; ``level_shift`` gives the
      revision's size, ``change`` this figure's).

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
    return revisions_of_decided(decide_mappings(frame, stacklevel=3))


def revisions_of_decided(frame: pd.DataFrame) -> pd.DataFrame:
    """:func:`revisions` of a frame :func:`decide_mappings` has already seen (one decision)."""
    import numpy as np
    import pandas as pd

    _check_columns(frame)
    # Figures numbered by first appearance: rows that tie in the final sort (unmapped columns
    # of one period, say) keep that order.
    figure = pd.factorize(_figure_key(frame))[0]
    order, k = _vintage_order(frame, figure)
    # Consecutive releases of one figure: each row and the row before it.
    pair = k[1:] == k[:-1]
    old, new = order[:-1][pair], order[1:][pair]
    has_old = frame["release"].notna().to_numpy(dtype=bool)[old]
    present = frame["value"].notna().to_numpy(dtype=bool)
    number = frame["value"].to_numpy(dtype=np.float64, na_value=np.nan)
    old_present, new_present = present[old], present[new]
    revised = has_old & old_present & new_present & (number[old] != number[new])
    filled = has_old & ~old_present & new_present
    withdrawn = has_old & old_present & ~new_present
    changed = revised | filled | withdrawn
    old, new, revised = old[changed], new[changed], revised[changed]
    # A figure of a column that revised its whole series is part of that revision.
    whole = ~np.isnan(frame["level_shift"].to_numpy(dtype=np.float64, na_value=np.nan))[new]
    kind = np.where(revised, np.where(whole, 3, 0), np.where(filled[changed], 1, 2))

    def at(name: str, rows: np.ndarray) -> pd.api.extensions.ExtensionArray:
        taken: pd.api.extensions.ExtensionArray = frame[name].array.take(rows)
        return taken

    # Sorted by jurisdiction, measure, breakdown, period and release; ties keep figure order.
    columns = ("publication", "jurisdiction", "measure", "breakdown", "period_start", "release")
    keys = [_sort_codes(pd.Series(at(c, new)))[0] for c in reversed(columns)]
    final = np.lexsort(keys)
    old, new, revised, kind = old[final], new[final], revised[final], kind[final]
    change = np.full(len(new), np.nan)
    change[revised] = _exact_difference(number[old[revised]], number[new[revised]])
    text = pd.StringDtype("python")
    return pd.DataFrame(
        {
            "publication": at("publication", new),
            "period_start": at("period_start", new),
            "period_end": at("period_end", new),
            "jurisdiction": at("jurisdiction", new),
            "measure": at("measure", new),
            "breakdown": at("breakdown", new),
            "unit": at("unit", new),
            "old_value": at("value", old).astype("Float64"),
            "new_value": at("value", new).astype("Float64"),
            "change": pd.arrays.FloatingArray(change, ~revised),
            "kind": pd.array(np.array(_KINDS, dtype=object)[kind], dtype=text),
            "old_release": at("release", old).astype(text),
            "new_release": at("release", new).astype(text),
            "old_marker": at("marker", old).astype(text),
            "new_marker": at("marker", new).astype(text),
            "level_shift": pd.Series(at("level_shift", new)).astype("Float64").array,
            "source_label": at("source_label", new),
        }
    )
