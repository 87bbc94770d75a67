"""One time budget covers reading and parsing a file (issue 24 item 6).

``HMCTS_DATA_DEADLINE`` bounds a whole ``read()`` / ``read_tables()``: a parse that uses it up
stops with ``ParseTimeoutError`` (a ``ParseError``) naming the file and what to do, and returns
nothing partial. The clock is faked where the test needs it to run out mid-parse, so nothing
here depends on the machine's speed. A big file within the budget reads whole.
"""

from __future__ import annotations

import itertools
import time
import warnings
from pathlib import Path

import pytest

import hmcts_data
from hmcts_data import ParseError, ParseTimeoutError
from hmcts_data.tables import _source


def _wide_csv(rows: int, columns: int, *, marker_every: int = 0) -> bytes:
    lines = [
        "Table 1: Hearings",
        "",
        "Date," + ",".join(f"Court {j} - Video" for j in range(1, columns)),
    ]
    for i in range(rows):
        day = f"{1 + i % 28:02d}/{1 + (i // 28) % 12:02d}/{1900 + i // 336}"
        cells = [
            "[x]"
            if marker_every and (i * columns + j) % marker_every == 0
            else f"{(i * 31 + j * 7) % 99991:,}"
            for j in range(1, columns)
        ]
        lines.append(",".join([day, *(f'"{c}"' if "," in c else c for c in cells)]))
    return ("\n".join(lines) + "\n").encode()


class _Clock:
    """A monotonic clock that moves one second every time it is read."""

    def __init__(self) -> None:
        self._ticks = itertools.count()
        self.reads = 0

    def __call__(self) -> float:
        self.reads += 1
        return float(next(self._ticks))


def test_a_tiny_deadline_stops_the_parse_with_a_typed_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "big.csv"
    path.write_bytes(_wide_csv(300, 6))
    assert len(hmcts_data.read_tables(path)[0].data) == 300
    monkeypatch.setenv("HMCTS_DATA_DEADLINE", "0.000001")
    for publication in (None, "ad-hoc", "monthly"):
        with pytest.raises(ParseTimeoutError) as info:
            _read(publication, path)
        err = info.value
        assert isinstance(err, ParseError)
        assert err.file == "big.csv"
        assert err.seconds == pytest.approx(0.000001)
        first = str(err).splitlines()[0]
        assert first.startswith("big.csv was still being parsed after 1e-06 seconds")
        assert "HMCTS_DATA_DEADLINE" in first
        assert "split it" in first


def _monthly_csv(rows: int) -> bytes:
    lines = ["Month,Civil Claims received,Civil Claims disposals"]
    months = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
    lines += [f"{months[i % 12]} {1900 + i // 12},{i},{i + 1}" for i in range(rows)]
    return ("\n".join(lines) + "\n").encode()


def _read(publication: str | None, data: bytes | Path) -> object:
    return (
        hmcts_data.read_tables(data) if publication is None else hmcts_data.read(publication, data)
    )


@pytest.mark.parametrize("publication", [None, "ad-hoc", "monthly"])
def test_the_budget_runs_out_mid_parse_not_only_at_the_start(
    publication: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = _monthly_csv(2000) if publication == "monthly" else _wide_csv(5000, 8)
    clock = _Clock()
    monkeypatch.setattr(time, "monotonic", clock)
    monkeypatch.setenv("HMCTS_DATA_DEADLINE", "3")
    warnings.simplefilter("ignore")  # pytest restores the filters after the test
    with pytest.raises(ParseTimeoutError, match="still being parsed after 3 seconds"):
        _read(publication, data)
    # The clock was looked at several times before it ran out: the budget is checked in the
    # parse loops, not once before it.
    assert clock.reads >= 4
    # With the real clock and the default budget, the same file reads whole.
    monkeypatch.undo()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        frame = hmcts_data.read(publication or "ad-hoc", data)
    assert len(frame) == (2000 * 2 if publication == "monthly" else 5000 * 7)


def test_a_refusal_stands_when_no_time_is_left_to_explain_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The monthly parser refuses a tables file at once; naming the publication it looks like
    # means parsing it again as each other one, which the budget cuts short: the parser's own
    # refusal is the answer, not a timeout.
    data = _wide_csv(5000, 8)
    clock = _Clock()
    monkeypatch.setattr(time, "monotonic", clock)
    monkeypatch.setenv("HMCTS_DATA_DEADLINE", "3")
    with pytest.raises(ParseError, match="should be headed 'Month'") as info:
        hmcts_data.read("monthly", data)
    assert not isinstance(info.value, ParseTimeoutError)


def test_nested_reads_share_one_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HMCTS_DATA_DEADLINE", "30")
    with _source.time_budget() as outer:
        monkeypatch.setenv("HMCTS_DATA_DEADLINE", "5")
        with _source.time_budget() as inner:
            assert inner == outer == 30
    _source.check_time("x.csv")  # outside any budget: never raises


def test_a_big_legal_file_reads_whole_and_exact() -> None:
    rows, columns = 20_000, 12
    data = _wide_csv(rows, columns, marker_every=97)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        frame = hmcts_data.read("ad-hoc", data)
    table = hmcts_data.read_tables(data)[0]
    assert len(table.data) == rows
    assert len(frame) == rows * (columns - 1)
    markers = frame["marker"].eq("[x]")
    assert int(markers.sum()) == len(table.markers)
    assert len(table.markers) == sum(
        1 for i in range(rows) for j in range(1, columns) if (i * columns + j) % 97 == 0
    )
    # A figure with a thousands separator reads exactly; one with a marker is missing.
    i, j = 123, 5
    label = f"Court {j} - Video"
    got = frame.loc[frame["source_label"].eq(label), "value"].iloc[i]
    assert got == (i * 31 + j * 7) % 99991
    assert frame["value"].isna().sum() == markers.sum()
