"""Tribunal decisions published on GOV.UK finders: typed search, a resumable harvest, frames.

Six GOV.UK finders published with HMCTS hold tribunal decisions, one page per decision with
its metadata and the decision as a PDF: employment tribunal, employment appeal tribunal,
Upper Tribunal tax and chancery, Upper Tribunal administrative appeals, residential property
and asylum support decisions. :func:`finders` describes them, :func:`search` queries one,
:func:`harvest` fetches a whole finder as a frame (incrementally, resumably) and
:func:`decision` reads one decision's page and PDF.

Example:
    >>> from hmcts_data import decisions
    >>> [f.id for f in decisions.finders()]  # doctest: +NORMALIZE_WHITESPACE
    ['employment-tribunal-decisions', 'employment-appeal-tribunal-decisions',
     'tax-and-chancery-tribunal-decisions', 'administrative-appeals-tribunal-decisions',
     'residential-property-tribunal-decisions', 'asylum-support-tribunal-decisions']
    >>> frame = decisions.harvest("employment-tribunal")  # doctest: +SKIP
    >>> decisions.explode(frame, "categories").groupby(  # doctest: +SKIP
    ...     [frame.decision_date.dt.year, "categories"]).size()
"""

from __future__ import annotations

from hmcts_data.decisions._finders import Facet, FacetValue, Finder, finder, finders
from hmcts_data.decisions._harvest import harvest
from hmcts_data.decisions._models import Decision, Decisions, explode, to_frame
from hmcts_data.decisions._page import DecisionPage, decision
from hmcts_data.decisions._search import search

__all__ = [
    "Decision",
    "DecisionPage",
    "Decisions",
    "Facet",
    "FacetValue",
    "Finder",
    "decision",
    "explode",
    "finder",
    "finders",
    "harvest",
    "search",
    "to_frame",
]
