"""``hmcts-data decisions finders | search | harvest | get`` in process, against the stand-in."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from hmcts_data.cli import main
from hmcts_data.testing import DecisionsSite, FakeGovUK, Status, build_decisions_site
from tests._network import refused_port

SIZES = {"employment-tribunal": 1800, "asylum-support-tribunal": 30}


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[FakeGovUK, DecisionsSite]]:
    with FakeGovUK() as fake:
        yield fake, build_decisions_site(fake, sizes=SIZES, seed=5)


@pytest.fixture
def site(
    served: tuple[FakeGovUK, DecisionsSite], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> DecisionsSite:
    fake, site = served
    monkeypatch.setenv("HMCTS_DATA_BASE_URL", fake.base_url)
    monkeypatch.setenv("HMCTS_DATA_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("HMCTS_DATA_RATE_LIMIT", "1000")
    monkeypatch.setenv("HMCTS_DATA_BACKOFF", "0.01")
    return site


def test_finders_lists_six(site: DecisionsSite, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["decisions", "finders"]) == 0
    out = capsys.readouterr().out
    assert "employment-tribunal-decisions" in out
    assert "/asylum-support-tribunal-decisions" in out
    assert main(["decisions", "finders", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data) == 6
    assert data[0]["document_type"] == "employment_tribunal_decision"


def test_finders_one_shows_its_values(
    site: DecisionsSite, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["decisions", "finders", "employment-tribunal"]) == 0
    out = capsys.readouterr().out
    assert "unfair-dismissal  Unfair Dismissal" in out
    assert "Jurisdiction code" in out


def test_search_prints_a_listing_and_json(
    site: DecisionsSite, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["decisions", "search", "employment-tribunal", "--category", "unfair-dismissal"]
    assert main([*argv, "--decided", "2020-01-01:", "--limit", "7"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("7 of ")
    assert main([*argv, "--limit", "7", "--json"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert len(records) == 7
    assert all("unfair-dismissal" in r["categories"] for r in records)


def test_search_writes_csv_with_lists_joined(site: DecisionsSite, tmp_path: Path) -> None:
    out = tmp_path / "found.csv"
    argv = ["decisions", "search", "asylum-support-tribunal", "--limit", "30", "-o", str(out)]
    assert main(argv) == 0
    frame = pd.read_csv(out)
    assert len(frame) == 30
    assert set(frame["link"]) == site.links("asylum-support-tribunal")
    assert frame["judges"].str.contains("-").all()  # slugs, joined, not a Python list repr
    assert not frame["judges"].str.startswith("[").any()


def test_unknown_value_is_an_error_with_the_nearest(
    site: DecisionsSite, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["decisions", "search", "employment-tribunal", "--category", "unfair dismisal"])
    assert code == 9
    err = capsys.readouterr().err
    assert err.startswith("error: ")
    assert "'unfair-dismissal'" in err


def test_unknown_finder_is_exit_8(site: DecisionsSite, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["decisions", "search", "employment-tribunals"]) == 8
    assert "employment-tribunal" in capsys.readouterr().err


def test_bad_date_range_is_a_usage_error(site: DecisionsSite) -> None:
    with pytest.raises(SystemExit) as info:
        main(["decisions", "search", "employment-tribunal", "--decided", "2024-01-01"])
    assert info.value.code == 2


def test_harvest_writes_parquet_then_offline_reads_the_cache(
    site: DecisionsSite, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("pyarrow")
    out = tmp_path / "et.parquet"
    assert main(["decisions", "harvest", "employment-tribunal", "-o", str(out)]) == 0
    frame = pd.read_parquet(out)
    assert set(frame["link"]) == site.links("employment-tribunal")
    capsys.readouterr()
    site.fake.reset_counts()
    assert main(["--offline", "decisions", "harvest", "employment-tribunal"]) == 0
    assert site.fake.count() == 0
    assert f"{len(frame):,} employment-tribunal-decisions decisions" in capsys.readouterr().out


def test_harvest_offline_without_a_harvest_is_exit_4(
    site: DecisionsSite, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--offline", "decisions", "harvest", "asylum-support-tribunal"]) == 4
    assert "Offline mode is on" in capsys.readouterr().err


def test_search_on_a_dead_network_is_exit_10(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("HMCTS_DATA_BASE_URL", f"http://127.0.0.1:{refused_port()}")
    monkeypatch.setenv("HMCTS_DATA_CACHE_DIR", str(tmp_path / "cache"))
    assert main(["decisions", "search", "employment-tribunal", "--limit", "1"]) == 10
    assert capsys.readouterr().err.startswith("error: ")


def test_search_api_error_is_exit_3(
    site: DecisionsSite, capsys: pytest.CaptureFixture[str]
) -> None:
    site.fake.inject("/api/search.json", *[Status(404)] * 3)
    assert main(["decisions", "search", "tax-and-chancery-tribunal", "--limit", "1"]) == 3


def test_get_shows_a_decision_and_fetches_its_pdf(
    site: DecisionsSite, capsys: pytest.CaptureFixture[str]
) -> None:
    link = sorted(site.links("asylum-support-tribunal"))[0]
    assert main(["decisions", "get", link, "--pdf"]) == 0
    out = capsys.readouterr().out
    assert "reference: AS/" in out
    pdf = Path(out.strip().splitlines()[-1].removeprefix("pdf: "))
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert main(["decisions", "get", link, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["decision"]["link"] == link


def test_output_onto_a_directory_is_a_usage_error_before_any_request(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "found.csv"
    folder.mkdir()
    # No stand-in is running: the path is refused before anything is asked of the network.
    with pytest.raises(SystemExit) as info:
        main(["--offline", "decisions", "harvest", "employment-tribunal", "-o", str(folder)])
    assert info.value.code == 2
    assert "is a directory" in capsys.readouterr().err
    assert list(folder.iterdir()) == []
