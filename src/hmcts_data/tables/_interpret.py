"""The header interpreter: what a header the exact crosswalk does not record means, if certain.

Headers follow a loose grammar: a jurisdiction phrase, a measure phrase, optional breakdown
qualifiers and unit words. :func:`interpret_label` reads one header with the vocabulary in
``header_vocabulary.toml`` (validated at load); ``_header_mapping.interpret_headers`` maps a
whole header row with it: the exact crosswalk first, then the interpreter, else unmapped.

Precision before recall: a header is only mapped when every word is accounted for, it names one
jurisdiction, one measure and at most one unit, and the key it composes is a known series (or,
for a measure its jurisdiction has never published, a new key of its own). Anything else stays
unmapped. No two columns of one file ever get one key.

The engine is publication-agnostic: :func:`compile_grammar` turns any vocabulary (phrases,
filler, unit words, qualifier slots, measure rules) into a :class:`Grammar`, and
:func:`read_label` (:func:`scan` then :func:`decide`) applies the same precision rules to any
label. The monthly MI's grammar comes from ``header_vocabulary.toml``; the other publications'
from their own vocabularies (:mod:`hmcts_data.tables._crosswalk`).

Both functions are pure: the same header row always gives the same answer, so callers may cache
the result per header row.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Final

from hmcts_data.tables._schema import vocabulary

__all__ = [
    "UNITS",
    "Grammar",
    "MeasureRule",
    "Phrase",
    "Reading",
    "Scan",
    "Vocabulary",
    "as_published",
    "compile_grammar",
    "decide",
    "interpret_label",
    "jurisdiction_phrases",
    "load_vocabulary",
    "measure_phrases",
    "read_label",
    "scan",
    "unit_words",
    "words",
]

_FILE: Final = "header_vocabulary.toml"
#: The units a header may state in words.
UNITS: Final = ("weeks", "days", "percent")

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
# A word as published, apostrophes kept ("Court's"); underscores and dashes separate words.
_RAW_WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*")
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


def as_published(label: str, tokens: Sequence[str]) -> list[str]:
    """The words of ``label`` as published for normalised ``tokens`` (see :func:`words`).

    Messages quote what the user can find in the file; a token that is no single word of the
    label (an age band, a target) stays as it is.

    Example:
        >>> as_published("Civil breaches of contract (Receipts)", ["breache", "contract"])
        ['breaches', 'contract']
    """
    found: dict[str, str] = {}
    for raw in _RAW_WORD.findall(label):
        normal = words(raw)
        if len(normal) == 1:
            found.setdefault(normal[0], raw)
    return [found.get(t, t) for t in tokens]


@dataclass(frozen=True, kw_only=True)
class Phrase:
    """Phrases (whole words after normalisation) and what they say.

    Attributes:
        match: The phrases.
        jurisdiction: The jurisdiction they name.
        measure: The measure they name.
        qualifier: The breakdown qualifier they name.
        by_unit: A stage phrase: unit -> the measure it names in that unit.
        scope: Words of scope only (they name no field themselves).
    """

    match: tuple[str, ...]
    jurisdiction: str | None = None
    measure: str | None = None
    qualifier: str | None = None
    by_unit: dict[str, str] | None = None
    scope: bool = False

    def __post_init__(self) -> None:
        if not self.match:
            raise ValueError("a phrase needs at least one match")
        if not (self.jurisdiction or self.measure or self.qualifier or self.by_unit or self.scope):
            raise ValueError(f"phrase {self.match} says nothing")


@dataclass(frozen=True, kw_only=True)
class MeasureRule:
    """What a measure implies (see ``header_vocabulary.toml``).

    Attributes:
        jurisdiction: The jurisdiction the measure belongs to, if only one.
        specialises: More general measures it replaces when both are named.
        drops: Qualifiers it makes redundant.
    """

    jurisdiction: str | None = None
    specialises: tuple[str, ...] = ()
    drops: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Vocabulary:
    """The interpreter vocabulary (``header_vocabulary.toml``).

    Building it checks every name against the tidy vocabulary, its units and qualifiers.

    Attributes:
        version: Format version (1).
        filler: Words without meaning of their own.
        units: Unit -> words stating it.
        qualifiers: Breakdown qualifier -> its slot (order inside a composed breakdown).
        measures: Measure -> what it implies.
        monthly_only: Short names only the monthly MI's headers use in that sense ("public",
            "private" ...): not shared with the other publications, where they are ordinary words.
        phrase: The phrases.
    """

    version: int
    filler: tuple[str, ...]
    units: dict[str, tuple[str, ...]]
    qualifiers: dict[str, int]
    measures: dict[str, MeasureRule] = field(default_factory=dict)
    monthly_only: tuple[str, ...] = ()
    phrase: tuple[Phrase, ...]

    def __post_init__(self) -> None:
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


@dataclass(frozen=True)
class Grammar:
    """A compiled vocabulary: what the engine reads labels with (see :func:`compile_grammar`).

    Attributes:
        phrases: ``(words, phrase)`` pairs, longest first.
        filler: Words without meaning of their own.
        units: ``(words, unit)`` pairs, longest first.
        qualifiers: Breakdown qualifier -> its slot.
        measures: Measure -> what it implies.
        extras: Whether age bands and targets ("in 3 days") are words of the grammar (the
            monthly MI); elsewhere they are leftover words, so the label stays unmapped.
        default_measure: Measure of a label that names none (``None``: such a label is
            unmapped).
    """

    phrases: tuple[tuple[tuple[str, ...], Phrase], ...]
    filler: frozenset[str]
    units: tuple[tuple[tuple[str, ...], str], ...]
    qualifiers: Mapping[str, int]
    measures: Mapping[str, MeasureRule]
    extras: bool = True
    default_measure: str | None = None


def compile_grammar(
    phrases: Iterable[Phrase],
    *,
    filler: Iterable[str],
    units: Mapping[str, Iterable[str]],
    qualifiers: Mapping[str, int],
    measures: Mapping[str, MeasureRule] | None = None,
    extras: bool = True,
    default_measure: str | None = None,
) -> Grammar:
    """Compile phrases, filler and unit words into a :class:`Grammar` (normalised, ordered).

    A phrase listed twice (the same words once normalised) counts once: the first listing
    wins, so a publication lists its own phrases before the shared ones it overrides.

    Args:
        phrases: The phrases, in priority order.
        filler: Words without meaning of their own.
        units: Unit -> words stating it.
        qualifiers: Breakdown qualifier -> its slot.
        measures: Measure -> what it implies.
        extras: Age bands and targets are words of the grammar.
        default_measure: Measure of a label that names none.

    Returns:
        The grammar.

    Example:
        >>> g = compile_grammar(
        ...     [Phrase(match=("video",), qualifier="video"),
        ...      Phrase(match=("crown court",), jurisdiction="crown_court"),
        ...      Phrase(match=("hearings",), measure="hearings")],
        ...     filler=["by"], units={}, qualifiers={"video": 1}, extras=False,
        ... )
        >>> r = read_label("Crown Court hearings by video", g)
        >>> r.jurisdiction, r.measure, r.breakdown
        ('crown_court', 'hearings', 'video')
    """
    seen: dict[tuple[str, ...], Phrase] = {}
    for p in phrases:
        for m in p.match:
            seen.setdefault(words(m), p)
    ordered = sorted(seen.items(), key=lambda item: -len(item[0]))
    unit_words = sorted(
        {(words(w), unit) for unit, ws in units.items() for w in ws},
        key=lambda item: (-len(item[0]), item),
    )
    return Grammar(
        tuple(ordered),
        frozenset(w for f in filler for w in words(f)),
        tuple(unit_words),
        dict(qualifiers),
        dict(measures or {}),
        extras,
        default_measure,
    )


@cache
def _tables() -> Grammar:
    vocab = load_vocabulary()
    return compile_grammar(
        vocab.phrase,
        filler=vocab.filler,
        units=vocab.units,
        qualifiers=vocab.qualifiers,
        measures=vocab.measures,
    )


@cache
def load_vocabulary() -> Vocabulary:
    """Load the packaged interpreter vocabulary, validated (cached).

    Raises:
        ParseError: ``header_vocabulary.toml`` is malformed; the message names the entry.

    Example:
        >>> "probate" in {p.jurisdiction for p in load_vocabulary().phrase}
        True
    """
    from hmcts_data.tables._facts import load_facts

    return load_facts(Vocabulary, _FILE, "header vocabulary")


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


def measure_phrases() -> dict[str, tuple[str, ...]]:
    """Measure -> the interpreter's phrases that name it and nothing else (shared on request).

    Example:
        >>> "cases disposed of" in measure_phrases()["disposals"]
        True
    """
    out: dict[str, list[str]] = {}
    for p in load_vocabulary().phrase:
        if p.measure and not (p.jurisdiction or p.qualifier or p.by_unit or p.scope):
            out.setdefault(p.measure, []).extend(p.match)
    return {k: tuple(v) for k, v in out.items()}


def unit_words() -> dict[str, tuple[str, ...]]:
    """Unit -> the words stating it (the interpreter's, shared by every publication).

    Example:
        >>> "percentage" in unit_words()["percent"]
        True
    """
    return dict(load_vocabulary().units)


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


@dataclass
class Scan:
    """What the words of one text name (before the precision rules decide).

    Attributes:
        leftover: Words no phrase, unit word or filler accounts for.
        stated: Units stated.
        jurisdictions: Jurisdictions named.
        measures: Measures named.
        qualifiers: Breakdown qualifiers named.
        staged: ``by_unit`` tables of stage phrases.
        ages: Age band tokens.
    """

    leftover: list[str]
    stated: set[str]
    jurisdictions: set[str]
    measures: set[str]
    qualifiers: set[str]
    staged: list[dict[str, str]]
    ages: list[str]


def scan(tokens: tuple[str, ...], grammar: Grammar) -> Scan:
    """Find the phrases and unit words of normalised ``tokens``; see :func:`words`.

    Example:
        >>> s = scan(words("Civil - claims received (%)"), _tables())
        >>> s.jurisdictions, s.measures, s.stated, s.leftover
        ({'civil'}, {'receipts'}, {'percent'}, [])
    """
    units_found, unit_taken = _find(tokens, grammar.units)
    phrases_found, phrase_taken = _find(tokens, grammar.phrases)
    extras = grammar.extras
    ages = [t for t in tokens if t.startswith(_AGE_PREFIX)] if extras else []
    leftover = [
        t
        for i, t in enumerate(tokens)
        if i not in unit_taken
        and i not in phrase_taken
        and t not in grammar.filler
        and not (extras and (t == _TARGET_TOKEN or t.startswith(_AGE_PREFIX)))
    ]
    out = Scan(leftover, {str(u) for u in units_found}, set(), set(), set(), [], ages)
    for item in phrases_found:
        assert isinstance(item, Phrase)
        if item.jurisdiction:
            out.jurisdictions.add(item.jurisdiction)
        if item.measure:
            out.measures.add(item.measure)
        if item.qualifier:
            out.qualifiers.add(item.qualifier)
        if item.by_unit:
            out.staged.append(item.by_unit)
    return out


def _fill(own: Scan, title: Scan | None) -> None:
    """Fill what the label leaves open from a title that names one value.

    Never the title's unit when the label names a measure: it may belong to another measure.
    """
    if title is None:
        return
    for name in ("jurisdictions", "measures", "qualifiers"):
        mine: set[str] = getattr(own, name)
        theirs: set[str] = getattr(title, name)
        if not mine and len(theirs) == 1:
            mine.update(theirs)
    if not own.stated and len(title.stated) == 1 and not own.measures:
        own.stated.update(title.stated)


def decide(
    found: Scan, grammar: Grammar, *, title: Scan | None = None, label: str | None = None
) -> Reading:
    """Apply the precision rules to what a label names.

    Args:
        found: The label's :func:`scan`.
        grammar: The grammar it was scanned with.
        title: The scan of a table title that fills what the label leaves open, when it
            names one value (its leftover words do not count).
        label: The label as published: a problem then quotes its words as published
            ("Breaches", not the matching form "breache").

    Returns:
        The reading; ``problem`` says why it cannot be mapped.
    """
    _fill(found, title)
    jurisdictions, measures, qualifiers, stated = (
        found.jurisdictions,
        set(found.measures),
        set(found.qualifiers),
        found.stated,
    )
    ages = found.ages
    unit = next(iter(stated)) if len(stated) == 1 else None

    def fail(problem: str) -> Reading:
        return Reading(
            next(iter(jurisdictions)) if len(jurisdictions) == 1 else None,
            None,
            "",
            unit,
            problem,
        )

    if found.leftover:
        shown = found.leftover if label is None else as_published(label, found.leftover)
        return fail("words not understood: " + ", ".join(repr(w) for w in shown))
    if len(stated) > 1:
        return fail(f"states several units {sorted(stated)}")
    for by_unit in found.staged:
        if unit is None or unit not in by_unit:
            return fail("a stage of the divorce service without a unit saying which measure")
        measures.add(by_unit[unit])
    rules = grammar.measures
    general = {g for m in measures for g in (rules[m].specialises if m in rules else ())}
    measures -= general
    if not measures and grammar.default_measure is not None:
        measures.add(grammar.default_measure)
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
    slots = grammar.qualifiers
    by_slot: dict[int, set[str]] = {}
    for q in qualifiers:
        by_slot.setdefault(slots[q], set()).add(q)
    if any(len(v) > 1 for v in by_slot.values()):
        return fail(f"contradictory qualifiers {sorted(qualifiers)}")
    parts = [next(iter(by_slot[s])) for s in sorted(by_slot)]
    parts += [a.removeprefix(_AGE_PREFIX) for a in ages]
    return Reading(next(iter(jurisdictions)), measure, "_".join(parts), unit)


def read_label(label: str, grammar: Grammar, *, title: str | None = None) -> Reading:
    """Read one label with a grammar: the engine every publication shares.

    Args:
        label: The label as published.
        grammar: The publication's grammar.
        title: A table title that fills what the label leaves open (one value per field).

    Returns:
        The reading (``problem`` set when it is not certain).

    Example:
        >>> read_label("Civil - receipts", _tables()).measure
        'receipts'
    """
    found = scan(words(label), grammar)
    title_scan = None if title is None else scan(words(title), grammar)
    reading = decide(found, grammar, title=title_scan, label=label)
    if reading.problem is not None:
        # A leading prefix that names only where the figures come from ("Family Court - ",
        # "HMCTS Probate service: ") may be read past when the rest says it more precisely.
        rest = _after_prefix(label, grammar)
        if rest is not None:
            again = decide(scan(words(rest), grammar), grammar, title=title_scan, label=rest)
            if again.problem is None:
                return again
    return reading


_PREFIX = re.compile(r"^(.+?)(?:\s+[-\u2010-\u2015]+\s+|\s*:\s+|_-_)(.+)$")


def _after_prefix(label: str, grammar: Grammar) -> str | None:
    """The label after a leading prefix naming jurisdictions or scope only; ``None`` if none."""
    found = _PREFIX.match(label)
    if found is None:
        return None
    prefix = scan(words(found[1]), grammar)
    if (
        prefix.leftover
        or prefix.measures
        or prefix.qualifiers
        or prefix.staged
        or prefix.stated
        or prefix.ages
    ):
        return None
    rest_words = words(found[2])
    # The rest must name its own jurisdiction, narrower and in the prefix's words ("Family
    # Court - Private Family Law"): a prefix naming another one ("Civil - ET") is no prefix.
    said = {w for w in words(found[1]) if w not in grammar.filler}
    if not scan(rest_words, grammar).jurisdictions or not said <= set(rest_words):
        return None
    return found[2]


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
        "words not understood: 'excluding', 'multiples'"
    """
    return read_label(label, _tables())
