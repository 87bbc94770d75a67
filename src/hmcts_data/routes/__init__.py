"""Access routes to court and tribunal data beyond the open MI, as typed, sourced facts.

Open management information is only the first layer. Case-level data, historical records,
survey data, de-identified defendant-level data, transcripts and court records each have their
own route: steps, forms, contacts, timescales, fees and rules. Every fact here carries its
sources and a confidence (``official``, ``secondary`` or ``unverified``, plus ``dated``), and is
never shown without that tag. The facts live in ``routes.toml`` inside the package.

Example:
    >>> from hmcts_data import routes
    >>> dap = routes.get("data-access-panel")
    >>> dap.primary_email().value
    'dataaccesspanel@justice.gov.uk'
    >>> [s.route.id for s in routes.suggest("a transcript of my hearing")][:1]
    ['transcripts']
"""

from __future__ import annotations

from hmcts_data.routes._models import (
    AccessRoute,
    Confidence,
    Contact,
    ContactKind,
    DataFirstDataset,
    Fact,
    Fee,
    Form,
    Link,
    OtherSource,
    Platform,
    PlatformOffer,
    RouteKind,
    Source,
    Sourced,
    Step,
    Suggestion,
    Timescale,
    Track,
)
from hmcts_data.routes._proposal import (
    DataAccessProposal,
    IncompleteProposalError,
    Problem,
    Researcher,
)
from hmcts_data.routes._query import (
    data_first_datasets,
    get,
    last_reviewed,
    list,
    other_sources,
    render_markdown,
    search,
    suggest,
    unverified_facts,
)
from hmcts_data.routes._render import Routes, Suggestions

__all__ = [
    "AccessRoute",
    "Confidence",
    "Contact",
    "ContactKind",
    "DataAccessProposal",
    "DataFirstDataset",
    "Fact",
    "Fee",
    "Form",
    "IncompleteProposalError",
    "Link",
    "OtherSource",
    "Platform",
    "PlatformOffer",
    "Problem",
    "Researcher",
    "RouteKind",
    "Routes",
    "Source",
    "Sourced",
    "Step",
    "Suggestion",
    "Suggestions",
    "Timescale",
    "Track",
    "data_first_datasets",
    "get",
    "last_reviewed",
    "list",
    "other_sources",
    "render_markdown",
    "search",
    "suggest",
    "unverified_facts",
]
