"""The HMCTS open data catalogue: typed models, live discovery from GOV.UK, and a snapshot.

Private package (the public name ``hmcts_data.catalogue`` is the function); the public names
are re-exported from :mod:`hmcts_data`.
"""

from __future__ import annotations

from hmcts_data._catalogue._api import catalogue
from hmcts_data._catalogue._formats import AttachmentFormat
from hmcts_data._catalogue._models import (
    Attachment,
    Catalogue,
    Change,
    Publication,
    Release,
    Withdrawal,
)

__all__ = [
    "Attachment",
    "AttachmentFormat",
    "Catalogue",
    "Change",
    "Publication",
    "Release",
    "Withdrawal",
    "catalogue",
]
