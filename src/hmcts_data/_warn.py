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
import threading
import typing
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from types import FrameType

__all__ = ["HEADLINE_MAX", "carried", "gathered", "muted", "notice", "once_per_call", "warn"]

#: Longest first line a warning shows: what happened and what to do. Lists, reasons and numbers
#: go to its ``detail`` (shown by ``hmcts-data --verbose``).
HEADLINE_MAX = 200

_PACKAGE = os.path.dirname(os.path.abspath(__file__)) + os.sep
# Frames of these stdlib modules are no user's line: a warning raised in a worker thread
# (parallel downloads) has only them above the library.
_MACHINERY = ("threading.py", os.path.join("concurrent", "futures"))
# Passed over like the package's own frames: a warning shown when a library ``with`` block
# ends is raised from contextlib's ``__exit__``.
_CONTEXTLIB = contextlib.__file__


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
    frame, level = _user_frame(sys._getframe(1))
    kind = type(message) if isinstance(message, Warning) else (category or UserWarning)
    item = _Item(message, kind, frame, frame.f_lineno if frame is not None else 0)
    if _deliver(item, _SCOPE.get()):
        return
    if frame is None:
        level = stacklevel
    warnings.warn(message, category, stacklevel=level + 1)


def _user_frame(frame: FrameType | None) -> tuple[FrameType | None, int]:
    """The first frame outside the package (``None``: a worker thread's) and its stack level."""
    level = 1  # as a stacklevel counted from the caller of the function that passed ``frame``
    while frame is not None and (
        frame.f_code.co_filename.startswith(_PACKAGE) or frame.f_code.co_filename == _CONTEXTLIB
    ):
        frame = frame.f_back
        level += 1
    if frame is None or any(m in frame.f_code.co_filename for m in _MACHINERY):
        return None, level
    return frame, level


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


# Warnings are routed through a context variable, never through the process-wide warnings
# state (``warnings.catch_warnings`` is not thread-safe: while one thread's call recorded its
# warnings, another thread's, the library's or the user's own, went into its list or were lost).
# Each thread (and each asyncio task) has its own scope; the library's worker threads are given
# their caller's with :func:`carried`.


@dataclass(eq=False)
class _Item:
    """One warning raised in a scope, with the user's frame it is attributed to (if any)."""

    message: str | Warning
    category: type[Warning]
    frame: FrameType | None
    #: The frame's line when the warning was raised.
    lineno: int = 0

    @property
    def key(self) -> tuple[type[Warning], str]:
        return self.category, str(self.message)


@dataclass(eq=False)
class _Scope:
    """Where the warnings raised in one library call (or one part of it) go."""

    parent: _Scope | None
    #: ``None``: every warning; otherwise only these (the rest go to the parent).
    only: type[Warning] | None = None
    #: Dropped, not kept: the library reading a file for its own purposes.
    drop: bool = False
    items: list[_Item] = field(default_factory=list)
    closed: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)

    def take(self, item: _Item) -> bool:
        """Keep (or drop) ``item`` if this scope is open and wants it."""
        if self.only is not None and not issubclass(item.category, self.only):
            return False
        with self.lock:
            if self.closed:  # a worker outliving its call: its warning still goes out
                return False
            if not self.drop:
                self.items.append(item)
        return True

    def close(self) -> list[_Item]:
        """Stop taking warnings; those kept, in order."""
        with self.lock:
            self.closed = True
            items, self.items = self.items, []
        return items


def _once(items: list[_Item]) -> list[_Item]:
    """Each distinct warning (category and text) once, the first of each, in order."""
    seen: set[tuple[type[Warning], str]] = set()
    once: list[_Item] = []
    for item in items:
        if item.key not in seen:
            seen.add(item.key)
            once.append(item)
    return once


_SCOPE: ContextVar[_Scope | None] = ContextVar("hmcts_data_warnings", default=None)


def _deliver(item: _Item, scope: _Scope | None) -> bool:
    """Give ``item`` to the innermost open scope that takes it; False: none did."""
    while scope is not None:
        if scope.take(item):
            return True
        scope = scope.parent
    return False


