"""The Data Access Panel proposal helper: problems field by field, and the email text."""

from __future__ import annotations

from typing import Any

import pytest

from hmcts_data import HMCTSDataError, routes
from hmcts_data.routes import DataAccessProposal, IncompleteProposalError, Researcher
from hmcts_data.routes._models import AccessRoute

COMPLETE: dict[str, Any] = {
    "title": "Delay and outcomes in county court possession claims",
    "data_requirements": (
        "Case-level records of possession claims issued in the County Court in England and "
        "Wales from 2015 to 2024: hearing dates, hearing types and outcomes, without names."
    ),
    "gdpr_conditions": "Article 6(1)(e) public task; no special category data requested.",
    "purpose_and_scope": (
        "To measure how long possession claims take from issue to outcome, how that varies "
        "between courts and over time, and whether adjournments are associated with different "
        "outcomes, to inform policy on housing disputes."
    ),
    "researchers": (
        Researcher(
            name="Dr A. Example",
            institution="University of Somewhere",
            role="principal investigator",
            ons_accredited=True,
        ),
        Researcher(name="B. Sample", institution="University of Somewhere", ons_accredited=False),
    ),
    "funding_and_ethics": (
        "Funded by a research council grant awarded in 2026; university ethics approval granted "
        "in March 2026."
    ),
    "timeline": "Data needed by June 2027; analysis over 18 months.",
}

# Every field the six items map onto, and a value that leaves it empty.
EMPTY = {
    "title": "",
    "data_requirements": "  ",
    "gdpr_conditions": "TBC",
    "purpose_and_scope": "n/a",
    "researchers": (),
    "funding_and_ethics": "-",
    "timeline": "",
}


def _proposal(**changes: Any) -> DataAccessProposal:
    return DataAccessProposal(**{**COMPLETE, **changes})


def test_complete_proposal_has_no_problems_and_renders_every_item() -> None:
    proposal = _proposal()
    assert proposal.problems() == []
    assert proposal.is_ready()
    text = proposal.email()
    headings = [line for line in text.splitlines() if line[:2] in {f"{i}." for i in range(1, 7)}]
    assert [h[:2] for h in headings] == ["1.", "2.", "3.", "4.", "5.", "6."]
    for field in ("title", "data_requirements", "gdpr_conditions", "purpose_and_scope"):
        assert COMPLETE[field] in text
    assert COMPLETE["funding_and_ethics"] in text
    assert COMPLETE["timeline"] in text
    assert "Dr A. Example (principal investigator), University of Somewhere; " in text
    assert "ONS accredited researcher: yes" in text
    assert "ONS accredited researcher: no" in text
    assert text.splitlines()[1] == (
        f"Subject: Research proposal summary for the Data Access Panel: {COMPLETE['title']}"
    )
    assert text.rstrip().endswith("Dr A. Example")


def test_email_is_addressed_to_the_published_contact_from_the_route_data() -> None:
    published = routes.get("data-access-panel").primary_email()
    assert published is not None
    assert _proposal().email().splitlines()[0] == f"To: {published.value}"


def test_address_follows_the_data_not_the_code(monkeypatch: pytest.MonkeyPatch) -> None:
    dap = routes.get("data-access-panel")
    moved = dap.contacts[0].model_copy(update={"value": "new-panel@justice.gov.uk"})
    patched = dap.model_copy(update={"contacts": (moved,)})
    monkeypatch.setattr("hmcts_data.routes._query.get", lambda _id: patched)
    assert _proposal().email().splitlines()[0] == "To: new-panel@justice.gov.uk"


def test_an_unconfirmed_address_warns(monkeypatch: pytest.MonkeyPatch) -> None:
    dap = routes.get("data-access-panel")
    shaky = dap.contacts[0].model_copy(update={"confidence": routes.Confidence.SECONDARY})
    patched = dap.model_copy(update={"contacts": (shaky,)})
    monkeypatch.setattr("hmcts_data.routes._query.get", lambda _id: patched)
    with pytest.warns(UserWarning, match=r"\[secondary\]"):
        _proposal().email()


def test_no_email_contact_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    patched: AccessRoute = routes.get("data-access-panel").model_copy(update={"contacts": ()})
    monkeypatch.setattr("hmcts_data.routes._query.get", lambda _id: patched)
    with pytest.raises(HMCTSDataError, match="no email contact"):
        _proposal().email()


@pytest.mark.parametrize("field", list(EMPTY))
def test_each_missing_item_is_reported_and_blocks_the_email(field: str) -> None:
    proposal = _proposal(**{field: EMPTY[field]})
    problems = proposal.problems()
    assert [p.field for p in problems] == [field]
    assert problems[0].kind.value == "missing"
    with pytest.raises(IncompleteProposalError) as info:
        proposal.email()
    assert info.value.problems == tuple(problems)
    assert field in str(info.value)
    assert "force=True" in str(info.value)
    drafted = proposal.email(force=True)
    assert "[not yet provided]" in drafted


@pytest.mark.parametrize(
    ("field", "thin"),
    [
        ("title", "Possession delays"),
        ("data_requirements", "Possession claims case data."),
        ("gdpr_conditions", "Public task"),
        ("purpose_and_scope", "To study delay in possession claims."),
        ("funding_and_ethics", "Funded; ethics approved."),
        ("timeline", "18 months"),
    ],
)
def test_too_thin_text_is_reported_with_the_word_counts(field: str, thin: str) -> None:
    problems = _proposal(**{field: thin}).problems()
    assert len(problems) == 1
    assert problems[0].field == field
    assert problems[0].kind.value == "too_thin"
    words = len(thin.replace(";", " ").replace(".", " ").split())
    minimum = DataAccessProposal.MIN_WORDS[field]
    assert f"({words} words, at least {minimum} expected)" in problems[0].message


def test_exactly_the_minimum_is_enough() -> None:
    minimum = DataAccessProposal.MIN_WORDS["timeline"]
    assert _proposal(timeline=" ".join(["month"] * minimum)).problems() == []
    thin = _proposal(timeline=" ".join(["month"] * (minimum - 1))).problems()
    assert [p.field for p in thin] == ["timeline"]


def test_researcher_details_are_checked_one_by_one() -> None:
    people = (
        Researcher(name="C. Person", institution="", ons_accredited=True),
        Researcher(name="", institution="Institute", ons_accredited=None),
    )
    problems = _proposal(researchers=people).problems()
    assert [(p.field, p.kind.value) for p in problems] == [
        ("researchers[0].institution", "missing"),
        ("researchers[1].name", "missing"),
        ("researchers[1].ons_accredited", "not_stated"),
    ]


def test_problems_come_in_the_order_the_panel_asks_and_print_readably() -> None:
    problems = DataAccessProposal().problems()
    assert [p.field for p in problems] == [
        "title",
        "data_requirements",
        "gdpr_conditions",
        "purpose_and_scope",
        "researchers",
        "funding_and_ethics",
        "timeline",
    ]
    assert str(problems[0]).startswith("title: add ")


def test_proposal_is_immutable_and_rejects_unknown_fields() -> None:
    proposal = _proposal()
    with pytest.raises(ValueError, match="frozen"):
        setattr(proposal, "title", "x")  # noqa: B010 - mypy does not know pydantic's frozen
    with pytest.raises(ValueError, match="extra"):
        DataAccessProposal.model_validate({"titel": "typo"})


def test_error_class_fits_the_library_tree() -> None:
    assert issubclass(IncompleteProposalError, HMCTSDataError)
    assert issubclass(IncompleteProposalError, ValueError)
