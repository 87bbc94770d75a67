"""A small SYNTHETIC tidy frame: several releases, revisions and missing values, no file needed.

For examples, docs and tests of code that consumes tidy frames (plots, exports, your own
analysis). The numbers are made up; every ``source_label`` and ``source_file`` says SYNTHETIC.
"""

from __future__ import annotations

import calendar
import hashlib
import random
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from hmcts_data._errors import ConfigurationError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["synthetic_tidy"]

# (jurisdiction, measure, breakdown) -> (unit, typical size). Magistrates' timeliness is in days
# and the rest in weeks, as in the real monthly files, so a plot across jurisdictions meets
# mixed units.
_SERIES: dict[tuple[str, str, str], tuple[str, float]] = {
    ("civil", "receipts", ""): ("cases", 140_000),
    ("civil", "disposals", ""): ("cases", 95_000),
    ("civil", "timeliness", "small claims"): ("weeks", 48.0),
    ("crown_court", "receipts", ""): ("cases", 11_000),
    ("crown_court", "disposals", ""): ("cases", 10_500),
    ("crown_court", "outstanding", ""): ("cases", 68_000),
    ("magistrates_courts", "receipts", ""): ("cases", 115_000),
    ("magistrates_courts", "disposals", ""): ("cases", 112_000),
    ("magistrates_courts", "outstanding", ""): ("cases", 345_000),
    ("magistrates_courts", "timeliness", ""): ("days", 170.0),
    ("family_public_law", "receipts", ""): ("cases", 1_500),
    ("family_public_law", "disposals", ""): ("cases", 1_450),
    ("family_public_law", "outstanding", ""): ("cases", 8_000),
    ("family_public_law", "timeliness", ""): ("weeks", 45.0),
    ("probate", "receipts", ""): ("cases", 24_000),
    ("probate", "receipts", "digital"): ("cases", 19_000),
    ("probate", "receipts", "paper"): ("cases", 5_000),
    ("probate", "outstanding", ""): ("cases", 40_000),
    ("probate", "timeliness", ""): ("weeks", 14.0),
}

# Deterministic holes, as (jurisdiction, measure, months before the release) -> published cell.
_HOLES: dict[tuple[str, str, int], str] = {
    ("crown_court", "outstanding", 5): "NA",
    ("family_public_law", "receipts", 8): "[x]",
    ("probate", "timeliness", 3): "",
}


def _month_add(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def _cell(key: tuple[str, str, str], period: date, age: int, seed: int) -> str:
    """The published text of one figure: the 'true' value, revised while it is young."""
    unit, size = _SERIES[key]
    rng = random.Random(f"{seed}|{'|'.join(key)}|{period:%Y-%m}")
    months = period.year * 12 + period.month
    trend = 1 + 0.004 * (months - 2024 * 12)
    seasonal = 1 + 0.06 * ((period.month % 4) - 1.5) / 1.5
    true = size * trend * seasonal * (1 + rng.uniform(-0.05, 0.05))
    # The latest months are provisional: first published low, then revised up as late
    # records arrive (the pattern the monthly MI's revisions show).
    revision = {0: -0.04, 1: -0.015}.get(age, 0.0)
    value = true * (1 + revision * rng.uniform(0.5, 1.0))
    text = f"{value:,.0f}" if unit == "cases" else f"{value:.1f}"
    return f"{text} [p]" if age == 0 else text


def synthetic_tidy(
    releases: Sequence[str] = ("2024-02", "2024-03", "2024-04"),
    *,
    window: int = 13,
    seed: int = 0,
) -> pd.DataFrame:
    """Build a SYNTHETIC tidy frame shaped like several monthly MI releases.

    Each release covers the ``window`` months up to its release month (like the monthly MI's
    rolling 13-month window); months seen by several releases are revised (the latest month
    is provisional, marked ``[p]``); a few figures are missing with the markers ``NA``,
    ``[x]`` and ``blank``. Magistrates' timeliness is in days, other timeliness in weeks.
    Deterministic for a given ``seed``.

    Args:
        releases: Release months as ``"YYYY-MM"``.
        window: Months per release (1 to 60).
        seed: Varies the made-up numbers.

    Returns:
        A validated tidy frame (publication ``monthly``), releases concatenated in order.

    Raises:
        ConfigurationError: A release is not ``"YYYY-MM"``, or ``window`` is out of range.

    Example:
        >>> frame = synthetic_tidy(["2024-03", "2024-04"], window=3)
        >>> sorted(frame["release"].unique())
        ['2024-03', '2024-04']
    """
    # Deferred so the pytest plugin (which imports hmcts_data.testing) stays light.
    import pandas as pd

    from hmcts_data.tables._schema import ColumnSpec, Provenance, melt_wide, validate_tidy

    if not 1 <= window <= 60:
        raise ConfigurationError(f"window must be between 1 and 60 months, got {window}.")
    if not releases:
        raise ConfigurationError("releases must name at least one 'YYYY-MM' month.")
    frames = []
    for release in releases:
        try:
            year, month = (int(part) for part in release.split("-"))
            date(year, month, 1)
        except ValueError:
            raise ConfigurationError(
                f"release {release!r} is not a 'YYYY-MM' month (for example '2024-04')."
            ) from None
        months = [_month_add(year, month, -back) for back in range(window - 1, -1, -1)]
        periods = [(date(y, m, 1), date(y, m, calendar.monthrange(y, m)[1])) for (y, m) in months]
        columns = []
        for key, (unit, _) in _SERIES.items():
            jurisdiction, measure, breakdown = key
            cells = []
            for (start, _end), back in zip(periods, range(window - 1, -1, -1), strict=True):
                hole = _HOLES.get((jurisdiction, measure, back))
                cells.append(hole if hole is not None else _cell(key, start, back, seed))
            label = f"SYNTHETIC {jurisdiction} {measure} {breakdown}".strip()
            columns.append(ColumnSpec(label, jurisdiction, measure, breakdown, unit, cells))
        pub_year, pub_month = _month_add(year, month, 1)
        digest = hashlib.sha256(f"synthetic|{release}|{seed}|{window}".encode()).hexdigest()
        provenance = Provenance(
            publication="monthly",
            source_file=f"SYNTHETIC_monthly_{release}.csv",
            sha256=digest,
            release=release,
            published=datetime(pub_year, pub_month, 10, 9, 30, tzinfo=UTC),
        )
        frames.append(melt_wide(periods, columns, provenance))
    return validate_tidy(pd.concat(frames, ignore_index=True))
