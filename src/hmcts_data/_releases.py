"""Which releases an answer rests on: one fallback chain for every verb that needs releases.

``load``, ``series``, ``release_changes``, the plots' loaders and the command line all ask
here. The chain is the same for each: the catalogue from GOV.UK (live, else a fresh cached
discovery); where GOV.UK cannot be asked, the cached discovery or the snapshot embedded in the
package; each file live or from the cache, else the real release embedded in the package. A
release the catalogue does not list is "not found" only when GOV.UK answered: otherwise the
error says the library could not check (:func:`unchecked_error`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from hmcts_data._errors import NotFoundError

if TYPE_CHECKING:
    from collections.abc import Callable

    from hmcts_data._catalogue import Catalogue, Publication, Release
    from hmcts_data._client import Client
    from hmcts_data._embedded import EmbeddedRelease

__all__ = ["Wanted", "month_of", "wanted"]


@dataclass(frozen=True)
class Wanted:
    """The releases a call asked for, as the catalogue in use lists them.

    Attributes:
        catalogue: The catalogue the releases were chosen from.
        releases: The releases it lists, in the order asked.
        embedded_only: Asked-for months the catalogue does not list but the package embeds,
            when GOV.UK could not be asked (they are read from the embedded copy).
    """

    catalogue: Catalogue
    releases: list[Release]
    embedded_only: list[EmbeddedRelease] = field(default_factory=list)

    @property
    def checked(self) -> bool:
        """Whether GOV.UK answered for the catalogue (see ``Catalogue.checked``)."""
        return self.catalogue.checked


def month_of(key: str | date | Release) -> str | None:
    """The data month ``"YYYY-MM"`` a release key names, where it names one.

    Example:
        >>> month_of("2025-04-30"), month_of(date(2025, 4, 1)), month_of("some-slug")
        ('2025-04', '2025-04', None)
    """
    import re

    if isinstance(key, datetime | date):
        return f"{key:%Y-%m}"
    if not isinstance(key, str):
        return key.key
    match = re.match(r"^(\d{4})-(0[1-9]|1[0-2])(?:-\d{2})?$", key.strip())
    return f"{match.group(1)}-{match.group(2)}" if match else None


def wanted(
    publication: str,
    release: str | date | Release | None,
    client: Client,
    *,
    all_ok: bool = True,
    on_release: Callable[[Release], None] | None = None,
) -> Wanted:
    """The releases ``release`` asks for, from the catalogue available now.

    Args:
        publication: The publication id.
        release: ``None`` or ``"latest"``, ``"all"`` (when ``all_ok``), or any form
            ``Publication.release`` takes.
        client: The client.
        all_ok: Whether ``"all"`` is a valid answer.
        on_release: Called with each release a live discovery reads, as soon as it is known
            (so its download can start).

    Raises:
        ConfigurationError: ``release`` is not a form a release can be given in.
        NotFoundError: GOV.UK answered and lists no such release (or the month is still to
            come), or the publication is unknown.
        OfflineError, NetworkError: GOV.UK could not be asked, and neither the catalogue in
            use nor the embedded copies have the release.
    """
    from hmcts_data._catalogue._api import catalogue_for
    from hmcts_data._catalogue._models import release_form
    from hmcts_data._embedded import embedded_for

    if release is not None:
        release_form(release)
    latest = release is None or (isinstance(release, str) and release.strip().lower() == "latest")
    # GOV.UK is asked only for what this call needs (the listing and the pages it names).
    cat = catalogue_for(
        publication, None if latest else release, client=client, on_release=on_release
    )
    pub = cat.get(publication)
    if latest:
        if not pub.releases and not cat.checked:
            raise _unchecked(pub, "latest", cat, client)
        return Wanted(cat, [pub.latest()])
    if all_ok and isinstance(release, str) and release.strip().lower() == "all":
        chosen = [r for r in pub.releases if r.data_files() and not r.is_withdrawn]
        if not chosen:
            if not cat.checked:
                raise _unchecked(pub, "with a machine-readable file", cat, client)
            raise NotFoundError(
                f"{publication} release with a machine-readable file", "all", pub.keys
            )
        return Wanted(cat, chosen)
    assert release is not None  # for mypy: None is the latest, above
    try:
        return Wanted(cat, [pub.release(release)])
    except NotFoundError:
        month = month_of(release)
        if cat.checked or (month is not None and month > f"{datetime.now(UTC):%Y-%m}"):
            raise  # GOV.UK answered, or no release can carry a month still to come
        item = embedded_for(publication, month) if month is not None else None
        if item is not None:
            return Wanted(cat, [], [item])
        raise _unchecked(pub, repr(month or str(release)), cat, client) from None


def _unchecked(pub: Publication, what: str, cat: Catalogue, client: Client) -> Exception:
    from hmcts_data._embedded._fallback import unchecked_error

    return unchecked_error(
        pub.id,
        what,
        reason=cat.unchecked_reason or "GOV.UK could not be asked",
        listed=list(dict.fromkeys(pub.keys)),
        offline=client.settings.offline,
        base_url=client.settings.base_url,
        page_url=pub.collection_url,
    )
