from __future__ import annotations

import importlib
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import hmcts_data
from tests.conftest import NetworkBlockedError, check_address


def test_all_is_sorted_and_derived_from_the_stub() -> None:
    assert hmcts_data.__all__ == sorted(hmcts_data.__all__)
    # Every public name is stated once, in __init__.pyi, and __all__ is exactly those names.
    stub = Path(hmcts_data.__file__).with_name("__init__.pyi").read_text(encoding="utf-8")
    stated = [line.split()[3] for line in stub.splitlines() if line.startswith("from ")]
    assert sorted(stated) == hmcts_data.__all__
    assert len(stated) == len(set(stated))
    for name in hmcts_data.__all__:
        assert getattr(hmcts_data, name) is not None, name
    assert hmcts_data.routes is importlib.import_module("hmcts_data.routes")


def test_a_malformed_stub_line_fails_the_import_by_name(tmp_path: Path) -> None:
    package = tmp_path / "hmcts_data"
    package.mkdir()
    init = Path(hmcts_data.__file__)
    (package / "__init__.py").write_text(init.read_text(encoding="utf-8"), encoding="utf-8")
    (package / "__init__.pyi").write_text("from hmcts_data._api import load as read\n")
    done = subprocess.run(
        [sys.executable, "-c", "import hmcts_data"],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(tmp_path)},
        check=False,
    )
    assert "not 'from M import N as N'" in done.stderr


def test_unknown_attribute_raises() -> None:
    with pytest.raises(AttributeError, match="no_such_name"):
        _ = getattr(hmcts_data, "no_such_name")  # noqa: B009 - a name the stub does not state


def test_import_is_light_and_side_effect_free(tmp_path: object) -> None:
    code = textwrap.dedent(
        """
        import os, socket, sys, builtins
        def no_net(*a, **k):
            raise SystemExit("network touched at import")
        socket.socket.connect = no_net
        real_open = builtins.open
        def guarded_open(file, mode="r", *a, **k):
            if any(m in mode for m in "wax+"):
                raise SystemExit(f"file written at import: {file}")
            return real_open(file, mode, *a, **k)
        builtins.open = guarded_open
        import hmcts_data
        heavy = [m for m in ("pandas", "httpx", "numpy", "pydantic") if m in sys.modules]
        print(",".join(heavy))
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == "", f"heavy modules imported by 'import hmcts_data': {out}"


def test_network_guard_blocks_non_loopback() -> None:
    check_address(("127.0.0.1", 80))
    check_address(("::1", 80))
    with pytest.raises(NetworkBlockedError):
        check_address(("192.0.2.1", 443))
    with pytest.raises(NetworkBlockedError):
        check_address(("www.gov.uk", 443))
