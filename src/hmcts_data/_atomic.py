"""Writing a file all at once or not at all: a temporary name beside it, renamed into place."""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from collections.abc import Iterator
from pathlib import Path

from hmcts_data._errors import DiskFullError, StorageError

__all__ = ["atomic_path", "check_target", "storage_errors"]

#: errno values that mean "no room" and "not allowed", turned into StorageError subclasses.
_FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}
_DENIED = {errno.EACCES, errno.EPERM, errno.EROFS}
#: errno values that mean the path itself cannot be a file: StorageError naming the path.
_BAD_PATH = {errno.ENAMETOOLONG, errno.EISDIR, errno.ENOTDIR, errno.ELOOP}
# Longest file name most file systems take (bytes); a temporary name never exceeds it.
_NAME_MAX = 255


@contextlib.contextmanager
def storage_errors(where: Path, *, doing: str = "writing to the cache") -> Iterator[None]:
    """Turn "disk full" and "permission denied" ``OSError`` s in the block into typed errors.

    Args:
        where: The directory or file being written, for the message.
        doing: What was being done, for the message.

    Raises:
        DiskFullError: No space left, quota exceeded or file too large (ENOSPC, EDQUOT, EFBIG).
        StorageError: Permission denied or a read-only file system (EACCES, EPERM, EROFS), or
            a path that cannot be a file (ENAMETOOLONG, EISDIR, ENOTDIR, ELOOP).

    Example:
        >>> import errno
        >>> with storage_errors(Path("/x")):  # doctest: +ELLIPSIS
        ...     raise OSError(errno.ENOSPC, "No space left on device")
        Traceback (most recent call last):
        ...
        hmcts_data._errors.DiskFullError: No space left on device while writing to the cache ...
    """
    try:
        yield
    except StorageError:
        raise
    except OSError as exc:
        if exc.errno in _FULL:
            raise DiskFullError(
                f"{exc.strerror or exc} while {doing} ({str(where)!r}). Nothing was kept. Free "
                "some space (hmcts-data cache clear empties the cache) or point "
                "HMCTS_DATA_CACHE_DIR / the output path at a disk with room, then try again.",
                path=str(where),
            ) from exc
        if exc.errno in _DENIED:
            raise StorageError(
                f"{exc.strerror or exc} while {doing} ({str(where)!r}). Nothing was kept. "
                "Check the folder's permissions, or choose a folder you can write to "
                "(HMCTS_DATA_CACHE_DIR for the cache).",
                path=str(where),
            ) from exc
        if exc.errno in _BAD_PATH:
            raise StorageError(
                f"{exc.strerror or exc} while {doing} ({str(where)!r}). Nothing was kept. "
                "Choose another path (a shorter name, in an existing folder).",
                path=str(where),
            ) from exc
        raise


def check_target(path: Path) -> None:
    """Refuse to write over anything but a regular file (or nothing).

    A directory cannot be replaced by a file, and a FIFO or a device would block or swallow
    the export (and replacing it would delete something that is not ours to delete).

    Raises:
        StorageError: ``path`` exists and is a directory, a FIFO, a socket or a device, or its
            name is longer than the file system allows.

    Example:
        >>> import tempfile
        >>> check_target(Path(tempfile.mkdtemp()))
        Traceback (most recent call last):
        ...
        hmcts_data._errors.StorageError: ... is a directory, not a file: ...
    """
    size = len(os.fsencode(path.name))
    if size > _NAME_MAX:
        raise StorageError(
            f"The file name {path.name[:40]!r}... is {size} bytes long; file systems take at "
            f"most {_NAME_MAX}. Nothing was written; choose a shorter name.",
            path=str(path),
        )
    try:
        mode: int | None = path.stat().st_mode
    except (FileNotFoundError, NotADirectoryError):
        mode = None
    except OSError as exc:
        with storage_errors(path, doing=f"checking {path.name}"):
            raise
        raise StorageError(
            f"Cannot use {str(path)!r} as an output file: {exc.strerror or exc}.", path=str(path)
        ) from exc
    if mode is None or stat.S_ISREG(mode):
        return
    kind = (
        "a directory"
        if stat.S_ISDIR(mode)
        else "a FIFO (named pipe)"
        if stat.S_ISFIFO(mode)
        else "a device or socket"
    )
    raise StorageError(
        f"{str(path)!r} is {kind}, not a file: nothing was written. Give the path of a file "
        "to create or replace.",
        path=str(path),
    )


@contextlib.contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; move it into place only if the block succeeds.

    Missing parent directories are created. On an exception the temporary file is removed and
    ``path`` is left as it was (absent, or its previous content). The file gets the usual
    permissions for a new file (``0o666`` less the umask). A full disk or a permission error
    (while creating, writing or renaming) becomes :class:`~hmcts_data.DiskFullError` or
    :class:`~hmcts_data.StorageError`.

    Args:
        path: The file to write.

    Yields:
        The temporary path to write to (it exists, empty).

    Raises:
        DiskFullError: No space left (or a file-size limit) while writing.
        StorageError: Permission denied or a read-only file system; ``path`` is a directory,
            a FIFO or a device, or its name is too long (see :func:`check_target`).

    Example:
        >>> import tempfile
        >>> target = Path(tempfile.mkdtemp()) / "out.txt"
        >>> with atomic_path(target) as tmp:
        ...     _ = tmp.write_text("done")
        >>> target.read_text()
        'done'
    """
    doing = f"writing {path.name}"
    check_target(path)
    with storage_errors(path.parent, doing=doing):
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except FileExistsError:
            raise StorageError(
                f"Cannot write {path.name}: {str(path.parent)!r} (or a folder above it) is a "
                "file, not a folder. Nothing was written; choose another path.",
                path=str(path.parent),
            ) from None
        # Beside a name near the file-name limit, the temporary name must not pass it.
        stem = path.name if len(os.fsencode(path.name)) <= _NAME_MAX - 16 else "hmcts-data"
        while True:
            tmp = path.with_name(f".{stem}.{secrets.token_hex(4)}.part")
            try:
                # Mode 0o666 minus the umask, like any new file (mkstemp would make it 0o600).
                fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
            except FileExistsError:  # pragma: no cover - 32 random bits colliding
                continue
            os.close(fd)
            break
    try:
        with storage_errors(path.parent, doing=doing):
            yield tmp
            os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
