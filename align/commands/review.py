"""`align review RUN_DIR` (the web app), `align review export` and `align review apply`.

Click groups cannot take a positional argument *and* sub-commands, so the ``review``
group routes any first argument that is not one of its sub-commands to ``serve``:
``align review out/seed --port 8001`` runs ``align review serve out/seed --port 8001``.
(A run folder literally named ``export`` or ``apply`` needs the explicit ``serve``.)
"""
from __future__ import annotations

from pathlib import Path

import click
import typer
from typer.core import TyperGroup


class RunDirGroup(TyperGroup):
    """A group whose bare first argument (a run folder) means its ``serve`` command."""

    default_command = "serve"

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ctx.help_option_names:
            args = [self.default_command, *args]
        return super().parse_args(ctx, args)

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        formatter.write_usage(ctx.command_path, "RUN_DIR [OPTIONS] | COMMAND [ARGS]...")


review_app = typer.Typer(
    cls=RunDirGroup,
    no_args_is_help=True,
    help="Review flags in the browser: `align review RUN_DIR` starts the app on a folder "
    "written by `align check` / `align batch`; decisions go to RUN_DIR/review.sqlite.",
)

RUN_DIR = typer.Argument(..., help="Output folder of `align check` or `align batch`.")
DB = typer.Option(None, "--db", help="Review database (default RUN_DIR/review.sqlite).")
MODEL = typer.Option(
    None, "--model",
    help="Encoder that re-scores hand-fixed links: use (default) or a sentence-transformers folder; "
    "use the one the run was checked with.",
)


@review_app.command("serve")
def serve(
    run_dir: Path = RUN_DIR,
    port: int = typer.Option(8000, help="Port to listen on; 0 picks a free one (shown at start)."),
    host: str = typer.Option("127.0.0.1", help="Address to bind; off loopback a token is required."),
    db: Path | None = DB,
    token: str | None = typer.Option(
        None, help="Access token browsers must present (generated and printed when --host is not loopback)."
    ),
    glossary: Path | None = typer.Option(
        None, help="Glossary CSV that approved entries are appended to."
    ),
    suggestions: Path | None = typer.Option(
        None, help="CSV of `align glossary suggest` candidates for the glossary screen."
    ),
    advance: bool = typer.Option(
        True, "--advance/--stay",
        help="After confirm/dismiss show the next open flag, or stay (each browser can switch).",
    ),
    model: str | None = MODEL,
) -> None:
    """Start the review app (the default command: `align review RUN_DIR`)."""
    import uvicorn

    from align.review.app import Settings, create_app
    from align.review.security import access_token, listen, url_host

    required = access_token(host, token)
    app = create_app(Settings(run_dir, db, required, glossary, suggestions, advance, model, host))
    sock = listen(host, port)  # a taken port is a one-line error here, before any banner
    port = sock.getsockname()[1]
    url = f"http://{url_host(host)}:{port}/" + (f"?token={required}" if required else "")
    typer.echo(f"align review: {app.state.workspace.run_dir} → {url}  (Ctrl-C to stop)", err=True)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    server.run(sockets=[sock])


@review_app.command("export")
def export(
    run_dir: Path = RUN_DIR,
    format: str = typer.Option("csv", "--format", help="csv (current state), json (with history) or xliff "
                                "(a run of one XLIFF: its annotated copy with each decision)."),
    out: Path = typer.Option(..., "--out", help="File to write."),
    db: Path | None = DB,
) -> None:
    """Write every flag's decision (status, reviewer, time, reason, comments) as CSV or JSON."""
    from align.review.export import export_decisions
    from align.review.workspace import Workspace

    count = export_decisions(Workspace(run_dir, db), format, out)
    typer.echo(f"align review: {count} flags → {out}", err=True)


@review_app.command("apply")
def apply(run_dir: Path = RUN_DIR, db: Path | None = DB, model: str | None = MODEL) -> None:
    """Fold reviewers' alignment fixes into pairs.jsonl, pairs.tmx and flags.jsonl link numbers;
    links made by a fix are marked fixed and re-scored with the encoder."""
    from align.review.export import apply_alignment_fixes
    from align.review.workspace import Workspace

    workspace = Workspace(run_dir, db, model)
    for doc, applied in apply_alignment_fixes(workspace, workspace.score).items():
        typer.echo(f"align review: {doc}: {applied}", err=True)


def register(app: typer.Typer) -> None:
    app.add_typer(review_app, name="review")
