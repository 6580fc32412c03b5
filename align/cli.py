"""The ``align`` command: a root app that each area's command module registers into."""
from __future__ import annotations

import importlib
import sys

import typer

from align.commands import bench_app
from align.errors import AlignError

COMMAND_MODULES = ("segment", "align", "check", "checks", "glossary", "batch", "review")

app = typer.Typer(
    name="align",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    help="Chinese↔English parallel-text aligner and translation-consistency checker.",
)

for _name in COMMAND_MODULES:
    _module = importlib.import_module(f"align.commands.{_name}")
    _module.register(app)
app.add_typer(bench_app, name="bench")


def main(argv: list[str] | None = None) -> int:
    """Run the CLI and return its exit code.

    Usage errors are click's (exit 2, with usage); an ``AlignError`` from any command
    becomes one line on stderr and exit code 2.
    """
    try:
        app(args=argv, prog_name="align", standalone_mode=True)
    except SystemExit as exc:
        if exc.code is None:
            return 0
        if isinstance(exc.code, int):
            return exc.code
        print(exc.code, file=sys.stderr)
        return 1
    except AlignError as exc:
        print(f"align: error: {exc}", file=sys.stderr)
        return 2
    return 0


def entry() -> None:
    sys.exit(main())
