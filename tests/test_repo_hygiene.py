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


def test_nox_docs_session_does_what_its_docstring_says() -> None:
    import ast

    tree = ast.parse(ROOT.joinpath("noxfile.py").read_text("utf-8"))
    (docs,) = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "docs"]
    doc = ast.get_docstring(docs) or ""
    assert "example" in doc
    assert "notebook" in doc
    source = ast.unparse(docs)
    assert "mkdocs" in source
    assert "--strict" in source
    # The examples and the notebook run through the tests that execute them.
    for test_file in ("tests/test_docs_examples.py", "tests/test_notebook.py"):
        assert test_file in source
        assert ROOT.joinpath(test_file).is_file()
