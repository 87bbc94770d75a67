from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

import hmcts_data
from hmcts_data import (
    ConfigurationError,
    MissingDependencyError,
    NotFoundError,
    ParseError,
    plot,
)
from hmcts_data.tables._schema import vocabulary
from hmcts_data.testing import synthetic_tidy

RELEASES = ["2024-01", "2024-02", "2024-03", "2024-04"]


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return synthetic_tidy(RELEASES)


def _drawn(fig: Figure) -> Any:
    # Figures are built without pyplot; measuring text needs a real (Agg) canvas.
    canvas = FigureCanvasAgg(fig)
    canvas.draw()  # type: ignore[no-untyped-call]
    return canvas.get_renderer()  # type: ignore[no-untyped-call]


def _assert_legend_outside(fig: Figure) -> None:
    renderer = _drawn(fig)
    ax = fig.axes[0]
    legend = ax.get_legend()
    assert legend is not None
    box = legend.get_window_extent(renderer)
    axes_box = ax.get_window_extent(renderer)
    assert not box.overlaps(axes_box), "legend covers the plotting area"
    title = ax.title.get_window_extent(renderer)
    (note,) = (text.get_window_extent(renderer) for text in ax.texts)
    assert not title.overlaps(note), "title and note overlap"
    assert not note.overlaps(axes_box), "note sits on the plotting area"
    # ... and it is not cut off by the figure edge.
    figure_box = fig.bbox
    assert figure_box.x0 <= box.x0
    assert box.x1 <= figure_box.x1
    assert figure_box.y0 <= box.y0
    assert box.y1 <= figure_box.y1


def _note(fig: Figure) -> str:
    return " ".join(text.get_text() for text in fig.axes[0].texts)


def _tick_labels(fig: Figure) -> list[str]:
    _drawn(fig)
    return [t.get_text() for t in fig.axes[0].get_xticklabels() if t.get_text()]


def test_trend_one_labelled_line_per_jurisdiction(frame: pd.DataFrame, tmp_path: Path) -> None:
    fig = plot.trend(frame, "outstanding")
    ax = fig.axes[0]
    expected = sorted(frame.loc[frame["measure"] == "outstanding", "jurisdiction"].unique())
    labels = {line.get_label() for line in ax.get_lines()}
    assert labels == {vocabulary().jurisdiction[j].label for j in expected}
    assert len(ax.get_lines()) == len(expected)
    assert ax.get_ylabel().endswith("cases")
    assert ax.get_xlabel() == "Month"
    assert "SYNTHETIC" in _note(fig)
    assert ax.get_title(loc="left") == "Outstanding (open caseload)"
    ticks = _tick_labels(fig)
    assert len(ticks) >= 4
    assert all(len(t) <= 8 for t in ticks), f"date labels too long to read: {ticks}"
    _assert_legend_outside(fig)
    plot.save(fig, tmp_path / "trend_outstanding.png")


def test_trend_uses_each_periods_latest_vintage(frame: pd.DataFrame) -> None:
    fig = plot.trend(frame, "receipts", jurisdictions=["civil"])
    (line,) = fig.axes[0].get_lines()
    x = pd.to_datetime(np.asarray(line.get_xdata()))
    y = np.asarray(line.get_ydata(), dtype=float)
    rows = frame[
        (frame["jurisdiction"] == "civil")
        & (frame["measure"] == "receipts")
        & (frame["breakdown"] == "")
    ]
    assert len(x) == rows["period_start"].nunique()
    for start, value in zip(x, y, strict=True):
        vintages = rows[rows["period_start"] == start].sort_values("release")
        assert value == float(vintages["value"].iloc[-1])
    # The synthetic frame revises recent months, so this is not trivially the first vintage.
    revised = rows.groupby("period_start")["value"].nunique()
    assert (revised > 1).any()


