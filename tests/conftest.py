"""Test-wide setup: no connection may leave loopback, and the cache lives in a temp dir."""

from __future__ import annotations

import ipaddress
import os
import socket
from pathlib import Path
from typing import Any

import pytest

REAL_SAMPLES_ENV = "HMCTS_DATA_REAL_SAMPLES"


def _is_loopback(address: Any) -> bool:
    if isinstance(address, str | bytes):  # AF_UNIX paths stay on this machine
        return True
    if not (isinstance(address, tuple) and address):
        return False
    host = str(address[0])
    if host in {"localhost", ""}:
        return True
    try:
        return ipaddress.ip_address(host.split("%", maxsplit=1)[0]).is_loopback
    except ValueError:
        return False


class NetworkBlockedError(RuntimeError):
    """A test tried to reach a host other than loopback."""


def check_address(address: Any) -> None:
    """Raise unless ``address`` is on loopback (the guard every socket connect passes)."""
    if not _is_loopback(address):
        raise NetworkBlockedError(f"tests may only connect to loopback, not {address!r}")


_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex
_real_getaddrinfo = socket.getaddrinfo


def _guarded_connect(self: socket.socket, address: Any) -> None:
    if self.family in (socket.AF_INET, socket.AF_INET6):
        check_address(address)
    _real_connect(self, address)


def _guarded_connect_ex(self: socket.socket, address: Any) -> int:
    if self.family in (socket.AF_INET, socket.AF_INET6):
        check_address(address)
    return _real_connect_ex(self, address)


def _guarded_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
    # Name resolution is itself network traffic; only loopback names resolve in tests.
    name = host.decode() if isinstance(host, bytes) else host
    if name is not None:
        check_address((name, 0))
    return _real_getaddrinfo(host, *args, **kwargs)


def pytest_configure(config: pytest.Config) -> None:
    if "network" in (config.getoption("-m") or "") and "not network" not in config.getoption("-m"):
        return  # opt-in live tests against the real GOV.UK
    socket.socket.connect = _guarded_connect  # type: ignore[method-assign,assignment]
    socket.socket.connect_ex = _guarded_connect_ex  # type: ignore[method-assign,assignment]
    socket.getaddrinfo = _guarded_getaddrinfo


@pytest.fixture(autouse=True)
def _isolated_environment(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every test gets its own cache dir and no HMCTS_DATA_* from the developer's shell."""
    for var in list(os.environ):
        if var.startswith("HMCTS_DATA_") and var != REAL_SAMPLES_ENV:
            monkeypatch.delenv(var)
    monkeypatch.setenv("HMCTS_DATA_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))


@pytest.fixture(scope="session")
def real_samples() -> Path:
    """The folder of real published MI files beside the project (skip when absent)."""
    env = os.environ.get(REAL_SAMPLES_ENV)
    folder = (
        Path(env) if env else Path(__file__).resolve().parents[1].parent / "shared" / "real-samples"
    )
    if not folder.is_dir():
        pytest.skip(f"real samples not available at {folder}")
    return folder
