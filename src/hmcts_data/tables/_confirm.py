"""One mapping decision per column across releases, from two witnesses: its label and its figures.

Consecutive monthly releases share about twelve months, so a column that continues a series
repeats figures an earlier release already published (revised a little, or as a whole). For
every monthly column the exact crosswalk does not map, :func:`decide_mappings` weighs

* the **label**: what the header interpreter reads (a key ``K``), or, when it is unsure, what
  the wording does state (jurisdiction, measures, qualifiers, unit);
* the **figures**: the column compared with every series of every earlier release held (the
  frame's, and any ``held`` frames: the cache, the embedded real releases), same unit only.

The statistic is the **median relative difference** ``|new - old| / max(|new|, |old|)`` over
the *settled* months both publish with a value (the earlier release's latest month, provisional,
is left out); at least :data:`MIN_SETTLED` such months are needed for the figures to count.
Per candidate series:

* ``shift``: every settled month moved the same way (or, up to one in five, not at all: a
  small figure rounded to its places), by a median above :data:`SHIFT_FLOOR`
  and at most :data:`SHIFT_BOUND`: a whole-series revision (a level shift);
* ``agree``: otherwise at most :data:`NOISE` (ordinary revisions);
* ``far``: anything else.

A candidate is **clearly best** when the runner-up's difference is at least
:data:`MARGIN_FACTOR` times the best's and at least :data:`MARGIN_GAP` above it. The rules:

* label says ``K``, figures agree with ``K`` (or shift it) and no other series clearly beats it:
  mapped, evidence ``both`` (a shift is kept and marked in ``level_shift``);
* label says ``K``, figures clearly prefer another series, or put ``K`` far: unmapped, warned;
* label unsure, figures pick one series clearly best that agrees with everything the label
  states: mapped, evidence ``figures``. A wording that states nothing links only within
  :data:`NOISE`; a whole-series revision needs the label to name the jurisdiction and measure;
* no settled month held: the label alone (``label``); a shared provisional month must still be
  within :data:`PROVISIONAL_TOLERANCE`.

Never two columns of a file on one key (a key an exact column holds is never borrowed; two
columns claiming one key both stay unmapped), and a new concept (a key no earlier release held)
never takes an earlier series' key. Exact columns keep their key; a whole-series revision of
theirs is marked too. The decision is a pure function of the files' labels and figures and the
releases held: the same everywhere (read, load, series, revisions, release_changes).

Bounds chosen from the real April -> May 2025 pair (docs/monthly.md, "Two witnesses"): the
true series' median differences are at most 2.9%; the runner-up's at least 4.2% (an identical
twin column aside), and the largest ordinary revision that moved every month one way is 2.9%
(a 5% whole-series revision reads 4.8%); between synthetic consecutive releases the true
series' 99th percentile is 3.5% and the runner-up's 1st percentile 2.8%.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from hmcts_data._warn import muted, warn

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from hmcts_data.tables._interpret import Scan

__all__ = [
    "MARGIN_FACTOR",
    "MARGIN_GAP",
    "MIN_SETTLED",
    "NOISE",
    "ONE_WAY_SHARE",
    "PROVISIONAL_TOLERANCE",
    "SHIFT_BOUND",
    "SHIFT_FLOOR",
    "TWIN",
    "Link",
    "compare",
    "decide_mappings",
    "is_decided",
    "mark_decided",
]

#: Largest median relative difference of settled months that ordinary revisions explain.
NOISE: Final = 0.05
#: Share of settled months that must have moved (all the same way) for a whole-series revision.
ONE_WAY_SHARE: Final = 0.8
#: Smallest median relative difference of a whole-series revision (every month one way).
SHIFT_FLOOR: Final = 0.04
#: Largest median relative difference a whole-series revision (every month one way) may reach.
SHIFT_BOUND: Final = 0.30
#: The runner-up must differ at least this many times as much as the best ...
MARGIN_FACTOR: Final = 3.0
#: ... and at least this much more, for the best to be clearly best.
MARGIN_GAP: Final = 0.02
#: A series this close is the same figures, not chance: it outweighs a label's one-way reading.
TWIN: Final = 0.01
#: Fewest settled shared months for the figures to be a witness.
MIN_SETTLED: Final = 3
#: Largest relative revision of a provisional (latest) month, when that is all two releases share.
PROVISIONAL_TOLERANCE: Final = 0.40

_Key = tuple[str, str, str]
_GROUP: Final = [
    "publication",
    "release",
    "sha256",
    "source_label",
    "jurisdiction",
    "measure",
    "breakdown",
]


@dataclass(frozen=True)
class Link:
    """How a column's figures compare with one earlier series.

    Attributes:
        distance: Median relative difference over the settled shared months.
        months: How many settled months were compared.
        size: Median of ``(new - old) / |old|``: the signed size of a whole-series revision.
        one_way: Every compared month moved the same way (none unchanged).
        release: The earlier release compared with.
        label: That series' header in the earlier release.
    """

    distance: float
    months: int
    size: float
    one_way: bool
    release: str
    label: str

    @property
    def kind(self) -> str:
        """``agree``, ``shift`` or ``far`` (see the module doc)."""
        if self.one_way and SHIFT_FLOOR < self.distance <= SHIFT_BOUND:
            return "shift"
        return "agree" if self.distance <= NOISE else "far"


def compare(new: np.ndarray, old: np.ndarray) -> tuple[float, int, float, bool]:
    """Compare two aligned vectors of settled months (NaN where missing).

    Returns:
        ``(distance, months, size, one_way)`` as in :class:`Link`; distance is ``inf`` when
        no month has both values.

    Example:
        >>> import numpy as np
        >>> d, n, size, one_way = compare(np.array([110.0, 220.0, 330.0]), np.array([100.0, 200.0, 300.0]))
        >>> round(d, 3), n, round(size, 2), one_way
        (0.091, 3, 0.1, True)
    """  # noqa: E501
    import numpy as np

    both = ~np.isnan(new) & ~np.isnan(old)
    x, y = new[both], old[both]
    if not len(x):
        return float("inf"), 0, 0.0, False
    scale = np.maximum(np.abs(x), np.abs(y))
    with np.errstate(invalid="ignore", divide="ignore"):
        rel = np.where(scale > 0, np.abs(x - y) / np.where(scale > 0, scale, 1.0), 0.0)
        signed = (x - y)[y != 0] / np.abs(y[y != 0])
    size = float(np.median(signed)) if len(signed) else 0.0
    moved = int((x != y).sum())
    enough = moved >= ONE_WAY_SHARE * len(x)
    one_way = bool(enough and ((x >= y).all() or (x <= y).all()))
    return float(np.median(rel)), len(x), size, one_way


@dataclass
class _Column:
    """One published column of one file: where its rows are and what it is mapped to."""

    rows: np.ndarray
    publication: str
    release: str
    file: str
    sha256: str
    label: str
    key: _Key | None
    unit: str
    mapping: str | None
    values: np.ndarray  # one per month of the frame's month index, NaN where missing
    latest: int  # month index of its file's latest month
    output: bool  # a column of the frame (not of a held release)
    evidence: str | None = None  # as it came in
    level_shift: float | None = None  # as it came in


@dataclass
class _Decision:
    key: _Key | None
    unit: str
    mapping: str | None
    evidence: str | None
    level_shift: float | None = None
    note: str | None = None


def _columns(frame: pd.DataFrame, n_out: int) -> list[_Column]:
    """The columns of ``frame`` (rows from ``n_out`` on are held releases), in frame order."""
    import numpy as np
    import pandas as pd

    months, month_of = np.unique(
        frame["period_start"].to_numpy(dtype="datetime64[ns]").view("i8"), return_inverse=True
    )
    values = frame["value"].to_numpy(dtype=np.float64, na_value=np.nan)
    # One integer per column of a file: the key columns' codes combined (one groupby on it).
    code = np.zeros(len(frame), dtype=np.int64)
    for name in _GROUP:
        found, uniques = pd.factorize(frame[name], use_na_sentinel=False)
        code = code * (len(uniques) + 1) + found
        if len(uniques) > 1 and int(code.max(initial=0)) > 2**40:
            code = np.unique(code, return_inverse=True)[1].astype(np.int64)
    _, first_of, column_of = np.unique(code, return_index=True, return_inverse=True)
    order = np.argsort(column_of, kind="stable")
    bounds = np.searchsorted(column_of[order], np.arange(len(first_of) + 1))
    sha = frame["sha256"].to_numpy(dtype=object)
    latest_of = pd.Series(month_of).groupby(sha).max()
    file_latest = {str(k): int(v) for k, v in latest_of.items()}
    text = {
        name: _objects(frame[name])
        for name in (
            "publication",
            "release",
            "source_file",
            "source_label",
            "jurisdiction",
            "measure",
            "breakdown",
            "unit",
            "mapping",
            "evidence",
        )
    }
    shift = frame["level_shift"].to_numpy(dtype=np.float64, na_value=np.nan)
    # Every column's figures by month, filled at once (a row per column).
    grid = np.full((len(first_of), len(months)), np.nan)
    grid[column_of, month_of] = values
    out = []
    for k in np.argsort(first_of, kind="stable"):
        rows = order[bounds[k] : bounds[k + 1]]
        first = int(first_of[k])
        vector = grid[k]
        jurisdiction, measure = text["jurisdiction"][first], text["measure"][first]
        mapped = jurisdiction is not None and measure is not None
        mapping = text["mapping"][first]
        out.append(
            _Column(
                rows=rows,
                publication=str(text["publication"][first]),
                release=str(text["release"][first]),
                file=str(text["source_file"][first]),
                sha256=str(sha[first]),
                label=str(text["source_label"][first]),
                key=(str(jurisdiction), str(measure), str(text["breakdown"][first] or ""))
                if mapped
                else None,
                unit=str(text["unit"][first]),
                mapping=None if mapping is None else str(mapping),
                values=vector,
                latest=int(file_latest[str(sha[first])]),
                output=first < n_out,
                evidence=text["evidence"][first],
                level_shift=None if np.isnan(shift[first]) else float(shift[first]),
            )
        )
    return out


def _label_witness(columns: Sequence[_Column]) -> list[_Decision]:
    """What the labels of one monthly file say, column by column (exact first, as at parse)."""
    from hmcts_data.tables._header_mapping import interpret_headers
    from hmcts_data.tables._monthly_crosswalk import load_crosswalk

    series_by_key = load_crosswalk().series_by_key
    exact: list[tuple[_Key, str, str] | None] = [None]
    for c in columns:
        if c.mapping == "exact" and c.key is not None:
            found = series_by_key.get(c.key)
            exact.append((c.key, found[0] if found else ".".join(c.key), c.unit))
        else:
            exact.append(None)
    read = interpret_headers(("Month", *(c.label for c in columns)), exact, series_by_key)
    out = []
    for m in read[1:]:
        assert m is not None
        out.append(
            _Decision(m.key, m.unit, m.mapping, "label" if m.mapping == "inferred" else None)
        )
    return out


def _states(label: str) -> Scan:
    """What a label's words name, with the jurisdiction a named measure implies.

    A measure implies its jurisdiction when the grammar says so, or when every known series of
    the measure belongs to one jurisdiction (the crosswalk's series, not a copied list).
    """
    from hmcts_data.tables._interpret import _tables, scan, words
    from hmcts_data.tables._monthly_crosswalk import load_crosswalk

    grammar = _tables()
    found = scan(words(label), grammar)
    if not found.jurisdictions:
        owners: dict[str, set[str]] = {}
        for jurisdiction, measure, _ in load_crosswalk().series_by_key:
            owners.setdefault(measure, set()).add(jurisdiction)
        for measure in found.measures:
            rule = grammar.measures.get(measure)
            if rule is not None and rule.jurisdiction is not None:
                found.jurisdictions.add(rule.jurisdiction)
            elif len(owners.get(measure, ())) == 1:
                found.jurisdictions.update(owners[measure])
    return found


def _qualifiers(breakdown: str) -> set[str]:
    """The qualifiers a composed breakdown is made of, longest names first.

    ``digital_not_stopped`` is digital and not_stopped; an age band or other part stays whole.
    """
    from hmcts_data.tables._interpret import _tables

    names = sorted(_tables().qualifiers, key=len, reverse=True)
    out: set[str] = set()
    rest = breakdown
    while rest:
        name = next((n for n in names if rest == n or rest.startswith(n + "_")), None)
        if name is None:
            out.add(rest)
            break
        out.add(name)
        rest = rest[len(name) + 1 :]
    return out


def _fits(key: _Key, unit: str, said: Scan) -> bool:
    """Whether a series agrees with everything a label states (jurisdiction, measure, unit ...)."""
    jurisdiction, measure, breakdown = key
    if said.jurisdictions and jurisdiction not in said.jurisdictions:
        return False
    measures = set(said.measures) | {m for staged in said.staged for m in staged.values()}
    if measures and measure not in measures:
        return False
    if len(said.stated) == 1 and unit not in said.stated:
        return False
    parts = _qualifiers(breakdown)
    if not set(said.qualifiers) <= parts:
        return False
    return all(age.removeprefix("ageband_") in breakdown for age in said.ages)


def _clearly(best: float, runner_up: float) -> bool:
    return runner_up >= MARGIN_FACTOR * best and runner_up - best >= MARGIN_GAP


class _Reference:
    """The decided, mapped monthly columns of the releases processed so far, by series."""

    def __init__(self) -> None:
        self._by_series: dict[tuple[_Key, str], list[_Column]] = {}
        self._columns: list[_Column] = []
        self._settled: np.ndarray | None = None

    def add(self, column: _Column) -> None:
        assert column.key is not None
        self._by_series.setdefault((column.key, column.unit), []).append(column)
        self._columns.append(column)
        self._settled = None

    def _matrix(self) -> np.ndarray:
        """Every reference column's settled months (its file's latest month blanked), stacked."""
        import numpy as np

        if self._settled is None:
            rows = [c.values.copy() for c in self._columns]
            for row, c in zip(rows, self._columns, strict=True):
                row[c.latest] = np.nan
            self._settled = np.vstack(rows) if rows else np.empty((0, 0))
        return self._settled

    def links(self, column: _Column, *, unit: str | None) -> dict[tuple[_Key, str], Link]:
        """Each earlier series (of ``unit``, any when ``None``) compared with ``column``.

        Per series, the newest earlier release sharing at least :data:`MIN_SETTLED` settled
        months with it. All candidates at once, as one matrix.
        """
        import numpy as np

        picked = [
            i
            for i, c in enumerate(self._columns)
            if c.release < column.release and (unit is None or c.unit == unit)
        ]
        if not picked:
            return {}
        x = column.values
        months = ((~np.isnan(self._matrix()[picked])) & ~np.isnan(x)).sum(axis=1)
        # Per series, the newest earlier release with enough settled months in common.
        chosen: dict[tuple[_Key, str], int] = {}
        for k, i in sorted(
            enumerate(picked), key=lambda item: self._columns[item[1]].release, reverse=True
        ):
            c = self._columns[i]
            assert c.key is not None
            if months[k] >= MIN_SETTLED:
                chosen.setdefault((c.key, c.unit), i)
        if not chosen:
            return {}
        rows = list(chosen.values())
        old = self._matrix()[rows]
        both = ~np.isnan(old) & ~np.isnan(x)
        scale = np.maximum(np.abs(old), np.abs(x))
        with np.errstate(invalid="ignore", divide="ignore"):
            rel = np.where(scale > 0, np.abs(x - old) / np.where(scale > 0, scale, 1.0), 0.0)
            signed = np.where(old != 0, (x - old) / np.abs(np.where(old != 0, old, 1.0)), np.nan)
            # One way: no month against it, and at most one in five unchanged (a small figure
            # rounded to its published places may not move).
            moved = ((x != old) & both).sum(axis=1)
            up = ~((x < old) & both).any(axis=1) & (moved >= ONE_WAY_SHARE * both.sum(axis=1))
            down = ~((x > old) & both).any(axis=1) & (moved >= ONE_WAY_SHARE * both.sum(axis=1))
        rel[~both] = np.nan
        signed[~both] = np.nan
        distance = np.nanmedian(rel, axis=1)
        # A series with no nonzero month has no size (0), and no numpy warning about it.
        some = ~np.isnan(signed).all(axis=1)
        size = np.zeros(len(signed))
        size[some] = np.nan_to_num(np.nanmedian(signed[some], axis=1))
        out: dict[tuple[_Key, str], Link] = {}
        for k, (series, i) in enumerate(chosen.items()):
            c = self._columns[i]
            one_way = bool(up[k] or down[k])
            out[series] = Link(
                float(distance[k]), int(both[k].sum()), float(size[k]), one_way, c.release, c.label
            )
        return out

    def own(self, column: _Column, series: tuple[_Key, str]) -> Link | None:
        """A whole-series revision of one earlier series by ``column``, if it is one.

        Compared with the newest release sharing enough settled months; ``None`` when that
        is not a whole-series revision (the check of an exact column: most end at the first
        month that moved the other way).
        """
        import numpy as np

        held = self._by_series.get(series, [])
        for old in sorted(held, key=lambda c: c.release, reverse=True):
            if old.release >= column.release:
                continue
            settled = old.values.copy()
            settled[old.latest] = np.nan
            both = ~np.isnan(column.values) & ~np.isnan(settled)
            if int(both.sum()) < MIN_SETTLED:
                continue
            x, y = column.values[both], settled[both]
            if not ((x >= y).all() or (x <= y).all()):
                return None
            link = Link(*compare(column.values, settled), old.release, old.label)
            return link if link.kind == "shift" else None
        return None

    def provisional(self, column: _Column, series: tuple[_Key, str]) -> tuple[float, str] | None:
        """The difference on the one provisional month ``column`` shares with ``series``."""
        import numpy as np

        for old in sorted(self._by_series.get(series, []), key=lambda c: c.release, reverse=True):
            if old.release >= column.release:
                continue
            x, y = column.values[old.latest], old.values[old.latest]
            if np.isnan(x) or np.isnan(y):
                continue
            scale = max(abs(x), abs(y))
            return (0.0 if scale == 0 else abs(x - y) / scale), old.release
        return None


def _name(key: _Key) -> str:
    return ".".join(k for k in key if k)


def _ranked(links: Mapping[tuple[_Key, str], Link]) -> list[tuple[tuple[_Key, str], Link]]:
    return sorted(links.items(), key=lambda item: (item[1].distance, item[0]))


def _decide(column: _Column, said: _Decision, reference: _Reference) -> _Decision:
    """One non-exact monthly column: the label's reading weighed with its figures."""
    if said.key is not None:
        unit = None if said.unit == "unknown" else said.unit
        links = reference.links(column, unit=unit)
        mine = links.get((said.key, said.unit)) if unit is not None else None
        if mine is None and unit is None:
            mine = next((link for s, link in links.items() if s[0] == said.key), None)
        others = [(s, link) for s, link in _ranked(links) if s[0] != said.key]
        if mine is not None:
            rival = others[0] if others else None
            # A rival within noise beats a label whose series is far; one whose series moved
            # every month one way (a whole-series revision, rarely chance) only as a twin.
            if (
                rival is not None
                and rival[1].kind == "agree"
                and _clearly(rival[1].distance, mine.distance)
                and (mine.kind == "far" or rival[1].distance <= TWIN)
            ):
                return _Decision(
                    None,
                    said.unit,
                    None,
                    None,
                    note=f"{column.label!r}: its label reads {_name(said.key)} but its figures "
                    f"match {_name(rival[0][0])} of release {rival[1].release} (median "
                    f"difference {rival[1].distance:.1%}, against {mine.distance:.1%}); left "
                    "unmapped",
                )
            if mine.kind == "far":
                return _Decision(
                    None,
                    said.unit,
                    None,
                    None,
                    note=f"{column.label!r}: its label reads {_name(said.key)} but on the "
                    f"{mine.months} settled month(s) it shares with release {mine.release} "
                    f"({mine.label!r}) the median difference is {mine.distance:.1%}, not a "
                    "revision; left unmapped",
                )
            shift = mine.size if mine.kind == "shift" else None
            return _Decision(said.key, said.unit, "inferred", "both", shift)
        best = others[0] if others else None
        runner = others[1][1].distance if len(others) > 1 else float("inf")
        if best is not None and best[1].kind == "agree" and _clearly(best[1].distance, runner):
            return _Decision(
                None,
                said.unit,
                None,
                None,
                note=f"{column.label!r}: its label reads {_name(said.key)}, which no earlier "
                f"release holds, but its figures match {_name(best[0][0])} of release "
                f"{best[1].release} (median difference {best[1].distance:.1%}); left unmapped",
            )
        if unit is not None:
            check = reference.provisional(column, (said.key, said.unit))
            if check is not None and check[0] > PROVISIONAL_TOLERANCE:
                return _Decision(
                    None,
                    said.unit,
                    None,
                    None,
                    note=f"{column.label!r}: its label reads {_name(said.key)} but its only "
                    f"month shared with release {check[1]}, the provisional one, differs by "
                    f"{check[0]:.1%}, above the {PROVISIONAL_TOLERANCE:.0%} a provisional "
                    "month is revised by; left unmapped",
                )
        return said
    # The label is unsure: the figures may pick a series that fits what it does state.
    states = _states(column.label)
    stated = next(iter(states.stated)) if len(states.stated) == 1 else None
    links = reference.links(column, unit=stated)
    ranked = _ranked(links)
    if not ranked:
        return said
    (top, link) = ranked[0]
    runner = ranked[1][1].distance if len(ranked) > 1 else float("inf")
    if link.kind == "agree" and _clearly(link.distance, runner):
        if _fits(top[0], top[1], states):
            return _Decision(top[0], top[1], "inferred", "figures")
        return said
    fitting = [(s, lk) for s, lk in ranked if _fits(s[0], s[1], states)]
    if not states.jurisdictions or not fitting:
        return said
    (top, link) = fitting[0]
    runner = fitting[1][1].distance if len(fitting) > 1 else float("inf")
    elsewhere = any(lk.distance <= TWIN for s, lk in ranked if s != top)
    if link.kind == "agree" and _clearly(link.distance, runner):
        return _Decision(top[0], top[1], "inferred", "figures")
    # A whole-series revision read from the figures needs the label to name its measure too:
    # a part of a total revised away would look the same.
    named = bool(states.measures or states.staged)
    if link.kind == "shift" and named and _clearly(link.distance, runner) and not elsewhere:
        return _Decision(top[0], top[1], "inferred", "figures", link.size)
    return said


