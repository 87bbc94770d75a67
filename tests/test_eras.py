"""One list of eras, the monthly crosswalk's: the file maker and the embedded releases fit it."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from hmcts_data._embedded import EmbeddedRelease, embedded_bytes, embedded_releases
from hmcts_data.tables._grid import load_grids
from hmcts_data.tables._monthly_crosswalk import Crosswalk, eras_markdown, load_crosswalk
from hmcts_data.testing._monthly_files import ERAS, era_headers, monthly_csv

_DOCS = Path(__file__).parents[1] / "docs" / "monthly.md"


def _columns(cw: Crosswalk, era: str) -> int:
    found = re.search(r"(\d+) columns", cw.eras[era].format)
    assert found, cw.eras[era].format
    return int(found.group(1))


def _misfits(cw: Crosswalk, era: str, headers: list[str] | tuple[str, ...]) -> list[str]:
    """Headers the crosswalk does not record for ``era`` (the month column aside)."""
    matches = cw.match(list(headers))[1:]
    return [h for h, m in zip(headers[1:], matches, strict=True) if m is None or era not in m.eras]


def test_the_file_maker_makes_exactly_the_crosswalks_csv_eras() -> None:
    cw = load_crosswalk()
    assert list(ERAS) == [name for name, era in cw.eras.items() if era.is_csv]
    assert all(not era.is_csv for name, era in cw.eras.items() if name not in ERAS)


@pytest.mark.parametrize("era", ERAS)
def test_each_made_era_has_the_crosswalks_headers_for_it(era: str) -> None:
    cw = load_crosswalk()
    headers = era_headers(era)
    assert len(headers) == _columns(cw, era)
    assert _misfits(cw, era, headers) == []
    made = monthly_csv(era, date(2024, 4, 1), 1)
    assert made.era == era


def _header_row(release: EmbeddedRelease) -> list[str]:
    grid = load_grids(embedded_bytes(release), name=release.file)[0]
    first = next(row for row in grid.rows if any(c is not None for c in row))
    headers = ["" if c is None else str(c) for c in first]
    while headers and not headers[-1]:
        headers.pop()
    return headers


@pytest.mark.parametrize("release", embedded_releases(), ids=lambda r: r.release)
def test_each_embedded_release_is_of_the_era_it_says(release: EmbeddedRelease) -> None:
    cw = load_crosswalk()
    assert release.era in cw.eras
    era = cw.eras[release.era]
    assert era.seen  # a real file of it is right here
    assert release.file.lower().endswith(".csv") == era.is_csv
    headers = _header_row(release)
    assert len(headers) == _columns(cw, release.era)
    assert _misfits(cw, release.era, headers) == []


def test_the_docs_era_table_is_generated_from_the_crosswalk() -> None:
    assert "<!-- generated: monthly-eras -->" in _DOCS.read_text(encoding="utf-8")
    table = eras_markdown()
    for name, era in load_crosswalk().eras.items():
        assert f"| {name} | {era.years} | {era.format} |" in table
