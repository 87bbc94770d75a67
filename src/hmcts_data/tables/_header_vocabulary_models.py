"""The pydantic models that validate ``header_vocabulary.toml`` (imported only to validate it).

The runtime objects are the frozen dataclasses of :mod:`hmcts_data.tables._interpret` with the
same names and fields (a test pins them equal): a read of an unchanged install builds them from
the pre-built data without importing pydantic (see :mod:`hmcts_data.tables._facts`).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

from hmcts_data.tables._interpret import UNITS, words
from hmcts_data.tables._schema import vocabulary

__all__ = ["MeasureRule", "Phrase", "Vocabulary"]


class Phrase(BaseModel):
    """Phrases (whole words after normalisation) and what they say."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    match: tuple[str, ...] = Field(min_length=1)
    jurisdiction: str | None = None
    measure: str | None = None
    qualifier: str | None = None
    by_unit: dict[str, str] | None = None
    scope: bool = False

    @model_validator(mode="after")
    def _says_something(self) -> Phrase:
        if not (self.jurisdiction or self.measure or self.qualifier or self.by_unit or self.scope):
            raise ValueError(f"phrase {self.match} says nothing")
        return self


class MeasureRule(BaseModel):
    """What a measure implies (see ``header_vocabulary.toml``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    jurisdiction: str | None = None
    specialises: tuple[str, ...] = ()
    drops: tuple[str, ...] = ()


class Vocabulary(BaseModel):
    """The interpreter vocabulary (see the runtime ``Vocabulary`` of ``_interpret``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: int
    filler: tuple[str, ...]
    units: dict[str, tuple[str, ...]]
    qualifiers: dict[str, int]
    measures: dict[str, MeasureRule] = {}
    monthly_only: tuple[str, ...] = ()
    phrase: tuple[Phrase, ...]

    @model_validator(mode="after")
    def _known(self) -> Vocabulary:
        vocab = vocabulary()
        if self.version != 1:
            raise ValueError(f"version must be 1, got {self.version}")
        for unit in self.units:
            if unit not in UNITS:
                raise ValueError(f"units: {unit!r} is not one of {UNITS}")
        for name, rule in self.measures.items():
            if name not in vocab.measure:
                raise ValueError(f"measures: {name!r} is not a measure of the vocabulary")
            if rule.jurisdiction is not None and rule.jurisdiction not in vocab.jurisdiction:
                raise ValueError(f"measures.{name}: unknown jurisdiction {rule.jurisdiction!r}")
            for other in rule.specialises:
                if other not in vocab.measure:
                    raise ValueError(f"measures.{name}: unknown measure {other!r}")
            for q in rule.drops:
                if q not in self.qualifiers:
                    raise ValueError(f"measures.{name}: unknown qualifier {q!r}")
        listed = {m for p in self.phrase for m in p.match}
        for short in self.monthly_only:
            if short not in listed:
                raise ValueError(f"monthly_only: {short!r} is not a phrase")
        for p in self.phrase:
            if p.jurisdiction is not None and p.jurisdiction not in vocab.jurisdiction:
                raise ValueError(f"phrase {p.match}: unknown jurisdiction {p.jurisdiction!r}")
            if p.measure is not None and p.measure not in vocab.measure:
                raise ValueError(f"phrase {p.match}: unknown measure {p.measure!r}")
            if p.qualifier is not None and p.qualifier not in self.qualifiers:
                raise ValueError(f"phrase {p.match}: unknown qualifier {p.qualifier!r}")
            for unit, measure in (p.by_unit or {}).items():
                if unit not in UNITS or measure not in vocab.measure:
                    raise ValueError(f"phrase {p.match}: by_unit {unit!r} = {measure!r}")
            if any(not words(m) for m in p.match):
                raise ValueError(f"phrase {p.match}: a phrase is blank once normalised")
        return self
