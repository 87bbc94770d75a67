"""The ``HMCTS_DATA_*`` variables read as raw settings values, without pydantic.

:meth:`hmcts_data.Settings.from_env` validates what this returns; the offline catalogue
listing (``hmcts-data --offline catalogue``) reads ``offline`` and ``cache_dir`` through the
same function without building a :class:`~hmcts_data.Settings`, so both read a variable the
same way and importing pydantic is left to the commands that need it.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from hmcts_data._errors import ConfigurationError

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_DEADLINE",
    "DEFAULT_MAX_FILE_SIZE",
    "ENV_VARS",
    "MAX_SECONDS",
    "env_values",
]

#: Where the GOV.UK Content and Search APIs live, unless configured otherwise.
DEFAULT_BASE_URL = "https://www.gov.uk"

#: Largest data file read, downloaded or local (bytes): ``Settings.max_file_size``'s default.
DEFAULT_MAX_FILE_SIZE = 256 * 2**20
#: Seconds one request (or the read of a local file object) may take: ``Settings.deadline``.
DEFAULT_DEADLINE = 120.0
#: Longest deadline or retry budget a setting may give (seconds: one day).
MAX_SECONDS = 86400

#: Settings field -> the environment variable it is read from.
ENV_VARS: dict[str, str] = {
    "base_url": "HMCTS_DATA_BASE_URL",
    "cache_dir": "HMCTS_DATA_CACHE_DIR",
    "offline": "HMCTS_DATA_OFFLINE",
    "allowed_hosts": "HMCTS_DATA_ALLOWED_HOSTS",
    "timeout": "HMCTS_DATA_TIMEOUT",
    "connect_timeout": "HMCTS_DATA_CONNECT_TIMEOUT",
    "retries": "HMCTS_DATA_RETRIES",
    "rate_limit": "HMCTS_DATA_RATE_LIMIT",
    "api_max_age": "HMCTS_DATA_API_MAX_AGE",
    "file_max_age": "HMCTS_DATA_FILE_MAX_AGE",
    "deadline": "HMCTS_DATA_DEADLINE",
    "retry_budget": "HMCTS_DATA_RETRY_BUDGET",
    "max_file_size": "HMCTS_DATA_MAX_FILE_SIZE",
    "max_json_size": "HMCTS_DATA_MAX_JSON_SIZE",
}

_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off", ""})


def env_values(environ: Mapping[str, str]) -> dict[str, Any]:
    """Read the settings variables that are set into raw field values (not yet validated).

    Blank variables count as unset, except ``HMCTS_DATA_OFFLINE`` (blank means off).
    ``offline`` becomes a bool and ``cache_dir`` a :class:`~pathlib.Path` (``~`` expanded);
    every other value stays text, for the settings model to validate.

    Args:
        environ: The environment to read.

    Returns:
        Field name -> raw value, for the variables set.

    Raises:
        ConfigurationError: ``HMCTS_DATA_OFFLINE`` is not a boolean word, or
            ``HMCTS_DATA_CACHE_DIR`` names a user with no home (``~nosuchuser/x``) or holds a
            NUL character.

    Example:
        >>> env_values({"HMCTS_DATA_OFFLINE": "yes", "HMCTS_DATA_TIMEOUT": " "})
        {'offline': True}
    """
    values: dict[str, Any] = {}
    for field, var in ENV_VARS.items():
        raw = environ.get(var)
        if raw is None or (raw.strip() == "" and field != "offline"):
            continue
        if field == "offline":
            flag = raw.strip().lower()
            if flag not in _TRUE | _FALSE:
                raise ConfigurationError(f"{var}={raw!r} is not a boolean; use 1/true or 0/false.")
            values[field] = flag in _TRUE
        elif field == "cache_dir":
            values[field] = _cache_dir(var, raw)
        else:
            values[field] = raw
    return values


def _cache_dir(var: str, raw: str) -> Path:
    if "\x00" in raw:
        raise ConfigurationError(
            f"{var}={raw!r} contains a NUL character, which no path can hold; set it to a "
            "folder's path."
        )
    try:
        return Path(raw).expanduser()
    except RuntimeError as exc:  # "~name" of a user that does not exist, or no home at all
        raise ConfigurationError(
            f"{var}={raw!r} starts with ~, but that home directory cannot be found ({exc}); "
            "write the folder's full path instead."
        ) from None
