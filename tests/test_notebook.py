"""The quickstart notebook runs top to bottom, headless, against the SYNTHETIC stand-in.

``docs/notebooks/quickstart.ipynb`` is executed with nbclient in a fresh ipykernel started from
this interpreter (``sys.executable``, through a kernelspec written to a temporary folder, so
nothing is installed globally and no other ``python`` on ``PATH`` is picked up). The kernel
gets ``HMCTS_DATA_NOTEBOOK_FAKE=1``, which makes the notebook's first cell start
:class:`hmcts_data.testing.FakeGovUK` and point ``HMCTS_DATA_BASE_URL`` at it; every later
cell is the code a user runs against GOV.UK.

Skips only when nbclient, nbformat or ipykernel is not installed (they are in the ``test``
extra, so ``nox -s tests`` runs it).
"""

from __future__ import annotations

import base64
import json
import os
import re
import sys
from pathlib import Path
from typing import Any

import pytest

from hmcts_data.testing import FakeGovUK
from hmcts_data.testing._demo import build_data_site

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "docs" / "notebooks" / "quickstart.ipynb"
FAKE_ENV = "HMCTS_DATA_NOTEBOOK_FAKE"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

# Prepended to the executed copy only: the kernel is a separate process, so the loopback-only
# socket guard of tests/conftest.py is installed there too. A cell that tried to reach GOV.UK
# (a stand-in not wired up) then fails instead of silently using the internet.
GUARD_CELL = f"""\
import socket, sys
sys.path.insert(0, {str(ROOT)!r})
from tests.conftest import _guarded_connect, _guarded_connect_ex, _guarded_getaddrinfo
socket.socket.connect = _guarded_connect
socket.socket.connect_ex = _guarded_connect_ex
socket.getaddrinfo = _guarded_getaddrinfo
"""


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
    # Every later cell must be exactly what a user runs against GOV.UK.
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


def _kernel_env(jupyter_path: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        # A developer's HMCTS_DATA_* or MPLBACKEND=Agg must not change what the kernel does
        # (Agg would turn the inline figures into text).
        if not k.startswith("HMCTS_DATA_") and k != "MPLBACKEND"
    }
    env[FAKE_ENV] = "1"
    env["JUPYTER_PATH"] = str(jupyter_path)
    return env


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The notebook after a headless run (a kernel per module: one run serves every check)."""
    nbclient = pytest.importorskip("nbclient")
    nbformat = pytest.importorskip("nbformat")
    pytest.importorskip("ipykernel")
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager

    folder = tmp_path_factory.mktemp("notebook")
    kernel_dirs = _write_kernelspec(folder / "jupyter")
    specs = KernelSpecManager(kernel_dirs=[str(kernel_dirs)], ensure_native_kernel=False)
    km = KernelManager(kernel_name="python3", kernel_spec_manager=specs)

    nb = nbformat.read(NOTEBOOK, as_version=4)
    nb.cells.insert(0, nbformat.v4.new_code_cell(GUARD_CELL))
    client = nbclient.NotebookClient(
        nb,
        km=km,
        kernel_name="python3",
        timeout=60,
        allow_errors=False,  # any failing cell raises CellExecutionError, failing the test
        resources={"metadata": {"path": str(folder)}},
    )
    client.execute(env=_kernel_env(folder / "jupyter"))
    del nb.cells[0]
    return nb


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


def _cell(nb: Any, needle: str) -> Any:
    matches = [c for c in _code_cells(nb) if needle in "".join(c["source"])]
    assert len(matches) == 1, f"expected one code cell containing {needle!r}"
    return matches[0]


def _stdout(cell: Any) -> str:
    return "".join(
        o["text"] for o in cell["outputs"] if o["output_type"] == "stream" and o["name"] == "stdout"
    )


def _data(cell: Any, mime: str) -> str:
    found = [
        o["data"][mime]
        for o in cell["outputs"]
        if o["output_type"] in {"execute_result", "display_data"} and mime in o["data"]
    ]
    assert len(found) == 1, f"expected one {mime} output, got {len(found)}: {cell['source']}"
    value = found[0]
    return "".join(value) if isinstance(value, list) else str(value)


def test_every_code_cell_ran_without_warnings(executed: Any) -> None:
    for cell in _code_cells(executed):
        assert cell["execution_count"] is not None, cell["source"]
        stderr = [o for o in cell["outputs"] if o.get("name") == "stderr"]
        # A quickstart that shows warnings (stale catalogue, pandas deprecations) confuses users.
        assert stderr == [], f"{cell['source']}\nwrote to stderr: {stderr}"


def test_first_cell_labels_the_synthetic_mode(executed: Any) -> None:
    out = _stdout(_code_cells(executed)[0])
    assert "SYNTHETIC MODE" in out
    assert re.search(r"Data source: http://127\.0\.0\.1:\d+", out), out


def test_models_render_as_html(executed: Any) -> None:
    catalogue = _data(_cell(executed, "hmcts_data.catalogue()"), "text/html")
    assert catalogue.startswith("<table")
    for pub_id in ("monthly", "weekly-covid", "remote-hearings", "reformed-services", "ad-hoc"):
        assert f">{pub_id}<" in catalogue
    publication = _data(_cell(executed, 'cat.get("monthly")'), "text/html")
    assert publication.count("SYNTHETIC HMCTS management information") >= 2
    release = _data(_cell(executed, "monthly.latest()"), "text/html")
    assert "<table" in release
    assert ".csv" in release


def test_load_reports_every_release_with_a_file(
    executed: Any, expected_releases: list[str]
) -> None:
    cell = _cell(executed, 'hmcts_data.load("monthly", "all")')
    span = f"from {len(expected_releases)} releases ({expected_releases[0]} to "
    assert span + f"{expected_releases[-1]})" in _stdout(cell)
    head = _data(cell, "text/html")
    for column in ("release", "period_start", "jurisdiction", "measure", "value", "source_url"):
        assert f">{column}<" in head


def _png(cell: Any) -> bytes:
    return base64.b64decode(_data(cell, "image/png"))


@pytest.mark.parametrize("needle", ["plot.trend(", "plot.revisions("])
def test_charts_are_png_images(executed: Any, needle: str) -> None:
    # _data insists on exactly one PNG: the figure is shown once, not twice.
    png = _png(_cell(executed, needle))
    assert png.startswith(PNG_SIGNATURE)
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    # A figure shown as a thumbnail or as a "<Figure size ...>" text would fail here.
    assert width >= 600
    assert height >= 300


def test_revisions_table_lists_revised_figures(executed: Any) -> None:
    counts = _data(_cell(executed, "hmcts_data.revisions(frame)"), "text/html")
    assert ">revised<" in counts
    assert "changes to the months" in _stdout(_cell(executed, "hmcts_data.revisions(frame)"))
    largest = _data(_cell(executed, "revised.loc[largest, columns]"), "text/html")
    for column in ("old_value", "new_value", "change", "old_release", "new_release"):
        assert f">{column}<" in largest


def test_route_renders_as_html(executed: Any) -> None:
    html = _data(_cell(executed, 'routes.get("data-access-panel")'), "text/html")
    assert 'class="hmcts-route"' in html
    assert "Data Access Panel" in html
    assert "[official]" in html


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
