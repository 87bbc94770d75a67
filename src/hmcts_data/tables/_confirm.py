"""Confirmation across releases: an inferred mapping must agree with the series it joins.

Consecutive monthly releases overlap by twelve months. When a release's column was mapped by the
header interpreter (``mapping == "inferred"``) onto a key that other releases publish under an
exactly known header, the two must agree on the months they share, within revision noise.
Otherwise the inferred mapping is demoted to unmapped (jurisdiction, measure and ``mapping``
null; figures and ``source_label`` kept) with a warning saying why.

The rule, from the revisions measured between releases (docs/monthly.md, "Confirmation across
releases"): compare on the overlapping months that both publish with a value, leaving out the
older release's latest month, which is provisional. The median relative difference
``|new - old| / max(|new|, |old|)`` over those months must be at most :data:`SETTLED_TOLERANCE`
(5%). When the only shared month is the provisional one, its difference must be at most
:data:`PROVISIONAL_TOLERANCE` (40%). No shared month: nothing to check, the mapping stands.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, cast

from hmcts_data._warn import warn

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

__all__ = ["PROVISIONAL_TOLERANCE", "SETTLED_TOLERANCE", "confirm_inferred"]

#: Largest median relative revision of settled (not latest) months accepted as revision noise.
SETTLED_TOLERANCE: Final = 0.05
#: Largest relative revision of a provisional (latest) month accepted as revision noise.
PROVISIONAL_TOLERANCE: Final = 0.40
_KEY: Final = ["publication", "jurisdiction", "measure", "breakdown"]


def _relative(new: float, old: float) -> float:
    scale = max(abs(new), abs(old))
    return 0.0 if scale == 0 else abs(new - old) / scale


@dataclass(frozen=True)
class _Columns:
    """The columns the rule reads, as arrays (row positions index them)."""

    release: np.ndarray
    period: np.ndarray  # int64 nanoseconds
    present: np.ndarray
    value: np.ndarray
    label: np.ndarray

    @classmethod
    def of(cls, frame: pd.DataFrame) -> _Columns:
        import numpy as np

        return cls(
            release=frame["release"].to_numpy(dtype=object),
            period=frame["period_start"].to_numpy(dtype="datetime64[ns]").view("i8"),
            present=frame["value"].notna().to_numpy(dtype=bool),
            value=frame["value"].to_numpy(dtype=np.float64, na_value=np.nan),
            label=frame["source_label"].to_numpy(dtype=object),
        )


def _month(period: int) -> str:
    import pandas as pd

    return f"{pd.Timestamp(period):%Y-%m}"


def _verdict(
    cols: _Columns, inferred: np.ndarray, reference: np.ndarray
) -> tuple[bool, str | None, str | None]:
    """Whether the ``inferred`` rows agree with the best overlapping reference release, and why not.

    Both are row positions; the reference rows are in frame order. Plain Python on the few
    rows of one series: per-release pandas filtering cost ~0.1 s per inferred column.
    """
    import statistics

    values = {int(cols.period[i]): float(cols.value[i]) for i in inferred if cols.present[i]}
    by_release: dict[str, set[int]] = {}
    for i in reference:
        if cols.present[i]:
            by_release.setdefault(str(cols.release[i]), set()).add(int(cols.period[i]))
    best: tuple[int, str] | None = None
    for release in sorted(by_release):
        shared_count = len(values.keys() & by_release[release])
        # Most shared months wins; a tie goes to the later release.
        if shared_count and (best is None or shared_count >= best[0]):
            best = (shared_count, release)
    if best is None:
        return True, None, None  # no shared month: nothing to check
    other = [i for i in reference if cols.present[i] and str(cols.release[i]) == best[1]]
    # One value per month even when that release was loaded twice (the last copy counts).
    other_values = {int(cols.period[i]): float(cols.value[i]) for i in other}
    shared = [p for p in values if p in other_values]
    release = str(cols.release[inferred[0]])
    # The older release's latest month is provisional: revised most (see the module doc).
    older = other if best[1] < release else inferred
    older_latest = max(int(cols.period[i]) for i in older)
    settled = [p for p in shared if p != older_latest]
    label = str(cols.label[other[0]])
    if settled:
        diffs = [_relative(values[p], other_values[p]) for p in settled]
        median = statistics.median(diffs)
        if median <= SETTLED_TOLERANCE:
            return True, None, None
        return (
            False,
            best[1],
            f"on the {len(settled)} settled month(s) it shares with release {best[1]} "
            f"({label!r}) the median difference is {median:.1%}, above the "
            f"{SETTLED_TOLERANCE:.0%} that revisions explain",
        )
    p = shared[0]
    diff = _relative(values[p], other_values[p])
    if diff <= PROVISIONAL_TOLERANCE:
        return True, None, None
    return (
        False,
        best[1],
        f"its only month shared with release {best[1]} ({label!r}), {_month(p)}, differs by "
        f"{diff:.1%}, above the {PROVISIONAL_TOLERANCE:.0%} a provisional month is revised by",
    )


def confirm_inferred(frame: pd.DataFrame, *, stacklevel: int = 2) -> pd.DataFrame:
    """Demote inferred mappings that disagree with the exactly mapped series they join.

    Args:
        frame: A tidy frame of one or more releases.
        stacklevel: Passed to :func:`warnings.warn` (callers add their own depth).

    Returns:
        ``frame`` itself when nothing is demoted, else a copy with the demoted columns
        unmapped (jurisdiction, measure and ``mapping`` null, breakdown ``""``).

    Example:
        >>> from hmcts_data.testing import synthetic_tidy
        >>> frame = synthetic_tidy(["2024-03", "2024-04"])
        >>> confirm_inferred(frame) is frame  # exact mappings only: nothing to check
        True
    """
    import numpy as np

    if "mapping" not in frame.columns:
        return frame
    inferred_rows = (frame["mapping"] == "inferred").fillna(False).to_numpy(dtype=bool)
    if not inferred_rows.any():
        return frame
    exact_rows = np.flatnonzero((frame["mapping"] == "exact").fillna(False).to_numpy(dtype=bool))
    cols = _Columns.of(frame)
    # Exact rows by series, positions in frame order: looked up once per inferred column.
    series = frame.iloc[exact_rows].loc[:, _KEY].reset_index(drop=True)
    series["_unit"] = frame["unit"].astype(str).to_numpy(dtype=object)[exact_rows]
    exact = {
        key: exact_rows[found]
        for key, found in series.groupby(
            [*_KEY, "_unit"], observed=True, sort=False
        ).indices.items()
    }
    demote: list[tuple[np.ndarray, str, str, str]] = []
    inferred_at = np.flatnonzero(inferred_rows)
    groups = frame.iloc[inferred_at].groupby(
        [*_KEY, "release", "source_file", "source_label"], observed=True, sort=False
    )
    # In order of first appearance, as the warnings are.
    for key, found in sorted(groups.indices.items(), key=lambda item: int(item[1][0])):
        publication, jurisdiction, measure, breakdown, release, _file, label = cast(
            tuple[object, ...], key
        )
        rows: np.ndarray = inferred_at[found]
        unit = str(frame["unit"].iat[rows[0]])
        candidates = exact.get((publication, jurisdiction, measure, breakdown, unit))
        if candidates is None:
            continue
        reference = candidates[cols.release[candidates] != release]
        if not len(reference):
            continue
        ok, _, why = _verdict(cols, rows, reference)
        if not ok:
            assert why is not None
            demote.append((rows, str(release), str(label), why))
    if not demote:
        return frame
    demoted = np.zeros(len(frame), dtype=bool)
    for rows, release, label, why in demote:
        # By position: a frame stacked without ignore_index repeats its index labels.
        demoted[rows] = True
        warn(
            f"Release {release}: the inferred mapping of {label!r} is demoted to unmapped: "
            f"{why}. Its figures are kept with a null jurisdiction and measure; please report "
            "the header.",
            UserWarning,
            stacklevel=stacklevel + 1,
        )
    out = frame.copy()
    for column in ("jurisdiction", "measure", "mapping"):
        out[column] = out[column].where(~demoted)
    out["breakdown"] = out["breakdown"].where(~demoted, "")
    return out
