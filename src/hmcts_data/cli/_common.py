"""Helpers shared by the subcommands."""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING

from hmcts_data._errors import StorageError

if TYPE_CHECKING:
    from hmcts_data._client import Client

__all__ = ["HelpFormatter", "check_output", "client_from_args", "progress_wanted"]


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


def progress_wanted() -> bool:
    """Progress bars on a terminal only: never in pipes, logs or CI output."""
    return sys.stderr.isatty()


def check_output(args: argparse.Namespace) -> None:
    """Refuse an ``-o`` path that cannot be written: a usage error (exit 2), before any work.

    Creating the folders silently would hide a typo in the path (the file lands somewhere
    nobody looks); the message gives the fix.
    """
    if not args.output:
        return
    folder = os.path.dirname(os.path.abspath(args.output))
    if not os.path.isdir(folder):
        shown = os.path.dirname(args.output) or "."
        args.output_parser.error(
            f"the folder for -o {args.output!r} does not exist: {shown!r}. Create it first "
            f"(mkdir -p {shown}) or choose another path."
        )
    from pathlib import Path

    from hmcts_data._atomic import check_target

    try:
        check_target(Path(args.output))  # a directory, a FIFO, a device, a name too long
    except StorageError as exc:
        args.output_parser.error(f"-o: {exc}")
