"""One fallback chain for every verb that needs releases, and honesty about what was checked.

Each verb (``load``, ``series``, ``release_changes`` and their commands) is run with offline
mode on, against a port that refuses connections and against a server that never answers: each
answers from the real releases embedded in the package, with one short warning saying so. A
release the catalogue in use does not list is "not found" only when GOV.UK answered.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable, Iterator
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import hmcts_data
from hmcts_data import (
    Client,
    ConfigurationError,
    EmbeddedDataWarning,
    NetworkError,
    NotFoundError,
    OfflineError,
    ParseError,
)
from hmcts_data.cli import EXIT_CODES, main
from hmcts_data.testing import FakeGovUK
from hmcts_data.testing._demo import build_data_site
from hmcts_data.testing._monthly_files import monthly_releases
from tests._network import refused_port, silent_server

EMBEDDED = {r.release: r for r in hmcts_data.embedded_releases()}


def _recorded(call: Callable[[], Any]) -> tuple[Any, list[warnings.WarningMessage]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = call()
    return result, caught


def _check_warnings(caught: list[warnings.WarningMessage]) -> str:
    """Every warning one short line, none repeated; the embedded warning's text and detail."""
    texts = [str(w.message) for w in caught]
    assert len(texts) == len(set(texts)), texts  # the same warning once per call
    for text in texts:
        assert len(text) < 200, text
        assert "\n" not in text, text
    embedded = [w.message for w in caught if issubclass(w.category, EmbeddedDataWarning)]
    assert len(embedded) == 1, texts  # one warning saying what the answer rests on
    detail = getattr(embedded[0], "detail", None)
    assert detail is not None
    assert "Crown copyright" in detail  # the licence travels with the figures
    return f"{embedded[0]} {detail}"


def _load(client: Client) -> set[str]:
    frame = hmcts_data.load("monthly", client=client)
    assert frame["source_url"].str.startswith("embedded:").all()
    return set(frame["release"])


def _series(client: Client) -> set[str]:
    frame = hmcts_data.series(jurisdiction="civil", client=client)
    assert frame["source_url"].str.startswith("embedded:").all()
    return set(frame["release"])


def _changes(client: Client) -> set[str]:
    changes = hmcts_data.release_changes(client=client)
    assert (changes.new_release, changes.old_release) == ("2025-05", "2025-04")
    assert changes.revised_count > 0  # a real consecutive pair revises about half its cells
    assert all(url.startswith("embedded:") for url in changes.sources.values())
    assert "embedded in hmcts-data" in changes.to_text()
    return set(changes.sources)


VERBS: dict[str, Callable[[Client], set[str]]] = {
    "load": _load,
    "series": _series,
    "release_changes": _changes,
}
EXPECTED = {
    "load": {"2025-05"},
    "series": set(EMBEDDED),
    "release_changes": {"2025-05", "2025-04"},
}


@pytest.mark.parametrize("verb", sorted(VERBS))
def test_every_verb_falls_back_offline(verb: str, tmp_path: Path) -> None:
    with Client(offline=True, cache_dir=tmp_path) as client:
        releases, caught = _recorded(lambda: VERBS[verb](client))
    assert releases
    assert releases <= EXPECTED[verb]
    text = _check_warnings(caught)
    assert "Offline mode is on" in text


@pytest.mark.parametrize("verb", sorted(VERBS))
def test_every_verb_falls_back_on_a_refused_port(verb: str, tmp_path: Path) -> None:
    base = f"http://127.0.0.1:{refused_port()}"
    with Client(base_url=base, cache_dir=tmp_path) as client:
        started = time.monotonic()
        releases, caught = _recorded(lambda: VERBS[verb](client))
        assert time.monotonic() - started < 10.0
    assert releases
    assert releases <= EXPECTED[verb]
    assert "GOV.UK could not be reached" in _check_warnings(caught)


def test_every_verb_falls_back_on_a_silent_server(tmp_path: Path) -> None:
    with silent_server() as base, Client(base_url=base, cache_dir=tmp_path) as client:
        started = time.monotonic()
        for verb in sorted(VERBS):
            releases, caught = _recorded(partial(VERBS[verb], client))
            assert releases
            assert releases <= EXPECTED[verb]
            assert "GOV.UK could not be reached" in _check_warnings(caught)
        assert time.monotonic() - started < 30.0  # the first verb pays; the rest fail fast


