"""The one explicit settings object, resolved as: arguments, then environment, then defaults.

Environment variables (part of the public contract):

``HMCTS_DATA_BASE_URL``       where the GOV.UK Content and Search APIs live (``https://www.gov.uk``)
``HMCTS_DATA_CACHE_DIR``      cache directory (platformdirs user cache dir for ``hmcts-data``)
``HMCTS_DATA_OFFLINE``        ``1``/``true``: never touch the network
``HMCTS_DATA_ALLOWED_HOSTS``  comma-separated extra hosts allowed to serve files
``HMCTS_DATA_TIMEOUT``        seconds to wait for each read (the answer, each part of a body) (15)
``HMCTS_DATA_CONNECT_TIMEOUT`` seconds to wait for a connection (5)
``HMCTS_DATA_RETRIES``        retries after the first attempt (4)
``HMCTS_DATA_RATE_LIMIT``     requests per second to GOV.UK (10, GOV.UK's published limit)
``HMCTS_DATA_API_MAX_AGE``    seconds an API page is used without revalidation (3600)
``HMCTS_DATA_FILE_MAX_AGE``   seconds a data file is used without revalidation (86400)
``HMCTS_DATA_DEADLINE``       seconds one request may take in all: connect, headers, body (120)
``HMCTS_DATA_RETRY_BUDGET``   seconds one call may take across all its attempts and waits (120)
``HMCTS_DATA_MAX_FILE_SIZE``  largest data file downloaded, in bytes (256 MiB)
``HMCTS_DATA_MAX_JSON_SIZE``  largest API page read, in bytes, after decompression (32 MiB)
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator

from hmcts_data._display import model_html
from hmcts_data._environ import (
    DEFAULT_BASE_URL,
    DEFAULT_DEADLINE,
    DEFAULT_MAX_FILE_SIZE,
    ENV_VARS,
    MAX_SECONDS,
    env_values,
)
from hmcts_data._errors import ConfigurationError
from hmcts_data._version import __version__

__all__ = ["PROJECT_URL", "Settings", "is_loopback_host"]

PROJECT_URL = "https://github.com/hmcts-data/hmcts-data"
GOVUK_HOSTS = ("www.gov.uk", "assets.publishing.service.gov.uk")
#: GOV.UK's published limit for Content API clients.
GOVUK_MAX_RATE = 10.0
#: Slowest rate accepted: one request in 1000 seconds (slower is a typo, and a wait that long
#: passes every deadline).
MIN_RATE = 0.001

# The variables and their raw parsing live in a pydantic-free module (the offline catalogue
# listing reads two of them without building Settings); the name stays for existing importers.
_ENV = ENV_VARS


def is_loopback_host(host: str) -> bool:
    """Return whether ``host`` is a loopback name or address (127.0.0.0/8, ::1, localhost).

    Args:
        host: A host name or IP address, without port.

    Returns:
        ``True`` for loopback hosts, where plain ``http`` is allowed.

    Example:
        >>> is_loopback_host("127.0.0.1"), is_loopback_host("www.gov.uk")
        (True, False)
    """
    host = host.strip("[]").lower()
    if host in {"localhost", "localhost.localdomain"}:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _unusable_in_url(ch: str) -> bool:
    """Whether ``ch`` cannot appear in a URL as given: controls, spaces, lone surrogates.

    A lone surrogate is how Python shows a byte of an environment variable that is not UTF-8.
    """
    code = ord(ch)
    return code <= 0x20 or code == 0x7F or 0x80 <= code <= 0x9F or 0xD800 <= code <= 0xDFFF


class Settings(BaseModel):
    """How ``hmcts_data`` reaches GOV.UK and where it keeps its cache.

    Build one with :meth:`Settings.from_env` to honour ``HMCTS_DATA_*`` variables, or directly
    for full control. Settings are immutable; use ``settings.model_copy(update=...)`` to vary one.

    Attributes:
        base_url: Where the Content and Search APIs live.
        cache_dir: Cache directory; ``None`` means the platform's user cache dir.
        offline: Never touch the network: serve from cache or raise ``OfflineError``.
        allowed_hosts: Extra hosts allowed to serve files, besides the base URL's host,
            ``www.gov.uk`` and ``assets.publishing.service.gov.uk``.
        timeout: Seconds to wait for each read: for the answer to start, then for each part
            of its body. A host silent that long is taken as unreachable (not retried).
        connect_timeout: Seconds to wait for a connection (a few: a network that drops
            packets should fail fast).
        unreachable_cooldown: Seconds a client keeps failing fast for a host found
            unreachable (its circuit breaker; ``0`` turns it off).
        retries: Retries after the first attempt, for transport errors, 429 and 5xx.
        rate_limit: Requests per second at most (GOV.UK asks for no more than 10).
        retry_after_cap: Longest ``Retry-After`` wait honoured, in seconds.
        backoff: First backoff wait in seconds (doubles each retry, with jitter).
        api_max_age: Seconds an API page is served from cache without revalidation.
        file_max_age: Seconds a data file is served from cache without revalidation.
        deadline: Seconds one request may take from connecting to the last byte of its body
            (redirects included), however the server trickles it. Not retried when passed.
        retry_budget: Seconds one call may take across all its attempts and the waits
            between them (backoff, ``Retry-After``); no retry starts that would end later.
        max_file_size: Largest data file downloaded, in bytes (the published MI files are
            a few kilobytes to about a megabyte). Larger answers are refused.
        max_json_size: Largest API page read, in bytes after any decompression.

    Example:
        >>> s = Settings(base_url="http://127.0.0.1:8000", offline=True)
        >>> s.offline, s.allowed_host_set >= {"127.0.0.1", "www.gov.uk"}
        (True, True)
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    base_url: str = DEFAULT_BASE_URL
    cache_dir: Path | None = None
    offline: bool = False
    allowed_hosts: tuple[str, ...] = ()
    timeout: float = Field(default=15.0, gt=0, le=600)
    connect_timeout: float = Field(default=5.0, gt=0, le=600)
    unreachable_cooldown: float = Field(default=30.0, ge=0, le=3600)
    retries: int = Field(default=4, ge=0, le=20)
    rate_limit: float = Field(default=GOVUK_MAX_RATE, ge=MIN_RATE)
    retry_after_cap: float = Field(default=60.0, ge=0)
    backoff: float = Field(default=0.5, ge=0)
    api_max_age: float = Field(default=3600.0, ge=0)
    file_max_age: float = Field(default=86400.0, ge=0)
    deadline: float = Field(default=DEFAULT_DEADLINE, gt=0, le=MAX_SECONDS)
    retry_budget: float = Field(default=120.0, gt=0, le=MAX_SECONDS)
    max_file_size: int = Field(default=DEFAULT_MAX_FILE_SIZE, gt=0)
    max_json_size: int = Field(default=32 * 2**20, gt=0)

    @field_validator("base_url")
    @classmethod
    def _check_base_url(cls, value: str) -> str:
        bad = next((ch for ch in value.strip() if _unusable_in_url(ch)), None)
        if bad is not None:
            what = (
                "a byte that is not UTF-8"
                if 0xD800 <= ord(bad) <= 0xDFFF
                else f"the character {bad!r}"
            )
            raise ValueError(f"base_url {value!r} contains {what}; a URL cannot hold it")
        parts = urlsplit(value.strip())
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise ValueError(f"base_url must be an http(s) URL with a host, got {value!r}")
        if parts.scheme == "http" and not is_loopback_host(parts.hostname):
            raise ValueError(
                f"base_url {value!r} uses plain http; only loopback hosts may (use https)"
            )
        return value.strip().rstrip("/")

    @field_validator("cache_dir")
    @classmethod
    def _check_cache_dir(cls, value: Path | None) -> Path | None:
        if value is not None and "\x00" in str(value):
            raise ValueError(f"cache_dir {str(value)!r} contains a NUL character")
        return value

    @field_validator("allowed_hosts", mode="before")
    @classmethod
    def _split_hosts(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = value.split(",")
        if isinstance(value, list | tuple):
            return tuple(str(h).strip().lower() for h in value if str(h).strip())
        return value

    @field_validator("rate_limit")
    @classmethod
    def _check_rate(cls, value: float, info: ValidationInfo) -> float:
        # GOV.UK's limit applies to GOV.UK; a local stand-in may be driven faster. A field
        # validator (base_url is validated first) so the error names HMCTS_DATA_RATE_LIMIT.
        host = urlsplit(str(info.data.get("base_url", ""))).hostname or ""
        if value > GOVUK_MAX_RATE and not is_loopback_host(host):
            raise ValueError(
                f"rate_limit {value:g} exceeds GOV.UK's published limit of "
                f"{GOVUK_MAX_RATE:g} requests per second"
            )
        return value

    @property
    def base_host(self) -> str:
        """The host name of :attr:`base_url`."""
        return urlsplit(self.base_url).hostname or ""

    @property
    def allowed_host_set(self) -> frozenset[str]:
        """Every host allowed to serve content: defaults plus :attr:`allowed_hosts`."""
        return frozenset({self.base_host, *GOVUK_HOSTS, *self.allowed_hosts})

    @property
    def user_agent(self) -> str:
        """The User-Agent sent with every request: library, version and project URL."""
        return f"hmcts-data/{__version__} (+{PROJECT_URL})"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Build settings from keyword arguments, then ``HMCTS_DATA_*`` variables, then defaults.

        Args:
            environ: The environment to read (``os.environ`` when ``None``).
            **overrides: Field values that win over the environment; ``None`` values are
                ignored so callers can pass optional arguments straight through.

        Returns:
            The resolved, validated settings.

        Raises:
            ConfigurationError: A variable or argument has an invalid value; the message
                names it.

        Example:
            >>> Settings.from_env({"HMCTS_DATA_OFFLINE": "1"}).offline
            True
        """
        values = env_values(os.environ if environ is None else environ)
        values.update({k: v for k, v in overrides.items() if v is not None})
        try:
            return cls.model_validate(values)
        except ValidationError as exc:
            problems = "; ".join(
                f"{_ENV.get(str(e['loc'][0]), e['loc'][0]) if e['loc'] else 'settings'}: {e['msg']}"
                for e in exc.errors()
            )
            raise ConfigurationError(
                f"Invalid hmcts_data settings: {problems}. Fix the argument or the environment "
                "variable named."
            ) from None

    def _repr_html_(self) -> str:
        # Jupyter shows the fields as a table (every public model has an HTML display).
        return model_html(self, "Settings")
