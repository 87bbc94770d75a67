"""The monthly MI crosswalk: published headers to canonical jurisdiction, measure, breakdown, unit.

The mapping itself is data (``monthly_crosswalk.toml``), validated here at load; this module adds
the header normalisation rules and the lookup, including the positional era B divorce block.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Final

from hmcts_data._errors import ParseError
from hmcts_data.tables._schema import vocabulary

__all__ = [
    "BlockColumn",
    "Crosswalk",
    "Era",
    "HeaderLabel",
    "Match",
    "PositionalBlock",
    "Series",
    "build_crosswalk",
    "crosswalk_markdown",
    "eras_markdown",
    "load_crosswalk",
    "normalise_header",
]

_FILE: Final = "monthly_crosswalk.toml"
# A footnote digit glued to a lower-case word: "petition5", "order6", "Nisi7" (not "S8", "S31").
_FOOTNOTE = re.compile(r"(?<=[a-z])\d\b")
# A "_5"/"_6" suffix that tells two publications of one figure apart: kept, as "#5".
_SUFFIX = re.compile(r"_(\d+)$")
_PROBATE = re.compile(r"^probate\s*[-_]\s*", re.IGNORECASE)
_DASH = re.compile(r"\s+-\s*|\s*-\s+")
_PARENS = re.compile(r"\)\s*\(")
_SPACE = re.compile(r"\s+")
_BREAKDOWN: Final = re.compile(r"^(?:[a-z0-9]+(?:_[a-z0-9]+)*)?$")


def normalise_header(label: str) -> str:
    """Return the matching key of a published header.

    Rules, in order: trim (trailing commas too); keep a trailing ``_<digits>`` as
    `` #<digits>``; drop a footnote digit glued to a lower-case letter (``petition5``); unify
    the ``Probate - ``/``Probate- ``/``Probate_`` separator; underscores to spaces; a dash with
    a space on either side becomes `` - ``; drop commas; separate ``)(``; close an unclosed
    parenthesis; collapse whitespace; case-fold.

    Args:
        label: The header exactly as published.

    Returns:
        The normalised key.

    Example:
        >>> normalise_header("Probate- Total number of grants issued (Paper)")
        'probate - total number of grants issued (paper)'
        >>> normalise_header("Caseworker issues petition5 in 3 days (%)")
        'caseworker issues petition in 3 days (%)'
        >>> normalise_header("PRIVATE_RECEIPT TO FINAL ORDER_S8 CARE ORDERS")
        'private receipt to final order s8 care orders'
    """
    # Commas are dropped below; trailing ones go first, so a ``_<digits>`` suffix stays last.
    text = label.replace("\u00a0", " ").strip().rstrip(",").strip()
    text = _SUFFIX.sub(r" #\1", text)
    text = _FOOTNOTE.sub("", text)
    text = _PROBATE.sub("Probate - ", text)
    text = text.replace("_", " ")
    text = _DASH.sub(" - ", text)
    text = text.replace(",", "")
    text = _PARENS.sub(") (", text)
    missing = text.count("(") - text.count(")")
    if missing > 0:
        text += ")" * missing
    return _SPACE.sub(" ", text).strip().casefold()


@dataclass(frozen=True, kw_only=True)
class HeaderLabel:
    """A header as published (not blank), and the eras that publish it (at least one)."""

    label: str
    eras: tuple[str, ...]

    def __post_init__(self) -> None:
        if not self.label or not self.eras:
            raise ValueError("a header needs a label and at least one era")


@dataclass(frozen=True, kw_only=True)
class Series:
    """One published series and its canonical key.

    Attributes:
        id: Stable identifier, ``jurisdiction.measure[.breakdown]``.
        jurisdiction: Canonical jurisdiction (vocabulary key).
        measure: Canonical measure (vocabulary key).
        breakdown: Variant (``digital``, ``legacy_paper``, an age band ...); ``""`` for none.
        unit: Unit (vocabulary key).
        note: Evidence and caveats: scope changes, inferred units.
        headers: Every published header of the series, with the eras that use it.
    """

    id: str
    jurisdiction: str
    measure: str
    breakdown: str = ""
    unit: str
    note: str = ""
    headers: tuple[HeaderLabel, ...] = ()

    def __post_init__(self) -> None:
        if not self.id:
            raise ValueError("id must not be blank")
        if not _BREAKDOWN.match(self.breakdown):
            raise ValueError(f"breakdown {self.breakdown!r} must be lower snake_case or empty")
        vocab = vocabulary()
        for name, known in (
            ("jurisdiction", vocab.jurisdiction),
            ("measure", vocab.measure),
            ("unit", vocab.unit),
        ):
            if getattr(self, name) not in known:
                raise ValueError(f"{name} {getattr(self, name)!r} is not in the vocabulary")

    @property
    def key(self) -> tuple[str, str, str]:
        """``(jurisdiction, measure, breakdown)``."""
        return self.jurisdiction, self.measure, self.breakdown


@dataclass(frozen=True, kw_only=True)
class BlockColumn:
    """One column of a positional block."""

    label: str
    series: str

    def __post_init__(self) -> None:
        if not self.label:
            raise ValueError("label must not be blank")


@dataclass(frozen=True, kw_only=True)
class PositionalBlock:
    """Columns whose names are ambiguous, matched by position when the whole block is present.

    Attributes:
        name: What the block is, for messages.
        eras: The eras that publish it (at least one).
        start: Position of its first column (1 or more: position 0 is the month).
        note: Evidence.
        columns: Its columns, in order (at least one).
    """

    name: str
    eras: tuple[str, ...]
    start: int
    note: str = ""
    columns: tuple[BlockColumn, ...]

    def __post_init__(self) -> None:
        if not self.eras or not self.columns or self.start < 1:
            raise ValueError("a block needs eras, columns and a start of 1 or more")


@dataclass(frozen=True)
class Match:
    """The series a column maps to, and the eras consistent with its header."""

    series: Series
    eras: frozenset[str]


@dataclass(frozen=True, kw_only=True)
class Era:
    """One published layout of the monthly file (the one list of eras: the crosswalk's).

    Attributes:
        years: When files of this layout were published, in words.
        format: ``"CSV"`` or ``"XLSX"``, then what the file holds (``"CSV, 31 columns"``).
        seen: Whether a real file of it was seen (else it is known from descriptions only).
        quirks: What the parser has to cope with (Markdown).
    """

    years: str
    format: str
    seen: bool
    quirks: str

    def __post_init__(self) -> None:
        if self.format.split(",")[0] not in ("CSV", "XLSX"):
            raise ValueError(f"format must start with CSV or XLSX, got {self.format!r}")
        if not self.years.strip() or not self.quirks.strip():
            raise ValueError("years and quirks must not be blank")

    @property
    def is_csv(self) -> bool:
        """Whether files of this layout are CSV."""
        return self.format.split(",")[0] == "CSV"


@dataclass(frozen=True, kw_only=True)
class Crosswalk:
    """The crosswalk (``monthly_crosswalk.toml``) with its lookup tables.

    Building it checks the whole file: series ids and keys used once, every header on one
    series only, eras known, a positional block's columns on known series and matched by
    position only.

    Attributes:
        version: Format version (1).
        eras: Era name -> its layout, oldest first: every era there is.
        series: Every series, in file order.
        block: The positional blocks.
        by_id: Series id -> series (built).
        by_header: Normalised header -> its series and the eras that publish it (built).
    """

    version: int
    eras: dict[str, Era]
    series: tuple[Series, ...]
    block: tuple[PositionalBlock, ...] = ()
    by_id: dict[str, Series] = field(init=False, repr=False, compare=False)
    by_header: dict[str, tuple[Series, frozenset[str]]] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        if self.version != 1:
            raise ValueError(f"version must be 1, got {self.version!r}")
        if not self.series:
            raise ValueError("there must be at least one [[series]] entry")
        by_id: dict[str, Series] = {}
        by_key: dict[tuple[str, str, str], str] = {}
        by_header: dict[str, tuple[Series, frozenset[str]]] = {}
        for index, item in enumerate(self.series):
            name = f"series #{index + 1} (id {item.id!r})"
            if item.id in by_id:
                raise ValueError(f"{name}: id {item.id!r} is used twice")
            if item.key in by_key:
                raise ValueError(f"{name}: key {item.key} is already used by {by_key[item.key]!r}")
            for header in item.headers:
                bad_eras = set(header.eras) - set(self.eras)
                if bad_eras:
                    raise ValueError(
                        f"{name}: header {header.label!r} names unknown eras {bad_eras}"
                    )
                normal = normalise_header(header.label)
                previous = by_header.get(normal)
                if previous is not None and previous[0].id != item.id:
                    raise ValueError(
                        f"{name}: header {header.label!r} also maps to {previous[0].id!r}"
                    )
                eras = frozenset(header.eras) | (previous[1] if previous else frozenset())
                by_header[normal] = (item, eras)
            by_key[item.key] = item.id
            by_id[item.id] = item
        for index, block in enumerate(self.block):
            name = f"block #{index + 1} ({block.name!r})"
            for col in block.columns:
                if col.series not in by_id:
                    raise ValueError(f"{name}: unknown series {col.series!r}")
                if normalise_header(col.label) in by_header:
                    raise ValueError(
                        f"{name}: {col.label!r} is also matched by name; a positional header "
                        "must not be"
                    )
            if set(block.eras) - set(self.eras):
                raise ValueError(f"{name}: unknown eras {set(block.eras) - set(self.eras)}")
        # Lookup tables, derived: not fields of the file (frozen, so set through object).
        object.__setattr__(self, "by_id", by_id)
        object.__setattr__(self, "by_header", by_header)

    @property
    def series_by_key(self) -> dict[tuple[str, str, str], tuple[str, str]]:
        """Every series' key -> ``(series id, unit)``, for the header interpreter."""
        return {s.key: (s.id, s.unit) for s in self.series}

    def match(self, headers: Sequence[str]) -> list[Match | None]:
        """Map each header (position 0 is the month column) to its series.

        Args:
            headers: The header row exactly as published.

        Returns:
            One entry per header: the match, or ``None`` for the month column and for headers
            the crosswalk does not know.

        Example:
            >>> cw = load_crosswalk()
            >>> [m.series.id if m else None for m in cw.match(["Month", "Civil Claims received"])]
            [None, 'civil.receipts']
        """
        keys = [normalise_header(h) for h in headers]
        out: list[Match | None] = [None] * len(headers)
        for i, key in enumerate(keys):
            if i == 0:
                continue
            hit = self.by_header.get(key)
            if hit is not None:
                out[i] = Match(hit[0], hit[1])
        for block in self.block:
            end = block.start + len(block.columns)
            expected = [normalise_header(c.label) for c in block.columns]
            if keys[block.start : end] == expected:
                for offset, col in enumerate(block.columns):
                    out[block.start + offset] = Match(self.by_id[col.series], frozenset(block.eras))
        return out


def build_crosswalk(raw: dict[str, object]) -> Crosswalk:
    """Validate a parsed crosswalk document and build its lookup tables.

    Args:
        raw: The TOML document as a dict.

    Returns:
        The crosswalk.

    Raises:
        ParseError: An entry is malformed, uses a value outside the vocabulary, repeats an id
            or key, or a header maps to two series; the message names the entry.

    Example:
        >>> era = {"years": "2025", "format": "CSV", "seen": True, "quirks": "none"}
        >>> cw = build_crosswalk({"version": 1, "eras": {"D": era}, "series": [
        ...     {"id": "civil.receipts", "jurisdiction": "civil", "measure": "receipts",
        ...      "unit": "cases", "headers": [{"label": "Civil Claims received", "eras": ["D"]}]}]})
        >>> cw.by_id["civil.receipts"].key
        ('civil', 'receipts', '')
    """
    from hmcts_data._build import FactError, build

    try:
        return build(Crosswalk, raw)
    except FactError as exc:
        raise ParseError(
            f"The monthly crosswalk is invalid: {exc}. Fix the entry named.", file=_FILE
        ) from exc


@cache
def load_crosswalk() -> Crosswalk:
    """Load the packaged monthly crosswalk, validated (cached).

    Returns:
        The crosswalk.

    Raises:
        ParseError: The packaged file is malformed; the message names the entry.

    Example:
        >>> load_crosswalk().by_id["civil.receipts"].unit
        'cases'
    """
    from hmcts_data.tables._facts import load_facts

    return load_facts(Crosswalk, _FILE, "monthly crosswalk")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def crosswalk_markdown() -> str:
    """Render the crosswalk as Markdown tables (the docs generator ``monthly-crosswalk``).

    Returns:
        Markdown: one table of series with their published headers per era, then the
        positional blocks.

    Example:
        >>> "civil.receipts" in crosswalk_markdown()
        True
    """
    cw = load_crosswalk()
    positional: dict[str, list[str]] = {}
    for block in cw.block:
        for offset, col in enumerate(block.columns):
            positional.setdefault(col.series, []).append(
                f"position {block.start + offset} ({', '.join(block.eras)}): "
                f"`{_cell(repr(col.label))}`"
            )
    lines = [
        "| series | jurisdiction | measure | breakdown | unit | published headers (eras) | note |",
        "|---|---|---|---|---|---|---|",
    ]
    for item in cw.series:
        headers = [
            f"`{_cell(repr(h.label))}` ({', '.join(h.eras)})" for h in item.headers
        ] + positional.get(item.id, [])
        lines.append(
            f"| `{item.id}` | {item.jurisdiction} | {item.measure} | {item.breakdown or '—'} | "
            f"{item.unit} | {'<br>'.join(headers)} | {_cell(item.note)} |"
        )
    return "\n".join(lines) + "\n"


def eras_markdown() -> str:
    """Render the eras as a Markdown table (the docs generator ``monthly-eras``).

    Example:
        >>> eras_markdown().startswith('Six layouts ("eras") are known. Four were seen')
        True
    """
    cw = load_crosswalk()
    unseen = [name for name, era in cw.eras.items() if not era.seen]
    lines = [
        "| era | years | format | what the parser has to cope with |",
        "|---|---|---|---|",
        *(
            f"| {name} | {era.years} | {era.format} | {_cell(era.quirks)} |"
            for name, era in cw.eras.items()
        ),
    ]
    words = ("No", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine")
    count = len(cw.eras)
    heading = (
        f'{words[count] if count < len(words) else count} layouts ("eras") are known. '
        f"{words[count - len(unseen)] if count - len(unseen) < len(words) else count} were "
        "seen in real files"
    )
    if unseen:
        heading += (
            f"; {' and '.join(unseen)} {'is' if len(unseen) == 1 else 'are'} known only from "
            "descriptions of files in public repositories, so the parser accepts "
            f"{'it' if len(unseen) == 1 else 'them'} but has not been tested against a real copy"
        )
    return heading + ".\n\n" + "\n".join(lines) + "\n"
