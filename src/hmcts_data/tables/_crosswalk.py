"""The other publications' labels, read by the header interpreter's engine.

The weekly coronavirus MI, remote hearings, reformed services and ad hoc releases have never
been seen, so they have no record of labels to look up. Each has a **vocabulary**
(``<publication>_crosswalk.toml``: the measures and breakdowns it reports, their units and
phrase variants, a few filler words) plus a small table of **exceptions** (whole labels the
grammar cannot read). Shared with every one of them: the normalisation and the jurisdiction
phrases of the monthly MI's interpreter (``header_vocabulary.toml``, official titles included),
its unit words, and ``common_crosswalk.toml`` (filler words and the aggregate jurisdictions).

A series' labels (row labels, section heading, column header) are read as one label by the same
engine as monthly headers (:func:`hmcts_data.tables._interpret.read_label`), with the same
precision rules: every word must be accounted for, one jurisdiction, one measure (the
publication's default measure when none is named), at most one breakdown and one stated unit;
otherwise the series stays unmapped (null jurisdiction and measure, raw label kept). The table
title only fills a field the labels leave open, and only when it names one value. A stated unit
must fit the measure (a count may be given as a percentage, nothing else); units in words are
kept.

Provenance: an exception recording a label seen in a file maps ``"exact"``; everything else
maps ``"inferred"`` (today every mapping of these publications, as no file has been seen).

Every data file is validated at load against the tidy vocabulary (``vocabulary.toml``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property
from typing import Any, Literal

from hmcts_data._errors import NotFoundError, ParseError
from hmcts_data._registry import registry
from hmcts_data.tables._interpret import (
    Grammar,
    Phrase,
    Reading,
    Scan,
    compile_grammar,
    decide,
    jurisdiction_phrases,
    measure_phrases,
    scan,
    unit_words,
    words,
)
from hmcts_data.tables._reader import LabelMeaning
from hmcts_data.tables._schema import vocabulary

__all__ = [
    "STATED",
    "BreakdownEntry",
    "Common",
    "Crosswalk",
    "JurisdictionEntry",
    "LabelException",
    "MeasureEntry",
    "build_common",
    "build_crosswalk",
    "crosswalk_files",
    "crosswalks_markdown",
    "describe_crosswalk",
    "load_common",
    "load_crosswalk",
    "normalise",
    "phrases_ok",
]

_BRACKETS = re.compile(r"\[[^\]]*\]")
_COUNTS = frozenset({"cases", "hearings"})
#: The units a label may state in words.
STATED = ("weeks", "days", "percent")
#: Shared by every publication of this module (filler, unit words, aggregate jurisdictions).
_COMMON = "common_crosswalk.toml"


def normalise(text: str) -> str:
    r"""Normalise a label as the header interpreter does, then drop ``[...]`` codes.

    Example:
        >>> normalise("Magistrates' Courts - Hearings\nadjourned [note 3]")
        'magistrate court hearing adjourned'
    """
    return " ".join(words(_BRACKETS.sub(" ", text)))


def phrases_ok(value: tuple[str, ...], where: str) -> None:
    """Refuse (``ValueError``) a phrase that is blank once normalised; ``where`` names it."""
    for phrase in value:
        if not normalise(phrase):
            raise ValueError(f"{where}: phrase {phrase!r} is blank once normalised")


@dataclass(frozen=True, kw_only=True)
class MeasureEntry:
    """A measure a publication reports.

    Attributes:
        unit: Unit of its figures when the label states none.
        shared: The header interpreter's phrases for the measure count too.
        match: The publication's own phrase variants.
    """

    unit: str
    shared: bool = False
    match: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class BreakdownEntry:
    """A breakdown a publication reports.

    Attributes:
        jurisdiction: The jurisdiction its phrases name too, if any.
        match: Its phrase variants.
    """

    jurisdiction: str | None = None
    match: tuple[str, ...]

    def __post_init__(self) -> None:
        if not self.match:
            raise ValueError("match needs at least one phrase")


@dataclass(frozen=True, kw_only=True)
class JurisdictionEntry:
    """Phrases naming an aggregate jurisdiction (``common_crosswalk.toml``)."""

    match: tuple[str, ...]

    def __post_init__(self) -> None:
        if not self.match:
            raise ValueError("match needs at least one phrase")


@dataclass(frozen=True, kw_only=True)
class LabelException:
    """A whole label the grammar cannot read, and what it means.

    Attributes:
        label: The label (matched once normalised, ``[...]`` codes dropped).
        evidence: ``"observed"`` (seen in a file: mapping ``"exact"``) or ``"inferred"``.
        jurisdiction: Jurisdiction (else filled from the title, as for any label).
        measure: Measure (else the default measure or the title's).
        breakdown: Breakdown, if any.
        unit: Unit (else the measure's).
    """

    label: str
    evidence: Literal["observed", "inferred"]
    jurisdiction: str | None = None
    measure: str | None = None
    breakdown: str | None = None
    unit: str | None = None


@dataclass(frozen=True, kw_only=True)
class Common:
    """What every publication of this module shares (``common_crosswalk.toml``).

    Attributes:
        filler: Words without meaning of their own.
        units: Unit -> words stating it, beyond the interpreter's.
        jurisdictions: Aggregate jurisdiction -> its phrases.
    """

    filler: tuple[str, ...]
    units: dict[str, tuple[str, ...]] = field(default_factory=dict)
    jurisdictions: dict[str, JurisdictionEntry]

    def __post_init__(self) -> None:
        vocab = vocabulary()
        for unit, phrases in self.units.items():
            if unit not in STATED:
                raise ValueError(f"units: {unit!r} is not one of {STATED}")
            phrases_ok(phrases, f"units.{unit}")
        for name, entry in self.jurisdictions.items():
            if name not in vocab.jurisdiction:
                raise ValueError(f"jurisdictions: {name!r} is not in the vocabulary")
            phrases_ok(entry.match, f"jurisdictions.{name}")


@dataclass(frozen=True)
class _Compiled:
    grammar: Grammar
    exceptions: dict[tuple[str, ...], LabelException]


@dataclass(frozen=True, kw_only=True)
class Crosswalk:
    """A publication's label vocabulary and exceptions.

    Building it checks every name against the tidy vocabulary and that no phrase means two
    things; loading it compiles its grammar too, so a phrase the engine cannot use fails there.

    Attributes:
        publication: Publication id.
        note: What the vocabulary rests on (evidence), for the docs.
        default_measure: Measure of a series whose labels name none (e.g. ``hearings``).
        filler: The publication's own filler words (beyond the shared ones).
        measures: Measure -> its unit and phrases.
        breakdowns: Breakdown -> its phrases (and the jurisdiction they name).
        exception: Whole labels the grammar cannot read.
    """

    publication: str
    note: str
    default_measure: str | None = None
    filler: tuple[str, ...] = ()
    measures: dict[str, MeasureEntry]
    breakdowns: dict[str, BreakdownEntry] = field(default_factory=dict)
    exception: tuple[LabelException, ...] = ()

    def __post_init__(self) -> None:
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
            for field_name, value, known in checks:
                if value is not None and value not in known:
                    raise ValueError(f"exception {e.label!r}: {field_name} {value!r} is not known")
            if all(v is None for _, v, _ in checks):
                raise ValueError(f"exception {e.label!r} says nothing")

    @cached_property
    def _compiled(self) -> _Compiled:
        common = load_common()
        shared = measure_phrases()
        phrases: list[Phrase] = []
        for name, entry in self.measures.items():
            if entry.match:
                phrases.append(Phrase(match=entry.match, measure=name))
        for name, b in self.breakdowns.items():
            phrases.append(Phrase(match=b.match, qualifier=name, jurisdiction=b.jurisdiction))
        for name, j in common.jurisdictions.items():
            phrases.append(Phrase(match=j.match, jurisdiction=name))
        for name, found in jurisdiction_phrases().items():
            phrases.append(Phrase(match=found, jurisdiction=name))
        for name, entry in self.measures.items():
            if entry.shared and shared.get(name):
                phrases.append(Phrase(match=shared[name], measure=name))
        units = {u: list(ws) for u, ws in unit_words().items()}
        for unit, ws in common.units.items():
            units.setdefault(unit, []).extend(ws)
        grammar = compile_grammar(
            phrases,
            filler=[*common.filler, *self.filler],
            units=units,
            qualifiers=dict.fromkeys(self.breakdowns, 1),
            extras=False,
            default_measure=self.default_measure,
        )
        exceptions = {words(_BRACKETS.sub(" ", e.label)): e for e in self.exception}
        return _Compiled(grammar, exceptions)

    def read(self, parts: Sequence[str], title: str | None) -> tuple[LabelMeaning, str | None]:
        """Say what a series' labels mean, and why they stay unmapped when they do.

        Args:
            parts: The series' label parts (row labels, section, column header).
            title: The table title.

        Returns:
            The meaning (null jurisdiction and measure when unmapped) and the reason it is
            unmapped (``None`` when mapped).

        Example:
            >>> cw = load_crosswalk("remote-hearings")
            >>> cw.read(["Crown Court", "Holograms"], None)[1]
            "words not understood: 'Holograms'"
        """
        compiled = self._compiled
        grammar = compiled.grammar
        exceptions = compiled.exceptions
        tokens = words(_BRACKETS.sub(" ", " | ".join(parts)))
        exception = exceptions.get(tokens)
        if exception is not None:
            found = _scan_of(exception)
        else:
            # An exception may be one part of the labels (a column header): the other parts
            # are read by the grammar and the two readings combined.
            split = [(p, exceptions.get(words(_BRACKETS.sub(" ", p)))) for p in parts]
            hits = [e for _, e in split if e is not None]
            rest = words(_BRACKETS.sub(" ", " | ".join(p for p, e in split if e is None)))
            if len(hits) > 1:
                why = "several of its parts are exceptions"
                return LabelMeaning(None, None, "", "unknown"), why
            found = scan(rest, grammar)
            for hit in hits:
                _merge(found, _scan_of(hit))
            exception = hits[0] if hits else None
        title_scan = None if not title else scan(words(_BRACKETS.sub(" ", title)), grammar)
        reading = decide(found, grammar, title=title_scan, label=" | ".join(parts))
        return self._meaning(reading, exception)

    def _meaning(
        self, reading: Reading, exception: LabelException | None
    ) -> tuple[LabelMeaning, str | None]:
        stated = reading.unit
        if reading.problem is not None or reading.jurisdiction is None or not reading.measure:
            return LabelMeaning(None, None, "", stated or "unknown"), reading.problem
        measure = reading.measure
        usual = self.measures[measure].unit
        unit = usual if stated is None else stated
        if exception is not None and exception.unit is not None:
            unit = exception.unit
        elif stated not in (None, usual) and not (stated == "percent" and usual in _COUNTS):
            why = f"states {stated} but {measure} is in {usual}"
            return LabelMeaning(None, None, "", stated or "unknown"), why
        mapping = (
            "exact" if exception is not None and exception.evidence == "observed" else "inferred"
        )
        return LabelMeaning(reading.jurisdiction, measure, reading.breakdown, unit, mapping), None

    def classify(self, parts: Sequence[str], title: str | None) -> LabelMeaning:
        """Say what a series' labels mean (see :meth:`read`).

        Args:
            parts: The series' label parts (row labels, section, column header).
            title: The table title.

        Returns:
            Jurisdiction, measure, breakdown, unit and mapping (unknown fields ``None``/``""``).

        Example:
            >>> cw = load_crosswalk("remote-hearings")
            >>> m = cw.classify(["Crown Court", "Video"], None)
            >>> (m.jurisdiction, m.measure, m.breakdown, m.unit, m.mapping)
            ('crown_court', 'hearings', 'video', 'hearings', 'inferred')
        """
        return self.read(parts, title)[0]


def _merge(into: Scan, other: Scan) -> None:
    into.jurisdictions |= other.jurisdictions
    into.measures |= other.measures
    into.qualifiers |= other.qualifiers


def _scan_of(exception: LabelException) -> Scan:
    """An exception, as if every word of its label had been read."""
    return Scan(
        leftover=[],
        stated=set(),
        jurisdictions={exception.jurisdiction} if exception.jurisdiction else set(),
        measures={exception.measure} if exception.measure else set(),
        qualifiers={exception.breakdown} if exception.breakdown else set(),
        staged=[],
        ages=[],
    )


def build_common(raw: dict[str, Any]) -> Common:
    """Validate a parsed ``common_crosswalk.toml`` document and build it.

    Raises:
        ParseError: An entry is malformed (names it).
    """
    from hmcts_data._build import FactError, build

    try:
        return build(Common, raw)
    except FactError as exc:
        raise ParseError(f"{_COMMON} is invalid: {exc}", file=_COMMON) from exc


def build_crosswalk(raw: dict[str, Any], *, file: str = "<crosswalk>") -> Crosswalk:
    """Validate a parsed publication crosswalk document; build and compile it.

    Args:
        raw: The TOML document as a dict.
        file: File name for messages.

    Returns:
        The crosswalk, its grammar compiled.

    Raises:
        ParseError: An entry is malformed or uses a value outside the vocabulary (names it).
    """
    from hmcts_data._build import build

    try:
        crosswalk = build(Crosswalk, raw)
        crosswalk._compiled  # noqa: B018 - compile now, so a bad phrase fails here
    except ParseError:
        raise
    except ValueError as exc:
        raise ParseError(f"The crosswalk {file} is invalid: {exc}", file=file) from exc
    return crosswalk


@cache
def load_common() -> Common:
    """Load ``common_crosswalk.toml``, validated (cached).

    Raises:
        ParseError: The packaged file is missing or invalid (names the entry).

    Example:
        >>> "criminal" in load_common().jurisdictions
        True
    """
    from hmcts_data.tables._facts import load_facts

    return load_facts(Common, _COMMON, "shared crosswalk vocabulary")


@cache
def load_crosswalk(publication: str) -> Crosswalk:
    """Load a publication's packaged vocabulary and exceptions, validated.

    Args:
        publication: Publication id (``"weekly-covid"``, ``"remote-hearings"`` ...).

    Returns:
        The crosswalk (cached).

    Raises:
        ParseError: The packaged file (or ``common_crosswalk.toml``) is missing or invalid;
            the message names the file and the entry.

    Example:
        >>> load_crosswalk("weekly-covid").publication
        'weekly-covid'
    """
    from hmcts_data.tables._facts import load_facts

    files = crosswalk_files()
    if publication not in files:
        raise NotFoundError("publication read through a crosswalk", publication, files)
    file = files[publication]
    load_common()
    try:
        crosswalk = load_facts(Crosswalk, file, "crosswalk")
        crosswalk._compiled  # noqa: B018 - compile once, at load
    except ParseError:
        raise
    except ValueError as exc:
        raise ParseError(f"The packaged crosswalk {file} is invalid: {exc}", file=file) from exc
    return crosswalk


def _codes(values: Sequence[str]) -> str:
    return ", ".join(f"`{v}`" for v in values)


def describe_crosswalk(publication: str) -> str:
    """Render a publication's vocabulary and exceptions as Markdown tables (for the docs).

    Example:
        >>> describe_crosswalk("ad-hoc").splitlines()[0].startswith("*")
        True
    """
    cw = load_crosswalk(publication)
    lines = [f"*{cw.note}*", ""]
    if cw.default_measure:
        lines += [f"A series whose labels name no measure counts `{cw.default_measure}`.", ""]
    lines += [
        "| measure | unit | phrases (whole words, case and punctuation ignored) |",
        "|---|---|---|",
    ]
    for name, m in cw.measures.items():
        shared = " and the interpreter's phrases" if m.shared else ""
        lines.append(f"| `{name}` | {m.unit} | {_codes(m.match) or '-'}{shared} |")
    if cw.breakdowns:
        lines += ["", "| breakdown | jurisdiction | phrases |", "|---|---|---|"]
        for name, b in cw.breakdowns.items():
            lines.append(f"| `{name}` | {b.jurisdiction or ''} | {_codes(b.match)} |")
    if cw.filler:
        lines += ["", f"Filler words of its own: {_codes(cw.filler)}."]
    if cw.exception:
        lines += [
            "",
            "Exceptions (whole labels):",
            "",
            "| label | evidence | jurisdiction | measure | breakdown | unit |",
            "|---|---|---|---|---|---|",
        ]
        for e in cw.exception:
            cells = [e.jurisdiction, e.measure, e.breakdown, e.unit]
            lines.append(
                f"| {e.label} | {e.evidence} | " + " | ".join(c or "" for c in cells) + " |"
            )
    return "\n".join(lines) + "\n"


def crosswalk_files() -> dict[str, str]:
    """Publication id -> crosswalk file of each publication read through its crosswalk.

    Those the registry says are read by :func:`hmcts_data.read_tables` and a crosswalk, in the
    registry's order.

    Example:
        >>> crosswalk_files()["ad-hoc"]
        'ad_hoc_crosswalk.toml'
    """
    found = {}
    for pid in registry().ids(parsed=True):
        reading = registry().publication[pid].read
        if reading is not None and reading.parser == "crosswalk":
            found[pid] = reading.crosswalk
    return found


def crosswalks_markdown() -> str:
    """Render every publication's vocabulary of this module as Markdown sections (docs).

    Example:
        >>> "### remote-hearings" in crosswalks_markdown()
        True
    """
    vocab = vocabulary()
    parts = []
    for publication in crosswalk_files():
        entry = vocab.publication[publication]
        parts.append(f"### {publication}\n\n{entry.label}: {entry.description}\n")
        parts.append(describe_crosswalk(publication))
    common = load_common()
    parts.append(
        "### Shared by every publication above\n\nThe jurisdiction phrases and unit words of the "
        "monthly MI's header interpreter (`header_vocabulary.toml`, official titles included), "
        "and from `common_crosswalk.toml`: the aggregate jurisdictions "
        + "; ".join(f"`{name}` ({_codes(j.match)})" for name, j in common.jurisdictions.items())
        + f", the unit words {_codes([w for ws in common.units.values() for w in ws])} and the "
        f"filler words {_codes(common.filler)}. A publication's own phrases win over these.\n"
    )
    return "\n".join(parts)
