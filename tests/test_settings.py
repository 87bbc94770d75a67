"""Settings: arguments > environment > defaults, every HMCTS_DATA_* variable, clear errors."""

from __future__ import annotations

import getpass
import platform
import socket
from pathlib import Path

import pytest

from hmcts_data import Client, ConfigurationError, Settings
from hmcts_data._environ import env_values
from hmcts_data._settings import GOVUK_HOSTS, PROJECT_URL, is_loopback_host
from hmcts_data._version import __version__

# Every public variable, a valid raw value, the field and the value it must become.
VALID: list[tuple[str, str, str, object]] = [
    ("HMCTS_DATA_BASE_URL", "http://127.0.0.1:8123/", "base_url", "http://127.0.0.1:8123"),
    ("HMCTS_DATA_CACHE_DIR", "/tmp/hmcts-x", "cache_dir", Path("/tmp/hmcts-x")),
    ("HMCTS_DATA_OFFLINE", "true", "offline", True),
    (
        "HMCTS_DATA_ALLOWED_HOSTS",
        " Mirror.Example , b.test,",
        "allowed_hosts",
        ("mirror.example", "b.test"),
    ),
    ("HMCTS_DATA_TIMEOUT", "7.5", "timeout", 7.5),
    ("HMCTS_DATA_RETRIES", "2", "retries", 2),
    ("HMCTS_DATA_RATE_LIMIT", "2.5", "rate_limit", 2.5),
    ("HMCTS_DATA_API_MAX_AGE", "60", "api_max_age", 60.0),
    ("HMCTS_DATA_FILE_MAX_AGE", "0", "file_max_age", 0.0),
]

INVALID: list[tuple[str, str]] = [
    ("HMCTS_DATA_BASE_URL", "ftp://www.gov.uk"),
    ("HMCTS_DATA_BASE_URL", "http://www.gov.uk"),  # plain http off loopback
    ("HMCTS_DATA_OFFLINE", "maybe"),
    ("HMCTS_DATA_TIMEOUT", "soon"),
    ("HMCTS_DATA_TIMEOUT", "0"),
    ("HMCTS_DATA_RETRIES", "-1"),
    ("HMCTS_DATA_RATE_LIMIT", "50"),  # above GOV.UK's limit for a GOV.UK base URL
    ("HMCTS_DATA_API_MAX_AGE", "-5"),
    ("HMCTS_DATA_FILE_MAX_AGE", "a day"),
]


def test_defaults() -> None:
    s = Settings.from_env({})
    assert s.base_url == "https://www.gov.uk"
    assert s.cache_dir is None
    assert s.offline is False
    assert s.rate_limit <= 10
    assert s.timeout == 15
    assert s.connect_timeout <= 10  # a few seconds: interactive use
    assert s.allowed_host_set == frozenset(GOVUK_HOSTS)


@pytest.mark.parametrize(("var", "raw", "field", "value"), VALID)
def test_each_variable_is_read(var: str, raw: str, field: str, value: object) -> None:
    assert getattr(Settings.from_env({var: raw}), field) == value


@pytest.mark.parametrize(("var", "raw"), INVALID)
def test_invalid_values_name_the_variable(var: str, raw: str) -> None:
    with pytest.raises(ConfigurationError, match=var):
        Settings.from_env({var: raw})


@pytest.mark.parametrize("raw", ["0", "false", "no", "off", ""])
def test_offline_false_spellings(raw: str) -> None:
    assert Settings.from_env({"HMCTS_DATA_OFFLINE": raw}).offline is False