#: Which claim on a key wins: an exact label, then a label (with or without the figures), then
#: the figures alone. Two claims of the best rank both lose.
_RANK: Final = {"exact": 0, "both": 1, "label": 1, "figures": 2}


def _one_key_each(columns: Sequence[_Column], decided: list[_Decision]) -> None:
    """Never two columns of a file on one key: the strongest claim keeps it, ties unmapped."""
    owners: dict[_Key, list[int]] = {}
    for i, d in enumerate(decided):
        if d.key is not None:
            owners.setdefault(d.key, []).append(i)
    for key, claims in owners.items():
        if len(claims) < 2:
            continue
        rank = {i: _RANK[decided[i].evidence or decided[i].mapping or "exact"] for i in claims}
        best = min(rank.values())
        winners = [i for i in claims if rank[i] == best]
        for i in claims:
            d = decided[i]
            if d.mapping != "inferred" or (rank[i] == best and len(winners) == 1):
                continue
            decided[i] = _Decision(
                None,
                d.unit,
                None,
                None,
                note=f"{columns[i].label!r}: another column of the file also reads as "
                f"{_name(key)}; left unmapped"
                if d.evidence != "label"
                else None,
            )


def decide_mappings(
    frame: pd.DataFrame,
    *,
    held: Sequence[pd.DataFrame] = (),
    embedded: bool = True,
    cache: Path | None = None,
    stacklevel: int = 2,
) -> pd.DataFrame:
    """Decide every monthly column's mapping from its label and its figures (see module doc).

    Args:
        frame: A tidy frame of one or more releases.
        held: Tidy frames of other releases held: compared with, never returned.
        embedded: Hold the real releases embedded in the package too (those that may share
            months with a release of ``frame`` whose columns are not all exact).
        cache: A cache folder whose monthly release files are held too (those that may share
            months with a release of ``frame`` whose columns are not all exact). Read only
            when marked as a hmcts-data cache; never created or written.
        stacklevel: Passed to :func:`warnings.warn` (callers add their own depth).

    Returns:
        ``frame`` itself when nothing changes, else a copy with the decided ``jurisdiction``,
        ``measure``, ``breakdown``, ``unit``, ``mapping``, ``evidence`` and ``level_shift``.

    Example:
        >>> from hmcts_data.testing import synthetic_tidy
        >>> frame = synthetic_tidy(["2024-03", "2024-04"])
        >>> decide_mappings(frame) is frame  # exact mappings only, nothing revised wholesale
        True
    """
    import numpy as np
    import pandas as pd

    if "mapping" not in frame.columns or "evidence" not in frame.columns:
        return frame
    if not held and is_decided(frame):
        return frame  # this very frame was decided (by load, read or a call before)
    monthly = (frame["publication"] == "monthly").to_numpy(dtype=bool)
    if not monthly.any():
        return frame
    held = [h[h["publication"] == "monthly"] for h in held if "evidence" in h.columns]
    if embedded:
        held += _embedded_held(frame[monthly])
    if cache is not None:
        held += _cached_held(frame[monthly], cache, held)
    n_out = len(frame)
    pool = frame if not held else pd.concat([frame, *held], ignore_index=True)
    pool = pool[np.append(monthly, np.ones(len(pool) - n_out, dtype=bool))]
    positions = np.flatnonzero(monthly)
    pool = pool.reset_index(drop=True)
    exact_only = bool((pool["mapping"] == "exact").fillna(False).all())
    has_shift = frame["level_shift"].notna().to_numpy(dtype=bool)[monthly].any()
    if exact_only and not has_shift and not _may_shift(pool):
        return frame  # every column exact and none moved one way: nothing to decide or mark
    columns = _columns(pool, len(positions))
    by_file: dict[tuple[str, str], list[_Column]] = {}
    for c in columns:
        by_file.setdefault((c.release, c.sha256), []).append(c)
    reference = _Reference()
    # What each column came in with: a frame decided before comes back untouched.
    key_in = {id(c): c.key for c in columns}
    unit_in = {id(c): c.unit for c in columns}
    mapping_in = {id(c): c.mapping for c in columns}
    changed: list[tuple[_Column, _Decision]] = []
    notes: dict[tuple[str, str], list[str]] = {}
    # Exact columns against exact ones, all at once (most frames hold nothing else).
    early = _exact_shifts(columns)
    # Releases oldest first: a column decided now is a series the next release may continue.
    for release in sorted({r for r, _ in by_file}):
        files = [(k, cols) for k, cols in by_file.items() if k[0] == release]
        decided_files = []
        for key, cols in files:
            non_exact = any(c.mapping != "exact" for c in cols)
            said = _label_witness(cols) if non_exact else [None] * len(cols)
            decided: list[_Decision] = []
            for c, s in zip(cols, said, strict=True):
                if c.mapping == "exact" or s is None:
                    decided.append(_Decision(c.key, c.unit, c.mapping, None))
                else:
                    decided.append(_decide(c, s, reference))
            _one_key_each(cols, decided)
            for c, d in zip(cols, decided, strict=True):
                if d.key is not None and d.mapping == "exact":
                    link = early[id(c)] if id(c) in early else reference.own(c, (d.key, d.unit))
                    if link is not None:
                        d.level_shift = link.size
                if d.level_shift is not None and d.key is not None:
                    link = reference.own(c, (d.key, d.unit))
                    if link is not None:
                        notes.setdefault(key, []).append(
                            f"{_name(d.key)} {d.level_shift:+.1%} against release "
                            f"{link.release} (all {link.months} settled months one way)"
                        )
                if d.note:
                    notes.setdefault(key, []).append(d.note)
                if d.evidence == "figures":
                    assert d.key is not None
                    notes.setdefault(key, []).append(
                        f"{c.label!r} -> {_name(d.key)} (linked by its figures)"
                    )
            decided_files.append((cols, decided))
        for cols, decided in decided_files:
            for c, d in zip(cols, decided, strict=True):
                if d.key is not None:
                    c.key, c.unit, c.mapping = d.key, d.unit, d.mapping
                    reference.add(c)
                if c.output and (
                    (d.key, d.unit, d.mapping, d.evidence, d.level_shift)
                    != (key_in[id(c)], unit_in[id(c)], mapping_in[id(c)], c.evidence, c.level_shift)
                ):
                    changed.append((c, d))
    out = _apply(frame, positions, changed)
    if out is not frame:
        mark_decided(out)
    for (release, sha), lines in notes.items():
        file = next(c.file for c in by_file[(release, sha)])
        if not any(c.output for c in by_file[(release, sha)]):
            continue
        shifts = [line for line in lines if "settled months one way" in line]
        rest = [line for line in lines if line not in shifts]
        if shifts:
            warn(
                f"Release {release} ({file}) revised {len(shifts)} whole series: "
                f"{_few(shifts)}. They are kept and continue their series; level_shift marks "
                "the break.",
                UserWarning,
                stacklevel=stacklevel + 1,
            )
        if rest:
            warn(
                f"Release {release} ({file}), labels weighed with figures held from earlier "
                f"releases: {_few(rest)}. Filter on the evidence column to keep only "
                "label-confirmed mappings, and please report the headers.",
                UserWarning,
                stacklevel=stacklevel + 1,
            )
    return out


