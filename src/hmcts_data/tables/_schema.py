"""The tidy (long) contract every parser returns, and the one melt step that builds it.

One row per published figure (every data cell of the source, missing ones included). The
columns, in this order:

==============  =====================  ======================================================
column          dtype                  meaning
==============  =====================  ======================================================
publication     category               publication id (``monthly``, ``weekly-covid`` ...)
release         string                 the release's latest data month, ``"YYYY-MM"``
published       datetime64[ns, UTC]    when GOV.UK first published the release (NaT if unknown)
period_start    datetime64[ns]         first day of the period the figure covers
period_end      datetime64[ns]         last day of that period (inclusive)
jurisdiction    category               canonical jurisdiction (null if the label is unknown)
measure         category               canonical measure (null if the label is unknown)
breakdown       string                 variant (digital, paper, joint, an age band ...); ``""``
unit            category               cases, weeks, days, percent ...
value           Float64                the figure as published; ``<NA>`` when missing
marker          string                 why missing (``blank``, ``NA``, ``[x]`` ...) or a
                                       qualifier (``[p]``, ``[r]``); ``<NA>`` for a plain figure
mapping         category               how the key was found: ``exact`` (a label on record),
                                       ``inferred`` (interpreted wording); null if unmapped
evidence        category               what an ``inferred`` key rests on: ``label`` (the wording
                                       alone), ``figures`` (the figures it shares with an
                                       earlier release), ``both``; null unless ``inferred``
level_shift     Float64                the whole-series revision this column made against the
                                       earlier release it continues (median relative change of
                                       the shared months, ``0.12`` for +12%); ``<NA>`` if none
source_label    string                 the header or row label exactly as published
source_sheet    string                 sheet name for workbooks; ``<NA>`` for CSV
source_file     string                 file name of the source
source_url      string                 where it was downloaded from; ``<NA>`` for local files
sha256          string                 sha256 of the source file's bytes
==============  =====================  ======================================================

The vocabularies (publication, jurisdiction, measure, unit) live in ``vocabulary.toml`` next to
this module and are the categories of those columns, so frames from different releases and
publications concatenate without losing their dtypes. ``mapping`` has the fixed categories
:data:`MAPPINGS`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import cache
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Final

from hmcts_data._display import model_html
from hmcts_data._errors import ParseError
from hmcts_data.tables._values import CellError, excerpt, parse_cell, parse_cells, quick_cells

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "EVIDENCE",
    "MAPPINGS",
    "TIDY_COLUMNS",
    "ColumnSpec",
    "Parsed",
    "Provenance",
    "TidyColumn",
    "TidyParts",
    "Vocabulary",
    "VocabularyEntry",
    "cell_error",
    "check_parts",
    "coerce_tidy",
    "column_letter",
    "describe_vocabulary",
    "empty_tidy",
    "locate",
    "melt_parts",
    "melt_wide",
    "parsed",
    "tidy_dtypes",
    "tidy_frame",
    "validate_tidy",
    "vocabulary",
]

_RELEASE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")

#: The values of the ``mapping`` column: how a row's jurisdiction and measure were found.
#: ``exact``: the label is on record in the crosswalk (every known monthly era); ``inferred``: read
#: from a wording not on record (the header interpreter; every label of the publications whose
#: real files have not been seen). Null: not mapped (jurisdiction or measure unknown).
MAPPINGS: Final = ("exact", "inferred")
#: The values of the ``evidence`` column: what an inferred key rests on. ``label``: the wording
#: alone (no earlier release shares its months); ``figures``: the figures it shares with an
#: earlier release's series, the wording being unsure; ``both``: the wording and the figures agree.
EVIDENCE: Final = ("label", "figures", "both")
_INFERRED_CODE: Final = MAPPINGS.index("inferred")


@dataclass(frozen=True)
class TidyColumn:
    """One column of the tidy contract: its name, pandas dtype name and meaning."""

    name: str
    dtype: str
    description: str


TIDY_COLUMNS: Final[tuple[TidyColumn, ...]] = (
    TidyColumn("publication", "category", "Publication id (see the vocabulary)."),
    TidyColumn("release", "string", "The release's latest data month, as 'YYYY-MM'."),
    TidyColumn(
        "published",
        "datetime64[ns, UTC]",
        "When GOV.UK first published the release; NaT when not known (e.g. a local file).",
    ),
    TidyColumn("period_start", "datetime64[ns]", "First day of the period the figure covers."),
    TidyColumn("period_end", "datetime64[ns]", "Last day of the period (inclusive)."),
    TidyColumn(
        "jurisdiction", "category", "Canonical jurisdiction; null when the label is unknown."
    ),
    TidyColumn("measure", "category", "Canonical measure; null when the label is unknown."),
    TidyColumn(
        "breakdown",
        "string",
        "Variant of the measure (digital, paper, joint, sole, an age band ...); '' when none.",
    ),
    TidyColumn("unit", "category", "Unit of the value (cases, weeks, days, percent ...)."),
    TidyColumn("value", "Float64", "The figure exactly as published; <NA> when missing."),
    TidyColumn(
        "marker",
        "string",
        "Why the value is missing (blank, NA, N/A, [x], [z], [c], .., - ...) or a qualifier "
        "of a present value ([p], [r] ...); <NA> for a plain figure.",
    ),
    TidyColumn(
        "mapping",
        "category",
        "How jurisdiction and measure were found: 'exact' (the label is on record in the "
        "crosswalk), 'inferred' (the header interpreter read a wording it had not seen); null "
        "when the label is not mapped (jurisdiction or measure null). Keep "
        "frame[frame['mapping'] == 'exact'] to use exact mappings only.",
    ),
    TidyColumn(
        "evidence",
        "category",
        "What an inferred key rests on: 'label' (the wording alone: no earlier release held "
        "shares its months), 'figures' (its figures match one earlier series clearly best, the "
        "wording being unsure), 'both' (wording and figures agree); null unless mapping is "
        "'inferred'. Keep frame[(frame['mapping'] == 'exact') | (frame['evidence'] == 'both')] "
        "for exact or label-confirmed mappings only.",
    ),
    TidyColumn(
        "level_shift",
        "Float64",
        "A whole-series revision: how far this column's figures moved, as a whole and in one "
        "direction, from the earlier release's series it continues (median relative change of "
        "the settled months they share; 0.12 for +12%); <NA> when none was found. In series() "
        "only the first figure taken from the revising release carries it: where the series "
        "switches level.",
    ),
    TidyColumn("source_label", "string", "The header or row label exactly as published."),
    TidyColumn("source_sheet", "string", "Sheet name for workbooks; <NA> for CSV files."),
    TidyColumn("source_file", "string", "File name of the source."),
    TidyColumn("source_url", "string", "URL the source was downloaded from; <NA> for local files."),
    TidyColumn("sha256", "string", "sha256 of the source file's bytes."),
)
_NAMES: Final = tuple(c.name for c in TIDY_COLUMNS)


_KEY = re.compile(r"^[a-z][a-z0-9_]*(?:-[a-z0-9_]+)*$")


@dataclass(frozen=True, kw_only=True)
class VocabularyEntry:
    """One vocabulary value: a label for people and a description (neither blank)."""

    label: str
    description: str

    def __post_init__(self) -> None:
        if not self.label.strip() or not self.description.strip():
            raise ValueError("label and description must not be blank")


@dataclass(frozen=True, kw_only=True)
class Vocabulary:
    """The canonical values of the categorical tidy columns (from ``vocabulary.toml``).

    Every key is lower snake_case. The publications are the registry's (``publications.toml``),
    not restated here: see :attr:`publication`.

    Attributes:
        jurisdiction: Canonical jurisdiction -> its entry.
        measure: Canonical measure -> its entry.
        unit: Unit -> its entry.
        breakdown: Canonical values of the (free-text) breakdown column that crosswalks emit.
    """

    jurisdiction: dict[str, VocabularyEntry]
    measure: dict[str, VocabularyEntry]
    unit: dict[str, VocabularyEntry]
    breakdown: dict[str, VocabularyEntry] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name in ("jurisdiction", "measure", "unit", "breakdown"):
            bad = [k for k in getattr(self, name) if not _KEY.match(k)]
            if bad:
                raise ValueError(
                    f"{name}: keys must be lower snake_case (or hyphenated ids): {bad}"
                )

    @property
    def publication(self) -> dict[str, VocabularyEntry]:
        """Publication id -> its entry, for every publication whose files are read.

        From the registry (its title and description), in the registry's order.

        Example:
            >>> vocabulary().publication["monthly"].label
            'HMCTS management information'
        """
        from hmcts_data._registry import registry

        entries = registry().publication
        return {
            pid: VocabularyEntry(label=entries[pid].title, description=entries[pid].description)
            for pid in registry().ids(parsed=True)
        }


_VOCABULARY: Final = "vocabulary.toml"


@cache
def vocabulary() -> Vocabulary:
    """Load the canonical vocabulary shipped with the package (validated at load).

    Returns:
        The vocabulary (cached after the first call).

    Raises:
        ParseError: The packaged ``vocabulary.toml`` is malformed (names the entry).

    Example:
        >>> "probate" in vocabulary().jurisdiction
        True
    """
    from hmcts_data.tables._facts import load_facts

    return load_facts(Vocabulary, _VOCABULARY, "tidy vocabulary")


def tidy_dtypes() -> dict[str, Any]:
    """Return the pandas dtype of every tidy column, categories included.

    Returns:
        A new mapping from column name to a dtype object accepted by ``DataFrame.astype``.

    Example:
        >>> str(tidy_dtypes()["value"])
        'Float64'
    """
    return dict(_dtypes())


@cache
def _dtypes() -> Mapping[str, Any]:
    # Building four CategoricalDtypes costs about a millisecond; every parse needs them.
    import pandas as pd

    vocab = vocabulary()
    cats = {
        "publication": sorted(vocab.publication),
        "jurisdiction": sorted(vocab.jurisdiction),
        "measure": sorted(vocab.measure),
        "unit": sorted(vocab.unit),
        "mapping": list(MAPPINGS),
        "evidence": list(EVIDENCE),
    }
    out: dict[str, Any] = {}
    for col in TIDY_COLUMNS:
        if col.dtype == "category":
            out[col.name] = pd.CategoricalDtype(cats[col.name], ordered=False)
        elif col.dtype == "string":
            out[col.name] = pd.StringDtype("python")
        elif col.dtype == "datetime64[ns, UTC]":
            out[col.name] = pd.DatetimeTZDtype("ns", "UTC")
        else:
            out[col.name] = col.dtype
    return MappingProxyType(out)


@cache
def _category_codes(name: str) -> Mapping[str, int]:
    """Category -> code of a categorical tidy column."""
    return MappingProxyType({c: i for i, c in enumerate(_dtypes()[name].categories)})


def empty_tidy() -> pd.DataFrame:
    """Return an empty frame with the tidy columns and dtypes.

    Example:
        >>> list(empty_tidy().columns)[:3]
        ['publication', 'release', 'published']
    """
    import pandas as pd

    dtypes = _dtypes()
    return pd.DataFrame({name: pd.Series([], dtype=dtypes[name]) for name in _NAMES})


def coerce_tidy(frame: pd.DataFrame) -> pd.DataFrame:
    """Cast a frame holding the tidy columns to the contract's dtypes and column order.

    Use it after a round trip through a format that loses dtypes (CSV, parquet, DuckDB).

    Args:
        frame: A frame with every tidy column (extra columns are dropped).

    Returns:
        A new frame in contract order and dtypes.

    Raises:
        ParseError: A tidy column is missing, or a value does not fit its dtype or vocabulary.
    """
    import pandas as pd

    missing = [c for c in _NAMES if c not in frame.columns]
    if missing:
        raise ParseError(f"Not a tidy hmcts_data frame: columns {missing} are missing.")
    dtypes = _dtypes()
    out: dict[str, Any] = {}
    for name in _NAMES:
        col = frame[name]
        target = dtypes[name]
        # Exact dtype equality: str() would take a pyarrow-backed string column for the
        # python-backed one; category order counts too.
        if col.dtype == target and (
            not isinstance(target, pd.CategoricalDtype)
            or col.cat.categories.equals(target.categories)
        ):
            out[name] = col.array  # already right: no copy, no round trip
            continue
        try:
            if isinstance(target, pd.CategoricalDtype):
                out[name] = _to_category(name, col, target)
            elif isinstance(target, pd.DatetimeTZDtype):
                out[name] = pd.to_datetime(col, utc=True).astype(target).array
            elif str(target) == "datetime64[ns]":
                converted = pd.to_datetime(col)
                if isinstance(converted.dtype, pd.DatetimeTZDtype):
                    converted = converted.dt.tz_localize(None)
                out[name] = converted.astype("datetime64[ns]").array
            else:
                out[name] = col.astype(target).array
        except (TypeError, ValueError) as exc:
            if isinstance(exc, ParseError):
                raise
            raise ParseError(f"Column {name!r} cannot be read as {target}: {exc}") from exc
    return pd.DataFrame(out, index=pd.RangeIndex(len(frame)), copy=True)


def _to_category(name: str, col: pd.Series[Any], target: pd.CategoricalDtype) -> Any:
    import pandas as pd

    # Values outside the categories would silently become NaN: refuse them first.
    lost = (col.notna() & ~col.isin(target.categories)).to_numpy()
    if lost.any():
        unknown = sorted({str(v) for v in col[lost]})
        raise ParseError(f"Column {name!r} holds values outside the vocabulary: {unknown}.")
    return pd.Categorical(col, dtype=target)


@dataclass(frozen=True)
class Provenance:
    """Where a frame's figures come from; repeated on every row of the tidy frame.

    Attributes:
        publication: Publication id (a key of the vocabulary).
        source_file: File name (or path) of the source, used in messages too.
        sha256: sha256 of the source bytes.
        release: ``"YYYY-MM"``; ``None`` means "the latest period month in the data".
        published: When the release was first published, if known (timezone-aware).
        source_url: Where it was downloaded from; ``None`` for a local file.
        sheet: Sheet name for workbooks.
    """

    publication: str
    source_file: str
    sha256: str
    release: str | None = None
    published: datetime | None = None
    source_url: str | None = None
    sheet: str | None = None

    def _repr_html_(self) -> str:
        # Jupyter shows the fields as a table (every public model has an HTML display).
        return model_html(self, "Provenance")


@dataclass(frozen=True)
class ColumnSpec:
    """One published column (or row) of figures and what it means.

    Attributes:
        label: The header exactly as published.
        jurisdiction: Canonical jurisdiction, or ``None`` when unknown.
        measure: Canonical measure, or ``None`` when unknown.
        breakdown: Variant, ``""`` when none.
        unit: Unit (a key of the vocabulary).
        cells: The raw cells, one per period, aligned with ``periods`` of :func:`melt_wide`.
        position: 0-based column position in the source, for error messages.
        column: Column letter or name to show in error messages (default: from ``position``).
        first_row: 1-based source row of ``cells[0]``, for error messages.
        row_numbers: 1-based source row of each cell (instead of ``first_row``).
        mapping: How the key was found (``"exact"`` or ``"inferred"``); the tidy ``mapping``
            column is null regardless when jurisdiction or measure is ``None``.
    """

    label: str
    jurisdiction: str | None
    measure: str | None
    breakdown: str
    unit: str
    cells: Sequence[object]
    position: int | None = None
    column: str | None = None
    first_row: int | None = None
    row_numbers: Sequence[int] | None = field(default=None)
    mapping: str = "exact"


def column_letter(position: int) -> str:
    """Return the spreadsheet letter of a 0-based column position (0 -> A, 26 -> AA)."""
    letters = ""
    n = position + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def locate(
    file: str, sheet: str | None = None, row: int | None = None, column: str | None = None
) -> str:
    """Say where something is, for error messages: file, sheet, row and column as known.

    Example:
        >>> locate("mi.xlsx", "Data", 4, "C"), locate("mi.csv", row=2)
        ("mi.xlsx, sheet 'Data', row 4, column C", 'mi.csv, row 2')
    """
    where = file
    if sheet:
        where += f", sheet {sheet!r}"
    if row is not None:
        where += f", row {row}"
    if column is not None:
        where += f", column {column}"
    return where


def cell_error(
    exc: CellError, *, file: str, sheet: str | None, row: int | None, column: str, label: str
) -> ParseError:
    """The error for a value cell that is neither a figure nor a marker, located exactly.

    Example:
        >>> try:
        ...     parse_cell("seven")
        ... except CellError as exc:
        ...     print(cell_error(exc, file="m.csv", sheet=None, row=6, column="C", label="x"))
        'seven' is neither a number nor a known missing-value marker in m.csv, row 6, column C ('x'). The file may be damaged or of an unknown layout; check it opens in a spreadsheet program and report it if it does.
    """  # noqa: E501
    return ParseError(
        f"{exc} in {locate(file, sheet, row, column)} ({excerpt(label.strip())}). The file may be "
        "damaged or of an unknown layout; check it opens in a spreadsheet program and report "
        "it if it does.",
        file=file,
        sheet=sheet,
        row=row,
        column=column,
    )


def melt_wide(
    periods: Sequence[tuple[date, date]],
    columns: Iterable[ColumnSpec],
    provenance: Provenance,
) -> pd.DataFrame:
    """Melt a wide table (one row per period, one column per measure) into the tidy contract.

    Every cell becomes exactly one row: figures with their value, missing cells with a null
    value and a marker. This is the one melt step shared by every parser.

    Args:
        periods: ``(period_start, period_end)`` for each data row, in source order.
        columns: The measure columns with their mapping and raw cells.
        provenance: Where the figures come from.

    Returns:
        A validated tidy frame.

    Raises:
        ParseError: A cell is neither a number nor a known marker (names file, sheet, row and
            column), or the result breaks the contract.

    Example:
        >>> from datetime import date
        >>> frame = melt_wide(
        ...     [(date(2024, 4, 1), date(2024, 4, 30))],
        ...     [ColumnSpec("Civil Claims received", "civil", "receipts", "", "cases", ["146923"])],
        ...     Provenance("monthly", "example.csv", "0" * 64),
        ... )
        >>> frame.loc[0, "release"], frame["value"].tolist(), frame["marker"].tolist()
        ('2024-04', [146923.0], [<NA>])
    """
    return tidy_frame([melt_parts(periods, columns, provenance)])


@dataclass(frozen=True, eq=False)
class TidyParts:
    """One file's tidy rows before they are a frame: validated, built into one frame later.

    The rows come in blocks, one per published column, each with one row per period, so a
    block's key (label, jurisdiction, measure ...) is held once, not once per row. Several
    files' parts become one frame with :func:`tidy_frame`, which builds the columns once
    instead of once per file and then concatenating.

    Attributes:
        provenance: Where the figures come from, with ``release`` resolved.
        starts: ``period_start`` of each period (``datetime64[ns]``).
        ends: ``period_end`` of each period.
        labels: ``source_label`` of each block.
        breakdowns: ``breakdown`` of each block.
        codes: Category codes of each block, by column (``jurisdiction``, ``measure``,
            ``unit``, ``mapping``; -1 for null).
        values: Every row's value, block after block (NaN where missing).
        markers: Every row's marker.
    """

    provenance: Provenance
    starts: Any
    ends: Any
    labels: tuple[str | None, ...]
    breakdowns: tuple[str | None, ...]
    codes: Mapping[str, Any]
    values: Any
    markers: list[str | None]

    @property
    def rows(self) -> int:
        """How many tidy rows these parts hold."""
        return len(self.starts) * len(self.labels)

    def frame(self) -> pd.DataFrame:
        """The tidy frame of these parts alone."""
        return tidy_frame([self])


@dataclass(frozen=True, eq=False)
class Parsed:
    """What every parser returns: one file read into the tidy contract and checked.

    Its rows are held as parts (one per table and set of periods) until a frame is wanted:
    :meth:`frame` for this file alone, or :func:`tidy_frame` of several files' parts at once
    (``load`` builds one frame of all its releases so).

    Attributes:
        parts: The file's parts, in the file's order; each is checked, and together they
            repeat no figure (see :func:`parsed`).
    """

    parts: tuple[TidyParts, ...]

    @property
    def rows(self) -> int:
        """How many tidy rows the file gives."""
        return sum(p.rows for p in self.parts)

    @property
    def starts(self) -> Any:
        """``period_start`` of every period of every part (``datetime64[ns]``)."""
        return _periods([p.starts for p in self.parts])

    @property
    def ends(self) -> Any:
        """``period_end`` of every period of every part."""
        return _periods([p.ends for p in self.parts])

    def frame(self) -> pd.DataFrame:
        """The file's tidy frame (built once: a fingerprint check and ``read`` share it)."""
        built = self.__dict__.get("_frame")
        if built is None:
            built = tidy_frame(self.parts)
            object.__setattr__(self, "_frame", built)
        return built


