r"""Everything the command prints is made safe for a terminal, and a failed write is an error.

Titles, attachment names, notices and cells come from GOV.UK and from files; a terminal would
run the control characters in them (retitle the window, clear the screen, plant a link, hide
text behind a bare carriage return, reorder it with bidirectional controls). :func:`safe_streams`
puts a :class:`SafeStream` in front of standard output and standard error for the whole run, so
no command can forget: every such character is shown as an escape (``\x1b``), never executed.
Data kept byte for byte belongs in a file (``-o``), which is never filtered.

JSON output is escaped losslessly instead (:func:`json_safe`): the same characters become
``\uXXXX`` escapes inside the JSON strings, which parse back to the same text.

A write that fails (a full device, a closed or vanished standard output) becomes a
:class:`~hmcts_data.StorageError` (:class:`~hmcts_data.DiskFullError` when the device is full),
so the command ends with a message and an exit code, not a traceback.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import re
import sys
from collections.abc import Iterator
from typing import Final, TextIO

from hmcts_data._errors import DiskFullError, StorageError

__all__ = ["SafeStream", "json_safe", "safe_streams", "terminal_safe"]

# C0 controls but tab and newline, DEL, C1 controls (CSI, OSC ... in one byte), the
# bidirectional and line-separator controls that reorder or split what is shown, and lone
# surrogates (which cannot even be encoded for the terminal).
_UNSAFE: Final = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
    "\ud800-\udfff]"
)


def _shown(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal_safe(text: str) -> str:
    r"""Return ``text`` with every character a terminal would act on shown as an escape.

    Newlines and tabs are kept; every other control character (escape sequences, a bare
    carriage return, bidirectional overrides, lone surrogates) becomes ``\xNN`` or ``\uNNNN``.

    Example:
        >>> terminal_safe("Civil\x1b]0;pwned\x07 claims\rX")
        'Civil\\x1b]0;pwned\\x07 claims\\x0dX'
    """
    return _UNSAFE.sub(_shown, text) if _UNSAFE.search(text) else text


def json_safe(text: str) -> str:
    r"""Escape the characters :func:`terminal_safe` shows as ``\uNNNN``, keeping JSON valid.

    In JSON text from a serializer such characters occur only inside strings, where the
    escape parses back to the same character: the data is unchanged, the terminal is safe.

    Example:
        >>> import json
        >>> text = json_safe(json.dumps({"t": "a\u202eb\x9b"}, ensure_ascii=False))
        >>> text, json.loads(text)["t"] == "a\u202eb\x9b"
        ('{"t": "a\\u202eb\\u009b"}', True)
    """
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


class SafeStream(io.TextIOBase):
    """A text stream that passes text on through :func:`terminal_safe`.

    On a terminal, a carriage return that starts a write is kept: progress bars (shown on
    terminals only) redraw their line with it. Anywhere else every one is shown.
    An ``OSError`` from the stream (or a stream that is closed or absent) is raised as
    :class:`~hmcts_data.StorageError` or :class:`~hmcts_data.DiskFullError`, unless the stream
    is ``quiet``: standard error only carries messages, and when it is gone there is nobody to
    tell, so a failed write there is dropped and the command goes on.

    Args:
        stream: The stream written to; ``None`` when the process has none (closed at start).
        name: ``"standard output"`` or ``"standard error"``, for messages.
        quiet: Drop failed writes instead of raising.
    """

    def __init__(self, stream: TextIO | None, name: str, *, quiet: bool = False) -> None:
        super().__init__()
        self._stream = stream
        self._name = name
        self._quiet = quiet
        self.failed = False
        self._tty = self.isatty()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self._stream, "encoding", None) or "utf-8"

    def isatty(self) -> bool:
        try:
            return self._stream is not None and self._stream.isatty()
        except (OSError, ValueError):
            return False

    def fileno(self) -> int:
        if self._stream is None:
            raise OSError(errno.EBADF, f"{self._name} is closed")
        return self._stream.fileno()

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        lead = "\r" if self._tty and text.startswith("\r") else ""
        safe = lead + terminal_safe(text[len(lead) :])
        with self._errors():
            stream = self._target()
            try:
                stream.write(safe)
            except UnicodeEncodeError:  # a terminal that cannot show every character
                stream.write(safe.encode(self.encoding, "backslashreplace").decode(self.encoding))
        return len(text)

    def flush(self) -> None:
        if self._stream is None:
            return
        with self._errors():
            self._stream.flush()

    def _target(self) -> TextIO:
        if self._stream is None or getattr(self._stream, "closed", False):
            raise OSError(errno.EBADF, "Bad file descriptor")
        return self._stream

    @contextlib.contextmanager
    def _errors(self) -> Iterator[None]:
        try:
            yield
        except (OSError, ValueError) as exc:  # ValueError: "I/O operation on closed file"
            self.failed = True
            if self._quiet:
                return
            if isinstance(exc, BrokenPipeError):
                raise  # the reader went away (``| head``): main() ends quietly
            reason = getattr(exc, "strerror", None) or str(exc)
            if isinstance(exc, OSError) and exc.errno in {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}:
                raise DiskFullError(
                    f"Cannot write to {self._name}: {reason}. Free some space, or write to a "
                    "file on a disk with room with -o PATH.",
                    path=f"<{self._name}>",
                ) from None
            raise StorageError(
                f"Cannot write to {self._name}: {reason} (is it closed?). Redirect it to a "
                "file, or use -o PATH.",
                path=f"<{self._name}>",
            ) from None


def _silence(stream: TextIO | None) -> None:
    """Point a failed stream's descriptor at the null device, so the exit flush is quiet."""
    try:
        fd = stream.fileno() if stream is not None else -1
    except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
        return
    if fd < 0:
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, fd)
    finally:
        os.close(devnull)


@contextlib.contextmanager
def safe_streams() -> Iterator[tuple[SafeStream, SafeStream]]:
    """Put :class:`SafeStream` in front of ``sys.stdout`` and ``sys.stderr`` for a block.

    A stream whose write failed is pointed at the null device afterwards, so the
    interpreter's own flush at exit does not fail again.
    """
    out, err = sys.stdout, sys.stderr
    safe_out = SafeStream(out, "standard output")
    safe_err = SafeStream(err, "standard error", quiet=True)
    sys.stdout, sys.stderr = safe_out, safe_err
    try:
        yield safe_out, safe_err
    finally:
        sys.stdout, sys.stderr = out, err
        for stream, safe in ((out, safe_out), (err, safe_err)):
            if safe.failed:
                _silence(stream)