#: Months an earlier release may precede a release and still share settled months with it.
_REACH: Final = 13


def _month_number(release: str) -> int:
    year, month = release.split("-")
    return int(year) * 12 + int(month)


def _embedded_held(frame: pd.DataFrame) -> list[pd.DataFrame]:
    """The embedded real releases that may share months with a release of ``frame``.

    Only releases whose columns are not all exact need them; none when every column is.
    """
    import pandas as pd

    wanted = _undecided_months(frame)
    if not wanted:
        return []
    near = [
        m for m in _embedded_months() if any(0 < w - _month_number(m) <= _REACH for w in wanted)
    ]
    if not near:
        return []  # nothing embedded is near: the manifest's models are not even imported
    from hmcts_data._embedded import embedded_releases

    present = set(frame["sha256"].unique())
    out = []
    for item in embedded_releases("monthly"):
        if item.release not in near or item.sha256 in present:
            continue
        found = _embedded_frame(item.file)
        if found is not None:
            out.append(found)
    return [f for f in out if isinstance(f, pd.DataFrame)]


def _undecided_months(frame: pd.DataFrame) -> set[int]:
    """The months (as numbers) of the releases of ``frame`` whose columns are not all exact."""
    undecided = (frame["mapping"] != "exact").fillna(True)
    if not bool(undecided.any()):
        return set()
    return {_month_number(str(r)) for r in frame.loc[undecided, "release"].unique()}


