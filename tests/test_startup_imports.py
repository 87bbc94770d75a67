"""What a fresh process imports for the two commands people run first.

``hmcts-data --offline catalogue`` with no discovery cached prints the embedded snapshot's
listing kept in the cache by the first such run: no pydantic, no models, nothing of discovery,
the network stack or pandas; when it must validate (the first run, another setting, a cached
discovery) it needs pydantic and the catalogue models, still nothing of discovery. Reading a
local file needs pandas and the parsers, nothing of the network stack, the cache or the
catalogue. These are behaviour checks (which modules end up in ``sys.modules``), not timings:
the timings live in ``benchmarks/bench_startup.py``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import pytest

from hmcts_data import Client
from hmcts_data._catalogue import catalogue
from hmcts_data.cli import _COMMANDS, _MODULE_OF, build_parser
from hmcts_data.testing import FakeGovUK, build_site, monthly_csv

# Imported by neither command: the HTTP stack, retries and the per-user folders.
_NETWORK = ("httpx", "httpcore", "tenacity", "platformdirs", "ssl")


def _modules_after(
    code: str, tmp_path: Path, *, offline: bool = True, env: dict[str, str] | None = None
) -> tuple[list[str], str]:
    """Run ``code`` in a fresh process; return its sys.modules and its stdout."""
    script = textwrap.dedent(
        """
        import json, sys
        from contextlib import redirect_stdout
        from io import StringIO
        out = StringIO()
        with redirect_stdout(out):
        {code}
        print(json.dumps({{"modules": sorted(sys.modules), "out": out.getvalue()}}))
        """
    ).format(code=textwrap.indent(textwrap.dedent(code), "    "))
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("HMCTS_DATA_")},
        "HMCTS_DATA_CACHE_DIR": str(tmp_path / "cache"),
        **({"HMCTS_DATA_OFFLINE": "1"} if offline else {}),
        **(env or {}),
    }
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, check=False
    )
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout.splitlines()[-1])
    return found["modules"], found["out"]


# Imported by neither form of the offline catalogue listing.
_NOT_FOR_THE_LISTING = (
    *_NETWORK,
    "concurrent.futures",  # discovery's thread pool
    "pandas",
    "numpy",
    "hmcts_data._catalogue._discover",
    "hmcts_data._catalogue._pages",
    "hmcts_data.tables",
    "hmcts_data._api",
    # The other subcommands are neither imported nor registered.
    "hmcts_data.cli._data",
    "hmcts_data.cli._whatsnew",
    "hmcts_data.cli._routes",
    "hmcts_data.cli._demo",
)


@pytest.mark.parametrize("flag", [True, False])
def test_offline_catalogue_of_the_snapshot_imports_no_pydantic(tmp_path: Path, flag: bool) -> None:
    code = f"""
        from hmcts_data.cli import main
        code = main({["--offline", "catalogue"] if flag else ["catalogue"]!r})
        assert code == 0, code
        """
    # The first run validates the snapshot and keeps its listing in the cache ...
    first, listed = _modules_after(code, tmp_path)
    assert "pydantic" in first
    # ... which every later one prints.
    modules, out = _modules_after(code, tmp_path)
    assert out == listed
    # It did its job: the embedded snapshot, listed.
    assert "monthly: HMCTS management information" in out
    assert "snapshot embedded in hmcts-data" in out
    unwanted = [
        *_NOT_FOR_THE_LISTING,
        # The kept listing names its publications and says how to get a document: no
        # registry to read (a model that validates a publication id reads it).
        "tomllib",
        "hmcts_data._registry",
        "pydantic",
        "pydantic_core",
        "hmcts_data._catalogue._models",
        "hmcts_data._catalogue._snapshot",
        "hmcts_data._settings",
        "hmcts_data._client",
        "hmcts_data._cache",
    ]
    assert [m for m in unwanted if m in modules] == []


def test_offline_catalogue_that_must_validate_imports_only_the_models(tmp_path: Path) -> None:
    modules, out = _modules_after(
        """
        from hmcts_data.cli import main
        code = main(["--offline", "catalogue"])
        assert code == 0, code
        """,
        tmp_path,
        env={"HMCTS_DATA_TIMEOUT": "15"},  # a setting the kept listing leaves to Settings
    )
    assert "monthly: HMCTS management information" in out
    assert "pydantic" in modules
    assert "hmcts_data._catalogue._models" in modules
    assert [m for m in _NOT_FOR_THE_LISTING if m in modules] == []


def test_a_fresh_cached_discovery_answers_without_importing_discovery(tmp_path: Path) -> None:
    with FakeGovUK() as fake:
        build_site(fake, monthly=3)
        with Client(base_url=fake.base_url, cache_dir=str(tmp_path / "cache")) as client:
            discovered = catalogue(client=client)
        fake.reset_counts()
        modules, out = _modules_after(
            """
            from hmcts_data.cli import main
            code = main(["catalogue", "monthly", "--json"])
            assert code == 0, code
            """,
            tmp_path,
            offline=False,
            env={"HMCTS_DATA_BASE_URL": fake.base_url},
        )
        assert fake.count() == 0  # online, and the cached discovery answered
    assert json.loads(out)["releases"][0]["title"] == discovered.get("monthly").releases[0].title
    unwanted = [*_NETWORK, "concurrent.futures", "hmcts_data._catalogue._discover"]
    assert [m for m in unwanted if m in modules] == []


def test_reading_a_local_file_imports_no_network_cache_or_catalogue(tmp_path: Path) -> None:
    made = monthly_csv("D", date(2025, 4, 1), 1)
    path = tmp_path / made.filename
    path.write_bytes(made.data)
    drifted = (
        b"Month,Civil Claims received,Employment Tribunals - cases outstanding\nApr 2024,1,2\n"
    )
    modules, out = _modules_after(
        f"""
        import hmcts_data, warnings
        frame = hmcts_data.read("monthly", {str(path)!r})
        # A header the crosswalk does not record: the interpreter's vocabulary is loaded too.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            drift = hmcts_data.read("monthly", {drifted!r})
        assert (drift["mapping"] == "inferred").any()
        print(len(frame))
        """,
        tmp_path,
    )
    assert int(out) > 0
    assert "pandas" in modules
    unwanted = [
        *_NETWORK,
        "hmcts_data._client",
        "hmcts_data._cache",
        "hmcts_data._settings",
        "hmcts_data._catalogue",
        "hmcts_data.tables._vintages",
        # The fact files are read into their dataclasses and checked without pydantic.
        "pydantic",
        "pydantic_core",
        # A CSV needs no workbook extent checks.
        "hmcts_data.tables._extent",
    ]
    assert [m for m in unwanted if m in modules] == []


def test_reading_other_publications_imports_no_pydantic(tmp_path: Path) -> None:
    from hmcts_data.tables._crosswalk import crosswalk_files
    from hmcts_data.testing._table_files import publication_csv

    paths = {}
    publications = list(crosswalk_files())
    for publication in publications:
        paths[publication] = tmp_path / f"{publication}.csv"
        paths[publication].write_bytes(publication_csv(publication))
    modules, out = _modules_after(
        f"""
        import hmcts_data
        for publication, path in { ({p: str(v) for p, v in paths.items()})!r}.items():
            print(publication, len(hmcts_data.read(publication, path)))
        """,
        tmp_path,
    )
    assert [int(line.split()[1]) > 0 for line in out.splitlines()] == [True] * len(publications)
    # Their crosswalks (and the shared vocabularies) are checked without pydantic.
    unwanted = ["pydantic", "pydantic_core"]
    assert [m for m in unwanted if m in modules] == []


def _subcommands(parser: object) -> set[str]:
    return set(parser._subparsers._group_actions[0].choices)  # type: ignore[attr-defined]


def test_every_subcommand_maps_to_the_module_that_registers_it() -> None:
    everything = _subcommands(build_parser())
    assert set(_MODULE_OF) == everything
    assert set(_MODULE_OF.values()) == set(_COMMANDS)
    for command, module in _MODULE_OF.items():
        only = _subcommands(build_parser(command))
        assert command in only
        assert {c for c, m in _MODULE_OF.items() if m == module} == only


@pytest.mark.parametrize("argv", [[], ["--offline"], ["--debug", "--offline"], ["no-such-command"]])
def test_help_and_unknown_commands_see_every_subcommand(argv: list[str]) -> None:
    from hmcts_data.cli import _command_in

    assert _subcommands(build_parser(_command_in(argv))) == set(_MODULE_OF)
