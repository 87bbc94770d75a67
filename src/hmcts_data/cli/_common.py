"""Helpers shared by the subcommands."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hmcts_data._client import Client

__all__ = ["HelpFormatter", "client_from_args"]


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Descriptions kept as written; publication ids filled into help texts from the registry.

    ``{publications}`` in an argument's help becomes every catalogue publication id and
    ``{read_publications}`` the ids of those whose files are read, each time help is shown:
    building the parser loads no registry (the offline listing stays free of it).
    """

    def _get_help_string(self, action: argparse.Action) -> str | None:
        text = super()._get_help_string(action)
        if text is None or "publications}" not in text:
            return text
        from hmcts_data._registry import registry

        return text.replace(
            "{publications}", ", ".join(registry().ids(source="collection"))
        ).replace("{read_publications}", ", ".join(registry().ids(parsed=True)))


def client_from_args(args: argparse.Namespace) -> Client:
    """Build a client from the environment, honouring the global ``--offline`` flag."""
    from hmcts_data._client import Client

    return Client(offline=True) if getattr(args, "offline", False) else Client()
