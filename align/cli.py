"""The ``align`` command: a root app that each area's command module registers into."""
from __future__ import annotations

import importlib
import sys

import typer
import typer.core
import typer.main

from align.commands import bench_app
from align.errors import AlignError

COMMAND_MODULES = ("segment", "align", "check", "checks", "glossary", "batch", "review", "cache")

app = typer.Typer(
    name="align",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=True,
    help="Chinese↔English parallel-text aligner and translation-consistency checker.",
)

for _name in COMMAND_MODULES:
    _module = importlib.import_module(f"align.commands.{_name}")
    _module.register(app)
app.add_typer(bench_app, name="bench")


# Help shows value placeholders as click always did (``--out PATH``, ``ZH EN``); typer's
# ``<bool>`` on flags and ``{zh}`` in usage lines read like template leftovers.
_PLACEHOLDERS = {"path": "PATH", "str": "TEXT", "int": "INTEGER", "float": "NUMBER",
                 "int range": "INTEGER", "float range": "NUMBER"}


class _PlainArgument(typer.core.TyperArgument):
    """An argument shown as ``ZH`` in the usage line and the help table."""

    def display_type_rich(self, ctx) -> None:
        return None

    def get_usage_pieces(self, ctx) -> list[str]:
        name = self.metavar if self.required else f"[{self.metavar}]"
        return [name + ("..." if self.nargs != 1 else "")]


def _value_placeholder(option: typer.core.TyperOption, ctx) -> str:
    """``PATH`` / ``TEXT`` / ``INTEGER`` / ``error|warning`` for an option taking a value."""
    label = option.display_type(ctx).strip("<>")
    if label.startswith("list[") and label.endswith("]"):
        label = label[5:-1]
    return _PLACEHOLDERS.get(label.lower(), label)


def _plain_help(command, ctx) -> None:
    """Give every parameter of ``command`` (and its subcommands) a click-style placeholder."""
    params = list(command.params)
    help_option = command.get_help_option(ctx)
    if help_option is not None:
        params.append(help_option)
    for param in params:
        if isinstance(param, typer.core.TyperArgument):
            param.__class__ = _PlainArgument
            param.metavar = param.metavar or param.name.upper()
        elif isinstance(param, typer.core.TyperOption) and param.metavar is None:
            param.metavar = "" if param.is_flag or param.count else _value_placeholder(param, ctx)
    for sub in getattr(command, "commands", {}).values():
        _plain_help(sub, ctx)


def build_command():
    """The click command tree of ``app``, with plain placeholders in its help."""
    command = typer.main.get_command(app)
    if hasattr(typer.core.TyperArgument, "display_type_rich"):  # typer's own help renderer
        _plain_help(command, command.make_context("align", [], resilient_parsing=True))
    return command


def main(argv: list[str] | None = None) -> int:
    """Run the CLI and return its exit code.

    Usage errors are click's (exit 2, with usage); an ``AlignError`` (or an ``OSError``
    no command turned into one) becomes one line on stderr and exit code 2.
    """
    try:
        build_command().main(args=argv, prog_name="align", standalone_mode=True)
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
    except OSError as exc:  # a failure no edge mapped: still one line naming the file
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"align: error: {where}{exc.strerror or exc}", file=sys.stderr)
        return 2
    return 0


def entry() -> None:
    sys.exit(main())
