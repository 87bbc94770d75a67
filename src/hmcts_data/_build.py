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
from collections.abc import Callable
from functools import cache, partial
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
    return cast("_T", _converter(cast("Any", cls))(data, where or None))


# Where a value sits, built only when a message needs it: None (the top), (parent, key) for a
# table's key, or (parent, index, value) for a list's item.
_Where = Any
_Convert = Callable[[object, _Where], object]


def _path(where: _Where) -> str:
    if where is None:
        return ""
    if isinstance(where, str):
        return where
    if len(where) == 2:
        return _at(_path(where[0]), where[1])
    return _item(_path(where[0]), where[1], where[2])


def _at(where: str, name: str) -> str:
    return f"{where}.{name}" if where else name


def _fail(where: _Where, message: str) -> FactError:
    text = _path(where)
    return FactError(f"{text}: {message}" if text else message)


def _item(where: str, index: int, value: object) -> str:
    # Entries of an array of tables are named as a maintainer finds them: by number, and by id
    # when they have one.
    named = f" (id {value['id']!r})" if isinstance(value, dict) and "id" in value else ""
    return f"{where} #{index + 1}{named}"


@cache
def _converter(hint: Any) -> _Convert:
    """The function that checks and converts a value of annotation ``hint`` (made once)."""
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return _instance_of(hint)
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is Union or origin is types.UnionType:
        (other,) = (a for a in args if a is not type(None))
        inner = _converter(other)
        optional = type(None) in args
        return lambda v, w: None if v is None and optional else inner(v, w)
    if origin is Literal:
        return partial(_literal, args)
    if origin is tuple:
        return partial(_tuple, _converter(args[0]))
    if origin is dict:
        return partial(_dict, _converter(args[1]))
    if hint is bool or hint is str:
        return partial(_plain, hint, "text" if hint is str else "true/false")
    if hint is datetime.date:
        return _date
    if hint is int or hint is float:
        return partial(_number, hint, (int, float) if hint is float else (int,))
    raise TypeError(f"annotation {hint!r} is not one a fact file can hold")


def _literal(allowed: tuple[object, ...], value: object, where: _Where) -> object:
    if isinstance(value, str) and value in allowed:
        return value
    raise _fail(where, f"must be one of {list(allowed)}, got {value!r}")


def _tuple(inner: _Convert, value: object, where: _Where) -> object:
    if not isinstance(value, list | tuple):
        raise _fail(where, f"expected a list, got {value!r}")
    return tuple(inner(v, (where, i, v)) for i, v in enumerate(value))


def _dict(inner: _Convert, value: object, where: _Where) -> object:
    if not isinstance(value, dict) or not all(isinstance(k, str) for k in value):
        raise _fail(where, f"expected a table, got {value!r}")
    return {k: inner(v, (where, k)) for k, v in value.items()}


def _plain(kind: type, what: str, value: object, where: _Where) -> object:
    if not isinstance(value, kind):
        raise _fail(where, f"expected {what}, got {value!r}")
    return value


def _date(value: object, where: _Where) -> object:
    if not isinstance(value, datetime.date) or isinstance(value, datetime.datetime):
        raise _fail(where, f"expected a date (YYYY-MM-DD), got {value!r}")
    return value


def _number(kind: type, allowed: tuple[type, ...], value: object, where: _Where) -> object:
    if isinstance(value, bool) or not isinstance(value, allowed):
        raise _fail(where, f"expected a number, got {value!r}")
    return kind(value)


def _instance_of(cls: type) -> _Convert:
    """The converter of a dataclass: its fields' converters, looked up once."""
    fields = {f.name: f for f in dataclasses.fields(cls) if f.init}
    required = [
        name
        for name, f in fields.items()
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    ]
    hints = typing.get_type_hints(cls)
    converters: dict[str, _Convert] = {}

    def convert(value: object, where: _Where) -> object:
        if not isinstance(value, dict):
            raise _fail(where, f"expected a table, got {value!r}")
        unknown = sorted(set(value) - fields.keys())
        if unknown:
            raise _fail(where, f"unknown keys {unknown} (known: {sorted(fields)})")
        missing = [name for name in required if name not in value]
        if missing:
            raise _fail(where, f"missing keys {missing}")
        if not converters:  # made on first use: a class may refer to itself or a later one
            converters.update({name: _converter(hints[name]) for name in fields})
        kwargs = {name: converters[name](v, (where, name)) for name, v in value.items()}
        try:
            return cls(**kwargs)
        except FactError:
            raise
        except ValueError as exc:  # a rule of the class (its __post_init__)
            raise _fail(where, str(exc)) from exc

    return convert
