"""Text from GOV.UK and from files reaches the terminal shown, never executed (issue 24 item 7).

A fake GOV.UK serves titles, descriptions, attachment titles and change notes carrying escape
sequences (window title, screen clear, a planted link), a bare carriage return hiding text, a
C1 control, a bidirectional override and a lone surrogate. Every command's output, standard
output and standard error alike, must hold none of them raw; JSON output must still parse back
to the exact text.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from hmcts_data.cli import main
from hmcts_data.cli._safe import json_safe, terminal_safe
from hmcts_data.testing import FakeGovUK, build_site
from hmcts_data.testing._site import SiteFile, SiteRelease, default_files

HOSTILE = (
    "Figures\x1b]0;pwned\x07\x1b[2J\x1b]8;;http://evil.example/\x1b\\click\x1b]8;;\x1b\\"
    " ok\rHIDDEN \x9b31m \u202eevil\u202c"
)
# What a terminal acts on: none may be printed raw.
RAW = ("\x1b", "\x07", "\r", "\x9b", "\u202e", "\u202c")


def _no_raw(text: str) -> None:
    found = sorted({repr(c) for c in RAW if c in text})
    assert not found, f"raw control characters printed: {found}"


def test_terminal_safe_shows_every_control_but_newline_and_tab() -> None:
    shown = terminal_safe(HOSTILE + "\tend\n\ud800")
    _no_raw(shown)
    assert "\\x1b]0;pwned\\x07" in shown
    assert "ok\\x0dHIDDEN" in shown
    assert "\\u202eevil" in shown
    assert "\\ud800" in shown
    assert shown.endswith("\tend\n\\ud800")
    assert terminal_safe("Civil claims £ – ü") == "Civil claims £ – ü"


def test_json_safe_is_lossless() -> None:
    text = json.dumps({"t": HOSTILE}, ensure_ascii=False)
    safe = json_safe(text)
    _no_raw(safe)
    assert json.loads(safe) == {"t": HOSTILE}


@pytest.fixture
def hostile_site(fake_govuk: FakeGovUK, monkeypatch: pytest.MonkeyPatch) -> FakeGovUK:
    monkeypatch.setenv("HMCTS_DATA_RATE_LIMIT", "1000")
    monkeypatch.setenv("HMCTS_DATA_RETRIES", "0")

    def files(release: SiteRelease) -> list[SiteFile]:
        return [
            SiteFile(f.filename, f.body, f.content_type, title=f"{HOSTILE} {f.filename}")
            for f in default_files(release)
        ]

    site = build_site(fake_govuk, monthly=3, files=files)
    site = site.publish_monthly(title=f"Monthly {HOSTILE}", description=f"About {HOSTILE}")
    site.update_in_place(
        site.pages_of("monthly")[0].slug,
        at=datetime.now(UTC),
        note=f"Revised {HOSTILE}",
    )
    return fake_govuk


@pytest.mark.parametrize(
    "argv",
    [
        ["catalogue"],
        ["catalogue", "--all"],
        ["catalogue", "monthly"],
        ["whats-new", "--since", "2020-01-01"],
    ],
)
def test_text_commands_print_no_raw_control_characters(
    hostile_site: FakeGovUK, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    assert main(argv) == 0
    out, err = capsys.readouterr()
    assert "pwned" in out  # the hostile text is shown, as text
    _no_raw(out)
    _no_raw(err)


@pytest.mark.parametrize(
    "argv", [["catalogue", "monthly", "--json"], ["whats-new", "--since", "2020-01-01", "--json"]]
)
def test_json_commands_escape_losslessly(
    hostile_site: FakeGovUK, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    assert main(argv) == 0
    out, err = capsys.readouterr()
    _no_raw(out)
    _no_raw(err)
    assert any(HOSTILE in text for text in _strings(json.loads(out)))


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    return []


def test_errors_quoting_a_file_are_made_safe(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from hmcts_data.testing._monthly_files import monthly_csv

    text = monthly_csv("D", date(2025, 4, 1), 3).data.decode("utf-8")
    header, rest = text.split("\n", 1)
    first, second = rest.split(",", 2)[:2]
    hostile = tmp_path / "hostile.csv"
    hostile.write_text(f'{header}\n{first},"12\x1b]0;pwned\x07",{rest.split(",", 2)[2]}')
    assert main(["read", "monthly", str(hostile)]) == 6
    out, err = capsys.readouterr()
    assert "pwned" in err
    _no_raw(out + err)
    assert second  # the cell replaced was a figure


def test_csv_to_stdout_is_made_safe_but_a_file_is_exact(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from hmcts_data.testing._monthly_files import monthly_csv

    text = monthly_csv("D", date(2025, 4, 1), 3).data.decode("utf-8")
    header, rest = text.split("\n", 1)
    labels = header.split(",")
    labels[1] = f"Civil\x1b[2J claims {labels[1]}"
    source = tmp_path / "labels.csv"
    source.write_text(",".join(labels) + "\n" + rest)
    assert main(["read", "monthly", str(source)]) == 0
    out, err = capsys.readouterr()
    assert "Civil\\x1b[2J claims" in out
    _no_raw(out + err)
    target = tmp_path / "tidy.csv"
    assert main(["read", "monthly", str(source), "-o", str(target)]) == 0
    assert "Civil\x1b[2J claims" in target.read_text()


def test_warnings_are_made_safe(
    hostile_site: FakeGovUK, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import warnings

    from hmcts_data.cli import _catalogue

    def hostile_run(args: object) -> int:
        warnings.warn(f"notice {HOSTILE}", UserWarning, stacklevel=1)
        return 0

    monkeypatch.setattr(_catalogue, "run", hostile_run)
    parser_main = main(["catalogue"])  # the warning display of main() prints it
    assert parser_main == 0
    _, err = capsys.readouterr()
    _no_raw(err)


def test_a_carriage_return_is_kept_only_to_redraw_a_terminal_line() -> None:
    import io

    from hmcts_data.cli._safe import SafeStream

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    piped, terminal = io.StringIO(), Terminal()
    for target in (SafeStream(piped, "standard error"), SafeStream(terminal, "standard error")):
        target.write("\rdownloading 50%")
        target.write("\rtitle\rHIDDEN\x1b[2J")
    assert piped.getvalue() == "\\x0ddownloading 50%\\x0dtitle\\x0dHIDDEN\\x1b[2J"
    assert terminal.getvalue() == "\rdownloading 50%\rtitle\\x0dHIDDEN\\x1b[2J"
