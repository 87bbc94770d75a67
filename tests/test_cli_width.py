"""The command line fits the terminal: COLUMNS (or the terminal's width) bounds every line of
text output, tables shrink their widest columns, prose wraps; --json is left whole; warnings
are one short line each (never wrapped: scripts find them by prefix), with their detail under
--verbose."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hmcts_data.cli import main
from hmcts_data.cli._width import fit


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[str, str]:
    assert main(argv) == 0
    got = capsys.readouterr()
    return got.out, got.err


@pytest.mark.parametrize(
    "argv",
    [
        ["routes", "--datasets"],
        ["routes"],
        ["routes", "data-access-panel"],
        ["routes", "--other"],
        ["--offline", "catalogue"],
        ["--offline", "catalogue", "monthly"],
        ["--offline", "whats-new"],
        ["--offline", "what-changed"],
    ],
)
@pytest.mark.parametrize("columns", [60, 80])
def test_text_output_fits_columns(
    argv: list[str],
    columns: int,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("HMCTS_DATA_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("COLUMNS", str(columns))
    out, _ = _run(argv, capsys)
    too_long = [
        line
        for line in out.splitlines()
        # A single word longer than the width (a URL) is kept whole rather than broken.
        if len(line) > columns and " " in line.strip()
    ]
    assert not too_long, too_long[:3]


def test_without_columns_a_pipe_gets_whole_lines(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("COLUMNS", raising=False)
    out, _ = _run(["routes", "--datasets"], capsys)
    assert max(len(line) for line in out.splitlines()) > 120  # nothing cut for a file
    monkeypatch.setenv("COLUMNS", "80")
    cut, _ = _run(["routes", "--datasets"], capsys)
    assert len(cut.splitlines()) == len(out.splitlines())  # a table row stays one line
    assert "…" in cut


def test_json_is_never_fitted(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COLUMNS", "40")
    out, _ = _run(["routes", "--datasets", "--json"], capsys)
    assert json.loads(out)  # whole, parseable
    assert max(len(line) for line in out.splitlines()) > 40


def test_fit_shrinks_the_widest_column_and_keeps_the_others() -> None:
    table = "\n".join(
        [
            "id  name                          kind",
            "--  ----------------------------  ----",
            "ab  a long name that will not fit  open",
        ]
    )
    fitted = fit(table, 30).splitlines()
    assert all(len(line) <= 30 for line in fitted)
    assert fitted[2].startswith("ab  ")
    assert fitted[2].endswith("open")  # the narrow columns are kept whole
    assert "…" in fitted[2]


def test_warnings_are_one_line_each_with_detail_under_verbose(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("HMCTS_DATA_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("COLUMNS", raising=False)
    _, err = _run(["--offline", "load", "monthly", "-o", str(tmp_path / "a.csv")], capsys)
    warnings = [line for line in err.splitlines() if line.startswith("warning: ")]
    assert len(warnings) == 2  # the snapshot in use; the embedded release it rests on
    assert all(len(line) < 220 for line in warnings)
    assert "detail:" not in err
    assert "Crown copyright" not in err
    _, err = _run(
        ["--offline", "--verbose", "load", "monthly", "-o", str(tmp_path / "b.csv")], capsys
    )
    assert "detail:" in err
    assert "Crown copyright" in err  # the attribution is in the detail
    assert "HMCTS_MI_output_accessible.csv" in err  # the published file the figures came from