def test_trend_needs_only_the_chart_columns(frame: pd.DataFrame) -> None:
    columns = ["publication", "release", "period_start", "period_end", "jurisdiction"]
    columns += ["measure", "breakdown", "unit", "value"]
    full = plot.trend(frame, "receipts", jurisdictions=["civil", "probate"])
    slim = plot.trend(frame[columns], "receipts", jurisdictions=["civil", "probate"])
    for a, b in zip(full.axes[0].get_lines(), slim.axes[0].get_lines(), strict=True):
        assert np.array_equal(
            np.asarray(a.get_ydata(), dtype=float),
            np.asarray(b.get_ydata(), dtype=float),
            equal_nan=True,
        )


def test_trend_refuses_a_release_loaded_twice_with_different_values(
    frame: pd.DataFrame,
) -> None:
    again = frame[frame["release"] == RELEASES[-1]].copy()
    again["value"] = again["value"] + 1
    again["source_file"] = "a-different-copy.csv"
    with pytest.raises(ParseError, match="loaded twice"):
        plot.trend(pd.concat([frame, again], ignore_index=True), "receipts")


def test_trend_missing_figures_are_gaps(frame: pd.DataFrame) -> None:
    fig = plot.trend(frame, "outstanding", jurisdictions=["crown_court"])
    (line,) = fig.axes[0].get_lines()
    y = np.asarray(line.get_ydata(), dtype=float)
    latest = frame[
        (frame["release"] == RELEASES[-1])
        & (frame["jurisdiction"] == "crown_court")
        & (frame["measure"] == "outstanding")
    ].sort_values("period_start")
    missing = latest["value"].isna().to_numpy()
    assert missing.any()
    assert np.array_equal(np.isnan(y[-len(latest) :]), missing)


def test_trend_jurisdictions_choose_and_order_lines(frame: pd.DataFrame) -> None:
    fig = plot.trend(frame, "receipts", jurisdictions=["probate", "civil"])
    assert [line.get_label() for line in fig.axes[0].get_lines()] == [
        "Probate",
        "Civil (county court)",
    ]
    fig = plot.trend(frame, "receipts", breakdown="digital")
    assert [line.get_label() for line in fig.axes[0].get_lines()] == ["Probate"]
    assert "digital" in fig.axes[0].get_title(loc="left")


def test_trend_refuses_mixed_units(frame: pd.DataFrame, tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="mixes units") as info:
        plot.trend(frame, "timeliness")
    message = str(info.value)
    assert "days: magistrates_courts" in message
    assert "weeks:" in message
    assert "jurisdictions=" in message
    fig = plot.trend(frame, "timeliness", jurisdictions=["family_public_law", "probate"])
    assert fig.axes[0].get_ylabel() == "Timeliness (weeks)"
    _assert_legend_outside(fig)
    plot.save(fig, tmp_path / "trend_timeliness.png")


def test_trend_unknown_names_suggest(frame: pd.DataFrame) -> None:
    with pytest.raises(NotFoundError) as info:
        plot.trend(frame, "reciepts")
    assert info.value.suggestions[0] == "receipts"
    with pytest.raises(NotFoundError) as info:
        plot.trend(frame, "receipts", jurisdictions=["crown"])
    assert "crown_court" in info.value.suggestions
    with pytest.raises(NotFoundError, match="breakdown"):
        plot.trend(frame, "receipts", breakdown="online")
    with pytest.raises(ConfigurationError, match="lacks the columns"):
        plot.trend(frame.drop(columns=["unit"]), "receipts")


def test_trend_refuses_mixed_publications(frame: pd.DataFrame) -> None:
    other = frame.copy()
    other["publication"] = other["publication"].cat.rename_categories(
        {"monthly": "monthly"}
    )  # same dtype; only the values change below
    other.loc[:, "publication"] = "weekly-covid"
    both = pd.concat([frame, other], ignore_index=True)
    with pytest.raises(ConfigurationError, match="several publications"):
        plot.trend(both, "receipts")
    fig = plot.trend(both, "receipts", publication="weekly-covid", jurisdictions=["civil"])
    assert len(fig.axes[0].get_lines()) == 1


