"""The HMCTS open data catalogue: typed models, live discovery from GOV.UK, and a snapshot.

Private package (the public name ``hmcts_data.catalogue`` is the function); the public names
are re-exported from :mod:`hmcts_data`.

Names are resolved on first use, so importing one submodule (the models, for an offline
catalogue) does not import discovery and its page models.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hmcts_data._catalogue._api import catalogue
    from hmcts_data._catalogue._formats import AttachmentFormat
    from hmcts_data._catalogue._models import (
        Attachment,
        Catalogue,
        Change,
        Publication,
        Release,
        Withdrawal,
    )

# name -> the submodule that defines it.
_LAZY: dict[str, str] = {
    "Attachment": "hmcts_data._catalogue._models",
    "AttachmentFormat": "hmcts_data._catalogue._formats",
    "Catalogue": "hmcts_data._catalogue._models",
    "Change": "hmcts_data._catalogue._models",
    "Publication": "hmcts_data._catalogue._models",
    "Release": "hmcts_data._catalogue._models",
    "Withdrawal": "hmcts_data._catalogue._models",
    "catalogue": "hmcts_data._catalogue._api",
}

__all__ = [
    "Attachment",
    "AttachmentFormat",
    "Catalogue",
    "Change",
    "Publication",
    "Release",
    "Withdrawal",
    "catalogue",
]


def __getattr__(name: str) -> Any:
    module_name = _LAZY.get(name)
    if module_name is None:
        raise AttributeError(f"module 'hmcts_data._catalogue' has no attribute {name!r}")
    value = getattr(importlib.import_module(module_name), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
