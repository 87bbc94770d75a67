"""Every ```python block in docs/*.md and README.md runs, so no example in the docs can rot.

How a page runs:

* its blocks run in order in ONE namespace (a later block may use an earlier block's names),
  in a fresh temporary working directory (examples may write files), with ``MPLBACKEND=Agg``;
* GOV.UK is a local stand-in (:class:`hmcts_data.testing.FakeGovUK` filled by
  :func:`hmcts_data.testing._demo.build_data_site`: monthly releases as SYNTHETIC CSVs whose
  overlapping months are revised, and a parseable SYNTHETIC file for every other
  publication) and
  ``HMCTS_DATA_BASE_URL`` points at it (with ``HMCTS_DATA_RATE_LIMIT`` raised, as loopback
  allows), so discovery and downloads work without the internet;
* the files an example "already has" are in the working directory: see :data:`EXAMPLE_FILES`
  (add an entry when a new example reads a new file name).

A block opts out only with ``<!-- skip-example: reason -->`` on the line before its fence,
and only where it needs the real internet.
"""

from __future__ import annotations

import re
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from hmcts_data.testing import FakeGovUK, build_decisions_site
from hmcts_data.testing._demo import build_data_site
from hmcts_data.testing._monthly_files import monthly_csv, monthly_releases

ROOT = Path(__file__).resolve().parents[1]
PAGES = sorted([*ROOT.joinpath("docs").rglob("*.md"), ROOT / "README.md"])

#: The latest data month of the fake site's newest monthly release.
LATEST = date(2025, 4, 1)
#: Monthly releases on the fake site (each a SYNTHETIC accessible CSV, consecutive, revised).
MONTHLY_RELEASES = 4

#: SYNTHETIC decisions per finder on the fake site.
DECISIONS = {"employment-tribunal": 1200, "asylum-support-tribunal": 40}

#: File name an example reads -> the SYNTHETIC bytes it gets.
EXAMPLE_FILES: dict[str, Callable[[], bytes]] = {
    "HMCTS_MI_output_accessible.csv": lambda: monthly_csv("D", LATEST).data,
    # Two consecutive releases whose shared months are partly revised (vintages examples).
    "april.csv": lambda: monthly_releases("D", date(2025, 4, 1), 2, seed=2)[0].data,
    "may.csv": lambda: monthly_releases("D", date(2025, 4, 1), 2, seed=2)[1].data,
}

