"""The assembled discovery, kept in the client's cache as one JSON entry.

Reading one validated file is much cheaper than re-reading ~100 cached API pages, and it is
what stands in when GOV.UK cannot be reached. It lives beside the API pages (``<cache>/api/``),
so ``hmcts-data cache info`` lists it and ``hmcts-data cache clear`` removes it.
"""

from __future__ import annotations

import hashlib
import logging
from typing import TYPE_CHECKING

from hmcts_data._cache_layout import API_BODY
from hmcts_data._errors import ParseError

# The models and the serialiser are imported where used: the offline listing (``_quick``)
# needs discovery_key without pydantic.
if TYPE_CHECKING:
    from datetime import datetime

    from hmcts_data._catalogue._listing import Listing
    from hmcts_data._catalogue._models import Catalogue
    from hmcts_data._client import Client

__all__ = ["discovery_key", "load_discovery", "save_discovery", "save_listing"]

logger = logging.getLogger("hmcts_data")


def discovery_key(base_url: str) -> str:
    """The cache identity of the discovery made from ``base_url`` (one per GOV.UK mirror).

    Example:
        >>> discovery_key("https://www.gov.uk")
        'https://www.gov.uk/#hmcts-data-catalogue'
    """
    return f"{base_url.rstrip('/')}/#hmcts-data-catalogue"


def load_discovery(client: Client) -> Catalogue | None:
    """Return the last discovery cached for the client's base URL, or ``None``.

    A damaged entry is logged and ignored (discovery then runs again and replaces it).

    Example:
        >>> load_discovery(client)  # doctest: +SKIP
    """
    from hmcts_data._catalogue._snapshot import load_catalogue_json

    entry = client.cache.api_entry(discovery_key(client.settings.base_url))
    found = entry.read_verified()
    if found is None:
        return None
    _, path, data = found
    try:
        catalogue = load_catalogue_json(data, origin=str(path))
    except ParseError as exc:
        logger.warning("ignoring the damaged cached catalogue at %s: %s", path, exc)
        return None
    return catalogue.model_copy(update={"source": "cache"})


def save_discovery(client: Client, catalogue: Catalogue) -> None:
    """Store ``catalogue`` as the client's cached discovery (atomically, under the entry lock).

    Example:
        >>> save_discovery(client, catalogue)  # doctest: +SKIP
    """
    from hmcts_data._catalogue._snapshot import dump_catalogue

    body = dump_catalogue(catalogue).encode("utf-8")
    _save(client, discovery_key(client.settings.base_url), body, catalogue.generated_at)


def save_listing(client: Client, listing: Listing, key: str) -> None:
    """Keep the snapshot's ``listing`` in the client's cache under ``key``, for ``_quick``.

    ``key`` is :func:`~hmcts_data._catalogue._listing.snapshot_listing_key` of the snapshot;
    ``hmcts-data cache clear`` removes the entry like any other.

    Example:
        >>> save_listing(client, listing, key)  # doctest: +SKIP
    """
    from hmcts_data._cache import now_utc
    from hmcts_data._catalogue._listing import dump_listing

    _save(client, key, dump_listing(listing, key).encode("utf-8"), now_utc())


def _save(client: Client, url: str, body: bytes, made: datetime) -> None:
    """Store a JSON ``body`` as the API entry of ``url`` (atomically, under the entry lock)."""
    from hmcts_data._cache import Sidecar, now_utc

    entry = client.cache.api_entry(url)
    with entry.lock():
        meta = Sidecar(
            url=url,
            final_url=url,
            content_type="application/json",
            size=len(body),
            sha256=hashlib.sha256(body).hexdigest(),
            retrieved_at=made,
            validated_at=now_utc(),
            filename=API_BODY,
        )
        entry.store(body, meta)
