"""Classification of pages, periods read from page text, body-fallback links, file formats."""

from __future__ import annotations

from datetime import date

import pytest

from hmcts_data._catalogue._body import body_links, html_to_text, parse_size_label
from hmcts_data._catalogue._classify import classify, read_period, slug_of
from hmcts_data._catalogue._formats import AttachmentFormat, format_of

SDS = "/government/statistical-data-sets/"


@pytest.mark.parametrize(
    ("path", "title", "group", "expected"),
    [
        (SDS + "hmcts-management-information-april-2025", "", None, "monthly"),
        (SDS + "hmcts-management-information-september-2019", "", None, "monthly"),
        (SDS + "hmcts-management-information-sept-2019", "", None, "monthly"),
        # Shares the monthly prefix: must not be taken for a monthly release.
        (
            SDS + "hmcts-management-information-reformed-services-september-2023",
            "",
            None,
            "reformed-services",
        ),
        (
            SDS + "hmcts-weekly-management-information-during-coronavirus-march-to-july-2020",
            "",
            None,
            "weekly-covid",
        ),
        (SDS + "weekly-use-of-remote-hearing-technologies-in-hmcts", "", None, "remote-hearings"),
        (
            "/government/publications/x",
            "Weekly use of remote hearing technologies in HMCTS",
            None,
            "remote-hearings",
        ),
        (
            "/government/publications/user-guide-to-hmcts-management-information",
            "",
            None,
            "user-guide",
        ),
        (SDS + "hmcts-mi-magistrates", "Ad hoc management information release", None, "ad-hoc"),
        (SDS + "magistrates-courts-after-public-disorder", "", None, "ad-hoc"),
        (SDS + "hmcts-mi-magistrates", "Magistrates' activity", "Ad hoc releases", "ad-hoc"),
        # Title punctuation varies (hyphen or en dash); the words decide.
        (
            "/x/y",
            "HMCTS management information – reformed services December 2024",
            None,
            "reformed-services",
        ),
        (SDS + "hmcts-court-estate-synthetic", "Court estate", None, None),
        (SDS + "hmcts-management-information-tables", "", None, None),
    ],
)
def test_classify(path: str, title: str, group: str | None, expected: str | None) -> None:
    assert classify(path, title, group=group) == expected


def test_slug_of_strips_query_and_trailing_slash() -> None:
    assert slug_of("https://www.gov.uk/government/x/abc-2025/?a=1") == "abc-2025"


def test_period_from_description_range_and_slug_month() -> None:
    period = read_period(
        "hmcts-management-information-september-2019",
        "HMCTS management information - September 2019",
        "Workload volumes, September 2018 to September 2019.",
    )
    assert (period.start, period.end, period.precision, period.note) == (
        date(2018, 9, 1),
        date(2019, 9, 30),
        "month",
        None,
    )


def test_period_range_in_slug_without_start_year() -> None:
    period = read_period(
        "hmcts-weekly-management-information-during-coronavirus-march-to-july-2020"
    )
    assert (period.start, period.end) == (date(2020, 3, 1), date(2020, 7, 31))


def test_period_range_crossing_a_year_boundary_without_start_year() -> None:
    period = read_period("x", "Figures November to February 2021")
    assert (period.start, period.end) == (date(2020, 11, 1), date(2021, 2, 28))


def test_single_month_gives_end_and_explains_missing_start() -> None:
    period = read_period("hmcts-management-information-april-2025", "April 2025", None)
    assert period.start is None
    assert period.end == date(2025, 4, 30)
    assert period.note is not None
    assert "first month" in period.note


def test_slug_wins_over_disagreeing_title_and_says_so() -> None:
    period = read_period("hmcts-management-information-april-2025", "May 2025", None)
    assert period.end == date(2025, 4, 30)
    assert period.note is not None
    assert "May 2025" in period.note
    assert "slug" in period.note


def test_description_range_with_other_end_is_not_used_for_start() -> None:
    period = read_period("hmcts-management-information-april-2025", "", "March 2024 to March 2025")
    assert period.end == date(2025, 4, 30)
    assert period.start is None


def test_week_and_day_ranges() -> None:
    week = read_period("x", "Hearings, week commencing 6 April 2020")
    assert (week.start, week.end, week.precision) == (date(2020, 4, 6), date(2020, 4, 12), "week")
    ending = read_period("x", "Hearings, week ending 12 April 2020")
    assert (ending.start, ending.end) == (date(2020, 4, 6), date(2020, 4, 12))
    days = read_period("x", "from 30 November to 6 December 2020")
    assert (days.start, days.end, days.precision) == (
        date(2020, 11, 30),
        date(2020, 12, 6),
        "day",
    )