def test_trend_draws_into_given_axes(frame: pd.DataFrame, tmp_path: Path) -> None:
    fig = Figure(figsize=(12, 4.5), layout="constrained")
    left, right = fig.subplots(1, 2)
    returned = plot.trend(frame, "receipts", jurisdictions=["civil"], ax=right, title="Mine")
    assert returned is fig
    assert not left.get_lines()
    assert right.get_title(loc="left") == "Mine"
    plot.trend(frame, "disposals", jurisdictions=["civil"], ax=left, title="Civil disposals")
    # In narrow side-by-side axes, no title, note or legend may overlap another.
    renderer = _drawn(fig)
    boxes = []
    for axes in (left, right):
        boxes += [axes.title.get_window_extent(renderer), axes.texts[0].get_window_extent(renderer)]
        legend = axes.get_legend()
        assert legend is not None
        boxes.append(legend.get_window_extent(renderer))
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not a.overlaps(b)
    plot.save(fig, tmp_path / "side_by_side.png")


def test_revisions_one_line_per_period_across_releases(frame: pd.DataFrame, tmp_path: Path) -> None:
    fig = plot.revisions(frame, jurisdiction="civil", measure="receipts", show="level")
    ax = fig.axes[0]
    rows = frame[
        (frame["jurisdiction"] == "civil")
        & (frame["measure"] == "receipts")
        & (frame["breakdown"] == "")
    ]
    vintages = rows.groupby("period_start")["release"].nunique()
    expected = sorted(vintages[vintages > 1].index)[-6:]
    lines = ax.get_lines()
    assert [line.get_label() for line in lines] == [f"{p:%b %Y}" for p in expected]
    for line, start in zip(lines, expected, strict=True):
        published = rows[rows["period_start"] == start].sort_values("release")
        x = pd.to_datetime(np.asarray(line.get_xdata()))
        assert [f"{d:%Y-%m}" for d in x] == published["release"].tolist()
        assert np.asarray(line.get_ydata(), dtype=float).tolist() == [
            float(v) for v in published["value"]
        ]
    assert ax.get_ylabel() == "Receipts (cases)"
    assert ax.get_ylim()[0] == 0.0  # levels on an axis from zero: a small revision looks small
    assert "Release" in ax.get_xlabel()
    assert _tick_labels(fig) == ["Jan 2024", "Feb 2024", "Mar 2024", "Apr 2024"]
    _assert_legend_outside(fig)
    plot.save(fig, tmp_path / "revisions_civil_receipts.png")


def test_revisions_for_named_periods(frame: pd.DataFrame) -> None:
    fig = plot.revisions(frame, jurisdiction="probate", measure="receipts", period="2024-02")
    (line,) = fig.axes[0].get_lines()
    assert line.get_label() == "Feb 2024"
    assert len(np.asarray(line.get_xdata())) == 3  # published by the Feb, Mar and Apr releases
    fig = plot.revisions(
        frame,
        jurisdiction="probate",
        measure="receipts",
        breakdown="paper",
        period=[pd.Timestamp("2024-01-01"), "2024-03"],
    )
    assert [line.get_label() for line in fig.axes[0].get_lines()] == ["Jan 2024", "Mar 2024"]
    with pytest.raises(NotFoundError, match="2019-01"):
        plot.revisions(frame, jurisdiction="probate", measure="receipts", period="2019-01")
    with pytest.raises(ConfigurationError, match="not a month"):
        plot.revisions(frame, jurisdiction="probate", measure="receipts", period="soon")


def test_revisions_need_two_releases() -> None:
    single = synthetic_tidy(["2024-04"], window=3)
    with pytest.raises(ConfigurationError, match="more than one release"):
        plot.revisions(single, jurisdiction="civil", measure="receipts")
    fig = plot.revisions(single, jurisdiction="civil", measure="receipts", period="2024-04")
    assert len(fig.axes[0].get_lines()) == 1
    with pytest.raises(NotFoundError) as info:
        plot.revisions(single, jurisdiction="civl", measure="receipts")
    assert info.value.suggestions[0] == "civil"


