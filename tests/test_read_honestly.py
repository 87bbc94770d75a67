"""Reading honestly: a ``release=`` the file contradicts is refused; series come out in period
order within each series, across layout eras (synthetic files, and the real samples when
present)."""

from __future__ import annotations

import warnings
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

import hmcts_data
from hmcts_data import ConfigurationError, ParseError
from hmcts_data.testing._monthly_files import monthly_csv
from hmcts_data.testing._table_files import publication_csv


def test_release_that_contradicts_the_file_is_refused() -> None:
    made = monthly_csv("A", date(2019, 4, 1), 3)
    with pytest.raises(ConfigurationError, match=r"2021-04.*2019-04") as info:
        hmcts_data.read("monthly", made.data, release="2021-04")
    assert "release" in str(info.value)


def test_release_that_agrees_with_the_file_labels_every_row() -> None:
    made = monthly_csv("D", date(2025, 4, 1), 5)
    frame = hmcts_data.read("monthly", made.data, release="2025-04")
    assert set(frame["release"]) == {"2025-04"}
    # One month off either way is still a contradiction, not a rounding matter.
    for wrong in ("2025-03", "2025-05"):
        with pytest.raises(ConfigurationError):
            hmcts_data.read("monthly", made.data, release=wrong)


def test_release_check_for_weekly_files_accepts_either_month_of_a_straddling_week() -> None:
    data = publication_csv("weekly-covid")
    frame = hmcts_data.read("weekly-covid", data)
    newest = frame["period_end"].max()
    start = frame.loc[frame["period_end"] == newest, "period_start"].min()
    ok = {f"{newest:%Y-%m}", f"{start:%Y-%m}"}
    for release in ok:
        assert set(hmcts_data.read("weekly-covid", data, release=release)["release"]) == {release}
    with pytest.raises(ConfigurationError, match="contradicts"):
        hmcts_data.read("weekly-covid", data, release="2021-06")


def _assert_period_order(frame: pd.DataFrame) -> int:
    """Every series' rows are in strictly increasing period order; returns the series count."""
    known = frame["jurisdiction"].notna() & frame["measure"].notna()
    label = frame["source_label"].astype("string").str.strip().where(~known, "")
    keys = ["jurisdiction", "measure", "breakdown", "unit"]
    work = frame.assign(_label=label)
    count = 0
    for _, group in work.groupby([*keys, "_label"], observed=True, dropna=False, sort=False):
        starts = group["period_start"].tolist()
        assert starts == sorted(starts), group[["source_label", "period_start"]].head()
        assert group["period_start"].is_unique
        # The series' rows are contiguous: nothing of another series in between.
        assert group.index.max() - group.index.min() + 1 == len(group)
        count += 1
    return count


def test_series_across_eras_is_in_period_order() -> None:
    # Era D first (labels sort before era A's capitals would by accident of the alphabet),
    # then A and B: three wordings of the same figures, out of order on purpose.
    files = [
        monthly_csv("D", date(2025, 4, 1), 1),
        monthly_csv("A", date(2019, 4, 1), 2),
        monthly_csv("B", date(2021, 4, 1), 3),
    ]
    stacked = pd.concat([hmcts_data.read("monthly", f.data) for f in files], ignore_index=True)
    civil = hmcts_data.series(jurisdiction="civil", measure="receipts", frame=stacked)
    civil = civil[civil["breakdown"] == ""]
    labels = civil["source_label"].astype(str).str.strip().unique().tolist()
    assert len(labels) >= 2, labels  # the series really does span wordings
    starts = civil["period_start"].tolist()
    assert starts == sorted(starts)
    assert civil["period_start"].iloc[-1] == pd.Timestamp(2025, 4, 1)
    assert _assert_period_order(hmcts_data.series(frame=stacked)) > 20


_REAL = (
    "HMCTS_MI_output_accessible__Apr2024-Apr2025.csv",
    "HMCTS_raw_data_for_Apr18_to_Apr19.csv",
    "HMCTS_Management_Information_April_2021_to_April_2022.xlsx",
    "20210601_HMCTS_raw_data_for_Apr20_to_Apr21.csv",
)


def test_series_of_the_real_samples_is_in_period_order(real_samples: Path) -> None:
    stacked = pd.concat(
        [hmcts_data.read("monthly", real_samples / name) for name in _REAL], ignore_index=True
    )
    latest = hmcts_data.series(frame=stacked)
    assert _assert_period_order(latest) > 20
    et = hmcts_data.series(jurisdiction="employment_tribunal", measure="receipts", frame=stacked)
    et = et[et["breakdown"] == ""]
    assert et["source_label"].astype(str).str.strip().nunique() >= 2
    assert et["period_start"].is_monotonic_increasing
    assert et["period_start"].iloc[-1] == pd.Timestamp(2025, 4, 1)
    assert et["period_start"].iloc[0] == pd.Timestamp(2018, 4, 1)


def test_real_sample_with_a_contradicting_release_is_refused(real_samples: Path) -> None:
    path = real_samples / "HMCTS_raw_data_for_Apr18_to_Apr19.csv"
    with pytest.raises(ConfigurationError, match="2019-04"):
        hmcts_data.read("monthly", path, release="2021-04")
    assert len(hmcts_data.read("monthly", path, release="2019-04")) == 390


