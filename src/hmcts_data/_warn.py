"""Warnings attributed to the user's line, however deep in the library they are raised.

A fixed ``stacklevel`` is right for one call path only: ``load`` reaches the parser through
more frames than ``read``, and ``series`` through more again, so a warning about a file ended
up attributed to ``hmcts_data/_api.py``. :func:`warn` walks the stack to the first frame
outside the package, so the warning names the script, notebook cell or test that called the
library, whichever public function it called.
"""

from __future__ import annotations

import os
import sys
import warnings

__all__ = ["warn"]

_PACKAGE = os.path.dirname(os.path.abspath(__file__)) + os.sep
# Frames of these stdlib modules are no user's line: a warning raised in a worker thread
# (parallel downloads) has only them above the library.
_MACHINERY = ("threading.py", os.path.join("concurrent", "futures"))


def warn(
    message: str | Warning, category: type[Warning] | None = None, *, stacklevel: int = 2
) -> None:
    """Warn, attributed to the first caller outside ``hmcts_data``.

    Args:
        message: The warning text, or a warning instance (which keeps its attributes, such as
            ``cli_text``; ``category`` is then ignored, as by :func:`warnings.warn`).
        category: The warning class (``UserWarning`` when ``None``).
        stacklevel: Used instead when no frame outside the package is found (a worker
            thread): as for :func:`warnings.warn`, counted from the caller of this function.

    Example:
        >>> import warnings
        >>> with warnings.catch_warnings(record=True) as caught:
        ...     warnings.simplefilter("always")
        ...     warn("careful", UserWarning)
        >>> caught[0].filename.endswith("_warn.py")
        False
    """
    frame = sys._getframe(1)
    level = 2  # warnings.warn(stacklevel=2) names this function's caller
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE):
        frame = frame.f_back  # type: ignore[assignment]
        level += 1
    if frame is None or any(m in frame.f_code.co_filename for m in _MACHINERY):
        level = stacklevel + 1
    warnings.warn(message, category, stacklevel=level)
