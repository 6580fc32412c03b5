"""`align align ZH EN`: sentence alignment, printed or written as links, tsv, jsonl or tmx;
and `align bench alignment`."""
from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path

import typer

from align.commands import SHARED, bench_app
from align.commands.check import CACHE_DIR


class AlignFormat(str, Enum):
    links = "links"
    tsv = "tsv"
    jsonl = "jsonl"
    tmx = "tmx"


class BenchSet(str, Enum):
    bible = "bible"
    textberg = "textberg"
    seed = "seed"
    dev = "dev"
    all = "all"


def format_links(links, fmt: str) -> str:
    """The text of ``links`` in ``links`` / ``tsv`` / ``jsonl`` format (see README, Aligning)."""
    if fmt == "links":
        return "".join(f"{list(lk.zh_ids)}:{list(lk.en_ids)}\n" for lk in links)
    if fmt == "tsv":
        rows = ["link\tzh_ids\ten_ids\tscore\tconfidence\tzh\ten\n"]
        for lk in links:
            ids = (",".join(map(str, lk.zh_ids)), ",".join(map(str, lk.en_ids)))
            zh, en = (" ".join(t.split()) for t in (lk.zh, lk.en))
            confidence = f"{lk.confidence:.4f}" if lk.confidence is not None else ""
            rows.append(f"{lk.index}\t{ids[0]}\t{ids[1]}\t{lk.score:.4f}\t{confidence}\t{zh}\t{en}\n")
        return "".join(rows)
    return "".join(json.dumps(lk.to_json(), ensure_ascii=False) + "\n" for lk in links)


def register(app: typer.Typer) -> None:
    @app.command("align")
    def align_command(
        zh: Path = typer.Argument(..., help="The Chinese file (.txt, .md, .docx)."),
        en: Path = typer.Argument(..., help="The English file."),
        presegmented: bool = typer.Option(
            False, "--presegmented", help="Each input line is one sentence: no cleaning, no re-splitting."
        ),
        fmt: AlignFormat = typer.Option(AlignFormat.links, "--format", "-f", help="links | tsv | jsonl | tmx."),
        out: Path | None = typer.Option(None, "--out", "-o", help="Write here instead of stdout (required for tmx)."),
        model: str | None = typer.Option(
            None, "--model", help="A sentence-transformers model folder (default: USE v3, built in)."
        ),
        max_bead: int = typer.Option(5, "--max-bead", min=1, max=8, help="Largest n in 1-n / n-1 links."),
        batch_size: int = typer.Option(256, "--batch-size", min=1, help="Sentences per encoder call."),
        threads: int | None = typer.Option(
            None, "--threads", min=1,
            help="Encoder BLAS threads (default $ALIGN_THREADS, else the usable cores, at most 2).",
        ),
        cache_dir: Path | None = CACHE_DIR,
        no_cache: bool = typer.Option(False, "--no-cache", help="Do not read or write the embedding cache."),
        quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress on stderr."),
    ) -> None:
        """Align the sentences of a Chinese file and its English version.

        `links` prints `[zh ids]:[en ids]` per line (0-based, every sentence of both sides
        exactly once, in order); tsv and jsonl add the texts and a confidence in [0, 1].
        """
        from align.aligner.sentences import align_documents
        from align.embed.encoders import load_encoder
        from align.errors import AlignError
        from align.pipeline import read_pair
        from align.progress import Progress

        if fmt is AlignFormat.tmx and out is None:
            raise AlignError("--format tmx needs --out FILE")
        with Progress(quiet) as progress:
            with progress.stage("reading"):
                zh_doc, en_doc = read_pair(zh, en, presegmented)
            with progress.stage("loading model"):
                encoder = load_encoder(
                    model, cache_dir=cache_dir, cache=not no_cache, batch_size=batch_size, threads=threads
                )
            with progress.stage(f"aligning {len(zh_doc.segments)} x {len(en_doc.segments)} sentences"):
                links = align_documents(zh_doc, en_doc, encoder, max_bead=max_bead)
        if fmt is AlignFormat.tmx:
            from align.report.tmx import write_tmx

            write_tmx(links, out, origin=f"{zh.name} | {en.name}")
            return
        body = format_links(links, fmt.value)
        if out is None:
            sys.stdout.write(body)
        else:
            from align.fileio import write_text

            write_text(out, body)

    @bench_app.command("alignment")
    def bench_alignment_command(
        which: BenchSet = typer.Option(BenchSet.all, "--set", help="bible | dev | textberg | seed | all."),
        synthetic: list[int] = typer.Option(
            [], "--synthetic", help="Also time a synthetic pair of N sentences per side (repeatable)."
        ),
        shared: Path = typer.Option(
            SHARED, "--shared", help="The shared data folder."
        ),
        max_bead: int = typer.Option(5, "--max-bead", min=1, max=8, help="Largest n in 1-n / n-1 links."),
        model: str | None = typer.Option(None, "--model", help="Encoder (default USE v3)."),
        no_cache: bool = typer.Option(
            False, "--no-cache", help="Encode everything afresh (timings of a first run)."
        ),
        no_bertalign: bool = typer.Option(
            False, "--no-bertalign", help="Skip the side-by-side run of Bertalign's algorithm."
        ),
    ) -> None:
        """Strict/lax P/R/F1 (standard rule) of ours and of Bertalign's algorithm on the same
        vectors, every dev set, seconds of each."""
        from align.bench.alignment import run_benchmark

        sets = ["bible", "dev", "textberg", "seed"] if which is BenchSet.all else [which.value]
        print(run_benchmark(shared, sets, synthetic, model=model, cache=not no_cache,
                            bertalign=not no_bertalign, max_bead=max_bead))
