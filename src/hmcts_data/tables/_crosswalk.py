"""Label crosswalks for publications whose layouts are not known in advance.

These publications share the monthly MI's header interpreter vocabulary: labels are normalised
by the same rules (:func:`hmcts_data.tables._interpret.words`: case, punctuation, dashes, "&",
plurals, footnote marks) and jurisdictions are named by the same phrases, official titles
included (``header_vocabulary.toml``). A publication's crosswalk only adds its exceptions: the
measures and breakdowns it reports, and ``common_crosswalk.toml`` the aggregate jurisdictions
(criminal, tribunals, all) the monthly MI never uses.

A crosswalk (``<publication>_crosswalk.toml``) is a list of label rules. Each rule names the
phrases (``match``) that, found as whole words in a normalised label, set some of jurisdiction,
measure, breakdown and unit. A series' labels (row labels, section heading, column header) are
matched first; the table title only fills what they leave open, and only when it names one
value. Overlapping matches keep the longest phrase ("hearings adjourned" beats "hearings").
Two rules that disagree on a field leave it unknown rather than guessing.

Crosswalks are validated at load against the tidy vocabulary.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from functools import cache
from importlib import resources

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator

from hmcts_data._errors import ParseError
from hmcts_data.tables._interpret import jurisdiction_phrases
from hmcts_data.tables._reader import LabelMeaning
from hmcts_data.tables._schema import vocabulary

__all__ = [
    "PUBLICATIONS",
    "Crosswalk",
    "LabelRule",
    "crosswalks_markdown",
    "describe_crosswalk",
    "load_crosswalk",
    "normalise",
]

_PERCENT = re.compile(r"%|\bper ?cent(?:age)?\b|\bproportion\b|\bshare\b", re.IGNORECASE)
_BRACKETS = re.compile(r"\[[^\]]*\]")
_FIELDS = ("jurisdiction", "measure", "breakdown", "unit")
#: Rules shared by every crosswalk of this module (jurisdiction names).
_COMMON = "common_crosswalk.toml"


def normalise(text: str) -> str:
    r"""Normalise a label as the header interpreter does, then drop ``[...]`` codes.

    Example:
        >>> normalise("Magistrates' Courts - Hearings\nadjourned [note 3]")
        'magistrate court hearing adjourned'
    """
    from hmcts_data.tables._interpret import words

    return " ".join(words(_BRACKETS.sub(" ", text)))


class LabelRule(BaseModel):
    """Phrases and what they mean.

    Attributes:
        match: Phrases matched as whole words in a normalised label.
        jurisdiction: Jurisdiction they name, if any.
        measure: Measure they name, if any.
        breakdown: Breakdown they name, if any.
        unit: Unit they imply, if any (a percent hint in the label still wins).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    match: tuple[str, ...]
    jurisdiction: str | None = None
    measure: str | None = None
    breakdown: str | None = None
    unit: str | None = None

    @field_validator("match")
    @classmethod
    def _phrases(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        out = tuple(normalise(v) for v in value)
        if not out or any(not v for v in out):
            raise ValueError("match needs at least one non-blank phrase")
        return out

    @model_validator(mode="after")
    def _known(self) -> LabelRule:
        vocab = vocabulary()
        known = {
            "jurisdiction": vocab.jurisdiction,
            "measure": vocab.measure,
            "breakdown": vocab.breakdown,
            "unit": vocab.unit,
        }
        for name in _FIELDS:
            value = getattr(self, name)
            if value is not None and value not in known[name]:
                raise ValueError(f"{name} {value!r} is not in the vocabulary (rule {self.match})")
        if all(getattr(self, f) is None for f in _FIELDS):
            raise ValueError(f"rule {self.match} sets nothing")
        return self


class Crosswalk(BaseModel):
    """A publication's label crosswalk.

    Attributes:
        publication: Publication id.
        note: What the crosswalk rests on (evidence), for the docs.
        default_measure: Measure of a series whose labels name none (e.g. ``hearings``).
        units: Unit of each measure when no rule or percent hint says otherwise.
        labels: The label rules.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    publication: str
    note: str
    default_measure: str | None = None
    units: dict[str, str]
    labels: tuple[LabelRule, ...]

    @model_validator(mode="after")
    def _check(self) -> Crosswalk:
        vocab = vocabulary()
        if self.publication not in vocab.publication:
            raise ValueError(f"publication {self.publication!r} is not in the vocabulary")
        if self.default_measure is not None and self.default_measure not in vocab.measure:
            raise ValueError(f"default_measure {self.default_measure!r} is not a measure")
        for measure, unit in self.units.items():
            if measure not in vocab.measure or unit not in vocab.unit:
                raise ValueError(f"units: {measure!r} = {unit!r} is not in the vocabulary")
        return self

    def _matches(self, text: str) -> dict[str, set[str]]:
        padded = f" {normalise(text)} "
        found: list[tuple[int, int, LabelRule]] = []
        for rule in self.labels:
            for phrase in rule.match:
                start = padded.find(f" {phrase} ")
                while start >= 0:
                    found.append((start, start + len(phrase) + 1, rule))
                    start = padded.find(f" {phrase} ", start + 1)
        found.sort(key=lambda f: f[0] - f[1])  # longest first
        taken: list[tuple[int, int]] = []
        out: dict[str, set[str]] = {name: set() for name in _FIELDS}
        for start, end, rule in found:
            if any(start < b and a < end for a, b in taken):
                continue
            taken.append((start, end))
            for name in _FIELDS:
                value = getattr(rule, name)
                if value is not None:
                    out[name].add(value)
        return out

    def classify(self, parts: Sequence[str], title: str | None) -> LabelMeaning:
        """Say what a series' labels mean.

        Args:
            parts: The series' label parts (row labels, section, column header).
            title: The table title.

        Returns:
            Jurisdiction, measure, breakdown and unit (unknown fields ``None``/``""``).

        Example:
            >>> cw = load_crosswalk("remote-hearings")
            >>> m = cw.classify(["Crown Court", "Video"], None)
            >>> (m.jurisdiction, m.measure, m.breakdown, m.unit)
            ('crown_court', 'hearings', 'video', 'hearings')
        """
        own = self._matches(" | ".join(parts))
        from_title = self._matches(title or "")
        chosen: dict[str, str | None] = {}
        for name in _FIELDS:
            values = own[name] or (from_title[name] if len(from_title[name]) == 1 else set())
            chosen[name] = next(iter(values)) if len(values) == 1 else None
        measure = chosen["measure"] or self.default_measure
        label_text = " ".join(parts)
        title_percent = bool(title and _PERCENT.search(title)) and not own["measure"]
        if _PERCENT.search(label_text) or title_percent:
            unit = "percent"
        elif chosen["unit"] is not None:
            unit = chosen["unit"]
        elif measure is not None and measure in self.units:
            unit = self.units[measure]
        else:
            unit = "unknown"
        return LabelMeaning(chosen["jurisdiction"], measure, chosen["breakdown"] or "", unit)


@cache
def load_crosswalk(publication: str) -> Crosswalk:
    """Load and validate a publication's packaged crosswalk.

    Args:
        publication: Publication id (``"weekly-covid"``, ``"remote-hearings"`` ...).

    Returns:
        The crosswalk (cached).

    Raises:
        ParseError: The packaged file is missing or invalid (names the file and entry).

    Example:
        >>> load_crosswalk("weekly-covid").publication
        'weekly-covid'
    """
    file = f"{publication.replace('-', '_')}_crosswalk.toml"
    try:
        package = resources.files("hmcts_data.tables")
        raw = tomllib.loads(package.joinpath(file).read_text(encoding="utf-8"))
        common = tomllib.loads(package.joinpath(_COMMON).read_text(encoding="utf-8"))
        shared = [
            {"match": list(phrases), "jurisdiction": jurisdiction}
            for jurisdiction, phrases in jurisdiction_phrases().items()
        ]
        raw["labels"] = [*raw.get("labels", []), *common["labels"], *shared]
        return Crosswalk.model_validate(raw)
    except (OSError, tomllib.TOMLDecodeError, ValidationError) as exc:
        raise ParseError(
            f"The packaged crosswalk {file} is invalid: {exc}. Reinstall hmcts_data or fix the "
            "entry named.",
            file=file,
        ) from exc


def describe_crosswalk(publication: str) -> str:
    """Render a crosswalk as a Markdown table (for the docs).

    Example:
        >>> describe_crosswalk("ad-hoc").splitlines()[0].startswith("*")
        True
    """
    cw = load_crosswalk(publication)
    lines = [
        f"*{cw.note}*",
        "",
        f"Default measure: `{cw.default_measure or '-'}`. Units by measure: "
        + (", ".join(f"`{m}` {u}" for m, u in sorted(cw.units.items())) or "-")
        + ".",
        "",
        "| phrases (whole words, case and punctuation ignored) | jurisdiction | measure | "
        "breakdown | unit |",
        "|---|---|---|---|---|",
    ]
    for rule in cw.labels:
        cells = [getattr(rule, f) or "" for f in _FIELDS]
        phrases = ", ".join(f"`{p}`" for p in rule.match)
        lines.append(f"| {phrases} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


#: Publications read through :func:`hmcts_data.read_tables` and a crosswalk, in docs order.
PUBLICATIONS = ("weekly-covid", "remote-hearings", "reformed-services", "ad-hoc")


def crosswalks_markdown() -> str:
    """Render every crosswalk of this module as Markdown sections (docs generator).

    Example:
        >>> "### remote-hearings" in crosswalks_markdown()
        True
    """
    vocab = vocabulary()
    parts = []
    for publication in PUBLICATIONS:
        entry = vocab.publication[publication]
        parts.append(f"### {publication}\n\n{entry.label}: {entry.description}\n")
        parts.append(describe_crosswalk(publication))
    parts.append(
        "### Shared jurisdiction phrases\n\nEvery crosswalk above also uses the aggregate "
        "jurisdictions of `common_crosswalk.toml` and the jurisdiction phrases of the monthly "
        "MI's header interpreter (`header_vocabulary.toml`, official titles included), merged "
        "after the publication's own rules and shown at the end of each table.\n"
    )
    return "\n".join(parts)