def _periods(chunks: Sequence[Any]) -> Any:
    import numpy as np

    return np.concatenate(chunks) if chunks else np.empty(0, dtype="datetime64[ns]")


def parsed(parts: Iterable[TidyParts]) -> Parsed:
    """One file's parts (each checked by :func:`melt_parts`) as its parse result.

    Raises:
        ParseError: Two parts repeat a figure (the same labels and key for the same period
            in one sheet), named as :func:`validate_tidy` names it.
    """
    result = Parsed(tuple(parts))
    if len(result.parts) > 1 and _repeated_across(result.parts):
        validate_tidy(result.frame(), file=result.parts[0].provenance.source_file)
    return result


def _repeated_across(parts: Sequence[TidyParts]) -> bool:
    """Whether two parts hold one figure: the figure key apart from the file's own columns."""
    periods_of: dict[tuple[Any, ...], set[tuple[Any, Any]]] = {}
    for part in parts:
        prov = part.provenance
        periods = set(zip(part.starts.tolist(), part.ends.tolist(), strict=True))
        blocks = zip(
            part.labels,
            part.codes["jurisdiction"].tolist(),
            part.codes["measure"].tolist(),
            part.breakdowns,
            strict=True,
        )
        for block in blocks:
            seen = periods_of.setdefault((prov.release, prov.sheet, *block), set())
            if seen & periods:
                return True
            seen |= periods
    return False


