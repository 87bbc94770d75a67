"""Reprs for people: a few lines with counts and the newest items; full detail on demand; HTML."""

from __future__ import annotations

import dataclasses
import html
import warnings
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

import hmcts_data
from hmcts_data import routes
from hmcts_data._cache import CacheEntry
from hmcts_data._catalogue._snapshot import load_snapshot


@pytest.fixture(scope="module")
def catalogue() -> hmcts_data.Catalogue:
    return load_snapshot()


def test_catalogue_repr_is_a_few_lines_with_counts_and_newest(
    catalogue: hmcts_data.Catalogue,
) -> None:
    text = repr(catalogue)
    lines = text.splitlines()
    assert len(lines) <= len(catalogue.publications) + 2
    total = sum(len(p.releases) for p in catalogue.publications)
    assert f"{len(catalogue.publications)} publications, {total} releases" in lines[0]
    monthly = catalogue.get("monthly")
    newest = monthly.latest()
    assert newest.key is not None
    assert any(line.split()[0] == "monthly" and newest.key in line for line in lines[1:])
    assert len(text) < 1500
    # Full detail on demand: every release of every publication.
    full = catalogue.describe()
    for pub in catalogue.publications:
        for release in pub.releases:
            assert release.title in full


def test_publication_repr_names_the_newest_releases_only(
    catalogue: hmcts_data.Catalogue,
) -> None:
    monthly = catalogue.get("monthly")
    assert len(monthly.releases) > 3
    lines = repr(monthly).splitlines()
    assert len(lines) == 5
    assert f"{len(monthly.releases)} releases" in lines[0]
    assert [line.split()[0] for line in lines[1:4]] == [r.key for r in monthly.releases[:3]]
    assert f"{len(monthly.releases) - 3} older" in lines[4]
    assert monthly.releases[-1].title not in repr(monthly)
    assert monthly.releases[-1].title in monthly.describe()
    release = monthly.releases[0]
    assert repr(release).count("\n") == 0
    assert release.url in release.describe()


def test_route_lists_and_search_results_print_briefly() -> None:
    everything = routes.list()
    assert isinstance(everything, list)
    text = repr(everything)
    assert text.splitlines()[0] == f"<{len(everything)} access routes>"
    assert len(text.splitlines()) <= 10
    assert len(text) < 1500
    full = everything.describe()
    assert all(r.name in full for r in everything)
    found = routes.search("transcript")
    assert repr(found).splitlines()[0].endswith("best first>")
    assert [line.split()[0] for line in repr(found).splitlines()[1:]] == [r.id for r in found][:8]
    suggested = routes.suggest("a transcript of my hearing")
    assert isinstance(suggested, list)
    assert len(repr(suggested).splitlines()) <= 10
    assert suggested[0].route.name in suggested.describe()
    assert repr(routes.get("transcripts")).count("\n") == 0
    assert repr(routes.search("")) == "<0 access routes, best first>"


def test_cache_info_repr_counts_and_shows_the_newest_entries(tmp_path: Path) -> None:
    when = datetime(2025, 5, 1, tzinfo=UTC)
    entries = tuple(
        CacheEntry(
            kind="files",
            url=f"https://www.gov.uk/f{i}.csv",
            path=tmp_path,
            size=i,
            retrieved_at=when,
        )
        for i in range(200)
    )
    info = hmcts_data.CacheInfo(location=tmp_path, files=200, total_bytes=12345, entries=entries)
    lines = repr(info).splitlines()
    assert "200 files, 12,345 bytes" in lines[0]
    assert len(lines) <= 7
    assert "f0.csv" in lines[1]
    assert "195 more" in lines[-1]
    page = info._repr_html_()
    assert "f0.csv" in page
    assert "f199.csv" not in page  # the newest 50 rows, and the count of the rest
    assert "150 more" in page


def _instances(catalogue: hmcts_data.Catalogue, tmp_path: Path) -> dict[type, Any]:
    monthly = catalogue.get("monthly")
    release = monthly.releases[0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        settings = hmcts_data.Settings.from_env()
    (table,) = hmcts_data.read_tables(b"Week ending,Hearings\n12/04/2020,5\n")
    route = routes.get("data-access-panel")
    found: dict[type, Any] = {
        hmcts_data.Catalogue: catalogue,
        hmcts_data.Publication: monthly,
        hmcts_data.Release: release,
        hmcts_data.Attachment: release.attachments[0],
        hmcts_data.CacheInfo: hmcts_data.CacheInfo(
            location=tmp_path, files=0, total_bytes=0, entries=()
        ),
        hmcts_data.Settings: settings,
        hmcts_data.Table: table,
        hmcts_data.Provenance: hmcts_data.Provenance("ad-hoc", "h.csv", "0" * 64),
        routes.AccessRoute: route,
        routes.Contact: route.contacts[0],
        routes.Suggestion: routes.suggest("a transcript of my hearing")[0],
    }
    return found


def test_every_public_model_has_an_html_display(
    catalogue: hmcts_data.Catalogue, tmp_path: Path
) -> None:
    models = [
        getattr(module, name)
        for module in (hmcts_data, routes)
        for name in module.__all__
        if isinstance(getattr(module, name), type)
        and (
            hasattr(getattr(module, name), "model_fields")
            or dataclasses.is_dataclass(getattr(module, name))
        )
        and not issubclass(getattr(module, name), BaseException)
    ]
    assert len(models) >= 20
    lacking = [m.__name__ for m in models if not callable(getattr(m, "_repr_html_", None))]
    assert not lacking, f"public models without _repr_html_: {lacking}"
    for cls, obj in _instances(catalogue, tmp_path).items():
        page = obj._repr_html_()
        assert page.startswith(("<table", "<div", "<style")), cls
        assert "<script" not in page
    attachment = _instances(catalogue, tmp_path)[hmcts_data.Attachment]
    assert attachment.filename in attachment._repr_html_()


def test_route_lists_and_suggestions_show_as_escaped_html_tables() -> None:
    everything = routes.list()
    page = everything._repr_html_()
    assert page.startswith("<table><caption")
    assert f"{len(everything)} access routes</caption>" in page
    assert page.count("<tr>") == len(everything) + 1  # a header row, then one per route
    assert all(html.escape(r.name) in page for r in everything)
    suggested = routes.suggest("a transcript of my hearing")
    shown = suggested._repr_html_()
    assert f"{len(suggested)} suggested route(s)" in shown
    assert html.escape(suggested[0].reason) in shown
    long = repr(routes.Routes([everything[0]] * 11))
    assert long.splitlines()[-1] == "  ... 3 more; .describe() shows every route in full"
