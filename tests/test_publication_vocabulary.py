"""The other publications read by the interpreter's engine: vocabulary plus exceptions.

The expected meanings are written out here from the reference facts (what each publication
reports), never taken from the engine's own output.
"""

from __future__ import annotations

import dataclasses
import gc
import warnings
from typing import Any

import pandas as pd
import pytest

from hmcts_data import ParseError, SchemaDriftError
from hmcts_data._api import read
from hmcts_data.tables import _crosswalk, _facts
from hmcts_data.tables._crosswalk import build_common, build_crosswalk, load_common, load_crosswalk


def _meaning(publication: str, parts: list[str], title: str | None = None) -> tuple[Any, ...]:
    m = load_crosswalk(publication).classify(parts, title)
    return m.jurisdiction, m.measure, m.breakdown, m.unit, m.mapping


@pytest.mark.parametrize(
    ("publication", "parts", "title", "expected"),
    [
        ("weekly-covid", ["Crown Court - Receipts"], None, ("crown_court", "receipts", "cases")),
        # A rewording of the monthly MI's, shared on request (`shared = true`).
        (
            "weekly-covid",
            ["The County Court", "cases disposed of"],
            None,
            ("civil", "disposals", "cases"),
        ),
        (
            "weekly-covid",
            ["Outstanding"],
            "Table 3: Family court",
            ("family", "outstanding", "cases"),
        ),
        (
            "ad-hoc",
            ["First appearances"],
            "Magistrates' courts",
            ("magistrates_courts", "receipts", "cases"),
        ),
        ("remote-hearings", ["Tribunals", "Video (%)"], None, ("tribunals", "hearings", "percent")),
        (
            "remote-hearings",
            ["Crime", "Share by telephone"],
            None,
            ("criminal", "hearings", "percent"),
        ),
        (
            "reformed-services",
            ["Probate", "User satisfaction"],
            None,
            ("probate", "user_satisfaction", "percent"),
        ),
    ],
)
def test_labels_read_by_the_engine(
    publication: str, parts: list[str], title: str | None, expected: tuple[str, str, str]
) -> None:
    jurisdiction, measure, _, unit, mapping = _meaning(publication, parts, title)
    assert (jurisdiction, measure, unit) == expected
    assert mapping == "inferred"  # no label of these publications has been seen


@pytest.mark.parametrize(
    ("publication", "parts", "title", "why"),
    [
        # A leftover word may change the meaning.
        ("weekly-covid", ["Crown Court - Receipts excluding transfers"], None, "excluding"),
        # "Other" is another mode, not an uncategorised hearing.
        ("remote-hearings", ["Civil", "Other"], None, "'Other'"),
        # Two candidates for one field.
        ("remote-hearings", ["Civil", "Video or audio"], None, "contradictory"),
        ("weekly-covid", ["Civil and family receipts"], None, "several jurisdictions"),
        ("weekly-covid", ["Crown Court receipts and disposals"], None, "several measures"),
        # A unit that does not fit the measure (a count may be a percentage, not a time).
        ("weekly-covid", ["Crown Court - Outstanding (weeks)"], None, "states weeks"),
        ("reformed-services", ["Probate", "Digital uptake (days)"], None, "states days"),
        # Age bands and targets are words of the monthly grammar only.
        ("weekly-covid", ["Civil - disposals within 5 days"], None, "within_target"),
        # The title names several measures: it fills nothing.
        ("ad-hoc", ["Magistrates' courts"], "Table 1: Receipts and disposals", "no measure"),
    ],
)
def test_uncertain_labels_stay_unmapped_with_a_reason(
    publication: str, parts: list[str], title: str | None, why: str
) -> None:
    meaning, reason = load_crosswalk(publication).read(parts, title)
    assert (meaning.jurisdiction, meaning.measure) == (None, None)
    assert reason is not None
    assert why in reason


def test_two_exceptions_in_one_label_stay_unmapped() -> None:
    raw = dataclasses.asdict(load_crosswalk("remote-hearings"))
    raw["exception"] = [
        {"label": "F2F", "evidence": "inferred", "breakdown": "in_person"},
        {"label": "CVP", "evidence": "inferred", "breakdown": "video"},
    ]
    meaning, why = build_crosswalk(raw).read(["Civil", "F2F", "CVP"], None)
    assert (meaning.jurisdiction, meaning.measure, why) == (
        None,
        None,
        "several of its parts are exceptions",
    )


