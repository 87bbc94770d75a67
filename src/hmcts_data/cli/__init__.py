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
import warnings
from collections.abc import Callable, Sequence
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

# One module per group of subcommands; each exposes ``register(subparsers)``.
_COMMANDS: tuple[str, ...] = (
    "catalogue",
    "whatsnew",
    "data",
    "decisions",
    "routes",
    "cache",
    "demo",
)
# Subcommand -> the module that registers it: a run registers only the module it needs, so
# ``hmcts-data catalogue`` does not import (or build the parsers of) the other commands.
_MODULE_OF: dict[str, str] = {
    "catalogue": "catalogue",
    "whats-new": "whatsnew",
    "what-changed": "whatsnew",
    "load": "data",
    "read": "data",
    "series": "data",
    "revisions": "data",
    "decisions": "decisions",
    "routes": "routes",
    "cache": "cache",
    "demo": "demo",
}


class _Formatter(argparse.RawDescriptionHelpFormatter):
    pass


def _command_in(argv: Sequence[str]) -> str | None:
    """The subcommand ``argv`` names, or ``None``.

    It is the first word that is not an option: the global options take no value.
    """
    return next((word for word in argv if not word.startswith("-")), None)


def build_parser(only_for: str | None = None) -> argparse.ArgumentParser:
    """Build the argument parser.

    Args:
        only_for: Register only the subcommands of the module defining this one (what a run
            needs); every subcommand when ``None`` or not a known subcommand (help, and the
            error for an unknown one, list them all).
    """
    parser = argparse.ArgumentParser(
        prog="hmcts-data",
        description=(
            "HMCTS open data from GOV.UK: the catalogue, tidy downloads, access routes.\n"
            "Run 'hmcts-data <command> --help' for a command's options and examples."
        ),
        epilog=(
            "examples:\n"
            "  hmcts-data demo                      # the whole job offline, on real figures\n"
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
    parser.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="show each warning's detail (the releases, reasons and numbers behind it)",
    )
    sub = parser.add_subparsers(dest="command", metavar="<command>")
    only = _MODULE_OF.get(only_for or "")
    for name in _COMMANDS if only is None else (only,):
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
        command.add_argument(
            "-v",
            "--verbose",
            action="store_true",
            default=argparse.SUPPRESS,
            help=argparse.SUPPRESS,
        )
    return parser


def exit_code_for(exc: BaseException) -> int:
    """Return the documented exit code for an exception."""
    for cls in type(exc).__mro__:
        if cls in EXIT_CODES:
            return EXIT_CODES[cls]
    return 1


def warning_lines(message: Warning | str, *, verbose: bool) -> list[str]:
    """What the command line prints for a warning: one line, and its detail with ``--verbose``.

    The line is the ``cli_text`` (command-line advice) where the warning has one. Like an
    error, a warning stays one line whatever the width (the terminal wraps it), so scripts
    can pick it out by its ``warning: `` prefix.
    """
    text = getattr(message, "cli_text", None) or str(message)
    lines = [f"warning: {text}"]
    detail = getattr(message, "detail", None)
    if verbose and detail:
        lines.append(f"  detail: {detail}")
    return lines


def _warning_printer(*, verbose: bool) -> Callable[..., None]:
    """``warnings.showwarning`` for a run: one line per warning, each distinct one once."""
    seen: set[str] = set()

    def show(  # noqa: PLR0917  (the signature warnings.showwarning must have)
        message: Warning | str,
        category: type[Warning],
        filename: str,
        lineno: int,
        file: TextIO | None = None,
        line: str | None = None,
    ) -> None:
        # The library's file and source line mean nothing to someone at a shell prompt.
        key = f"{category.__name__}: {message}"
        if key in seen:
            return
        seen.add(key)
        for text in warning_lines(message, verbose=verbose):
            print(text, file=sys.stderr)

    return show


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return its exit code.

    Everything printed (standard output and standard error, messages and data alike) passes
    through :func:`hmcts_data.cli._safe.terminal_safe`: control characters from GOV.UK or a
    file are shown, never run by the terminal. A write that fails (a full device, a closed
    standard output) ends the command with an error message and exit code 1.

    Args:
        argv: Arguments without the program name (``sys.argv[1:]`` when ``None``).

    Returns:
        The exit code (see the module docstring).
    """
    from hmcts_data.cli._safe import safe_streams

    with safe_streams() as (out, _):
        code = _run(argv)
        try:
            if not out.failed:
                out.flush()  # a full device is reported here, not at interpreter exit
        except BrokenPipeError:
            pass
        except errors.HMCTSDataError as exc:
            code = _report(exc, debug=False)
    return code


def _run(argv: Sequence[str] | None) -> int:
    words = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(_command_in(words))
    args = parser.parse_args(words)
    logging.basicConfig(
        level=logging.DEBUG if args.debug else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    if args.command is None:
        parser.print_help()
        return 0
    try:
        with warnings.catch_warnings():  # restores the caller's warning display afterwards
            warnings.showwarning = _warning_printer(verbose=bool(getattr(args, "verbose", False)))
            return int(args.handler(args) or 0)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0  # the reader stopped early (``| head``): not an error
    except errors.HMCTSDataError as exc:
        return _report(exc, debug=args.debug)


def _report(exc: errors.HMCTSDataError, *, debug: bool) -> int:
    """Print an error for people (on standard error, made safe) and return its exit code."""
    try:
        if debug:
            import traceback  # only here: it imports the tokenizer and linecache

            traceback.print_exc()
        print(f"error: {exc.cli_text or exc}", file=sys.stderr)
    except (errors.HMCTSDataError, OSError):
        pass  # standard error is gone too: the exit code is all that is left
    return exit_code_for(exc)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