#: A month named in a file's name or URL: "Apr2025", "April_2025", "May 24" (the last one wins).
_NAMED_MONTH: Final = re.compile(
    r"(?<![a-z])(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*[ _.-]?(\d{4}|\d{2})(?!\d)",
    re.IGNORECASE,
)
_MONTHS: Final = (
    "jan",
    "feb",
    "mar",
    "apr",
    "may",
    "jun",
    "jul",
    "aug",
    "sep",
    "oct",
    "nov",
    "dec",
)
#: Largest cached file read as a witness (monthly releases are well under a megabyte).
_CACHED_MAX: Final = 32 << 20


def _named_month(url: str) -> int | None:
    """The last month a file's name states (as a number), or ``None`` when it names none."""
    found = _NAMED_MONTH.findall(url.rsplit("/", 1)[-1])
    if not found:
        return None
    name, year = found[-1]
    return (int(year) + (2000 if len(year) == 2 else 0)) * 12 + _MONTHS.index(name.lower()[:3]) + 1


def _cached_held(
    frame: pd.DataFrame, root: Path, held: Sequence[pd.DataFrame]
) -> list[pd.DataFrame]:
    """The monthly release files in the cache at ``root`` that may share months with ``frame``.

    Only releases whose columns are not all exact need them. A file whose name states its
    month is read only when that month is near; one whose name states none is read to learn
    it. Each file is read once per process; a file that is not ours, changed, too large or not
    a monthly release is passed over.
    """
    from hmcts_data._cache_layout import cached_files

    wanted = _undecided_months(frame)
    if not wanted:
        return []
    entries = cached_files(root)
    if not entries:
        return []  # no cache, or not one of ours: nothing read
    present = set(frame["sha256"].unique())
    for other in held:
        present.update(other["sha256"].unique())
    out = []
    for url, body, size, sha in entries:
        if sha in present or not 0 < size <= _CACHED_MAX:
            continue
        named = _named_month(url)
        if named is not None and not any(0 < w - named <= _REACH for w in wanted):
            continue
        found = _cached_frame(str(body), url, size, sha)
        if found is None or found.empty:
            continue
        months = {_month_number(str(r)) for r in found["release"].unique()}
        if any(0 < w - m <= _REACH for w in wanted for m in months):
            present.add(sha)
            out.append(found)
    return out


