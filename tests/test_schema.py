"""The tidy contract: melt_wide builds it directly, validate_tidy enforces every rule."""

from __future__ import annotations

import dataclasses
import random
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pandas as pd
import pytest

from hmcts_data import ParseError
from hmcts_data.tables import _schema
from hmcts_data.tables._schema import (
    TIDY_COLUMNS,
    ColumnSpec,
    Provenance,
    coerce_tidy,
    melt_wide,
    tidy_dtypes,
    validate_tidy,
)
from hmcts_data.tables._values import parse_cell

SHA = "ab" * 32
PERIODS = [(date(2024, 4, 1), date(2024, 4, 30)), (date(2024, 5, 1), date(2024, 5, 31))]
SPECS = [
    ColumnSpec("Civil claims", "civil", "receipts", "", "cases", ["146923", "NA"]),
    ColumnSpec("Digital share (%)", "civil", "receipts", "digital", "percent", ["87.5%", None]),
    ColumnSpec("Mystery", None, None, "", "unknown", [3, "12 [p]"]),
]


def _reference(periods: Any, specs: Any, prov: Provenance, release: str) -> pd.DataFrame:
    """The tidy frame built the slow, obvious way: Python records cast with coerce_tidy."""
    rows = []
    published = pd.Timestamp(prov.published) if prov.published else pd.NaT
    for spec in specs:
        for (start, end), cell in zip(periods, spec.cells, strict=True):
            value, marker = parse_cell(cell, percent=spec.unit == "percent")
            rows.append(
                {
                    "publication": prov.publication,
                    "release": release,
                    "published": published,
                    "period_start": pd.Timestamp(start),
                    "period_end": pd.Timestamp(end),
                    "jurisdiction": spec.jurisdiction,
                    "measure": spec.measure,
                    "breakdown": spec.breakdown,
                    "unit": spec.unit,
                    "value": value,
                    "marker": marker,
                    "mapping": (spec.mapping if spec.jurisdiction and spec.measure else None),
                    "evidence": (
                        "label"
                        if spec.jurisdiction and spec.measure and spec.mapping == "inferred"
                        else None
                    ),
                    "level_shift": None,
                    "source_label": spec.label,
                    "source_sheet": prov.sheet,
                    "source_file": prov.source_file,
                    "source_url": prov.source_url,
                    "sha256": prov.sha256,
                }
            )
    return coerce_tidy(pd.DataFrame(rows, dtype=object))


@pytest.mark.parametrize(
    "published",
    [None, datetime(2024, 6, 13, 9, 30, tzinfo=UTC), datetime(2024, 6, 13, 9, 30)],
)
def test_melt_wide_equals_the_slow_reference(published: datetime | None) -> None:
    prov = Provenance(
        "monthly", "m.xlsx", SHA, published=published, source_url="http://x/m", sheet="Data"
    )
    frame = melt_wide(PERIODS, SPECS, prov)
    pd.testing.assert_frame_equal(frame, _reference(PERIODS, SPECS, prov, "2024-05"))
    assert [str(frame[c.name].dtype) for c in TIDY_COLUMNS] == [c.dtype for c in TIDY_COLUMNS]


def test_melt_wide_converts_an_aware_published_time_to_utc() -> None:
    bst = timezone(timedelta(hours=1))
    prov = Provenance("monthly", "m.csv", SHA, published=datetime(2024, 6, 13, 9, 30, tzinfo=bst))
    frame = melt_wide(PERIODS, SPECS[:1], prov)
    assert set(frame["published"]) == {pd.Timestamp("2024-06-13 08:30", tz="UTC")}


def test_melt_wide_with_no_columns_is_an_empty_valid_frame() -> None:
    frame = melt_wide(PERIODS, [], Provenance("monthly", "m.csv", SHA))
    assert frame.empty
    assert dict(frame.dtypes.astype(str)) == {c.name: c.dtype for c in TIDY_COLUMNS}


