"""Pydantic's validator of a fact dataclass, for the tests that check the builder against it."""

from __future__ import annotations

import dataclasses
import typing
from typing import Any

from pydantic import TypeAdapter

__all__ = ["strict_adapter"]


def strict_adapter(cls: type) -> TypeAdapter[Any]:
    """Pydantic's validator of ``cls``, refusing unknown keys as :func:`_build.build` does.

    Pydantic ignores unknown keys of a plain dataclass unless the class says otherwise; the
    setting is pydantic's own, so it is given here, to every dataclass ``cls`` reaches.
    """

    def forbid(hint: Any) -> None:
        if isinstance(hint, type) and dataclasses.is_dataclass(hint):
            hint.__pydantic_config__ = {"extra": "forbid"}  # type: ignore[attr-defined]
            for inner in typing.get_type_hints(hint).values():
                forbid(inner)
        for arg in typing.get_args(hint):
            forbid(arg)

    forbid(cls)
    return TypeAdapter(cls)