_OTHERS = ("weekly-covid", "remote-hearings", "reformed-services", "ad-hoc")


@pytest.mark.parametrize("publication", _OTHERS)
@pytest.mark.parametrize("era", ["A", "B", "D"])
def test_monthly_file_read_as_another_publication_is_refused(publication: str, era: str) -> None:
    made = monthly_csv(era, date(2021, 4, 1) if era == "B" else date(2025, 4, 1), 2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the unknown-label warning may come first
        with pytest.raises(ParseError, match="looks like a file of the monthly publication"):
            hmcts_data.read(publication, made.data)


@pytest.mark.parametrize("publication", _OTHERS)
def test_each_publications_own_file_still_reads(publication: str) -> None:
    frame = hmcts_data.read(publication, publication_csv(publication))
    assert len(frame) > 0


@pytest.mark.parametrize("publication", _OTHERS)
def test_another_publications_file_read_as_monthly_names_it(publication: str) -> None:
    with pytest.raises(ParseError, match=f"looks like a file of the .*{publication}"):
        hmcts_data.read("monthly", publication_csv(publication))


@pytest.mark.parametrize(
    ("source", "requested"),
    [
        ("ad-hoc", "weekly-covid"),  # days: not a weekly publication's periods
        ("reformed-services", "remote-hearings"),  # quarters
        ("remote-hearings", "reformed-services"),  # weeks
    ],
)
def test_periods_that_fit_another_publication_are_refused(source: str, requested: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(ParseError, match=f"looks like a file of the .*{source}") as info:
            hmcts_data.read(requested, publication_csv(source))
    assert f"hmcts_data.read({source!r}" in str(info.value)


@pytest.mark.parametrize(
    ("source", "requested"),
    [
        ("remote-hearings", "weekly-covid"),  # hearing modes: weekly COVID did not report them
        ("weekly-covid", "remote-hearings"),  # receipts, disposals, outstanding: no modes
    ],
)
def test_weekly_covid_and_remote_hearings_are_told_apart(source: str, requested: str) -> None:
    # Both are weekly: the periods fit either, so only what they report tells them apart.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(ParseError, match=f"looks like a file of the {source}") as info:
            hmcts_data.read(requested, publication_csv(source))
    assert "none of its figures is of what" in str(info.value)
    assert f"hmcts_data.read({source!r}" in str(info.value)


def test_a_file_without_any_signature_is_read_as_asked() -> None:
    # Weekly hearing counts without modes: remote hearings' signature is missing, but nothing
    # says it is another publication's file (weekly COVID's signature is missing too).
    data = b"Week ending,Crown Court hearings,Civil hearings\n12/04/2020,5,6\n19/04/2020,7,8\n"
    frame = hmcts_data.read("remote-hearings", data)
    assert frame.measure.astype(str).tolist() == ["hearings"] * 4


def test_signature_facts_are_validated(monkeypatch: pytest.MonkeyPatch) -> None:
    import dataclasses

    from hmcts_data import _registry
    from hmcts_data.tables import _fingerprint

    assert _fingerprint.fingerprints()["remote-hearings"].breakdowns
    real = _registry.registry()
    entry = real.publication["remote-hearings"]
    assert entry.fingerprint is not None
    broken = dataclasses.replace(
        entry, fingerprint=dataclasses.replace(entry.fingerprint, breakdowns=("hologram",))
    )
    changed = dataclasses.replace(real, publication={**real.publication, entry.id: broken})
    monkeypatch.setattr(_fingerprint, "registry", lambda: changed)
    _fingerprint.fingerprints.cache_clear()
    try:
        with pytest.raises(ParseError, match=r"remote-hearings\.fingerprint\] breakdowns"):
            _fingerprint.fingerprints()
    finally:
        _fingerprint.fingerprints.cache_clear()


def test_plausible_unseen_layout_of_the_requested_publication_is_not_refused() -> None:
    # Weekly figures with labels no crosswalk knows: a weekly-covid layout never seen. It fits
    # the weekly-covid fingerprint, so it reads (with the unknown-label warning), not refused.
    data = b"Week commencing,Widgets polished\n02/03/2020,5\n09/03/2020,6\n"
    with pytest.warns(UserWarning, match="Widgets polished"):
        frame = hmcts_data.read("weekly-covid", data)
    assert frame["value"].tolist() == [5.0, 6.0]


def test_real_sample_read_as_weekly_covid_is_refused(real_samples: Path) -> None:
    path = real_samples / "HMCTS_MI_output_accessible__Apr2024-Apr2025.csv"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(ParseError, match="monthly publication"):
            hmcts_data.read("weekly-covid", path)


def test_fingerprints_cover_every_publication() -> None:
    from hmcts_data._registry import registry
    from hmcts_data.tables._fingerprint import fingerprints

    prints = fingerprints()
    assert list(prints) == [p.id for p in registry().publication.values() if p.kind == "data"]
    assert prints["monthly"].evidence == "observed"
    assert all(p.periods for p in prints.values())
