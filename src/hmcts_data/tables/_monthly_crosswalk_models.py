"""The pydantic models that validate ``monthly_crosswalk.toml`` (imported only to validate it).

The runtime objects are the frozen dataclasses of :mod:`hmcts_data.tables._monthly_crosswalk`
with the same names and fields (a test pins them equal): a read of an unchanged install builds
them from the pre-built data without importing pydantic (see :mod:`hmcts_data.tables._facts`).
"""

from __future__ import annotations

import re
from typing import Final

from pydantic import BaseModel, ConfigDict, Field, field_validator

__all__ = ["BlockColumn", "HeaderLabel", "PositionalBlock", "Series"]

_BREAKDOWN: Final = re.compile(r"^(?:[a-z0-9]+(?:_[a-z0-9]+)*)?$")


class HeaderLabel(BaseModel):
    """A header as published, and the eras that publish it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    label: str = Field(min_length=1)
    eras: tuple[str, ...] = Field(min_length=1)


class Series(BaseModel):
    """One published series and its canonical key (see the runtime ``Series``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(min_length=1)
    jurisdiction: str
    measure: str
    breakdown: str = ""
    unit: str
    note: str = ""
    headers: tuple[HeaderLabel, ...] = ()

    @field_validator("breakdown")
    @classmethod
    def _breakdown(cls, value: str) -> str:
        if not _BREAKDOWN.match(value):
            raise ValueError(f"breakdown {value!r} must be lower snake_case or empty")
        return value


class BlockColumn(BaseModel):
    """One column of a positional block."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    label: str = Field(min_length=1)
    series: str


class PositionalBlock(BaseModel):
    """Columns whose names are ambiguous, matched by position when the whole block is present."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    eras: tuple[str, ...] = Field(min_length=1)
    start: int = Field(ge=1)
    note: str = ""
    columns: tuple[BlockColumn, ...] = Field(min_length=1)