def test_revisions_of_figures_never_published_raise(frame: pd.DataFrame) -> None:
    # A period blank in every release is no revision: never an empty chart.
    blank = frame.copy()
    chosen = (blank["jurisdiction"] == "civil") & (blank["measure"] == "receipts")
    chosen &= blank["breakdown"] == ""
    blank.loc[chosen, "value"] = pd.NA
    blank.loc[chosen, "marker"] = "[x]"
    with pytest.raises(ConfigurationError, match="Every figure of 'receipts' for 'civil'"):
        plot.revisions(blank, jurisdiction="civil", measure="receipts")
    with pytest.raises(ConfigurationError, match="missing"):
        plot.revisions(blank, jurisdiction="civil", measure="receipts", period="2024-02")
    # Periods published by one release only, the rest blank, are not chosen by default.
    partly = frame.copy()
    first = partly["release"] == RELEASES[0]
    partly.loc[chosen & ~first, "value"] = pd.NA
    partly.loc[chosen & ~first, "marker"] = "[x]"
    with pytest.raises(ConfigurationError, match="more than one release"):
        plot.revisions(partly, jurisdiction="civil", measure="receipts")


@pytest.mark.parametrize(("suffix", "magic"), [(".png", b"\x89PNG"), (".svg", b"<svg")])
def test_save_png_and_svg(frame: pd.DataFrame, tmp_path: Path, suffix: str, magic: bytes) -> None:
    fig = plot.trend(frame, "disposals")
    path = plot.save(fig, tmp_path / "charts" / f"disposals{suffix}")
    data = path.read_bytes()
    assert len(data) > 5_000
    assert magic in data[:400]
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temp file left


def test_save_png_is_big_enough_to_read(frame: pd.DataFrame, tmp_path: Path) -> None:
    import matplotlib.image

    path = plot.save(plot.trend(frame, "receipts"), tmp_path / "r.png", dpi=100)
    height, width = matplotlib.image.imread(path).shape[:2]
    assert width >= 800
    assert height >= 400


def test_save_refuses_unknown_suffix(frame: pd.DataFrame, tmp_path: Path) -> None:
    fig = plot.trend(frame, "receipts", jurisdictions=["civil"])
    with pytest.raises(ConfigurationError, match=r"\.png"):
        plot.save(fig, tmp_path / "chart.jpeg")
    assert list(tmp_path.iterdir()) == []


def test_missing_matplotlib_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, frame: pd.DataFrame
) -> None:
    for name in list(sys.modules):
        if name == "matplotlib" or name.startswith("matplotlib."):
            monkeypatch.setitem(sys.modules, name, None)
    with pytest.raises(MissingDependencyError, match=r'pip install "hmcts-data\[plot\]"'):
        plot.trend(frame, "receipts")
    with pytest.raises(ImportError):
        plot.revisions(frame, jurisdiction="civil", measure="receipts")


def test_drawing_leaves_matplotlib_global_state_alone(tmp_path: Path) -> None:
    # No MPLBACKEND and no display: the backend stays unresolved unless something touches
    # pyplot. Raw dict reads, because reading rcParams["backend"] would itself resolve it.
    code = textwrap.dedent(
        f"""
        import sys
        import matplotlib
        def raw():
            return {{k: dict.__getitem__(matplotlib.rcParams, k) for k in matplotlib.rcParams}}
        before = raw()
        from hmcts_data import plot
        from hmcts_data.testing import synthetic_tidy
        fig = plot.trend(synthetic_tidy(), "receipts")
        fig = plot.revisions(synthetic_tidy(), jurisdiction="civil", measure="receipts")
        plot.save(fig, {str(tmp_path / "x.png")!r})
        assert "matplotlib.pyplot" not in sys.modules, "pyplot imported"
        assert raw() == before, "rcParams changed"
        print("ok")
        """
    )
    env = {k: v for k, v in os.environ.items() if k not in {"MPLBACKEND", "DISPLAY"}}
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
        env=env,
    )
    assert out.stdout.strip() == "ok", out.stderr
    assert (tmp_path / "x.png").stat().st_size > 5_000


# --- Charts that do not mislead -----------------------------------------------------------


def _credit_texts(fig: Figure) -> list[str]:
    from matplotlib.text import Text

    return [
        t.get_text()
        for t in fig.findobj(Text)
        if "Source:" in t.get_text() or "SYNTHETIC" in t.get_text()
    ]


