"""Whether an offline catalogue would be the embedded snapshot, found without pydantic.

``hmcts-data --offline catalogue`` with no discovery cached prints the embedded snapshot.
Validating ``snapshot.json`` into the models costs more than the rest of the command (pydantic
alone is most of it), so the first such listing keeps what it printed in the user's cache
(under :func:`~hmcts_data._catalogue._listing.snapshot_listing_key`), and when the answer is
certainly the snapshot later ones print that instead. "Certainly" is checked cheaply and
conservatively: whenever anything differs from the plain case, :func:`snapshot_listing` says
``None`` and the command takes its usual path, which gives the same output (and keeps it), or
whatever error or warning that case calls for.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from hmcts_data._cache_layout import (
    API_BODY,
    LAYOUT_VERSION,
    default_cache_dir,
    entry_dir,
    fallback_cache_dir,
    read_marker,
    writable,
)
from hmcts_data._catalogue._listing import Listing, read_listing, snapshot_listing_key
from hmcts_data._catalogue._store import discovery_key
from hmcts_data._environ import DEFAULT_BASE_URL, env_values
from hmcts_data._errors import ConfigurationError

__all__ = ["packaged_listing_key", "snapshot_listing"]

_SNAPSHOT = Path(__file__).with_name("snapshot.json")
# The settings this path resolves itself; any other one set means the usual path.
_RESOLVED = frozenset({"offline", "cache_dir"})
# A kept listing is a few kilobytes; anything much larger is not one.
_LISTING_MAX = 1 << 20


def snapshot_listing(*, offline: bool, environ: Mapping[str, str] | None = None) -> Listing | None:
    """The kept listing of the embedded snapshot, when an offline catalogue would be it.

    That is when all of these hold; otherwise ``None`` (take the usual path):

    * offline (``offline`` or ``HMCTS_DATA_OFFLINE``), read as ``Settings.from_env`` reads it,
      and no other settings variable set (another base URL or cache rule changes the answer);
    * the cache directory (``HMCTS_DATA_CACHE_DIR``, else the platform's) can be used as it
      is: created if missing and written to, as the cache does before its first use, and not
      the shared fallback folder (which the cache checks is private before every use);
    * it is marked as a cache of this layout (see ``_cache_layout``);
    * no discovery is cached there for GOV.UK (nothing at all at its entry's path);
    * a listing is kept there for the embedded ``snapshot.json`` and this library's code.

    Args:
        offline: The command line's ``--offline``.
        environ: The environment (``os.environ`` when ``None``).

    Returns:
        The listing, or ``None``.

    Example:
        >>> snapshot_listing(offline=False, environ={}) is None
        True
    """
    env = os.environ if environ is None else environ
    try:
        values = env_values(env)
    except ConfigurationError:
        return None  # the usual path reports it
    if not values.keys() <= _RESOLVED or not (offline or values.get("offline", False)):
        return None
    root = values.get("cache_dir") or default_cache_dir()
    if root == fallback_cache_dir() or writable(root) is not None:
        return None
    if read_marker(root) != LAYOUT_VERSION:
        return None
    if os.path.lexists(entry_dir(root, "api", discovery_key(DEFAULT_BASE_URL))):
        return None
    key = packaged_listing_key()
    if key is None:
        return None
    try:
        with open(entry_dir(root, "api", key) / API_BODY, "rb") as kept:
            data = kept.read(_LISTING_MAX + 1)
    except OSError:
        return None
    listing = read_listing(data, key) if len(data) <= _LISTING_MAX else None
    return listing if listing is not None and listing.source == "snapshot" else None


def packaged_listing_key() -> str | None:
    """The cache identity of the embedded snapshot's listing (``None``: none is kept).

    Example:
        >>> packaged_listing_key().startswith("hmcts-data:snapshot-listing/")
        True
    """
    try:
        return snapshot_listing_key(_SNAPSHOT.read_bytes())
    except OSError:
        return None
