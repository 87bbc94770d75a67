"""``hmcts-data cache info|clear`` through the real entry point function."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest

from hmcts_data import Client
from hmcts_data.cli import main
from hmcts_data.cli._cache import human_size
from hmcts_data.testing import FakeGovUK


@pytest.fixture
def filled_cache(fake_govuk: FakeGovUK) -> Path:
    """The test's cache dir (from the environment) holding one 3000-byte file and one page."""
    url = fake_govuk.add_file("/media/a.csv", b"a,b\n" + b"1,2\n" * 749, content_type="text/csv")
    fake_govuk.add_json("/api/content/x", {"a": 1})
    with Client(rate_limit=1000) as client:
        client.download(url)
        client.get_json("/api/content/x")
    return Path(os.environ["HMCTS_DATA_CACHE_DIR"])


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_info_prints_location_files_and_size(
    filled_cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["cache", "info"]) == 0
    out = capsys.readouterr().out
    assert f"location: {filled_cache}" in out
    assert "files:    2" in out
    assert "(3,008 bytes)" in out  # 3000-byte file + 8-byte JSON page


def test_info_json(filled_cache: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cache", "info", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["location"] == str(filled_cache)
    assert (data["files"], data["total_bytes"]) == (2, 3008)
    assert sorted(e["kind"] for e in data["entries"]) == ["api", "files"]


def test_clear_with_yes(filled_cache: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cache", "clear", "--yes"]) == 0
    assert "removed 2 cached file(s)" in capsys.readouterr().out
    assert Client().cache_info().files == 0


def test_clear_without_tty_or_yes_refuses(
    filled_cache: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("y\n"))
    assert main(["cache", "clear"]) == 2
    assert "--yes" in capsys.readouterr().err
    assert Client().cache_info().files == 2


@pytest.mark.parametrize(("answer", "left"), [("y\n", 0), ("n\n", 2), ("\n", 2)])
def test_clear_asks_on_a_terminal(
    filled_cache: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    answer: str,
    left: int,
) -> None:
    monkeypatch.setattr("sys.stdin", _Tty(answer))
    assert main(["cache", "clear"]) == 0
    assert "Delete 2 cached file(s)" in capsys.readouterr().out
    assert Client().cache_info().files == left


def test_cache_without_action_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["cache"])
    assert info.value.code == 2


def test_help_has_examples(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["cache", "--help"])
    assert "hmcts-data cache clear --yes" in capsys.readouterr().out


def test_invalid_environment_maps_to_exit_code_9(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("HMCTS_DATA_TIMEOUT", "soon")
    assert main(["cache", "info"]) == 9
    assert "HMCTS_DATA_TIMEOUT" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("size", "text"),
    [
        (0, "0 B"),
        (1023, "1023 B"),
        (1024, "1.0 KiB"),
        (5 * 1024**2, "5.0 MiB"),
        (3 * 1024**4, "3072.0 GiB"),
    ],
)
def test_human_size(size: int, text: str) -> None:
    assert human_size(size) == text
