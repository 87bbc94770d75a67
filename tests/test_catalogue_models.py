"""The catalogue models: lookups, best data file, ordering, rendering, serialisation."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest
from pydantic import ValidationError

from hmcts_data import ConfigurationError, NotFoundError, OfflineError
from hmcts_data._catalogue import Attachment, Catalogue, Publication, Release
from hmcts_data._catalogue._formats import AttachmentFormat
from hmcts_data._catalogue._listing import format_age
from hmcts_data._catalogue._models import sort_releases

CSV = AttachmentFormat.CSV

MIME_ODS = "application/vnd.oasis.opendocument.spreadsheet"
MIME_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def release(month: date | None, **fields: Any) -> Release:
    slug = fields.pop(
        "slug", f"hmcts-management-information-{month:%B-%Y}".lower() if month else "x"
    )
    end = None
    if month is not None:
        nxt = date(month.year + month.month // 12, month.month % 12 + 1, 1)
        end = nxt - timedelta(days=1)
    values: dict[str, Any] = {
        "publication": "monthly",
        "slug": slug,
        "base_path": "/government/statistical-data-sets/" + slug,
        "url": "https://www.gov.uk/government/statistical-data-sets/" + slug,
        "title": f"Release {slug}",
        "period_start": None if month is None else date(month.year - 1, month.month, 1),
        "period_end": end,
        "period_precision": None if month is None else "month",
    }
    values.update(fields)
    return Release(**values)


def publication(*releases: Release) -> Publication:
    return Publication(
        id="monthly",
        title="HMCTS management information",
        description="d",
        frequency="monthly",
        status="live",
        releases=sort_releases(releases),
    )


def att(name: str, content_type: str | None = None, **fields: Any) -> Attachment:
    from hmcts_data._catalogue._formats import format_of

    return Attachment(
        url=f"https://assets.publishing.service.gov.uk/media/abc/{name}",
        filename=name,
        content_type=content_type,
        format=format_of(content_type, name),
        **fields,
    )


def test_data_file_prefers_csv_then_ods_then_xlsx_by_type_not_name() -> None:
    files = (
        att("guide.pdf", "application/pdf"),
        att("tables.xlsx", MIME_XLSX),
        att("tables.ods", MIME_ODS),
        # The name says nothing; the MIME type says CSV.
        att("download", "text/csv"),
    )
    r = release(date(2025, 4, 1), attachments=files)
    assert r.data_file().filename == "download"
    assert [a.filename for a in r.data_files()] == ["download", "tables.ods", "tables.xlsx"]
    assert release(date(2025, 4, 1), attachments=files[:3]).data_file().filename == "tables.ods"
    assert release(date(2025, 4, 1), attachments=files[:2]).data_file().filename == "tables.xlsx"


def test_data_file_prefers_accessible_within_a_format() -> None:
    r = release(
        date(2025, 4, 1),
        attachments=(att("a.csv", "text/csv", accessible=False), att("b.csv", accessible=True)),
    )
    assert r.data_file().filename == "b.csv"


def test_data_file_missing_raises_not_found_naming_release_and_files() -> None:
    r = release(date(2025, 4, 1), attachments=(att("guide.pdf", "application/pdf"),))
    with pytest.raises(NotFoundError) as info:
        r.data_file()
    message = str(info.value)
    assert r.slug in message
    assert "guide.pdf" in message
    assert "CSV" in message


def test_download_without_known_url_is_an_offline_error() -> None:
    r = release(date(2025, 4, 1), attachments=(Attachment(filename="x.csv", format=CSV),))
    with pytest.raises(OfflineError, match="not known"):
        r.download()


def test_release_lookup_by_month_slug_path_url_date_and_release() -> None:
    a, b, c = release(date(2025, 4, 1)), release(date(2025, 3, 1)), release(date(2024, 12, 1))
    pub = publication(c, a, b)
    assert pub.release("2025-03") is pub.releases[1]
    assert pub.release(b.slug).key == "2025-03"
    assert pub.release(b.slug.upper()).key == "2025-03"
    assert pub.release(b.base_path).key == "2025-03"
    assert pub.release(b.url + "/").key == "2025-03"
    assert pub.release(b).key == "2025-03"
    # A date means its data month (as a release's title does), not the newest window with it.
    assert pub.release(date(2025, 3, 31)).key == "2025-03"
    assert pub.release(datetime(2025, 3, 15, 12, tzinfo=UTC)).key == "2025-03"
    assert pub.release("2025-03-31").key == "2025-03"
    assert pub.release("latest") is pub.latest()
    with pytest.raises(NotFoundError):
        pub.release("2024-06-15")  # inside a window, but no release holds data to June 2024
    assert pub.keys == ("2025-04", "2025-03", "2024-12")


@pytest.mark.parametrize("key", [2025, 2025.4, None, ["2025-04"]])
def test_a_release_in_no_accepted_form_is_a_configuration_error(key: object) -> None:
    pub = publication(release(date(2025, 4, 1)))
    with pytest.raises(ConfigurationError) as info:
        pub.release(key)  # type: ignore[arg-type]
    text = str(info.value)
    assert "'YYYY-MM'" in text
    assert "'latest'" in text
    assert "as_of" in text


def test_suggestions_are_the_nearest_known_months() -> None:
    months = [date(2025, 5, 1), date(2025, 4, 1), date(2021, 1, 1), date(2020, 1, 1)]
    pub = publication(*(release(m) for m in months))
    with pytest.raises(NotFoundError) as info:
        pub.release("2099-01")
    assert info.value.suggestions == ("2025-05", "2025-04", "2021-01")
    with pytest.raises(NotFoundError) as info:
        pub.release("2021-03")
    assert info.value.suggestions[0] == "2021-01"


def test_as_of_takes_a_publication_date() -> None:
    april = release(date(2025, 4, 1)).model_copy(
        update={"first_published": datetime(2025, 6, 12, 8, 30, tzinfo=UTC)}
    )
    may = release(date(2025, 5, 1)).model_copy(
        update={"first_published": datetime(2025, 7, 10, 8, 30, tzinfo=UTC)}
    )
    pub = publication(may, april)
    assert pub.as_of("2025-06-30").key == "2025-04"
    assert pub.as_of(date(2025, 7, 10)).key == "2025-05"
    with pytest.raises(NotFoundError):
        pub.as_of("2025-01-01")
    with pytest.raises(ConfigurationError):
        publication(release(date(2025, 4, 1))).as_of("2025-06-30")  # no publication dates


def test_release_lookup_by_date_falls_back_to_month_when_periods_lack_a_start() -> None:
    r = release(date(2025, 4, 1), period_start=None)
    assert publication(r).release(date(2025, 4, 3)).key == "2025-04"


def test_unknown_release_suggests_close_keys() -> None:
    pub = publication(release(date(2025, 4, 1)), release(date(2025, 3, 1)))
    with pytest.raises(NotFoundError) as info:
        pub.release("2025-05")
    assert "2025-04" in info.value.suggestions
    assert "2025-04" in str(info.value)
    with pytest.raises(NotFoundError):
        pub.release("2025-13-01")
    with pytest.raises(NotFoundError):
        pub.release(release(date(2020, 1, 1)))


def test_releases_sorted_newest_first_with_unknown_periods_by_publication_date() -> None:
    undated = release(None, slug="adhoc", first_published=datetime(2024, 8, 22, tzinfo=UTC))
    never = release(None, slug="nothing-known")
    ordered = sort_releases([release(date(2023, 1, 1)), never, undated, release(date(2025, 4, 1))])
    assert [r.key or r.slug for r in ordered] == ["2025-04", "adhoc", "2023-01", "nothing-known"]


def test_latest_skips_withdrawn_unless_asked() -> None:
    from hmcts_data._catalogue import Withdrawal

    newest = release(date(2025, 4, 1), withdrawn=Withdrawal(explanation="replaced"))
    pub = publication(newest, release(date(2025, 3, 1)))
    assert pub.latest().key == "2025-03"
    assert pub.latest(include_withdrawn=True).key == "2025-04"
    with pytest.raises(NotFoundError, match="no current release"):
        publication(newest).latest()


def test_catalogue_get_iter_contains_and_suggestions() -> None:
    cat = Catalogue(
        publications=(publication(release(date(2025, 4, 1))),),
        generated_at=datetime(2025, 6, 12, 8, 30, tzinfo=UTC),
        source="live",
    )
    assert [p.id for p in cat] == ["monthly"]
    assert len(cat) == 1
    assert "monthly" in cat
    assert "weekly" not in cat
    assert cat.get("monthly").latest().key == "2025-04"
    with pytest.raises(NotFoundError) as info:
        cat.get("montly")
    assert info.value.suggestions == ("monthly",)
    assert len(cat.releases) == 1


def test_timestamps_are_stored_in_utc_and_naive_ones_refused() -> None:
    bst = timezone(timedelta(hours=1))
    r = release(date(2025, 4, 1), first_published=datetime(2025, 6, 12, 9, 30, tzinfo=bst))
    assert r.first_published == datetime(2025, 6, 12, 8, 30, tzinfo=UTC)
    assert r.first_published is not None
    assert r.first_published.utcoffset() == timedelta(0)
    with pytest.raises(ValidationError):
        release(date(2025, 4, 1), first_published=datetime(2025, 6, 12, 9, 30))


def test_models_are_frozen_and_reject_unknown_fields() -> None:
    r = release(date(2025, 4, 1))
    with pytest.raises(ValidationError):
        r.title = "changed"
    with pytest.raises(ValidationError):
        Attachment(url="u", colour="red")  # type: ignore[call-arg]


def test_json_round_trip_keeps_everything_including_the_derived_key() -> None:
    cat = Catalogue(
        publications=(
            publication(
                release(
                    date(2025, 4, 1),
                    attachments=(att("HMCTS_MI_output_accessible.csv", "text/csv", size=7337),),
                    first_published=datetime(2025, 6, 12, 8, 30, tzinfo=UTC),
                )
            ),
        ),
        generated_at=datetime(2025, 6, 12, 8, 30, tzinfo=UTC),
        source="cache",
        notes=("n",),
    )
    text = cat.model_dump_json()
    assert '"key":"2025-04"' in text
    assert Catalogue.model_validate_json(text) == cat


def test_text_and_html_rendering() -> None:
    r = release(
        date(2025, 4, 1),
        title="HMCTS <MI> & April",
        attachments=(att("HMCTS_MI_output_accessible.csv", "text/csv", size=7337),),
    )
    pub = publication(r)
    cat = Catalogue(
        publications=(pub,), generated_at=datetime.now(UTC), source="snapshot", notes=()
    )
    text = str(cat)
    assert "monthly" in text
    assert "2025-04" in text
    assert "snapshot" in text
    assert "Apr 2024 to Apr 2025" in str(pub)
    assert "7,337" in str(r)
    assert "HMCTS_MI_output_accessible.csv" in str(r)
    html = pub._repr_html_() + r._repr_html_() + cat._repr_html_()
    assert "<table>" in html
    assert "HMCTS &lt;MI&gt; &amp; April" in html
    assert "<MI>" not in html


def test_format_age() -> None:
    assert format_age(timedelta(seconds=1)) == "1 second"
    assert format_age(timedelta(minutes=2, seconds=5)) == "2 minutes"
    assert format_age(timedelta(hours=1)) == "1 hour"
    assert format_age(timedelta(days=40)) == "40 days"