def test_melt_wide_errors() -> None:
    prov = Provenance("monthly", "m.csv", SHA, sheet="S")
    with pytest.raises(ParseError, match="No data rows"):
        melt_wide([], SPECS, Provenance("monthly", "m.csv", SHA))
    with pytest.raises(ParseError, match="has 1 cells for 2 periods"):
        melt_wide(PERIODS, [ColumnSpec("x", "civil", "receipts", "", "cases", [1])], prov)
    bad = ColumnSpec(
        "Civil", "civil", "receipts", "", "cases", [1, "seven"], position=2, first_row=8
    )
    with pytest.raises(ParseError, match=r"m\.csv, sheet 'S', row 9, column C") as info:
        melt_wide(PERIODS, [bad], prov)
    assert (info.value.row, info.value.column) == (9, "C")
    atlantis = ColumnSpec("x", "atlantis", "receipts", "", "cases", [1, 2])
    with pytest.raises(ParseError, match=r"outside the vocabulary: \['atlantis'\]") as info:
        melt_wide(PERIODS, [atlantis], prov)
    assert info.value.file == "m.csv"


def _valid() -> pd.DataFrame:
    return melt_wide(PERIODS, SPECS, Provenance("monthly", "m.csv", SHA))


def _broken(column: str, row: int, value: Any) -> pd.DataFrame:
    frame = _valid().copy()
    frame.loc[row, column] = value
    return frame


@pytest.mark.parametrize(
    ("frame_factory", "needle"),
    [
        (lambda: _valid()[list(reversed(_valid().columns))], "columns are"),
        (lambda: _valid().astype({"breakdown": object}), "'breakdown' has dtype object"),
        (
            lambda: _valid().assign(
                unit=pd.Categorical(
                    _valid()["unit"], categories=list(reversed(tidy_dtypes()["unit"].categories))
                )
            ),
            "'unit' has dtype",
        ),
        (lambda: _broken("unit", 0, None), "column 'unit' has null values"),
        (lambda: _broken("marker", 1, pd.NA), "1 missing values carry no marker"),
        (lambda: _broken("period_start", 2, pd.Timestamp("2025-01-01")), "period_start is after"),
        (lambda: _broken("release", 3, "2024-13"), "YYYY-MM"),
        (lambda: _broken("sha256", 0, "AB" * 32), "64 lower-case hex"),
        (lambda: pd.concat([_valid(), _valid().iloc[[4]]], ignore_index=True), "repeat one"),
        (lambda: _broken("mapping", 0, None), "'mapping' must be null exactly"),
        (lambda: _broken("mapping", 4, "inferred"), "'mapping' must be null exactly"),
    ],
)
def test_validate_tidy_enforces_each_rule(frame_factory: Any, needle: str) -> None:
    with pytest.raises(ParseError, match=needle):
        validate_tidy(frame_factory(), file="m.csv")


def test_validate_tidy_names_the_first_repeated_figure() -> None:
    frame = pd.concat([_valid(), _valid().iloc[[2]]], ignore_index=True)
    with pytest.raises(ParseError, match=r"2 rows repeat one figure \(first: 'Digital share"):
        validate_tidy(frame)


def test_validate_tidy_unknown_labels_only_when_allowed() -> None:
    frame = _valid()
    assert validate_tidy(frame) is frame
    with pytest.raises(ParseError, match="no canonical jurisdiction"):
        validate_tidy(frame, allow_unknown=False)


def test_mapping_says_how_each_key_was_found() -> None:
    specs = [
        SPECS[0],
        ColumnSpec(
            "Civil claims, reworded", "civil", "defences", "", "cases", [1, 2], mapping="inferred"
        ),
        ColumnSpec("Mystery", None, None, "", "unknown", [1, 2], mapping="inferred"),
    ]
    frame = melt_wide(PERIODS, specs, Provenance("monthly", "m.csv", SHA))

    def mapping(label: str) -> list[object]:
        return frame.loc[frame["source_label"] == label, "mapping"].tolist()

    assert mapping("Civil claims") == ["exact", "exact"]
    assert mapping("Civil claims, reworded") == ["inferred", "inferred"]
    # An unmapped label has no mapping, whatever its spec says.
    assert frame.loc[frame["source_label"] == "Mystery", "mapping"].isna().all()
    assert list(frame["mapping"].cat.categories) == ["exact", "inferred"]


