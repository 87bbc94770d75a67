"""A hostile environment gives a ConfigurationError naming the variable (issue 24, items 9, 10).

The library's own variables and the HTTP client's (proxies, certificates), each malformed as a
user's shell can leave them; waits that could never end in time; and GOV.UK's request budget,
shared by every client of a process.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hmcts_data import Client, ConfigurationError, DownloadError, Settings
from hmcts_data.cli import main
from hmcts_data.testing import FakeGovUK

CSV = b"Month,Value\n2024-01,5\n"


@pytest.fixture
def fake() -> Iterator[FakeGovUK]:
    with FakeGovUK() as server:
        server.add_file("/media/x.csv", CSV, content_type="text/csv")
        for n in range(200):
            server.add_json(f"/api/content/p{n}", {"n": n})
        yield server


@pytest.fixture
def no_http_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Start from no proxy or certificate variables (the machine may set some)."""
    for name in list(os.environ):
        if name.lower().endswith("_proxy") or name in {"SSL_CERT_FILE", "SSL_CERT_DIR"}:
            monkeypatch.delenv(name)


# -- the library's own variables ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "words"),
    [("~nosuchuser-hmcts/x", "home directory"), ("/tmp/a\x00b", "NUL")],
)
def test_cache_dir_that_cannot_be_a_path(value: str, words: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        Settings.from_env({"HMCTS_DATA_CACHE_DIR": value})
    assert "HMCTS_DATA_CACHE_DIR" in str(caught.value)
    assert words in str(caught.value)


@pytest.mark.parametrize(
    "value",
    ["http://127.0.0.1:8000/\udcff", "https://www.gov.uk/a b", "https://www.gov.uk/\x1b[2J"],
)
def test_base_url_with_bytes_a_url_cannot_hold(value: str) -> None:
    with pytest.raises(ConfigurationError, match="HMCTS_DATA_BASE_URL"):
        Settings.from_env({"HMCTS_DATA_BASE_URL": value})


def test_non_utf8_base_url_from_the_shell_ends_cleanly(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environb.items() if not k.startswith(b"HMCTS_DATA_")}
    env[b"HMCTS_DATA_BASE_URL"] = b"http://127.0.0.1:9/\xff"
    env[b"HMCTS_DATA_CACHE_DIR"] = os.fsencode(tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "hmcts_data.cli", "catalogue"],
        env=env,
        capture_output=True,
        timeout=120,
        check=False,
    )
    err = done.stderr.decode("utf-8", "replace")
    assert done.returncode != 0
    assert "HMCTS_DATA_BASE_URL" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("value", ["1e-300", "5e-324", "0.0001"])
def test_rate_limit_too_slow_to_finish_is_refused(value: str) -> None:
    with pytest.raises(ConfigurationError, match="HMCTS_DATA_RATE_LIMIT"):
        Settings.from_env({"HMCTS_DATA_RATE_LIMIT": value})


def test_rate_limit_wait_never_passes_the_deadline(fake: FakeGovUK, tmp_path: Path) -> None:
    outcome: dict[str, Any] = {}

    def run() -> None:
        with Client(
            base_url=fake.base_url, cache_dir=tmp_path, rate_limit=0.01, retry_budget=2
        ) as client:
            client.get_json("/api/content/p0")
            started = time.monotonic()
            try:
                client.get_json("/api/content/p1")  # the next slot is 100 s away
            except DownloadError as exc:
                outcome["error"] = exc
            outcome["elapsed"] = time.monotonic() - started

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(10)
    assert "elapsed" in outcome, "the request waited past its deadline"
    assert outcome["elapsed"] < 1.0
    assert "HMCTS_DATA_RATE_LIMIT" in str(outcome["error"])
    assert fake.count("/api/content/p1") == 0


# -- the HTTP client's variables ---------------------------------------------------------------

