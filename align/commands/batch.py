"""`align batch SOURCE`: the main job over many document pairs, plus a corpus report."""
from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path

import typer

from align.commands.check import (
    CACHE_DIR,
    CONFIG,
    FAIL_ON,
    GLOSSARY,
    IGNORE,
    MODEL,
    OPTION,
    PRESEGMENTED,
    QUIET,
    SELECT,
    FailOn,
    check_settings,
    fails,
    split_codes,
)


class Engine(str, Enum):
    local = "local"
    ray = "ray"


def register(app: typer.Typer) -> None:
    @app.command("batch")
    def batch(
        source: Path = typer.Argument(
            ..., help="A CSV manifest (columns name,zh,en) or a folder of NAME.zh.* / NAME.en.* files."
        ),
        out: Path = typer.Option(
            ..., "--out", "-o",
            help="Output folder: OUT/<name>/ per pair, plus corpus.html / corpus.xlsx / corpus.json.",
        ),
        workers: int | None = typer.Option(
            None, "--workers", "-w", min=1,
            help="Workers, each loading the model once: processes with --engine local (default 2), "
            "Ray actors with --engine ray (default one per CPU of the cluster).",
        ),
        engine: Engine = typer.Option(
            Engine.local, "--engine", help="local: worker processes on this machine; ray: Ray actors, on a local Ray "
            "started for the batch or on the cluster at --address.",
        ),
        address: str | None = typer.Option(
            None, "--address", help="With --engine ray: a running Ray cluster (host:port of its head, or auto) "
            "instead of a local Ray started and stopped by the batch.",
        ),
        glossary: list[Path] | None = GLOSSARY,
        model: str | None = MODEL,
        cache_dir: Path | None = CACHE_DIR,
        select: list[str] | None = SELECT,
        ignore: list[str] | None = IGNORE,
        config: Path | None = CONFIG,
        option: list[str] | None = OPTION,
        fail_on: FailOn | None = FAIL_ON,
        presegmented: bool = PRESEGMENTED,
        fresh: bool = typer.Option(False, "--fresh", help="Check every document again, even those a previous run "
                                   "finished with the same inputs and settings."),
        quiet: bool = QUIET,
    ) -> None:
        """Check every document pair of SOURCE in parallel and write a corpus report.

        A pair that cannot be read fails alone: its error is printed and listed in the corpus
        report, the others complete; the exit code is then 2. Ctrl-C or SIGTERM stops every
        worker (exit 130 / 143); run the same command again to check only what is left."""
        from align.batch import (
            BatchInterrupted,
            corpus_findings,
            read_manifest,
            run_batch,
            term_consistency,
        )
        from align.glossary.files import load_glossaries
        from align.report.corpus import write_corpus

        items = read_manifest(source)
        settings = check_settings(config, split_codes(select), split_codes(ignore), option)
        glossaries = [str(g) for g in glossary or ()]
        loaded = load_glossaries(glossaries) if glossaries else None  # a broken glossary fails the batch up front
        try:
            results = run_batch(
                items,
                out,
                workers=workers,
                quiet=quiet,
                fresh=fresh,
                engine=engine.value,
                address=address,
                glossaries=glossaries,
                model=model,
                cache_dir=str(cache_dir) if cache_dir else None,
                presegmented=presegmented,
                **settings,
            )
        except BatchInterrupted as stop:
            print(f"align: {stop}; run the same command again to check the rest", file=sys.stderr)
            raise typer.Exit(stop.exit_code) from None
        for result in results:
            for warning in result.warnings:
                print(f"align: warning: {result.item.name}: {warning}", file=sys.stderr)
        paths = write_corpus(
            results,
            out,
            findings=corpus_findings(results, select=settings["select"], ignore=settings["ignore"],
                                     options=settings["options"]),
            terms=term_consistency(loaded, results) if loaded else [],
        )
        failed = [r for r in results if not r.ok]
        for result in failed:
            print(f"align: error: {result.item.name}: {result.error}", file=sys.stderr)
        if not quiet:
            flags = sum(r.summary["flags"] for r in results if r.ok)
            reused = sum(r.reused for r in results)
            typer.echo(
                f"{len(results) - len(failed)} of {len(results)} documents checked"
                + (f" ({reused} unchanged since the last run, reused)" if reused else "")
                + f", {flags} flags → {paths['corpus.html']}"
            )
        if failed:
            raise typer.Exit(2)
        totals: dict[str, int] = {}
        for r in results:
            for severity, n in r.summary["by_severity"].items():
                totals[severity] = totals.get(severity, 0) + n
        if fails(totals, fail_on):
            raise typer.Exit(1)
