"""Confirmation of inferred mappings as first written (pandas per group): the fast one's reference.

A frozen copy of ``hmcts_data.tables._confirm`` before it moved to arrays, with one fix the
fast one also has: a reference release loaded twice gives one value per month.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from hmcts_data._warn import warn

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["confirm_inferred"]

#: Largest median relative revision of settled (not latest) months accepted as revision noise.
SETTLED_TOLERANCE: Final = 0.05
#: Largest relative revision of a provisional (latest) month accepted as revision noise.
PROVISIONAL_TOLERANCE: Final = 0.40
_KEY: Final = ["publication", "jurisdiction", "measure", "breakdown"]


def _relative(new: float, old: float) -> float:
    scale = max(abs(new), abs(old))
    return 0.0 if scale == 0 else abs(new - old) / scale


def _verdict(
    inferred: pd.DataFrame, reference: pd.DataFrame
) -> tuple[bool, str | None, str | None]:
    """Whether ``inferred`` agrees with the best overlapping reference release, and why not."""
    import statistics

    import pandas as pd

    values = inferred.dropna(subset=["value"]).set_index("period_start")["value"]
    best: tuple[int, str] | None = None
    for release, rows in reference.groupby("release", sort=True):
        shared = values.index.intersection(pd.Index(rows.dropna(subset=["value"])["period_start"]))
        if len(shared) and (best is None or len(shared) >= best[0]):
            best = (len(shared), str(release))
    if best is None:
        return True, None, None  # no shared month: nothing to check
    other = reference[reference["release"] == best[1]].dropna(subset=["value"])
    # One value per month even when that release was loaded twice (two copies of each row).
    once = other.drop_duplicates("period_start", keep="last")
    other_values = once.set_index("period_start")["value"]
    shared = values.index.intersection(other_values.index)
    release = str(inferred["release"].iloc[0])
    # The older release's latest month is provisional: revised most (see the module doc).
    older_latest = (other if best[1] < release else inferred)["period_start"].max()
    settled = [p for p in shared if p != older_latest]
    label = str(other["source_label"].iloc[0])
    if settled:
        diffs = [_relative(float(values[p]), float(other_values[p])) for p in settled]
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
    diff = _relative(float(values[p]), float(other_values[p]))
    if diff <= PROVISIONAL_TOLERANCE:
        return True, None, None
    return (
        False,
        best[1],
        f"its only month shared with release {best[1]} ({label!r}), {p:%Y-%m}, differs by "
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
    if "mapping" not in frame.columns:
        return frame
    inferred_rows = (frame["mapping"] == "inferred").fillna(False).to_numpy()
    if not inferred_rows.any():
        return frame
    exact_rows = (frame["mapping"] == "exact").fillna(False)
    exact = frame[exact_rows]
    demote: list[tuple[object, str, str, str]] = []
    groups = frame[inferred_rows].groupby(
        [*_KEY, "release", "source_file", "source_label"], observed=True, sort=False
    )
    for key, rows in groups:
        publication, jurisdiction, measure, breakdown, release, _file, label = key
        reference = exact[
            (exact["publication"] == publication)
            & (exact["jurisdiction"] == jurisdiction)
            & (exact["measure"] == measure)
            & (exact["breakdown"] == breakdown)
            & (exact["unit"].astype(str) == str(rows["unit"].iloc[0]))
            & (exact["release"] != release)
        ]
        if reference.empty:
            continue
        ok, _, why = _verdict(rows, reference)
        if not ok:
            assert why is not None
            demote.append((rows.index, str(release), str(label), why))
    if not demote:
        return frame
    out = frame.copy()
    for index, release, label, why in demote:
        out.loc[index, ["jurisdiction", "measure", "mapping"]] = None
        out.loc[index, "breakdown"] = ""
        warn(
            f"Release {release}: the inferred mapping of {label!r} is demoted to unmapped: "
            f"{why}. Its figures are kept with a null jurisdiction and measure; please report "
            "the header.",
            UserWarning,
            stacklevel=stacklevel + 1,
        )
    return out