_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})\s*(?P<info>[^\s`]*)")
_SKIP = re.compile(r"^\s*<!--\s*skip-example:\s*(?P<reason>.*?)\s*-->\s*$")
_PYTHON = {"python", "py", "python3"}


@dataclass(frozen=True)
class Block:
    """One fenced code block of a page."""

    page: Path
    line: int  # 1-based line of the opening fence
    language: str
    code: str
    skip_reason: str | None


def extract_blocks(page: Path) -> list[Block]:
    """Every fenced block of a Markdown page, with its language and any skip marker."""
    lines = page.read_text(encoding="utf-8").splitlines()
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        match = _FENCE.match(lines[i])
        if match is None:
            i += 1
            continue
        indent, fence = match["indent"], match["fence"]
        language = match["info"].lstrip("{.").rstrip("}").lower()
        previous = next((lines[j] for j in range(i - 1, -1, -1) if lines[j].strip()), "")
        skip = _SKIP.match(previous)
        body: list[str] = []
        j = i + 1
        while j < len(lines) and not (
            lines[j].strip().startswith(fence[0] * len(fence))
            and lines[j].strip().strip(fence[0]) == ""
        ):
            line = lines[j]
            body.append(line[len(indent) :] if line.startswith(indent) else line.lstrip())
            j += 1
        if j == len(lines):
            raise AssertionError(f"{page}:{i + 1}: code fence is never closed")
        blocks.append(
            Block(page, i + 1, language, "\n".join(body) + "\n", skip["reason"] if skip else None)
        )
        i = j + 1
    return blocks


def _python_blocks(page: Path) -> list[Block]:
    return [b for b in extract_blocks(page) if b.language in _PYTHON]


@pytest.fixture(scope="module")
def fake_site() -> Iterator[FakeGovUK]:
    with FakeGovUK() as fake:
        build_data_site(fake, monthly=MONTHLY_RELEASES, last_month=LATEST, seed=1)
        # The tribunal-decision finders with a small SYNTHETIC corpus (docs/decisions.md).
        build_decisions_site(fake, sizes=DECISIONS, seed=1)
        yield fake


def run_page(page: Path) -> int:
    """Run a page's Python blocks in order in one namespace; return how many ran.

    Raises:
        AssertionError: A block failed; the message names the page and line, shows the block
            and the traceback.
    """
    namespace: dict[str, Any] = {"__name__": "__docs_example__"}
    ran = 0
    for block in _python_blocks(page):
        if block.skip_reason is not None:
            continue
        where = f"{page.name}, line {block.line}"
        try:
            exec(compile(block.code, where, "exec"), namespace)
        except Exception as exc:
            raise AssertionError(
                f"the example in {where} failed:\n{block.code}\n{traceback.format_exc()}"
            ) from exc
        ran += 1
    return ran


@pytest.mark.parametrize(
    "page", [p for p in PAGES if _python_blocks(p)], ids=lambda p: str(p.relative_to(ROOT))
)
def test_page_examples_run(
    page: Path,
    fake_site: FakeGovUK,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.setenv("HMCTS_DATA_BASE_URL", fake_site.base_url)
    # GOV.UK's 10 requests a second binds GOV.UK only; the local stand-in may go faster.
    monkeypatch.setenv("HMCTS_DATA_RATE_LIMIT", "1000")
    for name, make in EXAMPLE_FILES.items():
        (tmp_path / name).write_bytes(make())
    try:
        ran = run_page(page)
    except AssertionError as exc:
        pytest.fail(str(exc), pytrace=False)
    assert ran, f"every example of {page.relative_to(ROOT)} is skipped"


def test_skip_markers_give_a_reason() -> None:
    for page in PAGES:
        for block in extract_blocks(page):
            if block.skip_reason is not None:
                assert block.skip_reason, f"{page}:{block.line}: skip-example needs a reason"
                assert block.language in _PYTHON, f"{page}:{block.line}: skip on a non-Python block"
        for number, line in enumerate(page.read_text(encoding="utf-8").splitlines(), 1):
            # A marker that does not sit right above a Python fence silently skips nothing.
            if "skip-example" in line:
                assert _SKIP.match(line), f"{page}:{number}: malformed skip-example marker"


def test_extraction_handles_indents_skips_and_other_languages(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "# T\n\n```python\nx = 1\n```\n\n"
        "<!-- skip-example: needs the internet -->\n\n```python\nraise SystemExit\n```\n\n"
        "```bash\nhmcts-data --help\n```\n\n"
        "!!! note\n    ```py\n    y = x + 1\n    ```\n\n"
        "````python\nprint('```')\n````\n",
        encoding="utf-8",
    )
    blocks = extract_blocks(page)
    assert [(b.language, b.skip_reason) for b in blocks] == [
        ("python", None),
        ("python", "needs the internet"),
        ("bash", None),
        ("py", None),
        ("python", None),
    ]
    assert blocks[3].code == "y = x + 1\n"
    assert blocks[4].code == "print('```')\n"
    assert [b.line for b in blocks] == [3, 9, 13, 18, 22]


def test_run_page_shares_a_namespace_skips_and_reports_failures(tmp_path: Path) -> None:
    page = tmp_path / "bad.md"
    page.write_text(
        "```python\nvalue = 1\n```\n\n"
        "<!-- skip-example: needs the internet -->\n```python\nraise SystemExit(3)\n```\n\n"
        "```python\nassert value == 1\nvalue.nope\n```\n",
        encoding="utf-8",
    )
    with pytest.raises(AssertionError, match=r"bad\.md, line 10 failed") as info:
        run_page(page)
    assert "AttributeError" in str(info.value)
    assert "value.nope" in str(info.value)
    page.write_text("```python\nvalue = 1\n```\n\n```python\nassert value == 1\n```\n")
    assert run_page(page) == 2
