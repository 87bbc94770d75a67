"""Charts of tidy frames: a measure's trend by jurisdiction, and how figures moved across releases.

Needs the ``plot`` extra (``pip install "hmcts-data[plot]"``); matplotlib is imported only when
a chart is drawn. Figures are built without ``pyplot``, so drawing one changes no global
matplotlib state, needs no display, and a notebook shows the returned figure exactly once.
Save with :func:`save` (PNG, SVG or PDF by suffix), or draw into your own axes with ``ax=``.

Example:
    >>> from hmcts_data import plot
    >>> from hmcts_data.testing import synthetic_tidy  # doctest: +SKIP
    >>> fig = plot.trend(synthetic_tidy(), "receipts")  # doctest: +SKIP
    >>> plot.save(fig, "receipts.png")  # doctest: +SKIP
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from hmcts_data._atomic import atomic_path
from hmcts_data._errors import ConfigurationError, NotFoundError
from hmcts_data._optional import require
from hmcts_data.tables._schema import vocabulary

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["SAVE_FORMATS", "revisions", "save", "trend"]

SAVE_FORMATS: tuple[str, ...] = (".png", ".svg", ".pdf")
"""The file suffixes :func:`save` writes (PNG, SVG, PDF)."""

_NEEDED: tuple[str, ...] = (
    "publication",
    "release",
    "period_start",
    "period_end",
    "jurisdiction",
    "measure",
    "breakdown",
    "unit",
    "value",
)
#: Periods drawn by :func:`revisions` when none are named.
_DEFAULT_PERIODS = 6

Period = str | date | datetime


def _matplotlib(feature: str) -> tuple[Any, Any, Any]:
    """Import what the charts need: (Figure class, matplotlib.dates, matplotlib.ticker)."""
    require("matplotlib.figure", extra="plot", feature=feature)
    dates = require("matplotlib.dates", extra="plot", feature=feature)
    ticker = require("matplotlib.ticker", extra="plot", feature=feature)
    # A Figure subclass with its own PNG repr: Jupyter shows it though pyplot is never loaded.
    from hmcts_data._figure import NotebookFigure

    return NotebookFigure, dates, ticker


def _check_frame(frame: pd.DataFrame, feature: str) -> None:
    missing = [c for c in _NEEDED if c not in frame.columns]
    if missing:
        raise ConfigurationError(
            f"{feature} needs a tidy frame (from hmcts_data.read or load); this one lacks the "
            f"columns {missing}."
        )


def _present(series: pd.Series[Any]) -> list[str]:
    return sorted({str(v) for v in series.dropna().unique()})


def _select(
    frame: pd.DataFrame,
    *,
    measure: str,
    breakdown: str,
    publication: str | None,
) -> pd.DataFrame:
    """Rows of one measure and breakdown from one publication, or a clear error."""
    if publication is not None:
        frame = frame[frame["publication"] == publication]
        if frame.empty:
            raise NotFoundError("publication in this frame", publication, [])
    rows = frame[frame["measure"] == measure]
    if rows.empty:
        raise NotFoundError("measure in this frame", measure, _present(frame["measure"]))
    with_breakdown = rows[rows["breakdown"] == breakdown]
    if with_breakdown.empty:
        raise NotFoundError(
            f"breakdown of {measure!r} in this frame", breakdown, _present(rows["breakdown"])
        )
    publications = _present(with_breakdown["publication"])
    if len(publications) > 1:
        raise ConfigurationError(
            f"The frame holds {measure!r} from several publications ({', '.join(publications)}),"
            " whose periods differ; pass publication= to choose one."
        )
    return with_breakdown


def _check_one_unit(rows: pd.DataFrame, what: str) -> str:
    by_unit: dict[str, list[str]] = {}
    for (unit, jurisdiction), _ in rows.groupby(["unit", "jurisdiction"], observed=True):
        by_unit.setdefault(str(unit), []).append(str(jurisdiction))
    if len(by_unit) > 1:
        detail = "; ".join(f"{u}: {', '.join(sorted(js))}" for u, js in sorted(by_unit.items()))
        raise ConfigurationError(
            f"{what} mixes units ({detail}); one axis cannot show them. Pass jurisdictions= "
            "(or a breakdown) whose figures share one unit."
        )
    if not by_unit:
        raise ConfigurationError(f"{what} has no figures with a known jurisdiction to draw.")
    return next(iter(by_unit))


def _label(kind: str, key: str) -> str:
    entries = getattr(vocabulary(), kind)
    entry = entries.get(key)
    return entry.label if entry is not None else key


def _axis_label(measure: str, unit: str) -> str:
    name = _label("measure", measure)
    # "Outstanding (open caseload) (cases)" reads badly; nest the unit differently then.
    return f"{name}, {unit}" if name.endswith(")") else f"{name} ({unit})"


def _value_formatter(ticker: Any, unit: str) -> Any:
    if unit == "cases":
        return ticker.StrMethodFormatter("{x:,.0f}")
    if unit == "percent":
        return ticker.PercentFormatter(xmax=100, decimals=None)
    return ticker.StrMethodFormatter("{x:,.4g}")


def _is_synthetic(rows: pd.DataFrame) -> bool:
    """Whether every figure comes from a source labelled SYNTHETIC (test data)."""
    if "source_file" not in rows.columns:
        return False
    names = rows["source_file"].astype("string").fillna("")
    return bool(names.str.contains("SYNTHETIC", case=False, regex=False).all())


def _new_axes(ax: Axes | None, figure_cls: Any) -> tuple[Figure, Axes]:
    if ax is not None:
        fig = ax.get_figure(root=True)
        if fig is None:  # pragma: no cover - an Axes always belongs to a figure
            raise ConfigurationError("ax= must belong to a matplotlib figure.")
        return fig, ax
    fig = figure_cls(figsize=(9.0, 4.8), layout="constrained")
    return fig, fig.add_subplot()


def _style(ax: Axes, ticker: Any, unit: str, *, ylabel: str, legend_title: str) -> None:
    ax.set_ylabel(ylabel)
    ax.yaxis.set_major_formatter(_value_formatter(ticker, unit))
    ax.grid(visible=True, axis="both", alpha=0.3)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.margins(x=0.02, y=0.08)
    # Outside the axes, to the right: a legend never covers a line.
    ax.legend(
        title=legend_title,
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        borderaxespad=0.0,
        frameon=False,
    )


#: The credit every chart of real figures carries (the data's publisher and licence).
SOURCE_CREDIT = "Source: HMCTS management information, OGL v3.0"
#: The credit of a chart whose every figure is SYNTHETIC (test data).
SYNTHETIC_CREDIT = "SYNTHETIC data: not HMCTS figures"


def _credit(rows: pd.DataFrame) -> str:
    return SYNTHETIC_CREDIT if _is_synthetic(rows) else SOURCE_CREDIT


#: Releases with gaps between them are listed one by one up to this many; beyond, counted.
_LISTED_RELEASES = 6


def _month_index(release: str) -> int | None:
    year, _, month = release.partition("-")
    return int(year) * 12 + int(month) if year.isdigit() and month.isdigit() else None


def _releases_note(releases: Sequence[str]) -> str:
    """The releases drawn, for the caption (at least two, sorted ``YYYY-MM``).

    Consecutive months read as a range (``"4 releases, 2024-01 to 2024-04"``); releases with
    gaps between them are listed (``"4 releases: 2019-04, 2021-04, 2022-04, 2025-04"``), so a
    range never suggests releases that are not drawn; many with gaps are counted.
    """
    months = [_month_index(r) for r in releases]
    consecutive = all(a is not None and b is not None and b - a == 1 for a, b in pairwise(months))
    if consecutive:
        return f"{len(releases)} releases, {releases[0]} to {releases[-1]}"
    if len(releases) <= _LISTED_RELEASES:
        return f"{len(releases)} releases: {', '.join(releases)}"
    return f"{len(releases)} releases between {releases[0]} and {releases[-1]}"


def _titles(ax: Axes, main: str, credit: str, note: str) -> None:
    """The title, with a small grey note beneath: the source credit, then the releases drawn.

    Stacked rather than side by side so that neither can overlap the other, however narrow
    the axes; both are laid out by the figure's layout engine. The credit is part of the
    figure, so it travels with every saved PNG, SVG or PDF.
    """
    ax.annotate(
        f"{credit}\n{note}",
        xy=(0.0, 1.0),
        xycoords="axes fraction",
        xytext=(0.0, 5.0),
        textcoords="offset points",
        ha="left",
        va="bottom",
        fontsize="small",
        color="0.35",
    )
    ax.set_title(main, loc="left", fontsize="large", pad=34.0)


def _x_label(rows: pd.DataFrame) -> str:
    days = (rows["period_end"] - rows["period_start"]).dt.days + 1
    if bool(days.between(28, 31).all()):
        return "Month"
    if bool((days == 7).all()):
        return "Week starting"
    return "Period starting"


def _latest_vintage(rows: pd.DataFrame) -> pd.DataFrame:
    """Each period's figure from the newest release that publishes it.

    A full tidy frame goes through :func:`hmcts_data.tables._vintages.latest_series`, the
    library's one rule for vintages (ties broken by ``published``; one release loaded twice
    with different values is refused). A frame with only the columns a chart needs is
    reduced by release order alone.
    """
    from hmcts_data.tables._schema import TIDY_COLUMNS
    from hmcts_data.tables._vintages import latest_series

    if all(c.name in rows.columns for c in TIDY_COLUMNS):
        return latest_series(rows.loc[:, [c.name for c in TIDY_COLUMNS]])
    return rows.sort_values("release", kind="stable").drop_duplicates(
        subset=["jurisdiction", "period_start", "period_end"], keep="last"
    )


def _with_gaps(line: pd.DataFrame) -> tuple[Any, Any]:
    """Return x (period starts) and y (values) of a line, broken wherever periods are missing.

    A period that does not follow on from the one before (its start is after the previous
    period's end + 1 day: months or weeks absent from the data) gets a NaN point at the start
    of the gap, so matplotlib breaks the line there instead of drawing straight across a year
    with no data. Missing values (``<NA>``) are NaN already and break the line too.
    """
    import numpy as np
    import pandas as pd

    starts = line["period_start"].to_numpy(dtype="datetime64[ns]")
    ends = line["period_end"].to_numpy(dtype="datetime64[ns]")
    values = line["value"].astype("float64").to_numpy()
    if len(starts) < 2:
        return starts, values
    next_start = ends[:-1] + np.timedelta64(1, "D")
    gaps = np.flatnonzero(starts[1:] > next_start)
    if not len(gaps):
        return starts, values
    x = np.insert(starts, gaps + 1, next_start[gaps])
    y = np.insert(values, gaps + 1, np.nan)
    return pd.DatetimeIndex(x).to_numpy(), y


def _mark_level_shifts(axes: Axes, marks: Sequence[tuple[Any, Any, str, str]]) -> None:
    """A dashed vertical line at each ``(x, size, release, whose)``: a whole-series revision.

    Drawn where a series switches to (``trend``) or is published by (``revisions``) a release
    that moved every month it shares with the release before it one way, so the step is read
    as the publisher's revision, not as a change in the world; the legend says its size.
    """
    for x, size, release, whose in marks:
        axes.axvline(
            x,
            color="0.35",
            linestyle="--",
            linewidth=1.0,
            gid="level_shift",
            label=f"{whose}whole-series revision by {float(size):+.1%} (release {release})",
        )


def _decided(frame: pd.DataFrame) -> pd.DataFrame:
    """A full tidy frame with its mappings decided as ``series()`` decides them (one decision).

    So a whole-series revision is marked, and a demoted column left out, in the plots too. A
    frame with only the columns a chart needs is drawn as it is.
    """
    from hmcts_data.tables._confirm import decide_mappings
    from hmcts_data.tables._schema import TIDY_COLUMNS

    if not all(c.name in frame.columns for c in TIDY_COLUMNS):
        return frame
    return decide_mappings(frame, stacklevel=4)


def _shifts(rows: pd.DataFrame) -> pd.DataFrame:
    """The rows that carry a whole-series revision (none when the frame has no such column)."""
    if "level_shift" not in rows.columns:
        return rows.iloc[:0].assign(level_shift=[])
    return rows[rows["level_shift"].notna()]


def trend(
    frame: pd.DataFrame,
    measure: str,
    *,
    jurisdictions: Sequence[str] | None = None,
    breakdown: str = "",
    publication: str | None = None,
    ax: Axes | None = None,
    title: str | None = None,
) -> Figure:
    """Draw one measure by jurisdiction over time: one line per jurisdiction.

    When the frame holds several releases, each period shows its figure from the newest
    release that publishes it (the same rule as ``latest_series``; a missing cell in the newest
    release stays missing). Missing figures and missing periods (months absent from the data,
    such as a year between two files) leave a gap in the line: it is never drawn straight
    across them, and never through a zero. Where a line switches to a release that revised its
    whole series (``level_shift``), a dashed vertical line marks the step and the legend says
    "whole-series revision by X%". The figure credits its source and names the releases drawn.
    The y axis names the measure and its unit; dates are labelled concisely; the legend sits
    outside the axes, to the right.

    Args:
        frame: A tidy frame (from :func:`hmcts_data.read` or ``load``).
        measure: A measure in the frame (``"receipts"``, ``"outstanding"`` ...).
        jurisdictions: Jurisdictions to draw, in legend order; all in the frame when ``None``.
        breakdown: The variant to draw (``""`` is the headline figure).
        publication: Which publication, when the frame mixes several.
        ax: Axes to draw into (its figure is returned); a new figure when ``None``.
        title: Title; the measure's label (and breakdown) when ``None``.

    Returns:
        The matplotlib figure.

    Raises:
        MissingDependencyError: matplotlib is not installed (``pip install "hmcts-data[plot]"``).
        NotFoundError: The measure, breakdown, publication or a jurisdiction is not in the
            frame (with close matches among those that are).
        ConfigurationError: The frame is not tidy, mixes publications for the measure, or the
            selected figures mix units (the message says which jurisdiction has which unit).
        ParseError: One release appears twice with different values (loaded from two files).

    Example:
        >>> fig = trend(frame, "outstanding", jurisdictions=["crown_court"])  # doctest: +SKIP
        >>> save(fig, "outstanding.png")  # doctest: +SKIP
    """
    figure_cls, mdates, ticker = _matplotlib("hmcts_data.plot.trend")
    _check_frame(frame, "hmcts_data.plot.trend")
    rows = _select(frame, measure=measure, breakdown=breakdown, publication=publication)
    present = _present(rows["jurisdiction"])
    if jurisdictions is None:
        chosen = present
    else:
        chosen = list(dict.fromkeys(jurisdictions))
        for name in chosen:
            if name not in present:
                raise NotFoundError(f"jurisdiction with {measure!r} in this frame", name, present)
        rows = rows[rows["jurisdiction"].isin(chosen)]
    rows = rows[rows["jurisdiction"].notna()]
    what = f"{measure!r}" + (f" ({breakdown})" if breakdown else "")
    unit = _check_one_unit(rows, what)
    latest = _latest_vintage(rows)

    fig, axes = _new_axes(ax, figure_cls)
    if jurisdictions is None:
        # Legend order follows the lines' latest levels, top to bottom.
        last = latest.sort_values("period_start").groupby("jurisdiction", observed=True)["value"]
        level = last.agg(lambda s: s.dropna().iloc[-1] if s.notna().any() else float("-inf"))
        chosen = [str(j) for j in level.sort_values(ascending=False).index]
    for name in chosen:
        line = latest[latest["jurisdiction"] == name].sort_values("period_start")
        x, y = _with_gaps(line)  # <NA> and absent periods -> NaN: a gap in the line
        axes.plot(
            x,
            y,
            marker="o",
            markersize=3.5,
            linewidth=1.8,
            label=_label("jurisdiction", name),
        )
    whose = len(chosen) > 1
    shifted = _shifts(latest).sort_values("period_start")
    _mark_level_shifts(
        axes,
        [
            (x, size, str(release), f"{_label('jurisdiction', str(name))}: " if whose else "")
            for x, size, release, name in zip(
                shifted["period_start"],
                shifted["level_shift"].astype("float64"),
                shifted["release"],
                shifted["jurisdiction"],
                strict=True,
            )
        ],
    )
    locator = mdates.AutoDateLocator(minticks=4, maxticks=10)
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    axes.set_xlabel(_x_label(latest))
    _style(axes, ticker, unit, ylabel=_axis_label(measure, unit), legend_title="Jurisdiction")
    releases = sorted({str(r) for r in rows["release"].dropna()})
    note = f"release {releases[0]}"
    if len(releases) > 1:
        note = f"latest vintage of {_releases_note(releases)}"
    default = _label("measure", measure) + (f": {breakdown}" if breakdown else "")
    _titles(axes, title if title is not None else default, _credit(rows), note)
    return fig


def _period_start(value: Period) -> Any:
    import pandas as pd

    if isinstance(value, str):
        try:
            return pd.Timestamp(value).to_period("M").start_time
        except ValueError:
            raise ConfigurationError(
                f"period {value!r} is not a month or date (use 'YYYY-MM' or 'YYYY-MM-DD')."
            ) from None
    return pd.Timestamp(value).normalize()


def revisions(
    frame: pd.DataFrame,
    *,
    jurisdiction: str,
    measure: str,
    breakdown: str = "",
    period: Period | Iterable[Period] | None = None,
    publication: str | None = None,
    show: Literal["change", "level"] = "change",
    ax: Axes | None = None,
    title: str | None = None,
) -> Figure:
    """Draw how figures moved across releases: x = release, one line per period.

    The monthly MI republishes a rolling window of months, revising recent ones; this shows
    each period's figure in every release that published it. By default (``show="change"``)
    the y axis is the change since the period was first published, in percent (percentage
    points for figures that are percentages), around a zero line: a revision of +0.4% looks
    like +0.4%, not like a steep climb on an axis cut to the figures' range. With
    ``show="level"`` the y axis is the published value, starting at zero. A release that
    revised the whole series (``level_shift``) is marked by a dashed vertical line, its size
    in the legend.

    Args:
        frame: A tidy frame holding several releases.
        jurisdiction: The jurisdiction (``"civil"`` ...).
        measure: The measure (``"receipts"`` ...).
        breakdown: The variant (``""`` is the headline figure).
        period: A period (``"2024-03"``, a date) or several, matched on the period's first
            day (a month string matches the month). When ``None``: the latest six periods
            published by two or more releases.
        publication: Which publication, when the frame mixes several.
        show: ``"change"`` (since first published, relative) or ``"level"`` (the values, on
            an axis from zero).
        ax: Axes to draw into (its figure is returned); a new figure when ``None``.
        title: Title; names the measure and jurisdiction when ``None``.

    Returns:
        The matplotlib figure.

    Raises:
        MissingDependencyError: matplotlib is not installed (``pip install "hmcts-data[plot]"``).
        NotFoundError: The measure, breakdown, jurisdiction or a period is not in the frame
            (with close matches).
        ConfigurationError: No period was published by two releases (load more releases),
            every selected figure is missing, the figures mix units, or ``show`` is neither
            ``"change"`` nor ``"level"``.

    Example:
        >>> fig = revisions(frame, jurisdiction="civil", measure="receipts")  # doctest: +SKIP
    """
    import numpy as np
    import pandas as pd

    if show not in ("change", "level"):
        raise ConfigurationError(f"show={show!r}: use 'change' or 'level'.")
    figure_cls, mdates, ticker = _matplotlib("hmcts_data.plot.revisions")
    _check_frame(frame, "hmcts_data.plot.revisions")
    frame = _decided(frame)
    rows = _select(frame, measure=measure, breakdown=breakdown, publication=publication)
    present = _present(rows["jurisdiction"])
    if jurisdiction not in present:
        raise NotFoundError(f"jurisdiction with {measure!r} in this frame", jurisdiction, present)
    rows = rows[rows["jurisdiction"] == jurisdiction]
    what = f"{measure!r} for {jurisdiction!r}" + (f" ({breakdown})" if breakdown else "")
    unit = _check_one_unit(rows, what)
    starts = rows["period_start"]
    if period is None:
        # Only published figures count: a period every release left blank has no revision.
        published = rows[rows["value"].notna()]
        vintages = published.groupby("period_start")["release"].nunique()
        revised = sorted(vintages[vintages > 1].index)
        if not revised:
            releases = _present(rows["release"])
            if published.empty:
                raise ConfigurationError(_all_missing(what, releases))
            raise ConfigurationError(
                f"No period of {what} was published by more than one release (releases in the "
                f"frame: {', '.join(releases)}). Load several consecutive releases to see "
                "revisions, or name period= to draw one anyway."
            )
        wanted = revised[-_DEFAULT_PERIODS:]
    else:
        items: list[Period] = (
            [period] if isinstance(period, str | date | datetime) else list(period)
        )
        wanted = []
        known = sorted({ts.strftime("%Y-%m") for ts in starts})
        for item in items:
            start = _period_start(item)
            if not bool((starts == start).any()):
                raise NotFoundError(
                    f"period of {what} in this frame", start.strftime("%Y-%m"), known
                )
            wanted.append(start)
    rows = rows[starts.isin(wanted)]
    if not bool(rows["value"].notna().any()):
        # An empty chart would look like "no revisions"; say the figures are not published.
        raise ConfigurationError(_all_missing(what, _present(rows["release"])))

    fig, axes = _new_axes(ax, figure_cls)
    releases = sorted({str(r) for r in rows["release"]})
    colours = _colours(len(wanted))
    lines = [rows[rows["period_start"] == start].sort_values("release") for start in sorted(wanted)]
    ys = [line["value"].astype("float64").to_numpy() for line in lines]
    change_unit = unit
    if show == "change":
        ys, change_unit = _changes(ys, unit)
        # A zero line across the axes (a collection, so get_lines() holds only the figures).
        axes.hlines(
            0.0, 0.0, 1.0, transform=axes.get_yaxis_transform(), colors="0.45", linewidth=1.0
        )
    for colour, start, line, y in zip(colours, sorted(wanted), lines, ys, strict=True):
        x = pd.to_datetime(line["release"].astype("string") + "-01").to_numpy()
        axes.plot(
            x,
            y,
            marker="o",
            markersize=4,
            linewidth=1.8,
            color=colour,
            label=f"{start:%b %Y}",
        )
    # The releases that revised this series whole: one line each, at the release.
    revising = _shifts(rows).drop_duplicates("release").sort_values("release")
    _mark_level_shifts(
        axes,
        [
            (pd.Timestamp(f"{release}-01"), size, str(release), "")
            for release, size in zip(
                revising["release"], revising["level_shift"].astype("float64"), strict=True
            )
        ],
    )
    stamps = pd.to_datetime([f"{r}-01" for r in releases])
    if len(releases) <= 12:
        axes.set_xticks(list(stamps.to_pydatetime()), [f"{s:%b %Y}" for s in stamps])
    else:
        locator = mdates.AutoDateLocator(minticks=4, maxticks=10)
        axes.xaxis.set_major_locator(locator)
        axes.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    axes.set_xlabel("Release (latest month of data)")
    if show == "change":
        ylabel = f"{_label('measure', measure)}: change since first published ({change_unit})"
        _style(axes, ticker, change_unit, ylabel=ylabel, legend_title="Figure for")
        axes.yaxis.set_major_formatter(_change_formatter(ticker, change_unit))
        low, high = axes.get_ylim()
        reach = max(abs(low), abs(high), 0.5 if change_unit == "%" else 1.0)
        axes.set_ylim(-reach, reach)  # symmetric about zero: up and down revisions compare
    else:
        _style(axes, ticker, unit, ylabel=_axis_label(measure, unit), legend_title="Figure for")
        if all(bool((y[~np.isnan(y)] >= 0).all()) for y in ys):
            axes.set_ylim(bottom=0.0)
    main = (
        f"Revisions: {_label('measure', measure)}"
        + (f" ({breakdown})" if breakdown else "")
        + f", {_label('jurisdiction', jurisdiction)}"
    )
    note = _releases_note(releases)
    _titles(axes, title if title is not None else main, _credit(rows), note)
    return fig


def _all_missing(what: str, releases: list[str]) -> str:
    return (
        f"Every figure of {what} in this selection is missing (published as a marker, see the "
        f"'marker' column; releases: {', '.join(releases)}), so there is nothing to draw. "
        "Choose another jurisdiction, measure or period."
    )


def _changes(ys: list[Any], unit: str) -> tuple[list[Any], str]:
    """Each line as its change since the first release that published a value.

    Relative (percent) for counts and other levels; percentage points for figures that are
    percentages; in the figures' unit when a first value is zero (no relative change exists).
    """
    import numpy as np

    firsts = [y[~np.isnan(y)][0] if (~np.isnan(y)).any() else np.nan for y in ys]
    if unit == "percent":
        return [y - first for y, first in zip(ys, firsts, strict=True)], "percentage points"
    if any(first == 0 for first in firsts):
        return [y - first for y, first in zip(ys, firsts, strict=True)], unit
    return [(y / first - 1.0) * 100.0 for y, first in zip(ys, firsts, strict=True)], "%"


def _change_formatter(ticker: Any, change_unit: str) -> Any:
    suffix = {"%": "%", "percentage points": " pp"}.get(change_unit, "")
    spec = "{:+,.4g}" if not suffix else "{:+.2g}"

    def fmt(x: float, _pos: int | None = None) -> str:
        return f"0{suffix}" if abs(x) < 1e-9 else spec.format(x) + suffix

    return ticker.FuncFormatter(fmt)


def _colours(n: int) -> list[tuple[float, float, float, float]]:
    """Older periods lighter, newer darker: a sequential ramp reads as time."""
    from matplotlib import colormaps

    cmap = colormaps["viridis"]
    if n == 1:
        return [cmap(0.35)]
    return [cmap(0.85 - 0.75 * i / (n - 1)) for i in range(n)]


def save(fig: Figure, path: str | os.PathLike[str], *, dpi: int = 150) -> Path:
    """Save a figure as PNG, SVG or PDF, chosen by the suffix, atomically.

    Args:
        fig: The figure (from :func:`trend`, :func:`revisions` or your own).
        path: Where to write (``.png``, ``.svg`` or ``.pdf``); parent directories are created.
        dpi: Resolution for PNG.

    Returns:
        The path written.

    Raises:
        ConfigurationError: The suffix is not one of :data:`SAVE_FORMATS`.
        MissingDependencyError: matplotlib is not installed.

    Example:
        >>> save(fig, "charts/outstanding.svg")  # doctest: +SKIP
        PosixPath('charts/outstanding.svg')
    """
    require("matplotlib", extra="plot", feature="hmcts_data.plot.save")
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in SAVE_FORMATS:
        raise ConfigurationError(
            f"Cannot save a chart as {str(target)!r}: use a {', '.join(SAVE_FORMATS)} suffix."
        )
    with atomic_path(target) as tmp:
        # bbox_inches="tight" keeps the outside legend when the caller's figure has no layout.
        fig.savefig(tmp, format=suffix[1:], dpi=dpi, bbox_inches="tight")
    return target
