"""Download progress: silent by default, a callback, tqdm, or log lines without tqdm."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from hmcts_data import Client
from hmcts_data.testing import FakeGovUK

BODY = b"n,v\n" + b"1234567,89\n" * 200_000  # about 2 MB: several chunks


@pytest.fixture
def setup(tmp_path: Path) -> Iterator[tuple[Client, str]]:
    with FakeGovUK() as fake:
        url = fake.add_file("/media/p/progress.csv", BODY, content_type="text/csv")
        with Client(base_url=fake.base_url, cache_dir=tmp_path, rate_limit=1000) as client:
            yield client, url


def test_silent_by_default(setup: tuple[Client, str], capsys: pytest.CaptureFixture[str]) -> None:
    client, url = setup
    client.download(url)
    assert capsys.readouterr() == ("", "")


def test_callback_sees_growing_counts_and_total(setup: tuple[Client, str]) -> None:
    client, url = setup
    calls: list[tuple[int, int | None]] = []
    client.download(url, progress=lambda done, total: calls.append((done, total)))
    assert len(calls) > 1
    done = [d for d, _ in calls]
    assert done == sorted(done)
    assert calls[-1] == (len(BODY), len(BODY))


def test_true_uses_tqdm_when_installed(
    setup: tuple[Client, str], capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("tqdm")
    client, url = setup
    client.download(url, progress=True)
    err = capsys.readouterr().err
    assert "progress.csv" in err
    assert "100%" in err


def test_true_falls_back_to_logging_without_tqdm(
    setup: tuple[Client, str],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)  # makes the import fail
    client, url = setup
    with caplog.at_level(logging.INFO, logger="hmcts_data"):
        client.download(url, progress=True)
    lines = [m for r in caplog.records if (m := r.getMessage()).startswith("progress.csv:")]
    assert lines
    assert lines[-1].endswith(f"of {len(BODY) / 1e6:.1f} MB")
