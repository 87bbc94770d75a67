from __future__ import annotations

import dataclasses
import warnings
from datetime import date

import pandas as pd
import pytest

import hmcts_data
from hmcts_data import NotFoundError, SchemaDriftError
from hmcts_data._api import read
from hmcts_data.tables import parser_for
from hmcts_data.tables._crosswalk import build_crosswalk, describe_crosswalk, load_crosswalk
from hmcts_data.testing._table_files import publication_csv, shapes_for
from tests import _table_fixtures as fx
from tests.test_reader import _figures

PUBLICATIONS = ["weekly-covid", "remote-hearings", "reformed-services", "ad-hoc"]


def _expected(publication: str) -> fx.Expected:
    out: fx.Expected = {}
    for shape in shapes_for(publication):
        out.update(shape.expected)
    return out


@pytest.mark.parametrize("publication", PUBLICATIONS)
@pytest.mark.parametrize("kind", ["csv", "ods", "xlsx"])
def test_every_cell_once_and_every_label_known(publication: str, kind: str) -> None:
    if kind == "csv":
        data = publication_csv(publication)
    else:
        engine = "odf" if kind == "ods" else "openpyxl"
        data = fx.publication_workbook(publication, engine).data  # type: ignore[arg-type]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a fully known layout must not warn
        frame = read(publication, data, on_unknown="raise")
    assert _figures(frame) == _expected(publication)
    assert frame.jurisdiction.notna().all()
    assert frame.measure.notna().all()
    assert (frame.publication == publication).all()
    assert frame.release.nunique() == 1
    assert (frame.source_sheet.isna()).all() == (kind == "csv")


def test_weekly_covid_meaning() -> None:
    frame = read("weekly-covid", publication_csv("weekly-covid"))
    row = frame[frame.source_label == "Magistrates' courts - Outstanding"].iloc[0]
    assert (row.jurisdiction, row.measure, row.unit) == (
        "magistrates_courts",
        "outstanding",
        "cases",
    )
    assert frame.release.iloc[0] == "2020-04"  # last week is w/c 6 April 2020


def test_remote_hearings_modes_are_breakdowns() -> None:
    frame = read("remote-hearings", publication_csv("remote-hearings"))
    assert set(frame.breakdown) == {"in_person", "video", "audio", "paper", "not_categorised", ""}
    assert set(frame.measure.astype(str)) == {"hearings"}
    assert set(frame.unit.astype(str)) == {"hearings"}
    totals = frame[frame.breakdown == ""]
    parts = frame[frame.breakdown != ""].groupby(["jurisdiction", "period_start"], observed=True)
    summed = {key: float(v) for key, v in parts.value.sum().items()}
    for juris, start, value in totals[["jurisdiction", "period_start", "value"]].itertuples(
        index=False
    ):
        assert summed[(juris, start)] == value


def test_reformed_services_percent_and_services() -> None:
    frame = read("reformed-services", publication_csv("reformed-services"))
    uptake = frame[frame.measure == "digital_uptake"]
    assert set(uptake.unit.astype(str)) == {"percent"}
    assert len(uptake) == 10
    assert "probate_service" in set(frame.breakdown)
    apps = frame[frame.measure == "applications"]
    assert apps.marker.dropna().tolist() == ["[c]"]


def test_unknown_labels_are_kept_with_one_warning() -> None:
    data = (
        b"Week ending,Jurisdiction,Video,Holograms\n"
        b"12/04/2020,Crown Court,3,1\n12/04/2020,Moon court,4,2\n"
    )
    with pytest.warns(UserWarning, match="cannot read with certainty") as record:
        frame = read("remote-hearings", data, on_unknown="keep")
    assert len(record) == 1
    message = str(record[0].message)
    assert "'Moon court | Video' (words not understood: 'Moon')" in message
    assert "'Crown Court | Video'" not in message
    assert len(frame) == 4  # every figure kept
    moon = frame[frame.source_label.str.startswith("Moon court")]
    assert moon.jurisdiction.isna().all()
    assert moon.value.tolist() == [4.0, 2.0]
    # "Holograms" is no mode the vocabulary knows: a leftover word that may change the meaning,
    # so the figure stays unmapped rather than counting as all Crown Court hearings.
    holo = frame[frame.source_label == "Crown Court | Holograms"].iloc[0]
    assert pd.isna(holo.jurisdiction)
    assert pd.isna(holo.measure)
    assert pd.isna(holo.mapping)
    assert "'Crown Court | Holograms' (words not understood: 'Holograms')" in message
    video = frame[frame.source_label == "Crown Court | Video"].iloc[0]
    assert (video.jurisdiction, video.breakdown, video.mapping) == (
        "crown_court",
        "video",
        "inferred",
    )


def test_unknown_labels_raise_when_asked() -> None:
    data = b"Month,Widgets\nApr 2024,3\n"
    with pytest.raises(SchemaDriftError) as info:
        read("ad-hoc", data, on_unknown="raise")
    assert info.value.labels == ("Widgets",)


def test_parsers_come_from_the_registry() -> None:
    for publication in PUBLICATIONS:
        parse = parser_for(publication)
        assert parse is parser_for(publication)  # one parser per publication, built once
        assert f"{publication} publication" in (parse.__doc__ or "")
    assert parser_for("monthly").__module__ == "hmcts_data.tables.monthly"
    with pytest.raises(NotFoundError, match=r"'user-guide' is the .*, a document"):
        parser_for("user-guide")  # a document: nothing to parse


def test_crosswalks_validate_against_vocabulary() -> None:
    good = dataclasses.asdict(load_crosswalk("remote-hearings"))
    bad = {**good, "breakdowns": {**good["breakdowns"], "hologram": {"match": ["holo"]}}}
    with pytest.raises(ValueError, match="hologram"):
        build_crosswalk(bad)
    assert "| `video`" in describe_crosswalk("remote-hearings")


def test_conflicting_jurisdictions_stay_unknown() -> None:
    cw = load_crosswalk("weekly-covid")
    assert (
        cw.classify(["Crown Court and magistrates' courts", "Receipts"], None).jurisdiction is None
    )
    # The title fills a field only when the labels leave it open and it names one value.
    meaning = cw.classify(["Receipts"], "Table 2: Crown Court, weekly")
    assert meaning.jurisdiction == "crown_court"


def test_public_exports() -> None:
    assert hmcts_data.read_tables is not None
    assert hmcts_data.Table.__name__ == "Table"
    assert isinstance(hmcts_data.read_tables(publication_csv("ad-hoc"))[0].data, pd.DataFrame)


@pytest.mark.parametrize("publication", ["monthly", *PUBLICATIONS])
def test_every_parser_returns_the_one_parse_result_read_builds_on(publication: str) -> None:
    from hmcts_data.tables._schema import Parsed, Provenance
    from hmcts_data.testing import monthly_csv

    data = (
        monthly_csv("D", date(2025, 4, 1), 1).data
        if publication == "monthly"
        else publication_csv(publication)
    )
    got = parser_for(publication)(data, Provenance(publication, "f.csv", "0" * 64))
    assert isinstance(got, Parsed)
    assert got.rows == len(got.frame()) > 0
    expected = read(publication, data)
    pd.testing.assert_frame_equal(
        got.frame().drop(columns=["source_file", "sha256"]),
        expected.drop(columns=["source_file", "sha256"]),
    )
