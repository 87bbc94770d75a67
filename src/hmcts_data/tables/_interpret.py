"""The header interpreter: what a header the exact crosswalk does not record means, if certain.

Headers follow a loose grammar: a jurisdiction phrase, a measure phrase, optional breakdown
qualifiers and unit words. :func:`interpret_label` reads one header with the vocabulary in
``header_vocabulary.toml`` (validated at load); :func:`interpret_headers` maps a whole header
row: the exact crosswalk first, then the interpreter, else unmapped.

Precision before recall: a header is only mapped when every word is accounted for, it names one
jurisdiction, one measure and at most one unit, and the key it composes is a known series (or,
for a measure its jurisdiction has never published, a new key of its own). Anything else stays
unmapped. No two columns of one file ever get one key.

Both functions are pure: the same header row always gives the same answer, so callers may cache
the result per header row.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Final

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from hmcts_data._errors import ParseError
from hmcts_data.tables._schema import vocabulary

__all__ = [
    "HeaderMapping",
    "Reading",
    "Vocabulary",
    "interpret_headers",
    "interpret_label",
    "jurisdiction_phrases",
    "load_vocabulary",
    "words",
]

_FILE: Final = "header_vocabulary.toml"
_UNITS: Final = ("weeks", "days", "percent")

_SUPERSCRIPT = re.compile(r"[\u00b9\u00b2\u00b3\u2070-\u2079]+")
_DASHES = re.compile(r"[\u2010-\u2015\u2212]")
_NOTE = re.compile(r"\[[\s_]*(?:note|notes|footnote)?[\s_]*[a-z0-9]{0,3}[\s_]*\]")
# A footnote number glued to a word of three or more letters ("petition5"; not "S8", "S31") or
# to a closing bracket.
_GLUED = re.compile(r"(?:(?<=[a-z]{3})|(?<=\)))\d{1,2}\b")
_AGE_RANGE = re.compile(
    r"(?:between\s+)?(\d+)\s*(?:months?\s*)?(?:up to but not including|up to|to under|to less "
    r"than|to|and under|and|-)\s*(\d+)\s*months?(?:\s+old)?"
)
_AGE_OVER = re.compile(
    r"(?:(\d+)\s*months?\s*(?:and over|and older|or more|or older|plus|\+)(?:\s+old)?)"
    r"|(?:(?:over|more than|at least|older than)\s+(\d+)\s*months?(?:\s+old)?)"
)
_AGE_UNDER = re.compile(
    r"(?:up to but not including|under|less than|below|younger than|up to)\s+(\d+)\s*months?"
    r"(?:\s+old)?"
)
_TARGET = re.compile(r"\b(?:in|within)\s+\d+\s+(?:working\s+|calendar\s+)?days?\b")
_WORD = re.compile(r"[a-z0-9_%]+")
_TARGET_TOKEN: Final = "within_target"
_AGE_PREFIX: Final = "ageband_"
_KEEP_S = frozenset({"sscs", "status", "ias", "nisi", "its", "is", "was", "has", "this", "plus"})


def _singular(word: str) -> str:
    if len(word) <= 3 or word in _KEEP_S or not word.endswith("s") or word.endswith("ss"):
        return word
    if word.endswith("ies"):
        return word[:-3] + "y"
    return word[:-1]


def words(label: str) -> tuple[str, ...]:
    """Normalise a header into its words, the form every phrase is matched in.

    Case, spacing, punctuation, hyphens and dashes, ``&``, plurals, glued footnote numbers,
    superscripts and ``[note 3]`` codes are evened out; age bands ("6 months up to but not
    including 12 months") become one token, and so does a target ("in 3 days").

    Example:
        >>> words("Probate_Total number of receipts (Digital & Paper)5")
        ('probate', 'total', 'number', 'of', 'receipt', 'digital', 'and', 'paper')
        >>> words("Caseload which is 6 months up to but not including 12 months old")
        ('caseload', 'which', 'is', 'ageband_6_to_12_months')
    """
    text = _SUPERSCRIPT.sub(" ", label)
    text = unicodedata.normalize("NFKC", text).replace("\u00a0", " ")
    text = _DASHES.sub("-", text)
    text = text.replace("'", "").replace("\u2019", "").casefold().replace("_", " ")
    text = _NOTE.sub(" ", text)
    text = _GLUED.sub("", text)
    text = text.replace("&", " and ").replace("%", " % ").replace("+", " + ")
    text = " ".join(text.split())
    text = _AGE_RANGE.sub(lambda m: f" {_AGE_PREFIX}{m[1]}_to_{m[2]}_months ", text)
    text = _AGE_OVER.sub(lambda m: f" {_AGE_PREFIX}{m[1] or m[2]}_months_and_over ", text)
    text = _AGE_UNDER.sub(lambda m: f" {_AGE_PREFIX}under_{m[1]}_months ", text)
    text = _TARGET.sub(f" {_TARGET_TOKEN} ", text)
    return tuple(w if "_" in w else _singular(w) for w in _WORD.findall(text))


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
    """The validated interpreter vocabulary.

    Attributes:
        filler: Words without meaning of their own.
        units: Unit -> words stating it.
        qualifiers: Breakdown qualifier -> its slot (order inside a composed breakdown).
        measures: Measure -> what it implies.
        monthly_only: Short names only the monthly MI's headers use in that sense ("public",
            "private" ...): not shared with the other publications, where they are ordinary words.
        phrase: The phrases.
    """

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
            if unit not in _UNITS:
                raise ValueError(f"units: {unit!r} is not one of {_UNITS}")
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
                if unit not in _UNITS or measure not in vocab.measure:
                    raise ValueError(f"phrase {p.match}: by_unit {unit!r} = {measure!r}")
            if any(not words(m) for m in p.match):
                raise ValueError(f"phrase {p.match}: a phrase is blank once normalised")
        return self


@dataclass(frozen=True)
class _Tables:
    vocab: Vocabulary
    phrases: tuple[tuple[tuple[str, ...], Phrase], ...]  # longest first
    filler: frozenset[str]
    units: tuple[tuple[tuple[str, ...], str], ...]  # longest first


@cache
def load_vocabulary() -> Vocabulary:
    """Load and validate the packaged interpreter vocabulary (cached).

    Raises:
        ParseError: ``header_vocabulary.toml`` is malformed; the message names the entry.

    Example:
        >>> "probate" in {p.jurisdiction for p in load_vocabulary().phrase}
        True
    """
    ref = resources.files("hmcts_data.tables").joinpath(_FILE)
    try:
        return Vocabulary.model_validate(tomllib.loads(ref.read_text(encoding="utf-8")))
    except (tomllib.TOMLDecodeError, ValidationError) as exc:
        raise ParseError(
            f"The packaged header vocabulary is invalid: {exc}. Fix the entry named in {_FILE} "
            "(or reinstall hmcts_data).",
            file=_FILE,
        ) from exc


def jurisdiction_phrases() -> dict[str, tuple[str, ...]]:
    """Jurisdiction -> the phrases that name it and nothing else (for the other publications).

    Example:
        >>> phrases = jurisdiction_phrases()
        >>> "first tier tribunal immigration and asylum chamber" in phrases["immigration_asylum"]
        True
        >>> "public" in phrases["family_public_law"]  # a monthly-only short name
        False
    """
    vocab = load_vocabulary()
    only = set(vocab.monthly_only)
    out: dict[str, list[str]] = {}
    for p in vocab.phrase:
        if p.jurisdiction and not (p.measure or p.qualifier or p.by_unit or p.scope):
            out.setdefault(p.jurisdiction, []).extend(m for m in p.match if m not in only)
    return {k: tuple(v) for k, v in out.items()}


@cache
def _tables() -> _Tables:
    vocab = load_vocabulary()
    # Longest first; a phrase listed twice (the same words once normalised) counts once.
    seen: dict[tuple[str, ...], Phrase] = {}
    for p in vocab.phrase:
        for m in p.match:
            seen.setdefault(words(m), p)
    phrases = sorted(seen.items(), key=lambda item: -len(item[0]))
    units = sorted(
        {(words(w), unit) for unit, ws in vocab.units.items() for w in ws},
        key=lambda item: -len(item[0]),
    )
    filler = frozenset(w for f in vocab.filler for w in words(f))
    return _Tables(vocab, tuple(phrases), filler, tuple(units))


@dataclass(frozen=True)
class Reading:
    """What one header says, or why it cannot be read.

    Attributes:
        jurisdiction: The one jurisdiction named (or implied by the measure), else ``None``.
        measure: The one measure named, else ``None``.
        breakdown: Composed from the qualifiers (``""`` for none).
        unit: The unit the label states, ``None`` when it states none.
        problem: Why the label cannot be mapped (``None`` when it can).
    """

    jurisdiction: str | None
    measure: str | None
    breakdown: str
    unit: str | None
    problem: str | None = None


def _find(
    tokens: tuple[str, ...], patterns: Sequence[tuple[tuple[str, ...], object]]
) -> tuple[list[object], set[int]]:
    """Non-overlapping whole-word matches, longest first; returns the values and covered words."""
    taken: set[int] = set()
    found: list[object] = []
    n = len(tokens)
    for pattern, value in patterns:
        size = len(pattern)
        for start in range(n - size + 1):
            span = range(start, start + size)
            if tokens[start : start + size] == pattern and not taken.intersection(span):
                taken.update(span)
                found.append(value)
    return found, taken


@cache
def interpret_label(label: str) -> Reading:
    """Read one header with the interpreter vocabulary (no crosswalk lookup).

    Args:
        label: The header exactly as published.

    Returns:
        What it says; ``problem`` is set when it is not certain (two jurisdictions or measures,
        two units, a leftover word, no jurisdiction or no measure).

    Example:
        >>> r = interpret_label("Employment Tribunals - cases outstanding")
        >>> r.jurisdiction, r.measure, r.breakdown, r.unit, r.problem
        ('employment_tribunal', 'outstanding', '', None, None)
        >>> interpret_label("Employment Tribunal receipts (excluding multiples)").problem
        "words not understood: 'excluding', 'multiple'"
    """
    tables = _tables()
    tokens = words(label)
    units_found, unit_taken = _find(tokens, tables.units)
    phrases_found, phrase_taken = _find(tokens, tables.phrases)
    ages = [t for t in tokens if t.startswith(_AGE_PREFIX)]
    leftover = [
        t
        for i, t in enumerate(tokens)
        if i not in unit_taken
        and i not in phrase_taken
        and t not in tables.filler
        and t != _TARGET_TOKEN
        and not t.startswith(_AGE_PREFIX)
    ]
    stated = {str(u) for u in units_found}
    jurisdictions: set[str] = set()
    measures: set[str] = set()
    qualifiers: set[str] = set()
    staged: list[dict[str, str]] = []
    for item in phrases_found:
        assert isinstance(item, Phrase)
        if item.jurisdiction:
            jurisdictions.add(item.jurisdiction)
        if item.measure:
            measures.add(item.measure)
        if item.qualifier:
            qualifiers.add(item.qualifier)
        if item.by_unit:
            staged.append(item.by_unit)
    unit = next(iter(stated)) if len(stated) == 1 else None

    def fail(problem: str) -> Reading:
        return Reading(
            next(iter(jurisdictions)) if len(jurisdictions) == 1 else None,
            None,
            "",
            unit,
            problem,
        )

    if leftover:
        return fail("words not understood: " + ", ".join(repr(w) for w in leftover))
    if len(stated) > 1:
        return fail(f"states several units {sorted(stated)}")
    for by_unit in staged:
        if unit is None or unit not in by_unit:
            return fail("a stage of the divorce service without a unit saying which measure")
        measures.add(by_unit[unit])
    rules = tables.vocab.measures
    general = {g for m in measures for g in (rules[m].specialises if m in rules else ())}
    measures -= general
    if len(measures) != 1:
        return fail("no measure" if not measures else f"several measures {sorted(measures)}")
    measure = next(iter(measures))
    rule = rules.get(measure)
    if rule is not None and rule.jurisdiction is not None:
        jurisdictions.add(rule.jurisdiction)
    if len(jurisdictions) != 1:
        which = "no jurisdiction" if not jurisdictions else "several jurisdictions"
        return fail(f"{which} {sorted(jurisdictions)}" if jurisdictions else which)
    if len(ages) > 1:
        return fail("several age bands")
    if rule is not None:
        qualifiers -= set(rule.drops)
    slots = tables.vocab.qualifiers
    by_slot: dict[int, set[str]] = {}
    for q in qualifiers:
        by_slot.setdefault(slots[q], set()).add(q)
    if any(len(v) > 1 for v in by_slot.values()):
        return fail(f"contradictory qualifiers {sorted(qualifiers)}")
    parts = [next(iter(by_slot[s])) for s in sorted(by_slot)]
    parts += [a.removeprefix(_AGE_PREFIX) for a in ages]
    return Reading(next(iter(jurisdictions)), measure, "_".join(parts), unit)


@dataclass(frozen=True)
class HeaderMapping:
    """How one column of a header row is mapped.

    Attributes:
        jurisdiction: Canonical jurisdiction, or ``None`` when unmapped.
        measure: Canonical measure, or ``None`` when unmapped.
        breakdown: Variant, ``""`` when none.
        unit: The unit of the column's values.
        mapping: ``"exact"``, ``"inferred"``, or ``None`` when unmapped.
        series: The crosswalk series id it joins (``None`` for a new key or unmapped).
        reason: Why an unmapped column stayed unmapped.
    """

    jurisdiction: str | None
    measure: str | None
    breakdown: str
    unit: str
    mapping: str | None
    series: str | None = None
    reason: str | None = None

    @property
    def key(self) -> tuple[str, str, str] | None:
        """``(jurisdiction, measure, breakdown)`` when mapped."""
        if self.jurisdiction is None or self.measure is None:
            return None
        return self.jurisdiction, self.measure, self.breakdown


def _unmapped(reason: str, unit: str | None) -> HeaderMapping:
    return HeaderMapping(None, None, "", unit or "unknown", None, None, reason)


def resolve(
    reading: Reading,
    series_by_key: Mapping[tuple[str, str, str], tuple[str, str]],
    measures_in: frozenset[tuple[str, str]],
) -> HeaderMapping:
    """Turn one reading into a mapping against the known series.

    Args:
        reading: What the label says.
        series_by_key: ``(jurisdiction, measure, breakdown) -> (series id, unit)``.
        measures_in: ``(jurisdiction, measure)`` pairs some known series has.

    Returns:
        The known series when the key is one (and the units agree); a new key of its own for a
        measure its jurisdiction has never published; else unmapped with the reason.
    """
    if reading.problem is not None or reading.jurisdiction is None or reading.measure is None:
        return _unmapped(reading.problem or "not understood", reading.unit)
    key = (reading.jurisdiction, reading.measure, reading.breakdown)
    hit = series_by_key.get(key)
    if hit is not None:
        series_id, unit = hit
        if reading.unit is not None and unit not in ("unknown", reading.unit):
            return _unmapped(f"states {reading.unit} but {series_id} is in {unit}", reading.unit)
        return HeaderMapping(*key, reading.unit or unit, "inferred", series_id)
    if key[:2] in measures_in:
        # A known measure with a breakdown no series has: a qualifier may be missing or new;
        # either way it is not certain which series (if any) this is.
        return _unmapped(f"no known series {'.'.join(k for k in key if k)}", reading.unit)
    return HeaderMapping(*key, reading.unit or "unknown", "inferred", None)


def interpret_headers(
    headers: tuple[str, ...],
    exact: Sequence[tuple[tuple[str, str, str], str, str] | None],
    series_by_key: Mapping[tuple[str, str, str], tuple[str, str]],
) -> tuple[HeaderMapping | None, ...]:
    """Map a header row: exact crosswalk matches first, then the interpreter, else unmapped.

    Args:
        headers: The header row as published (position 0 is the month column: ``None``).
        exact: Per header, the exact crosswalk match as ``(key, series id, unit)``, or ``None``.
        series_by_key: Every known series: key -> ``(series id, unit)``.

    Returns:
        One mapping per header (``None`` at position 0). No two columns share a key: an
        inferred key that another column already has is unmapped.

    Example:
        >>> out = interpret_headers(
        ...     ("Month", "Employment Tribunals - new cases", "ET cases received"),
        ...     [None, None, None],
        ...     {("employment_tribunal", "receipts", ""): ("et.receipts", "cases")},
        ... )
        >>> [m.mapping if m else None for m in out]
        [None, None, None]
    """
    measures_in = frozenset(k[:2] for k in series_by_key)
    out: list[HeaderMapping | None] = [None] * len(headers)
    for i, label in enumerate(headers):
        if i == 0:
            continue
        hit = exact[i]
        if hit is not None:
            key, series_id, unit = hit
            out[i] = HeaderMapping(*key, unit, "exact", series_id)
        else:
            out[i] = resolve(interpret_label(label), series_by_key, measures_in)
    # Never two columns of one file on one key: an inferred claim on a taken key is dropped.
    owners: dict[tuple[str, str, str], list[int]] = {}
    for i, m in enumerate(out):
        if m is not None and m.key is not None:
            owners.setdefault(m.key, []).append(i)
    for key, columns in owners.items():
        if len(columns) < 2:
            continue
        for i in columns:
            m = out[i]
            assert m is not None
            if m.mapping == "inferred":
                out[i] = _unmapped(
                    f"another column of the file also reads as {'.'.join(k for k in key if k)}",
                    m.unit if m.unit != "unknown" else None,
                )
    return tuple(out)
