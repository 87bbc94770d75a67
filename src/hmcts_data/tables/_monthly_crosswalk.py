"""The monthly MI crosswalk: published headers to canonical jurisdiction, measure, breakdown, unit.

The mapping itself is data (``monthly_crosswalk.toml``), validated here at load; this module adds
the header normalisation rules and the lookup, including the positional era B divorce block.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Final

from hmcts_data._errors import ParseError
from hmcts_data.tables._schema import vocabulary

__all__ = [
    "BlockColumn",
    "Crosswalk",
    "HeaderLabel",
    "Match",
    "PositionalBlock",
    "Series",
    "crosswalk_markdown",
    "load_crosswalk",
    "normalise_header",
    "validate_crosswalk",
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


def normalise_header(label: str) -> str:
    """Return the matching key of a published header.

    Rules, in order: trim; keep a trailing ``_<digits>`` as `` #<digits>``; drop a footnote digit
    glued to a lower-case letter (``petition5``); unify the ``Probate - ``/``Probate- ``/
    ``Probate_`` separator; underscores to spaces; a dash with a space on either side becomes
    `` - ``; drop commas; separate ``)(``; close an unclosed parenthesis; collapse whitespace;
    case-fold.

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
    text = label.replace("\u00a0", " ").strip()
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
    """A header as published, and the eras that publish it."""

    label: str
    eras: tuple[str, ...]


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

    @property
    def key(self) -> tuple[str, str, str]:
        """``(jurisdiction, measure, breakdown)``."""
        return self.jurisdiction, self.measure, self.breakdown


@dataclass(frozen=True, kw_only=True)
class BlockColumn:
    """One column of a positional block."""

    label: str
    series: str


@dataclass(frozen=True, kw_only=True)
class PositionalBlock:
    """Columns whose names are ambiguous, matched by position when the whole block is present."""

    name: str
    eras: tuple[str, ...]
    start: int
    note: str = ""
    columns: tuple[BlockColumn, ...]


@dataclass(frozen=True)
class Match:
    """The series a column maps to, and the eras consistent with its header."""

    series: Series
    eras: frozenset[str]


@dataclass(frozen=True)
class Crosswalk:
    """The validated crosswalk with its lookup tables.

    Attributes:
        eras: Era name -> description.
        series: Every series, in file order.
        blocks: The positional blocks.
    """

    eras: dict[str, str]
    series: tuple[Series, ...]
    blocks: tuple[PositionalBlock, ...]
    by_id: dict[str, Series]
    by_header: dict[str, tuple[Series, frozenset[str]]]

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
        for block in self.blocks:
            end = block.start + len(block.columns)
            expected = [normalise_header(c.label) for c in block.columns]
            if keys[block.start : end] == expected:
                for offset, col in enumerate(block.columns):
                    out[block.start + offset] = Match(self.by_id[col.series], frozenset(block.eras))
        return out


def _fail(message: str) -> ParseError:
    return ParseError(
        f"The packaged monthly crosswalk is invalid: {message}. Fix the entry named in "
        f"{_FILE} (or reinstall hmcts_data).",
        file=_FILE,
    )


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
        >>> cw = build_crosswalk({"version": 1, "eras": {"D": "accessible CSV"}, "series": [
        ...     {"id": "civil.receipts", "jurisdiction": "civil", "measure": "receipts",
        ...      "unit": "cases", "headers": [{"label": "Civil Claims received", "eras": ["D"]}]}]})
        >>> cw.by_id["civil.receipts"].key
        ('civil', 'receipts', '')
    """
    return _built(_validated(raw))


def _validated(raw: dict[str, object]) -> dict[str, Any]:
    """Validate a parsed crosswalk document; return its data with every header's key.

    The result is JSON-shaped apart from tuples (what the pre-built data holds):
    ``eras``, ``series`` and ``blocks`` as validated (defaults filled), and ``headers``:
    normalised header -> ``[series id, sorted eras]``.
    """
    from pydantic import ValidationError

    from hmcts_data.tables import _monthly_crosswalk_models as models

    unknown_top = set(raw) - {"version", "eras", "series", "block"}
    if unknown_top:
        raise _fail(f"unknown top-level keys {sorted(unknown_top)}")
    if raw.get("version") != 1:
        raise _fail(f"version must be 1, got {raw.get('version')!r}")
    eras_raw = raw.get("eras")
    if not isinstance(eras_raw, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in eras_raw.items()
    ):
        raise _fail("[eras] must map era names to descriptions")
    eras: dict[str, str] = dict(eras_raw)
    vocab = vocabulary()
    series_raw = raw.get("series")
    if not isinstance(series_raw, list) or not series_raw:
        raise _fail("there must be at least one [[series]] entry")
    series: list[models.Series] = []
    ids: set[str] = set()
    by_key: dict[tuple[str, str, str], str] = {}
    by_header: dict[str, tuple[str, frozenset[str]]] = {}
    for index, entry in enumerate(series_raw):
        name = f"[[series]] #{index + 1}" + (
            f" (id {entry.get('id')!r})" if isinstance(entry, dict) else ""
        )
        try:
            item = models.Series.model_validate(entry)
        except ValidationError as exc:
            raise _fail(f"{name}: {exc}") from exc
        checks = (
            ("jurisdiction", item.jurisdiction, vocab.jurisdiction),
            ("measure", item.measure, vocab.measure),
            ("unit", item.unit, vocab.unit),
        )
        for field_name, value, allowed in checks:
            if value not in allowed:
                raise _fail(f"{name}: {field_name} {value!r} is not in the vocabulary")
        key = (item.jurisdiction, item.measure, item.breakdown)
        if item.id in ids:
            raise _fail(f"{name}: id {item.id!r} is used twice")
        if key in by_key:
            raise _fail(f"{name}: key {key} is already used by {by_key[key]!r}")
        for header in item.headers:
            bad_eras = set(header.eras) - set(eras)
            if bad_eras:
                raise _fail(f"{name}: header {header.label!r} names unknown eras {bad_eras}")
            normal = normalise_header(header.label)
            if normal in by_header and by_header[normal][0] != item.id:
                raise _fail(
                    f"{name}: header {header.label!r} also maps to {by_header[normal][0]!r}"
                )
            previous = by_header[normal][1] if normal in by_header else frozenset()
            by_header[normal] = (item.id, previous | frozenset(header.eras))
        by_key[key] = item.id
        ids.add(item.id)
        series.append(item)
    blocks: list[models.PositionalBlock] = []
    block_raw = raw.get("block", [])
    if not isinstance(block_raw, list):
        raise _fail("[[block]] must be a list of tables")
    for index, entry in enumerate(block_raw):
        name = f"[[block]] #{index + 1}"
        try:
            block = models.PositionalBlock.model_validate(entry)
        except ValidationError as exc:
            raise _fail(f"{name}: {exc}") from exc
        for col in block.columns:
            if col.series not in ids:
                raise _fail(f"{name} ({block.name!r}): unknown series {col.series!r}")
            if normalise_header(col.label) in by_header:
                raise _fail(
                    f"{name} ({block.name!r}): {col.label!r} is also matched by name; a "
                    "positional header must not be"
                )
        if set(block.eras) - set(eras):
            raise _fail(f"{name} ({block.name!r}): unknown eras {set(block.eras) - set(eras)}")
        blocks.append(block)
    return {
        "eras": eras,
        "series": [s.model_dump() for s in series],
        "blocks": [b.model_dump() for b in blocks],
        "headers": {k: [sid, sorted(e)] for k, (sid, e) in by_header.items()},
    }


def _built(data: Mapping[str, Any]) -> Crosswalk:
    """The crosswalk from its validated data (:func:`_validated`, or the pre-built copy)."""
    series = tuple(
        Series(
            **{
                **entry,
                "headers": tuple(
                    HeaderLabel(label=h["label"], eras=tuple(h["eras"])) for h in entry["headers"]
                ),
            }
        )
        for entry in data["series"]
    )
    by_id = {s.id: s for s in series}
    blocks = tuple(
        PositionalBlock(
            **{
                **entry,
                "eras": tuple(entry["eras"]),
                "columns": tuple(BlockColumn(**c) for c in entry["columns"]),
            }
        )
        for entry in data["blocks"]
    )
    return Crosswalk(
        eras=dict(data["eras"]),
        series=series,
        blocks=blocks,
        by_id=by_id,
        by_header={k: (by_id[sid], frozenset(eras)) for k, (sid, eras) in data["headers"].items()},
    )


def validate_crosswalk(data: bytes, file: str = _FILE) -> dict[str, Any]:
    """Fully validate the bytes of ``monthly_crosswalk.toml`` (see :func:`build_crosswalk`).

    Returns:
        The crosswalk's validated data, with every header's matching key.

    Raises:
        ParseError: The file is malformed; the message names the entry.
    """
    import tomllib

    try:
        raw = tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise _fail(str(exc)) from exc
    return _validated(raw)


@cache
def load_crosswalk() -> Crosswalk:
    """Load the packaged monthly crosswalk, validated (cached).

    The pre-built data is used while ``monthly_crosswalk.toml`` is unchanged; otherwise the
    file is validated in full.

    Returns:
        The crosswalk.

    Raises:
        ParseError: The packaged file is malformed; the message names the entry.

    Example:
        >>> load_crosswalk().by_id["civil.receipts"].unit
        'cases'
    """
    from hmcts_data.tables._facts import load_facts

    return _built(load_facts(_FILE, validate_crosswalk))


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
    for block in cw.blocks:
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
    lines += ["", "Layouts (eras):", ""]
    lines += [f"- **{name}**: {_cell(text)}" for name, text in cw.eras.items()]
    return "\n".join(lines) + "\n"