def _emit(item: _Item, fallback: FrameType | None) -> None:
    """Show ``item`` through the warnings machinery, at its user's line (or ``fallback``)."""
    frame = item.frame or fallback
    if frame is None:
        warnings.warn(item.message, item.category, stacklevel=2)
        return
    # As warnings.warn does for the frame it names: its module for the filters, its registry
    # for the "default" and "module" actions (and, like it, no module globals: their loader
    # may not give the source, ``python -c``'s does not).
    module = frame.f_globals.get("__name__") or "sys"
    registry = frame.f_globals.setdefault("__warningregistry__", {})
    lineno = item.lineno if item.frame is not None else frame.f_lineno
    warnings.warn_explicit(
        item.message, item.category, frame.f_code.co_filename, lineno, module, registry
    )


def _pass_on(items: list[_Item], parent: _Scope | None) -> None:
    """Hand ``items`` to the enclosing scope, or show them when there is none."""
    fallback: FrameType | None = None
    for item in items:
        if _deliver(item, parent):
            continue
        if item.frame is None and fallback is None:
            # Raised in a worker thread: shown at the line that made this call.
            fallback = _user_frame(sys._getframe(1))[0]
        _emit(item, fallback)


@contextmanager
def once_per_call(*, drop_on_error: bool = False) -> Iterator[None]:
    """Show each distinct warning the library raises inside the block once, when it ends.

    A verb that reads the catalogue several times (``release_changes`` loads two releases)
    would otherwise repeat the same staleness warning. Warnings keep the file and line they
    were attributed to (the user's line, see :func:`warn`). Only this thread's (and this
    call's worker threads', see :func:`carried`) library warnings are held back: another
    thread's, and any not raised through :func:`warn`, are shown as usual.

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
    parent = _SCOPE.get()
    scope = _Scope(parent)
    token = _SCOPE.set(scope)
    try:
        yield
    except BaseException:
        _SCOPE.reset(token)
        items = _once(scope.close())
        if not drop_on_error:
            # The error matters more than a warning the caller's filters turn into one.
            with contextlib.suppress(Warning):
                _pass_on(items, parent)
        raise
    _SCOPE.reset(token)
    _pass_on(_once(scope.close()), parent)


@contextmanager
def muted() -> Iterator[None]:
    """Drop the library's warnings raised inside the block (in this thread and its workers).

    For the library reading a file for its own purposes (to tell which publication it is):
    what the reading would warn about is not the user's concern.

    Example:
        >>> with warnings.catch_warnings(record=True) as caught:
        ...     warnings.simplefilter("always")
        ...     with muted():
        ...         warn("not shown", UserWarning)
        >>> caught
        []
    """
    token = _SCOPE.set(_Scope(_SCOPE.get(), drop=True))
    try:
        yield
    finally:
        scope = _SCOPE.get()
        _SCOPE.reset(token)
        if scope is not None:
            scope.close()


@contextmanager
def gathered(category: type[Warning]) -> Iterator[list[Warning | str]]:
    """Collect the library's ``category`` warnings raised inside the block, without showing them.

    Every one, repeats included; other warnings go on as usual. The list is filled when the
    block ends; warnings from the block's worker threads are included (see :func:`carried`).

    Example:
        >>> with gathered(UserWarning) as got:
        ...     warn("first", UserWarning)
        ...     warn("first", UserWarning)
        >>> [str(m) for m in got]
        ['first', 'first']
    """
    parent = _SCOPE.get()
    scope = _Scope(parent, only=category)
    token = _SCOPE.set(scope)
    got: list[Warning | str] = []
    try:
        yield got
    finally:
        _SCOPE.reset(token)
        got.extend(item.message for item in scope.close())


_T = typing.TypeVar("_T")


def carried(call: Callable[..., _T]) -> Callable[..., _T]:
    """``call`` wrapped to report its warnings to the current call's scope, from any thread.

    Wrap what is handed to a worker thread, in the thread that hands it over::

        pool.submit(carried(fetch), page)

    Example:
        >>> with gathered(UserWarning) as got:
        ...     worker = threading.Thread(target=carried(warn), args=("in a thread",))
        ...     worker.start()
        ...     worker.join()
        >>> [str(m) for m in got]
        ['in a thread']
    """
    scope = _SCOPE.get()

    def run(*args: typing.Any, **kwargs: typing.Any) -> _T:
        token = _SCOPE.set(scope)
        try:
            return call(*args, **kwargs)
        finally:
            _SCOPE.reset(token)

    return run
