"""Writing tidy frames to files and databases, and reading them back with the tidy dtypes.

Parquet needs the ``parquet`` extra (pyarrow) and DuckDB the ``duckdb`` extra. A frame that
holds every tidy column comes back from :func:`read_parquet` and :func:`read_duckdb` exactly
as it went in: categories with their full vocabulary, nullable ``Float64`` with ``<NA>``,
naive period dates, the UTC ``published`` timestamp and string columns with ``<NA>``.

Files are written to a temporary name in the target directory and renamed into place, so a
failed write never leaves a half-written file behind.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from hmcts_data._atomic import atomic_path, check_target, storage_errors
from hmcts_data._errors import (
    ConfigurationError,
    DiskFullError,
    HMCTSDataError,
    NotFoundError,
    ParseError,
    StorageError,
)
from hmcts_data._optional import require
from hmcts_data.tables._schema import TIDY_COLUMNS, coerce_tidy

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "WRITERS",
    "escape_formulas",
    "formats_markdown",
    "from_arrow",
    "from_polars",
    "read_duckdb",
    "read_parquet",
    "to_arrow",
    "to_duckdb",
    "to_parquet",
    "to_polars",
    "write",
]

_TIDY_NAMES = tuple(c.name for c in TIDY_COLUMNS)

#: File suffix -> format written by :func:`write`.
WRITERS: dict[str, str] = {
    ".csv": "CSV (dates as YYYY-MM-DD, missing values empty, figures without float noise)",
    ".json": "JSON: an array of records, ISO 8601 timestamps, missing values null",
    ".jsonl": "JSON Lines: one record per line",
    ".parquet": "Parquet (needs the parquet extra); read back with read_parquet",
    ".arrow": "Arrow IPC file, types kept (needs the parquet extra); polars.read_ipc reads it",
    ".feather": "Feather (Arrow IPC), types kept (needs the parquet extra); pandas.read_feather",
    ".duckdb": "DuckDB database, the frame as table 'hmcts' (needs the duckdb extra)",
}


def formats_markdown() -> str:
    """Render :data:`WRITERS` as a Markdown table (for the docs page on exports).

    Example:
        >>> "| `.parquet` |" in formats_markdown()
        True
    """
    rows = ["| suffix | written as |", "|---|---|"]
    rows += [f"| `{suffix}` | {what} |" for suffix, what in WRITERS.items()]
    return "\n".join(rows) + "\n"


#: A text cell starting with one of these is run as a formula by spreadsheet programs (OWASP).
_FORMULA_START = re.compile(r"[=+\-@\t\r]")
#: ...unless the whole cell is a plain number ("-12", "+3.5"), which a spreadsheet reads as one.
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


def _escape_cell(value: object) -> object:
    if (
        isinstance(value, str)
        and _FORMULA_START.match(value)
        and not _PLAIN_NUMBER.fullmatch(value)
        and value not in {"-", "+"}  # a lone sign is text to every spreadsheet (a marker)
    ):
        return "'" + value
    return value


def escape_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of ``frame`` whose text cells cannot run as spreadsheet formulas.

    A text cell (and a column name) starting with ``=``, ``+``, ``-``, ``@``, a tab or a
    carriage return is prefixed with a single quote, the OWASP rule against CSV injection:
    Excel, LibreOffice and Google Sheets then show it as text instead of running it. Numbers
    are never changed, nor is text that is a plain number (``"-12"``) or a lone ``-`` (a
    missing-value marker). Columns with nothing to
    escape are shared with ``frame``, not copied.

    Args:
        frame: Any frame; it is not modified.

    Returns:
        The frame with escaped text cells (categorical columns come back as text).

    Example:
        >>> import pandas as pd
        >>> escape_formulas(pd.DataFrame({"label": ["=1+1", "-12", "Civil"]}))["label"].tolist()
        ["'=1+1", '-12', 'Civil']
    """
    import pandas as pd
    from pandas.api.types import is_numeric_dtype

    changed: dict[object, pd.Series[Any]] = {}
    for name in frame.columns:
        column = frame[name]
        if is_numeric_dtype(column.dtype) and not isinstance(column.dtype, pd.CategoricalDtype):
            continue
        texts = column.astype("string")
        # Cheap vectorised test first: most columns have nothing that starts like a formula.
        if not texts.str.match(_FORMULA_START.pattern).fillna(False).any():
            continue
        changed[name] = column.astype(object).map(_escape_cell)
    names = [_escape_cell(n) for n in frame.columns]
    if not changed and names == list(frame.columns):
        return frame
    out = frame.assign(**{str(k): v for k, v in changed.items()}) if changed else frame.copy()
    out.columns = pd.Index(names)
    return out


