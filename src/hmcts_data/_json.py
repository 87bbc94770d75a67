r"""Decoding an API page from outside: JSON that is safe to walk, store and print.

``json.loads`` accepts things the rest of the library cannot take: nesting deep enough to
exhaust the interpreter's recursion limit (``RecursionError``, here or in any later walk),
and lone UTF-16 surrogates (``"\ud800"``), which are legal JSON escapes but cannot be encoded
as UTF-8, so a title holding one fails later, when the discovery is saved. Both are dealt with
here, where the page enters, before anything is cached.
"""

from __future__ import annotations

import json
import re
from typing import Any

from hmcts_data._errors import ParseError

__all__ = ["MAX_JSON_DEPTH", "decode_json"]

#: Deepest nesting of arrays and objects accepted in an API page (GOV.UK's are about ten).
MAX_JSON_DEPTH = 64
#: An escaped surrogate in the raw text: only then can a decoded string hold a lone one.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_SURROGATE = re.compile("[\ud800-\udfff]")


def decode_json(body: bytes, url: str) -> Any:
    r"""Decode ``body`` as JSON, refusing deep nesting and replacing lone surrogates.

    Args:
        body: The page as received (UTF-8, or UTF-16/32 with its byte order).
        url: Where it came from, for the message.

    Returns:
        The decoded value; any lone surrogate in a string (or key) is replaced by U+FFFD, so
        every string can be stored as UTF-8.

    Raises:
        ParseError: Not JSON, or nested more than :data:`MAX_JSON_DEPTH` deep.

    Example:
        >>> decode_json(b'{"title": "A \\ud800 page"}', "u") == {"title": "A \ufffd page"}
        True
        >>> try:
        ...     decode_json(b"[" * 100 + b"]" * 100, "u")
        ... except ParseError as exc:
        ...     print(str(exc)[:31])
        u is nested more than 64 levels
    """
    try:
        data = json.loads(body)
    except RecursionError:
        raise _too_deep(url) from None
    except ValueError as exc:  # UnicodeDecodeError and JSONDecodeError included
        raise ParseError(
            f"{url} did not return valid JSON ({str(exc)[:200]}). GOV.UK may be showing an "
            "error page; nothing was cached. Try again later.",
            file=url,
        ) from None
    repair = _SURROGATE_ESCAPE.search(body) is not None
    return _walk(data, url, repair=repair)


def _too_deep(url: str) -> ParseError:
    return ParseError(
        f"{url} is nested more than {MAX_JSON_DEPTH} levels deep, which no GOV.UK page is; it "
        "was refused and nothing was cached. Try again later, or report it if it persists.",
        file=url,
    )


def _clean(text: str) -> str:
    return _SURROGATE.sub("\ufffd", text)


def _walk(data: Any, url: str, *, repair: bool) -> Any:
    """Check the depth without recursion; with ``repair``, replace lone surrogates in place."""
    if repair and isinstance(data, str):
        return _clean(data)
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise _too_deep(url)
        if isinstance(node, dict):
            if repair and any(isinstance(k, str) and _SURROGATE.search(k) for k in node):
                items = [(_clean(k), v) for k, v in node.items()]
                node.clear()
                node.update(items)
            for key, value in node.items():
                if isinstance(value, dict | list):
                    stack.append((value, depth + 1))
                elif repair and isinstance(value, str):
                    node[key] = _clean(value)
        elif isinstance(node, list):
            for i, value in enumerate(node):
                if isinstance(value, dict | list):
                    stack.append((value, depth + 1))
                elif repair and isinstance(value, str):
                    node[i] = _clean(value)
    return data