@cache
def _cached_frame(path: str, url: str, size: int, sha: str) -> pd.DataFrame | None:
    """One cached file read as a monthly release (once per process); ``None`` when it is not."""
    import hashlib
    import stat

    from hmcts_data._errors import HMCTSDataError
    from hmcts_data.tables._schema import Provenance
    from hmcts_data.tables.monthly import parse

    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size != size:
            return None
        with os.fdopen(os.dup(fd), "rb") as body:
            data = body.read(size + 1)
    except OSError:
        return None
    finally:
        os.close(fd)
    if len(data) != size or hashlib.sha256(data).hexdigest() != sha:
        return None  # changed since it was cached: not the release it was
    try:
        with muted():
            prov = Provenance("monthly", Path(path).name, sha, source_url=url)
            frame = parse(data, prov).frame()
    except HMCTSDataError:
        return None  # another publication's file, or not a release at all
    if "evidence" not in frame.columns:
        return None
    return frame[frame["publication"] == "monthly"]


@cache
def _embedded_months() -> tuple[str, ...]:
    """The data months of the embedded monthly releases, from their manifest as written.

    Read without its validating models (checked when a release is used): most reads need
    none of them.
    """
    import tomllib
    from importlib import resources

    # Through the parent package: importing hmcts_data._embedded would load its models.
    manifest = resources.files("hmcts_data").joinpath("_embedded", "releases.toml")
    text = manifest.read_text("utf-8")
    entries = tomllib.loads(text).get("release", [])
    return tuple(str(e.get("release")) for e in entries if e.get("publication") == "monthly")


