"""``load(..., "all")`` downloads a few files at once under the shared rate limiter (issue 13)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import httpx
import pytest

import hmcts_data
from hmcts_data import Client, DownloadError, ParseError
from hmcts_data.testing import Delay, FakeGovUK, Status
from hmcts_data.testing._demo import DataSite, build_data_site

RELEASES = 6  # the middle one is withdrawn: five files


@pytest.fixture
def site() -> Iterator[tuple[FakeGovUK, DataSite]]:
    with FakeGovUK() as fake:
        yield fake, build_data_site(fake, monthly=RELEASES, last_month=date(2025, 4, 1))


def _client(fake: FakeGovUK, root: Path) -> Client:
    return Client(base_url=fake.base_url, cache_dir=root, rate_limit=1000.0)


def _files_newest_first(fake: FakeGovUK, data: DataSite) -> list[str]:
    """The paths of the current monthly releases' files, newest release first."""
    pages = [p for p in data.site.pages_of("monthly") if not p.withdrawn]
    return [p.file_urls[0].removeprefix(fake.base_url) for p in pages]


def _media_paths(fake: FakeGovUK) -> list[str]:
    return sorted({r.path for r in fake.requests if r.path.startswith("/media")})


def test_cold_and_warm_request_counts(site: tuple[FakeGovUK, DataSite], tmp_path: Path) -> None:
    fake, _ = site
    with _client(fake, tmp_path) as client:
        sequential = hmcts_data.load("monthly", "all", client=client)
    discovery = fake.count("/api")
    files = fake.count("/media")
    assert files == sequential["release"].nunique() == RELEASES - 1  # one GET per file
    assert fake.count() == discovery + files  # nothing else, nothing twice
    fake.reset_counts()
    with _client(fake, tmp_path) as client:
        warm = hmcts_data.load("monthly", "all", client=client)
    assert fake.count() == 0
    assert warm.equals(sequential)


def test_downloads_overlap_and_results_keep_release_order(
    site: tuple[FakeGovUK, DataSite], tmp_path: Path
) -> None:
    fake, _ = site
    # Discover first, then slow every file down so the workers must overlap.
    with _client(fake, tmp_path / "probe") as probe:
        hmcts_data.catalogue(client=probe)
        hmcts_data.load("monthly", "all", client=probe)
    paths = _media_paths(fake)
    assert len(paths) == RELEASES - 1
    for path in paths:
        fake.inject(path, Delay(0.3))
    threads: set[str] = set()
    lock = threading.Lock()

    def progress(done: int, total: int | None) -> None:
        with lock:
            threads.add(threading.current_thread().name)

    with _client(fake, tmp_path / "cold") as client:
        hmcts_data.catalogue(client=client)
        frame = hmcts_data.load("monthly", "all", client=client, progress=progress)
    assert len({t for t in threads if t.startswith("hmcts-load")}) >= 2
    releases = list(dict.fromkeys(frame["release"]))
    assert releases == sorted(releases)  # stacked oldest first, whatever finished first


def test_one_failing_file_raises_its_own_error(
    site: tuple[FakeGovUK, DataSite], tmp_path: Path
) -> None:
    fake, _ = site
    with _client(fake, tmp_path / "probe") as probe:
        hmcts_data.load("monthly", "all", client=probe)
    paths = _media_paths(fake)
    broken = paths[1]
    fake.inject(broken, *([Status(404)] * 10))
    with _client(fake, tmp_path / "cold") as client, pytest.raises(DownloadError) as caught:
        hmcts_data.load("monthly", "all", client=client)
    assert caught.value.url is not None
    assert caught.value.url.endswith(broken)
    assert caught.value.status == 404


def test_a_bad_cell_in_one_release_names_its_file_row_and_column(
    site: tuple[FakeGovUK, DataSite], tmp_path: Path
) -> None:
    # Every release is read and checked as it arrives, though the frame is built once at the
    # end: a bad cell in a middle release still fails naming its exact cell.
    fake, _ = site
    with _client(fake, tmp_path / "probe") as probe:
        hmcts_data.load("monthly", "all", client=probe)
    broken = _media_paths(fake)[2]
    lines = httpx.get(fake.base_url + broken).content.decode().split("\n")
    cells = lines[3].split(",")
    cells[2] = "x" * len(cells[2])  # same length: the file is only damaged, not resized
    lines[3] = ",".join(cells)
    fake.add_file(broken, "\n".join(lines).encode(), content_type="text/csv")
    with _client(fake, tmp_path / "cold") as client, pytest.raises(ParseError) as caught:
        hmcts_data.load("monthly", "all", client=client)
    assert (caught.value.row, caught.value.column) == (4, "C")
    assert caught.value.file == broken.rsplit("/", 1)[1]
    assert repr("x" * len(cells[2])) in str(caught.value)


def test_each_file_is_read_as_it_arrives_and_stacked_in_release_order(
    site: tuple[FakeGovUK, DataSite], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A slow oldest file does not hold up reading the others: parsing overlaps downloading.
    import hmcts_data._api as api

    fake, data = site
    oldest = _files_newest_first(fake, data)[-1]
    fake.inject(oldest, Delay(0.8))
    read_order: list[str | None] = []
    real_read = api._read

    def recording(*args: object, **kwargs: object) -> object:
        read_order.append(kwargs.get("source_url"))  # type: ignore[arg-type]
        return real_read(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(api, "_read", recording)
    with _client(fake, tmp_path / "cold") as client:
        frame = hmcts_data.load("monthly", "all", client=client)
    assert len(read_order) == RELEASES - 1
    assert read_order[-1] == fake.base_url + oldest  # read last: it came last
    releases = list(dict.fromkeys(frame["release"]))
    assert releases == sorted(releases)
    assert frame["source_url"].iloc[0] == fake.base_url + oldest  # stacked first all the same


def test_the_first_failure_in_release_order_is_raised_whichever_comes_first(
    site: tuple[FakeGovUK, DataSite], tmp_path: Path
) -> None:
    fake, data = site
    files = _files_newest_first(fake, data)
    newest, oldest = files[0], files[-1]
    fake.inject(newest, *([Status(404)] * 10))  # fails at once
    body = httpx.get(fake.base_url + oldest).content.decode().split("\n")
    cells = body[3].split(",")
    cells[2] = "x" * len(cells[2])
    body[3] = ",".join(cells)
    fake.add_file(oldest, "\n".join(body).encode(), content_type="text/csv")
    fake.inject(oldest, Delay(0.5))  # fails last
    with _client(fake, tmp_path / "cold") as client, pytest.raises(ParseError) as caught:
        hmcts_data.load("monthly", "all", client=client)
    assert caught.value.file == oldest.rsplit("/", 1)[1]


def test_each_file_is_downloaded_once_though_discovery_hands_its_release_over_twice(
    site: tuple[FakeGovUK, DataSite], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A release handed over while its page is read (listed by the collection) and again at the
    # end (listed by both lists) is one download, not a second one waiting on the first.
    import hmcts_data._api as api

    fake, _ = site
    fetched: list[str] = []
    lock = threading.Lock()
    real_fetch = api._Downloads._fetch

    def counting(self: api._Downloads, rel: hmcts_data.Release) -> object:
        with lock:
            fetched.append(rel.base_path)
        return real_fetch(self, rel)

    monkeypatch.setattr(api._Downloads, "_fetch", counting)
    with _client(fake, tmp_path) as client:
        frame = hmcts_data.load("monthly", "all", client=client)
    assert len(fetched) == frame["release"].nunique() == RELEASES - 1
    assert len(set(fetched)) == len(fetched)
