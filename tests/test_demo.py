"""``hmcts-data demo``: in process (outputs checked against the generator) and once for real.

The in-process run checks what the demo writes: the harmonised series CSV must hold, for every
figure, the value of the newest release publishing it, computed here from a second, identical
SYNTHETIC site. The subprocess run is the real console entry point in a plain environment with
a tripwire on every socket: it must succeed while talking to 127.0.0.1 only, whatever the
user's HMCTS_DATA_* settings, and without touching the user's cache.
"""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from hmcts_data.cli import main
from hmcts_data.tables._schema import TIDY_COLUMNS
from hmcts_data.testing import FakeGovUK
from hmcts_data.testing._demo import build_data_site
from tests._e2e import expected_series, figures, served_monthly

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
RELEASES = 4

# Runs the CLI exactly as ``python -m hmcts_data.cli`` does, after installing an audit hook
# that refuses (and reports) any connection or name lookup beyond loopback.
_TRIPWIRE = """
import atexit, ipaddress, runpy, sys

seen = []

def loopback(host):
    host = host.decode() if isinstance(host, bytes) else str(host)
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False

def hook(event, args):
    if event == "socket.connect" and isinstance(args[1], tuple):
        host = args[1][0]
    elif event == "socket.getaddrinfo" and args[0] is not None:
        host = args[0]
    else:
        return
    if loopback(host):
        seen.append(host)
    else:
        print(f"TRIPWIRE VIOLATION: {event} {host!r}", file=sys.stderr, flush=True)
        raise ConnectionRefusedError(f"the demo must not leave loopback: {host!r}")

sys.addaudithook(hook)
atexit.register(lambda: print(f"TRIPWIRE: {len(seen)} loopback lookups/connections",
                              file=sys.stderr, flush=True))
sys.argv = ["hmcts-data", *sys.argv[1:]]
runpy.run_module("hmcts_data.cli", run_name="__main__", alter_sys=True)
"""


def _read_series(path: Path) -> pd.DataFrame:
    frame = pd.read_csv(path, keep_default_na=False, na_values=[""])  # "NA" is a marker
    frame["period_start"] = pd.to_datetime(frame["period_start"])
    return frame


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("demo")
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        code = main(["demo", "-o", str(out), "--releases", str(RELEASES)])
    assert code == 0
    return out, buffer.getvalue()


def test_demo_says_synthetic_and_shows_the_faults_and_retries(demo_run: tuple[Path, str]) -> None:
    _, text = demo_run
    assert text.splitlines()[0].startswith("hmcts-data demo:")
    assert "SYNTHETIC" in text.splitlines()[0]
    assert "127.0.0.1" in text
    assert "503 twice" in text
    assert "429 with Retry-After" in text
    # Two 503s then success; one 429 then success: the client retried through each fault.
    assert "collection requested 3 times" in text
    assert "newest CSV 2 times" in text
    assert "withdrawn releases are listed, not loaded" in text


def test_demo_csv_is_the_harmonised_series_of_the_generated_releases(
    demo_run: tuple[Path, str],
) -> None:
    out, text = demo_run
    csv_path = out / "monthly_series_SYNTHETIC.csv"
    assert str(csv_path) in text
    frame = _read_series(csv_path)
    assert list(frame.columns) == [c.name for c in TIDY_COLUMNS]
    with FakeGovUK() as fake:  # the same site again, to know what it served
        served = served_monthly(
            build_data_site(fake, monthly=RELEASES, last_month=date(2025, 4, 1))
        )
    wanted = expected_series(served)
    cells = {s.key: s.cells() for s in served}
    assert figures(frame) == {key: cells[release][key] for key, release in wanted.items()}
    assert set(frame["publication"]) == {"monthly"}


def test_demo_png_is_a_png(demo_run: tuple[Path, str]) -> None:
    out, text = demo_run
    png = out / "outstanding_SYNTHETIC.png"
    assert str(png) in text
    data = png.read_bytes()
    assert data.startswith(PNG_SIGNATURE)
    assert len(data) > 10_000  # a drawn chart, not an empty canvas


def test_console_demo_runs_again_in_the_same_folder_offline_of_everything_but_loopback(
    demo_run: tuple[Path, str], tmp_path: Path
) -> None:
    out, _ = demo_run
    first = figures(_read_series(out / "monthly_series_SYNTHETIC.csv"))
    user_cache = tmp_path / "user-cache"
    keep = {"PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "TEMP", "TMP", "SYSTEMROOT"}
    env = {k: v for k, v in os.environ.items() if k in keep}
    # A user's settings must not change the demo: offline, no retries, their own cache.
    env |= {
        "HMCTS_DATA_OFFLINE": "1",
        "HMCTS_DATA_RETRIES": "0",
        "HMCTS_DATA_CACHE_DIR": str(user_cache),
    }
    done = subprocess.run(
        [sys.executable, "-c", _TRIPWIRE, "demo", "-o", str(out), "--releases", str(RELEASES)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "TRIPWIRE VIOLATION" not in done.stderr
    tally = [line for line in done.stderr.splitlines() if line.startswith("TRIPWIRE: ")]
    assert len(tally) == 1
    assert not tally[0].startswith("TRIPWIRE: 0 "), tally  # the hook did see the traffic
    assert "Traceback" not in done.stderr
    assert "SYNTHETIC" in done.stdout
    assert not user_cache.exists()
    # Same seed, same site: the second run in the same folder writes the same figures (only
    # the stand-in's port, inside source_url, differs).
    assert figures(_read_series(out / "monthly_series_SYNTHETIC.csv")) == first
    assert (out / "outstanding_SYNTHETIC.png").read_bytes().startswith(PNG_SIGNATURE)
