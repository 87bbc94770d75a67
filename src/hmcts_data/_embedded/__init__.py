"""Real HMCTS releases shipped inside the package, and where each copy came from.

Five monthly management-information files (one per layout era, and the release after the
era-D one: a real consecutive pair), as HMCTS published them on
GOV.UK (Open Government Licence v3.0, © Crown copyright), copied byte for byte. They let a
first run with no network show real figures: :func:`hmcts_data.load` falls back to them when
GOV.UK cannot be reached and nothing fresher is cached, and the offline demo serves them.

``releases.toml`` holds the provenance; it is validated at load, and every file is checked
against its recorded size and sha256, so a damaged install fails loudly instead of serving
altered figures.
"""

from __future__ import annotations

import hashlib
import tomllib
from functools import cache
from importlib import resources
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from hmcts_data._display import model_html
from hmcts_data._errors import ParseError

__all__ = [
    "EMBEDDED_URL_PREFIX",
    "EmbeddedRelease",
    "EmbeddedReleases",
    "embedded_bytes",
    "embedded_for",
    "embedded_releases",
]

#: ``source_url`` of every row read from an embedded copy starts with this.
EMBEDDED_URL_PREFIX = "embedded:hmcts_data/"

_PACKAGE = "hmcts_data._embedded"


class EmbeddedRelease(BaseModel):
    """One real release shipped inside the package.

    Attributes:
        publication: Publication id (``"monthly"``).
        release: Latest data month of the release, ``"YYYY-MM"``.
        era: Layout era of the file, one of the monthly crosswalk's eras (``"A"`` 2019 ...
            ``"D"`` 2025; see the monthly docs).
        file: File name inside the package.
        published_name: The file's name as published on GOV.UK.
        size: Size in bytes.
        sha256: sha256 of the bytes.
        source: Where the copy was taken from, ``owner/repo@commit:path`` on GitHub (a user's
            saved download of the GOV.UK file).

    Example:
        >>> import hmcts_data
        >>> " ".join(r.release for r in hmcts_data.embedded_releases())
        '2019-04 2021-04 2022-04 2025-04 2025-05'
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    publication: Literal["monthly"]
    release: str = Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")
    era: str = Field(min_length=1)
    file: str = Field(min_length=1)
    published_name: str = Field(min_length=1)
    size: int = Field(gt=0)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    source: str = Field(pattern=r"^[\w.-]+/[\w.-]+@[0-9a-f]{7,40}:.+$")

    @property
    def source_url(self) -> str:
        """What the tidy ``source_url`` column says for figures from this copy."""
        return f"{EMBEDDED_URL_PREFIX}{self.file}"

    def _repr_html_(self) -> str:
        # Jupyter shows the provenance as a table (every public model has an HTML display).
        return model_html(self, f"Embedded release {self.label}")

    @property
    def attribution(self) -> str:
        """The licence attribution its figures must be shown with (OGL v3.0, Crown copyright).

        Example:
            >>> import hmcts_data
            >>> "Open Government Licence v3.0" in hmcts_data.embedded_releases()[0].attribution
            True
        """
        return attribution()

    @property
    def label(self) -> str:
        """A short name for messages: ``"monthly 2025-04 (HMCTS_MI_output_accessible.csv)"``."""
        return f"{self.publication} {self.release} ({self.published_name})"


class EmbeddedReleases(BaseModel):
    """The embedded releases and their licence (the validated ``releases.toml``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    licence: str
    licence_url: str
    attribution: str
    release: tuple[EmbeddedRelease, ...]


@cache
def _manifest() -> EmbeddedReleases:
    ref = resources.files(_PACKAGE).joinpath("releases.toml")
    try:
        manifest = EmbeddedReleases.model_validate(tomllib.loads(ref.read_text("utf-8")))
    except (OSError, tomllib.TOMLDecodeError, ValidationError) as exc:
        raise ParseError(
            f"The packaged list of embedded releases is invalid: {exc}. Reinstall hmcts-data.",
            file="hmcts_data/_embedded/releases.toml",
        ) from exc
    keys = [(r.publication, r.release) for r in manifest.release]
    if len(set(keys)) != len(keys):
        raise ParseError(
            "The packaged list of embedded releases names a release twice. Reinstall hmcts-data.",
            file="hmcts_data/_embedded/releases.toml",
        )
    return manifest


def embedded_releases(publication: str = "monthly") -> tuple[EmbeddedRelease, ...]:
    """The real releases shipped inside the package, oldest first.

    They are what :func:`hmcts_data.load`, :func:`hmcts_data.series` and
    :func:`hmcts_data.revisions` fall back to when GOV.UK cannot be reached and nothing
    fresher is cached; figures read from them carry a ``source_url`` starting with
    ``"embedded:"``. Data: Open Government Licence v3.0, © Crown copyright (HMCTS).

    Args:
        publication: Publication id; only ``"monthly"`` has embedded releases.

    Returns:
        The embedded releases of that publication (empty for the others).

    Raises:
        ParseError: The packaged list is damaged (reinstall).

    Example:
        >>> import hmcts_data
        >>> newest = hmcts_data.embedded_releases()[-1]
        >>> newest.release, newest.published_name
        ('2025-05', 'HMCTS_MI_output_accessible.csv')
    """
    found = [r for r in _manifest().release if r.publication == publication]
    return tuple(sorted(found, key=lambda r: r.release))


def embedded_for(publication: str, release: str) -> EmbeddedRelease | None:
    """The embedded copy of one release (``"YYYY-MM"``), or ``None`` when there is none."""
    for item in embedded_releases(publication):
        if item.release == release:
            return item
    return None


def attribution() -> str:
    """The licence attribution the embedded figures must be shown with."""
    return _manifest().attribution


def embedded_bytes(item: EmbeddedRelease) -> bytes:
    """The bytes of an embedded file, checked against its recorded size and sha256.

    Raises:
        ParseError: The file is missing or altered (a damaged install: reinstall).
    """
    where = f"hmcts_data/_embedded/files/{item.file}"
    try:
        data = resources.files(_PACKAGE).joinpath("files", item.file).read_bytes()
    except OSError as exc:
        raise ParseError(
            f"The embedded release {item.label} is missing from the install ({where}): "
            f"{exc}. Reinstall hmcts-data.",
            file=where,
        ) from exc
    if len(data) != item.size or hashlib.sha256(data).hexdigest() != item.sha256:
        raise ParseError(
            f"The embedded release {item.label} ({where}) does not match its recorded size and "
            "sha256: the install is damaged. Reinstall hmcts-data.",
            file=where,
        )
    return data