def melt_parts(
    periods: Sequence[tuple[date, date]],
    columns: Iterable[ColumnSpec],
    provenance: Provenance,
) -> TidyParts:
    """:func:`melt_wide` without building the frame: read and check every cell, now.

    Every error :func:`melt_wide` raises is raised here, in the same order: the cells are read
    and the result is checked against the tidy contract before this returns.

    Args:
        periods: ``(period_start, period_end)`` for each data row, in source order.
        columns: The measure columns with their mapping and raw cells.
        provenance: Where the figures come from.

    Returns:
        The parts, for :func:`tidy_frame`.

    Raises:
        ParseError: As :func:`melt_wide`.
    """
    parts = _melt(periods, columns, provenance)
    check_parts(parts)
    return parts


def _melt(
    periods: Sequence[tuple[date, date]],
    columns: Iterable[ColumnSpec],
    provenance: Provenance,
) -> TidyParts:
    """Read every cell into parts, raising the errors of reading, not those of the contract."""
    import numpy as np

    from hmcts_data.tables._source import check_time

    specs = list(columns)
    n = len(periods)
    release = provenance.release
    if release is None:
        if not periods:
            raise ParseError(
                "No data rows: cannot tell the release month.", file=provenance.source_file
            )
        last = max(p[1] for p in periods)
        release = f"{last.year:04d}-{last.month:02d}"
    # Most files hold only plain figures and marker words: read every column in one go.
    quick = (
        quick_cells([c for spec in specs for c in spec.cells])
        if all(len(spec.cells) == n for spec in specs)
        else None
    )
    value_blocks = [] if quick is None else [quick[0]]
    markers: list[str | None] = [] if quick is None else quick[1]
    for spec in specs if quick is None else ():
        check_time(provenance.source_file, provenance.sheet)
        if len(spec.cells) != n:
            raise ParseError(
                f"Column {spec.label!r} has {len(spec.cells)} cells for {n} periods.",
                file=provenance.source_file,
                sheet=provenance.sheet,
                column=spec.column or spec.label,
            )
        try:
            block_values, block_markers = parse_cells(spec.cells, percent=spec.unit == "percent")
        except CellError:
            raise _cell_error(spec, provenance) from None
        value_blocks.append(block_values)
        markers.extend(block_markers)
    if provenance.release != release:
        provenance = replace(provenance, release=release)
    _block_codes("publication", [provenance.publication], provenance)
    codes = {
        "jurisdiction": _block_codes("jurisdiction", [s.jurisdiction for s in specs], provenance),
        "measure": _block_codes("measure", [s.measure for s in specs], provenance),
        "unit": _block_codes("unit", [s.unit for s in specs], provenance),
        "mapping": _block_codes("mapping", [_mapping(s) for s in specs], provenance),
        "evidence": _block_codes("evidence", [_evidence(s) for s in specs], provenance),
    }
    return TidyParts(
        provenance=provenance,
        starts=_days([p[0] for p in periods]),
        ends=_days([p[1] for p in periods]),
        labels=tuple(s.label for s in specs),
        breakdowns=tuple(s.breakdown for s in specs),
        codes=codes,
        values=np.concatenate(value_blocks) if value_blocks else np.empty(0),
        markers=markers,
    )