@cache
def _embedded_frame(file: str) -> pd.DataFrame | None:
    """One embedded release read (once per process); ``None`` when it cannot be read."""
    import hashlib

    from hmcts_data._embedded import embedded_bytes, embedded_releases
    from hmcts_data._errors import HMCTSDataError
    from hmcts_data.tables._schema import Provenance
    from hmcts_data.tables.monthly import parse

    item = next(i for i in embedded_releases("monthly") if i.file == file)
    try:
        data = embedded_bytes(item)
        with muted():
            prov = Provenance(
                "monthly",
                item.file,
                hashlib.sha256(data).hexdigest(),
                release=item.release,
                source_url=item.source_url,
            )
            return parse(data, prov).frame()
    except HMCTSDataError:
        return None  # a damaged install: the releases in the call still decide


#: ``DataFrame.attrs`` key of a frame whose mappings were decided: its rows and files then.
_DECIDED: Final = "hmcts_data.decided"


def _files_of(frame: pd.DataFrame) -> tuple[object, ...]:
    """Rows, and the file and header of the first and last row.

    Cheap, and enough to tell a frame joined with another or cut down from the one decided.
    """
    if not len(frame):
        return (0,)
    ends = frame[["sha256", "source_label"]].iloc[[0, -1]].to_numpy(dtype=object)
    return (len(frame), *(str(v) for v in ends.ravel()))


