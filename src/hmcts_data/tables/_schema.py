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
source_label    string                 the header or row label exactly as published
source_sheet    string                 sheet name for workbooks; ``<NA>`` for CSV
source_file     string                 file name of the source
source_url      string                 where it was downloaded from; ``<NA>`` for local files
sha256          string                 sha256 of the source file's bytes
==============  =====================  ======================================================

The vocabularies (publication, jurisdiction, measure, unit) live in ``vocabulary.toml`` next to
this module and are the categories of those columns, so frames from different releases and
publications concatenate without losing their dtypes.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any, Final

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from hmcts_data._errors import ParseError
from hmcts_data.tables._values import CellError, parse_cell

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "TIDY_COLUMNS",
    "ColumnSpec",
    "Provenance",
    "TidyColumn",
    "Vocabulary",
    "VocabularyEntry",
    "coerce_tidy",
    "column_letter",
    "describe_vocabulary",
    "empty_tidy",
    "melt_wide",
    "tidy_dtypes",
    "validate_tidy",
    "vocabulary",
]

_KEY = re.compile(r"^[a-z][a-z0-9_]*(?:-[a-z0-9_]+)*$")
_RELEASE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


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
    TidyColumn("source_label", "string", "The header or row label exactly as published."),
    TidyColumn("source_sheet", "string", "Sheet name for workbooks; <NA> for CSV files."),
    TidyColumn("source_file", "string", "File name of the source."),
    TidyColumn("source_url", "string", "URL the source was downloaded from; <NA> for local files."),
    TidyColumn("sha256", "string", "sha256 of the source file's bytes."),
)
_NAMES: Final = tuple(c.name for c in TIDY_COLUMNS)


