"""Shared pieces of the end-to-end tests: a SYNTHETIC data site and answers computed from it.

The expected answers here are computed from the generator's own record of what it wrote
(:attr:`MonthlyFile.expected` cells) and from the site description, never from the library's
output: a figure is ``(published header, month)``, which within one layout names exactly one
canonical figure (the tests check that the library agrees before relying on it).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import pandas as pd

from hmcts_data import Client, Settings
from hmcts_data.testing import FakeGovUK, SitePage
from hmcts_data.testing._demo import DataSite
from hmcts_data.testing._monthly_files import MonthlyFile

#: ``(published header, first day of the month)``.
Cell = tuple[str, date]
#: ``(value or None, marker or None)``.
Figure = tuple[float | None, str | None]

LAST_MONTH = date(2025, 4, 1)
MONTHLY_RELEASES = 6


@dataclass(frozen=True)
class Served:
    """One monthly release as served: its page and the generated file attached to it."""

    page: SitePage
    file: MonthlyFile

    @property
    def key(self) -> str:
        """The release's data month, ``YYYY-MM``, from the page description."""
        month = self.page.release.latest_month
        assert month is not None
        return f"{month:%Y-%m}"

    @property
    def sha256(self) -> str:
        """SHA-256 of the bytes served."""
        return hashlib.sha256(self.file.data).hexdigest()

    def cells(self) -> dict[Cell, Figure]:
        """Every cell the file holds."""
        return {(c.label, c.period_start): (c.value, c.marker) for c in self.file.expected}


def served_monthly(data: DataSite, *, withdrawn: bool = False) -> list[Served]:
    """The monthly releases served, oldest first (withdrawn pages only when asked)."""
    by_month = {f.last_month: f for f in data.monthly}
    out = []
    for page in data.site.pages_of("monthly"):
        if page.withdrawn and not withdrawn:
            continue
        month = page.release.latest_month
        assert month is not None
        out.append(Served(page, by_month[month]))
    return sorted(out, key=lambda s: s.key)


def figures(frame: pd.DataFrame) -> dict[Cell, Figure]:
    """The figures of a tidy frame of one release, keyed like :meth:`Served.cells`."""
    out: dict[Cell, Figure] = {}
    for label, start, value, marker in frame[
        ["source_label", "period_start", "value", "marker"]
    ].itertuples(index=False):
        key = (str(label), pd.Timestamp(start).date())
        assert key not in out, f"figure {key} appears twice in one release"
        out[key] = (None if pd.isna(value) else float(value), None if pd.isna(marker) else marker)
    return out


def expected_series(releases: Sequence[Served], *, skip_missing: bool = False) -> dict[Cell, str]:
    """Which release each figure of the harmonised series must come from.

    The newest release that publishes the figure; with ``skip_missing``, the newest one that
    has a value for it, else (missing everywhere) the newest that publishes it.
    """
    held = [(r.key, r.cells()) for r in releases]  # oldest first
    chosen: dict[Cell, str] = {}
    for cell in {c for _, cells in held for c in cells}:
        holders = [(key, cells[cell][0]) for key, cells in held if cell in cells]
        with_value = [h for h in holders if h[1] is not None]
        chosen[cell] = ((with_value or holders) if skip_missing else holders)[-1][0]
    return chosen


@dataclass(frozen=True)
class Change:
    """One expected row of ``revisions()``."""

    kind: str
    old_release: str
    old: float | None
    new: float | None

    @property
    def change(self) -> float | None:
        """``new - old`` in decimal, where both are present."""
        if self.old is None or self.new is None:
            return None
        return float(Decimal(repr(self.new)) - Decimal(repr(self.old)))


def expected_revisions(releases: Sequence[Served]) -> dict[tuple[str, date, str], Change]:
    """Every change between consecutive releases that publish a figure, keyed by the newer."""
    out: dict[tuple[str, date, str], Change] = {}
    previous: dict[Cell, tuple[str, float | None]] = {}
    for release in releases:
        for cell, (value, _) in release.cells().items():
            if cell in previous:
                old_key, old = previous[cell]
                kind = None
                if old is not None and value is not None and old != value:
                    kind = "revised"
                elif old is None and value is not None:
                    kind = "filled"
                elif old is not None and value is None:
                    kind = "withdrawn"
                if kind is not None:
                    out[(cell[0], cell[1], release.key)] = Change(kind, old_key, old, value)
            previous[cell] = (release.key, value)
    return out


def client_for(fake: FakeGovUK, cache_dir: Path, *, offline: bool = False) -> Client:
    """A client of the fake site with its own cache, independent of any HMCTS_DATA_*."""
    return Client(
        Settings(
            base_url=fake.base_url,
            cache_dir=cache_dir,
            offline=offline,
            rate_limit=1000.0,
            backoff=0.01,
        )
    )


@dataclass(frozen=True)
class World:
    """A started fake GOV.UK serving the data site, and a cache directory for it."""

    fake: FakeGovUK
    data: DataSite
    cache_dir: Path

    def client(self, *, offline: bool = False) -> Client:
        """A client of this site sharing the world's cache."""
        return client_for(self.fake, self.cache_dir, offline=offline)


def data_world(cache_dir: Path) -> Iterator[World]:
    """Yield a :class:`World` with the standard SYNTHETIC data site (for module fixtures)."""
    from hmcts_data.testing._demo import build_data_site

    with FakeGovUK() as fake:
        data = build_data_site(fake, monthly=MONTHLY_RELEASES, last_month=LAST_MONTH)
        yield World(fake, data, cache_dir)