def mark_decided(frame: pd.DataFrame) -> pd.DataFrame:
    """Note on a frame the library built that its mappings are decided (returns it).

    The note names its rows and its first and last files, so a frame joined with others or
    filtered is decided again; pandas keeps ``attrs`` through copies and slices.
    """
    frame.attrs[_DECIDED] = _files_of(frame)
    return frame


def is_decided(frame: pd.DataFrame) -> bool:
    """Whether ``frame`` is one :func:`mark_decided` noted, unchanged in rows and files."""
    note = frame.attrs.get(_DECIDED)
    return note is not None and "sha256" in frame.columns and note == _files_of(frame)


def _run_codes(column: pd.Series[Any]) -> tuple[np.ndarray, int]:
    """Codes of a text column and how many values: hashed once per run of equal rows.

    A tidy frame holds each published column as a run of rows, so only run heads are
    factorised; a column whose values cannot be compared (``pd.NA``) is factorised whole.
    """
    import numpy as np
    import pandas as pd

    values = column.to_numpy(dtype=object)
    n = len(values)
    try:
        starts = np.ones(n, dtype=bool)
        np.not_equal(values[1:], values[:-1], out=starts[1:])
    except TypeError:
        whole, every = pd.factorize(column, use_na_sentinel=False)
        return whole.astype(np.int64), len(every)
    heads = np.flatnonzero(starts)
    ints, uniques = pd.factorize(values[heads], use_na_sentinel=False)
    return np.repeat(ints.astype(np.int64), np.diff(np.append(heads, n))), len(uniques)


def _may_shift(frame: pd.DataFrame) -> bool:
    """Whether some column of ``frame`` may revise its series whole against an earlier release.

    A quick screen on whole arrays (no column objects): each column is paired with its key's
    column in the newest earlier release, and only a pair whose settled months all moved one
    way, by a median above :data:`SHIFT_FLOOR`, passes. ``False`` means none can.
    """
    import numpy as np
    import pandas as pd

    months, month_of = np.unique(
        frame["period_start"].to_numpy(dtype="datetime64[ns]").view("i8"), return_inverse=True
    )

    found: dict[str, tuple[np.ndarray, int]] = {}

    def codes(names: Sequence[str]) -> np.ndarray:
        code = np.zeros(len(frame), dtype=np.int64)
        for name in names:
            if name not in found:
                column = frame[name]
                if isinstance(column.dtype, pd.CategoricalDtype):
                    # Category codes as they are: no hashing of the values.
                    raw = column.cat.codes.to_numpy().astype(np.int64)
                    found[name] = (raw + 1, len(column.cat.categories) + 1)
                else:
                    found[name] = _run_codes(column)
            ints, size = found[name]
            code = code * (size + 1) + ints
            if int(code.max(initial=0)) > 2**40:
                code = np.unique(code, return_inverse=True)[1].astype(np.int64)
        return code

    # A file's columns: its sha256 names its publication and release too.
    names = ["sha256", "source_label", "jurisdiction", "measure", "breakdown"]
    _, first_of, column_of = np.unique(codes(names), return_index=True, return_inverse=True)
    grid = np.full((len(first_of), len(months)), np.nan)
    grid[column_of, month_of] = frame["value"].to_numpy(dtype=np.float64, na_value=np.nan)
    latest_of_file = pd.Series(month_of).groupby(codes(["sha256"])).transform("max").to_numpy()
    latest = latest_of_file[first_of]
    series = np.unique(
        codes(["jurisdiction", "measure", "breakdown", "unit"])[first_of], return_inverse=True
    )[1]
    release = pd.factorize(frame["release"].to_numpy(dtype=object)[first_of], sort=True)[0]
    order = np.lexsort((release, series))
    s_o, r_o = series[order], release[order]
    new_run = np.ones(len(order), dtype=bool)
    new_run[1:] = (s_o[1:] != s_o[:-1]) | (r_o[1:] != r_o[:-1])
    run_start = np.maximum.accumulate(np.where(new_run, np.arange(len(order)), 0))
    before = run_start - 1
    has = (before >= 0) & (s_o[np.maximum(before, 0)] == s_o)
    targets, refs = order[has], order[before[has]]
    if not len(targets):
        return False
    x, y = grid[targets], grid[refs].copy()
    y[np.arange(len(refs)), latest[refs]] = np.nan
    both = ~np.isnan(x) & ~np.isnan(y)
    with np.errstate(invalid="ignore", divide="ignore"):
        moved = ((x != y) & both).sum(axis=1)
        one_way = (((x >= y) | ~both).all(axis=1) | ((x <= y) | ~both).all(axis=1)) & (
            moved >= ONE_WAY_SHARE * both.sum(axis=1)
        )
        one_way &= both.sum(axis=1) >= MIN_SETTLED
        if not one_way.any():
            return False
        scale = np.maximum(np.abs(x[one_way]), np.abs(y[one_way]))
        rel = np.where(
            scale > 0, np.abs(x[one_way] - y[one_way]) / np.where(scale > 0, scale, 1), 0
        )
    rel[~both[one_way]] = np.nan
    distance = np.nanmedian(rel, axis=1)
    return bool(((distance > SHIFT_FLOOR) & (distance <= SHIFT_BOUND)).any())


