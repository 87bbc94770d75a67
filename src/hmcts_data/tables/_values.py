"""Reading one published cell: a number, or a missing-value marker, or both.

A cell becomes ``(value, marker)``. ``value`` is a float equal to the published figure (no float
noise: parsed from the text, never through a scaled or rounded path) or ``None``. ``marker``
records why a value is missing (``"blank"``, ``"NA"``, ``"N/A"``, ``".."``, ``"-"``, ``"[x]"``,
``"[z]"``, ``"[c]"``, ``"[low]"`` ...) or qualifies a present one (``"[p]"``, ``"[r]"``,
``"[e]"``, ``"[u]"`` ...); it is ``None`` for a plain number.

Shorthand follows the Government Analysis Function guidance on symbols in tables; the legacy
symbols ``..`` and ``-`` are kept verbatim as markers and never read as zero.

Text is a figure only in one strict form: an optional sign, ASCII digits either ungrouped or
grouped in threes by one kind of thousands separator (``,`` or a space; ``"39,241"``,
``"1 234"``), an optional decimal part and exponent, an optional ``%`` in a percentage column,
and shorthand markers only before or after the number (``"123 [p]"``). The value must be finite.
Anything else (``"2.5 7"``, ``"12 34"``, ``"146923 [p] 5"``, ``"1e400"``) is refused, never
read as some other figure.
"""

from __future__ import annotations

import itertools
import math
import operator
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    import numpy as np

__all__ = [
    "EXCERPT_CHARS",
    "MISSING_MARKERS",
    "QUALIFIER_MARKERS",
    "CellError",
    "excerpt",
    "parse_cell",
    "parse_cells",
    "quick_cells",
]

#: Markers that stand in place of a value (the value is missing). ``blank`` = empty cell.
MISSING_MARKERS: Final = frozenset(
    {"blank", "NA", "N/A", "n/a", "..", "-", "[x]", "[z]", "[c]", "[low]", "[w]", ":", "*"}
)
#: GAF shorthand that qualifies a value when it sits next to a number.
QUALIFIER_MARKERS: Final = frozenset(
    {"[p]", "[r]", "[e]", "[u]", "[f]", "[b]", "[er]", "[ns]", "[s]", "[ss]", "[sss]"}
)

_WORD_MISSING: Final = {
    "na": "NA",
    "n/a": "N/A",
    "not available": "[x]",
    "not applicable": "[z]",
    "no data": "[x]",
    "missing": "[x]",
    "disclosive": "[c]",
    "suppressed": "[c]",
}
_SHORTHAND = re.compile(r"\[(?:[a-z]{1,3}\d*)\]", re.IGNORECASE | re.ASCII)
_INFINITIES: Final = (math.inf, -math.inf)
# Spaces a publisher may put between digit groups or around a cell (no-break, thin, narrow).
_SPACES: Final = str.maketrans({"\u00a0": " ", "\u2009": " ", "\u202f": " "})
# The one grammar of a figure written as text (see the module docstring): markers only at the
# ends, digits grouped in threes by one separator kind, or not grouped at all.
_MARKS = r"(?:\[[a-z]{1,3}[0-9]*\]\s*)*"
_FIGURE = re.compile(
    rf"(?P<pre>{_MARKS})"
    r"(?P<number>[+-]?"
    r"(?:(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]{1,3}(?: [0-9]{3})+|[0-9]+)(?:\.[0-9]+)?|\.[0-9]+)"
    r"(?:[eE][+-]?[0-9]+)?)"
    r"(?P<percent>\s?%)?"
    rf"\s*(?P<post>{_MARKS})",
    re.IGNORECASE | re.ASCII,
)
#: Longest excerpt of a cell quoted in a message; longer text is cut and its length given.
EXCERPT_CHARS: Final = 60
# Digit strings longer than this may overflow a float; the fast paths leave them to the rules.
_SAFE_DIGITS: Final = 300
# Longer text is not matched against the grammar at all: no figure is written this long, and a
# hostile cell of megabytes must cost nothing.
_LONGEST_FIGURE: Final = 400


def excerpt(value: object, limit: int = EXCERPT_CHARS) -> str:
    """``repr`` of a cell, cut to ``limit`` characters with its full length given.

    A hostile cell can hold megabytes; a message quotes only its start.

    Example:
        >>> excerpt("12"), excerpt("9" * 100), excerpt(2.5)
        ("'12'", "'99999999999999999999999999999999999999999999999999999999999'... (100 characters)", '2.5')
    """  # noqa: E501
    if not isinstance(value, str):
        shown = repr(value)
        return shown if len(shown) <= limit else f"{shown[:limit]}..."
    if len(value) <= limit:
        return repr(value)
    return f"{value[: limit - 1]!r}... ({len(value):,} characters)"