def test_up_to_a_date_gives_an_end_only() -> None:
    period = read_period("x", "", "cases disposed and outstanding up to 26 July 2020")
    assert (period.start, period.end, period.precision) == (None, date(2020, 7, 26), "day")


def test_unreadable_period_is_none_with_a_reason() -> None:
    period = read_period(
        "magistrates-public-disorder", "Activity after the disorder starting on 30 July", None
    )
    assert (period.start, period.end, period.precision) == (None, None, None)
    assert period.note is not None
    assert "unknown" in period.note


def test_impossible_day_is_not_read_but_its_month_is() -> None:
    period = read_period("x", "week commencing 31 February 2020")
    assert (period.end, period.precision) == (date(2020, 2, 29), "month")


BODY = (
    '<div class="govspeak"><p>Text with <a href="/government/organisations/hmcts">a page link'
    "</a>.</p>"
    '<section class="attachment embedded" id="attachment_1"><div class="attachment-details">'
    '<h2 class="title"><a href="/government/uploads/system/uploads/attachment_data/file/871904/'
    'HMCTS_raw_data_for_Jan19_to_Jan20.csv">Raw  data\nJanuary 2020</a></h2>'
    '<p class="metadata"><span class="type">CSV</span>, <span class="file-size">2.8KB</span>'
    "</p></div></section>"
    '<p><span id="attachment_2" class="attachment-inline"><a href="https://assets.publishing.'
    'service.gov.uk/media/0123456789abcdef01234567/tables.xls">Tables</a> (<span class="type">'
    'MS Excel Spreadsheet</span>, <span class="file-size">640KB</span>)</span></p>'
    '<p>Again: <a href="/government/uploads/system/uploads/attachment_data/file/871904/'
    'HMCTS_raw_data_for_Jan19_to_Jan20.csv">same file</a><br>'
    '<a href="/media/fedcba/guide.pdf">Guide</a></p></div>'
)


def test_body_links_block_inline_relative_and_duplicates() -> None:
    links = body_links(BODY, "https://www.gov.uk")
    assert [link.url for link in links] == [
        "https://www.gov.uk/government/uploads/system/uploads/attachment_data/file/871904/"
        "HMCTS_raw_data_for_Jan19_to_Jan20.csv",
        "https://assets.publishing.service.gov.uk/media/0123456789abcdef01234567/tables.xls",
        "https://www.gov.uk/media/fedcba/guide.pdf",
    ]
    first, inline, bare = links
    assert (first.title, first.type_label, first.size_label) == (
        "Raw data January 2020",
        "CSV",
        "2.8KB",
    )
    assert (inline.type_label, inline.size_label) == ("MS Excel Spreadsheet", "640KB")
    # Outside any attachment block there is no label to borrow.
    assert (bare.type_label, bare.size_label) == (None, None)


def test_body_links_resolve_against_a_mirror_base_url() -> None:
    links = body_links(BODY, "http://127.0.0.1:8000/")
    assert links[0].url.startswith("http://127.0.0.1:8000/government/uploads/")


def test_body_without_links_gives_nothing() -> None:
    assert body_links("<p>No files here.</p>", "https://www.gov.uk") == []
    assert body_links("", "https://www.gov.uk") == []


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("2.8KB", 2867),
        ("640 KB", 655360),
        ("1.5MB", 1572864),
        ("512 bytes", 512),
        ("1,024KB", 1048576),
        ("huge", None),
        (None, None),
    ],
)
def test_parse_size_label(label: str | None, expected: int | None) -> None:
    assert parse_size_label(label) == expected


def test_html_to_text() -> None:
    assert html_to_text("<p>Replaced by <a href='/x'>a new page</a>.</p><p>Sorry.</p>") == (
        "Replaced by a new page. Sorry."
    )


@pytest.mark.parametrize(
    ("content_type", "name", "label", "expected"),
    [
        ("text/csv", "anything.bin", None, "csv"),
        ("text/csv; charset=utf-8", None, None, "csv"),
        (None, "https://x/media/1/HMCTS_MI_output_accessible.CSV", None, "csv"),
        ("application/vnd.oasis.opendocument.spreadsheet", None, None, "ods"),
        ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", None, None, "xlsx"),
        ("application/octet-stream", "tables.xlsx", None, "xlsx"),
        (None, "guide.pdf", None, "pdf"),
        ("application/vnd.ms-excel", "old.xls", None, "other"),
        (None, "https://x/attachment_data/file/1/download", "CSV", "csv"),
        (None, None, "OpenDocument Spreadsheet", "ods"),
        (None, None, "MS Excel Spreadsheet", "other"),
        (None, None, None, "other"),
    ],
)
def test_format_of(
    content_type: str | None, name: str | None, label: str | None, expected: str
) -> None:
    assert format_of(content_type, name, label) is AttachmentFormat(expected)
