"""The ``align`` command: a root app that each area's command module registers into."""
from __future__ import annotations

import importlib
import sys

import click
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
    """Run the CLI; an ``AlignError`` becomes one line on stderr and exit code 2."""
    try:
        rv = app(args=argv, prog_name="align", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.Abort:
        print("align: aborted", file=sys.stderr)
        return 130
    except AlignError as exc:
        print(f"align: error: {exc}", file=sys.stderr)
        return 2
    return rv if isinstance(rv, int) else 0


def entry() -> None:
    sys.exit(main())