def check_parts(parts: TidyParts) -> None:
    """Check one file's parts against the tidy contract, without building their frame.

    The rules are :func:`validate_tidy`'s (:func:`_broken_rule`), tested on the blocks, where
    it is cheap: a frame built by :func:`tidy_frame` has the contract's columns, order and
    dtypes by construction, and a row's key columns are its file's and its block's.

    Raises:
        ParseError: The first broken rule, named as :func:`validate_tidy` names it.
    """
    import numpy as np

    if not parts.rows:
        return
    prov = parts.provenance
    codes = parts.codes
    per_file = {
        "publication": prov.publication,
        "release": prov.release,
        "source_file": prov.source_file,
        "sha256": prov.sha256,
    }
    nulls = {name for name, value in per_file.items() if value is None}
    if bool(np.isnat(parts.starts).any()):
        nulls.add("period_start")
    if bool(np.isnat(parts.ends).any()):
        nulls.add("period_end")
    if bool((codes["unit"] < 0).any()):
        nulls.add("unit")
    if None in parts.labels:
        nulls.add("source_label")
    if None in parts.breakdowns:
        nulls.add("breakdown")
    missing = np.flatnonzero(np.isnan(parts.values)).tolist()

    def repeated() -> str | None:
        # A figure repeats when two blocks share a key (on any period) or two periods are
        # equal (in any block): every other key column is the file's.
        keys = list(
            zip(
                parts.labels,
                codes["jurisdiction"].tolist(),
                codes["measure"].tolist(),
                parts.breakdowns,
                strict=True,
            )
        )
        periods = set(zip(parts.starts.tolist(), parts.ends.tolist(), strict=True))
        if len(set(keys)) == len(keys) and len(periods) == len(parts.starts):
            return None
        frame = parts.frame()  # only to name the first repeated figure
        return _repeated_figure(frame, _duplicated(frame))

    problem = _broken_rule(
        nulls=nulls,
        unmarked=sum(parts.markers[i] is None for i in missing),
        unmapped=(codes["jurisdiction"] < 0) | (codes["measure"] < 0),
        mapping_null=codes["mapping"] < 0,
        evidence_wrong=(codes["evidence"] >= 0) != (codes["mapping"] == _INFERRED_CODE),
        reversed_period=bool((parts.starts > parts.ends).any()),
        releases=[prov.release or ""],
        hashes=[prov.sha256 or ""],
        repeated=repeated,
    )
    if problem is not None:
        raise _contract_error(problem, prov.source_file)


