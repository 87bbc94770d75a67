"""Access routes: the packaged facts load, are sourced and tagged, and render honestly."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from pydantic import BaseModel

from hmcts_data import ConfigurationError, NotFoundError, ParseError, routes
from hmcts_data.routes import AccessRoute, Confidence, Sourced
from hmcts_data.routes._load import book, load_file
from hmcts_data.routes._render import _md

PACKAGED = resources.files("hmcts_data.routes") / "routes.toml"

# The reference notes' route ids; each must resolve (as an alias) to a route.
REFERENCE_IDS = {
    "hmcts_open_mi": "open-mi",
    "hmcts_data_access_panel": "data-access-panel",
    "hmcts_research_fieldwork": "research-fieldwork",
    "moj_data_first": "data-first",
    "hmcts_third_party_data_licence": "third-party-data-licence",
    "moj_hmcts_senior_data_governance_panel": "senior-data-governance-panel",
    "hmcts_transcript_request": "transcripts",
    "free_sentencing_remarks": "free-sentencing-remarks",
    "records_civil_cpr5": "court-records-civil",
    "records_family_fpr": "court-records-family",
    "records_crime_crimpr": "court-records-criminal",
    "records_tribunals": "tribunal-records",
    "records_historical_tna": "historical-records",
    "judicial_research": "judicial-research",
}


def _walk(obj: Any) -> Iterator[Any]:
    """Yield ``obj`` and every model, tuple item and mapping value nested inside it."""
    yield obj
    if isinstance(obj, BaseModel):
        for name in type(obj).model_fields:
            yield from _walk(getattr(obj, name))
    elif isinstance(obj, tuple | list):
        for item in obj:
            yield from _walk(item)
    elif isinstance(obj, dict):
        for item in obj.values():
            yield from _walk(item)


def _all_facts() -> list[Sourced]:
    return [node for node in _walk(book()) if isinstance(node, Sourced)]


# --- loading ----------------------------------------------------------------------------------


def test_every_reference_route_is_present_and_reachable_by_its_reference_id() -> None:
    ids = [r.id for r in routes.list()]
    assert len(ids) == len(set(ids))
    for reference_id, route_id in REFERENCE_IDS.items():
        assert route_id in ids
        assert routes.get(reference_id).id == route_id


@pytest.mark.parametrize("route", routes.list(), ids=lambda r: r.id)
def test_every_route_validates_and_has_the_basics(route: AccessRoute) -> None:
    # Re-validating the dumped route proves the stored instance satisfies its own model.
    assert AccessRoute.model_validate(route.model_dump()) == route
    assert route.purpose
    assert route.sources
    assert route.steps or route.kind.value == "governance"


def test_packaged_file_loads_from_a_path_like_any_copy(tmp_path: Path) -> None:
    copy = tmp_path / "routes.toml"
    copy.write_text(PACKAGED.read_text(encoding="utf-8"), encoding="utf-8")
    assert load_file(copy) == book()


def test_a_route_shows_the_sources_and_review_date_of_the_book_it_came_from(
    tmp_path: Path,
) -> None:
    edited = PACKAGED.read_text(encoding="utf-8")
    edited = edited.replace('title = "Get access to HMCTS data"', 'title = "Edited title"', 1)
    edited = re.sub(r"(?m)^last_reviewed = .*$", "last_reviewed = 2026-01-02", edited, count=1)
    copy = tmp_path / "routes.toml"
    copy.write_text(edited, encoding="utf-8")
    route = next(r for r in load_file(copy).route if "get-access-2022" in r.sources)
    shown = route.checklist()
    assert "get-access-2022: Edited title" in shown
    assert "facts last reviewed: 2026-01-02" in shown
    assert "Edited title" in route._repr_html_()
    assert "Edited title" in route.markdown()
    # The packaged book is untouched by the copy.
    assert "Edited title" not in routes.get(route.id).checklist()


def test_a_route_built_by_hand_has_no_book_and_says_so() -> None:
    bare = AccessRoute.model_validate(routes.get("transcripts").model_dump())
    assert str(bare) == repr(bare)
    assert "<table" in bare._repr_html_()
    with pytest.raises(ConfigurationError, match="built by hand"):
        bare.checklist()
    with pytest.raises(ConfigurationError, match="built by hand"):
        bare.markdown()


def test_last_reviewed_is_a_past_date_shown_in_renderings() -> None:
    reviewed = routes.last_reviewed()
    assert isinstance(reviewed, date)
    assert reviewed <= date.today()
    assert reviewed.isoformat() in routes.get("transcripts").checklist()
    assert reviewed.isoformat() in routes.render_markdown()


# --- facts are sourced, tagged and well-formed -------------------------------------------------


def test_every_fact_has_a_known_source_and_a_confidence() -> None:
    facts = _all_facts()
    assert len(facts) > 200  # the walk reaches nested facts, not just the top level
    for fact in facts:
        assert isinstance(fact.confidence, Confidence)
        assert fact.sources, fact
        for source_id in fact.sources:
            assert source_id in book().sources, (source_id, fact)
    for source in book().sources.values():
        assert isinstance(source.confidence, Confidence)


def test_every_url_anywhere_in_the_data_is_well_formed_https() -> None:
    dumped = book().model_dump(mode="json")
    urls: list[str] = []

    def collect(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "url" and value is not None:
                    urls.append(value)
                collect(value)
        elif isinstance(node, list):
            for item in node:
                collect(item)
        elif isinstance(node, str):
            # URLs written inside prose must be https too.
            urls.extend(re.findall(r"\b[a-z]+://[^\s)>\]]+", node))

    collect(dumped)
    assert len(urls) > 50
    for url in urls:
        parts = urlsplit(url)
        assert parts.scheme == "https", url
        assert parts.hostname, url
        assert "." in parts.hostname, url
        assert not any(ch.isspace() for ch in url), url


def test_every_email_contact_looks_like_an_address() -> None:
    for node in _walk(book()):
        if isinstance(node, routes.Contact) and node.kind is routes.ContactKind.EMAIL:
            local, _, domain = node.value.partition("@")
            assert local, node.value
            assert "." in domain, node.value


def test_related_routes_resolve_to_other_routes() -> None:
    for route in routes.list():
        for related in route.related_routes:
            assert related != route.id
            assert routes.get(related).id == related
    for other in routes.other_sources():
        if other.route is not None:
            assert routes.get(other.route).id == other.route


def test_reference_tags_are_kept_for_the_facts_the_brief_singles_out() -> None:
    dap = routes.get("data-access-panel")
    referral = [s for s in dap.steps if "Senior Data Governance Panel" in s.action]
    assert len(referral) == 1
    # On the 2022 page only, and not confirmed on the current panel page.
    assert referral[0].confidence is Confidence.UNVERIFIED
    assert referral[0].dated
    sdgp = routes.get("senior-data-governance-panel")
    assert sdgp.kind.value == "governance"
    assert sdgp.operator.confidence is Confidence.SECONDARY

    transcripts = routes.get("transcripts")
    assert {f.code for f in transcripts.forms} >= {"EX107", "EX107GN", "EX105"}
    folio = [f for f in transcripts.fees if "72 words" in f.amount]
    assert folio
    assert folio[0].confidence is Confidence.SECONDARY
    assert any("Magistrates' court hearings are not recorded" in c.text for c in transcripts.covers)
    assert any("DARTS" in n.text for n in transcripts.notes)

    records = routes.get("court-records")
    assert "s.32" in " ".join(f.text for f in records.legal_basis)
    civil = routes.get("court-records-civil")
    assert any("5.4C" in c.text for c in civil.covers)
    assert any("5.4B" in c.text for c in civil.covers)


def test_data_first_datasets_carry_unit_platforms_and_honest_existence_tags() -> None:
    datasets = {d.id: d for d in routes.data_first_datasets()}
    assert len(datasets) == len(routes.data_first_datasets())
    mags = datasets["df-magistrates"]
    platforms = {p.platform: p.confidence for p in mags.platforms}
    assert platforms[routes.Platform.ONS_SRS] is Confidence.OFFICIAL
    assert platforms[routes.Platform.SAIL] is Confidence.UNVERIFIED
    assert mags.unit is not None
    assert "defendant" in mags.unit.text
    # Planned datasets the notes could not find must not look confirmed.
    for planned in ("df-employment-tribunal", "df-legal-aid"):
        assert datasets[planned].confidence is Confidence.UNVERIFIED
    confirmed = [d for d in datasets.values() if d.confidence is Confidence.OFFICIAL]
    assert all(d.platforms and d.unit and d.access for d in confirmed)


def test_other_sources_include_the_guidance_page_list_with_urls() -> None:
    others = {o.id: o for o in routes.other_sources()}
    for wanted in (
        "courtserve",
        "et-decisions",
        "tax-chancery-decisions",
        "utiac-decisions",
        "ftt-tax-decisions",
        "uksc-cases",
        "find-case-law",
        "judiciary-judgments",
        "stats-criminal",
        "hmpps-nrc",
    ):
        assert others[wanted].links, wanted
    # The data strategy link target is unknown: it must not invent a URL.
    assert others["hmcts-data-strategy"].links == ()


# --- rendering never drops a tag ---------------------------------------------------------------


def _assert_tagged(
    rendered: str,
    facts: list[Sourced],
    show: Callable[[Sourced], str],
    tag: Callable[[Sourced], str],
) -> None:
    """Each fact appears followed by its tag, and no unverified text appears anywhere untagged.

    Every correctly tagged rendering is cut out first (longest first, so a fact inside a longer
    one is handled); any unverified fact's text left over was shown without its tag. Very short
    texts ("SAIL Databank") also occur in headings, so only texts of 20+ characters are hunted.
    """
    rest = rendered
    for fact in sorted(facts, key=lambda f: -len(show(f))):
        tagged = f"{show(fact)} {tag(fact)}"
        assert tagged in rendered, f"not rendered with its tag: {tagged!r}"
        rest = rest.replace(tagged, "")
    for fact in facts:
        if fact.confidence is Confidence.UNVERIFIED and len(show(fact)) >= 20:
            assert show(fact) not in rest, f"unverified fact shown without its tag: {show(fact)!r}"


def _plain(fact: Sourced) -> str:
    return fact.display()


def _tag(fact: Sourced) -> str:
    return fact.tag


def _md_shown(fact: Sourced) -> str:
    return _md(fact.display())


def _code_tag(fact: Sourced) -> str:
    return f"`{fact.tag}`"


def _html_tag(fact: Sourced) -> str:
    return f'<span class="hmcts-tag hmcts-{fact.confidence.value}">{html.escape(fact.tag)}</span>'


@pytest.mark.parametrize("route", routes.list(), ids=lambda r: r.id)
def test_checklist_html_and_markdown_show_every_fact_with_its_tag(route: AccessRoute) -> None:
    facts = [fact for _, fact in route.facts()]
    assert str(route) == route.checklist()
    _assert_tagged(route.checklist(), facts, _plain, _tag)
    markdown = route.markdown()
    _assert_tagged(
        markdown, [f for f in facts if not isinstance(f, routes.Link)], _md_shown, _code_tag
    )
    for link in route.links:
        assert f"[{_md(link.label)}]({link.url}) `{link.tag}`" in markdown
    _assert_tagged(route._repr_html_(), facts, lambda f: html.escape(f.display()), _html_tag)


def test_an_untagged_unverified_fact_would_be_caught() -> None:
    # Guard the guard: the check above must fail when a renderer drops a tag.
    fact = next(
        f for _, f in routes.get("data-access-panel").facts() if f.tag == "[unverified][dated]"
    )
    good = f"intro\n{fact.display()} {fact.tag}\n"
    _assert_tagged(good, [fact], _plain, _tag)
    with pytest.raises(AssertionError):
        _assert_tagged(good + f"again: {fact.display()}\n", [fact], _plain, _tag)


def test_unverified_facts_are_listed_and_tagged_on_the_docs_page() -> None:
    found = routes.unverified_facts()
    every_unverified = [f for f in _all_facts() if f.confidence is Confidence.UNVERIFIED]
    assert len(found) == len(every_unverified) > 0
    page = routes.render_markdown()
    for where, _ in found:
        assert where in page.replace("\\", "")
    # Links render as Markdown links; test_docs_page_has_every_... checks them.
    shown = [f for f in _all_facts() if not isinstance(f, routes.Link)]
    _assert_tagged(page, shown, _md_shown, _code_tag)


def test_docs_page_has_every_route_dataset_and_other_source() -> None:
    page = routes.render_markdown()
    for route in routes.list():
        assert f'<a id="{route.id}"></a>' in page
    for dataset in routes.data_first_datasets():
        assert f"`{dataset.id}`" in page
    for other in routes.other_sources():
        assert f"`{other.id}`" in page
    for link in (node for node in _walk(book()) if isinstance(node, routes.Link)):
        assert f"]({link.url}) `{link.tag}`" in page


def test_html_escapes_text() -> None:
    route = routes.get("court-records")  # its name contains an apostrophe
    assert "court&#x27;s rules" in route._repr_html_()
    assert "court's rules" not in route._repr_html_()


# --- lookup -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("data-access-panel", "data-access-panel"),
        ("DAP", "data-access-panel"),
        ("hmcts_data_access_panel", "data-access-panel"),
        (" Data First ", "data-first"),
        ("moj_data_first", "data-first"),
        ("transcript", "transcripts"),
    ],
)
def test_get_accepts_ids_and_aliases(typed: str, expected: str) -> None:
    assert routes.get(typed).id == expected


def test_get_miss_raises_not_found_with_close_suggestions() -> None:
    with pytest.raises(NotFoundError) as info:
        routes.get("data-acess-panel")
    assert info.value.suggestions[0] == "data-access-panel"
    assert "Did you mean 'data-access-panel'" in str(info.value)
    with pytest.raises(NotFoundError) as info:
        routes.get("transcripst")
    assert "transcripts" in info.value.suggestions


def test_search_ranks_by_where_words_appear() -> None:
    assert routes.search("EX107")[0].id == "transcripts"
    assert routes.search("Splink")[0].id == "data-first"
    assert routes.search("Data Access Panel")[0].id == "data-access-panel"
    hits = [r.id for r in routes.search("transcript")]
    assert hits[0] == "transcripts"
    assert "free-sentencing-remarks" in hits
    assert routes.search("") == []
    assert routes.search("the and of") == []
    assert routes.search("qqqzzz") == []


# Needs users type, and the route the library should put first.
NEEDS = [
    ("case-level hearing outcomes", "data-access-panel"),
    ("defendant-level linked data", "data-first"),
    ("a transcript of my hearing", "transcripts"),
    ("reoffending of people leaving prison", "data-first"),
    ("free sentencing remarks as a victim", "free-sentencing-remarks"),
    ("copies of the statement of case in a county court claim", "court-records-civil"),
    ("basic information on a criminal case: plea and verdict", "court-records-criminal"),
    ("monthly caseload statistics", "open-mi"),
    ("bulk computational use of daily hearing lists", "third-party-data-licence"),
    ("interview judges about their work", "judicial-research"),
    ("observe hearings and interview court staff", "research-fieldwork"),
    ("case records from the 1990s at the National Archives", "historical-records"),
    ("employment tribunal judgments", "tribunal-records"),
]


@pytest.mark.parametrize(("need", "expected"), NEEDS)
def test_suggest_puts_the_fitting_route_first(need: str, expected: str) -> None:
    found = routes.suggest(need)
    assert found, need
    assert found[0].route.id == expected
    assert found[0].reason
    assert found[0].matched
    scores = [s.score for s in found]
    assert scores == sorted(scores, reverse=True)


def test_suggest_reasons_come_from_the_data_file_rule_table() -> None:
    rules = {rule.route: rule.reason for rule in book().suggestion}
    suggestion = routes.suggest("a transcript of my hearing")[0]
    assert suggestion.reason == rules["transcripts"]
    assert str(suggestion).startswith("transcripts: ")


def test_suggest_falls_back_to_search_and_says_so_or_returns_nothing() -> None:
    assert routes.suggest("qqqzzz") == []
    fallback = routes.suggest("Splink")  # in the data, but in no suggestion rule
    assert fallback
    assert fallback[0].route.id == "data-first"
    assert "No rule" in fallback[0].reason


# --- a malformed data file gives a clear error naming route and field --------------------------


def _broken(tmp_path: Path, old: str, new: str) -> Path:
    text = PACKAGED.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"test target not unique in routes.toml: {old!r}"
    path = tmp_path / "routes.toml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "route", "field"),
    [
        (
            'action = "The panel decides whether to approve the application", '
            'confidence = "official"',
            'action = "The panel decides whether to approve the application", confidence = "maybe"',
            "data-access-panel",
            "steps[3].confidence",
        ),
        (
            '{ order = 3, action = "Submit the formal application',
            '{ order = 4, action = "Submit the formal application',
            "data-access-panel",
            "steps",
        ),
        (
            'related_routes = ["data-access-panel", "judicial-research"]',
            'related_routes = ["data-access-panel", "no-such-route"]',
            "research-fieldwork",
            "related_routes[1]",
        ),
        (
            'url = "https://www.gov.uk/apply-transcript-court-tribunal-hearing", '
            'confidence = "official"',
            'url = "http://www.gov.uk/apply-transcript-court-tribunal-hearing", '
            'confidence = "official"',
            "transcripts",
            "links[0].url",
        ),
        (
            '{ what = "Data Access Panel application", amount = "no fee found", '
            'confidence = "unverified", sources = ["reference-notes"] }',
            '{ what = "Data Access Panel application", amount = "no fee found", '
            'confidence = "unverified", sources = ["nowhere"] }',
            "data-access-panel",
            "fees[0].sources",
        ),
        (
            '{ what = "Data Access Panel application", amount = "no fee found", '
            'confidence = "unverified", sources = ["reference-notes"] }',
            '{ what = "Data Access Panel application", amount = "no fee found", '
            'sources = ["reference-notes"] }',
            "data-access-panel",
            "fees[0].confidence",
        ),
    ],
    ids=[
        "bad-confidence",
        "gap-in-steps",
        "unknown-related",
        "http-url",
        "unknown-source",
        "no-tag",
    ],
)
def test_malformed_file_names_route_and_field(
    tmp_path: Path, old: str, new: str, route: str, field: str
) -> None:
    path = _broken(tmp_path, old, new)
    with pytest.raises(ParseError) as info:
        load_file(path)
    message = str(info.value)
    assert f"route {route!r}" in message
    assert field in message
    assert info.value.file == str(path)


def test_malformed_dataset_and_toml_syntax(tmp_path: Path) -> None:
    path = _broken(tmp_path, 'id = "df-civil"', 'id = "df civil"')
    with pytest.raises(ParseError, match=r"Data First dataset 'df civil', field 'id'"):
        load_file(path)
    bad = tmp_path / "syntax.toml"
    bad.write_text("last_reviewed = 2026-01-01\n[[route]\n", encoding="utf-8")
    with pytest.raises(ParseError, match="not valid TOML") as info:
        load_file(bad)
    assert info.value.file == str(bad)
    with pytest.raises(ParseError, match="Cannot read"):
        load_file(tmp_path / "missing.toml")


def test_other_source_naming_an_unknown_finder_is_refused(tmp_path: Path) -> None:
    path = _broken(
        tmp_path,
        'finder = "employment-tribunal-decisions"',
        'finder = "employment-tribunal-judgments"',
    )
    with pytest.raises(ParseError) as info:
        load_file(path)
    message = str(info.value)
    assert "other source 'et-decisions'" in message
    assert "finder" in message
    assert "employment-tribunal-decisions" in message  # the known ones are listed
