"""A file the user hands in, read under the same size and time budget as a download.

:func:`read_source` reads a path, bytes or a binary file object for :func:`hmcts_data.read` and
:func:`hmcts_data.read_tables`. Downloads are capped (``HMCTS_DATA_MAX_FILE_SIZE``, default
256 MiB, and ``HMCTS_DATA_DEADLINE``, default 120 seconds); local sources get the same caps, so
a huge file, ``/dev/zero``, a FIFO or an endless file object is refused with a
:class:`~hmcts_data.ParseError` before it exhausts memory or time:

* a path must be a regular file no larger than the cap (its size is checked before reading,
  and no more than the cap plus one byte is ever read, in case it grows);
* a FIFO, a device or a socket is refused without being opened (opening a FIFO blocks);
* a file object is read in chunks, and refused once it passes the cap or the deadline.

The deadline covers parsing too: :func:`time_budget` starts the clock for one file (``read()``,
``read_tables()``, and every downloaded file ``load()`` parses), and the parse loops call
:func:`check_time` between blocks of work (rows, columns, tables), which raises
:class:`~hmcts_data.ParseTimeoutError` once the budget is used up. Nothing partial is returned.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import time
from collections.abc import Iterator
from contextvars import ContextVar
from pathlib import Path
from typing import IO, Final

from hmcts_data._environ import DEFAULT_DEADLINE, DEFAULT_MAX_FILE_SIZE, MAX_SECONDS
from hmcts_data._errors import ParseError, ParseTimeoutError

__all__ = ["Source", "check_time", "read_source", "time_budget"]

#: What :func:`hmcts_data.read` accepts: a path, raw bytes, or a binary file object.
Source = str | os.PathLike[str] | bytes | bytearray | memoryview | IO[bytes]

_CHUNK: Final = 1 << 20
_SIZE_VAR: Final = "HMCTS_DATA_MAX_FILE_SIZE"
_TIME_VAR: Final = "HMCTS_DATA_DEADLINE"
_PLAIN_SECONDS: Final = re.compile(r"[0-9]{1,9}(?:\.[0-9]{1,9})?")
#: (monotonic end, seconds) of the file being read in this thread; ``None`` outside a read.
_CLOCK: ContextVar[tuple[float, float] | None] = ContextVar("hmcts_data_parse", default=None)


def budget() -> tuple[int, float]:
    """The largest source accepted (bytes) and the longest a read may take (seconds).

    The download caps: ``HMCTS_DATA_MAX_FILE_SIZE`` and ``HMCTS_DATA_DEADLINE``, or their
    defaults. A plain value is taken as it is; anything else is left to
    :class:`~hmcts_data.Settings` to judge (so reading a local file needs no pydantic).

    Raises:
        ConfigurationError: One of the two variables is invalid (names it).

    Example:
        >>> budget()[0] >= 1024
        True
    """
    size = os.environ.get(_SIZE_VAR, "").strip()
    wait = os.environ.get(_TIME_VAR, "").strip()
    limit = int(size) if size.isdigit() and int(size) > 0 else None
    deadline = float(wait) if _PLAIN_SECONDS.fullmatch(wait) else None
    if deadline is not None and not 0 < deadline <= MAX_SECONDS:
        deadline = None
    if (limit is None and size) or (deadline is None and wait):
        from hmcts_data._environ import env_values
        from hmcts_data._settings import Settings

        raw = env_values({k: v for k, v in os.environ.items() if k in {_SIZE_VAR, _TIME_VAR}})
        settings = Settings.from_env({}, **raw)
        return settings.max_file_size, settings.deadline
    return limit or DEFAULT_MAX_FILE_SIZE, deadline or DEFAULT_DEADLINE


@contextlib.contextmanager
def time_budget() -> Iterator[float]:
    """Start the clock of one file's read and parse (the deadline of :func:`budget`).

    Nested calls share the outermost clock: a file is parsed within one budget however many
    steps (and re-reads, as another publication) its parse takes. Yields the seconds allowed.

    Raises:
        ConfigurationError: ``HMCTS_DATA_DEADLINE`` or ``HMCTS_DATA_MAX_FILE_SIZE`` is invalid.

    Example:
        >>> with time_budget() as seconds:
        ...     check_time("x.csv")
        >>> seconds > 0
        True
    """
    running = _CLOCK.get()
    if running is not None:
        yield running[1]
        return
    seconds = budget()[1]
    token = _CLOCK.set((time.monotonic() + seconds, seconds))
    try:
        yield seconds
    finally:
        _CLOCK.reset(token)


def check_time(name: str, sheet: str | None = None) -> None:
    """Raise :class:`~hmcts_data.ParseTimeoutError` once the running file's budget is used up.

    Cheap (a clock read); called between blocks of work, never per cell. Outside
    :func:`time_budget` it does nothing.

    Example:
        >>> check_time("x.csv")
    """
    running = _CLOCK.get()
    if running is None or time.monotonic() <= running[0]:
        return
    raise _timed_out(name, running[1], "parsed", sheet=sheet)


def _timed_out(name: str, seconds: float, doing: str, *, sheet: str | None = None) -> ParseError:
    where = f"{name}, sheet {sheet!r}" if sheet is not None else name
    return ParseTimeoutError(
        f"{where} was still being {doing} after {seconds:g} seconds, the time budget for one "
        f"file; it was not read. If it is genuine, raise {_TIME_VAR} (seconds) or split it "
        "into smaller files.",
        seconds=seconds,
        file=name,
        sheet=sheet,
    )


def _too_large(name: str, detail: str, limit: int) -> ParseError:
    return ParseError(
        f"{name} is larger than the {limit:,}-byte limit for a data file ({detail}; the "
        f"published HMCTS files are a few megabytes at most); it was not read. If it is "
        f"genuine, raise {_SIZE_VAR}.",
        file=name,
    )


def read_source(source: Source) -> tuple[bytes, str]:
    r"""Read a path, bytes or binary file into ``(bytes, display name)``, within the budget.

    Args:
        source: A path, the file's bytes, or a binary file object.

    Returns:
        The bytes and a name for messages (the file name, ``<bytes>`` or ``<stream>``).

    Raises:
        ParseError: The path does not exist, cannot be read, or is not a regular file (a
            FIFO, a device); the source is larger than ``HMCTS_DATA_MAX_FILE_SIZE`` or a file
            object took longer than ``HMCTS_DATA_DEADLINE``; a file object gave text.
        ConfigurationError: One of those two variables is invalid.

    Example:
        >>> read_source(b"a,b\n1,2\n")
        (b'a,b\n1,2\n', '<bytes>')
    """
    limit, deadline = budget()
    if isinstance(source, bytes | bytearray | memoryview):
        if len(source) > limit:
            raise _too_large("<bytes>", f"{len(source):,} bytes", limit)
        return bytes(source), "<bytes>"
    if isinstance(source, str | os.PathLike):
        return _read_path(Path(source), limit), Path(source).name
    name = getattr(source, "name", None)
    shown = Path(name).name if isinstance(name, str) else "<stream>"
    return _read_stream(source, shown, limit, deadline), shown


def _read_path(path: Path, limit: int) -> bytes:
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise ParseError(
                f"{str(path)!r} is a folder, not a file. Give the path of the file to read.",
                file=str(path),
            )
        if not stat.S_ISREG(info.st_mode):
            raise ParseError(
                f"{str(path)!r} is not a regular file (a FIFO, a device or a socket is refused: "
                "it may never end). Save the data to a file and read that.",
                file=str(path),
            )
        if info.st_size > limit:
            raise _too_large(str(path), f"{info.st_size:,} bytes", limit)
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
    except FileNotFoundError:
        raise ParseError(f"No such file: {str(path)!r}. Check the path.", file=str(path)) from None
    except OSError as exc:
        raise ParseError(
            f"Cannot read {str(path)!r}: {exc.strerror or exc}.", file=str(path)
        ) from exc
    if len(data) > limit:  # it grew while being read
        raise _too_large(str(path), "it grew while being read", limit)
    return data


def _read_stream(source: IO[bytes], name: str, limit: int, deadline: float) -> bytes:
    parts: list[bytes] = []
    total = 0
    start = time.monotonic()
    while True:
        try:
            chunk = source.read(_CHUNK)
        except OSError as exc:
            raise ParseError(f"Cannot read {name}: {exc.strerror or exc}.", file=name) from exc
        if not isinstance(chunk, bytes | bytearray):
            raise ParseError(
                f"{source!r} returned {type(chunk).__name__}, not bytes: open files in binary "
                "mode ('rb').",
                file=name,
            )
        if not chunk:
            return b"".join(parts)
        total += len(chunk)
        if total > limit:
            raise _too_large(name, "it did not end", limit)
        parts.append(bytes(chunk))
        if time.monotonic() - start > deadline:
            raise ParseTimeoutError(
                f"{name} was still being read after {deadline:g} seconds ({total:,} bytes so "
                f"far); it was not read. Save the data to a file and read that, or raise "
                f"{_TIME_VAR}.",
                seconds=deadline,
                file=name,
            )
