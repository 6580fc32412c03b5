"""`align checks list` (every check code) and `align bench divergence` (perturbation benchmark)."""
from __future__ import annotations

import json
from pathlib import Path

import typer

from align.commands import SHARED, bench_app


def register(app: typer.Typer) -> None:
    checks_app = typer.Typer(no_args_is_help=True, help="The divergence and glossary checks.")
    app.add_typer(checks_app, name="checks")

    @checks_app.command("list")
    def list_command(
        as_json: bool = typer.Option(False, "--json", help="One JSON record per code."),
    ) -> None:
        """Every check code with its scope, default severity, what it reports and every option
        with its default (set them with --option CODE.KEY=VALUE or a config file's
        [options."CODE"] table; every code also takes severity)."""
        from align.checks.registry import all_codes, check_of

        rows = [(code, check_of(code)) for code in all_codes()]
        if as_json:
            for code, info in rows:
                typer.echo(json.dumps({"code": code, "scope": info.scope, "check": info.name,
                                       "severity": info.severity[code], "description": info.description,
                                       "options": dict(info.options)}, ensure_ascii=False))
            return
        width = max(len(code) for code, _ in rows)
        for code, info in rows:
            typer.echo(f"{code:<{width}}  {info.scope:<8}  {info.severity[code]:<7}  {info.description}")
            for key, default in info.options.items():
                typer.echo(f"{'':<{width}}    {key} = {json.dumps(default)}")


@bench_app.command("divergence")
def divergence_command(
    seed: int = typer.Option(13, "--seed", help="Random seed for choosing and applying perturbations."),
    bible_pairs: int = typer.Option(600, "--bible-pairs", help="Bible gold links to sample (0 = skip the Bible)."),
    shared: Path = typer.Option(None, "--shared", help="The shared bench folder (default: ../shared beside the repo)."),
    out: Path | None = typer.Option(None, "--out", help="Also write the results as JSON here."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress output."),
) -> None:
    """Inject known errors into the English of aligned pairs (the seed report, Bible gold
    links) and measure per-check recall and false flags per 100 untouched pairs."""
    from align.bench.divergence import format_table, run_benchmark
    from align.fileio import write_json

    results = run_benchmark(seed=seed, bible_pairs=bible_pairs, shared=shared, quiet=quiet)
    typer.echo(format_table(results))
    if out is not None:
        write_json(out, results)


@bench_app.command("mqm")
def mqm_command(
    data: Path = typer.Option(
        SHARED / "bench" / "mqm-wmt23-zhen" / "items.jsonl",
        "--data", help="An MQM annotation file (JSONL; format in shared/bench/mqm-wmt23-zhen/README.md)."),
    model: str | None = typer.Option(None, "--model", help="Encoder (default USE v3)."),
    select: list[str] = typer.Option([], "--select", help="Only these check codes or categories (repeatable)."),
    ignore: list[str] = typer.Option([], "--ignore", help="Leave out these codes or categories (repeatable)."),
    part: str = typer.Option("all", "--part", help="all, dev (development documents) or heldout (the third of "
                             "the source documents held out from calibration)."),
    bible: int = typer.Option(1000, "--bible", help="Also count error + warning flags on this many clean Bible "
                              "gold pairs (the false-alarm gate; 0 skips)."),
    out: Path | None = typer.Option(None, "--out", help="Also write the results as JSON here."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress output."),
) -> None:
    """Every check on professionally annotated pairs (each item a ready-made 1-1 link, grouped
    by system and document): P/R/F1 against Major accuracy errors, recall per sub-category,
    per-code precision and span overlap, length-ratio and cosine baselines, pairs per second."""
    from align.bench.mqm import PARTS, format_table, run_benchmark
    from align.fileio import write_json

    if part not in PARTS:
        raise typer.BadParameter(f"--part must be one of {', '.join(PARTS)}")
    results = run_benchmark(data, model=model, select=select or None, ignore=ignore or None, quiet=quiet,
                            part=part, bible=bible)
    typer.echo(format_table(results))
    if out is not None:
        write_json(out, results)