IfExists = Literal["fail", "replace", "append"]
DuckDBTarget = str | os.PathLike[str] | Any


def _restore(frame: pd.DataFrame) -> pd.DataFrame:
    """Give a frame read back from storage its tidy dtypes, if it is a tidy frame.

    Extra columns (a user's own) are kept after the tidy ones, as read. A frame without every
    tidy column is returned as read: there is no contract to restore it to.
    """
    import pandas as pd

    if not set(_TIDY_NAMES) <= set(frame.columns):
        return frame
    tidy = coerce_tidy(frame)
    extra = [c for c in frame.columns if c not in _TIDY_NAMES]
    if not extra:
        return tidy
    rest = frame[extra].reset_index(drop=True)
    return pd.concat([tidy, rest], axis=1)


def to_parquet(frame: pd.DataFrame, path: str | os.PathLike[str]) -> Path:
    """Write a frame to a Parquet file, atomically.

    Args:
        frame: A tidy frame (any DataFrame works; the index is not written).
        path: Where to write; missing parent directories are created.

    Returns:
        The path written.

    Raises:
        MissingDependencyError: pyarrow is not installed (``pip install "hmcts-data[parquet]"``).

    Example:
        >>> from hmcts_data.testing import synthetic_tidy  # doctest: +SKIP
        >>> to_parquet(synthetic_tidy(), "mi.parquet")  # doctest: +SKIP
        PosixPath('mi.parquet')
    """
    pq = require("pyarrow.parquet", extra="parquet", feature="hmcts_data.to_parquet")
    pa = require("pyarrow", extra="parquet", feature="hmcts_data.to_parquet")
    target = Path(path)
    table = pa.Table.from_pandas(frame, preserve_index=False)
    with atomic_path(target) as tmp:
        pq.write_table(table, tmp)
    return target