def tidy_frame(parts: Sequence[TidyParts]) -> pd.DataFrame:
    """Build one tidy frame from several files' parts, stacked in order.

    The same frame as ``pd.concat`` of each part's frame (``ignore_index=True``), built column
    by column once.

    Args:
        parts: Parts from :func:`melt_parts`, already checked.

    Returns:
        The tidy frame (empty with the tidy dtypes when there are no rows).
    """
    import numpy as np
    import pandas as pd

    dtypes = _dtypes()
    pcodes = _category_codes("publication")
    sizes = np.array([p.rows for p in parts], dtype=np.int64)
    n_periods = [len(p.starts) for p in parts]

    def per_file(values: Sequence[str | None]) -> Any:
        return pd.array(np.repeat(np.array(values, dtype=object), sizes), dtype=dtypes["release"])

    def per_block(values: Callable[[TidyParts], Sequence[Any]], dtype: Any = object) -> Any:
        chunks = [
            np.repeat(np.array(values(p), dtype=dtype), k)
            for p, k in zip(parts, n_periods, strict=True)
        ]
        return np.concatenate(chunks) if chunks else np.empty(0, dtype=dtype)

    def per_row(values: Callable[[TidyParts], Any], dtype: Any) -> Any:
        chunks = [values(p) for p in parts]
        return np.concatenate(chunks) if chunks else np.empty(0, dtype=dtype)

    def categorical(name: str) -> Any:
        codes = per_block(lambda p: p.codes[name], np.int32)
        return pd.Categorical.from_codes(codes.astype(np.int32, copy=False), dtype=dtypes[name])

    publication = np.repeat(
        np.array([pcodes.get(p.provenance.publication, -1) for p in parts], dtype=np.int32),
        sizes,
    )
    value = per_row(lambda p: p.values, np.float64).astype(np.float64, copy=False)
    markers = [m for p in parts for m in p.markers]
    data: dict[str, Any] = {
        "publication": pd.Categorical.from_codes(publication, dtype=dtypes["publication"]),
        "release": per_file([p.provenance.release for p in parts]),
        "published": _published_per_file([p.provenance.published for p in parts], sizes),
        "period_start": per_row(lambda p: np.tile(p.starts, len(p.labels)), "datetime64[ns]"),
        "period_end": per_row(lambda p: np.tile(p.ends, len(p.labels)), "datetime64[ns]"),
        "jurisdiction": categorical("jurisdiction"),
        "measure": categorical("measure"),
        "breakdown": pd.array(per_block(lambda p: p.breakdowns), dtype=dtypes["breakdown"]),
        "unit": categorical("unit"),
        "value": pd.arrays.FloatingArray(value, np.isnan(value)),
        "marker": pd.array(np.array(markers, dtype=object), dtype=dtypes["marker"]),
        "mapping": categorical("mapping"),
        "evidence": categorical("evidence"),
        "level_shift": pd.arrays.FloatingArray(
            np.zeros(len(value), dtype=np.float64), np.ones(len(value), dtype=bool)
        ),
        "source_label": pd.array(per_block(lambda p: p.labels), dtype=dtypes["source_label"]),
        "source_sheet": per_file([p.provenance.sheet for p in parts]),
        "source_file": per_file([p.provenance.source_file for p in parts]),
        "source_url": per_file([p.provenance.source_url for p in parts]),
        "sha256": per_file([p.provenance.sha256 for p in parts]),
    }
    return pd.DataFrame(data, copy=False)


