"""The facts about each publication (``publications.toml``), validated at load."""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from hmcts_data._catalogue._ids import PUBLICATION_IDS, PublicationId
from hmcts_data._errors import ParseError

__all__ = [
    "PUBLICATION_IDS",
    "PublicationFacts",
    "PublicationId",
    "PublicationsFile",
    "publication_facts",
]


class PublicationFacts(BaseModel):
    """What is known about one publication, independent of its releases."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    title: str
    description: str
    kind: Literal["data", "document"]
    frequency: str
    status: Literal["live", "ended"]
    in_collection: bool
    note: str | None = None


class PublicationsFile(BaseModel):
    """The whole of ``publications.toml``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    collection_url: str
    collection_path: str
    about_url: str
    licence: str
    licence_url: str
    publication: dict[str, PublicationFacts]

    @field_validator("publication")
    @classmethod
    def _every_id_once(cls, value: dict[str, PublicationFacts]) -> dict[str, PublicationFacts]:
        if set(value) != set(PUBLICATION_IDS):
            raise ValueError(
                f"publications must be exactly {sorted(PUBLICATION_IDS)}, got {sorted(value)}"
            )
        return value


@cache
def publication_facts() -> PublicationsFile:
    """Load and validate ``publications.toml`` (cached after the first call).

    Returns:
        The validated facts.

    Raises:
        ParseError: The packaged file is malformed (a packaging bug).

    Example:
        >>> publication_facts().publication["monthly"].status
        'live'
    """
    ref = resources.files("hmcts_data._catalogue").joinpath("publications.toml")
    try:
        return PublicationsFile.model_validate(tomllib.loads(ref.read_text(encoding="utf-8")))
    except (tomllib.TOMLDecodeError, ValidationError) as exc:
        raise ParseError(
            f"The packaged publications.toml is invalid: {exc}. Reinstall hmcts-data.",
            file="hmcts_data/_catalogue/publications.toml",
        ) from None
