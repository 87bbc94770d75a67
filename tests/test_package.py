from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

import hmcts_data
from tests.conftest import NetworkBlockedError, check_address


def test_all_is_sorted_and_matches_public_names() -> None:
    assert hmcts_data.__all__ == sorted(hmcts_data.__all__)
    lazy = set(hmcts_data._LAZY)
    eager = {
        name
        for name in vars(hmcts_data)
        if not name.startswith("_")
        and name not in {"annotations", "importlib", "TYPE_CHECKING"}
        and name not in lazy
        and not isinstance(getattr(hmcts_data, name), type(hmcts_data))
    }
    assert set(hmcts_data.__all__) == (eager | lazy | {"__version__"}) - {"Any"}
    for name in hmcts_data.__all__:
        assert getattr(hmcts_data, name) is not None, name


def test_unknown_attribute_raises() -> None:
    with pytest.raises(AttributeError, match="no_such_name"):
        _ = hmcts_data.no_such_name


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
