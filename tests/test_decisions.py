"""Tribunal decisions: finder facts, typed search, frames, against the decisions stand-in."""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import pandas as pd
import pytest

from hmcts_data import Client, ConfigurationError, NotFoundError, decisions
from hmcts_data.testing import DecisionsSite, FakeGovUK, build_decisions_site

SEARCH = "/api/search.json"
SIZES = {
    "employment-tribunal": 3000,
    "employment-appeal-tribunal": 200,
    "tax-and-chancery-tribunal": 80,
    "administrative-appeals-tribunal": 150,
    "residential-property-tribunal": 400,
    "asylum-support-tribunal": 40,
}


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[FakeGovUK, DecisionsSite]]:
    with FakeGovUK() as fake:
        yield fake, build_decisions_site(fake, sizes=SIZES, seed=7)


@pytest.fixture
def site(served: tuple[FakeGovUK, DecisionsSite]) -> Iterator[DecisionsSite]:
    fake, site = served
    fake.reset_counts()
    yield site
    site.unsupported_fields = frozenset()


@pytest.fixture
def client(served: tuple[FakeGovUK, DecisionsSite], tmp_path: Path) -> Iterator[Client]:
    with Client(base_url=served[0].base_url, cache_dir=tmp_path / "cache", rate_limit=1000) as made:
        yield made


# -- finders --------------------------------------------------------------------------------


def test_six_finders_with_their_document_types_and_facets() -> None:
    found = {f.id.removesuffix("-decisions"): f for f in decisions.finders()}
    assert len(found) == 6
    et = found["employment-tribunal"]
    assert et.document_type == "employment_tribunal_decision"
    assert et.base_path == "/employment-tribunal-decisions"
    codes = et.facet("categories")
    assert codes.name == "Jurisdiction code"
    assert codes.key == "tribunal_decision_categories"
    assert codes.multiple
    assert len(codes.values) == 54
    # Slugs are identifiers, kept as published (misspelt upstream), labels are for people.
    assert codes.label("renumeration") is not None
    tax = found["tax-and-chancery-tribunal"]
    assert tax.facet("categories").key == "tribunal_decision_category"
    assert not tax.facet("categories").multiple
    assert tax.default_order == "-tribunal_decision_decision_date"


def test_packaged_facts_match_every_finder() -> None:
    raw = tomllib.loads(
        (resources.files("hmcts_data.decisions") / "finders.toml").read_text("utf-8")
    )
    assert raw["search"]["paging_depth"] == "unknown"  # never claimed as known
    for entry, model in zip(raw["finder"], decisions.finders(), strict=True):
        assert model.id == entry["id"]
        assert [f.key for f in model.facets] == [f["key"] for f in entry["facet"]]
        for facet, raw_facet in zip(model.facets, entry["facet"], strict=True):
            assert [(v.label, v.slug) for v in facet.values] == [
                tuple(pair) for pair in raw_facet.get("allowed", [])
            ]


@pytest.mark.parametrize(
    "name",
    [
        "employment-tribunal",
        "employment-tribunal-decisions",
        "/employment-tribunal-decisions",
        "employment_tribunal_decision",
    ],
)
def test_finder_by_any_of_its_names(name: str) -> None:
    assert decisions.finder(name).id == "employment-tribunal-decisions"


def test_unknown_finder_suggests_close_ones() -> None:
    with pytest.raises(NotFoundError, match="employment-tribunal"):
        decisions.finder("employment-tribunals")


def test_finders_refresh_from_live_finder_pages(site: DecisionsSite, client: Client) -> None:
    live = decisions.finders(refresh=True, client=client)
    assert [f.id for f in live] == [f.id for f in decisions.finders()]
    assert all(f.source == "live" for f in live)
    assert live[0].facet("categories").values == decisions.finders()[0].facet("categories").values
    assert site.fake.count("/api/content/") == 6


# -- search ----------------------------------------------------------------------------------


def test_search_filters_by_facet_and_decision_date(site: DecisionsSite, client: Client) -> None:
    found = decisions.search(
        "employment-tribunal",
        categories="unfair-dismissal",
        country="Scotland",  # a label is taken for its slug
        decided=("2019-01-01", "2021-12-31"),
        limit=None,
        client=client,
    )
    truth = [
        d
        for d in site.decisions("employment-tribunal")
        if "unfair-dismissal" in d["tribunal_decision_categories"]
        and d["tribunal_decision_country"] == "scotland"
        and "2019-01-01" <= d["tribunal_decision_decision_date"] <= "2021-12-31"
    ]
    assert found.total == len(truth) > 0
    assert {d.link for d in found} == {d["link"] for d in truth}
    for d in found:
        assert "unfair-dismissal" in d.categories
        assert d.category_labels[d.categories.index("unfair-dismissal")] == "Unfair Dismissal"
        assert d.country == "scotland"
        assert d.decision_date is not None
        assert d.updated is not None
        assert d.updated.tzinfo is not None


