"""Decision rows as columns: read from Search API results, joined, ordered, made a frame or table.

A harvest reads each page into :class:`Rows` as it arrives (on the thread that fetched it),
so what it keeps of a page is a few column lists, not 1,500 decoded results, and the frame is
built once at the end from whole columns. Times are parsed per page into ``datetime64``
arrays; with pyarrow, each page is also made an arrow table, so storing the harvest as parquet
writes tables already built.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from itertools import chain
from typing import TYPE_CHECKING, Any

from hmcts_data.decisions._finders import Finder

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
    import pyarrow as pa

__all__ = ["COLUMNS", "RowReader", "Rows", "records_frame", "result_record"]

#: The columns of a decisions frame, in order (list columns hold Python lists).
COLUMNS: tuple[str, ...] = (
    "finder",
    "link",
    "title",
    "description",
    "decision_date",
    "categories",
    "category_labels",
    "sub_categories",
    "sub_category_labels",
    "country",
    "judges",
    "landmark",
    "reference_number",
    "published",
    "updated",
)
LISTS = ("categories", "category_labels", "sub_categories", "sub_category_labels", "judges")
#: A day (naive datetime64); instants (UTC); a flag (nullable boolean). The rest is text.
_DAYS = ("decision_date",)
_MOMENTS = ("published", "updated")
_FLAGS = ("landmark",)
_TIMES = _DAYS + _MOMENTS
_LINK = COLUMNS.index("link")
_UPDATED = COLUMNS.index("updated")


# -- one result as one row ----------------------------------------------------------------------


def _day(value: Any) -> str | None:
    if type(value) is list:
        value = value[0] if value else None
    if type(value) is not str or len(value) < 10:
        return None
    return value[:10]  # an unreadable day becomes missing when the times are parsed


def _text_time(value: Any) -> str | None:
    # Kept as published (ISO 8601 with an offset) until a page's times are parsed at once.
    return value if type(value) is str and len(value) >= 10 else None


def _values(raw: Any, known: Mapping[str, tuple[str, str]]) -> tuple[list[str], list[str | None]]:
    """Slugs and labels of one facet value: a slug, a ``{"value", "label"}`` object, or a list.

    A slug the finder lists is its own string object (shared by every row), with its label.
    """
    slugs: list[str] = []
    labels: list[str | None] = []
    for item in raw if type(raw) is list else (raw,):
        if type(item) is str:
            slug, given = item, None
        elif type(item) is dict or isinstance(item, Mapping):  # the ABC check is slow
            slug, given = item.get("value", item.get("slug")), item.get("label")
        else:
            continue
        if not isinstance(slug, str) or not slug:
            continue
        found = known.get(slug)
        if found is not None:
            slugs.append(found[0])
            labels.append(found[1] or (given if isinstance(given, str) else None))
        else:
            slugs.append(slug)
            labels.append(given if isinstance(given, str) else None)
    return slugs, labels


class RowReader:
    """Reads Search API results (or a decision page's metadata) of one finder as rows.

    A row is a tuple in :data:`COLUMNS` order. Facet values may come as slugs or as
    ``{"value", "label"}`` objects; labels are the finder's own where it lists the slug, else
    the label given. Dates and times stay ISO text (:meth:`Rows.read` parses a page's at once).

    Example:
        >>> from hmcts_data import decisions
        >>> read = RowReader(decisions.finder("employment-tribunal"))
        >>> row = read({"link": "/x", "tribunal_decision_country": "scotland"})
        >>> row[COLUMNS.index("country")]
        'scotland'
    """

    def __init__(self, finder: Finder) -> None:
        self.finder_id = finder.id
        self._facets = [
            (f.key, f.field, {v.slug: (v.slug, v.label) for v in f.values}) for f in finder.facets
        ]

    def __call__(self, result: Mapping[str, Any]) -> tuple[Any, ...]:
        get = result.get
        title = get("title")
        description = get("description")
        decided = country = landmark = reference = None
        categories: list[str] = []
        category_labels: list[str | None] = []
        sub_categories: list[str] = []
        sub_category_labels: list[str | None] = []
        judges: list[str] = []
        for key, field, known in self._facets:
            raw = get(key)
            if raw is None:
                continue
            if field == "decision_date":
                decided = _day(raw)
                continue
            slugs, labels = _values(raw, known)
            if field == "categories":
                for slug, label in zip(slugs, labels, strict=True):
                    if slug not in categories:
                        categories.append(slug)
                        category_labels.append(label)
            elif field == "sub_categories":
                sub_categories, sub_category_labels = slugs, labels
            elif field == "judges":
                judges = slugs
            elif field == "country":
                country = slugs[0] if slugs else None
            elif field == "landmark":
                landmark = (slugs[0] == "landmark") if slugs else None
            elif field == "reference_number":
                reference = slugs[0] if slugs else None
        return (
            self.finder_id,
            str(get("link") or get("base_path") or ""),
            title if type(title) is str else "",
            description if type(description) is str and description else None,
            decided,
            categories,
            category_labels,
            sub_categories,
            sub_category_labels,
            country,
            judges,
            landmark,
            reference,
            _text_time(get("first_published_at")),
            _text_time(get("public_timestamp") or get("public_updated_at")),
        )


def result_record(
    result: Mapping[str, Any], finder: Finder, reader: RowReader | None = None
) -> dict[str, Any]:
    """Read one Search API result (or a decision page's metadata) as a frame row (a dict).

    Pass a ``reader`` of the finder when reading many.

    Example:
        >>> from hmcts_data import decisions
        >>> et = decisions.finder("employment-tribunal")
        >>> row = result_record({"link": "/x", "tribunal_decision_categories": [
        ...     {"value": "wages", "label": "Wages"}]}, et)
        >>> row["categories"], row["category_labels"]
        (['wages'], ['Wages'])
    """
    read = RowReader(finder) if reader is None else reader
    return dict(zip(COLUMNS, read(result), strict=True))


# -- many rows as columns -----------------------------------------------------------------------


def _times(values: Iterable[Any], *, utc: bool) -> np.ndarray:
    """ISO texts as ``datetime64[ns]`` (UTC wall time when ``utc``); unreadable ones NaT."""
    import numpy as np
    import pandas as pd

    texts = np.fromiter(
        (v if isinstance(v, str) else None for v in values), dtype=object
    )  # one-dimensional whatever the values
    parsed = pd.to_datetime(texts, errors="coerce", utc=utc, format="ISO8601")
    if utc:
        parsed = parsed.tz_localize(None)
    found = parsed.to_numpy()
    # A day outside what nanoseconds can hold (a typo such as year 0201) is unreadable too.
    outside = (found < np.datetime64("1677-09-22")) | (found > np.datetime64("2262-04-11"))
    if outside.any():
        found = np.where(outside, np.datetime64("NaT"), found)
    return found.astype("datetime64[ns]")


def _schema() -> pa.Schema:
    import pyarrow as pa

    def kind(name: str) -> pa.DataType:
        if name in LISTS:
            return pa.list_(pa.string())
        if name in _DAYS:
            return pa.timestamp("ns")
        if name in _MOMENTS:
            return pa.timestamp("ns", tz="UTC")
        if name in _FLAGS:
            return pa.bool_()
        return pa.string()

    return pa.schema([(name, kind(name)) for name in COLUMNS])


class Rows:
    """Decision rows held as columns (internal), optionally with the same rows in arrow.

    Text and list columns are Python lists (a list column holds one list per row), times
    ``datetime64[ns]`` arrays, ``landmark`` a list of ``True``/``False``/``None``.

    Example:
        >>> from hmcts_data import decisions
        >>> read = RowReader(decisions.finder("employment-tribunal"))
        >>> rows = Rows.read([{"link": "/a", "public_timestamp": "2024-01-02T00:00:00Z"},
        ...                   {"link": "/b", "public_timestamp": "2024-01-01T00:00:00Z"}], read)
        >>> rows.frame().link.tolist(), rows.take(rows.order()).links
        (['/a', '/b'], ['/b', '/a'])
    """

    def __init__(self, columns: Sequence[Any], arrow: pa.Table | None = None) -> None:
        #: One per column of :data:`COLUMNS`, in order.
        self.columns: list[Any] = list(columns)
        #: The same rows as an arrow table, when they were read with ``arrow``.
        self.arrow = arrow

    def __len__(self) -> int:
        return len(self.columns[_LINK])

    @property
    def links(self) -> list[str]:
        """Each row's link."""
        return list(self.columns[_LINK])

    @classmethod
    def _of(cls, columns: list[Any], *, arrow: bool) -> Rows:
        for name in _TIMES:
            at = COLUMNS.index(name)
            columns[at] = _times(columns[at], utc=name in _MOMENTS)
        rows = cls(columns)
        if arrow:
            rows.arrow = rows.table()
        return rows

    @classmethod
    def read(
        cls, results: Iterable[Mapping[str, Any]], reader: RowReader, *, arrow: bool = False
    ) -> Rows:
        """Read Search API results (an arrow table of them too with ``arrow``)."""
        rows = [reader(r) for r in results]
        if not rows:
            return cls.empty()
        return cls._of([list(c) for c in zip(*rows, strict=True)], arrow=arrow)

    @classmethod
    def empty(cls) -> Rows:
        """No rows."""
        return cls._of([[] for _ in COLUMNS], arrow=False)

    @classmethod
    def from_records(cls, records: Iterable[Mapping[str, Any]]) -> Rows:
        """Rows of frame records (dicts by column; times as ISO text)."""
        kept = list(records)
        return cls._of([[r.get(name) for r in kept] for name in COLUMNS], arrow=False)

    @classmethod
    def from_table(cls, table: pa.Table) -> Rows:
        """Rows of a stored arrow table (a parquet harvest); missing lists are empty."""
        import numpy as np

        columns: list[Any] = []
        for name in COLUMNS:
            column = table.column(name)
            if name in _TIMES:
                values = column.to_numpy()
                if values.dtype.kind != "M":  # pragma: no cover - all null, read as objects
                    values = np.full(len(values), np.datetime64("NaT"))
                columns.append(values.astype("datetime64[ns]"))
            elif name in LISTS:
                columns.append([v if v is not None else [] for v in column.to_pylist()])
            else:
                columns.append(column.to_pylist())
        return cls(columns)

    @classmethod
    def join(cls, parts: Sequence[Rows]) -> Rows:
        """The rows of ``parts``, one after another."""
        import numpy as np

        if len(parts) == 1:
            return parts[0]
        columns: list[Any] = []
        for at, name in enumerate(COLUMNS):
            pieces = [p.columns[at] for p in parts]
            if name in _TIMES:
                columns.append(np.concatenate(pieces) if pieces else np.array([], "datetime64[ns]"))
            else:
                columns.append(list(chain.from_iterable(pieces)))
        tables = [p.arrow for p in parts]
        joined = cls(columns or [[] for _ in COLUMNS])
        if parts and all(t is not None for t in tables):
            import pyarrow as pa

            joined.arrow = pa.concat_tables(tables)  # no copy: the pages' batches as chunks
        return joined

    def take(self, indices: Sequence[int] | np.ndarray | None) -> Rows:
        """The rows at ``indices``, in that order (``None``: these rows)."""
        if indices is None:
            return self
        import numpy as np

        picked = np.asarray(indices, dtype=np.int64)
        columns: list[Any] = []
        for name, column in zip(COLUMNS, self.columns, strict=True):
            if name in _TIMES:
                columns.append(column[picked])
            else:
                columns.append([column[i] for i in picked.tolist()])
        return Rows(columns, None if self.arrow is None else self.arrow.take(picked))

    def order(self) -> np.ndarray | None:
        """Indices putting the rows oldest update first (then by link), a link's newest kept.

        ``None`` when they already are so and no link comes twice (the usual harvest: spans
        in date order, each put in order as it finished), so nothing is sorted or copied.
        """
        import numpy as np

        links = self.columns[_LINK]
        if len(links) < 2:
            return None
        updated = self.columns[_UPDATED]
        # Missing times last, as pandas sorts them.
        keys = np.where(np.isnat(updated), np.iinfo(np.int64).max, updated.view("int64"))
        steps = np.diff(keys)
        unique = len(set(links)) == len(links)
        if unique and (steps >= 0).all():
            if all(links[i] < links[i + 1] for i in np.flatnonzero(steps == 0).tolist()):
                return None
            ordered = np.arange(len(links))
        else:
            ordered = np.argsort(keys, kind="stable")
        # Rows updated at the same moment, by link (runs of equal keys, usually few and short).
        sorted_keys = keys[ordered]
        edges = np.flatnonzero(np.diff(sorted_keys)) + 1
        starts = np.concatenate(([0], edges))
        ends = np.concatenate((edges, [len(links)]))
        runs = ends - starts > 1
        result = ordered.tolist()
        for start, end in zip(starts[runs].tolist(), ends[runs].tolist(), strict=True):
            result[start:end] = sorted(result[start:end], key=links.__getitem__)
        if not unique:
            seen: set[str] = set()
            kept = []
            for i in reversed(result):
                if links[i] not in seen:
                    seen.add(links[i])
                    kept.append(i)
            result = kept[::-1]
        return np.asarray(result, dtype=np.int64)

    def frame(self) -> pd.DataFrame:
        """The rows as a decisions frame (the documented dtypes; list columns hold lists)."""
        import pandas as pd

        data: dict[str, Any] = {}
        for name, column in zip(COLUMNS, self.columns, strict=True):
            if name in _DAYS:
                data[name] = pd.Series(column, dtype="datetime64[ns]")
            elif name in _MOMENTS:
                data[name] = pd.Series(column, dtype="datetime64[ns]").dt.tz_localize("UTC")
            elif name in _FLAGS:
                data[name] = pd.Series(pd.array(list(column), dtype="boolean"))
            else:
                data[name] = pd.Series(column, dtype=object)
        return pd.DataFrame(data, columns=list(COLUMNS))

    def table(self) -> pa.Table:
        """The rows as an arrow table (the one built as they were read, if any)."""
        if self.arrow is not None:
            return self.arrow
        import pyarrow as pa

        schema = _schema()
        arrays = [
            pa.array(column, type=schema.field(name).type, from_pandas=True)
            for name, column in zip(COLUMNS, self.columns, strict=True)
        ]
        return pa.Table.from_arrays(arrays, schema=schema)


def frame_rows(frame: pd.DataFrame) -> Rows:
    """A decisions frame's rows (to store a frame that was not read page by page)."""
    import pandas as pd

    columns: list[Any] = []
    for name in COLUMNS:
        column = frame[name]
        if name in _MOMENTS:
            columns.append(column.dt.tz_localize(None).to_numpy("datetime64[ns]"))
        elif name in _DAYS:
            columns.append(column.to_numpy("datetime64[ns]"))
        elif name in _FLAGS:
            columns.append([None if v is pd.NA else bool(v) for v in column.astype(object)])
        else:
            columns.append(column.tolist())
    return Rows(columns)


def records_frame(records: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """Build the frame from row records, with the documented dtypes.

    Example:
        >>> records_frame([]).shape[1] == len(COLUMNS)
        True
    """
    return Rows.from_records(records).frame()
