"""`align glossary …`: lint, import, export, usage, suggest; and `align bench glossary`.

``--corpus`` (repeatable) takes aligned pairs: a run folder or its ``pairs.jsonl`` (from
``align check``), a TMX file, or a raw document pair written ``ZH::EN`` (aligned on the fly).
"""
from __future__ import annotations

import json
from pathlib import Path

import typer

from align.commands import bench_app
from align.glossary import MIN_G2

glossary_app = typer.Typer(no_args_is_help=True, help="Maintain glossaries: lint, import/export TBX, usage, suggest.")

QUIET_HELP = "No progress while the corpus is read and aligned; results only."
CORPUS_HELP = (
    "Aligned pairs: a run folder, pairs.jsonl, a .tmx, or ZH::EN (a document pair aligned on the fly). Repeatable."
)


@glossary_app.command("lint")
def lint(
    glossaries: list[Path] = typer.Argument(..., help="Glossary files (CSV or TBX)."),
    corpus: list[str] = typer.Option([], "--corpus", help=CORPUS_HELP + " Reports entries that never occur."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help=QUIET_HELP),
) -> None:
    """Duplicates, two approved renderings of one term, forbidden-yet-approved forms, unused entries.

    Exit code 1 if anything is reported."""
    from align.glossary.files import load_glossaries
    from align.glossary.termbase import find_problems
    from align.glossary.termmine import load_corpus, unused_entries

    glossary = load_glossaries(glossaries, match_statuses=("approved", "proposed"))
    problems = [str(p) for p in find_problems(glossary.entries)]
    if corpus:
        links = load_corpus(corpus, quiet=quiet)
        problems += [f"{e.source}: unused: {e.zh} ({e.id}) never occurs in the corpus"
                     for e in unused_entries(glossary, links)]
    for line in problems:
        typer.echo(line)
    if not quiet:
        typer.echo(f"{len(glossary.entries)} entries, {len(problems)} problem(s)", err=True)
    raise typer.Exit(1 if problems else 0)


@glossary_app.command("import")
def import_tbx(
    source: Path = typer.Argument(..., help="A TBX file (TBX-Basic, v2 or v3)."),
    out: Path = typer.Option(..., "--out", "-o", help="The CSV to write."),
) -> None:
    """Convert TBX to the glossary CSV."""
    _convert(source, out)


@glossary_app.command("export")
def export_tbx(
    source: Path = typer.Argument(..., help="A glossary CSV."),
    out: Path = typer.Option(..., "--out", "-o", help="The TBX file to write."),
) -> None:
    """Convert the glossary CSV to TBX-Basic."""
    _convert(source, out)


def _convert(source: Path, out: Path) -> None:
    """Read one format, write the other: each is chosen by the file extension."""
    from align.glossary.files import read_glossary, write_glossary

    entries = read_glossary(source)
    write_glossary(entries, out)
    typer.echo(f"{len(entries)} entries → {out}", err=True)


@glossary_app.command("usage")
def usage(
    glossaries: list[Path] = typer.Argument(..., help="Glossary files."),
    corpus: list[str] = typer.Option(..., "--corpus", help=CORPUS_HELP),
    out: Path = typer.Option(None, "--out", "-o", help="Also write the table as JSON."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help=QUIET_HELP),
) -> None:
    """How each entry's Chinese term was actually rendered: a table with a header row.

    One row per entry that occurs: its occurrences (each counted once, under the longest
    glossary term containing it), the renderings found (case and plural spellings of one
    form counted together, the spellings listed), short references back to an earlier full
    form (those the glossary checks accept), occurrences with no rendering found, and
    occurrences inside longer terms."""
    from align.fileio import write_json
    from align.glossary.files import load_glossaries
    from align.glossary.termmine import USAGE_COLUMNS, load_corpus, term_usage, usage_cells

    glossary = load_glossaries(glossaries, match_statuses=("approved", "proposed"))
    links = load_corpus(corpus, quiet=quiet)
    usages = term_usage(glossary, links)
    typer.echo("\t".join(USAGE_COLUMNS))
    for u in usages:
        if u.occurrences or u.nested:
            typer.echo("\t".join(usage_cells(u)))
    if out:
        write_json(out, [u.to_json() for u in usages])


@glossary_app.command("suggest")
def suggest(
    corpus: list[str] = typer.Option(..., "--corpus", help=CORPUS_HELP),
    out: Path = typer.Option(..., "--out", "-o", help="Candidates as a glossary CSV (status=proposed)."),
    glossary: list[Path] = typer.Option(
        [], "--glossary", "-g", help="Known terms: never proposed, nor their pieces or any English form they list."),
    min_pairs: int = typer.Option(2, "--min-pairs", help="Minimum number of pairs a candidate co-occurs in."),
    min_g2: float = typer.Option(
        MIN_G2, "--min-g2", help=f"Minimum log-likelihood G² of the co-occurrence ({MIN_G2}: p < 0.001)."),
    limit: int = typer.Option(200, "--limit", help="At most this many candidates."),
    show: int = typer.Option(20, "--show", help="Print this many of the best candidates with their ranking evidence."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help=QUIET_HELP + " No table."),
) -> None:
    """Mine candidate term pairs from aligned pairs (jieba terms × English phrases, ranked by G² × termhood).

    Prints the best candidates as a table (tab-separated, with a header row) showing why each
    ranks where it does: score = G² × specificity × English name × Chinese name × standalone
    share, with the pair counts (together / Chinese term / English phrase)."""
    from align.glossary.files import load_glossaries, write_csv
    from align.glossary.termmine import (
        SUGGEST_COLUMNS,
        load_corpus,
        suggest_terms,
        suggestion_cells,
        suggestions_to_entries,
    )

    links = load_corpus(corpus, quiet=quiet)
    known = load_glossaries(glossary) if glossary else None
    found = suggest_terms(links, glossary=known, min_together=min_pairs, min_g2=min_g2, limit=limit)
    write_csv(suggestions_to_entries(found, links), out)
    if not quiet:
        typer.echo("\t".join(SUGGEST_COLUMNS))
        for rank, s in enumerate(found[:show], start=1):
            typer.echo("\t".join([str(rank), *suggestion_cells(s)]))
        typer.echo(f"{len(found)} candidates → {out}", err=True)


@bench_app.command("glossary")
def bench_glossary(
    entries: int = typer.Option(5000, help="Synthetic glossary size."),
    sentences: int = typer.Option(20000, help="Sentences per language."),
    seed: int = typer.Option(13, help="Random seed."),
    out: Path = typer.Option(None, "--out", "-o", help="Also write the results as JSON."),
) -> None:
    """Matching speed: a synthetic glossary over synthetic zh and en sentences."""
    from align.bench.glossary import run_benchmark
    from align.fileio import write_json

    result = run_benchmark(entries=entries, sentences=sentences, seed=seed)
    typer.echo(json.dumps(result, ensure_ascii=False, indent=2))
    if out:
        write_json(out, result)


def register(app: typer.Typer) -> None:
    app.add_typer(glossary_app, name="glossary")
