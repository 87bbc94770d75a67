"""The library's warnings stay with the call that raised them when other threads warn too.

A user running loads in a thread pool (or a notebook with background work) must get every
warning of their own code, and each library call its own warnings once, at its own line:
``warnings.catch_warnings`` inside the library swapped the process-wide warning state, so a
warning another thread raised meanwhile went into the call's list (and was deduplicated or
shown from the wrong place).
"""

from __future__ import annotations

import socket
import threading
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import hmcts_data
from hmcts_data import Client, StaleDataWarning
from hmcts_data._warn import carried, gathered, muted, once_per_call, warn

USER_WARNINGS = 25
ROUNDS = 5


class _HeldServer:
    """Accepts connections; the first of each round is held until the test lets it go.

    Then it (and every later one) is closed without an answer: GOV.UK cannot be reached.
    """

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.inside = threading.Event()  # the library call is waiting on the network
        self.release = threading.Event()  # the other thread has warned: answer (badly)
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            if not self.inside.is_set():
                self.inside.set()
                self.release.wait(30)
            conn.close()

    def next_round(self) -> None:
        self.inside.clear()
        self.release.clear()

    def close(self) -> None:
        self.release.set()
        self.sock.close()


@pytest.fixture
def held() -> Iterator[_HeldServer]:
    server = _HeldServer()
    yield server
    server.close()


def _user_loop(server: _HeldServer, errors: list[BaseException]) -> None:
    try:
        assert server.inside.wait(30), "the library call never reached the network"
        for _ in range(USER_WARNINGS):
            warnings.warn("the user's own warning", UserWarning, stacklevel=1)  # LINE user
    except BaseException as exc:  # reported by the test thread
        errors.append(exc)
    finally:
        server.release.set()


def _line(marker: str) -> int:
    text = Path(__file__).read_text("utf-8").splitlines()
    return next(i for i, line in enumerate(text, 1) if line.rstrip().endswith(f"# LINE {marker}"))


def test_user_warnings_in_another_thread_survive_a_call_that_falls_back(
    held: _HeldServer, tmp_path: Path
) -> None:
    for round_ in range(ROUNDS):
        held.next_round()
        errors: list[BaseException] = []
        client = Client(
            base_url=f"http://127.0.0.1:{held.port}",
            cache_dir=tmp_path / f"cache{round_}",
            retries=0,
            rate_limit=1000.0,
        )
        user = threading.Thread(target=_user_loop, args=(held, errors))
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            user.start()
            try:
                hmcts_data.load("monthly", client=client)  # LINE library
            finally:
                user.join(30)
                client.close()
        assert not errors, errors
        mine = [w for w in caught if str(w.message) == "the user's own warning"]
        assert len(mine) == USER_WARNINGS, f"round {round_}: {len(mine)} of {USER_WARNINGS}"
        assert {(Path(w.filename), w.lineno) for w in mine} == {(Path(__file__), _line("user"))}
        stale = [w for w in caught if issubclass(w.category, StaleDataWarning)]
        assert stale, f"round {round_}: the fallback was not warned about"
        texts = [str(w.message) for w in stale]
        assert len(texts) == len(set(texts)), texts  # each once
        assert {(Path(w.filename), w.lineno) for w in stale} == {(Path(__file__), _line("library"))}
        assert len(caught) == len(mine) + len(stale), [str(w.message) for w in caught]


def _two_threads(
    inner: Callable[[Callable[[], None]], None], other: Callable[[], None]
) -> list[warnings.WarningMessage]:
    """Run ``inner(hold)`` and, while it holds, ``other()`` in a second thread; all warnings."""
    holding = threading.Event()
    done = threading.Event()
    errors: list[BaseException] = []

    def hold() -> None:
        holding.set()
        assert done.wait(30)

    def second() -> None:
        try:
            assert holding.wait(30)
            other()
        except BaseException as exc:
            errors.append(exc)
        finally:
            done.set()

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        thread = threading.Thread(target=second)
        thread.start()
        inner(hold)
        thread.join(30)
    assert not errors, errors
    return caught


def test_a_call_holds_back_only_its_own_warnings() -> None:
    def inner(hold: Callable[[], None]) -> None:
        with once_per_call():
            warn("from the call", StaleDataWarning)
            hold()
            warn("from the call", StaleDataWarning)

    def other() -> None:
        for _ in range(3):
            warn("library, other thread", StaleDataWarning)
            warnings.warn("user, other thread", UserWarning, stacklevel=1)

    caught = _two_threads(inner, other)
    texts = [str(w.message) for w in caught]
    assert texts.count("from the call") == 1
    assert texts.count("library, other thread") == 3  # no scope there: not deduplicated
    assert texts.count("user, other thread") == 3
    # The other thread's warnings came out while the call still ran, not when it ended.
    assert texts.index("library, other thread") < texts.index("from the call")


def test_muting_in_one_thread_silences_no_other() -> None:
    def inner(hold: Callable[[], None]) -> None:
        with muted():
            warn("muted", UserWarning)
            hold()

    def other() -> None:
        warn("library, other thread", UserWarning)
        warnings.warn("user, other thread", UserWarning, stacklevel=1)

    texts = [str(w.message) for w in _two_threads(inner, other)]
    assert sorted(texts) == ["library, other thread", "user, other thread"]


def test_worker_threads_report_to_their_call_once_at_the_callers_line() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with once_per_call():  # LINE call
            workers = [threading.Thread(target=carried(warn), args=("page",)) for _ in range(4)]
            for worker in workers:
                worker.start()
            for worker in workers:
                worker.join()
            assert caught == []  # held until the call ends
    assert [str(w.message) for w in caught] == ["page"]
    assert (Path(caught[0].filename), caught[0].lineno) == (Path(__file__), _line("call"))


def test_gathered_takes_its_category_and_passes_others_on() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with once_per_call(), gathered(StaleDataWarning) as stale:
            warn("stale page", StaleDataWarning)
            warn("stale page", StaleDataWarning)
            warn("something else", UserWarning)
        assert [str(m) for m in stale] == ["stale page", "stale page"]
    assert [str(w.message) for w in caught] == ["something else"]


def test_a_worker_outliving_its_call_still_warns() -> None:
    go = threading.Event()

    def late() -> None:
        assert go.wait(30)
        warn("after the call", UserWarning)

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with once_per_call():
            worker = threading.Thread(target=carried(late))
            worker.start()
        go.set()
        worker.join()
    assert [str(w.message) for w in caught] == ["after the call"]


def _refused() -> None:
    with once_per_call(drop_on_error=True):
        warn("about a refused file", UserWarning)
        raise ValueError("refused")


def test_a_refused_call_drops_its_warnings_and_keeps_the_error() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(ValueError, match="refused"):
            _refused()
    assert caught == []