class CellError(ValueError):
    """A cell that is neither a number nor a known marker (callers add file/row/column)."""


def parse_cell(raw: object, *, percent: bool = False) -> tuple[float | None, str | None]:
    """Read one published cell into ``(value, marker)``.

    Args:
        raw: The cell as read (``str``, ``int``, ``float``, ``None`` or NaN for an empty cell).
        percent: Whether the column is a percentage. A text value ending in ``%`` is accepted
            and kept on the 0-100 scale (``"87.5%"`` gives 87.5).

    Returns:
        The value (``None`` when missing) and the marker (``None`` for a plain number).

    Raises:
        CellError: The cell holds text that is neither a number nor a known marker.

    Example:
        >>> parse_cell('"39,241"'.strip('"')), parse_cell("NA"), parse_cell("123 [p]")
        ((39241.0, None), (None, 'NA'), (123.0, '[p]'))
    """
    if raw is None:
        return None, "blank"
    # Fast paths for the cells that dominate every file: a float from a workbook, and plain
    # ASCII digits from a CSV (exactly what the full rules below would give for them).
    if type(raw) is float:
        if math.isnan(raw):
            return None, "blank"
        if raw in _INFINITIES:
            raise CellError(f"{raw!r} is not a finite figure")
        return raw, None
    if type(raw) is str and raw.isdigit() and raw.isascii() and len(raw) < _SAFE_DIGITS:
        return float(raw), None
    if isinstance(raw, bool):
        raise CellError(f"boolean {raw!r} is not a figure")
    if isinstance(raw, int | float):
        try:
            value = float(raw)
        except OverflowError:  # an int beyond any float
            raise CellError(
                f"an integer of {int(raw).bit_length():,} bits is not a finite figure"
            ) from None
        if math.isnan(value):
            return None, "blank"
        if math.isinf(value):
            raise CellError(f"{raw!r} is not a finite figure")
        return value, None
    text = str(raw).translate(_SPACES).strip()
    if not text:
        return None, "blank"
    lowered = text.lower()
    if lowered in _WORD_MISSING:
        return None, _WORD_MISSING[lowered]
    if text in MISSING_MARKERS:
        return None, text
    if not _SHORTHAND.sub("", text).strip():
        # Markers alone ("[x]", "[r][e]"): a missing value and why.
        return None, "".join(c.lower() for c in _SHORTHAND.findall(text))
    found = _FIGURE.fullmatch(text) if len(text) <= _LONGEST_FIGURE else None
    if found is None or (found["percent"] and not percent):
        raise CellError(f"{excerpt(text)} is neither a number nor a known missing-value marker")
    value = float(found["number"].replace(",", "").replace(" ", ""))
    if math.isinf(value):
        raise CellError(f"{excerpt(text)} is not a finite figure")
    codes = _SHORTHAND.findall(found["pre"]) + _SHORTHAND.findall(found["post"])
    return value, "".join(c.lower() for c in codes) or None


# Plain figures, the cells that fill every file: ASCII digits with an optional decimal part,
# optionally with thousands separators. Exactly the text parse_cell reads as float(text without
# commas) and nothing else (no sign, exponent, space, marker or "1_000", which float() takes).
_PLAIN = r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?"
# A whole column's cells joined by NUL: one regex pass instead of one call per cell. A cell
# holding a NUL itself can only make float() fail below, which sends the column the slow way.
_PLAIN_COLUMN = re.compile(rf"(?:{_PLAIN}\x00)*", re.ASCII)


def _known_cells() -> dict[object, tuple[float | None, str | None]]:
    """Cells whose reading is fixed text (empty, a marker word): looked up, not parsed."""
    words = {*MISSING_MARKERS, *QUALIFIER_MARKERS, *_WORD_MISSING}
    texts = {w for word in words for w in (word, word.upper(), word.title())}
    known: dict[object, tuple[float | None, str | None]] = {
        None: (None, "blank"),
        "": (None, "blank"),
    }
    for text in texts:
        try:
            value, marker = parse_cell(text)  # the rules themselves decide: they cannot drift
        except CellError:
            continue
        if value is None:  # quick_cells relies on it: a looked-up cell has no value
            known[text] = (value, marker)
    return known


_KNOWN: Final = _known_cells()


