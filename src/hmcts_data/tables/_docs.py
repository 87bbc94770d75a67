"""The tidy contract as Markdown, generated from the code so the docs cannot drift from it.

Used by the docs build (``docs/hooks.py``, marker ``<!-- generated: tidy-contract -->``).
"""

from __future__ import annotations

import dataclasses

from hmcts_data.tables._schema import MAPPINGS, TIDY_COLUMNS, Vocabulary, tidy_dtypes, vocabulary
from hmcts_data.tables._values import MISSING_MARKERS, QUALIFIER_MARKERS

__all__ = ["tidy_contract_markdown"]

#: The vocabulary's sections, in file order.
_VOCABULARY_FIELDS = tuple(f.name for f in dataclasses.fields(Vocabulary))
_VOCAB_INTRO = {
    "publication": "Publication ids: the names `hmcts_data.read` and `load` take.",
    "jurisdiction": "Canonical jurisdictions; null in the frame when a label is unknown.",
    "measure": "Canonical measures; null in the frame when a label is unknown.",
    "unit": "Units of `value`.",
    "breakdown": (
        "Canonical breakdowns that the crosswalks emit. The `breakdown` column is a string, not "
        'a category, so other text can appear; `""` means the headline figure.'
    ),
}


def _cell(text: str) -> str:
    """Escape text for a Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ").strip()


def _code(text: str) -> str:
    return f"`` {text} ``" if "`" in text else f"`{text}`"


def tidy_contract_markdown() -> str:
    """Render the tidy columns, dtypes, vocabularies and missing-value markers as Markdown.

    Everything comes from :data:`~hmcts_data.tables._schema.TIDY_COLUMNS`,
    :func:`~hmcts_data.tables._schema.tidy_dtypes`, the packaged vocabulary and the marker sets
    in :mod:`hmcts_data.tables._values`.

    Returns:
        Markdown text: a columns table, one table per vocabulary, and the markers.

    Example:
        >>> text = tidy_contract_markdown()
        >>> "| `value` | `Float64` |" in text
        True
    """
    dtypes = tidy_dtypes()
    lines = [
        "## Columns",
        "",
        "In this order, with these pandas dtypes:",
        "",
        "| column | dtype | meaning |",
        "|---|---|---|",
    ]
    for col in TIDY_COLUMNS:
        shown = str(dtypes[col.name]) if col.dtype != "category" else "category"
        lines.append(f"| `{col.name}` | `{shown}` | {_cell(col.description)} |")
    categorical = [
        c.name for c in TIDY_COLUMNS if c.dtype == "category" and c.name in _VOCABULARY_FIELDS
    ]
    lines += [
        "",
        "The categorical columns ("
        + ", ".join(f"`{c}`" for c in categorical)
        + ") always carry the whole vocabulary below as their categories, whatever values "
        "a frame holds, so frames from different releases and publications concatenate "
        "without losing their dtypes. `mapping` has the fixed categories "
        + ", ".join(f"`{m}`" for m in MAPPINGS)
        + ".",
        "",
        "## Vocabularies",
    ]
    vocab = vocabulary()
    for field in _VOCABULARY_FIELDS:
        entries = getattr(vocab, field)
        if not entries:
            continue
        lines += ["", f"### `{field}`", ""]
        intro = _VOCAB_INTRO.get(field)
        if intro:
            lines += [intro, ""]
        lines += ["| value | label | description |", "|---|---|---|"]
        for key in sorted(entries):
            entry = entries[key]
            lines.append(f"| `{key}` | {_cell(entry.label)} | {_cell(entry.description)} |")
    lines += [
        "",
        "## Markers",
        "",
        "`marker` says why a value is missing, or qualifies a value that is present. "
        "A missing value always has a marker.",
        "",
        "| kind | markers |",
        "|---|---|",
        "| missing (value is `<NA>`) | "
        + ", ".join(_code(m) for m in sorted(MISSING_MARKERS))
        + " |",
        "| qualifier (value present) | "
        + ", ".join(_code(m) for m in sorted(QUALIFIER_MARKERS))
        + " |",
        "",
        "`blank` stands for an empty cell. Qualifiers combine when a cell carries several "
        "(for example `[p][r]`).",
        "",
    ]
    return "\n".join(lines)