@pytest.mark.parametrize(
    ("argv", "marker"),
    [
        (["load", "monthly"], "came from copies embedded"),
        (["what-changed"], "came from copies embedded"),
        (["series", "--jurisdiction", "civil"], "came from copies embedded"),
    ],
)
def test_commands_fall_back_offline_with_each_warning_once(
    argv: list[str],
    marker: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("HMCTS_DATA_CACHE_DIR", str(tmp_path))
    assert (
        main(
            [
                "--offline",
                *argv,
                *(["-o", str(tmp_path / "x.csv")] if argv[0] != "what-changed" else []),
            ]
        )
        == 0
    )
    out = capsys.readouterr()
    lines = [line for line in out.err.splitlines() if line.startswith("warning: ")]
    assert len(lines) == len(set(lines)), lines
    assert any(marker in line for line in lines)
    assert all(len(line) < 220 for line in lines)
    assert not any("hmcts_data." in line for line in lines)  # command-line advice only


# -- never claim absence you could not check --------------------------------------------------


def test_offline_unknown_release_says_it_could_not_check(tmp_path: Path) -> None:
    with Client(offline=True, cache_dir=tmp_path) as client, pytest.raises(OfflineError) as info:
        _recorded(lambda: hmcts_data.load("monthly", "2023-11", client=client))
    text = str(info.value)
    assert text.startswith("Could not check whether monthly release '2023-11' exists")
    assert "offline mode is on" in text
    assert "No release" not in text
    assert "2025-05" in text  # what it holds
    assert "Ways forward" in text
    assert info.value.cli_text is not None
    assert "--offline" in info.value.cli_text


def test_refused_unknown_release_is_a_network_error_not_not_found(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    base = f"http://127.0.0.1:{refused_port()}"
    with Client(base_url=base, cache_dir=tmp_path) as client, pytest.raises(NetworkError) as info:
        _recorded(lambda: hmcts_data.load("monthly", "2023-11", client=client))
    assert "Could not check" in str(info.value)
    assert "GOV.UK could not be reached" in str(info.value)
    monkeypatch.setenv("HMCTS_DATA_CACHE_DIR", str(tmp_path / "cli"))
    monkeypatch.setenv("HMCTS_DATA_BASE_URL", base)
    assert main(["load", "monthly", "--release", "2023-11"]) == EXIT_CODES[NetworkError]
    assert "Could not check" in capsys.readouterr().err


def test_a_release_the_snapshot_lists_without_files_is_not_said_to_have_none(
    tmp_path: Path,
) -> None:
    with Client(offline=True, cache_dir=tmp_path) as client:
        for publication, release in (("monthly", "2025-03"), ("weekly-covid", None)):
            with pytest.raises(OfflineError) as info:
                _recorded(partial(hmcts_data.load, publication, release, client=client))
            text = str(info.value)
            assert "has no machine-readable attachment" not in text
            assert "attachments: none" not in text
            assert "not checked with GOV.UK" in text


def test_an_embedded_month_the_catalogue_does_not_list_still_loads(tmp_path: Path) -> None:
    # Offline, the catalogue cannot be checked: the embedded copy is the honest answer.
    with FakeGovUK() as fake:
        build_data_site(fake, monthly=2, last_month=date(2025, 4, 1))
        with Client(base_url=fake.base_url, cache_dir=tmp_path, rate_limit=100) as client:
            hmcts_data.catalogue(client=client)  # a discovery is cached, then offline
        with Client(base_url=fake.base_url, cache_dir=tmp_path, offline=True) as client:
            frame, caught = _recorded(lambda: hmcts_data.load("monthly", "2021-04", client=client))
    assert set(frame["release"]) == {"2021-04"}
    assert "2021-04" in _check_warnings(caught)


@pytest.fixture(scope="module")
def live_site() -> Iterator[FakeGovUK]:
    with FakeGovUK() as fake:
        build_data_site(fake, monthly=3, last_month=date(2025, 4, 1), seed=5)
        yield fake


def test_not_found_only_when_govuk_answered(live_site: FakeGovUK, tmp_path: Path) -> None:
    with (
        Client(base_url=live_site.base_url, cache_dir=tmp_path, rate_limit=100) as client,
        pytest.raises(NotFoundError) as info,
    ):
        hmcts_data.load("monthly", "2021-04", client=client)  # embedded, not published here
    assert str(info.value).startswith("No release '2021-04' in publication 'monthly'")
    assert info.value.suggestions[0] == "2025-02"  # the nearest month GOV.UK lists


def test_a_month_still_to_come_is_not_found_even_offline(tmp_path: Path) -> None:
    with Client(offline=True, cache_dir=tmp_path) as client, pytest.raises(NotFoundError) as info:
        _recorded(lambda: hmcts_data.load("monthly", "2099-01", client=client))
    assert info.value.suggestions[0] == "2025-05"


# -- releases as people write them ------------------------------------------------------------


@pytest.mark.parametrize("release", [2025, 2025.04, b"2025-04"])
def test_a_release_in_no_accepted_form_fails_before_any_request(
    release: object, live_site: FakeGovUK, tmp_path: Path
) -> None:
    live_site.reset_counts()
    with Client(base_url=live_site.base_url, cache_dir=tmp_path) as client:
        for call in (
            lambda: hmcts_data.load("monthly", release, client=client),  # type: ignore[arg-type]
            lambda: hmcts_data.release_changes(release, client=client),  # type: ignore[arg-type]
        ):
            with pytest.raises(ConfigurationError) as info:
                call()
            assert "'YYYY-MM'" in str(info.value)
            assert "'latest'" in str(info.value)
    assert live_site.count() == 0


def test_latest_and_dates_mean_what_a_reader_expects(tmp_path: Path) -> None:
    with Client(offline=True, cache_dir=tmp_path) as client:
        latest, _ = _recorded(lambda: hmcts_data.load("monthly", "latest", client=client))
        default, _ = _recorded(lambda: hmcts_data.load("monthly", client=client))
        assert latest.equals(default)
        for day in (date(2025, 4, 30), "2025-04-30", "2025-04-01"):
            frame, _ = _recorded(partial(hmcts_data.load, "monthly", day, client=client))
            assert set(frame["release"]) == {"2025-04"}  # the data month, not the May window


# -- nothing warned about a file that is then refused -----------------------------------------


def test_a_refused_file_is_not_first_warned_about() -> None:
    monthly = monthly_releases("D", date(2025, 4, 1), 1, seed=2)[0].data
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(ParseError):
            hmcts_data.read("remote-hearings", monthly)
    assert not caught, [str(w.message)[:100] for w in caught]


def test_series_frame_is_pandas(tmp_path: Path) -> None:
    with Client(offline=True, cache_dir=tmp_path) as client:
        frame, _ = _recorded(lambda: hmcts_data.series(client=client))
    assert isinstance(frame, pd.DataFrame)
    assert set(frame["release"]) == set(EMBEDDED)


# -- the catalogue and the verbs agree --------------------------------------------------------


def _load_error(publication: str, client: Client) -> Exception | None:
    try:
        _recorded(partial(hmcts_data.load, publication, client=client))
    except (ConfigurationError, OfflineError, NotFoundError) as exc:
        return exc
    return None


def test_every_publication_the_catalogue_lists_can_be_asked_for_by_id(tmp_path: Path) -> None:
    with Client(offline=True, cache_dir=tmp_path) as client:
        cat, _ = _recorded(lambda: hmcts_data.catalogue(client=client))
        for pub in cat:
            error = _load_error(pub.id, client)
            # Loaded, or a document whose message says how to get it, or data the snapshot
            # does not hold: never "Unknown publication".
            assert "Unknown publication" not in str(error)
            if pub.kind == "document":
                assert isinstance(error, NotFoundError)
                assert f".get({pub.id!r}).latest().download()" in str(error)


def test_the_user_guide_downloads_to_a_path(live_site: FakeGovUK, tmp_path: Path) -> None:
    with Client(base_url=live_site.base_url, cache_dir=tmp_path, rate_limit=100) as client:
        guide = hmcts_data.catalogue(client=client).get("user-guide").latest()
        saved = guide.download(client, to=tmp_path / "out" / "guide.pdf")
    assert saved == tmp_path / "out" / "guide.pdf"
    assert saved.read_bytes().startswith(b"%PDF")


def test_the_listing_says_how_to_get_a_document(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("HMCTS_DATA_CACHE_DIR", str(tmp_path))
    assert main(["--offline", "catalogue"]) == 0
    out = capsys.readouterr().out
    guide = out[out.index("\nuser-guide:") + 1 :]
    assert ".get('user-guide').latest().download()" in guide.splitlines()[1]
    assert main(["--offline", "load", "user-guide"]) == EXIT_CODES[NotFoundError]
    assert "a document" in capsys.readouterr().err
