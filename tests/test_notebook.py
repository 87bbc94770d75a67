"""The quickstart notebook runs top to bottom, headless: on the stand-in, and with no network.

``docs/notebooks/quickstart.ipynb`` is executed with nbclient in a fresh ipykernel started from
this interpreter (``sys.executable``, through a kernelspec written to a temporary folder, so
nothing is installed globally and no other ``python`` on ``PATH`` is picked up), three ways:

* **online, on the stand-in**: the kernel gets ``HMCTS_DATA_NOTEBOOK_FAKE=1``, which makes the
  notebook's first cell start :class:`hmcts_data.testing.FakeGovUK` (SYNTHETIC data) and point
  ``HMCTS_DATA_BASE_URL`` at it;
* **offline mode on**: ``HMCTS_DATA_OFFLINE=1``, no stand-in, an empty cache;
* **a network that fails**: ``HMCTS_DATA_BASE_URL`` at a loopback port that refuses
  connections, no stand-in, an empty cache.

With no network every cell must still run, on the catalogue snapshot and the real releases
embedded in the package, and say so. Every cell after the first is the code a user runs.

Skips only when nbclient, nbformat or ipykernel is not installed (they are in the ``test``
extra, so ``nox -s tests`` and CI run it).
"""

from __future__ import annotations

import base64
import json
import os
import pickle
import re
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import hmcts_data
from hmcts_data import decisions
from hmcts_data._embedded import EmbeddedRelease, embedded_bytes
from hmcts_data.testing import FakeGovUK, build_decisions_site
from hmcts_data.testing._demo import build_data_site
from tests._network import refused_port

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "docs" / "notebooks" / "quickstart.ipynb"
FAKE_ENV = "HMCTS_DATA_NOTEBOOK_FAKE"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
KEYS = ["release", "period_start", "jurisdiction", "measure", "breakdown"]

# Prepended to the executed copy only: the kernel is a separate process, so the loopback-only
# socket guard of tests/conftest.py is installed there too, and every connection the kernel
# opens is recorded. A cell that tried to reach GOV.UK then fails instead of silently using
# the internet, and the record shows where each run went (stand-in, refused port, nowhere).
GUARD_CELL = f"""\
import socket, sys
sys.path.insert(0, {str(ROOT)!r})
from tests import conftest as _guard
_connections = []

def _recording(guarded):
    def connect(self, address):
        if self.family in (socket.AF_INET, socket.AF_INET6):
            _connections.append([str(address[0]), int(address[1])])
        return guarded(self, address)
    return connect

socket.socket.connect = _recording(_guard._guarded_connect)
socket.socket.connect_ex = _recording(_guard._guarded_connect_ex)
socket.getaddrinfo = _guard._guarded_getaddrinfo
"""

# Appended to the executed copy only: hands the kernel's frames back to the test, so figures
# can be compared exactly rather than parsed back out of HTML.
PROBE_CELL = """\
import pickle
with open({path!r}, "wb") as _out:
    pickle.dump(
        {{
            "frame": frame,
            "table": table,
            "per_year": globals().get("per_year"),
            "connections": _connections,
        }},
        _out,
    )
"""


@dataclass(frozen=True)
class Run:
    """One headless run of the notebook: its executed cells and what the kernel handed back."""

    nb: Any
    frame: pd.DataFrame
    table: pd.DataFrame
    connections: list[tuple[str, int]]
    base_url: str | None
    per_year: pd.DataFrame | None = None


def _stored() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    return data


def _code_cells(nb: Any) -> list[Any]:
    return [c for c in nb["cells"] if c["cell_type"] == "code"]


def test_notebook_is_stored_without_outputs() -> None:
    # Outputs would hold SYNTHETIC or user-specific figures and make every diff noisy.
    for cell in _code_cells(_stored()):
        assert cell["outputs"] == [], cell["source"]
        assert cell["execution_count"] is None, cell["source"]


