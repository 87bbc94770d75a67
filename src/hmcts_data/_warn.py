"""Warnings attributed to the user's line, however deep in the library they are raised.

A fixed ``stacklevel`` is right for one call path only: ``load`` reaches the parser through
more frames than ``read``, and ``series`` through more again, so a warning about a file ended
up attributed to ``hmcts_data/_api.py``. :func:`warn` walks the stack to the first frame
outside the package, so the warning names the script, notebook cell or test that called the
library, whichever public function it called.
"""

from __future__ import annotations

import contextlib
import os
import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["HEADLINE_MAX", "notice", "once_per_call", "warn"]

#: Longest first line a warning shows: what happened and what to do. Lists, reasons and numbers
#: go to its ``detail`` (shown by ``hmcts-data --verbose``).
HEADLINE_MAX = 200

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


def headline_and_detail(text: str, limit: int = HEADLINE_MAX) -> tuple[str, str | None]:
    """Split ``text`` into a first line of at most ``limit`` characters and the rest.

    Whole sentences are kept on the first line while they fit; a first sentence longer than
    the limit is cut at a word with an ellipsis, and the whole text goes to the detail.

    Example:
        >>> headline_and_detail("Short. " + "x" * 300)[0]
        'Short.'
    """
    text = " ".join(text.split())
    if len(text) <= limit:
        return text, None
    cut = 0
    for index, char in enumerate(text):
        if index >= limit:
            break
        if char == "." and (index + 1 == len(text) or text[index + 1] == " "):
            cut = index + 1
    if cut:
        return text[:cut], text[cut:].strip()
    return text[: limit - 1].rsplit(" ", 1)[0] + "…", text


def notice(
    category: type[Warning],
    headline: str,
    *,
    detail: str | None = None,
    cli_headline: str | None = None,
) -> Warning:
    """A warning a person reads: one short line, the details attached to the object.

    Args:
        category: The warning class.
        headline: What happened and what to do, under :data:`HEADLINE_MAX` characters (a
            longer one is split: its overflow goes to the detail).
        detail: Lists, reasons and numbers: the warning's ``detail`` attribute (shown by
            ``hmcts-data --verbose``).
        cli_headline: The first line with command-line advice instead of Python
            (``cli_text``), where it differs.

    Returns:
        The warning, for :func:`warn`.

    Example:
        >>> w = notice(UserWarning, "Something happened; do this.", detail="the list")
        >>> str(w), w.detail
        ('Something happened; do this.', 'the list')
    """
    head, overflow = headline_and_detail(headline)
    more = " ".join(part for part in (overflow, detail) if part) or None
    warning = category(head)
    warning.detail = more  # type: ignore[attr-defined]
    if cli_headline is not None:
        warning.cli_text = headline_and_detail(cli_headline)[0]  # type: ignore[attr-defined]
    return warning


@contextmanager
def once_per_call(*, drop_on_error: bool = False) -> Iterator[None]:
    """Show each distinct warning raised inside the block once, when the block ends.

    A verb that reads the catalogue several times (``release_changes`` loads two releases)
    would otherwise repeat the same staleness warning. Warnings keep the file and line they
    were attributed to (the user's line, see :func:`warn`).

    Args:
        drop_on_error: Drop the warnings when the block raises (a file that is refused must
            not first be warned about).

    Example:
        >>> with warnings.catch_warnings(record=True) as caught:
        ...     warnings.simplefilter("always")
        ...     with once_per_call():
        ...         warn("same", UserWarning)
        ...         warn("same", UserWarning)
        >>> len(caught)
        1
    """
    caught: list[warnings.WarningMessage] = []
    try:
        with warnings.catch_warnings(record=True) as recorder:
            warnings.simplefilter("always")
            try:
                yield
            finally:
                caught = list(recorder)
    except BaseException:
        if not drop_on_error:
            # The error matters more than a warning the caller's filters turn into one.
            with contextlib.suppress(Warning):
                _replay(caught)
        raise
    _replay(caught)


def _replay(caught: list[warnings.WarningMessage]) -> None:
    seen: set[tuple[type[Warning], str]] = set()
    for item in caught:
        key = (item.category, str(item.message))
        if key in seen:
            continue
        seen.add(key)
        warnings.warn_explicit(item.message, item.category, item.filename, item.lineno)