@pytest.mark.parametrize(
    "env",
    [
        {},
        {"HMCTS_DATA_OFFLINE": " YES "},
        {"HMCTS_DATA_OFFLINE": "", "HMCTS_DATA_CACHE_DIR": "~/hmcts-cache"},
        {"HMCTS_DATA_OFFLINE": "off", "HMCTS_DATA_CACHE_DIR": "  "},
        {"HMCTS_DATA_CACHE_DIR": "relative/cache", "HMCTS_DATA_TIMEOUT": "7"},
    ],
)
def test_the_pydantic_free_reading_is_what_settings_validate(env: dict[str, str]) -> None:
    # The offline catalogue listing reads offline and cache_dir through env_values alone.
    raw = env_values(env)
    settings = Settings.from_env(env)
    assert raw.get("offline", False) is settings.offline
    assert raw.get("cache_dir") == settings.cache_dir


def test_the_pydantic_free_reading_refuses_what_settings_refuse() -> None:
    with pytest.raises(ConfigurationError, match="HMCTS_DATA_OFFLINE") as raw:
        env_values({"HMCTS_DATA_OFFLINE": "maybe"})
    with pytest.raises(ConfigurationError) as validated:
        Settings.from_env({"HMCTS_DATA_OFFLINE": "maybe"})
    assert str(raw.value) == str(validated.value)


def test_arguments_beat_environment_beat_defaults() -> None:
    env = {"HMCTS_DATA_TIMEOUT": "5", "HMCTS_DATA_RETRIES": "1"}
    s = Settings.from_env(env, timeout=9, retries=None)
    assert s.timeout == 9  # argument wins
    assert s.retries == 1  # None argument falls through to the environment
    assert s.backoff == Settings().backoff  # default


def test_from_real_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HMCTS_DATA_RETRIES", "3")
    assert Settings.from_env().retries == 3


def test_client_resolution_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HMCTS_DATA_TIMEOUT", "5")
    assert Client().settings.timeout == 5
    assert Client(timeout=6).settings.timeout == 6
    # An explicit Settings object ignores the environment; overrides still apply on top.
    explicit = Client(Settings(), retries=1, offline=None).settings
    assert (explicit.timeout, explicit.retries, explicit.offline) == (15, 1, False)


def test_client_overrides_are_validated() -> None:
    with pytest.raises(ConfigurationError, match="timeout"):
        Client(Settings(), timeout=-1)
    with pytest.raises(ConfigurationError, match="HMCTS_DATA_TIMEOUT"):
        Client(timeout=-1)


def test_several_clients_with_different_settings(tmp_path: Path) -> None:
    a = Client(cache_dir=tmp_path / "a", offline=True)
    b = Client(cache_dir=tmp_path / "b")
    assert (a.settings.offline, b.settings.offline) == (True, False)
    assert a.cache_info().location != b.cache_info().location


def test_settings_are_frozen() -> None:
    with pytest.raises(ValueError, match="frozen"):
        Settings().timeout = 1


def test_allowed_hosts_include_base_host() -> None:
    s = Settings(base_url="https://mirror.example", allowed_hosts=("cdn.example",))
    assert {"mirror.example", "cdn.example", *GOVUK_HOSTS} == s.allowed_host_set


def test_loopback_may_go_faster_than_govuk_limit() -> None:
    assert Settings(base_url="http://127.0.0.1:1", rate_limit=1000).rate_limit == 1000


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("www.gov.uk", False),
        ("10.0.0.1", False),
        ("", False),
    ],
)
def test_is_loopback_host(host: str, loopback: bool) -> None:
    assert is_loopback_host(host) is loopback


def test_user_agent_names_library_version_and_project_only() -> None:
    agent = Settings().user_agent
    assert agent == f"hmcts-data/{__version__} (+{PROJECT_URL})"
    private = {getpass.getuser(), socket.gethostname(), platform.node()} - {""}
    assert not any(p.lower() in agent.lower() for p in private if len(p) > 2)


def test_configuration_page_documents_every_variable() -> None:
    from hmcts_data._settings import _ENV

    page = (Path(__file__).resolve().parents[1] / "docs" / "configuration.md").read_text()
    for field, var in _ENV.items():
        assert f"| `{var}` | `{field}` |" in page, var
