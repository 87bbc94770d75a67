"""Reading one published cell: a number, or a missing-value marker, or both.

A cell becomes ``(value, marker)``. ``value`` is a float equal to the published figure (no float
noise: parsed from the text, never through a scaled or rounded path) or ``None``. ``marker``
records why a value is missing (``"blank"``, ``"NA"``, ``"N/A"``, ``".."``, ``"-"``, ``"[x]"``,
``"[z]"``, ``"[c]"``, ``"[low]"`` ...) or qualifies a present one (``"[p]"``, ``"[r]"``,
``"[e]"``, ``"[u]"`` ...); it is ``None`` for a plain number.

Shorthand follows the Government Analysis Function guidance on symbols in tables; the legacy
symbols ``..`` and ``-`` are kept verbatim as markers and never read as zero.
"""

from __future__ import annotations

import math
import re
from typing import Final

__all__ = [
    "MISSING_MARKERS",
    "QUALIFIER_MARKERS",
    "CellError",
    "parse_cell",
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
_SHORTHAND = re.compile(r"\[(?:[a-z]{1,3}\d*)\]", re.IGNORECASE)
_INFINITIES: Final = (math.inf, -math.inf)
_NUMBER = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?(?:[eE][+-]?\d+)?$")


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
    if type(raw) is str and raw.isdigit() and raw.isascii():
        return float(raw), None
    if isinstance(raw, bool):
        raise CellError(f"boolean {raw!r} is not a figure")
    if isinstance(raw, int | float):
        value = float(raw)
        if math.isnan(value):
            return None, "blank"
        if math.isinf(value):
            raise CellError(f"{raw!r} is not a finite figure")
        return value, None
    text = str(raw).replace("\u00a0", " ").strip()
    if not text:
        return None, "blank"
    lowered = text.lower()
    if lowered in _WORD_MISSING:
        return None, _WORD_MISSING[lowered]
    if text in MISSING_MARKERS:
        return None, text
    codes = [c.lower() for c in _SHORTHAND.findall(text)]
    rest = _SHORTHAND.sub("", text).strip()
    marker = "".join(codes) or None
    if not rest:
        return None, marker
    number = rest.replace(" ", "")
    if percent and number.endswith("%"):
        number = number[:-1]
    if not _NUMBER.match(number) or not any(ch.isdigit() for ch in number):
        raise CellError(f"{text!r} is neither a number nor a known missing-value marker")
    return float(number.replace(",", "")), marker
