"""Map a monthly header row: the exact crosswalk first, then the header interpreter, else unmapped.

Kept apart from the interpreter (:mod:`hmcts_data.tables._interpret`), which is imported only
when a header is not on record: a file whose every header the crosswalk knows needs nothing of
its grammar, phrases or vocabulary.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hmcts_data.tables._interpret import Reading

__all__ = ["HeaderMapping", "interpret_headers", "resolve"]


@dataclass(frozen=True)
class HeaderMapping:
    """How one column of a header row is mapped.

    Attributes:
        jurisdiction: Canonical jurisdiction, or ``None`` when unmapped.
        measure: Canonical measure, or ``None`` when unmapped.
        breakdown: Variant, ``""`` when none.
        unit: The unit of the column's values.
        mapping: ``"exact"``, ``"inferred"``, or ``None`` when unmapped.
        series: The crosswalk series id it joins (``None`` for a new key or unmapped).
        reason: Why an unmapped column stayed unmapped.
    """

    jurisdiction: str | None
    measure: str | None
    breakdown: str
    unit: str
    mapping: str | None
    series: str | None = None
    reason: str | None = None

    @property
    def key(self) -> tuple[str, str, str] | None:
        """``(jurisdiction, measure, breakdown)`` when mapped."""
        if self.jurisdiction is None or self.measure is None:
            return None
        return self.jurisdiction, self.measure, self.breakdown


def _unmapped(reason: str, unit: str | None) -> HeaderMapping:
    return HeaderMapping(None, None, "", unit or "unknown", None, None, reason)


def resolve(
    reading: Reading,
    series_by_key: Mapping[tuple[str, str, str], tuple[str, str]],
    measures_in: frozenset[tuple[str, str]],
) -> HeaderMapping:
    """Turn one reading into a mapping against the known series.

    Args:
        reading: What the label says.
        series_by_key: ``(jurisdiction, measure, breakdown) -> (series id, unit)``.
        measures_in: ``(jurisdiction, measure)`` pairs some known series has.

    Returns:
        The known series when the key is one (and the units agree); a new key of its own for a
        measure its jurisdiction has never published; else unmapped with the reason.
    """
    if reading.problem is not None or reading.jurisdiction is None or reading.measure is None:
        return _unmapped(reading.problem or "not understood", reading.unit)
    key = (reading.jurisdiction, reading.measure, reading.breakdown)
    hit = series_by_key.get(key)
    if hit is not None:
        series_id, unit = hit
        if reading.unit is not None and unit not in ("unknown", reading.unit):
            return _unmapped(f"states {reading.unit} but {series_id} is in {unit}", reading.unit)
        return HeaderMapping(*key, reading.unit or unit, "inferred", series_id)
    if key[:2] in measures_in:
        # A known measure with a breakdown no series has: a qualifier may be missing or new;
        # either way it is not certain which series (if any) this is.
        return _unmapped(f"no known series {'.'.join(k for k in key if k)}", reading.unit)
    return HeaderMapping(*key, reading.unit or "unknown", "inferred", None)


def interpret_headers(
    headers: tuple[str, ...],
    exact: Sequence[tuple[tuple[str, str, str], str, str] | None],
    series_by_key: Mapping[tuple[str, str, str], tuple[str, str]],
) -> tuple[HeaderMapping | None, ...]:
    """Map a header row: exact crosswalk matches first, then the interpreter, else unmapped.

    Args:
        headers: The header row as published (position 0 is the month column: ``None``).
        exact: Per header, the exact crosswalk match as ``(key, series id, unit)``, or ``None``.
        series_by_key: Every known series: key -> ``(series id, unit)``.

    Returns:
        One mapping per header (``None`` at position 0). No two columns share a key: an
        inferred key that another column already has is unmapped.

    Example:
        >>> out = interpret_headers(
        ...     ("Month", "Employment Tribunals - new cases", "ET cases received"),
        ...     [None, None, None],
        ...     {("employment_tribunal", "receipts", ""): ("et.receipts", "cases")},
        ... )
        >>> [m.mapping if m else None for m in out]
        [None, None, None]
    """
    measures_in = frozenset(k[:2] for k in series_by_key)
    out: list[HeaderMapping | None] = [None] * len(headers)
    for i, label in enumerate(headers):
        if i == 0:
            continue
        hit = exact[i]
        if hit is not None:
            key, series_id, unit = hit
            out[i] = HeaderMapping(*key, unit, "exact", series_id)
        else:
            from hmcts_data.tables._interpret import interpret_label

            out[i] = resolve(interpret_label(label), series_by_key, measures_in)
    # Never two columns of one file on one key: an inferred claim on a taken key is dropped.
    owners: dict[tuple[str, str, str], list[int]] = {}
    for i, m in enumerate(out):
        if m is not None and m.key is not None:
            owners.setdefault(m.key, []).append(i)
    for key, columns in owners.items():
        if len(columns) < 2:
            continue
        for i in columns:
            m = out[i]
            assert m is not None
            if m.mapping == "inferred":
                out[i] = _unmapped(
                    f"another column of the file also reads as {'.'.join(k for k in key if k)}",
                    m.unit if m.unit != "unknown" else None,
                )
    return tuple(out)
