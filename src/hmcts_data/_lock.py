"""A cross-process exclusive file lock (standard library only).

``fcntl.flock`` on POSIX and ``msvcrt.locking`` on Windows. The lock belongs to the open file,
so it also excludes other threads of the same process that open the same lock path, and the
operating system releases it when a process dies, so a killed download never leaves a stuck
lock behind.
"""

from __future__ import annotations

import errno
import os
import sys
import threading
import time
from pathlib import Path
from types import TracebackType

from hmcts_data._errors import IntegrityError, StorageError

__all__ = ["FileLock", "ReentrantLockError", "held_by_this_thread"]

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
# The lock files each thread holds. flock() locks belong to an open file, so a thread asking
# again for a lock it holds (a progress callback downloading the file being downloaded) would
# wait for itself forever; it is told instead.
_HELD = threading.local()


class ReentrantLockError(RuntimeError):
    """This thread already holds the lock it asked for (internal: callers say what to do)."""


def _held() -> set[str]:
    held: set[str] | None = getattr(_HELD, "paths", None)
    if held is None:
        held = _HELD.paths = set()
    return held


def held_by_this_thread(path: Path) -> bool:
    """Whether the current thread holds the lock file at ``path``.

    Example:
        >>> held_by_this_thread(Path("/nowhere/.lock"))
        False
    """
    return os.path.abspath(path) in _held()


#: Times the lock's folder may vanish under it (a concurrent clear) before giving up.
_RACES = 100


class FileLock:
    """Hold an exclusive lock on ``path`` (created if missing) for the duration of a block.

    Example:
        >>> import tempfile, pathlib
        >>> with FileLock(pathlib.Path(tempfile.mkdtemp()) / ".lock"):
        ...     pass
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def acquire(self) -> None:
        """Block until the lock is held.

        Raises:
            IntegrityError: The lock file is a symlink.
            StorageError: Its folder kept vanishing (something deletes it as it is made).
            ReentrantLockError: This thread holds it already (waiting would never end).
        """
        if held_by_this_thread(self.path):
            raise ReentrantLockError(str(self.path))
        vanished = 0
        while True:
            # O_NOFOLLOW: a lock file planted as a symlink must not create or open a file
            # elsewhere (it fails with ELOOP instead).
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT | _NOFOLLOW, 0o644)
            except (FileNotFoundError, FileExistsError):
                # Its folder was removed between the two steps, or inside mkdir's own two
                # (exists, then gone before it could tell it is a folder): a concurrent clear.
                vanished += 1
                if vanished < _RACES:
                    continue
                raise StorageError(
                    f"The folder of the lock file {str(self.path)!r} kept disappearing "
                    f"({_RACES} times): something is deleting it as it is made. Try again once "
                    "it has stopped.",
                    path=str(self.path.parent),
                ) from None
            except OSError as exc:
                if exc.errno != errno.ELOOP:
                    raise
                raise IntegrityError(
                    f"The lock file {str(self.path)!r} is a symlink, which hmcts_data never "
                    "creates (the cache may have been tampered with); refusing to follow it. "
                    "Remove it, or use a cache directory only you can write to."
                ) from None
            try:
                _lock(fd)
            except BaseException:
                os.close(fd)
                raise
            # Someone (clear_cache) may have removed the lock file while we waited on it: the
            # lock then guards a deleted file, so start again on the current one.
            try:
                same = os.path.samestat(os.fstat(fd), os.stat(self.path))
            except FileNotFoundError:
                same = False
            if same:
                self._fd = fd
                _held().add(os.path.abspath(self.path))
                return
            _unlock(fd)
            os.close(fd)

    def release(self) -> None:
        """Release the lock (no-op when not held)."""
        if self._fd is not None:
            fd, self._fd = self._fd, None
            _held().discard(os.path.abspath(self.path))
            try:
                _unlock(fd)
            finally:
                os.close(fd)

    def __enter__(self) -> FileLock:
        self.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()


if sys.platform == "win32":  # pragma: no cover - exercised on Windows CI only
    import msvcrt

    def _lock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        while True:
            try:
                msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
                return
            except OSError:
                time.sleep(0.05)

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _lock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX)

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)