def test_fast_duplicate_check_agrees_with_pandas() -> None:
    # Random small key spaces make repeats frequent; the combined-code shortcut must never
    # miss one that DataFrame.duplicated finds, nor invent one.
    rng = random.Random(7)
    base = _valid()
    outcomes = set()
    for _ in range(60):
        n = rng.randint(2, 40)
        picks = [rng.randrange(len(base)) for _ in range(n)]
        frame = base.iloc[picks].reset_index(drop=True)
        frame["source_label"] = pd.array(
            [rng.choice(["a", "b", "c", "d"]) for _ in range(n)], dtype=tidy_dtypes()["breakdown"]
        )
        frame["period_start"] = [
            pd.Timestamp(2024, 1, 1) - pd.Timedelta(days=rng.randint(0, 3))
        ] * n
        expected = frame.duplicated(subset=list(_schema._FIGURE_KEY), keep=False)
        got = _schema._duplicated(frame)
        if bool(expected.any()):
            assert got is not None
            assert got.tolist() == expected.tolist()
        else:
            assert got is None
        outcomes.add(bool(expected.any()))
    assert outcomes == {True, False}  # both branches were exercised


def test_coerce_tidy_fixes_dtypes_and_refuses_unknown_categories() -> None:
    frame = _valid()
    loose = frame.astype({"publication": object, "source_label": "str"})
    loose["unit"] = loose["unit"].astype(pd.CategoricalDtype(["cases", "percent", "unknown"], True))
    pd.testing.assert_frame_equal(coerce_tidy(loose), frame)
    bad = frame.astype({"measure": object})
    bad.loc[0, "measure"] = "hologram"
    with pytest.raises(ParseError, match=r"'measure' holds values outside the vocabulary"):
        coerce_tidy(bad)
    with pytest.raises(ParseError, match="columns \\['sha256'\\] are missing"):
        coerce_tidy(frame.drop(columns="sha256"))


def test_tidy_dtypes_is_a_fresh_mapping_each_call() -> None:
    first = tidy_dtypes()
    first["value"] = "object"
    assert str(tidy_dtypes()["value"]) == "Float64"


def _spec(label: Any = "Civil claims", **change: Any) -> ColumnSpec:
    fields: dict[str, Any] = {
        "label": label,
        "jurisdiction": "civil",
        "measure": "receipts",
        "breakdown": "",
        "unit": "cases",
        "cells": ["1", "2"],
    }
    return ColumnSpec(**{**fields, **change})


# Parts that break one rule of the tidy contract each.
_BROKEN: list[tuple[Any, Any, Provenance]] = [
    (PERIODS, [_spec(unit=None)], Provenance("monthly", "m.csv", SHA)),
    (PERIODS, [_spec(label=None)], Provenance("monthly", "m.csv", SHA)),
    (PERIODS, [_spec(breakdown=None)], Provenance("monthly", "m.csv", SHA)),
    (PERIODS, [_spec(mapping=None)], Provenance("monthly", "m.csv", SHA)),
    (PERIODS, [_spec(), _spec()], Provenance("monthly", "m.csv", SHA)),
    (PERIODS, [_spec(), _spec(unit="percent")], Provenance("monthly", "m.csv", SHA)),
    ([PERIODS[0], PERIODS[0]], [_spec()], Provenance("monthly", "m.csv", SHA)),
    (
        [(date(2024, 5, 1), date(2024, 4, 1)), PERIODS[1]],
        [_spec()],
        Provenance("monthly", "m", SHA),
    ),
    ([(None, date(2024, 4, 30)), PERIODS[1]], [_spec()], Provenance("monthly", "m.csv", SHA)),
    (PERIODS, [_spec()], Provenance("monthly", "m.csv", SHA, release="2024-13")),
    (PERIODS, [_spec()], Provenance("monthly", "m.csv", "AB" * 32)),
    (PERIODS, [_spec()], Provenance("monthly", None, SHA)),  # type: ignore[arg-type]
    (PERIODS, [_spec()], Provenance("monthly", "m.csv", None)),  # type: ignore[arg-type]
    (PERIODS, [_spec()], Provenance(None, "m.csv", SHA)),  # type: ignore[arg-type]
]


@pytest.mark.parametrize(("periods", "specs", "prov"), _BROKEN)
def test_melt_wide_raises_what_validate_tidy_says(periods: Any, specs: Any, prov: Any) -> None:
    # The check of one file's parts (on its blocks) and validate_tidy (on its frame) apply
    # one statement of the rules: the same rule is broken, with the same message.
    parts = _schema._melt(periods, specs, prov)
    with pytest.raises(ParseError) as expected:
        validate_tidy(parts.frame(), file=prov.source_file)
    with pytest.raises(ParseError) as checked:
        _schema.check_parts(parts)
    with pytest.raises(ParseError) as got:
        melt_wide(periods, specs, prov)
    assert str(checked.value) == str(got.value) == str(expected.value)
    assert got.value.file == prov.source_file


