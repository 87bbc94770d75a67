"""One published cell into (value, marker): numbers, markers, separators, garbage."""

from __future__ import annotations

import math

import pytest

from hmcts_data.tables._values import MISSING_MARKERS, QUALIFIER_MARKERS, CellError, parse_cell


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