def read_parquet(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read a Parquet file written by :func:`to_parquet`, restoring the tidy dtypes.

    Args:
        path: The Parquet file.

    Returns:
        The frame. When the file holds every tidy column, they come back in contract order
        and dtypes (see the tidy contract in the docs), followed by any extra columns.

    Raises:
        MissingDependencyError: pyarrow is not installed.
        ParseError: The file does not exist, is not Parquet, or its tidy columns hold values
            outside the contract (names the file).

    Example:
        >>> frame = read_parquet("mi.parquet")  # doctest: +SKIP
    """
    pq = require("pyarrow.parquet", extra="parquet", feature="hmcts_data.read_parquet")
    pa = require("pyarrow", extra="parquet", feature="hmcts_data.read_parquet")
    source = Path(path)
    if not source.is_file():
        raise ParseError(
            f"No such Parquet file: {str(source)!r}. Check the path.", file=str(source)
        )
    try:
        frame = pq.read_table(source).to_pandas()
    except (pa.ArrowException, OSError) as exc:
        raise ParseError(
            f"Cannot read {str(source)!r} as Parquet: {exc}. Was it written by to_parquet?",
            file=str(source),
        ) from exc
    try:
        return _restore(frame)
    except ParseError as exc:
        raise ParseError(f"{exc} (in {str(source)!r})", file=str(source)) from exc


def to_arrow(frame: pd.DataFrame) -> Any:
    """Convert a tidy frame to a ``pyarrow.Table``, keeping its types.

    Categories become dictionary columns, nullable ``Float64`` a ``double`` column with nulls
    (never NaN for a missing figure), period dates timestamps and ``published`` a UTC
    timestamp. :func:`from_arrow` restores the tidy dtypes.

    Args:
        frame: A tidy frame (or any frame; other columns convert as pyarrow converts them).

    Returns:
        The Arrow table (no index column).

    Raises:
        MissingDependencyError: pyarrow is not installed (``pip install "hmcts-data[parquet]"``).

    Example:
        >>> from hmcts_data.testing import synthetic_tidy
        >>> table = to_arrow(synthetic_tidy(["2024-04"]))  # doctest: +SKIP
        >>> str(table.schema.field("jurisdiction").type)  # doctest: +SKIP
        'dictionary<values=string, indices=int8, ordered=0>'
    """
    pa = require("pyarrow", extra="parquet", feature="hmcts_data.to_arrow")
    return pa.Table.from_pandas(frame, preserve_index=False)


def _to_ipc(frame: pd.DataFrame, target: Path) -> Path:
    """Write an Arrow IPC (Feather v2) file atomically."""
    feather = require("pyarrow.feather", extra="parquet", feature=f"writing {target.suffix}")
    table = to_arrow(frame)
    with atomic_path(target) as tmp:
        feather.write_feather(table, tmp)
    return target


def from_arrow(table: Any) -> pd.DataFrame:
    """Convert an Arrow table (from :func:`to_arrow`) back to a pandas frame with tidy dtypes.

    Args:
        table: A ``pyarrow.Table``.

    Returns:
        The frame; when it holds every tidy column they come back in contract order and
        dtypes, followed by any extra columns.

    Raises:
        MissingDependencyError: pyarrow is not installed.
        ParseError: Its tidy columns hold values outside the contract.

    Example:
        >>> frame = from_arrow(to_arrow(frame))  # doctest: +SKIP
    """
    require("pyarrow", extra="parquet", feature="hmcts_data.from_arrow")
    return _restore(table.to_pandas())


def to_polars(frame: pd.DataFrame) -> Any:
    """Convert a tidy frame to a ``polars.DataFrame``, keeping its types.

    Goes through Arrow (:func:`to_arrow`): categories become ``Categorical``, missing figures
    ``null`` in a ``Float64`` column, period dates ``Datetime`` and ``published`` a UTC
    ``Datetime``. :func:`from_polars` restores the pandas tidy dtypes.

    Args:
        frame: A tidy frame.

    Returns:
        The polars frame.

    Raises:
        MissingDependencyError: polars or pyarrow is not installed
            (``pip install "hmcts-data[polars]"``).

    Example:
        >>> df = to_polars(hmcts_data.load("monthly"))  # doctest: +SKIP
        >>> df.filter(df["jurisdiction"] == "civil").height  # doctest: +SKIP
    """
    pl = require("polars", extra="polars", feature="hmcts_data.to_polars")
    require("pyarrow", extra="polars", feature="hmcts_data.to_polars")
    return pl.from_arrow(to_arrow(frame))


def from_polars(df: Any) -> pd.DataFrame:
    """Convert a polars frame (from :func:`to_polars`) back to pandas with tidy dtypes.

    Args:
        df: A ``polars.DataFrame``.

    Returns:
        The frame, tidy columns in contract order and dtypes when it holds them all.

    Raises:
        MissingDependencyError: polars or pyarrow is not installed.
        ParseError: Its tidy columns hold values outside the contract.

    Example:
        >>> frame = from_polars(df)  # doctest: +SKIP
    """
    require("polars", extra="polars", feature="hmcts_data.from_polars")
    require("pyarrow", extra="polars", feature="hmcts_data.from_polars")
    return from_arrow(df.to_arrow())


@contextlib.contextmanager
def _connection(target: DuckDBTarget, *, read_only: bool, feature: str) -> Iterator[Any]:
    """Yield a DuckDB connection: the caller's own, or one opened (and closed) on a path."""
    duckdb = require("duckdb", extra="duckdb", feature=feature)
    if isinstance(target, str | os.PathLike):
        path = Path(target)
        if read_only and not path.is_file():
            raise ParseError(
                f"No such DuckDB database: {str(path)!r}. Check the path.", file=str(path)
            )
        check_target(path)  # a FIFO would block the open forever, a directory cannot be one
        with storage_errors(path.parent, doing=f"writing {path.name}"):
            path.parent.mkdir(parents=True, exist_ok=True)
        try:
            con = duckdb.connect(str(path), read_only=read_only)
        except duckdb.Error as exc:
            raise ParseError(
                f"Cannot open {str(path)!r} as a DuckDB database: {exc}", file=str(path)
            ) from exc
        try:
            yield con
            if not read_only:
                # Fold the write-ahead log into the file now: a full disk fails here, typed,
                # not silently at close with the log left behind.
                try:
                    con.execute("CHECKPOINT")
                except duckdb.Error as exc:
                    raise _duckdb_error(exc, path, "writing") from exc
        finally:
            con.close()
    elif isinstance(target, duckdb.DuckDBPyConnection):
        yield target
    else:
        raise ConfigurationError(
            f"Expected a DuckDB connection or a database path, got {type(target).__name__}."
        )


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _tables(con: Any) -> list[str]:
    rows = con.execute("SELECT table_name FROM duckdb_tables() ORDER BY table_name").fetchall()
    return [str(r[0]) for r in rows]


def to_duckdb(
    frame: pd.DataFrame,
    con_or_path: DuckDBTarget,
    table: str = "hmcts",
    *,
    if_exists: IfExists = "fail",
) -> str:
    """Store a frame as a DuckDB table, in one transaction.

    Categorical columns become DuckDB ``ENUM`` types holding the whole vocabulary, so SQL
    sees the same categories as pandas; :func:`read_duckdb` restores the tidy dtypes.

    Args:
        frame: A tidy frame (any DataFrame works; the index is not stored).
        con_or_path: An open ``duckdb`` connection (left open), or a database file path
            (created if missing; parent directories too).
        table: Table name (any text; it is quoted).
        if_exists: ``"fail"`` (default) refuses an existing table, ``"replace"`` replaces it,
            ``"append"`` adds the rows (the columns must match).

    Returns:
        The table name.

    Raises:
        MissingDependencyError: duckdb is not installed (``pip install "hmcts-data[duckdb]"``).
        ConfigurationError: The table exists and ``if_exists="fail"``, or the rows do not fit
            the existing table when appending. Nothing is written then.
        DiskFullError: The disk ran out (or a quota or file-size limit) while writing; the
            transaction was rolled back.
        StorageError: The path is a directory, a FIFO or a device, or another I/O error.

    Example:
        >>> import duckdb  # doctest: +SKIP
        >>> con = duckdb.connect()  # doctest: +SKIP
        >>> to_duckdb(frame, con)  # doctest: +SKIP
        'hmcts'
    """
    if if_exists not in ("fail", "replace", "append"):
        raise ConfigurationError(
            f"if_exists must be 'fail', 'replace' or 'append', got {if_exists!r}."
        )
    feature = "hmcts_data.to_duckdb"
    duckdb = require("duckdb", extra="duckdb", feature=feature)
    with _connection(con_or_path, read_only=False, feature=feature) as con:
        exists = table in _tables(con)
        if exists and if_exists == "fail":
            raise ConfigurationError(
                f"Table {table!r} already exists in the DuckDB database; pass "
                "if_exists='replace' or 'append', or choose another table name."
            )
        data = frame.reset_index(drop=True)
        name = f"_hmcts_data_export_{id(data)}"
        con.register(name, data)
        try:
            con.execute("BEGIN TRANSACTION")
            try:
                if exists and if_exists == "append":
                    con.execute(f"INSERT INTO {_quote(table)} BY NAME SELECT * FROM {name}")
                else:
                    con.execute(f"CREATE OR REPLACE TABLE {_quote(table)} AS SELECT * FROM {name}")
                con.execute("COMMIT")
            except duckdb.Error as exc:
                # A failed COMMIT has already ended the transaction: a second error from the
                # rollback must not hide the first (a full disk, say).
                with contextlib.suppress(duckdb.Error):
                    con.execute("ROLLBACK")
                raise _duckdb_error(exc, con_or_path, f"writing table {table!r}") from exc
        finally:
            with contextlib.suppress(duckdb.Error):
                con.unregister(name)
    return table


# Words DuckDB puts in an error from a full disk, a quota or a file-size limit (it reports the
# operating system's message, not an errno).
_FULL_WORDS = ("no space left", "disk quota", "file too large", "out of disk")


def _duckdb_error(exc: Exception, where: object, doing: str) -> HMCTSDataError:
    """The typed error for a failed DuckDB write: full disk, other I/O, or a content problem."""
    text = str(exc)
    shown = str(where) if isinstance(where, str | os.PathLike) else "the DuckDB database"
    if any(word in text.lower() for word in _FULL_WORDS):
        return DiskFullError(
            f"No space left while {doing} to {shown} ({text}). Nothing was written; free some "
            "space or write to a disk with room.",
            path=shown,
        )
    if type(exc).__name__ in {"IOException", "PermissionException"}:
        return StorageError(
            f"Could not finish {doing} to {shown}: {text}. Nothing was written.", path=shown
        )
    return ConfigurationError(f"Could not write to DuckDB ({doing}): {text}. Nothing was written.")


def read_duckdb(con_or_path: DuckDBTarget, table: str = "hmcts") -> pd.DataFrame:
    """Read a table written by :func:`to_duckdb`, restoring the tidy dtypes.

    Args:
        con_or_path: An open ``duckdb`` connection, or a database file (opened read-only).
        table: The table to read.

    Returns:
        The frame; a table with every tidy column comes back in contract order and dtypes,
        followed by any extra columns.

    Raises:
        MissingDependencyError: duckdb is not installed.
        NotFoundError: No such table (with close matches among the tables that exist).
        ParseError: The database file does not exist or cannot be opened, or the table's tidy
            columns hold values outside the contract.

    Example:
        >>> frame = read_duckdb("mi.duckdb", "hmcts")  # doctest: +SKIP
    """
    with _connection(con_or_path, read_only=True, feature="hmcts_data.read_duckdb") as con:
        known = _tables(con)
        if table not in known:
            raise NotFoundError("DuckDB table", table, known)
        frame = con.execute(f"SELECT * FROM {_quote(table)}").df()
    try:
        return _restore(frame)
    except ParseError as exc:
        raise ParseError(f"{exc} (in DuckDB table {table!r})") from exc


def write(
    frame: pd.DataFrame, path: str | os.PathLike[str], *, escape_formulas: bool = True
) -> Path:
    """Write a frame to a file whose format is chosen by the suffix, atomically.

    Suffixes: ``.csv``, ``.json`` (array of records), ``.jsonl`` (one record per line),
    ``.parquet`` and ``.duckdb`` (table ``hmcts``; in an existing database only that table is
    replaced); see :data:`WRITERS`. CSV writes periods as ``YYYY-MM-DD`` and JSON as ISO 8601
    timestamps; missing values are empty (CSV) or ``null`` (JSON), with the ``marker`` column
    saying why; figures are written as published, without float noise. In CSV, text cells
    that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``, tab or
    CR) get a leading single quote; see :func:`escape_formulas`.

    Args:
        frame: The frame to write (usually tidy; the index is not written).
        path: The file to write; missing parent directories are created.
        escape_formulas: Escape formula-like text cells in CSV (default); ``False`` writes
            them verbatim (for programs, not spreadsheets).

    Returns:
        The path written.

    Raises:
        ConfigurationError: The suffix is not one of :data:`WRITERS`.
        MissingDependencyError: ``.parquet`` or ``.duckdb`` without its extra.
        DiskFullError: The disk (or a quota or file-size limit) ran out; nothing was written
            and an existing file is left whole (a ``.duckdb`` database too: it is written as a
            copy and moved into place).
        StorageError: The folder cannot be written (permissions), or ``path`` is a directory,
            a FIFO or a device, or its name is too long; nothing was written.

    Example:
        >>> from hmcts_data.testing import synthetic_tidy  # doctest: +SKIP
        >>> write(synthetic_tidy(), "out/mi.csv")  # doctest: +SKIP
        PosixPath('out/mi.csv')
    """
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in WRITERS:
        raise ConfigurationError(
            f"Cannot tell the format of {str(target)!r} from its suffix {suffix or '(none)'!r}; "
            f"use one of {', '.join(WRITERS)}."
        )
    if suffix == ".parquet":
        return to_parquet(frame, target)
    if suffix in (".arrow", ".feather"):
        return _to_ipc(frame, target)
    if suffix == ".duckdb":
        require("duckdb", extra="duckdb", feature="hmcts_data.write to .duckdb")
        return _write_duckdb(frame, target)
    with atomic_path(target) as tmp:
        if suffix == ".csv":
            safe = _escape_formulas(frame) if escape_formulas else frame
            safe.to_csv(tmp, index=False, float_format="%.15g", date_format=None)
        else:
            frame.to_json(
                tmp,
                orient="records",
                lines=suffix == ".jsonl",
                date_format="iso",
                date_unit="s",
                # pandas keeps 10 decimals by default, which cuts unrounded published figures
                # (era D's 50.00371332131); 15 is its maximum and matches the CSV's %.15g.
                double_precision=15,
                force_ascii=False,
                index=False,
            )
    return target


_escape_formulas = escape_formulas  # ``write`` has a parameter of the same name


def _write_duckdb(frame: pd.DataFrame, target: Path) -> Path:
    """Write table ``hmcts`` into a copy of the database and move the copy into place.

    An existing database may hold other tables: they are kept, only ``hmcts`` is replaced.
    Working on a copy means a failure (a full disk) leaves the old file whole, and neither the
    copy nor its write-ahead log is left behind.
    """
    wal = target.with_name(target.name + ".wal")
    copied_wal = False
    with atomic_path(target) as tmp:
        tmp_wal = tmp.with_name(tmp.name + ".wal")
        try:
            with storage_errors(target.parent, doing=f"writing {target.name}"):
                if target.exists():
                    shutil.copyfile(target, tmp)
                    # Changes not yet folded into the file are part of the database.
                    with contextlib.suppress(FileNotFoundError):
                        shutil.copyfile(wal, tmp_wal)
                        copied_wal = True
                else:
                    tmp.unlink()  # DuckDB creates its own file; an empty one is not a database
            try:
                to_duckdb(frame, tmp, "hmcts", if_exists="replace")
            except StorageError as exc:  # name the file asked for, not the temporary copy
                raise type(exc)(str(exc).replace(str(tmp), str(target)), path=str(target)) from exc
            if tmp_wal.exists():  # the checkpoint did not fold it in: the copy is incomplete
                raise StorageError(
                    f"DuckDB could not finish writing {str(target)!r}; nothing was changed.",
                    path=str(target),
                )
        finally:
            tmp_wal.unlink(missing_ok=True)
    if copied_wal:  # folded into the new file: left beside it, DuckDB would replay it
        wal.unlink(missing_ok=True)
    return target