def _mapping(spec: ColumnSpec) -> str | None:
    """The ``mapping`` value of a column: null unless both jurisdiction and measure are known."""
    if spec.jurisdiction is None or spec.measure is None:
        return None
    return spec.mapping


def _evidence(spec: ColumnSpec) -> str | None:
    """The ``evidence`` of a column as parsed: its wording (``label``) when inferred, else null.

    Figures become evidence only across releases (``hmcts_data.tables._confirm``).
    """
    return "label" if _mapping(spec) == "inferred" else None


def _cell_error(spec: ColumnSpec, provenance: Provenance) -> ParseError:
    """The error for the first cell of ``spec`` that is neither a figure nor a marker."""
    percent = spec.unit == "percent"
    for i, raw in enumerate(spec.cells):
        try:
            parse_cell(raw, percent=percent)
        except CellError as exc:
            row = (
                spec.row_numbers[i]
                if spec.row_numbers is not None
                else (spec.first_row + i if spec.first_row is not None else None)
            )
            col = spec.column or (
                column_letter(spec.position) if spec.position is not None else spec.label
            )
            return cell_error(
                exc,
                file=provenance.source_file,
                sheet=provenance.sheet,
                row=row,
                column=col,
                label=spec.label,
            )
    raise AssertionError("_cell_error called for a column whose cells all parse")