def test_only_the_first_code_cell_knows_about_the_stand_in() -> None:
    # Every later cell must be exactly what a user runs, online or not.
    first, *later = ["".join(c["source"]) for c in _code_cells(_stored())]
    assert FAKE_ENV in first
    assert "hmcts_data.testing" in first
    for source in later:
        assert "hmcts_data.testing" not in source, source
        assert "HMCTS_DATA_" not in source, source
        assert "FakeGovUK" not in source, source


def _write_kernelspec(folder: Path) -> Path:
    spec = folder / "kernels" / "python3"
    spec.mkdir(parents=True)
    kernel = {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (hmcts_data tests)",
        "language": "python",
    }
    (spec / "kernel.json").write_text(json.dumps(kernel), encoding="utf-8")
    return spec.parent


def _kernel_env(jupyter_path: Path, extra: dict[str, str]) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        # A developer's HMCTS_DATA_* or MPLBACKEND=Agg must not change what the kernel does
        # (Agg would turn the inline figures into text).
        if not k.startswith("HMCTS_DATA_") and k != "MPLBACKEND"
    }
    env["JUPYTER_PATH"] = str(jupyter_path)
    env.update(extra)
    return env


def _execute(folder: Path, extra_env: dict[str, str], base_url: str | None = None) -> Run:
    """Run the notebook in a fresh kernel with ``extra_env``; any failing cell fails the test."""
    nbclient = pytest.importorskip("nbclient")
    nbformat = pytest.importorskip("nbformat")
    pytest.importorskip("ipykernel")
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager

    kernel_dirs = _write_kernelspec(folder / "jupyter")
    specs = KernelSpecManager(kernel_dirs=[str(kernel_dirs)], ensure_native_kernel=False)
    km = KernelManager(kernel_name="python3", kernel_spec_manager=specs)

    probe = folder / "probe.pickle"
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nb.cells.insert(0, nbformat.v4.new_code_cell(GUARD_CELL))
    nb.cells.append(nbformat.v4.new_code_cell(PROBE_CELL.format(path=str(probe))))
    client = nbclient.NotebookClient(
        nb,
        km=km,
        kernel_name="python3",
        timeout=60,
        allow_errors=False,  # any failing cell raises CellExecutionError, failing the test
        resources={"metadata": {"path": str(folder)}},
    )
    try:
        # The test owns km, so nbclient would leave the kernel running and its sockets open
        # (garbage-collected later, inside another test's warning filter): shut it all here.
        client.execute(env=_kernel_env(folder / "jupyter", extra_env), cleanup_kc=True)
    finally:
        km.context.destroy(linger=0)
    del nb.cells[0]
    del nb.cells[-1]
    with probe.open("rb") as handle:
        handed: dict[str, Any] = pickle.load(handle)  # our own file, written just now
    connections = [(host, port) for host, port in handed["connections"]]
    return Run(nb, handed["frame"], handed["table"], connections, base_url, handed.get("per_year"))


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory) -> Run:
    """The notebook after a headless run on the stand-in (one kernel serves every check)."""
    return _execute(tmp_path_factory.mktemp("notebook-online"), {FAKE_ENV: "1"})