def test_search_limit_pages_and_newest_first(site: DecisionsSite, client: Client) -> None:
    found = decisions.search("residential-property-tribunal", limit=250, client=client)
    assert len(found) == 250
    assert found.total == SIZES["residential-property-tribunal"]
    stamps = [d.updated for d in found]
    assert stamps == sorted(stamps, reverse=True)  # type: ignore[type-var]
    assert site.fake.count(SEARCH) == 1  # 250 fit in one page


def test_unknown_facet_value_names_the_nearest(client: Client) -> None:
    with pytest.raises(ConfigurationError, match="'unfair-dismissal'"):
        decisions.search("employment-tribunal", categories="unfair dismisal", client=client)


def test_unknown_facet_lists_the_finders_facets(client: Client) -> None:
    with pytest.raises(ConfigurationError, match=r"no facet 'judges'\. Its facets: categories"):
        decisions.search("tax-and-chancery-tribunal", judges="x", client=client)


def test_bad_dates_are_refused(client: Client) -> None:
    with pytest.raises(ConfigurationError, match="not a date"):
        decisions.search("employment-tribunal", decided=("last year", None), client=client)
    with pytest.raises(ConfigurationError, match="after it ends"):
        decisions.search("employment-tribunal", decided=("2024-02-01", "2024-01-01"))


def test_search_deeper_than_the_api_pages_is_refused(site: DecisionsSite, client: Client) -> None:
    site.max_depth = 2000
    try:
        with pytest.raises(ConfigurationError, match=r"past result 1500 .*harvest"):
            decisions.search("employment-tribunal", limit=None, client=client)
    finally:
        site.max_depth = None


def test_refused_fields_are_found_and_left_empty(site: DecisionsSite, client: Client) -> None:
    site.unsupported_fields = frozenset({"tribunal_decision_judges"})
    with pytest.warns(UserWarning, match="judges"):
        found = decisions.search("administrative-appeals-tribunal", limit=20, client=client)
    assert found.missing_fields == ("judges",)
    assert all(d.judges == () for d in found)
    assert all(d.categories for d in found)  # the other facets still came


def test_facet_values_as_slugs_or_label_objects_read_the_same() -> None:
    et = decisions.finder("employment-tribunal")
    from hmcts_data.decisions._models import decision_from_result

    codes = ["working-time-regulations", "unfair-dismissal"]
    plain = decision_from_result({"link": "/x", "tribunal_decision_categories": codes}, et)
    expanded = decision_from_result(
        {
            "link": "/x",
            "tribunal_decision_categories": [
                {"value": "working-time-regulations", "label": "Working Time Regulations"},
                {"value": "unfair-dismissal", "label": "Unfair Dismissal"},
            ],
        },
        et,
    )
    assert plain == expanded


# -- frames -----------------------------------------------------------------------------------


def test_frame_has_one_row_per_decision_with_list_columns(client: Client) -> None:
    found = decisions.search("employment-appeal-tribunal", limit=50, client=client)
    frame = found.to_frame()
    assert len(frame) == 50
    assert frame["link"].is_unique
    assert isinstance(frame["categories"].iloc[0], list)
    assert str(frame["decision_date"].dtype) == "datetime64[ns]"
    assert str(frame["updated"].dtype) == "datetime64[ns, UTC]"
    assert str(frame["landmark"].dtype) == "boolean"
    long = decisions.explode(frame, "sub_categories")
    assert len(long) == sum(max(1, len(v)) for v in frame["sub_categories"])
    pairs = long.dropna(subset=["sub_categories"])
    facet = decisions.finder("employment-appeal-tribunal").facet("sub_categories")
    assert all(
        facet.label(s) == label
        for s, label in zip(pairs["sub_categories"], pairs["sub_category_labels"], strict=True)
    )


def test_explode_refuses_a_column_that_is_not_a_list_facet() -> None:
    with pytest.raises(ConfigurationError, match="list facet"):
        decisions.explode(decisions.to_frame([]), "country")


def test_empty_frame_keeps_the_columns() -> None:
    frame = decisions.to_frame([])
    assert list(frame.columns)[:3] == ["finder", "link", "title"]
    assert isinstance(frame, pd.DataFrame)
    assert frame.empty


def test_harvest_rows_order_as_a_sort_by_update_and_link_keeping_each_links_newest() -> None:
    import random

    from hmcts_data.decisions._rows import Rows

    rng = random.Random(7)
    for trial in range(200):
        records = [
            {
                "link": f"/d{rng.randint(0, 12 if trial % 2 else 500)}",
                "updated": None
                if rng.random() < 0.1
                else f"2024-01-0{rng.randint(1, 3)}T00:00:0{rng.randint(0, 2)}Z",
            }
            for _ in range(rng.randint(0, 30))
        ]
        rows = Rows.from_records(records)
        got = rows.take(rows.order()).frame()
        want = (
            rows.frame()
            .sort_values(["updated", "link"], kind="stable", ignore_index=True)
            .drop_duplicates("link", keep="last", ignore_index=True)
        )
        assert got["link"].tolist() == want["link"].tolist()
        assert got["updated"].equals(want["updated"])


