"""The error tree: structure, structured fields, messages that help."""

from __future__ import annotations

import warnings

import pytest

import hmcts_data
from hmcts_data import (
    ConfigurationError,
    DownloadError,
    HMCTSDataError,
    HostNotAllowedError,
    IntegrityError,
    NotFoundError,
    OfflineError,
    ParseError,
    SchemaDriftError,
    StaleDataWarning,
)
from hmcts_data.cli import EXIT_CODES, exit_code_for


@pytest.mark.parametrize(
    ("child", "parent"),
    [
        (ConfigurationError, HMCTSDataError),
        (ConfigurationError, ValueError),
        (DownloadError, HMCTSDataError),
        (HostNotAllowedError, DownloadError),
        (OfflineError, HMCTSDataError),
        (IntegrityError, HMCTSDataError),
        (ParseError, HMCTSDataError),
        (ParseError, ValueError),
        (SchemaDriftError, ParseError),
        (NotFoundError, HMCTSDataError),
        (NotFoundError, LookupError),
    ],
)
def test_tree(child: type[BaseException], parent: type[BaseException]) -> None:
    assert issubclass(child, parent)


def test_stale_warning_is_a_warning_not_an_error() -> None:
    assert issubclass(StaleDataWarning, UserWarning)
    assert not issubclass(StaleDataWarning, HMCTSDataError)
    with warnings.catch_warnings():
        warnings.simplefilter("error", StaleDataWarning)
        with pytest.raises(StaleDataWarning):
            warnings.warn("old copy", StaleDataWarning, stacklevel=1)


def test_module_docstring_draws_every_class() -> None:
    doc = hmcts_data._errors.__doc__ or ""
    for name in hmcts_data._errors.__all__:
        assert name in doc, name


def test_download_error_fields() -> None:
    err = DownloadError("GET x failed", url="https://www.gov.uk/x", status=503)
    assert (err.url, err.status, str(err)) == ("https://www.gov.uk/x", 503, "GET x failed")
    assert DownloadError("t", url="u").status is None
    host = HostNotAllowedError("no", url="https://evil.example/")
    assert isinstance(host, DownloadError)
    assert host.url == "https://evil.example/"


def test_parse_error_fields() -> None:
    err = SchemaDriftError(
        "unknown", labels=["New col"], file="a.xlsx", sheet="S", row=3, column="B"
    )
    assert (err.file, err.sheet, err.row, err.column, err.labels) == (
        "a.xlsx",
        "S",
        3,
        "B",
        ("New col",),
    )


def test_not_found_suggests_close_names() -> None:
    err = NotFoundError("publication", "montly", ["monthly", "weekly-covid", "ad-hoc"])
    assert err.suggestions[0] == "monthly"
    assert "Did you mean 'monthly'" in str(err)
    assert err.key == "montly"
    none = NotFoundError("publication", "zzzz", ["monthly"])
    assert none.suggestions == ()
    assert "Did you mean" not in str(none)


def test_not_found_lists_at_most_twelve_known() -> None:
    err = NotFoundError("route", "x", [f"r{i}" for i in range(20)])
    assert "'r11'" in str(err)
    assert "'r12'" not in str(err)
    assert str(err).endswith("...") or " ..." in str(err)


def test_offline_and_integrity_carry_url() -> None:
    assert OfflineError("o", url="u").url == "u"
    assert OfflineError("o").url is None
    assert IntegrityError("i", url="v").url == "v"


@pytest.mark.parametrize(
    ("exc", "code"),
    [
        (SchemaDriftError("s"), 7),
        (ParseError("p"), 6),
        (HostNotAllowedError("h", url="u"), 3),
        (DownloadError("d", url="u"), 3),
        (OfflineError("o"), 4),
        (IntegrityError("i"), 5),
        (NotFoundError("x", "y", []), 8),
        (ConfigurationError("c"), 9),
        (HMCTSDataError("e"), 1),
    ],
)
def test_exit_codes_most_specific_wins(exc: BaseException, code: int) -> None:
    assert exit_code_for(exc) == code
    assert type(exc) in EXIT_CODES
