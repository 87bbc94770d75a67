"""Parser for ad hoc MI releases (e.g. magistrates' courts after the 2024 public disorder).

No data file of this publication has been seen: the layout is read by
:func:`hmcts_data.read_tables` and labels are mapped with ``ad_hoc_crosswalk.toml``
(plus the shared ``common_crosswalk.toml``). Unknown labels are kept with a warning by default; see
:mod:`hmcts_data.tables._publication`.
"""

from __future__ import annotations

from typing import Final

from hmcts_data.tables._publication import publication_parser

__all__ = ["PUBLICATION", "parse"]

#: Publication id this module parses.
PUBLICATION: Final = "ad-hoc"

#: ``parse(data, provenance, *, on_unknown="keep", week_dates=None) -> DataFrame``; see
#: :func:`hmcts_data.tables._publication.publication_parser`.
parse = publication_parser(PUBLICATION)
