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

import hashlib
import os
from collections.abc import Mapping
from pathlib import Path

from hmcts_data._catalogue._listing import Listing, read_listing, snapshot_listing_key
from hmcts_data._catalogue._store import discovery_key
from hmcts_data._environ import DEFAULT_BASE_URL, env_values
from hmcts_data._errors import ConfigurationError

__all__ = ["api_entry_dir", "packaged_listing_key", "snapshot_listing"]

_SNAPSHOT = Path(__file__).with_name("snapshot.json")
# The settings this path resolves itself; any other one set means the usual path.
_RESOLVED = frozenset({"offline", "cache_dir"})
# As the cache's temporary files are named (_cache._TMP_PREFIX): a probe left behind by a
# killed process is swept like any other temporary file.
_TMP_PREFIX = ".tmp-"
# As the cache names an API entry's body (_cache._API_BODY).
_BODY = "body.json"
# The cache's per-user fallback in the system's temporary folder is named so; the cache checks
# it is private before every use, so a cache directory of that name takes the usual path.
_FALLBACK_NAME = "hmcts-data-cache-"
# A kept listing is a few kilobytes; anything much larger is not one.
_LISTING_MAX = 1 << 20


def api_entry_dir(root: Path, url: str) -> Path:
    """Where the cache rooted at ``root`` keeps the API entry for ``url``.

    The cache's own layout (``Cache.api_entry``), restated here because the cache module
    imports pydantic; a test checks they agree.

    Example:
        >>> api_entry_dir(Path("c"), "https://www.gov.uk/x").parent.as_posix()
        'c/api'
    """
    return root / "api" / hashlib.sha256(url.encode("utf-8")).hexdigest()[:32]


def snapshot_listing(*, offline: bool, environ: Mapping[str, str] | None = None) -> Listing | None:
    """The kept listing of the embedded snapshot, when an offline catalogue would be it.

    That is when all of these hold; otherwise ``None`` (take the usual path):

    * offline (``offline`` or ``HMCTS_DATA_OFFLINE``), read as ``Settings.from_env`` reads it,
      and no other settings variable set (another base URL or cache rule changes the answer);
    * the cache directory (``HMCTS_DATA_CACHE_DIR``, else the platform's) can be used: it is
      created if missing and written to, as the cache does before its first use;
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
    root = values.get("cache_dir") or _default_cache_dir()
    if not _usable(root) or os.path.lexists(api_entry_dir(root, discovery_key(DEFAULT_BASE_URL))):
        return None
    key = packaged_listing_key()
    if key is None:
        return None
    try:
        with open(api_entry_dir(root, key) / _BODY, "rb") as kept:
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


def _default_cache_dir() -> Path:
    # As the cache resolves it (_cache._default_cache_dir).
    import platformdirs

    return Path(platformdirs.user_cache_dir("hmcts-data", appauthor=False))


def _usable(root: Path) -> bool:
    """Whether the cache would use ``root`` as it is (else it warns and falls back)."""
    if root.name.startswith(_FALLBACK_NAME):
        return False
    probe = root / f"{_TMP_PREFIX}probe-{os.getpid()}"
    try:
        root.mkdir(parents=True, exist_ok=True)
        os.close(os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        os.unlink(probe)
    except OSError:
        return False
    return True
