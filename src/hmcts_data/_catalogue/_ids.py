"""The publication id as the catalogue's models validate it: an id of the registry."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator

from hmcts_data._registry import registry

__all__ = ["PublicationId", "catalogue_ids"]


def catalogue_ids() -> tuple[str, ...]:
    """The ids of the publications the catalogue lists (found among GOV.UK pages), in order.

    Example:
        >>> catalogue_ids()[0]
        'monthly'
    """
    return registry().ids(source="collection")


def _known(value: str) -> str:
    ids = catalogue_ids()
    if value not in ids:
        raise ValueError(f"unknown publication id {value!r}; known: {', '.join(ids)}")
    return value


#: A publication id of the registry's collection publications (validated by the models).
PublicationId = Annotated[str, AfterValidator(_known)]
