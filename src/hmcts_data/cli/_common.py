"""Helpers shared by the subcommands."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hmcts_data._client import Client

__all__ = ["client_from_args"]


def client_from_args(args: argparse.Namespace) -> Client:
    """Build a client from the environment, honouring the global ``--offline`` flag."""
    from hmcts_data._client import Client

    return Client(offline=True) if getattr(args, "offline", False) else Client()
