"""Writing a file all at once or not at all: a temporary name beside it, renamed into place."""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
from collections.abc import Iterator
from pathlib import Path

from hmcts_data._errors import DiskFullError, StorageError

__all__ = ["atomic_path", "storage_errors"]

#: errno values that mean "no room" and "not allowed", turned into StorageError subclasses.
_FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}
_DENIED = {errno.EACCES, errno.EPERM, errno.EROFS}


@contextlib.contextmanager
def storage_errors(where: Path, *, doing: str = "writing to the cache") -> Iterator[None]:
    """Turn "disk full" and "permission denied" ``OSError`` s in the block into typed errors.

    Args:
        where: The directory or file being written, for the message.
        doing: What was being done, for the message.

    Raises:
        DiskFullError: No space left, quota exceeded or file too large (ENOSPC, EDQUOT, EFBIG).
        StorageError: Permission denied or a read-only file system (EACCES, EPERM, EROFS).

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
        raise


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
        StorageError: Permission denied or a read-only file system.

    Example:
        >>> import tempfile
        >>> target = Path(tempfile.mkdtemp()) / "out.txt"
        >>> with atomic_path(target) as tmp:
        ...     _ = tmp.write_text("done")
        >>> target.read_text()
        'done'
    """
    doing = f"writing {path.name}"
    with storage_errors(path.parent, doing=doing):
        path.parent.mkdir(parents=True, exist_ok=True)
        while True:
            tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.part")
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
