"""Parser for the weekly use of remote hearing technologies (hearings by mode).

No data file of this publication has been seen: the layout is read by
:func:`hmcts_data.read_tables` and labels are mapped with ``remote_hearings_crosswalk.toml``
(plus the shared ``common_crosswalk.toml``). Unknown labels are kept with a warning by default; see
:mod:`hmcts_data.tables._publication`.
"""

from __future__ import annotations

from typing import Final

from hmcts_data.tables._publication import publication_parser

__all__ = ["PUBLICATION", "parse"]

#: Publication id this module parses.
PUBLICATION: Final = "remote-hearings"

#: ``parse(data, provenance, *, on_unknown="keep", week_dates=None) -> DataFrame``; see
#: :func:`hmcts_data.tables._publication.publication_parser`.
parse = publication_parser(PUBLICATION)
