"""``hmcts-data load | read | series | revisions`` in process, against the local fake GOV.UK.

Outputs are parsed back and compared with what the generator wrote (see tests/_e2e.py); exit
codes and the one-line error format are checked for each kind of failure.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import hmcts_data
from hmcts_data.cli import build_parser, main
from hmcts_data.tables._schema import TIDY_COLUMNS, validate_tidy
from hmcts_data.testing._monthly_files import monthly_csv
from tests._e2e import (
    LAST_MONTH,
    World,
    data_world,
    expected_revisions,
    expected_series,
    figures,
    served_monthly,
)
from tests._network import refused_port

TIDY = [c.name for c in TIDY_COLUMNS]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    yield from data_world(tmp_path_factory.mktemp("cli-cache"))


@pytest.fixture
def site(world: World, monkeypatch: pytest.MonkeyPatch) -> World:
    """The CLI builds its clients from the environment: point it at the fake site."""
    monkeypatch.setenv("HMCTS_DATA_BASE_URL", world.fake.base_url)
    monkeypatch.setenv("HMCTS_DATA_CACHE_DIR", str(world.cache_dir))
    monkeypatch.setenv("HMCTS_DATA_RATE_LIMIT", "1000")
    monkeypatch.setenv("HMCTS_DATA_BACKOFF", "0.01")
    return world


def _csv(text: str | Path) -> pd.DataFrame:
    """Read a CSV the CLI wrote; ``NA`` is a marker there, only an empty cell is missing."""
    source = text if isinstance(text, Path) else io.StringIO(text)
    frame = pd.read_csv(source, keep_default_na=False, na_values=[""])
    frame["period_start"] = pd.to_datetime(frame["period_start"])
    return frame


def _one_error_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("error: ")
    assert "Traceback" not in err
    return lines[0]


# -- load ----------------------------------------------------------------------------------


def test_load_writes_csv(site: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    newest = served_monthly(site.data)[-1]
    target = tmp_path / "mi.csv"
    assert main(["load", "monthly", "-o", str(target)]) == 0
    frame = _csv(target)
    assert list(frame.columns) == TIDY
    assert figures(frame) == newest.cells()
    assert set(frame["release"]) == {newest.key}
    assert set(frame["source_url"]) == {newest.page.file_urls[0]}
    err = capsys.readouterr().err
    assert f"wrote {len(newest.file.expected):,} rows to {target}" in err


def test_load_to_stdout_without_output(site: World, capsys: pytest.CaptureFixture[str]) -> None:
    wanted = next(s for s in served_monthly(site.data) if s.key == "2025-02")
    assert main(["load", "monthly", "--release", "2025-02"]) == 0
    out, err = capsys.readouterr()
    assert figures(_csv(out)) == wanted.cells()
    assert err == ""  # nothing but the data when piped: no progress, no chatter


@pytest.mark.parametrize("suffix", [".parquet", ".json"])
def test_load_writes_parquet_and_json(site: World, tmp_path: Path, suffix: str) -> None:
    newest = served_monthly(site.data)[-1]
    target = tmp_path / f"mi{suffix}"
    assert main(["load", "monthly", "-o", str(target)]) == 0
    if suffix == ".parquet":
        frame = hmcts_data.read_parquet(target)
        validate_tidy(frame)
    else:
        records: list[dict[str, Any]] = json.loads(target.read_text(encoding="utf-8"))
        frame = pd.DataFrame.from_records(records)
        frame["period_start"] = pd.to_datetime(frame["period_start"])
        assert list(frame.columns) == TIDY
    assert figures(frame) == newest.cells()


def test_load_all_releases(site: World, tmp_path: Path) -> None:
    served = served_monthly(site.data)
    target = tmp_path / "all.csv"
    assert main(["load", "monthly", "--release", "all", "-o", str(target)]) == 0
    frame = _csv(target)
    assert len(frame) == sum(len(s.file.expected) for s in served)
    for release in served:
        assert figures(frame[frame["release"] == release.key]) == release.cells()


def test_offline_load_from_a_warm_cache_makes_no_request(
    site: World, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["load", "monthly"]) == 0
    warm = capsys.readouterr().out
    site.fake.reset_counts()
    assert main(["--offline", "load", "monthly"]) == 0
    assert capsys.readouterr().out == warm
    assert site.fake.count() == 0


def test_offline_and_not_cached_exits_4(
    site: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("HMCTS_DATA_CACHE_DIR", str(tmp_path))
    site.fake.reset_counts()
    # 2020-04 is listed in the snapshot but neither cached nor embedded.
    assert main(["--offline", "load", "monthly", "--release", "2020-04"]) == 4
    out, err = capsys.readouterr()
    assert out == ""
    # The snapshot fallback warns (one line), then the error (one line).
    warnings = [line for line in err.splitlines() if line.startswith("warning: ")]
    assert len(warnings) == 1
    line = _one_error_line("\n".join(line for line in err.splitlines() if line not in warnings))
    assert "hmcts-data read monthly" in line  # CLI advice, not Python
    assert "hmcts_data." not in line
    assert site.fake.count() == 0


def test_offline_latest_is_the_newest_embedded_release(
    site: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("HMCTS_DATA_CACHE_DIR", str(tmp_path))
    site.fake.reset_counts()
    assert main(["--offline", "load", "monthly", "-o", str(tmp_path / "mi.csv")]) == 0
    err = capsys.readouterr().err
    frame = pd.read_csv(tmp_path / "mi.csv")
    assert set(frame["source_url"]) == {hmcts_data.embedded_releases()[-1].source_url}
    (embedded,) = [line for line in err.splitlines() if "came from copies embedded" in line]
    assert "without --offline" in embedded  # CLI advice
    assert "hmcts_data." not in embedded
    assert site.fake.count() == 0


def test_network_failure_exits_10_with_cli_advice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("HMCTS_DATA_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("HMCTS_DATA_BASE_URL", f"http://127.0.0.1:{refused_port()}")
    assert main(["load", "monthly", "--release", "2020-04"]) == 10
    line = _one_error_line(
        "\n".join(x for x in capsys.readouterr().err.splitlines() if x.startswith("error: "))
    )
    assert "127.0.0.1" in line
    assert "--offline" in line
    assert "hmcts-data read monthly" in line
    assert "TIMEOUT" not in line


def test_unknown_publication_exits_8_with_a_suggestion(
    site: World, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["load", "montly"]) == 8
    line = _one_error_line(capsys.readouterr().err)
    assert "'monthly'" in line


def test_unknown_release_exits_8(site: World, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["load", "monthly", "--release", "2031-01"]) == 8
    assert "2025-04" in _one_error_line(capsys.readouterr().err)


def test_debug_shows_the_traceback(site: World, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--debug", "load", "montly"]) == 8
    err = capsys.readouterr().err
    assert "Traceback" in err
    assert err.rstrip().splitlines()[-1].startswith("error: ")


def test_stdout_csv_is_the_same_as_the_csv_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "mi.csv"
    source.write_bytes(monthly_csv("D", LAST_MONTH, 5).data)
    target = tmp_path / "tidy.csv"
    assert main(["read", "monthly", str(source), "-o", str(target)]) == 0
    capsys.readouterr()
    assert main(["read", "monthly", str(source)]) == 0
    assert capsys.readouterr().out == target.read_text(encoding="utf-8")


def test_a_real_pipe_gets_no_progress_and_may_close_early(site: World, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HMCTS_DATA_")}
    env |= {
        "HMCTS_DATA_BASE_URL": site.fake.base_url,
        "HMCTS_DATA_CACHE_DIR": str(tmp_path),  # cold: every file really downloads
        "HMCTS_DATA_RATE_LIMIT": "1000",
    }
    command = [sys.executable, "-m", "hmcts_data.cli", "load", "monthly", "--release", "all"]
    with subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    ) as process:
        assert process.stdout is not None
        assert process.stderr is not None
        header = process.stdout.readline()
        process.stdout.close()  # like `| head -1`: the reader goes away mid-output
        err = process.stderr.read()
        code = process.wait(timeout=60)
    assert header.decode().rstrip("\r\n").split(",") == TIDY
    assert err == b""  # no progress bar, no traceback from the broken pipe
    assert code == 0


# -- progress ------------------------------------------------------------------------------


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_on_a_terminal_only(
    site: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    newest = served_monthly(site.data)[-1]
    for tty in (False, True):
        # A cold cache each time: a cached file has nothing to report.
        monkeypatch.setenv("HMCTS_DATA_CACHE_DIR", str(tmp_path / f"cache-{tty}"))
        stderr = _Terminal() if tty else io.StringIO()
        monkeypatch.setattr("sys.stderr", stderr)
        assert main(["load", "monthly", "-o", str(tmp_path / f"out-{tty}.csv")]) == 0
        shown = stderr.getvalue()
        assert (newest.file.filename in shown) is tty, shown
        assert ("100%" in shown) is tty, shown


def test_every_data_command_passes_progress_only_on_a_terminal(
    site: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[object] = []
    real_load = hmcts_data.load

    def spy(*args: Any, **kwargs: Any) -> pd.DataFrame:
        seen.append(kwargs.get("progress"))
        return real_load(*args, **kwargs)

    monkeypatch.setattr("hmcts_data._api.load", spy)
    for tty in (False, True):
        monkeypatch.setattr("sys.stderr", _Terminal() if tty else io.StringIO())
        for argv in (["load", "monthly"], ["series"], ["revisions"]):
            assert main([*argv, "-o", str(tmp_path / "out.csv")]) == 0
    assert seen == [False] * 3 + [True] * 3


# -- read ----------------------------------------------------------------------------------


def test_read_a_file_you_have(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # No network at all: the base URL points nowhere that could answer.
    monkeypatch.setenv("HMCTS_DATA_BASE_URL", "http://127.0.0.1:9")
    made = monthly_csv("D", LAST_MONTH, 5)
    source = tmp_path / "HMCTS_MI_output_accessible (2).csv"
    source.write_bytes(made.data)
    assert main(["read", "monthly", str(source), "--release", "2025-04"]) == 0
    frame = _csv(capsys.readouterr().out)
    expected = {(c.label, c.period_start): (c.value, c.marker) for c in made.expected}
    assert figures(frame) == expected
    assert set(frame["release"]) == {"2025-04"}
    assert set(frame["source_file"]) == {source.name}


def test_read_a_bad_file_exits_6(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "not-data.csv"
    bad.write_bytes(b"%PDF-1.4\n\x00\x01 a PDF saved with the wrong name\n")
    assert main(["read", "monthly", str(bad)]) == 6
    assert "not-data.csv" in _one_error_line(capsys.readouterr().err)
    assert main(["read", "monthly", str(tmp_path / "missing.csv")]) == 6
    assert "missing.csv" in _one_error_line(capsys.readouterr().err)


def test_read_an_unknown_header_exits_7_only_when_strict(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    drifted = monthly_csv("D", LAST_MONTH, 5).data.replace(
        b"Civil Claims received", b"Civil Claims teleported", 1
    )
    source = tmp_path / "drifted.csv"
    source.write_bytes(drifted)
    assert main(["read", "monthly", str(source), "--strict"]) == 7
    assert "Civil Claims teleported" in _one_error_line(capsys.readouterr().err)
    assert main(["read", "monthly", str(source), "--keep-unknown"]) == 0
    assert capsys.readouterr().out
    assert main(["read", "monthly", str(source)]) == 0
    out, err = capsys.readouterr()
    assert err.startswith("warning: ")
    assert "Civil Claims teleported" in err
    kept = _csv(out)
    assert kept.loc[kept["source_label"] == "Civil Claims teleported", "measure"].isna().all()


# -- series and revisions --------------------------------------------------------------------


def test_series_with_filters(site: World, capsys: pytest.CaptureFixture[str]) -> None:
    served = served_monthly(site.data)
    wanted = expected_series(served)
    cells = {s.key: s.cells() for s in served}
    argv = ["series", "--jurisdiction", "civil", "--measure", "receipts", "--breakdown", ""]
    assert main(argv) == 0
    frame = _csv(capsys.readouterr().out)
    assert len(frame) > 0
    assert set(frame["jurisdiction"]) == {"civil"}
    assert set(frame["measure"]) == {"receipts"}
    for label, month, release in zip(
        frame["source_label"], frame["period_start"].dt.date, frame["release"], strict=True
    ):
        assert release == wanted[(label, month)]
    got = figures(frame)
    assert got == {key: cells[wanted[key]][key] for key in got}
    # Every civil receipts figure of the expected series is there.
    labels = set(frame["source_label"])
    assert set(got) == {key for key in wanted if key[0] in labels}


def test_series_unknown_measure_exits_8(site: World, capsys: pytest.CaptureFixture[str]) -> None:
    site.fake.reset_counts()
    assert main(["series", "--measure", "reciepts"]) == 8
    assert "'receipts'" in _one_error_line(capsys.readouterr().err)
    assert site.fake.count() == 0  # refused before downloading anything


def test_revisions(site: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    expected = expected_revisions(served_monthly(site.data))
    target = tmp_path / "revisions.csv"
    assert main(["revisions", "-o", str(target)]) == 0
    frame = pd.read_csv(target, keep_default_na=False, na_values=[""])
    assert len(frame) == len(expected)
    got = {
        (label, pd.Timestamp(month).date(), release): kind
        for label, month, release, kind in zip(
            frame["source_label"],
            frame["period_start"],
            frame["new_release"],
            frame["kind"],
            strict=True,
        )
    }
    assert got == {key: change.kind for key, change in expected.items()}
    capsys.readouterr()
    assert main(["revisions", "--jurisdiction", "probate"]) == 0
    probate = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert len(probate) == (frame["jurisdiction"] == "probate").sum() > 0
    assert set(probate["jurisdiction"]) == {"probate"}


def test_revisions_unknown_jurisdiction_exits_8_before_downloading(
    site: World, capsys: pytest.CaptureFixture[str]
) -> None:
    site.fake.reset_counts()
    assert main(["revisions", "--jurisdiction", "probat"]) == 8
    assert "'probate'" in _one_error_line(capsys.readouterr().err)
    assert site.fake.count() == 0


# -- usage and help ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["load"],
        ["read", "monthly"],
        ["load", "monthly", "--nope"],
        ["series", "extra"],
        ["demo", "--releases", "0"],
        ["demo", "--releases", "six"],
    ],
)
def test_usage_errors_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    assert "usage: hmcts-data" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["load", "read", "series", "revisions"])
def test_output_into_a_missing_folder_is_a_usage_error(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "mi.csv"
    source.write_bytes(monthly_csv("D", LAST_MONTH, 5).data)
    target = tmp_path / "no" / "such" / "x.csv"
    argv = {
        "load": ["load", "monthly"],
        "read": ["read", "monthly", str(source)],
        "series": ["series"],
        "revisions": ["revisions"],
    }[command]
    # No server is needed: the path is checked before any download or parse.
    with pytest.raises(SystemExit) as info:
        main([*argv, "-o", str(target)])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "usage: hmcts-data" in err
    assert "does not exist" in err
    assert f"mkdir -p {target.parent}" in err
    assert not (tmp_path / "no").exists()  # no folder was created


def test_read_with_a_release_that_is_not_a_month_exits_9(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "mi.csv"
    source.write_bytes(monthly_csv("D", LAST_MONTH, 5).data)
    assert main(["read", "monthly", str(source), "--release", "April"]) == 9
    line = _one_error_line(capsys.readouterr().err)
    assert "'April'" in line
    assert "YYYY-MM" in line


def test_unknown_output_suffix_exits_9(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "mi.csv"
    source.write_bytes(monthly_csv("D", LAST_MONTH, 5).data)
    assert main(["read", "monthly", str(source), "-o", str(tmp_path / "mi.xls")]) == 9
    assert ".xls" in _one_error_line(capsys.readouterr().err)
    assert not (tmp_path / "mi.xls").exists()


@pytest.mark.parametrize("command", ["load", "read", "series", "revisions", "demo"])
def test_every_subcommand_has_help_with_examples(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as info:
        main([command, "--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: hmcts-data {command}")
    assert "examples:" in out
    assert f"hmcts-data {command}" in out.split("examples:", 1)[1]


def test_top_level_help_lists_the_data_commands() -> None:
    text = build_parser().format_help()
    for command in ("load", "read", "series", "revisions", "demo"):
        assert re.search(rf"^ +{command}\b", text, re.MULTILINE), command
