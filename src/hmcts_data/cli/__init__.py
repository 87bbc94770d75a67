"""The ``hmcts-data`` command line.

Exit codes (documented in ``docs/cli.md``):

==  =====================================================
0   success
1   any other ``hmcts_data`` error
2   usage error (bad arguments)
3   download failed: GOV.UK answered with an error (``DownloadError``, ``HostNotAllowedError``)
4   offline mode is on and the cache cannot answer (``OfflineError``)
5   integrity check failed (``IntegrityError``)
6   a file or page could not be parsed (``ParseError``)
7   a published layout the library does not know (``SchemaDriftError``)
8   unknown publication, release or route (``NotFoundError``)
9   invalid settings (``ConfigurationError``)
10  the network failed: GOV.UK could not be reached (``NetworkError``)
130 interrupted
==  =====================================================

Built on the standard library's argparse: no dependency for a handful of subcommands, and the
same parser renders ``--help`` with examples.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
import traceback
import warnings
from collections.abc import Sequence
from typing import TextIO

from hmcts_data import _errors as errors
from hmcts_data._version import __version__

__all__ = ["EXIT_CODES", "main"]

#: Error class -> exit code; the most specific class wins.
EXIT_CODES: dict[type[BaseException], int] = {
    errors.SchemaDriftError: 7,
    errors.ParseError: 6,
    errors.NetworkError: 10,
    errors.HostNotAllowedError: 3,
    errors.DownloadError: 3,
    errors.OfflineError: 4,
    errors.IntegrityError: 5,
    errors.NotFoundError: 8,
    errors.ConfigurationError: 9,
    errors.HMCTSDataError: 1,
}

# One module per subcommand; each exposes ``register(subparsers)``.
_COMMANDS: tuple[str, ...] = ("catalogue", "whatsnew", "data", "routes", "cache", "demo")


class _Formatter(argparse.RawDescriptionHelpFormatter):
    pass


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser with every subcommand registered."""
    parser = argparse.ArgumentParser(
        prog="hmcts-data",
        description=(
            "HMCTS open data from GOV.UK: the catalogue, tidy downloads, access routes.\n"
            "Run 'hmcts-data <command> --help' for a command's options and examples."
        ),
        epilog=(
            "examples:\n"
            "  hmcts-data demo                      # the whole job offline, on synthetic data\n"
            "  hmcts-data catalogue                 # what is published\n"
            "  hmcts-data load monthly -o mi.csv    # latest monthly MI as a tidy CSV\n"
            "  hmcts-data cache info                # where the cache is and its size\n"
        ),
        formatter_class=_Formatter,
    )
    parser.add_argument("--version", action="version", version=f"hmcts-data {__version__}")
    parser.add_argument(
        "--debug", action="store_true", help="show tracebacks and debug logging on errors"
    )
    parser.add_argument(
        "--offline", action="store_true", help="never touch the network (HMCTS_DATA_OFFLINE=1)"
    )
    sub = parser.add_subparsers(dest="command", metavar="<command>")
    for name in _COMMANDS:
        module = importlib.import_module(f"hmcts_data.cli._{name}")
        module.register(sub)
    # The global flags also work after the subcommand ("hmcts-data load monthly --offline");
    # SUPPRESS keeps a subcommand from resetting a flag given before it.
    for command in sub.choices.values():
        command.add_argument(
            "--offline", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS
        )
        command.add_argument(
            "--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS
        )
    return parser


def exit_code_for(exc: BaseException) -> int:
    """Return the documented exit code for an exception."""
    for cls in type(exc).__mro__:
        if cls in EXIT_CODES:
            return EXIT_CODES[cls]
    return 1


def _show_warning(  # noqa: PLR0917  (the signature warnings.showwarning must have)
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: TextIO | None = None,
    line: str | None = None,
) -> None:
    # One line per warning, like errors: the library's file and source line mean nothing to
    # someone at a shell prompt.
    text = getattr(message, "cli_text", None) or message
    print(f"warning: {text}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return its exit code.

    Args:
        argv: Arguments without the program name (``sys.argv[1:]`` when ``None``).

    Returns:
        The exit code (see the module docstring).
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.debug else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    if args.command is None:
        parser.print_help()
        return 0
    try:
        with warnings.catch_warnings():  # restores the caller's warning display afterwards
            warnings.showwarning = _show_warning
            return int(args.handler(args) or 0)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except errors.HMCTSDataError as exc:
        if args.debug:
            traceback.print_exc()
        print(f"error: {exc.cli_text or exc}", file=sys.stderr)
        return exit_code_for(exc)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