def _exact_shifts(columns: Sequence[_Column]) -> dict[int, Link | None]:
    """Whole-series revisions of exact columns against the exact column before them, at once.

    Per exact column (by ``id``): its series' column in the newest earlier release, when that
    column is exact too (its key cannot change) and shares enough settled months; the
    :meth:`_Reference.own` answer then. Columns left out are checked one by one.
    """
    import numpy as np
    import pandas as pd

    keyed = [c for c in columns if c.key is not None]
    if len(keyed) < 2:
        return {}
    series = pd.factorize(pd.Series([(c.key, c.unit) for c in keyed], dtype=object))[0]
    release = pd.factorize(pd.Series([c.release for c in keyed]), sort=True)[0]
    order = np.lexsort((release, series))
    s_o, r_o = series[order], release[order]
    new_run = np.ones(len(order), dtype=bool)
    new_run[1:] = (s_o[1:] != s_o[:-1]) | (r_o[1:] != r_o[:-1])
    run_start = np.maximum.accumulate(np.where(new_run, np.arange(len(order)), 0))
    before = run_start - 1
    has = (before >= 0) & (s_o[np.maximum(before, 0)] == s_o)
    targets = order[has]
    refs = order[before[has]]
    exact = np.array([c.mapping == "exact" for c in keyed])
    # Only a reference in the release just before: a column between them without a key of
    # its own may yet be linked to the series, and would then be the one to compare with.
    releases = sorted({c.release for c in columns})
    previous = {r: releases[i - 1] for i, r in enumerate(releases) if i}
    adjacent = np.array(
        [
            previous.get(keyed[t].release) == keyed[r].release
            for t, r in zip(targets, refs, strict=True)
        ],
        dtype=bool,
    )
    pick = exact[targets] & exact[refs] & adjacent
    targets, refs = targets[pick], refs[pick]
    if not len(targets):
        return {}
    x = np.vstack([keyed[i].values for i in targets])
    y = np.vstack([keyed[i].values for i in refs])
    y[np.arange(len(refs)), [keyed[i].latest for i in refs]] = np.nan
    both = ~np.isnan(x) & ~np.isnan(y)
    months = both.sum(axis=1)
    with np.errstate(invalid="ignore"):
        one_way = ((x >= y) | ~both).all(axis=1) | ((x <= y) | ~both).all(axis=1)
    out: dict[int, Link | None] = {}
    for k, (t, r) in enumerate(zip(targets.tolist(), refs.tolist(), strict=True)):
        if months[k] < MIN_SETTLED:
            continue  # an older release may share more: checked one by one
        if not one_way[k]:
            out[id(keyed[t])] = None
            continue
        link = Link(*compare(x[k], y[k]), keyed[r].release, keyed[r].label)
        out[id(keyed[t])] = link if link.kind == "shift" else None
    return out


def _objects(column: pd.Series[Any]) -> np.ndarray:
    """A column as Python objects, ``None`` where missing."""
    import numpy as np

    return np.asarray(column.astype(object).where(column.notna(), None), dtype=object)


def _few(items: Sequence[str], shown: int = 6) -> str:
    """Up to ``shown`` items joined, and how many more: a warning stays readable."""
    more = f"; and {len(items) - shown} more" if len(items) > shown else ""
    return "; ".join(items[:shown]) + more


def _apply(
    frame: pd.DataFrame, positions: np.ndarray, changed: Sequence[tuple[_Column, _Decision]]
) -> pd.DataFrame:
    """``frame`` with each column's decision written on its rows (itself when nothing changes)."""
    import numpy as np
    import pandas as pd

    if not changed:
        return frame
    names = ("jurisdiction", "measure", "breakdown", "unit", "mapping", "evidence")
    current = {n: _objects(frame[n]) for n in names}
    shift = frame["level_shift"].to_numpy(dtype=np.float64, na_value=np.nan)
    new = {n: v.copy() for n, v in current.items()}
    new_shift = shift.copy()
    for c, d in changed:
        rows = positions[c.rows]
        key = d.key or (None, None, "")
        for n, v in zip(("jurisdiction", "measure", "breakdown"), key, strict=True):
            new[n][rows] = v
        new["unit"][rows] = d.unit
        new["mapping"][rows] = d.mapping
        new["evidence"][rows] = d.evidence
        new_shift[rows] = np.nan if d.level_shift is None else d.level_shift
    out = frame.copy()
    for n in names:
        out[n] = pd.Series(new[n], index=out.index, dtype=object).astype(frame[n].dtype)
    out["level_shift"] = pd.arrays.FloatingArray(np.nan_to_num(new_shift), np.isnan(new_shift))
    return out
