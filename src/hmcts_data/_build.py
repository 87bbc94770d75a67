"""Frozen dataclasses built from parsed TOML, every value checked against its annotation.

The one builder of the package's data files (the fact files of :mod:`hmcts_data.tables`, the
publication registry): a file is read with ``tomllib`` straight into the frozen dataclasses the
code uses, and :func:`build` refuses unknown or missing keys and values of the wrong type, then
runs each class's own ``__post_init__`` rules. No pydantic: the test suite validates the same
classes with pydantic, independently. A ground-floor module: it imports nothing of the package.
"""

from __future__ import annotations

import dataclasses
import datetime
import types
import typing
from functools import cache
from typing import Any, Literal, TypeVar, Union, cast

__all__ = ["FactError", "build"]

_T = TypeVar("_T")


class FactError(ValueError):
    """A value of a fact file does not fit its dataclass; the message names the entry."""


def build(cls: type[_T], data: object, where: str = "") -> _T:
    """Build the dataclass ``cls`` from parsed TOML (or JSON-shaped) ``data``, checking it.

    Each value must fit its field's annotation: ``str``, ``int``, ``float``, ``bool``, ``date``,
    ``Literal[...]``, ``X | None``, ``tuple[X, ...]`` (from a list), ``dict[str, X]`` or a
    dataclass (from a table, whose keys must all be fields, every field without a default
    given). Then the class's own ``__post_init__`` rules run.

    Args:
        cls: The dataclass.
        data: Its parsed data.
        where: Where ``data`` sits in its file, for messages.

    Returns:
        The instance.

    Raises:
        FactError: A value does not fit; the message names the entry (``series #3 (id
            'civil.receipts'): unit ...``).

    Example:
        >>> @dataclasses.dataclass(frozen=True)
        ... class Entry:
        ...     unit: str
        ...     match: tuple[str, ...] = ()
        >>> build(Entry, {"unit": "cases", "match": ["received"]})
        Entry(unit='cases', match=('received',))
        >>> build(Entry, {"unit": 3})
        Traceback (most recent call last):
        hmcts_data._build.FactError: unit: expected text, got 3
    """
    return cast("_T", _convert(cls, data, where))


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _at(where: str, name: str) -> str:
    return f"{where}.{name}" if where else name


def _fail(where: str, message: str) -> FactError:
    return FactError(f"{where}: {message}" if where else message)


def _convert(hint: Any, value: object, where: str) -> object:
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return _instance(hint, value, where)
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is Union or origin is types.UnionType:
        if value is None and type(None) in args:
            return None
        (other,) = (a for a in args if a is not type(None))
        return _convert(other, value, where)
    if origin is Literal:
        if isinstance(value, str) and value in args:
            return value
        raise _fail(where, f"must be one of {list(args)}, got {value!r}")
    if origin is tuple:
        if not isinstance(value, list | tuple):
            raise _fail(where, f"expected a list, got {value!r}")
        item = args[0]
        return tuple(_convert(item, v, _item(where, i, v)) for i, v in enumerate(value))
    if origin is dict:
        if not isinstance(value, dict) or not all(isinstance(k, str) for k in value):
            raise _fail(where, f"expected a table, got {value!r}")
        return {k: _convert(args[1], v, _at(where, k)) for k, v in value.items()}
    if hint is bool or hint is str:
        if not isinstance(value, hint):
            raise _fail(where, f"expected {'text' if hint is str else 'true/false'}, got {value!r}")
        return value
    if hint is datetime.date:
        if not isinstance(value, datetime.date) or isinstance(value, datetime.datetime):
            raise _fail(where, f"expected a date (YYYY-MM-DD), got {value!r}")
        return value
    if hint is int or hint is float:
        allowed = (int, float) if hint is float else (int,)
        if isinstance(value, bool) or not isinstance(value, allowed):
            raise _fail(where, f"expected a number, got {value!r}")
        return hint(value)
    raise TypeError(f"{where}: annotation {hint!r} is not one a fact file can hold")


def _item(where: str, index: int, value: object) -> str:
    # Entries of an array of tables are named as a maintainer finds them: by number, and by id
    # when they have one.
    named = f" (id {value['id']!r})" if isinstance(value, dict) and "id" in value else ""
    return f"{where} #{index + 1}{named}"


def _instance(cls: type, value: object, where: str) -> object:
    if not isinstance(value, dict):
        raise _fail(where, f"expected a table, got {value!r}")
    fields = {f.name: f for f in dataclasses.fields(cls) if f.init}
    unknown = sorted(set(value) - set(fields))
    if unknown:
        raise _fail(where, f"unknown keys {unknown} (known: {sorted(fields)})")
    missing = [
        name
        for name, f in fields.items()
        if name not in value
        and f.default is dataclasses.MISSING
        and f.default_factory is dataclasses.MISSING
    ]
    if missing:
        raise _fail(where, f"missing keys {missing}")
    hints = _hints(cls)
    kwargs = {name: _convert(hints[name], v, _at(where, name)) for name, v in value.items()}
    try:
        return cls(**kwargs)
    except FactError:
        raise
    except ValueError as exc:  # a rule of the class (its __post_init__)
        raise _fail(where, str(exc)) from exc
