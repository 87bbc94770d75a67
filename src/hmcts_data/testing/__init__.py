"""A local stand-in for GOV.UK, for testing code that uses ``hmcts_data`` without the internet.

:class:`FakeGovUK` is a real HTTP server on ``127.0.0.1`` serving Content API pages, the Search
API and asset files, with ETag/Last-Modified revalidation and injectable faults
(:class:`Status`, :class:`Drop`, :class:`ShortBody`, :class:`Delay`, :class:`Html`,
:class:`Empty`, :class:`Trickle`, :class:`GzipBomb`, :class:`Gzipped`, :class:`HugeBody`,
:class:`Success`, :class:`NotModified`). With pytest, the ``fake_govuk`` fixture (registered
automatically when ``hmcts-data`` is installed) yields a started server and points
``HMCTS_DATA_BASE_URL`` at it.
:func:`synthetic_tidy` builds a small SYNTHETIC tidy frame (several releases, revisions,
missing values) for testing code that consumes frames, with no file and no server.
:func:`build_site` fills a :class:`FakeGovUK` with a SYNTHETIC HMCTS management information
site (the collection, several dozen release pages of every publication, attachments, paged
Search API results) for testing catalogue discovery end to end; :func:`build_data_site` serves
a site whose attachments are real SYNTHETIC data files that parse into tidy frames, and
:func:`build_embedded_site` one whose monthly releases are the real published files embedded in
hmcts-data (the offline demo's site).
:func:`build_decisions_site` serves the six tribunal-decision finders and a SYNTHETIC corpus
of tens of thousands of decisions, with a Search API that can misbehave on demand (a paging
cap, latency, shifted pages, endless pages), for testing code that searches or harvests them.
:func:`monthly_csv` and :func:`monthly_releases` write SYNTHETIC monthly MI CSV files in every
published layout (with the cells each holds), and :func:`publication_csv` a CSV in the shape of
another publication's tables, for testing code that reads files.

Example:
    >>> from hmcts_data.testing import FakeGovUK
    >>> with FakeGovUK() as fake:
    ...     url = fake.add_json("/api/content/x", {"title": "x"})
    ...     url.startswith(fake.base_url)
    True
"""

from __future__ import annotations

from hmcts_data.testing._decisions import DecisionsSite, build_decisions_site
from hmcts_data.testing._demo import DataSite, build_data_site
from hmcts_data.testing._embedded_site import EmbeddedSite, build_embedded_site
from hmcts_data.testing._faults import (
    Delay,
    Drop,
    Empty,
    Fault,
    GzipBomb,
    Gzipped,
    Html,
    HugeBody,
    NotModified,
    ShortBody,
    Status,
    Success,
    Trickle,
)
from hmcts_data.testing._frames import synthetic_tidy
from hmcts_data.testing._monthly_files import (
    ExpectedCell,
    MonthlyFile,
    monthly_csv,
    monthly_releases,
)
from hmcts_data.testing._server import FakeGovUK, Mounted, RecordedRequest
from hmcts_data.testing._site import Site, SiteFile, SitePage, SiteRelease, build_site
from hmcts_data.testing._table_files import publication_csv

__all__ = [
    "DataSite",
    "DecisionsSite",
    "Delay",
    "Drop",
    "EmbeddedSite",
    "Empty",
    "ExpectedCell",
    "FakeGovUK",
    "Fault",
    "GzipBomb",
    "Gzipped",
    "Html",
    "HugeBody",
    "MonthlyFile",
    "Mounted",
    "NotModified",
    "RecordedRequest",
    "ShortBody",
    "Site",
    "SiteFile",
    "SitePage",
    "SiteRelease",
    "Status",
    "Success",
    "Trickle",
    "build_data_site",
    "build_decisions_site",
    "build_embedded_site",
    "build_site",
    "monthly_csv",
    "monthly_releases",
    "publication_csv",
    "synthetic_tidy",
]
