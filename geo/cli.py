"""``python -m geo COMMAND ...``: one argparse program whose subcommands live in ``geo/commands/``.

To add a command, drop a module into ``geo/commands/`` exposing ``add_parser(subparsers)``; it
must create its parser with ``subparsers.add_parser(...)`` and ``set_defaults(func=run)`` where
``run(args) -> int`` is the exit status.  Modules are discovered (sorted by name), so adding one
never touches this file.  Errors a user can fix are one line on stderr and a non-zero exit:
2 for bad arguments, 1 for bad data or a failed command.
"""
from __future__ import annotations

import argparse
import contextlib
import importlib
import pkgutil
import re
import sys
from collections.abc import Sequence
from types import ModuleType
from typing import NoReturn, TextIO

from geo.errors import DatasetError, GeoError

PROG = "python -m geo"

#: Terminal control characters (ESC, BEL, backspace, C1 …) that text from reports, file names or
#: data could carry: printed raw they would recolour, retitle or rewrite the user's terminal.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


class _PrintableStream:
    """A text stream that shows control characters as ``\\xNN`` instead of sending them."""

    def __init__(self, stream: TextIO):
        self._stream = stream

    def write(self, text: str) -> int:
        return self._stream.write(_CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text))

    def __getattr__(self, name: str) -> object:  # flush, isatty, encoding … as the real stream
        return getattr(self._stream, name)


class OneLineParser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are a single line (no usage dump)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message}\n")


def command_modules() -> list[ModuleType]:
    """Every ``geo.commands.*`` module that defines ``add_parser``."""
    import geo.commands as package

    found = []
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        if callable(getattr(module, "add_parser", None)):
            found.append(module)
    return found


def build_parser() -> argparse.ArgumentParser:
    """The full parser with every discovered subcommand registered."""
    parser = OneLineParser(prog=PROG, description="Desert Atlas data tools.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=OneLineParser)
    sub.required = True
    for module in command_modules():
        module.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the exit status instead of raising for expected failures.

    Everything it prints passes through :class:`_PrintableStream` (one place for every command).
    """
    with contextlib.redirect_stdout(_PrintableStream(sys.stdout)), \
            contextlib.redirect_stderr(_PrintableStream(sys.stderr)):
        return _main(argv)


def _main(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except DatasetError as exc:
        print(exc, file=sys.stderr)
        return 1
    except GeoError as exc:
        print(f"{PROG} {args.command}: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"{PROG} {args.command}: interrupted", file=sys.stderr)
        return 130