def _plain_values(texts: list[Any]) -> list[float] | None:
    """``float`` of every cell when all are plain figures (see ``_PLAIN``), else ``None``."""
    try:
        joined = "\x00".join(texts)
    except TypeError:  # a cell that is not text (a workbook number, a date ...)
        return None
    # Bare ASCII digits in every cell (the common case) are told by two string methods; any
    # other text is held to the grammar's pattern.
    digits = joined.replace("\x00", "")
    bare = (
        digits.isdigit()
        and digits.isascii()
        and len(digits) + len(texts) - 1 == len(joined)
        and all(texts)
    )
    if not bare and not _PLAIN_COLUMN.fullmatch(joined + "\x00" if texts else ""):
        return None
    try:
        if "," in joined:
            # The pattern matched: every NUL separates two cells, commas sit between digits.
            values = list(map(float, joined.replace(",", "").split("\x00")))
        else:
            values = list(map(float, texts))
    except ValueError:
        return None
    # A digit string beyond any float reads as infinity: parse_cell refuses it, naming it.
    return None if math.inf in values else values


def quick_cells(
    cells: Sequence[object],
) -> tuple[np.ndarray[Any, np.dtype[np.float64]], list[str | None]] | None:
    """:func:`parse_cells` of cells that need no rule beyond a lookup, else ``None``.

    That is every cell a plain figure (see ``_PLAIN``), an empty cell or a marker word, or
    every cell a finite float or NaN (a workbook column). The reading does not depend on
    ``percent``, so the cells of several columns may be read in one call.
    """
    import numpy as np

    n = len(cells)
    if n and all(c.__class__ is float for c in cells):
        # A workbook column: the floats are the figures; NaN is an empty cell.
        array = np.array(cells, dtype=np.float64)
        if np.isinf(array).any():
            return None  # refused by parse_cell, which names the cell
        missing = np.isnan(array)
        if not missing.any():
            return array, [None] * n
        return array, ["blank" if m else None for m in missing.tolist()]
    try:
        # Cells are text, None, numbers or dates: a number or date is never a key of _KNOWN.
        known = list(map(_KNOWN.get, cells))
    except TypeError:  # an unhashable cell: not one quick_cells reads
        return None
    # The cells not looked up (a looked-up reading is a non-empty tuple, so not_ is False).
    rest = cells if not any(known) else list(itertools.compress(cells, map(operator.not_, known)))
    if rest and all(c.__class__ is float for c in rest):
        # A workbook column with empty cells or marker words among its floats.
        floats = np.array(rest, dtype=np.float64)
        if np.isinf(floats).any():
            return None  # refused by parse_cell, which names the cell
        values = np.full(n, np.nan)
        values[np.array(list(map(operator.not_, known)), dtype=bool)] = floats
        blank = iter(np.isnan(floats).tolist())
        return values, [("blank" if next(blank) else None) if k is None else k[1] for k in known]
    plain = _plain_values(list(rest))
    if plain is None:
        return None
    if len(plain) == n:
        return np.array(plain, dtype=np.float64), [None] * n
    # Every looked-up cell is missing (a marker or empty): NaN there, the figures elsewhere.
    values = np.full(n, np.nan)
    values[np.array(list(map(operator.not_, known)), dtype=bool)] = plain
    return values, [None if k is None else k[1] for k in known]


def parse_cells(
    cells: Sequence[object], *, percent: bool = False
) -> tuple[np.ndarray[Any, np.dtype[np.float64]], list[str | None]]:
    """Read a column of published cells at once: exactly ``parse_cell`` of each cell.

    Plain figures, empty cells and marker words (what nearly every column holds) are read
    column-wise; any other cell goes through :func:`parse_cell` itself.

    Args:
        cells: The raw cells of one column, in row order.
        percent: Whether the column is a percentage (see :func:`parse_cell`).

    Returns:
        The values as a float array (NaN where missing) and the markers (``None`` for a plain
        number), one per cell.

    Raises:
        CellError: A cell is neither a number nor a known marker. The caller locates it (the
            first such cell is the one :func:`parse_cell` of each cell in order refuses).

    Example:
        >>> values, markers = parse_cells(["39,241", "NA", "12.5", None])
        >>> values.tolist(), markers
        ([39241.0, nan, 12.5, nan], [None, 'NA', None, 'blank'])
    """
    import numpy as np

    quick = quick_cells(cells)
    if quick is not None:
        return quick
    pairs = [parse_cell(c, percent=percent) for c in cells]
    return np.array([v for v, _ in pairs], dtype=np.float64), [m for _, m in pairs]