def _real(frame: pd.DataFrame) -> pd.DataFrame:
    """The synthetic frame relabelled as if read from a published file (not SYNTHETIC)."""
    name = pd.Series("HMCTS_MI_output_accessible.csv", index=frame.index, dtype="string")
    return frame.assign(source_file=name)


def test_trend_breaks_the_line_where_months_are_missing(frame: pd.DataFrame) -> None:
    # Two files a year apart: no figure for the months between, so no line across them.
    rows = frame[(frame["jurisdiction"] == "civil") & (frame["measure"] == "receipts")]
    months = sorted(rows["period_start"].unique())
    dropped = set(months[3:6])
    holed = frame[~frame["period_start"].isin(dropped)]
    fig = plot.trend(holed, "receipts", jurisdictions=["civil"])
    (line,) = fig.axes[0].get_lines()
    x = pd.to_datetime(np.asarray(line.get_xdata()))
    y = np.asarray(line.get_ydata(), dtype=float)
    gap = [i for i, v in enumerate(y) if np.isnan(v)]
    # Exactly one NaN point, at the first missing month, between the last month before the
    # gap and the first one after it: matplotlib draws no segment across a NaN.
    assert [x[i] for i in gap] == [pd.Timestamp(months[3])]
    (i,) = gap
    assert x[i - 1] == pd.Timestamp(months[2])
    assert x[i + 1] == pd.Timestamp(months[6])
    # Every drawn segment joins consecutive months.
    for a, b, va, vb in zip(x[:-1], x[1:], y[:-1], y[1:], strict=True):
        if not (np.isnan(va) or np.isnan(vb)):
            assert (b.year * 12 + b.month) - (a.year * 12 + a.month) == 1
    # No gap: no NaN is added.
    fig = plot.trend(frame, "receipts", jurisdictions=["civil"])
    (line,) = fig.axes[0].get_lines()
    assert len(np.asarray(line.get_xdata())) == len(months)


def test_every_chart_credits_its_source_and_releases(frame: pd.DataFrame) -> None:
    real = _real(frame)
    trend = plot.trend(real, "receipts")
    (credit,) = _credit_texts(trend)
    assert credit.startswith("Source: HMCTS management information, OGL v3.0")
    assert "2024-01 to 2024-04" in credit
    revisions = plot.revisions(real, jurisdiction="civil", measure="receipts")
    (credit,) = _credit_texts(revisions)
    assert "Source: HMCTS management information, OGL v3.0" in credit
    assert "4 releases, 2024-01 to 2024-04" in credit
    # SYNTHETIC figures are never credited to HMCTS.
    (credit,) = _credit_texts(plot.trend(frame, "receipts"))
    assert "SYNTHETIC" in credit
    assert "HMCTS management information" not in credit


def test_releases_with_gaps_are_listed_never_spanned() -> None:
    # Files years apart (as the embedded releases are): a range would claim the releases
    # between them; the caption lists those drawn instead. Consecutive ones stay a range.
    gapped = _real(synthetic_tidy(["2019-04", "2021-04", "2022-04", "2025-04"]))
    (credit,) = _credit_texts(plot.trend(gapped, "receipts"))
    assert "4 releases: 2019-04, 2021-04, 2022-04, 2025-04" in credit
    assert " to " not in credit
    # Only 2021-04 and 2022-04 share a month: those two are drawn, a year apart.
    (credit,) = _credit_texts(plot.revisions(gapped, jurisdiction="civil", measure="receipts"))
    assert credit.endswith("\n2 releases: 2021-04, 2022-04")
    many = [f"{year}-04" for year in range(2017, 2025)]  # 8 releases a year apart
    (credit,) = _credit_texts(plot.trend(_real(synthetic_tidy(many)), "receipts"))
    assert "8 releases between 2017-04 and 2024-04" in credit


