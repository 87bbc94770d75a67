"""From published files to the tidy frame.

The statistical-spreadsheet reader, the tidy contract and one parser module per publication
(each with its crosswalk as data).

Parser modules are found through :data:`PARSERS`; each exposes
``parse(data: bytes, provenance: Provenance, *, on_unknown: OnUnknown) -> pandas.DataFrame``
returning a frame that satisfies the tidy contract.
"""

from __future__ import annotations

from typing import Final, Literal

__all__ = ["PARSERS", "OnUnknown"]

#: What to do with a header or label the crosswalk does not know.
OnUnknown = Literal["raise", "keep"]

#: Publication id -> module holding its ``parse`` function.
PARSERS: Final[dict[str, str]] = {
    "monthly": "hmcts_data.tables.monthly",
    "weekly-covid": "hmcts_data.tables.weekly_covid",
    "remote-hearings": "hmcts_data.tables.remote_hearings",
    "reformed-services": "hmcts_data.tables.reformed_services",
    "ad-hoc": "hmcts_data.tables.ad_hoc",
}