def _block_codes(name: str, per_block: Sequence[str | None], provenance: Provenance) -> Any:
    """Category codes (-1 for null) of a categorical column's value in each block."""
    import numpy as np

    codes = _category_codes(name)
    unknown = sorted({v for v in per_block if v is not None and v not in codes})
    if unknown:
        raise ParseError(
            f"Column {name!r} holds values outside the vocabulary: {unknown}.",
            file=provenance.source_file,
        )
    return np.array([-1 if v is None else codes[v] for v in per_block], dtype=np.int32)


def _days(days: Sequence[date]) -> Any:
    import numpy as np

    return np.array(days, dtype="datetime64[D]").astype("datetime64[ns]")


def _published_per_file(published: Sequence[datetime | None], sizes: Any) -> Any:
    """The ``published`` column: each file's time (UTC) repeated over its rows."""
    import numpy as np
    import pandas as pd

    stamps: list[Any] = []
    for when in published:
        if when is None:
            stamps.append(np.datetime64("NaT", "ns"))
            continue
        ts = pd.Timestamp(when)
        ts = ts.tz_convert("UTC") if ts.tzinfo is not None else ts.tz_localize("UTC")
        stamps.append(ts.tz_localize(None).as_unit("ns").to_datetime64())
    column = np.repeat(np.array(stamps, dtype="datetime64[ns]"), sizes)
    return pd.DatetimeIndex(column).tz_localize("UTC").array


def validate_tidy(
    frame: pd.DataFrame, *, allow_unknown: bool = True, file: str | None = None
) -> pd.DataFrame:
    """Check a frame against the tidy contract and return it unchanged.

    Checks: columns and order; dtypes; categorical values within the vocabulary; no null
    ``unit``, ``release``, periods or provenance; ``period_start <= period_end``; a marker on
    every missing value; ``release`` as ``YYYY-MM``; sha256 as 64 hex digits; no figure twice.

    Args:
        frame: The frame to check.
        allow_unknown: Whether null ``jurisdiction``/``measure`` (unknown labels) are allowed.
        file: Source name for the error message.

    Returns:
        ``frame`` itself.

    Raises:
        ParseError: The first broken rule, named.
    """
    import pandas as pd

    if tuple(frame.columns) != _NAMES:
        raise _contract_error(f"columns are {list(frame.columns)}, expected {list(_NAMES)}", file)
    dtypes = _dtypes()
    for name, dtype in zip(_NAMES, frame.dtypes, strict=True):
        target = dtypes[name]
        if str(dtype) != str(target) or (
            isinstance(target, pd.CategoricalDtype)
            and not dtype.categories.equals(target.categories)
        ):
            raise _contract_error(f"column {name!r} has dtype {dtype}, expected {target}", file)
    nulls = {name: frame[name].isna().to_numpy() for name in (*_NOT_NULL, "marker")}
    problem = _broken_rule(
        nulls={name for name in _NOT_NULL if nulls[name].any()},
        unmarked=int((nulls["value"] & nulls["marker"]).sum()),
        unmapped=(frame["jurisdiction"].isna() | frame["measure"].isna()).to_numpy(),
        mapping_null=frame["mapping"].isna().to_numpy(),
        evidence_wrong=frame["evidence"].notna().to_numpy()
        != (frame["mapping"] == "inferred").fillna(False).to_numpy(dtype=bool),
        reversed_period=bool((frame["period_start"] > frame["period_end"]).any()),
        # A frame holds a handful of distinct releases and hashes: match each once.
        releases=frame["release"].unique(),
        hashes=frame["sha256"].unique(),
        repeated=lambda: _repeated_figure(frame, _duplicated(frame)),
        allow_unknown=allow_unknown,
    )
    if problem is not None:
        raise _contract_error(problem, file)
    return frame