def test_revisions_show_the_change_since_first_published(frame: pd.DataFrame) -> None:
    fig = plot.revisions(frame, jurisdiction="civil", measure="receipts")
    ax = fig.axes[0]
    rows = frame[
        (frame["jurisdiction"] == "civil")
        & (frame["measure"] == "receipts")
        & (frame["breakdown"] == "")
    ]
    assert "change since first published (%)" in ax.get_ylabel()
    low, high = ax.get_ylim()
    assert low < 0 < high
    assert low == pytest.approx(-high)  # symmetric: up and down revisions compare
    for line in ax.get_lines():
        start = pd.Timestamp(pd.to_datetime(str(line.get_label()), format="%b %Y"))
        published = rows[rows["period_start"] == start].sort_values("release")["value"]
        values = published.astype(float).to_numpy()
        expected = (values / values[0] - 1.0) * 100.0
        assert np.asarray(line.get_ydata(), dtype=float) == pytest.approx(expected)
        assert np.asarray(line.get_ydata(), dtype=float)[0] == 0.0
    with pytest.raises(ConfigurationError, match="show="):
        plot.revisions(frame, jurisdiction="civil", measure="receipts", show="steep")  # type: ignore[arg-type]


def test_revisions_of_percentages_are_in_percentage_points(frame: pd.DataFrame) -> None:
    # A share published as a percentage: its revisions are differences, not ratios of ratios.
    unit = pd.Categorical(["percent"] * len(frame), categories=frame["unit"].cat.categories)
    shares = frame.assign(unit=unit)
    fig = plot.revisions(shares, jurisdiction="civil", measure="receipts")
    ax = fig.axes[0]
    assert ax.get_ylabel().endswith("(percentage points)")
    rows = shares[
        (shares["jurisdiction"] == "civil")
        & (shares["measure"] == "receipts")
        & (shares["breakdown"] == "")
    ]
    line = ax.get_lines()[-1]
    start = pd.Timestamp(pd.to_datetime(str(line.get_label()), format="%b %Y"))
    values = rows[rows["period_start"] == start].sort_values("release")["value"].astype(float)
    assert np.asarray(line.get_ydata(), dtype=float) == pytest.approx(
        values.to_numpy() - values.iloc[0]
    )


def _legend(fig: Figure) -> list[str]:
    legend = fig.axes[0].get_legend()
    assert legend is not None
    return [t.get_text() for t in legend.get_texts()]


def _shift_marks(fig: Figure) -> list[Any]:
    return [a for a in fig.axes[0].get_lines() if a.get_gid() == "level_shift"]


def test_a_whole_series_revision_is_marked_in_both_plots() -> None:
    from datetime import date

    from hmcts_data.testing._monthly_files import monthly_releases
    from hmcts_data.testing._reworded import revise_whole_series

    runs = monthly_releases("D", date(2025, 2, 1), 3, seed=11)
    revised = revise_whole_series(runs[-1].data, "Employment Tribunal", 0.07, 0.21, seed=3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        frames = [hmcts_data.read("monthly", r.data) for r in runs[:-1]]
        frames.append(hmcts_data.read("monthly", revised))
        every = pd.concat(frames, ignore_index=True)
        fig = plot.trend(every, "receipts", jurisdictions=["employment_tribunal", "civil"])
        moved = plot.revisions(every, jurisdiction="employment_tribunal", measure="receipts")
        still = plot.revisions(every, jurisdiction="civil", measure="receipts")
        series = hmcts_data.series(
            frame=every, jurisdiction="employment_tribunal", measure="receipts", breakdown=""
        )
    first = series.loc[series["level_shift"].notna()]
    assert len(first) == 1
    marks = _shift_marks(fig)
    assert len(marks) == 1  # employment tribunals only: civil was not revised
    x = marks[0].get_xdata()[0]
    assert pd.Timestamp(x) == pd.Timestamp(first["period_start"].iloc[0])
    size = float(first["level_shift"].iloc[0])
    legend = _legend(fig)
    name = vocabulary().jurisdiction["employment_tribunal"].label
    assert f"{name}: whole-series revision by {size:+.1%} (release 2025-04)" in legend
    _drawn(fig)
    marked = _shift_marks(moved)
    assert len(marked) == 1
    assert pd.Timestamp(marked[0].get_xdata()[0]) == pd.Timestamp("2025-04-01")
    assert any("whole-series revision by" in t for t in _legend(moved))
    assert _shift_marks(still) == []
