"""Parser for the MI on reformed services: digital uptake, applications, satisfaction.

No data file of this publication has been seen: the layout is read by
:func:`hmcts_data.read_tables` and labels are mapped with ``reformed_services_crosswalk.toml``
(plus the shared ``common_crosswalk.toml``). Unknown labels are kept with a warning by default; see
:mod:`hmcts_data.tables._publication`.
"""

from __future__ import annotations

from typing import Final

from hmcts_data.tables._publication import publication_parser

__all__ = ["PUBLICATION", "parse"]

#: Publication id this module parses.
PUBLICATION: Final = "reformed-services"

#: ``parse(data, provenance, *, on_unknown="keep", week_dates=None) -> DataFrame``; see
#: :func:`hmcts_data.tables._publication.publication_parser`.
parse = publication_parser(PUBLICATION)
