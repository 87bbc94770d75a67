"""``hmcts-data demo``: real embedded releases through the whole pipeline, in process and for real.

The in-process run checks what the demo writes against the embedded files read directly with
``hmcts_data.read`` (never against numbers written down here): the harmonised series CSV must
hold, for every figure, the value of the newest embedded release publishing it; the chart must
credit HMCTS and name the releases. The subprocess runs are the real console entry point in a
plain environment with a tripwire on every socket: it must succeed while talking to 127.0.0.1
only, whatever the user's HMCTS_DATA_* settings, and without touching the user's cache.
"""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import hmcts_data
from hmcts_data import plot
from hmcts_data._embedded import (
    EMBEDDED_URL_PREFIX,
    EmbeddedRelease,
    attribution,
    embedded_bytes,
)
from hmcts_data.cli import main
from hmcts_data.tables._schema import TIDY_COLUMNS
from hmcts_data.testing import FakeGovUK, build_embedded_site

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
EMBEDDED = hmcts_data.embedded_releases()

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
    frame["period_end"] = pd.to_datetime(frame["period_end"])
    return frame


def _direct(item: EmbeddedRelease) -> pd.DataFrame:
    """The embedded file read straight from the package, with no server, cache or download."""
    data = io.BytesIO(embedded_bytes(item))
    data.name = item.published_name
    return hmcts_data.read("monthly", data, release=item.release)


Key = tuple[Any, ...]


def _key(row: Any) -> Key:
    known = isinstance(row.jurisdiction, str) and isinstance(row.measure, str)
    label = "" if known else "?" + str(row.source_label).strip()
    breakdown = "" if pd.isna(row.breakdown) else str(row.breakdown)
    return (
        str(row.jurisdiction) if known else None,
        str(row.measure) if known else None,
        breakdown,
        str(row.unit),
        pd.Timestamp(row.period_start).date(),
        pd.Timestamp(row.period_end).date(),
        label,
    )


def _figure(row: Any) -> tuple[float | None, str | None, str]:
    value = None if pd.isna(row.value) else float(row.value)
    marker = None if pd.isna(row.marker) else str(row.marker)
    return value, marker, str(row.release)


def _expected_series() -> dict[Key, tuple[float | None, str | None, str]]:
    """Each figure from the newest embedded release that publishes it (oldest read first)."""
    out: dict[Key, tuple[float | None, str | None, str]] = {}
    for item in EMBEDDED:
        for row in _direct(item).itertuples():
            out[_key(row)] = _figure(row)
    return out


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, list[str]]:
    out = tmp_path_factory.mktemp("demo")
    buffer = io.StringIO()
    captions: list[str] = []
    original = plot.save

    def save(fig: Any, path: Any, **kwargs: Any) -> Path:
        # Record the text drawn on the demo's own chart (a PNG keeps no text to read back).
        from matplotlib.text import Text

        captions.extend(t.get_text() for t in fig.findobj(Text) if t.get_text())
        return original(fig, path, **kwargs)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(plot, "save", save)
        with contextlib.redirect_stdout(buffer):
            code = main(["demo", "-o", str(out)])
    assert code == 0
    return out, buffer.getvalue(), captions


def test_demo_says_real_and_shows_the_faults_and_retries(
    demo_run: tuple[Path, str, list[str]],
) -> None:
    _, text, _ = demo_run
    lines = text.splitlines()
    assert lines[0].startswith("hmcts-data demo: real HMCTS figures")
    assert "127.0.0.1" in text
    assert "503 twice" in text
    assert "429 with Retry-After" in text
    # Two 503s then success; one 429 then success; one cut body then success.
    assert "collection requested 3 times" in text
    assert "newest file 2 times" in text
    assert f"the {EMBEDDED[-2].release} file 2 times" in text
    assert ", ".join(r.release for r in EMBEDDED) in lines[2]
    # SYNTHETIC is said only of the synthetic publications, never of the monthly figures.
    for line in lines:
        if "SYNTHETIC" in line:
            assert "monthly " not in line
            assert "HMCTS management information -" not in line
    assert any("other publications, SYNTHETIC" in line for line in lines)
    assert attribution() in text  # the licence the embedded figures must be shown with


def test_demo_prints_the_newest_real_figures_with_their_release(
    demo_run: tuple[Path, str, list[str]],
) -> None:
    _, text, _ = demo_run
    newest = EMBEDDED[-1]
    assert f"newest release {newest.label}" in text
    direct = _direct(newest)
    rows = direct[
        (direct["measure"] == "outstanding") & (direct["breakdown"] == "") & direct["value"].notna()
    ]
    shown = rows.sort_values("period_start").groupby("jurisdiction", observed=True).tail(1)
    assert len(shown) >= 3
    for row in shown.itertuples():
        assert (
            f"{row.jurisdiction:<20} outstanding {row.period_start:%b %Y}: {row.value:>9,.0f}"
            in text
        )