@pytest.fixture(scope="module", params=["offline-mode", "refused-network"])
def no_network(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Run:
    """The notebook after a run with no stand-in and no network, on an empty cache."""
    folder = tmp_path_factory.mktemp(f"notebook-{request.param}")
    env = {"HMCTS_DATA_CACHE_DIR": str(folder / "cache")}
    base_url = None
    if request.param == "offline-mode":
        env["HMCTS_DATA_OFFLINE"] = "1"
    else:
        base_url = f"http://127.0.0.1:{refused_port()}"
        env["HMCTS_DATA_BASE_URL"] = base_url
    return _execute(folder, env, base_url)


@pytest.fixture(scope="module")
def expected_releases() -> list[str]:
    """Releases the notebook's stand-in serves with a data file (the withdrawn one is not)."""
    with FakeGovUK() as fake:
        site = build_data_site(fake).site  # the same defaults as the notebook's first cell
    return sorted(
        f"{page.release.latest_month:%Y-%m}"
        for page in site.pages_of("monthly")
        if page.files and not page.withdrawn and page.release.latest_month is not None
    )


@pytest.fixture(scope="module")
def embedded() -> dict[EmbeddedRelease, pd.DataFrame]:
    """Each embedded release and what ``hmcts_data.read`` makes of its packaged bytes."""
    return {
        item: hmcts_data.read("monthly", embedded_bytes(item))
        for item in hmcts_data.embedded_releases()
    }


def _cell(nb: Any, needle: str) -> Any:
    matches = [c for c in _code_cells(nb) if needle in "".join(c["source"])]
    assert len(matches) == 1, f"expected one code cell containing {needle!r}"
    return matches[0]


def _stream(cell: Any, name: str) -> str:
    return "".join(
        o["text"] for o in cell["outputs"] if o["output_type"] == "stream" and o["name"] == name
    )


def _stdout(cell: Any) -> str:
    return _stream(cell, "stdout")


def _data(cell: Any, mime: str) -> str:
    found = [
        o["data"][mime]
        for o in cell["outputs"]
        if o["output_type"] in {"execute_result", "display_data"} and mime in o["data"]
    ]
    assert len(found) == 1, f"expected one {mime} output, got {len(found)}: {cell['source']}"
    value = found[0]
    return "".join(value) if isinstance(value, list) else str(value)


def _png(cell: Any) -> bytes:
    return base64.b64decode(_data(cell, "image/png"))


def _assert_chart(cell: Any) -> None:
    # _data insists on exactly one PNG: the figure is shown once, not twice.
    png = _png(cell)
    assert png.startswith(PNG_SIGNATURE)
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    # A figure shown as a thumbnail or as a "<Figure size ...>" text would fail here.
    assert width >= 600
    assert height >= 300


def _assert_every_cell_ran(nb: Any) -> None:
    for cell in _code_cells(nb):
        assert cell["execution_count"] is not None, cell["source"]
        errors = [o for o in cell["outputs"] if o["output_type"] == "error"]
        assert errors == [], cell["source"]


# --- Online, on the stand-in ----------------------------------------------------------------


def test_every_code_cell_ran_without_warnings(executed: Run) -> None:
    _assert_every_cell_ran(executed.nb)
    for cell in _code_cells(executed.nb):
        stderr = [o for o in cell["outputs"] if o.get("name") == "stderr"]
        # Online, a quickstart that shows warnings (stale catalogue, pandas deprecations)
        # confuses users.
        assert stderr == [], f"{cell['source']}\nwrote to stderr: {stderr}"


def test_first_cell_labels_the_synthetic_mode(executed: Run) -> None:
    out = _stdout(_code_cells(executed.nb)[0])
    assert "SYNTHETIC MODE" in out
    assert re.search(r"Data source: http://127\.0\.0\.1:\d+", out), out
    assert "Offline mode is on" not in out


def test_online_run_used_only_the_stand_in(executed: Run) -> None:
    base = re.search(
        r"Data source: (http://127\.0\.0\.1:\d+)", _stdout(_code_cells(executed.nb)[0])
    )
    assert base is not None
    port = int(base.group(1).rsplit(":", 1)[1])
    assert executed.connections, "the online run opened no connection"
    assert {port for _, port in executed.connections} == {port}
    assert {host for host, _ in executed.connections} <= {"127.0.0.1", "localhost"}
    # Every figure was downloaded from the stand-in; none came from an embedded copy.
    assert executed.frame["source_url"].str.startswith(base.group(1) + "/").all()
    provenance = _stdout(_cell(executed.nb, "copies = {"))
    assert "embedded" not in provenance
    assert provenance.count(f"figures downloaded from {base.group(1)}/") == len(
        executed.frame["release"].unique()
    )
    assert f"Catalogue from: live. Live releases are listed at {base.group(1)}/" in _stdout(
        _cell(executed.nb, 'cat.get("monthly")')
    )


def test_models_render_as_html(executed: Run) -> None:
    catalogue = _data(_cell(executed.nb, "hmcts_data.catalogue()"), "text/html")
    assert catalogue.startswith("<table")
    for pub_id in ("monthly", "weekly-covid", "remote-hearings", "reformed-services", "ad-hoc"):
        assert f">{pub_id}<" in catalogue
    publication = _data(_cell(executed.nb, 'cat.get("monthly")'), "text/html")
    assert publication.count("SYNTHETIC HMCTS management information") >= 2
    release = _data(_cell(executed.nb, "monthly.latest()"), "text/html")
    assert "<table" in release
    assert ".csv" in release


def test_load_reports_every_release_with_a_file(
    executed: Run, expected_releases: list[str]
) -> None:
    cell = _cell(executed.nb, 'hmcts_data.load("monthly", "all")')
    span = f"from {len(expected_releases)} releases ({expected_releases[0]} to "
    assert span + f"{expected_releases[-1]})" in _stdout(cell)
    assert sorted(executed.frame["release"].unique()) == expected_releases
    head = _data(cell, "text/html")
    for column in ("release", "period_start", "jurisdiction", "measure", "value", "source_url"):
        assert f">{column}<" in head


@pytest.mark.parametrize("needle", ["plot.trend(", "plot.revisions("])
def test_charts_are_png_images(executed: Run, needle: str) -> None:
    _assert_chart(_cell(executed.nb, needle))


def test_revisions_table_lists_revised_figures(executed: Run) -> None:
    counts = _data(_cell(executed.nb, "hmcts_data.revisions(frame)"), "text/html")
    assert ">revised<" in counts
    assert "changes to the months" in _stdout(_cell(executed.nb, "hmcts_data.revisions(frame)"))
    largest = _data(_cell(executed.nb, "revised.loc[largest, columns]"), "text/html")
    for column in ("old_value", "new_value", "change", "old_release", "new_release"):
        assert f">{column}<" in largest


def test_route_renders_as_html(executed: Run) -> None:
    html = _data(_cell(executed.nb, 'routes.get("data-access-panel")'), "text/html")
    assert 'class="hmcts-route"' in html
    assert "Data Access Panel" in html
    assert "[official]" in html


# --- No network: offline mode on, and a network that refuses ------------------------------


def test_decisions_per_jurisdiction_code_per_year(executed: Run) -> None:
    # The notebook's stand-in corpus, made again here (same sizes, seed and day).
    with FakeGovUK() as fake:
        site = build_decisions_site(fake, sizes={"employment-tribunal": 6000}, seed=1)
        truth = site.decisions("employment-tribunal")
    counts: dict[tuple[str, int], int] = {}
    labels = {
        v.slug: v.label for v in decisions.finder("employment-tribunal").facet("categories").values
    }
    for d in truth:
        for code in d["tribunal_decision_categories"]:
            key = (labels[code], int(d["tribunal_decision_decision_date"][:4]))
            counts[key] = counts.get(key, 0) + 1
    per_year = executed.per_year
    assert per_year is not None
    assert len(per_year) == 10
    for label, row in per_year.iterrows():
        for year, n in row.items():
            assert n == counts.get((str(label), int(str(year))), 0)
    totals = per_year.sum(axis=1).tolist()
    assert totals == sorted(totals, reverse=True)
    out = _stream(_cell(executed.nb, 'decisions.harvest("employment-tribunal")'), "stdout")
    assert "6,000 employment tribunal decisions (SYNTHETIC data)" in out


def test_no_network_decisions_say_they_need_the_network_once(no_network: Run) -> None:
    assert no_network.per_year is None
    out = _stream(_cell(no_network.nb, 'decisions.harvest("employment-tribunal")'), "stdout")
    assert "not available here" in out


def test_no_network_every_cell_runs_and_warns_only_about_the_fallbacks(no_network: Run) -> None:
    _assert_every_cell_ran(no_network.nb)
    for cell in _code_cells(no_network.nb):
        stderr = _stream(cell, "stderr")
        # The only thing written to stderr is the library's honest word about the fallback
        # (catalogue snapshot, embedded releases), never a pandas or matplotlib warning.
        for line in stderr.splitlines():
            if re.match(r"\S+:\d+: \w+Warning: ", line):
                assert re.search(r": (StaleDataWarning|EmbeddedDataWarning): ", line), line
    load = _stream(_cell(no_network.nb, 'hmcts_data.load("monthly", "all")'), "stderr")
    assert "EmbeddedDataWarning" in load
    for item in hmcts_data.embedded_releases():
        assert item.release in load  # one short line naming what the figures rest on
    # The licence is shown with the figures (the warning's detail holds it too).
    assert "Open Government Licence v3.0" in _stdout(_cell(no_network.nb, "copies = {"))
    changed = _cell(no_network.nb, "hmcts_data.release_changes()")
    assert "EmbeddedDataWarning" in _stream(changed, "stderr")
    out = _stdout(changed)
    assert "monthly release 2025-05 against 2025-04" in out
    assert "2025-05: embedded:" in out
    assert "2025-04: embedded:" in out
    assert "StaleDataWarning" in _stream(_cell(no_network.nb, "hmcts_data.catalogue()"), "stderr")


def test_no_network_run_connects_nowhere_but_the_refused_port(no_network: Run) -> None:
    if no_network.base_url is None:
        assert no_network.connections == []  # offline mode: not even a try
    else:
        port = int(no_network.base_url.rsplit(":", 1)[1])
        assert no_network.connections, "the refused network was never tried"
        assert set(no_network.connections) == {("127.0.0.1", port)}
        # The circuit breaker: a handful of tries for the whole notebook, not one per request.
        assert len(no_network.connections) <= 10, no_network.connections


def test_no_network_first_cell_says_where_data_comes_from(no_network: Run) -> None:
    out = _stdout(_code_cells(no_network.nb)[0])
    assert "SYNTHETIC" not in out
    releases = ", ".join(item.release for item in hmcts_data.embedded_releases())
    assert f"real releases embedded in hmcts-data ({releases})" in out.replace("\n", " ")
    if no_network.base_url is None:
        assert "Data source: https://www.gov.uk" in out
        assert "Offline mode is on" in out
    else:
        assert f"Data source: {no_network.base_url}" in out
        assert "If GOV.UK cannot be reached" in out


def test_no_network_catalogue_is_the_snapshot_and_names_gov_uk(no_network: Run) -> None:
    catalogue = _data(_cell(no_network.nb, "hmcts_data.catalogue()"), "text/plain")
    assert "the snapshot embedded in hmcts-data" in catalogue
    out = _stdout(_cell(no_network.nb, 'cat.get("monthly")'))
    assert (
        "Catalogue from: snapshot. Live releases are listed at "
        "https://www.gov.uk/government/collections/hmcts-management-information"
    ) in out


def test_no_network_figures_are_the_embedded_releases_as_read(
    no_network: Run, embedded: dict[EmbeddedRelease, pd.DataFrame]
) -> None:
    frame = no_network.frame
    releases = [item.release for item in embedded]
    cell = _cell(no_network.nb, 'hmcts_data.load("monthly", "all")')
    total = sum(len(read) for read in embedded.values())
    span = f"{total:,} figures from {len(releases)} releases ({releases[0]} to {releases[-1]})"
    assert span in _stdout(cell)
    assert sorted(frame["release"].unique()) == releases
    provenance = _stdout(_cell(no_network.nb, "copies = {"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", hmcts_data.StaleDataWarning)
        snapshot = hmcts_data.catalogue(offline=True).get("monthly")  # nothing cached here
    for item, read in embedded.items():
        rows = frame[frame["release"] == item.release]
        assert (rows["source_url"] == item.source_url).all()
        # The notebook's figures are the published file's, exactly as read() gives them.
        got = rows.sort_values(KEYS)[[*KEYS, "value"]].reset_index(drop=True)
        want = read.sort_values(KEYS)[[*KEYS, "value"]].reset_index(drop=True)
        pd.testing.assert_frame_equal(got, want, check_dtype=False, check_categorical=False)
        assert (
            f"{item.release}: {len(read):,} figures from the embedded published copy of "
            f"{item.published_name}"
        ) in provenance
        # Where the live file would come from: the release's GOV.UK page.
        page = snapshot.release(item.release).url
        assert page.startswith("https://www.gov.uk/government/")
        assert f"live file on GOV.UK: {page}" in provenance
    assert "downloaded from" not in provenance


def test_no_network_series_table_is_the_newest_embedded_file(
    no_network: Run, embedded: dict[EmbeddedRelease, pd.DataFrame]
) -> None:
    newest_item = max(embedded, key=lambda item: item.release)
    newest = embedded[newest_item]
    wanted = newest[(newest["measure"] == "outstanding") & (newest["breakdown"] == "")]
    table = no_network.table
    assert len(table) == 6
    assert table.index.max() == wanted["period_start"].max()
    compared = 0
    for period, row in table.iterrows():
        for jurisdiction, value in row.items():
            match = wanted[
                (wanted["period_start"] == period) & (wanted["jurisdiction"] == jurisdiction)
            ]
            assert len(match) <= 1, (period, jurisdiction)
            # A jurisdiction the file does not publish for that month is a gap in the table.
            expected = match["value"].iloc[0] if len(match) else pd.NA
            if pd.isna(expected):
                assert pd.isna(value), (period, jurisdiction, value)
            else:
                assert value == expected, (period, jurisdiction)
                compared += 1
    assert compared >= 20  # real figures, not a table of gaps
    out = _stdout(_cell(no_network.nb, "hmcts_data.series(frame=frame"))
    assert f"from release {newest_item.release}" in out


@pytest.mark.parametrize("needle", ["plot.trend(", "plot.revisions("])
def test_no_network_charts_are_png_images(no_network: Run, needle: str) -> None:
    _assert_chart(_cell(no_network.nb, needle))


def test_no_network_revisions_come_from_the_overlapping_embedded_releases(
    no_network: Run,
) -> None:
    # Of the embedded releases, 2021-04 and 2022-04 share April 2021, and 2025-04 and 2025-05
    # (a real consecutive pair) share twelve months; the latest six are from the pair.
    out = _stdout(_cell(no_network.nb, "hmcts_data.revisions(frame)"))
    changes = hmcts_data.revisions(no_network.frame)
    latest = sorted(changes["period_start"].unique())[-6:]
    recent = changes[changes["period_start"].isin(latest)]
    assert f"{len(recent):,} changes to the months Nov 2024 to Apr 2025" in out
    assert set(changes["old_release"]) == {"2021-04", "2025-04"}
    assert set(changes["new_release"]) == {"2022-04", "2025-05"}
    assert set(recent["new_release"]) == {"2025-05"}


def test_no_network_route_renders_as_html(no_network: Run) -> None:
    html = _data(_cell(no_network.nb, 'routes.get("data-access-panel")'), "text/html")
    assert 'class="hmcts-route"' in html


# --- Charts in notebooks --------------------------------------------------------------------


def test_plot_figures_carry_their_own_png_repr() -> None:
    # Without it a notebook shows "<Figure size ...>": plot never imports pyplot, so IPython's
    # inline backend has not registered its Figure display hook.
    pytest.importorskip("matplotlib")
    from hmcts_data import plot
    from hmcts_data.testing import synthetic_tidy

    fig = plot.trend(synthetic_tidy(), "receipts")
    png = fig._repr_png_()  # type: ignore[attr-defined]
    assert png.startswith(PNG_SIGNATURE)
    dpi = fig.get_dpi()
    width_in, height_in = fig.get_size_inches()
    # bbox_inches="tight" may trim margins or grow for the outside legend, but not by half.
    assert int.from_bytes(png[16:20], "big") > 0.5 * width_in * dpi
    assert int.from_bytes(png[20:24], "big") > 0.5 * height_in * dpi
