"""pytest plugin: the ``fake_govuk`` fixture (registered through the ``pytest11`` entry point)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from hmcts_data.testing._server import FakeGovUK

__all__ = ["fake_govuk"]


@pytest.fixture
def fake_govuk(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGovUK]:
    """A started :class:`~hmcts_data.testing.FakeGovUK`, with ``HMCTS_DATA_BASE_URL`` set to it.

    Clients built from the environment during the test talk to the fake server only.

    Example:
        >>> def test_page(fake_govuk):  # doctest: +SKIP
        ...     fake_govuk.add_json("/api/content/x", {"title": "x"})
        ...     assert hmcts_data.Client().get_json("/api/content/x") == {"title": "x"}
    """
    with FakeGovUK() as fake:
        monkeypatch.setenv("HMCTS_DATA_BASE_URL", fake.base_url)
        yield fake
