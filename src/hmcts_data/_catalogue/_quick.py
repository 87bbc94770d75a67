"""Whether an offline catalogue would be the embedded snapshot, found without pydantic.

``hmcts-data --offline catalogue`` on an empty cache prints the embedded snapshot. Validating
``snapshot.json`` into the models costs more than the rest of the command (pydantic alone is
most of it), so when the answer is certainly the snapshot the command prints its pre-built
listing instead (``snapshot.listing.json``, see ``_listing``). "Certainly" is checked
cheaply and conservatively: whenever anything differs from the plain case, :func:`snapshot_listing`
says ``None`` and the command takes its usual path, which gives the same output, or whatever
error or warning that case calls for.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from pathlib import Path

from hmcts_data._catalogue._listing import Listing, listing_path_for, read_prebuilt
from hmcts_data._catalogue._store import discovery_key
from hmcts_data._environ import DEFAULT_BASE_URL, env_values
from hmcts_data._errors import ConfigurationError

__all__ = ["api_entry_dir", "snapshot_listing"]

_SNAPSHOT = Path(__file__).with_name("snapshot.json")
# The settings this path resolves itself; any other one set means the usual path.
_RESOLVED = frozenset({"offline", "cache_dir"})
# As the cache's temporary files are named (_cache._TMP_PREFIX): a probe left behind by a
# killed process is swept like any other temporary file.
_TMP_PREFIX = ".tmp-"
# The cache's per-user fallback in the system's temporary folder is named so; the cache checks
# it is private before every use, so a cache directory of that name takes the usual path.
_FALLBACK_NAME = "hmcts-data-cache-"


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
    """The pre-built listing of the embedded snapshot, when an offline catalogue would be it.

    That is when all of these hold; otherwise ``None`` (take the usual path):

    * offline (``offline`` or ``HMCTS_DATA_OFFLINE``), read as ``Settings.from_env`` reads it,
      and no other settings variable set (another base URL or cache rule changes the answer);
    * the cache directory (``HMCTS_DATA_CACHE_DIR``, else the platform's) can be used: it is
      created if missing and written to, as the cache does before its first use;
    * no discovery is cached there for GOV.UK (nothing at all at its entry's path);
    * the embedded ``snapshot.json`` hashes to the sha256 its pre-built listing records.

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
    try:
        snapshot = _SNAPSHOT.read_bytes()
        prebuilt = listing_path_for(_SNAPSHOT).read_bytes()
    except OSError:
        return None
    listing = read_prebuilt(prebuilt, snapshot)
    return listing if listing is not None and listing.source == "snapshot" else None


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
