"""The publication ids, on their own: the models need them, and nothing else of the facts."""

from __future__ import annotations

from typing import Literal

__all__ = ["PUBLICATION_IDS", "PublicationId"]

#: The publication ids users type, in display order.
PUBLICATION_IDS: tuple[str, ...] = (
    "monthly",
    "weekly-covid",
    "remote-hearings",
    "reformed-services",
    "ad-hoc",
    "user-guide",
)

PublicationId = Literal[
    "monthly", "weekly-covid", "remote-hearings", "reformed-services", "ad-hoc", "user-guide"
]
