"""The header interpreter: rewordings it reads, what it refuses, and a reworded release end to end.

Expected keys come from the crosswalk's own record of each series (the reworded fixture maps every
rewording to the era D header it rewords), never from the interpreter's output.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

import hmcts_data
from hmcts_data import SchemaDriftError
from hmcts_data.tables._interpret import interpret_label, words
from hmcts_data.tables._monthly_crosswalk import load_crosswalk
from hmcts_data.tables.monthly import map_headers
from hmcts_data.testing import FakeGovUK, SiteFile, SiteRelease, build_site
from hmcts_data.testing._monthly_files import MonthlyFile, monthly_releases
from hmcts_data.testing._reworded import REWORDED_D, UNREADABLE_D, reword_headers
from hmcts_data.testing._site import MIME_CSV
from tests._e2e import client_for


def _series_of(label: str) -> str:
    match = load_crosswalk().match(["Month", label])[1]
    assert match is not None, label
    return match.series.id


def test_words_even_out_the_noise() -> None:
    assert words("Probate_Total number of receipts (Digital & Paper)5") == words(
        "probate \u2013 total NUMBER of receipt, digital and paper"
    )
    assert words("Employment Tribunals") == words("employment tribunal")
    assert words("Open caseload [note 3]") == words("Open caseload\u00b3") == ("open", "caseload")
    # Section numbers are not footnotes.
    assert "s8" in words("S8 care orders")


@pytest.mark.parametrize(
    ("label", "series"),
    [
        ("Employment Tribunals - cases outstanding", "employment_tribunal.outstanding"),
        ("EMPLOYMENT TRIBUNAL: OPEN CASELOAD", "employment_tribunal.outstanding"),
        (
            "First-tier Tribunal (Immigration & Asylum Chamber) receipts",
            "immigration_asylum.receipts",
        ),
        ("Social Security and Child Support - appeals disposed of", "sscs.disposals"),
        ("Family Court - Public law - outstanding cases", "family_public_law.outstanding"),
        ("Magistrates' courts - receipts", "magistrates_courts.receipts"),
        ("Probate - grants issued (paper)", "probate.grants_issued.paper"),
        (
            "Probate: submission to grant, digital not stopped (in weeks)",
            "probate.submission_to_grant.digital_not_stopped",
        ),
        ("Divorce (no-fault) - joint applications", "divorce.applications.no_fault_joint"),
        ("Divorce - final orders granted (sole)", "divorce.final_orders.sole"),
        ("Probate - open caseload 6 to 12 months old", "probate.outstanding.6_to_12_months"),
    ],
)
def test_rewordings_join_their_series(label: str, series: str) -> None:
    out = map_headers(("Month", label))[1]
    assert out is not None
    assert (out.series, out.mapping) == (series, "inferred")
    assert out.key == load_crosswalk().by_id[series].key


@pytest.mark.parametrize(
    ("label", "why"),
    [
        ("Employment Tribunal receipts (excluding multiples)", "not understood"),
        ("Civil and Family receipts", "several jurisdictions"),
        ("Employment Tribunal receipts", None),  # exact, for contrast
        ("Probate - total open caseload", "no known series"),
        ("Decree Nisi pronounced", "no known series"),  # digital or paper? not said
        ("SSCS average age at disposal (days)", "states days"),
        ("Applications received", "no jurisdiction"),
        ("Caseworker issues petition", "without a unit"),
        ("Employment Tribunal receipts in weeks (%)", "several units"),
    ],
)
def test_unsure_headers_stay_unmapped(label: str, why: str | None) -> None:
    out = map_headers(("Month", label))[1]
    assert out is not None
    if why is None:
        assert out.mapping == "exact"
        return
    assert (out.mapping, out.jurisdiction, out.measure) == (None, None, None)
    assert out.reason is not None
    assert why in out.reason


@pytest.mark.parametrize(
    ("label", "quoted"),
    [
        ("Civil Breaches of contract receipts", "'Breaches', 'contract'"),
        ("Employment Tribunal receipts (excluding multiples)", "'excluding', 'multiples'"),
        ("SSCS_Widgets_receipts", "'Widgets'"),
        ("Family public law hologram5 receipts", "'hologram5'"),
    ],
)
def test_unmapped_reason_quotes_the_words_as_published(label: str, quoted: str) -> None:
    # The matching form ("breache", "multiple") is not a word the user can find in the file.
    out = map_headers(("Month", label))[1]
    assert out is not None
    assert out.reason is not None
    assert out.reason.endswith(f"words not understood: {quoted}")


def test_never_two_columns_of_one_file_on_one_key() -> None:
    out = map_headers(("Month", "Employment Tribunal Receipts", "Employment tribunals - new cases"))
    assert out[1] is not None
    assert out[1].mapping == "exact"
    assert out[2] is not None
    assert out[2].mapping is None
    both = map_headers(("Month", "ET - new cases", "Employment tribunals - cases received"))
    assert [m.mapping for m in both[1:] if m is not None] == [None, None]


def test_a_new_concept_gets_a_key_of_its_own_never_an_existing_one() -> None:
    out = map_headers(("Month", "Civil Claims received", "County Court - disposals (weeks)"))[2]
    assert out is not None
    assert (out.key, out.series, out.mapping, out.unit) == (
        ("civil", "disposals", ""),
        None,
        "inferred",
        "weeks",
    )
    known = {s.key for s in load_crosswalk().series}
    assert out.key not in known


def test_units_stated_in_an_unmapped_label_are_kept() -> None:
    out = map_headers(("Month", "Employment Tribunal teleportations (weeks)"))[1]
    assert out is not None
    assert (out.mapping, out.unit) == (None, "weeks")


def test_no_known_header_is_read_as_another_series() -> None:
    """The interpreter alone, on every header on record: its own series or nothing, never wrong."""
    cw = load_crosswalk()
    read = 0
    for item in cw.series:
        for header in item.headers:
            got = interpret_label(header.label)
            if got.problem is None and got.measure is not None:
                assert (got.jurisdiction, got.measure, got.breakdown) == item.key, header.label
                read += 1
    total = sum(len(s.headers) for s in cw.series)
    assert read >= 0.9 * total


def test_strict_mode_refuses_anything_beyond_the_exact_crosswalk() -> None:
    data = b"Month,Employment Tribunals - cases outstanding\nApr 2025,12\n"
    with pytest.raises(SchemaDriftError, match="Employment Tribunals - cases outstanding"):
        hmcts_data.read("monthly", data, on_unknown="raise")
    with pytest.warns(UserWarning, match="1 interpreted") as caught:
        frame = hmcts_data.read("monthly", data)
    # The series each header was linked to is in the warning's detail (its line stays short).
    (warning,) = [w.message for w in caught if "does not record" in str(w.message)]
    assert re.search(
        r"mapping 'inferred'.*employment_tribunal\.outstanding", getattr(warning, "detail", "")
    )
    assert getattr(warning, "labels", ()) == ("Employment Tribunals - cases outstanding",)
    assert frame["mapping"].tolist() == ["inferred"]
    assert frame["measure"].tolist() == ["outstanding"]


# -- a reworded release, end to end through the fake GOV.UK --------------------------------------


@pytest.fixture(scope="module")
def reworded_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, object]]:
    runs = monthly_releases("D", date(2025, 1, 1), 4, seed=5)
    by_month = {r.last_month: r for r in runs}

    def files(release: SiteRelease) -> list[SiteFile] | None:
        if release.publication != "monthly" or release.latest_month is None:
            return None
        run = by_month.get(release.latest_month)
        if run is None:
            return None
        body = reword_headers(run.data) if run is runs[-1] else run.data
        return [SiteFile(f"SYNTHETIC_{run.filename}", body, MIME_CSV, "SYNTHETIC MI (CSV)")]

    with FakeGovUK() as fake:
        build_site(fake, monthly=4, last_month=date(2025, 4, 1), files=files)
        yield tmp_path_factory.mktemp("reworded-cache"), (fake, runs)


def test_a_reworded_release_reads_with_defaults_and_its_series_continue(
    reworded_site: tuple[Path, tuple[FakeGovUK, list[MonthlyFile]]],
) -> None:
    cache, (fake, runs) = reworded_site
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with client_for(fake, cache) as client:
            every = hmcts_data.load("monthly", "all", client=client)
    drift = [w for w in caught if "does not record" in str(w.message)]
    assert len(drift) == 1  # once, for the one reworded file
    newest = every[every["release"] == "2025-04"]
    assert len(newest) == len(runs[-1].expected)
    for old, new in REWORDED_D.items():
        rows = newest[newest["source_label"] == new]
        assert len(rows) == 13, new
        assert set(rows["mapping"]) == {"inferred"}, new
        key = load_crosswalk().by_id[_series_of(old)].key
        assert set(zip(rows["jurisdiction"], rows["measure"], rows["breakdown"], strict=True)) == {
            key
        }, new
    # The labels the grammar cannot tell apart are linked by their figures (the releases before
    # it are held), each to its own series.
    linked = newest[newest["source_label"].isin(list(UNREADABLE_D.values()))]
    assert set(linked["evidence"]) == {"figures"}
    assert set(linked["breakdown"]) == {"total_of_status_split", "total_of_age_bands"}
    assert set(
        newest.loc[
            ~newest["source_label"].isin([*REWORDED_D.values(), *UNREADABLE_D.values()]), "mapping"
        ]
    ) == {"exact"}

    # The most used series run on across the rewording, newest values from the reworded file.
    expected = {(c.period_start, c.label): c.value for c in runs[-1].expected}
    for jurisdiction, old_label in [
        ("employment_tribunal", "Employment Tribunal Receipts"),
        ("sscs", "Social Security and Child Support Open Caseload"),
    ]:
        measure = load_crosswalk().by_id[_series_of(old_label)].measure
        one = hmcts_data.series(frame=every, jurisdiction=jurisdiction, measure=measure)
        one = one[one["breakdown"] == ""]
        months = pd.to_datetime(one["period_start"]).dt.date
        assert months.min() == date(2024, 1, 1)
        assert months.max() == date(2025, 4, 1)
        assert months.is_unique
        latest = one[one["release"] == "2025-04"]
        assert len(latest) == 13
        for start, value in zip(latest["period_start"], latest["value"], strict=True):
            assert value == expected[(pd.Timestamp(start).date(), old_label)]


# -- the same vocabulary for the other publications ----------------------------------------------


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        (["First-tier Tribunal (Immigration & Asylum Chamber)", "Video"], "immigration_asylum"),
        (["Employment Tribunals", "Audio hearings"], "employment_tribunal"),
        (["The County Court \u2013 face-to-face"], "civil"),
        (["First-tier Tribunal (Social Security and Child Support)", "Paper"], "sscs"),
    ],
)
def test_other_publications_share_the_jurisdiction_vocabulary(
    parts: list[str], expected: str
) -> None:
    from hmcts_data.tables._crosswalk import load_crosswalk as publication_crosswalk

    meaning = publication_crosswalk("remote-hearings").classify(parts, None)
    assert (meaning.jurisdiction, meaning.measure, meaning.mapping) == (
        expected,
        "hearings",
        "inferred",
    )
    assert meaning.breakdown in {"video", "audio", "in_person", "paper"}


def test_monthly_short_names_are_not_words_elsewhere() -> None:
    from hmcts_data.tables._crosswalk import load_crosswalk as publication_crosswalk

    meaning = publication_crosswalk("ad-hoc").classify(
        ["Cases received"], "Magistrates' courts activity after the public disorder"
    )
    assert (meaning.jurisdiction, meaning.measure) == ("magistrates_courts", "receipts")


def test_the_real_era_d_file_reworded_keeps_every_figure_on_its_series(real_samples: Path) -> None:
    """Optional: the real 2024-25 file with most headers reworded maps like the original."""
    path = real_samples / "HMCTS_MI_output_accessible__Apr2024-Apr2025.csv"
    if not path.is_file():
        pytest.skip(f"{path.name} not in the real samples")
    original = hmcts_data.read("monthly", path)
    with pytest.warns(UserWarning, match="does not record"):
        reworded = hmcts_data.read("monthly", reword_headers(path.read_bytes()))
    key = ["jurisdiction", "measure", "breakdown", "unit", "period_start"]
    inferred = reworded[reworded["mapping"] == "inferred"]
    assert set(inferred["source_label"]) == set(REWORDED_D.values())
    joined = inferred.merge(original, on=key, suffixes=("_new", "_old"), validate="one_to_one")
    assert len(joined) == len(inferred)
    assert joined["value_new"].equals(joined["value_old"])
    assert (joined["source_label_old"].map(dict(REWORDED_D)) == joined["source_label_new"]).all()


@pytest.mark.parametrize(
    ("label", "key"),
    [
        # Connectives and fillers.
        (
            "Probate - average weeks from submission to grant issued (digital applications "
            "that were not stopped)",
            ("probate", "submission_to_grant", "digital_not_stopped"),
        ),
        (
            "Probate - Documents Upload to Grant Issued (weeks) (Digital applications which "
            "were stopped)",
            ("probate", "documents_upload_to_grant", "digital_stopped"),
        ),
        # A leading prefix naming a broader jurisdiction.
        ("Family Court - Private Family Law Receipts", ("family_private_law", "receipts", "")),
        # "average ... from A to B" with a qualifier: the stages are endpoints.
        (
            "Immigration and Asylum - average weeks from receipt to disposal (all appeal types)",
            ("immigration_asylum", "timeliness", ""),
        ),
        (
            "Public Family Law - average weeks taken for disposal, all public law case types",
            ("family_public_law", "timeliness", ""),
        ),
        # "all X and Y" totals.
        ("Probate - receipts (all digital and paper applications)", ("probate", "receipts", "")),
    ],
)
def test_the_grammar_reads_past_words_it_does_not_need(
    label: str, key: tuple[str, str, str]
) -> None:
    reading = interpret_label(label)
    assert reading.problem is None, reading.problem
    assert (reading.jurisdiction, reading.measure, reading.breakdown) == key


@pytest.mark.parametrize(
    "label",
    [
        "Family Court - receipts and disposals",  # two measures: still refused
        "Civil - Employment Tribunal receipts",  # two narrow jurisdictions: no prefix to drop
        "Employment Tribunal receipts (excluding multiples)",  # a word that changes the meaning
    ],
)
def test_the_grammar_still_refuses_what_it_cannot_read(label: str) -> None:
    assert interpret_label(label).problem is not None
