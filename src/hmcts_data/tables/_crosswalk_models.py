"""The pydantic models that validate the other publications' crosswalk files (only to validate).

``common_crosswalk.toml`` and each ``<publication>_crosswalk.toml``. The runtime objects are the
frozen dataclasses of :mod:`hmcts_data.tables._crosswalk` with the same names and fields (a test
pins them equal): a read of an unchanged install builds them from the pre-built data without
importing pydantic (see :mod:`hmcts_data.tables._facts`).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from hmcts_data.tables._crosswalk import STATED, normalise, phrases_ok
from hmcts_data.tables._schema import vocabulary

__all__ = [
    "BreakdownEntry",
    "Common",
    "Crosswalk",
    "JurisdictionEntry",
    "LabelException",
    "MeasureEntry",
]


class MeasureEntry(BaseModel):
    """A measure a publication reports.

    Attributes:
        unit: Unit of its figures when the label states none.
        shared: The header interpreter's phrases for the measure count too.
        match: The publication's own phrase variants.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    unit: str
    shared: bool = False
    match: tuple[str, ...] = ()


class BreakdownEntry(BaseModel):
    """A breakdown a publication reports.

    Attributes:
        jurisdiction: The jurisdiction its phrases name too, if any.
        match: Its phrase variants.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    jurisdiction: str | None = None
    match: tuple[str, ...] = Field(min_length=1)


class JurisdictionEntry(BaseModel):
    """Phrases naming an aggregate jurisdiction (``common_crosswalk.toml``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    match: tuple[str, ...] = Field(min_length=1)


class LabelException(BaseModel):
    """A whole label the grammar cannot read, and what it means.

    Attributes:
        label: The label (matched once normalised, ``[...]`` codes dropped).
        evidence: ``"observed"`` (seen in a file: mapping ``"exact"``) or ``"inferred"``.
        jurisdiction: Jurisdiction (else filled from the title, as for any label).
        measure: Measure (else the default measure or the title's).
        breakdown: Breakdown, if any.
        unit: Unit (else the measure's).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    label: str
    evidence: Literal["observed", "inferred"]
    jurisdiction: str | None = None
    measure: str | None = None
    breakdown: str | None = None
    unit: str | None = None


class Common(BaseModel):
    """What every publication of this module shares (``common_crosswalk.toml``).

    Attributes:
        filler: Words without meaning of their own.
        units: Unit -> words stating it, beyond the interpreter's.
        jurisdictions: Aggregate jurisdiction -> its phrases.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    filler: tuple[str, ...]
    units: dict[str, tuple[str, ...]] = {}
    jurisdictions: dict[str, JurisdictionEntry]

    @model_validator(mode="after")
    def _known(self) -> Common:
        vocab = vocabulary()
        for unit, phrases in self.units.items():
            if unit not in STATED:
                raise ValueError(f"units: {unit!r} is not one of {STATED}")
            phrases_ok(phrases, f"units.{unit}")
        for name, entry in self.jurisdictions.items():
            if name not in vocab.jurisdiction:
                raise ValueError(f"jurisdictions: {name!r} is not in the vocabulary")
            phrases_ok(entry.match, f"jurisdictions.{name}")
        return self


class Crosswalk(BaseModel):
    """A publication's label vocabulary and exceptions.

    Attributes:
        publication: Publication id.
        note: What the vocabulary rests on (evidence), for the docs.
        default_measure: Measure of a series whose labels name none (e.g. ``hearings``).
        filler: The publication's own filler words (beyond the shared ones).
        measures: Measure -> its unit and phrases.
        breakdowns: Breakdown -> its phrases (and the jurisdiction they name).
        exception: Whole labels the grammar cannot read.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    publication: str
    note: str
    default_measure: str | None = None
    filler: tuple[str, ...] = ()
    measures: dict[str, MeasureEntry]
    breakdowns: dict[str, BreakdownEntry] = {}
    exception: tuple[LabelException, ...] = ()

    @model_validator(mode="after")
    def _check(self) -> Crosswalk:
        vocab = vocabulary()
        if self.publication not in vocab.publication:
            raise ValueError(f"publication {self.publication!r} is not in the vocabulary")
        if self.default_measure is not None and self.default_measure not in self.measures:
            raise ValueError(f"default_measure {self.default_measure!r} is not in measures")
        owner: dict[str, str] = {}

        def own(phrases: tuple[str, ...], where: str) -> None:
            phrases_ok(phrases, where)
            for phrase in phrases:
                key = normalise(phrase)
                if owner.setdefault(key, where) != where:
                    raise ValueError(f"phrase {phrase!r} means both {owner[key]} and {where}")

        for name, entry in self.measures.items():
            if name not in vocab.measure:
                raise ValueError(f"measures: {name!r} is not a measure of the vocabulary")
            if entry.unit not in vocab.unit:
                raise ValueError(f"measures.{name}: unit {entry.unit!r} is not in the vocabulary")
            if not entry.match and not entry.shared:
                raise ValueError(f"measures.{name}: no phrase names it")
            own(entry.match, f"measures.{name}")
        for name, b in self.breakdowns.items():
            if name not in vocab.breakdown:
                raise ValueError(f"breakdowns: {name!r} is not a breakdown of the vocabulary")
            if b.jurisdiction is not None and b.jurisdiction not in vocab.jurisdiction:
                raise ValueError(f"breakdowns.{name}: unknown jurisdiction {b.jurisdiction!r}")
            own(b.match, f"breakdowns.{name}")
        phrases_ok(self.filler, "filler")
        seen: set[str] = set()
        for e in self.exception:
            key = normalise(e.label)
            if not key or key in seen:
                raise ValueError(f"exception {e.label!r} is blank or listed twice")
            seen.add(key)
            checks = (
                ("jurisdiction", e.jurisdiction, vocab.jurisdiction),
                ("measure", e.measure, self.measures),
                ("breakdown", e.breakdown, self.breakdowns),
                ("unit", e.unit, vocab.unit),
            )
            for field, value, known in checks:
                if value is not None and value not in known:
                    raise ValueError(f"exception {e.label!r}: {field} {value!r} is not known")
            if all(v is None for _, v, _ in checks):
                raise ValueError(f"exception {e.label!r} says nothing")
        return self