def test_a_title_fills_its_unit_only_for_a_label_without_a_measure() -> None:
    # The title's "%" belongs to uptake; the label's own measure counts applications.
    assert (
        _meaning("reformed-services", ["Probate", "Applications"], "Uptake (%) and volumes")[3]
        == "cases"
    )
    assert _meaning("reformed-services", ["Probate"], "Table 1: Digital uptake (%)")[3] == "percent"


def test_exceptions_read_whole_labels_with_their_evidence() -> None:
    # Annex A of the weekly MI: hearings adjourned due to COVID-19, civil only [source].
    assert _meaning("weekly-covid", ["Hearings adjourned due to COVID-19 [note 2]"]) == (
        "civil",
        "hearings_adjourned",
        "",
        "hearings",
        "inferred",
    )
    raw = dataclasses.asdict(load_crosswalk("remote-hearings"))
    raw["exception"] = [{"label": "F2F (CVP) hybrid", "evidence": "observed", "breakdown": "video"}]
    cw = build_crosswalk(raw)
    m = cw.classify(["Crown Court", "F2F (CVP) hybrid"], None)
    assert (m.jurisdiction, m.measure, m.breakdown, m.mapping) == (
        "crown_court",
        "hearings",
        "video",
        "exact",
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda r: r["measures"].update(hologram={"unit": "cases", "match": ["h"]}), "hologram"),
        (lambda r: r["measures"]["hearings"].update(unit="furlongs"), "furlongs"),
        (lambda r: r["breakdowns"]["video"].update(match=["audio"]), "means both"),
        (lambda r: r.update(default_measure="receipts"), "default_measure"),
        (
            lambda r: r.update(
                exception=[{"label": "x", "evidence": "seen", "measure": "hearings"}]
            ),
            "evidence",
        ),
        (
            lambda r: r.update(
                exception=[{"label": "x", "evidence": "inferred", "measure": "grants"}]
            ),
            "grants",
        ),
        (lambda r: r.update(exception=[{"label": "x", "evidence": "inferred"}]), "says nothing"),
    ],
)
def test_vocabularies_are_validated(change: Any, message: str) -> None:
    raw = dataclasses.asdict(load_crosswalk("remote-hearings"))
    change(raw)
    with pytest.raises(ValueError, match=message):
        build_crosswalk(raw)


def test_common_file_is_validated() -> None:
    raw = dataclasses.asdict(load_common())
    raw["units"] = {"furlongs": ["fl"]}
    with pytest.raises(ValueError, match="furlongs"):
        build_common(raw)


def test_a_broken_packaged_vocabulary_is_a_parse_error(monkeypatch: pytest.MonkeyPatch) -> None:
    # A broken packaged file is refused at load, naming it.
    real = _facts.packaged_bytes
    broken = b'publication = "ad-hoc"\nnote = ""\n[measures.nonsense]\nunit = "cases"\n'

    def packaged(file: str) -> bytes:
        return broken if file == "ad_hoc_crosswalk.toml" else real(file)

    load_crosswalk.cache_clear()
    monkeypatch.setattr(_facts, "packaged_bytes", packaged)
    try:
        with pytest.raises(ParseError, match=r"ad_hoc_crosswalk\.toml"):
            load_crosswalk("ad-hoc")
    finally:
        load_crosswalk.cache_clear()


def test_strict_mode_raises_with_the_reason() -> None:
    data = b"Week commencing,Crown Court - Receipts,Crown Court - Receipts excluding transfers\n"
    data += b"02/03/2020,5,4\n"
    with pytest.raises(SchemaDriftError, match="excluding") as info:
        read("weekly-covid", data, on_unknown="raise")
    assert info.value.labels == ("Crown Court - Receipts excluding transfers",)
    with pytest.warns(UserWarning, match="cannot read with certainty") as record:
        frame = read("weekly-covid", data)
    assert len(record) == 1
    assert frame.mapping.iloc[0] == "inferred"
    assert pd.isna(frame.mapping.iloc[1])


def test_every_fixture_label_reads_without_warning() -> None:
    from hmcts_data.testing._table_files import publication_csv

    # Garbage an earlier test left (a notebook kernel's unclosed zmq sockets) must not be
    # collected inside the strict block: its ResourceWarning is not this read's warning.
    gc.collect()
    for publication in _crosswalk.crosswalk_files():
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            frame = read(publication, publication_csv(publication))
        assert set(frame.mapping.astype(str)) == {"inferred"}