def _contract_error(problem: str, file: str | None) -> ParseError:
    return ParseError(f"Tidy contract broken: {problem}.", file=file)


def _broken_rule(
    *,
    nulls: set[str],
    unmarked: int,
    unmapped: Any,
    mapping_null: Any,
    evidence_wrong: Any,
    reversed_period: bool,
    releases: Iterable[str],
    hashes: Iterable[str],
    repeated: Callable[[], str | None],
    allow_unknown: bool = True,
) -> str | None:
    """The first rule of the tidy contract (after columns and dtypes) that is broken, or None.

    The one statement of the rules, for a frame (:func:`validate_tidy`) and for one file's
    parts (:func:`check_parts`) alike; each gives what the rules test at its own grain
    (per row, or per block and per file).

    Args:
        nulls: The columns of :data:`_NOT_NULL` (``value`` aside) holding a null.
        unmarked: Missing values without a marker.
        unmapped: Per row (or block): jurisdiction or measure is null.
        mapping_null: Per row (or block): ``mapping`` is null.
        evidence_wrong: Per row (or block): ``evidence`` is set where ``mapping`` is not
            ``inferred``, or missing where it is.
        reversed_period: Some ``period_start`` is after its ``period_end``.
        releases: The distinct ``release`` values.
        hashes: The distinct ``sha256`` values.
        repeated: Says which figure repeats (see :func:`_repeated_figure`), if any.
        allow_unknown: Whether unmapped figures are allowed.
    """
    for name in _NOT_NULL:
        if name == "value":
            if unmarked:
                return f"{unmarked} missing values carry no marker"
        elif name in nulls:
            return f"column {name!r} has null values"
    if not allow_unknown and bool(unmapped.any()):
        return "some figures have no canonical jurisdiction or measure"
    if bool((mapping_null != unmapped).any()):
        return (
            "'mapping' must be null exactly where jurisdiction or measure is null "
            "(and 'exact' or 'inferred' elsewhere)"
        )
    if bool(evidence_wrong.any()):
        return "'evidence' must be set exactly where 'mapping' is 'inferred'"
    if reversed_period:
        return "a period_start is after its period_end"
    if not all(_RELEASE.match(v) for v in releases):
        return "release values must look like 'YYYY-MM'"
    if not all(_SHA256.match(v) for v in hashes):
        return "sha256 values must be 64 lower-case hex digits"
    return repeated()


def _repeated_figure(frame: pd.DataFrame, dup: pd.Series[bool] | None) -> str | None:
    """How a frame repeats a figure (``dup``: its rows that do), or ``None`` when it does not."""
    if dup is None:
        return None
    first = frame.loc[dup].iloc[0]
    return (
        f"{int(dup.sum())} rows repeat one figure (first: {first['source_label']!r} for "
        f"{first['period_start']:%Y-%m-%d})"
    )


#: Columns that must not be null (``value`` only where a marker says why it is missing).
_NOT_NULL: Final = (
    "publication",
    "release",
    "period_start",
    "period_end",
    "unit",
    "source_label",
    "source_file",
    "sha256",
    "breakdown",
    "value",
)
#: The columns that identify one figure: no two rows may share all of them.
_FIGURE_KEY: Final = (
    "publication",
    "release",
    "source_file",
    "source_sheet",
    "source_label",
    "period_start",
    "period_end",
    "jurisdiction",
    "measure",
    "breakdown",
)


def _duplicated(frame: pd.DataFrame) -> pd.Series[bool] | None:
    """Rows that repeat a figure (every copy marked), or ``None`` when there are none."""
    import numpy as np

    if len(frame) < 2:
        return None
    # Label codes of each key column, combined into one integer per row; only when that
    # integer repeats is the exact (slower) pandas check run to name the rows.
    key = np.zeros(len(frame), dtype=np.int64)
    for name in _FIGURE_KEY:
        codes, uniques = frame[name].factorize(use_na_sentinel=False)
        key = key * (len(uniques) + 1) + codes
        if len(uniques) > 1 and int(key.max()) > 2**40:
            # Re-number before the product could overflow int64.
            key = np.unique(key, return_inverse=True)[1].astype(np.int64)
    if len(np.unique(key)) == len(key):
        return None
    dup = frame.duplicated(subset=list(_FIGURE_KEY), keep=False)
    return dup if bool(dup.any()) else None


def describe_vocabulary() -> Mapping[str, Mapping[str, VocabularyEntry]]:
    """Return the vocabulary as plain mappings (for docs and the CLI)."""
    vocab = vocabulary()
    return {
        "publication": vocab.publication,
        "jurisdiction": vocab.jurisdiction,
        "measure": vocab.measure,
        "unit": vocab.unit,
    }
