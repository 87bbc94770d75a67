"""The pydantic models that validate ``vocabulary.toml`` (imported only to validate it).

The runtime objects are the frozen dataclasses of :mod:`hmcts_data.tables._schema` with the
same names and fields (a test pins them equal): a read of an unchanged install builds them from
the pre-built data without importing pydantic (see :mod:`hmcts_data.tables._facts`).
"""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, field_validator

__all__ = ["Vocabulary", "VocabularyEntry"]

_KEY = re.compile(r"^[a-z][a-z0-9_]*(?:-[a-z0-9_]+)*$")


class VocabularyEntry(BaseModel):
    """One vocabulary value: a label for people and a description."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    label: str
    description: str

    @field_validator("label", "description")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        return value


class Vocabulary(BaseModel):
    """The canonical values of the categorical tidy columns (from ``vocabulary.toml``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    publication: dict[str, VocabularyEntry]
    jurisdiction: dict[str, VocabularyEntry]
    measure: dict[str, VocabularyEntry]
    unit: dict[str, VocabularyEntry]
    #: Canonical values of the (free-text) breakdown column that crosswalks emit.
    breakdown: dict[str, VocabularyEntry] = {}

    @field_validator("publication", "jurisdiction", "measure", "unit", "breakdown")
    @classmethod
    def _keys(cls, value: dict[str, VocabularyEntry]) -> dict[str, VocabularyEntry]:
        bad = [k for k in value if not _KEY.match(k)]
        if bad:
            raise ValueError(f"keys must be lower snake_case (or hyphenated ids): {bad}")
        return value
