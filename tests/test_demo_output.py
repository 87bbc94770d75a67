"""``hmcts-data demo -o DIR`` writes only into a folder it made (issue 12, item 7)."""

from __future__ import annotations

from pathlib import Path

import pytest

from hmcts_data.cli import main


def test_demo_refuses_a_folder_it_did_not_make(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "mine"
    (out / "cache").mkdir(parents=True)
    (out / "cache" / "thesis.docx").write_bytes(b"years of work")
    (out / "notes.txt").write_bytes(b"more work")
    assert main(["demo", "-o", str(out), "--releases", "1"]) == 2
    err = capsys.readouterr().err
    assert "did not make" in err
    assert "-o" in err
    assert (out / "cache" / "thesis.docx").read_bytes() == b"years of work"
    assert sorted(p.name for p in out.rglob("*")) == ["cache", "notes.txt", "thesis.docx"]


def test_demo_refuses_a_file_as_its_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "a-file"
    out.write_bytes(b"keep")
    assert main(["demo", "-o", str(out), "--releases", "1"]) == 2
    assert "not a folder" in capsys.readouterr().err
    assert out.read_bytes() == b"keep"


def test_demo_reruns_in_its_own_folder_without_deleting_user_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "demo"
    out.mkdir()  # empty: the demo may take it
    assert main(["demo", "-o", str(out), "--releases", "1"]) == 0
    assert (out / ".hmcts-data-demo").is_file()
    # The user then drops files into the demo's folder, its cache included.
    (out / "cache" / "my-notes.txt").write_bytes(b"mine")
    entry = next((out / "cache" / "files").iterdir())
    (entry / ".my hidden file").write_bytes(b"mine too")
    capsys.readouterr()
    assert main(["demo", "-o", str(out), "--releases", "1"]) == 0
    assert "Wrote" in capsys.readouterr().out
    assert (out / "cache" / "my-notes.txt").read_bytes() == b"mine"
    assert (entry / ".my hidden file").read_bytes() == b"mine too"
    assert (out / "monthly_series.csv").is_file()


def test_demo_refuses_more_releases_than_are_embedded(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import hmcts_data

    count = len(hmcts_data.embedded_releases())
    out = tmp_path / "demo"
    assert main(["demo", "-o", str(out), "--releases", str(count + 1)]) == 2
    err = capsys.readouterr().err
    assert f"embeds {count} real monthly releases" in err
    assert f"choose 1 to {count}" in err
    assert not out.exists()  # refused before anything is written