def test_demo_csv_is_the_harmonised_series_of_the_embedded_releases(
    demo_run: tuple[Path, str, list[str]],
) -> None:
    out, text, _ = demo_run
    csv_path = out / "monthly_series.csv"
    assert str(csv_path) in text
    frame = _read_series(csv_path)
    assert list(frame.columns) == [c.name for c in TIDY_COLUMNS]
    got = {_key(row): _figure(row) for row in frame.itertuples()}
    assert len(got) == len(frame)  # one figure per key
    assert got == _expected_series()
    assert set(frame["publication"]) == {"monthly"}
    assert set(frame["release"]) == {r.release for r in EMBEDDED}
    # Provenance: each row names its embedded copy and the sha256 of the bytes downloaded,
    # which is the copy's recorded sha256; the stand-in's invented page times are not kept.
    by_release = {r.release: r for r in EMBEDDED}
    for release, rows in frame.groupby("release"):
        item = by_release[str(release)]
        assert set(rows["source_url"]) == {item.source_url}
        assert set(rows["sha256"]) == {item.sha256}
        assert set(rows["source_file"]) == {item.published_name}
    assert frame["source_url"].str.startswith(EMBEDDED_URL_PREFIX).all()
    assert frame["published"].isna().all()


def test_demo_chart_credits_hmcts_and_names_the_real_releases(
    demo_run: tuple[Path, str, list[str]],
) -> None:
    out, text, captions = demo_run
    png = out / "outstanding.png"
    assert str(png) in text
    data = png.read_bytes()
    assert data.startswith(PNG_SIGNATURE)
    assert len(data) > 10_000  # a drawn chart, not an empty canvas
    (credit,) = [c for c in captions if "Source:" in c or "SYNTHETIC" in c]
    assert credit.startswith(plot.SOURCE_CREDIT)
    assert "SYNTHETIC" not in credit
    assert f"{len(EMBEDDED)} releases: {', '.join(r.release for r in EMBEDDED)}" in credit


def test_stand_in_serves_the_embedded_bytes_and_only_real_monthly_files() -> None:
    import httpx

    with FakeGovUK() as fake:
        served = build_embedded_site(fake, releases=2)
        assert served.releases == EMBEDDED[-2:]
        for item in served.releases:
            page = served.page_of(item)
            assert "SYNTHETIC" not in page.release.title
            body = httpx.get(served.file_url(item)).content
            assert body == embedded_bytes(item)
        for page in served.site.pages:
            if page.publication != "monthly":
                assert "SYNTHETIC" in page.release.title
                assert all("SYNTHETIC" in (f.title or "") for f in page.files)
        with pytest.raises(hmcts_data.ConfigurationError, match="embeds"):
            build_embedded_site(fake, releases=len(EMBEDDED) + 1)


@pytest.mark.parametrize(
    "settings",
    [
        # A user who is offline, with no retries and their own cache.
        {"HMCTS_DATA_OFFLINE": "1", "HMCTS_DATA_RETRIES": "0"},
        # No offline setting at all, on a machine with no internet (the tripwire refuses it).
        {},
    ],
    ids=["offline-set", "offline-unset"],
)
def test_console_demo_runs_again_in_the_same_folder_offline_of_everything_but_loopback(
    demo_run: tuple[Path, str, list[str]], tmp_path: Path, settings: dict[str, str]
) -> None:
    out, _, _ = demo_run
    first = (out / "monthly_series.csv").read_bytes()
    user_cache = tmp_path / "user-cache"
    keep = {"PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "TEMP", "TMP", "SYSTEMROOT"}
    env = {k: v for k, v in os.environ.items() if k in keep}
    env |= {"HMCTS_DATA_CACHE_DIR": str(user_cache), **settings}
    done = subprocess.run(
        [sys.executable, "-c", _TRIPWIRE, "demo", "-o", str(out)],
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
    assert done.stdout.startswith("hmcts-data demo: real HMCTS figures")
    assert not user_cache.exists()
    # The same embedded files, the same CSV byte for byte (no stand-in port in it).
    assert (out / "monthly_series.csv").read_bytes() == first
    assert (out / "outstanding.png").read_bytes().startswith(PNG_SIGNATURE)