class VocabularyEntry(BaseModel):
    """One vocabulary value: a label for people and a description."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    label: str
    description: str

    @field_validator("label", "description")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        return value


class Vocabulary(BaseModel):
    """The canonical values of the categorical tidy columns (from ``vocabulary.toml``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    publication: dict[str, VocabularyEntry]
    jurisdiction: dict[str, VocabularyEntry]
    measure: dict[str, VocabularyEntry]
    unit: dict[str, VocabularyEntry]
    #: Canonical values of the (free-text) breakdown column that crosswalks emit.
    breakdown: dict[str, VocabularyEntry] = {}

    @field_validator("publication", "jurisdiction", "measure", "unit", "breakdown")
    @classmethod
    def _keys(cls, value: dict[str, VocabularyEntry]) -> dict[str, VocabularyEntry]:
        bad = [k for k in value if not _KEY.match(k)]
        if bad:
            raise ValueError(f"keys must be lower snake_case (or hyphenated ids): {bad}")
        return value


@cache
def vocabulary() -> Vocabulary:
    """Load and validate the canonical vocabulary shipped with the package.

    Returns:
        The vocabulary (cached after the first call).

    Raises:
        ParseError: The packaged ``vocabulary.toml`` is malformed (names the entry).

    Example:
        >>> "probate" in vocabulary().jurisdiction
        True
    """
    ref = resources.files("hmcts_data.tables").joinpath("vocabulary.toml")
    try:
        raw = tomllib.loads(ref.read_text(encoding="utf-8"))
        return Vocabulary.model_validate(raw)
    except (tomllib.TOMLDecodeError, ValidationError) as exc:
        raise ParseError(
            f"The packaged tidy vocabulary is invalid: {exc}. Reinstall hmcts_data or fix the "
            "entry named.",
            file="vocabulary.toml",
        ) from exc


def tidy_dtypes() -> dict[str, Any]:
    """Return the pandas dtype of every tidy column, categories included.

    Returns:
        A mapping from column name to a dtype object accepted by ``DataFrame.astype``.

    Example:
        >>> str(tidy_dtypes()["value"])
        'Float64'
    """
    import pandas as pd

    vocab = vocabulary()
    cats = {
        "publication": sorted(vocab.publication),
        "jurisdiction": sorted(vocab.jurisdiction),
        "measure": sorted(vocab.measure),
        "unit": sorted(vocab.unit),
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
    return out


def empty_tidy() -> pd.DataFrame:
    """Return an empty frame with the tidy columns and dtypes.

    Example:
        >>> list(empty_tidy().columns)[:3]
        ['publication', 'release', 'published']
    """
    import pandas as pd

    dtypes = tidy_dtypes()
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
    dtypes = tidy_dtypes()
    out: dict[str, pd.Series[Any]] = {}
    for name in _NAMES:
        col = frame[name]
        target = dtypes[name]
        try:
            if isinstance(target, pd.CategoricalDtype):
                values = col.astype("object").where(col.notna(), None)
                unknown = set(values.dropna()) - set(target.categories)
                if unknown:
                    raise ParseError(
                        f"Column {name!r} holds values outside the vocabulary: {sorted(unknown)}."
                    )
                out[name] = values.astype(target)
            elif isinstance(target, pd.DatetimeTZDtype):
                out[name] = pd.to_datetime(col, utc=True).astype(target)
            elif str(target) == "datetime64[ns]":
                converted = pd.to_datetime(col)
                if isinstance(converted.dtype, pd.DatetimeTZDtype):
                    converted = converted.dt.tz_localize(None)
                out[name] = converted.astype("datetime64[ns]")
            else:
                out[name] = col.astype(target)
        except (TypeError, ValueError) as exc:
            if isinstance(exc, ParseError):
                raise
            raise ParseError(f"Column {name!r} cannot be read as {target}: {exc}") from exc
    return pd.DataFrame(out, index=pd.RangeIndex(len(frame)))


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


def column_letter(position: int) -> str:
    """Return the spreadsheet letter of a 0-based column position (0 -> A, 26 -> AA)."""
    letters = ""
    n = position + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


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
        >>> frame.loc[0, ["release", "value"]].tolist()
        ['2024-04', 146923.0]
    """
    import pandas as pd

    n = len(periods)
    starts = [p[0] for p in periods]
    ends = [p[1] for p in periods]
    release = provenance.release
    if release is None:
        if not ends:
            raise ParseError(
                "No data rows: cannot tell the release month.", file=provenance.source_file
            )
        last = max(ends)
        release = f"{last.year:04d}-{last.month:02d}"
    records: dict[str, list[Any]] = {
        k: []
        for k in (
            "period_start",
            "period_end",
            "jurisdiction",
            "measure",
            "breakdown",
            "unit",
            "value",
            "marker",
            "source_label",
        )
    }
    for spec in columns:
        if len(spec.cells) != n:
            raise ParseError(
                f"Column {spec.label!r} has {len(spec.cells)} cells for {n} periods.",
                file=provenance.source_file,
                sheet=provenance.sheet,
                column=spec.column or spec.label,
            )
        percent = spec.unit == "percent"
        for i, raw in enumerate(spec.cells):
            try:
                value, marker = parse_cell(raw, percent=percent)
            except CellError as exc:
                row = (
                    spec.row_numbers[i]
                    if spec.row_numbers is not None
                    else (spec.first_row + i if spec.first_row is not None else None)
                )
                col = spec.column or (
                    column_letter(spec.position) if spec.position is not None else spec.label
                )
                where = f"{provenance.source_file}"
                if provenance.sheet:
                    where += f", sheet {provenance.sheet!r}"
                if row is not None:
                    where += f", row {row}"
                where += f", column {col} ({spec.label.strip()!r})"
                raise ParseError(
                    f"{exc} in {where}. The file may be damaged or of an unknown layout; "
                    "check it opens in a spreadsheet program and report it if it does.",
                    file=provenance.source_file,
                    sheet=provenance.sheet,
                    row=row,
                    column=col,
                ) from None
            records["period_start"].append(starts[i])
            records["period_end"].append(ends[i])
            records["jurisdiction"].append(spec.jurisdiction)
            records["measure"].append(spec.measure)
            records["breakdown"].append(spec.breakdown)
            records["unit"].append(spec.unit)
            records["value"].append(value)
            records["marker"].append(marker)
            records["source_label"].append(spec.label)
    rows = len(records["value"])
    published = (
        pd.Timestamp(provenance.published).tz_convert("UTC")
        if provenance.published is not None and provenance.published.tzinfo is not None
        else (
            pd.Timestamp(provenance.published).tz_localize("UTC")
            if provenance.published is not None
            else pd.NaT
        )
    )
    frame = pd.DataFrame(
        {
            "publication": [provenance.publication] * rows,
            "release": [release] * rows,
            "published": [published] * rows,
            **records,
            "source_sheet": [provenance.sheet] * rows,
            "source_file": [provenance.source_file] * rows,
            "source_url": [provenance.source_url] * rows,
            "sha256": [provenance.sha256] * rows,
        }
    )
    frame = coerce_tidy(frame)
    return validate_tidy(frame, file=provenance.source_file)


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

    def fail(msg: str) -> ParseError:
        return ParseError(f"Tidy contract broken: {msg}.", file=file)

    if tuple(frame.columns) != _NAMES:
        raise fail(f"columns are {list(frame.columns)}, expected {list(_NAMES)}")
    dtypes = tidy_dtypes()
    for name in _NAMES:
        if str(frame[name].dtype) != str(dtypes[name]) or (
            isinstance(dtypes[name], pd.CategoricalDtype)
            and list(frame[name].cat.categories) != list(dtypes[name].categories)
        ):
            raise fail(f"column {name!r} has dtype {frame[name].dtype}, expected {dtypes[name]}")
    for name in (
        "publication",
        "release",
        "period_start",
        "period_end",
        "unit",
        "source_label",
        "source_file",
        "sha256",
        "breakdown",
        "value_or_marker",
    ):
        if name == "value_or_marker":
            bad = frame["value"].isna() & frame["marker"].isna()
            if bool(bad.any()):
                raise fail(f"{int(bad.sum())} missing values carry no marker")
            continue
        if bool(frame[name].isna().any()):
            raise fail(f"column {name!r} has null values")
    if not allow_unknown and bool((frame["jurisdiction"].isna() | frame["measure"].isna()).any()):
        raise fail("some figures have no canonical jurisdiction or measure")
    if bool((frame["period_start"] > frame["period_end"]).any()):
        raise fail("a period_start is after its period_end")
    if not bool(frame["release"].str.match(_RELEASE.pattern).all()):
        raise fail("release values must look like 'YYYY-MM'")
    if not bool(frame["sha256"].str.match(_SHA256.pattern).all()):
        raise fail("sha256 values must be 64 lower-case hex digits")
    key = [
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
    ]
    dup = frame.duplicated(subset=key, keep=False)
    if bool(dup.any()):
        first = frame.loc[dup].iloc[0]
        raise fail(
            f"{int(dup.sum())} rows repeat one figure (first: {first['source_label']!r} for "
            f"{first['period_start']:%Y-%m-%d})"
        )
    return frame


def describe_vocabulary() -> Mapping[str, Mapping[str, VocabularyEntry]]:
    """Return the vocabulary as plain mappings (for docs and the CLI)."""
    vocab = vocabulary()
    return {
        "publication": vocab.publication,
        "jurisdiction": vocab.jurisdiction,
        "measure": vocab.measure,
        "unit": vocab.unit,
    }