def test_a_day_outside_what_a_frame_holds_is_missing_not_an_error() -> None:
    et = decisions.finder("employment-tribunal")
    from hmcts_data.decisions._rows import RowReader, Rows

    rows = Rows.read(
        [
            {"link": "/a", "tribunal_decision_decision_date": "0201-03-04"},
            {"link": "/b", "tribunal_decision_decision_date": "2021-03-04"},
        ],
        RowReader(et),
    )
    frame = rows.frame()
    assert frame["decision_date"].isna().tolist() == [True, False]


# -- one decision ------------------------------------------------------------------------------


def test_decision_page_and_its_pdf(site: DecisionsSite, client: Client) -> None:
    truth = site.decisions("asylum-support-tribunal")[0]
    page = decisions.decision("https://www.gov.uk" + truth["link"], client=client)
    assert page.decision.link == truth["link"]
    assert page.decision.reference_number == truth["tribunal_decision_reference_number"]
    assert page.decision.judges == tuple(truth["tribunal_decision_judges"])
    assert page.decision.landmark == (truth["tribunal_decision_landmark"] == "landmark")
    assert "SYNTHETIC" in page.text
    path = page.pdf(client=client)
    assert path.read_bytes().startswith(b"%PDF-")
    site.fake.reset_counts()
    assert page.pdf(client=client) == path  # from the cache
    assert site.fake.count("/media/") == 0


def test_decision_outside_the_finders_is_refused(client: Client) -> None:
    with pytest.raises(NotFoundError, match="employment-tribunal-decisions"):
        decisions.decision("/government/statistics/x", client=client)


def test_withdrawn_decision_is_a_download_error(client: Client) -> None:
    from hmcts_data import DownloadError

    with pytest.raises(DownloadError, match="404"):
        decisions.decision("/employment-tribunal-decisions/no-such-decision", client=client)


def test_the_finders_are_the_registry_entries_whose_source_is_a_finder() -> None:
    from hmcts_data._registry import registry

    entries = registry()
    assert tuple(f.id for f in decisions.finders()) == entries.ids(source="finder")
    for found in decisions.finders():
        entry = entries.publication[found.id]
        assert entry.finder is not None
        assert (found.base_path, found.document_type) == (
            entry.finder.base_path,
            entry.finder.document_type,
        )
        assert found.name == entry.title


def test_access_routes_that_are_finders_say_how_to_read_them() -> None:
    from hmcts_data import routes

    finder_urls = {f.url: f.id for f in decisions.finders()}
    others = routes.other_sources()
    linked = {o.id: o.finder for o in others if o.finder is not None}
    assert linked == {
        "et-decisions": "employment-tribunal-decisions",
        "tax-chancery-decisions": "tax-and-chancery-tribunal-decisions",
    }
    for other in others:
        for link in other.links:
            if link.url in finder_urls:  # every source that is one of the finders says so
                assert other.finder == finder_urls[link.url]
        if other.read_with is not None:
            assert other.finder is not None
            assert decisions.finder(other.finder).id == other.finder
            assert other.read_with == f'hmcts_data.decisions.harvest("{other.finder}")'


def test_the_stand_in_serves_other_searches_alongside(site: DecisionsSite) -> None:
    import httpx

    site.fake.add_search_result({"title": "MI", "link": "/government/x", "format": "other"})
    other = httpx.get(site.fake.url("/api/search.json"), params={"filter_format": "other"})
    assert other.json()["total"] == 1
    ours = httpx.get(
        site.fake.url("/api/search.json"),
        params={"filter_format": "asylum_support_decision", "count": "0"},
    )
    assert ours.json()["total"] == SIZES["asylum-support-tribunal"]


def test_the_stand_in_aggregates_facet_values(site: DecisionsSite) -> None:
    import httpx

    answer = httpx.get(
        site.fake.url("/api/search.json"),
        params={
            "filter_format": "employment_tribunal_decision",
            "count": "0",
            "aggregate_tribunal_decision_country": "5",
        },
    ).json()
    options = answer["aggregates"]["tribunal_decision_country"]["options"]
    truth = [d["tribunal_decision_country"] for d in site.decisions("employment-tribunal")]
    assert {o["value"]["slug"]: o["documents"] for o in options} == {
        c: truth.count(c) for c in set(truth)
    }


@pytest.mark.parametrize(
    ("params", "said"),
    [
        ({"bogus": "1"}, "Unexpected parameter 'bogus'"),
        ({"count": "1501"}, "Parameter 'count' must be between 0 and 1500"),
        ({"count": "x"}, "Invalid value 'x' for parameter 'count'"),
        ({"start": "-1"}, "Parameter 'start' must be between 0"),
    ],
)
def test_the_decisions_stand_in_refuses_what_the_search_api_refuses(
    site: DecisionsSite, params: dict[str, str], said: str
) -> None:
    import httpx

    query = {"filter_format": "employment_tribunal_decision", **params}
    answer = httpx.get(site.fake.url(SEARCH), params=query)
    assert answer.status_code == 422
    assert said in answer.json()["error"]
