"""`align glossary …`: lint, import, export, usage, suggest; and `align bench glossary`.

``--corpus`` (repeatable) takes aligned pairs: a run folder or its ``pairs.jsonl`` (from
``align check``), a TMX file, or a raw document pair written ``ZH::EN`` (aligned on the fly).
"""
from __future__ import annotations

import json
from pathlib import Path

import typer

from align.commands import bench_app

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
    """How each entry's Chinese term was actually rendered: counts per rendering."""
    from align.fileio import write_json
    from align.glossary.files import load_glossaries
    from align.glossary.termmine import load_corpus, term_usage

    glossary = load_glossaries(glossaries, match_statuses=("approved", "proposed"))
    links = load_corpus(corpus, quiet=quiet)
    rows = [u.to_json() for u in term_usage(glossary, links)]
    for row in rows:
        if not row["occurrences"]:
            continue
        found = ", ".join(f"“{r['text']}” ×{r['count']} ({r['kind']})" for r in row["renderings"])
        example = row["unmatched_example_link"]
        missing = f"; not found ×{row['unmatched']} (e.g. link {example})" if row["unmatched"] else ""
        typer.echo(f"{row['id']}\t{row['zh']}\t{row['occurrences']}\t{found or '—'}{missing}")
    if out:
        write_json(out, rows)


@glossary_app.command("suggest")
def suggest(
    corpus: list[str] = typer.Option(..., "--corpus", help=CORPUS_HELP),
    out: Path = typer.Option(..., "--out", "-o", help="Candidates as a glossary CSV (status=proposed)."),
    glossary: list[Path] = typer.Option([], "--glossary", "-g", help="Skip terms already in these glossaries."),
    min_pairs: int = typer.Option(2, "--min-pairs", help="Minimum number of pairs a candidate co-occurs in."),
    limit: int = typer.Option(200, "--limit", help="At most this many candidates."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help=QUIET_HELP),
) -> None:
    """Mine candidate term pairs from aligned pairs (jieba terms × English phrases, ranked by G² × termhood)."""
    from align.glossary.files import load_glossaries, write_csv
    from align.glossary.termmine import load_corpus, suggest_terms, suggestions_to_entries

    links = load_corpus(corpus, quiet=quiet)
    known = load_glossaries(glossary) if glossary else None
    found = suggest_terms(links, glossary=known, min_together=min_pairs, limit=limit)
    write_csv(suggestions_to_entries(found, links), out)
    if not quiet:
        for s in found[:10]:
            typer.echo(f"{s.score:7.1f}  {s.zh} ↔ {s.en}  ({s.together} pairs)", err=True)
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