BAD_HTTP_ENV: list[tuple[dict[str, str], str]] = [
    ({"HTTPS_PROXY": "ftp://proxy.example:21"}, "HTTPS_PROXY"),
    ({"http_proxy": "ftp://proxy.example:21"}, "http_proxy"),
    ({"HTTP_PROXY": "http://[bad"}, "HTTP_PROXY"),
    ({"HTTPS_PROXY": "http://proxy.example:99999"}, "HTTPS_PROXY"),
    ({"ALL_PROXY": "::::"}, "ALL_PROXY"),
    ({"NO_PROXY": "localhost,[::1"}, "NO_PROXY"),
    ({"SSL_CERT_FILE": "/nonexistent/ca.pem"}, "SSL_CERT_FILE"),
    ({"SSL_CERT_DIR": "/nonexistent/certs"}, "SSL_CERT_DIR"),
]


@pytest.mark.usefixtures("no_http_env")
@pytest.mark.parametrize(("env", "named"), BAD_HTTP_ENV)
def test_bad_http_client_variable_is_named(
    fake: FakeGovUK,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    env: dict[str, str],
    named: str,
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with (
        Client(base_url=fake.base_url, cache_dir=tmp_path) as client,
        pytest.raises(ConfigurationError) as caught,
    ):
        client.download(fake.url("/media/x.csv"))  # plain http on loopback, no proxy needed
    assert named in str(caught.value)
    assert fake.count() == 0


@pytest.mark.usefixtures("no_http_env")
def test_socks_proxy_without_its_extra_is_named(
    fake: FakeGovUK, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if importlib.util.find_spec("socksio") is not None:
        pytest.skip("httpx's socks extra is installed here")
    monkeypatch.setenv("HTTPS_PROXY", "socks5://127.0.0.1:1080")
    with (
        Client(base_url=fake.base_url, cache_dir=tmp_path) as client,
        pytest.raises(ConfigurationError, match=r"HTTPS_PROXY.*socks extra"),
    ):
        client.download(fake.url("/media/x.csv"))


@pytest.mark.usefixtures("no_http_env")
def test_certificate_file_that_is_not_one_is_named(
    fake: FakeGovUK, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    garbage = tmp_path / "not-a-bundle.pem"
    garbage.write_text("hello\n")
    monkeypatch.setenv("SSL_CERT_FILE", str(garbage))
    with (
        Client(base_url=fake.base_url, cache_dir=tmp_path / "cache") as client,
        pytest.raises(ConfigurationError, match="SSL_CERT_FILE"),
    ):
        client.download(fake.url("/media/x.csv"))


@pytest.mark.usefixtures("no_http_env")
def test_cli_reports_a_bad_proxy_without_a_traceback(
    fake: FakeGovUK,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("HMCTS_DATA_BASE_URL", fake.base_url)
    monkeypatch.setenv("HMCTS_DATA_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("ALL_PROXY", "ftp://proxy.example")
    code = main(["catalogue", "--refresh"])
    err = capsys.readouterr().err
    assert code != 0
    assert "ALL_PROXY" in err
    assert "Traceback" not in err


@pytest.mark.usefixtures("no_http_env")
def test_usual_proxy_settings_are_accepted(
    fake: FakeGovUK, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An https proxy is for https URLs; NO_PROXY lists hosts in every form httpx takes.
    monkeypatch.setenv("HTTPS_PROXY", "http://user:secret@proxy.example:3128")
    monkeypatch.setenv("NO_PROXY", "localhost,127.0.0.1,::1,.gov.uk,10.0.0.0/8,http://x.test")
    with Client(base_url=fake.base_url, cache_dir=tmp_path) as client:
        assert client.download(fake.url("/media/x.csv")).path.read_bytes() == CSV


# -- one request budget per process ------------------------------------------------------------


def test_clients_of_a_process_share_the_request_budget(fake: FakeGovUK, tmp_path: Path) -> None:
    clients = [
        Client(base_url=fake.base_url, cache_dir=tmp_path / str(n), rate_limit=10) for n in range(4)
    ]
    stop = time.monotonic() + 1.5
    counter = iter(range(10**6))
    lock = threading.Lock()

    def hammer(client: Client) -> None:
        while time.monotonic() < stop:
            with lock:
                n = next(counter)
            if n >= 200:
                return
            client.get_json(f"/api/content/p{n}")

    threads = [threading.Thread(target=hammer, args=(c,)) for c in clients]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    elapsed = time.monotonic() - started
    for client in clients:
        client.close()
    # 10 per second together (one more at the start), not 10 each.
    assert fake.count("/api") <= 10 * elapsed + 2