def test_the_parts_check_clears_valid_parts() -> None:
    for periods, specs in [(PERIODS, SPECS), (PERIODS, []), ([], SPECS[:0])]:
        parts = _schema._melt(periods, specs, Provenance("monthly", "m.csv", SHA, "2024-05"))
        _schema.check_parts(parts)
        assert validate_tidy(parts.frame()) is not None


def test_tidy_frame_of_several_files_is_their_frames_concatenated() -> None:
    provs = [
        Provenance("monthly", "a.csv", SHA, published=datetime(2024, 6, 13, 9, 30, tzinfo=UTC)),
        Provenance("weekly-covid", "b.xlsx", "cd" * 32, sheet="Data", source_url="http://x/b"),
        Provenance("monthly", "c.csv", SHA, release="2024-06"),
    ]
    parts = [
        _schema.melt_parts(PERIODS, SPECS, provs[0]),
        _schema.melt_parts(
            PERIODS[:1], [_spec(cells=["[x]"]), _spec("Other", cells=[None])], provs[1]
        ),
        _schema.melt_parts(PERIODS, [], provs[2]),
        _schema.melt_parts(PERIODS[1:], [_spec(cells=["3,000"])], provs[2]),
    ]
    expected = pd.concat([p.frame() for p in parts], ignore_index=True)
    frame = _schema.tidy_frame(parts)
    pd.testing.assert_frame_equal(frame, expected, check_exact=True)
    assert validate_tidy(frame) is frame
    assert len(frame) == sum(p.rows for p in parts) == 6 + 2 + 0 + 1
    empty = _schema.tidy_frame([])
    pd.testing.assert_frame_equal(empty, _schema.empty_tidy(), check_index_type=False)


def test_melt_wide_reads_a_file_of_plain_cells_in_one_go_as_cell_by_cell() -> None:
    # Plain figures and markers only: every column is read in one call (percent plays no
    # part there); one "%" cell sends every column through the per-column rules instead.
    prov = Provenance("monthly", "m.csv", SHA, sheet="Data")
    plain = [
        ColumnSpec("Civil claims", "civil", "receipts", "", "cases", ["1,146,923", "NA"]),
        ColumnSpec("Digital share (%)", "civil", "receipts", "digital", "percent", ["87.5", ""]),
        ColumnSpec("Mystery", None, None, "", "unknown", ["[x]", "0.25"]),
    ]
    percent = [*plain[:1], dataclasses.replace(plain[1], cells=["87.5%", None])]
    for specs in (plain, percent):
        frame = melt_wide(PERIODS, specs, prov)
        pd.testing.assert_frame_equal(frame, _reference(PERIODS, specs, prov, "2024-05"))
    workbook = [ColumnSpec("Civil claims", "civil", "receipts", "", "cases", [1.0, float("inf")])]
    with pytest.raises(ParseError, match=r"inf is not a finite figure in m\.csv, sheet 'Data'"):
        melt_wide(PERIODS, workbook, prov)


def test_a_parse_result_refuses_parts_that_repeat_a_figure() -> None:
    prov = Provenance("ad-hoc", "t.csv", SHA, release="2024-05", sheet="S")
    one = _schema.melt_parts(PERIODS, [_spec()], prov)
    other = _schema.melt_parts(PERIODS[1:], [_spec(cells=["7"])], prov)
    with pytest.raises(ParseError, match=r"Tidy contract broken: 2 rows repeat one figure"):
        _schema.parsed([one, other])
    # The same labels on another sheet, or other periods, are other figures.
    elsewhere = _schema.melt_parts(PERIODS, [_spec()], dataclasses.replace(prov, sheet="T"))
    later = _schema.melt_parts([(date(2024, 6, 1), date(2024, 6, 30))], [_spec(cells=["7"])], prov)
    result = _schema.parsed([one, elsewhere, later])
    assert result.rows == 2 + 2 + 1
    pd.testing.assert_frame_equal(
        result.frame(), pd.concat([p.frame() for p in result.parts], ignore_index=True)
    )
    assert list(result.starts) == [*one.starts, *elsewhere.starts, *later.starts]
