"""``hmcts_data.release_changes()``: what a release changed against the one before it.

Three answers, from two releases of one publication:

* the new release's newest period: each figure with its change on the previous period and on
  the same period a year earlier (all from the new release, its own latest vintage);
* the figures of earlier periods it revised: how many, and the largest revisions, absolute
  and relative (from :func:`hmcts_data.revisions`, not re-implemented);
* the series that appeared or disappeared. A series is its canonical key (jurisdiction,
  measure, breakdown, unit) where the header was mapped (tidy ``mapping`` is ``exact`` or
  ``inferred``), else its published header, so an unmapped column is compared by its label.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING, Any, Final, Literal

from hmcts_data._display import text_table
from hmcts_data._errors import NotFoundError, ParseError
from hmcts_data._warn import once_per_call, warn

if TYPE_CHECKING:
    import pandas as pd

    from hmcts_data._api import Fallback
    from hmcts_data._catalogue._models import Release
    from hmcts_data._client import Client

__all__ = [
    "FIGURE_COLUMNS",
    "SERIES_COLUMNS",
    "WHOLE_SERIES_COLUMNS",
    "ReleaseChanges",
    "compare_frames",
    "release_changes",
]

_SERIES: Final = ("jurisdiction", "measure", "breakdown", "unit")
#: Columns of :attr:`ReleaseChanges.figures`, in order.
FIGURE_COLUMNS: Final = (
    "jurisdiction",
    "measure",
    "breakdown",
    "unit",
    "period_start",
    "value",
    "marker",
    "previous_value",
    "change_on_previous",
    "pct_change_on_previous",
    "year_earlier_value",
    "change_on_year",
    "pct_change_on_year",
    "mapping",
    "source_label",
)
#: Columns of :attr:`ReleaseChanges.whole_series`.
WHOLE_SERIES_COLUMNS: Final = (
    "jurisdiction",
    "measure",
    "breakdown",
    "unit",
    "level_shift",
    "figures",
    "first_period",
    "last_period",
    "source_label",
)
#: Columns of :attr:`ReleaseChanges.appeared` and :attr:`ReleaseChanges.disappeared`.
SERIES_COLUMNS: Final = (
    "jurisdiction",
    "measure",
    "breakdown",
    "unit",
    "mapping",
    "source_label",
    "first_period",
    "last_period",
)


@dataclass(frozen=True)
class ReleaseChanges:
    """What one release changed against an earlier one of the same publication.

    Attributes:
        publication: The publication id.
        new_release: The newer release's key (``"2025-05"``).
        old_release: The older release's key.
        period: First day of the newer release's newest period.
        figures: The newest period's figures, with the previous period, a year earlier and
            the changes (columns :data:`FIGURE_COLUMNS`; percentages on a 0-100 scale,
            ``<NA>`` where the base is missing or zero).
        revisions: Every figure of a shared period that changed (from
            :func:`hmcts_data.revisions`: kinds ``revised``, ``filled``, ``withdrawn``,
            ``whole_series``), with
            ``pct_change`` added (``change`` as a percentage of ``old_value``).
        compared: How many figures both releases publish for the periods they share.
        appeared: Series in the newer release but not the older (:data:`SERIES_COLUMNS`).
        disappeared: Series in the older release but not the newer.
        whole_series: Series the newer release revised as a whole (every shared month moved
            one way; :data:`WHOLE_SERIES_COLUMNS`): ``level_shift`` is the revision's median
            relative size, ``figures`` how many of its figures it changed. Their figures are
            kind ``whole_series`` in :attr:`revisions`, not counted in :attr:`revised_count`.
        sources: Where each release's figures came from, by release key: its file's address
            on GOV.UK, or ``"embedded:..."`` for a real release shipped in the package (used
            when GOV.UK could not be reached; a warning says so). Empty for a given ``frame``.

    Example:
        >>> changes = hmcts_data.release_changes()  # doctest: +SKIP
        >>> changes.revised_count, len(changes.figures)  # doctest: +SKIP
        (358, 59)
        >>> print(changes)  # doctest: +SKIP
    """

    publication: str
    new_release: str
    old_release: str
    period: date | None
    figures: pd.DataFrame
    revisions: pd.DataFrame
    compared: int
    appeared: pd.DataFrame
    disappeared: pd.DataFrame
    whole_series: pd.DataFrame
    sources: dict[str, str] = field(default_factory=dict)

    @property
    def revised_count(self) -> int:
        """How many earlier figures were revised to a different value."""
        return int((self.revisions["kind"] == "revised").sum())

    def largest(
        self, n: int = 10, *, by: Literal["absolute", "relative"] = "absolute"
    ) -> pd.DataFrame:
        """The ``n`` largest revisions, by absolute change or by change relative to the old value.

        Args:
            n: How many rows.
            by: ``"absolute"`` (size of ``change``) or ``"relative"`` (size of ``pct_change``;
                revisions of a zero figure have no relative size and are left out).

        Returns:
            Rows of :attr:`revisions` (kind ``revised`` only), largest first.

        Example:
            >>> changes.largest(3, by="relative")  # doctest: +SKIP
        """
        column = "change" if by == "absolute" else "pct_change"
        revised = self.revisions[self.revisions["kind"] == "revised"]
        revised = revised[revised[column].notna()]
        order = revised[column].astype("float64").abs().sort_values(ascending=False, kind="stable")
        return revised.loc[order.index[:n]].reset_index(drop=True)

    def to_dict(self, *, top: int = 10) -> dict[str, Any]:
        """A JSON-ready summary: counts, the newest figures, the largest revisions, the series.

        Args:
            top: How many of the largest revisions to include, by each measure of size.

        Example:
            >>> sorted(changes.to_dict())[:3]  # doctest: +SKIP
        """
        return {
            "publication": self.publication,
            "new_release": self.new_release,
            "old_release": self.old_release,
            "period": self.period.isoformat() if self.period else None,
            "compared": self.compared,
            "revised": self.revised_count,
            "filled": int((self.revisions["kind"] == "filled").sum()),
            "withdrawn": int((self.revisions["kind"] == "withdrawn").sum()),
            "whole_series": _records(self.whole_series),
            "figures": _records(self.figures),
            "largest_revisions": {
                "absolute": _records(self.largest(top, by="absolute")),
                "relative": _records(self.largest(top, by="relative")),
            },
            "appeared": _records(self.appeared),
            "disappeared": _records(self.disappeared),
            "sources": dict(self.sources),
        }

    def to_json(self, *, top: int = 10, indent: int | None = 2) -> str:
        """:meth:`to_dict` as JSON text (dates ISO 8601, missing values ``null``).

        Example:
            >>> print(changes.to_json()[:1])  # doctest: +SKIP
            {
        """
        return json.dumps(self.to_dict(top=top), indent=indent, ensure_ascii=False)

    def to_text(self, *, top: int = 5, rows: int = 20) -> str:
        """A short report for people: counts, the newest figures, the largest revisions.

        Args:
            top: How many of the largest revisions to list (absolute and relative).
            rows: How many of the newest period's figures to list (largest change on the
                previous period first).

        Example:
            >>> print(changes.to_text())  # doctest: +SKIP
        """
        month = f"{self.period:%B %Y}" if self.period else "the newest period"
        lines = [
            f"{self.publication} release {self.new_release} against {self.old_release}",
            f"newest period: {month}, {len(self.figures)} figure(s)",
            f"earlier figures compared: {self.compared}; revised: {self.revised_count}; "
            f"filled in: {int((self.revisions['kind'] == 'filled').sum())}; "
            f"withdrawn: {int((self.revisions['kind'] == 'withdrawn').sum())}",
        ]
        for _, r in self.whole_series.iterrows():
            lines.append(
                f"whole-series revision: {_series_name(r)} {float(r['level_shift']):+.1%} "
                f"({int(r['figures'])} figures, {r['first_period']:%Y-%m} to "
                f"{r['last_period']:%Y-%m})"
            )
        embedded = sorted(k for k, url in self.sources.items() if url.startswith("embedded:"))
        if embedded:
            lines.append(
                f"from copies embedded in hmcts-data, not live: {', '.join(embedded)} "
                "(GOV.UK could not be reached or offline mode is on)"
            )
        shown = self.figures.assign(
            _size=self.figures["pct_change_on_previous"].astype("float64").abs()
        ).sort_values("_size", ascending=False, na_position="last", kind="stable")
        table = [
            [
                _series_name(r),
                _num(r["value"]),
                _num(r["change_on_previous"]),
                _pct(r["pct_change_on_previous"]),
                _num(r["change_on_year"]),
                _pct(r["pct_change_on_year"]),
            ]
            for _, r in shown.head(rows).iterrows()
        ]
        if table:
            lines += [
                "",
                f"{month} (largest change on the previous period first):",
                text_table(["series", "value", "on previous", "%", "on a year", "%"], table),
            ]
        for by in ("absolute", "relative"):
            largest = self.largest(top, by=by)
            if len(largest):
                lines += ["", f"largest revisions ({by}):"]
                lines.append(
                    text_table(
                        ["series", "period", "old", "new", "change", "%"],
                        [
                            [
                                _series_name(r),
                                f"{r['period_start']:%Y-%m}",
                                _num(r["old_value"]),
                                _num(r["new_value"]),
                                _num(r["change"]),
                                _pct(r["pct_change"]),
                            ]
                            for _, r in largest.iterrows()
                        ],
                    )
                )
        for name, frame in (("appeared", self.appeared), ("disappeared", self.disappeared)):
            if len(frame):
                names = ", ".join(_series_name(r) for _, r in frame.head(12).iterrows())
                more = f" and {len(frame) - 12} more" if len(frame) > 12 else ""
                lines += ["", f"series that {name} ({len(frame)}): {names}{more}"]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.to_text()

    def __repr__(self) -> str:
        # The dataclass repr would print four whole frames; counts instead (print() for all).
        return (
            f"<ReleaseChanges {self.publication} {self.new_release} vs {self.old_release}: "
            f"{len(self.figures)} figures, {self.revised_count} revised of {self.compared} "
            f"compared, {len(self.appeared)} series appeared, {len(self.disappeared)} "
            "disappeared; print() for the full report>"
        )

    def _repr_html_(self) -> str:
        import html

        return f"<div><pre>{html.escape(self.to_text())}</pre></div>"


def release_changes(
    release: str | date | Release | None = None,
    against: str | date | Release | None = None,
    *,
    publication: str = "monthly",
    frame: pd.DataFrame | None = None,
    client: Client | None = None,
    offline: bool | None = None,
) -> ReleaseChanges:
    """What a release changed: its newest figures, the revisions it made, series in and out.

    Args:
        release: The newer release (a key such as ``"2025-05"``, a slug, a date or a
            :class:`Release`); the newest by default.
        against: The older release; by default the one before ``release`` (withdrawn pages
            skipped).
        publication: The publication id.
        frame: A tidy frame that already holds both releases (for example
            ``load("monthly", "all")``); nothing is downloaded then, and ``release`` and
            ``against`` are matched against its ``release`` column (default: its newest two).
        client: The client to use; a new one from the environment when ``None``.
        offline: Never touch the network (the cache and the embedded snapshot only).

    Returns:
        The changes; print it for a report, ``.figures``/``.revisions`` for frames,
        ``.to_json()`` for scripts.

    Raises:
        ConfigurationError: ``release`` or ``against`` is in no accepted form.
        NotFoundError: A release GOV.UK does not list, or no earlier release to compare with.
        ParseError: ``frame`` is not tidy.
        DownloadError, OfflineError, NetworkError, IntegrityError: As for
            :func:`hmcts_data.load` (which falls back to the embedded real releases the same
            way: then ``sources`` says so, and a warning).

    Example:
        >>> changes = hmcts_data.release_changes()  # doctest: +SKIP
        >>> changes.largest(5)  # doctest: +SKIP
        >>> hmcts_data.release_changes("2025-04", against="2024-04")  # doctest: +SKIP
    """
    import pandas as pd

    if frame is not None:
        keys = _frame_keys(frame, release, against)
        both = frame[frame["release"].isin(keys)]
        return compare_frames(both, new=keys[0], old=keys[1])
    from hmcts_data._catalogue._api import catalogue_for
    from hmcts_data._catalogue._models import release_form
    from hmcts_data._client import Client, using_client

    for given in (release, against):
        if given is not None:
            release_form(given)  # before any request
    if client is None and offline is not None:
        client = Client(offline=offline)
    # Both releases come through load()'s chain (live, cache, embedded copy); the catalogue's
    # warnings, given by each load, are shown once.
    fallbacks: list[Fallback] = []
    with once_per_call(), using_client(client) as active:
        # This publication's pages only; the two loads below then find them in the cache.
        catalogue_for(publication, "all", client=active)
        new_rows = _load_one(publication, release, active, fallbacks)
        new_key = str(new_rows["release"].iloc[0])
        old_rows = _load_one(
            publication,
            against if against is not None else _previous(publication, new_key, active),
            active,
            fallbacks,
        )
        if fallbacks:
            warn(_one_fallback(fallbacks, publication, (new_key, old_rows)))
    old_key = str(old_rows["release"].iloc[0])
    result = compare_frames(
        pd.concat([old_rows, new_rows], ignore_index=True), new=new_key, old=old_key
    )
    sources = {
        new_key: str(new_rows["source_url"].iloc[0]),
        old_key: str(old_rows["source_url"].iloc[0]),
    }
    return replace(result, sources=sources)


def _one_fallback(
    fallbacks: list[Fallback], publication: str, pair: tuple[str, pd.DataFrame]
) -> Warning:
    """One warning for the embedded copies both loads used (the same as ``load``'s)."""
    from hmcts_data._api import Fallback

    used = [item for f in fallbacks for item in f.used]
    keys = [pair[0], str(pair[1]["release"].iloc[0])]
    merged = Fallback(
        publication,
        used,
        fallbacks[0].failure,
        f"{publication} releases {' and '.join(keys)}" if len(used) > 1 else fallbacks[0].label,
        [k for f in fallbacks for k in f.skipped],
        fallbacks[0].offline,
    )
    return merged.warning()


def _load_one(
    publication: str, release: object, client: Client, fallbacks: list[Fallback]
) -> pd.DataFrame:
    from hmcts_data._api import load_reporting

    frame = load_reporting(
        publication,
        release,  # type: ignore[arg-type]
        client=client,
        fallbacks=fallbacks,
    )
    if frame.empty:
        raise ParseError(f"The {publication} release {release!r} holds no figures to compare.")
    return frame


def _previous(publication: str, new_key: str, client: Client) -> Release | str:
    """The release before ``new_key``: listed with a file, else (unchecked) embedded."""
    from hmcts_data._catalogue._api import catalogue_for
    from hmcts_data._embedded import embedded_releases
    from hmcts_data._releases import wanted

    cat = catalogue_for(publication, "all", client=client)
    pub = cat.get(publication)
    # Where GOV.UK answered, the release before with a file; where it could not be asked, the
    # release listed before (the snapshot records few files), whose load says what it can.
    older = [
        r
        for r in pub.releases
        if not r.is_withdrawn
        and r.key is not None
        and r.key < new_key
        and (r.data_files() or not cat.checked)
    ]
    if older:
        return older[0]
    earlier = [r.release for r in embedded_releases(publication) if r.release < new_key]
    if earlier and not cat.checked:
        return earlier[-1]
    if not cat.checked:
        wanted(publication, f"before {new_key}", client)  # raises: could not check
    raise NotFoundError(f"{publication} release older than {new_key}", "previous", pub.keys)


def compare_frames(frame: pd.DataFrame, *, new: str, old: str) -> ReleaseChanges:
    """:func:`release_changes` on a tidy frame holding releases ``new`` and ``old``.

    Raises:
        ParseError: ``frame`` is not tidy, or lacks one of the two releases.

    Example:
        >>> from datetime import date
        >>> import pandas, hmcts_data
        >>> from hmcts_data.testing._monthly_files import monthly_releases
        >>> apr, may = monthly_releases("D", date(2025, 4, 1), 2, seed=1)
        >>> both = pandas.concat([hmcts_data.read("monthly", f.data) for f in (apr, may)])
        >>> c = compare_frames(both, new="2025-05", old="2025-04")
        >>> c.period.isoformat(), c.revised_count > 0
        ('2025-05-01', True)
    """
    import pandas as pd

    from hmcts_data.tables._confirm import decide_mappings
    from hmcts_data.tables._vintages import revisions_of_decided

    if "release" not in frame.columns:
        raise ParseError("Not a tidy hmcts_data frame: it has no 'release' column.")
    for key in (new, old):
        if not bool((frame["release"] == key).any()):
            raise ParseError(
                f"The frame holds no rows of release {key!r}; it has "
                f"{sorted(frame['release'].dropna().unique().tolist())}."
            )
    # One decision for the whole frame (every release it holds), as series() takes it.
    frame = decide_mappings(frame.reset_index(drop=True), stacklevel=3)
    frame = frame.assign(_series=_series_key(frame))
    new_rows = frame[frame["release"] == new]
    old_rows = frame[frame["release"] == old]
    pair = frame[frame["release"].isin([new, old])].drop(columns="_series")
    changed = revisions_of_decided(pair)
    changed = changed[(changed["new_release"] == new) & (changed["old_release"] == old)]
    base = changed["old_value"].astype("Float64")
    pct = (changed["change"] / base.abs() * 100).where(base != 0)
    changed = changed.assign(pct_change=pct.astype("Float64")).reset_index(drop=True)
    shared = new_rows.merge(
        old_rows[["_series", "period_start", "value"]],
        on=["_series", "period_start"],
        suffixes=("", "_old"),
    )
    compared = int((shared["value"].notna() & shared["value_old"].notna()).sum())
    publication = str(new_rows["publication"].iloc[0])
    period = new_rows["period_start"].max()
    return ReleaseChanges(
        publication=publication,
        new_release=new,
        old_release=old,
        period=None if pd.isna(period) else period.date(),
        figures=_figures(new_rows, period),
        revisions=changed,
        compared=compared,
        appeared=_series_only(new_rows, old_rows),
        disappeared=_series_only(old_rows, new_rows),
        whole_series=_whole_series(changed),
    )


# -- helpers ------------------------------------------------------------------------------------


def _frame_keys(frame: pd.DataFrame, release: object, against: object) -> tuple[str, str]:
    if "release" not in frame.columns:
        raise ParseError("Not a tidy hmcts_data frame: it has no 'release' column.")
    present = sorted(frame["release"].dropna().astype(str).unique())

    def pick(value: object) -> str:
        key = (
            value.key
            if hasattr(value, "key")
            else (f"{value:%Y-%m}" if isinstance(value, date) else str(value))
        )
        if key not in present:
            raise NotFoundError("release in the frame", str(key), present)
        return str(key)

    new = pick(release) if release is not None else (present[-1] if present else "")
    if not new:
        raise NotFoundError("release in the frame", "newest", present)
    if against is not None:
        return new, pick(against)
    older = [k for k in present if k < new]
    if not older:
        raise NotFoundError(f"release in the frame older than {new}", "previous", present)
    return new, older[-1]


def _series_key(frame: pd.DataFrame) -> pd.Series:
    mapped = frame["mapping"].notna() if "mapping" in frame.columns else frame["measure"].notna()
    canonical = frame["jurisdiction"].astype("string")
    for column in _SERIES[1:]:
        canonical = canonical + "|" + frame[column].astype("string")
    label = "?|" + frame["source_label"].astype("string").str.strip()
    return canonical.where(mapped, label)


def _whole_series(changed: pd.DataFrame) -> pd.DataFrame:
    """One row per series the newer release revised as a whole, with its size."""
    rows = changed[changed["kind"] == "whole_series"]
    grouped = rows.groupby(list(_SERIES), sort=True, observed=True, dropna=False)
    out = grouped.agg(
        level_shift=("level_shift", "first"),
        figures=("kind", "size"),
        first_period=("period_start", "min"),
        last_period=("period_start", "max"),
        source_label=("source_label", "first"),
    ).reset_index()
    return out.loc[:, list(WHOLE_SERIES_COLUMNS)]


def _figures(rows: pd.DataFrame, period: Any) -> pd.DataFrame:
    import pandas as pd

    from hmcts_data.tables._vintages import _difference

    newest = rows[rows["period_start"] == period].drop_duplicates("_series", keep="last")
    previous = (
        rows[rows["period_start"] < period]
        .sort_values("period_start", kind="stable")
        .drop_duplicates("_series", keep="last")[["_series", "value"]]
        .rename(columns={"value": "previous_value"})
    )
    year_back = (
        rows[rows["period_start"] == period - pd.DateOffset(years=1)]
        .drop_duplicates("_series", keep="last")[["_series", "value"]]
        .rename(columns={"value": "year_earlier_value"})
    )
    out = newest.merge(previous, on="_series", how="left").merge(
        year_back, on="_series", how="left"
    )
    for other, change, pct in (
        ("previous_value", "change_on_previous", "pct_change_on_previous"),
        ("year_earlier_value", "change_on_year", "pct_change_on_year"),
    ):
        old = out[other].astype("Float64")
        new = out["value"].astype("Float64")
        both = (old.notna() & new.notna()).fillna(False).astype(bool)
        out[other] = old
        out[change] = _difference(old, new, both)
        out[pct] = (out[change] / old.abs() * 100).where(old != 0).astype("Float64")
    columns = [c for c in FIGURE_COLUMNS if c in out.columns]
    out = out.sort_values(list(_SERIES), kind="stable", na_position="last")
    result: pd.DataFrame = out.loc[:, columns].reset_index(drop=True)
    return result


def _series_only(rows: pd.DataFrame, other: pd.DataFrame) -> pd.DataFrame:
    missing = rows[~rows["_series"].isin(set(other["_series"]))]
    grouped = missing.sort_values("period_start", kind="stable").groupby(
        "_series", sort=True, observed=True
    )
    first = grouped.first()
    spans = grouped["period_start"].agg(["min", "max"])
    out = first.assign(first_period=spans["min"], last_period=spans["max"])
    columns = [c for c in SERIES_COLUMNS if c in out.columns]
    return out.loc[:, columns].reset_index(drop=True)


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    import pandas as pd

    records: list[dict[str, Any]] = []
    for row in frame.to_dict(orient="records"):
        clean: dict[str, Any] = {}
        for key, value in row.items():
            if value is None or (not isinstance(value, str) and pd.isna(value)):
                clean[str(key)] = None
            elif isinstance(value, pd.Timestamp):
                clean[str(key)] = value.date().isoformat()
            elif isinstance(value, float):
                clean[str(key)] = None if math.isnan(value) else value
            else:
                clean[str(key)] = value if isinstance(value, (str, int, bool)) else str(value)
        records.append(clean)
    return records


def _series_name(row: Any) -> str:
    if row.get("jurisdiction") is None or _isna(row.get("jurisdiction")):
        return f"[unmapped] {row.get('source_label')}"
    parts = [str(row["jurisdiction"]), str(row["measure"])]
    if row.get("breakdown"):
        parts.append(str(row["breakdown"]))
    return ".".join(parts)


def _isna(value: Any) -> bool:
    import pandas as pd

    return bool(pd.isna(value))


def _num(value: Any) -> str:
    if _isna(value):
        return "-"
    number = float(value)
    return f"{number:,.0f}" if number == int(number) else f"{number:,.2f}"


def _pct(value: Any) -> str:
    return "-" if _isna(value) else f"{float(value):+.1f}%"
