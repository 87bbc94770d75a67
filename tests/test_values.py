"""One published cell into (value, marker): numbers, markers, separators, garbage."""

from __future__ import annotations

import math

import pytest

from hmcts_data.tables._values import (
    MISSING_MARKERS,
    QUALIFIER_MARKERS,
    CellError,
    parse_cell,
    parse_cells,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("39,241", (39241.0, None)),
        ("1,234,567.5", (1234567.5, None)),
        (" 12 ", (12.0, None)),
        ("-3", (-3.0, None)),
        ("0.1", (0.1, None)),
        ("1e3", (1000.0, None)),
        (17, (17.0, None)),
        (2.5, (2.5, None)),
        ("123 [p]", (123.0, "[p]")),
        ("123[r]", (123.0, "[r]")),
        ("4,500 [P]", (4500.0, "[p]")),
        ("7 [p][r]", (7.0, "[p][r]")),
        ("1\u00a0234", (1234.0, None)),
    ],
)
def test_numbers(raw: object, expected: tuple[float | None, str | None]) -> None:
    assert parse_cell(raw) == expected


@pytest.mark.parametrize("raw", [None, "", "   ", float("nan")])
def test_blank(raw: object) -> None:
    assert parse_cell(raw) == (None, "blank")


@pytest.mark.parametrize("marker", sorted(MISSING_MARKERS - {"blank"}))
def test_missing_markers_are_kept_not_zero(marker: str) -> None:
    value, kept = parse_cell(marker)
    assert value is None
    # Spellings of one marker ("n/a", "N/A") may be folded to one canonical form.
    assert kept in MISSING_MARKERS
    assert kept.lower() == marker.lower()


@pytest.mark.parametrize(
    ("raw", "marker"),
    [("Not available", "[x]"), ("not applicable", "[z]"), ("Suppressed", "[c]"), ("na", "NA")],
)
def test_word_markers(raw: str, marker: str) -> None:
    assert parse_cell(raw) == (None, marker)


def test_qualifier_alone_is_missing_with_marker() -> None:
    for marker in QUALIFIER_MARKERS:
        assert parse_cell(marker) == (None, marker)


def test_legacy_dash_and_dots_are_not_zero() -> None:
    for raw in ("-", ".."):
        value, marker = parse_cell(raw)
        assert value is None
        assert marker == raw


def test_percent() -> None:
    assert parse_cell("87.5%", percent=True) == (87.5, None)
    with pytest.raises(CellError):
        parse_cell("87.5%")


def test_no_float_noise() -> None:
    value, _ = parse_cell("0.1")
    assert value is not None
    assert repr(value) == "0.1"


@pytest.mark.parametrize(
    "raw",
    [
        "abc",
        "12abc",
        "1,23",
        "1,2345",
        "--3",
        "1.2.3",
        ",",
        "[p] text",
        True,
        float("inf"),
        "12 apples",
    ],
)
def test_garbage_raises_cell_error(raw: object) -> None:
    with pytest.raises(CellError):
        parse_cell(raw)


def test_cell_error_is_value_error() -> None:
    assert issubclass(CellError, ValueError)
    assert not math.isnan(parse_cell("0")[0] or 0.0)


# Cells of every kind parse_cell handles, for the column-wise reader to agree with it on.
_CELLS: list[object] = [
    "0",
    "7",
    "007",
    "146923",
    "39,241",
    "1,234,567.5",
    "12,34",
    "1234,567",
    ",123",
    "1,23",
    "0.1",
    ".5",
    "5.",
    "1.5.2",
    "49.1600080229888",
    "1e3",
    "-3",
    "+4",
    " 12 ",
    "12 ",
    "1\u00a0234",
    "1_000",
    "1__0",
    "nan",
    "inf",
    "-inf",
    "Infinity",
    "NaN",
    "",
    "   ",
    "NA",
    "na",
    "Na",
    "N/A",
    "n/a",
    "..",
    "-",
    ":",
    "*",
    "[x]",
    "[X]",
    "[z]",
    "[c]",
    "[low]",
    "[p]",
    "123 [p]",
    "4,500 [P]",
    "7 [p][r]",
    "Not available",
    "NOT APPLICABLE",
    "Suppressed",
    "seven",
    "1 2",
    "\u0661\u0662",
    "\u00b2",
    "12\x0034",
    "1\x00",
    "87.5%",
    "%",
    "50 %",
    None,
    17,
    0,
    -0.0,
    2.5,
    float("nan"),
    True,
    float("inf"),
    3.0,
    "1" * 400,
]


def _one_by_one(cells: list[object], percent: bool) -> tuple[list[float | None], list[object]]:
    pairs = [parse_cell(c, percent=percent) for c in cells]
    return [v for v, _ in pairs], [m for _, m in pairs]


def _agree(cells: list[object], percent: bool) -> None:
    refused: str | None = None
    try:
        expected = _one_by_one(cells, percent)
    except CellError as exc:
        refused = str(exc)
    if refused is not None:
        with pytest.raises(CellError) as info:
            parse_cells(cells, percent=percent)
        assert str(info.value) == refused
        return
    values, markers = parse_cells(cells, percent=percent)
    assert markers == expected[1]
    assert [None if math.isnan(v) else v for v in values.tolist()] == expected[0]
    # The sign of a zero is kept as read.
    got_signs = [math.copysign(1.0, v) for v in values.tolist() if v == 0]
    assert got_signs == [math.copysign(1.0, v) for v in expected[0] if v == 0]


@pytest.mark.parametrize("percent", [False, True])
def test_parse_cells_is_parse_cell_of_each_cell(percent: bool) -> None:
    import random

    for cell in _CELLS:
        _agree([cell], percent)
        _agree(["12", cell, "NA", None], percent)
    rng = random.Random(13)
    plain = ["0", "12", "3.5", "1,234", "NA", None, "", "[x]", 2.5, float("nan")]
    outcomes = set()
    for _ in range(400):
        pool = plain if rng.random() < 0.5 else _CELLS
        cells = [rng.choice(pool) for _ in range(rng.randint(0, 12))]
        try:
            _one_by_one(cells, percent)
            outcomes.add("ok")
        except CellError:
            outcomes.add("error")
        _agree(cells, percent)
    assert outcomes == {"ok", "error"}


def test_parse_cells_reads_a_workbook_column_of_floats() -> None:
    values, markers = parse_cells([1.5, float("nan"), -0.0])
    assert markers == [None, "blank", None]
    assert math.copysign(1.0, values[2]) == -1.0
    with pytest.raises(CellError, match="inf is not a finite figure"):
        parse_cells([1.0, float("inf")])
