"""The repository keeps what the tools write out of version control."""

from __future__ import annotations

import fnmatch
from pathlib import Path

from hmcts_data.cli import build_parser

ROOT = Path(__file__).resolve().parents[1]


def _ignored(folder: str) -> bool:
    patterns = [
        line.strip().rstrip("/").lstrip("/")
        for line in ROOT.joinpath(".gitignore").read_text("utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    return any(fnmatch.fnmatch(folder, p) for p in patterns)


def test_gitignore_covers_the_demo_output_folder() -> None:
    parser = build_parser()
    args = parser.parse_args(["demo"])
    default = Path(args.output).name
    assert default == "hmcts-data-demo"
    assert _ignored(default)
    assert not _ignored("src")
