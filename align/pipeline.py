"""The main job: read both files, segment, embed, align, run every check.

``run_check`` is the whole of ``align check`` minus the writing (``align.report.write_run``),
so the CLI, ``align batch``, the benchmark and the notebook all run the same code. Each stage
is timed; the progress bar shows the stage and its counts.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from align.model import Document, Flag, Link, locate_flags
from align.progress import Progress
from align.report.summary import build_summary

EMBED_CHUNK = 256  # sentences encoded per progress-bar step


@dataclass
class CheckRun:
    """Everything one ``align check`` found, ready for the report writers."""

    zh_doc: Document
    en_doc: Document
    links: list[Link]
    flags: list[Flag]
    summary: dict[str, Any]
    timings: dict[str, float] = field(default_factory=dict)


class _Stopwatch:
    def __init__(self) -> None:
        self.timings: dict[str, float] = {}

    @contextmanager
    def __call__(self, stage: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.timings[stage] = self.timings.get(stage, 0.0) + time.perf_counter() - started


def read_pair(zh_path: str | Path, en_path: str | Path, presegmented: bool = False) -> tuple[Document, Document]:
    """Both documents, segmented (or one sentence per line with ``presegmented``), and
    refused here — before any encoding — if a sentence is too long to align."""
    from align.aligner.sentences import check_alignable
    from align.text.segment import load_document, load_presegmented

    load = load_presegmented if presegmented else load_document
    zh_doc, en_doc = load(zh_path, "zh"), load(en_path, "en")
    check_alignable(zh_doc, en_doc)
    return zh_doc, en_doc


def run_check(
    zh_path: str | Path,
    en_path: str | Path,
    *,
    glossaries: Sequence[str | Path] = (),
    model: str | None = None,
    select: Sequence[str] | None = None,
    ignore: Sequence[str] | None = None,
    options: dict[str, dict[str, Any]] | None = None,
    align_options: dict[str, Any] | None = None,
    presegmented: bool = False,
    cache_dir: str | Path | None = None,
    quiet: bool = False,
    on_stage: Callable[[str], None] | None = None,
) -> CheckRun:
    """Run every stage on one document pair; bad input raises ``align.errors.InputError``.

    ``select``/``ignore`` take check codes or categories; ``options`` are per-check
    thresholds (``{code: {key: value}}``); ``align_options`` go to the aligner;
    ``on_stage`` hears each stage's name as it starts.
    """
    from align.checks import CheckContext, run_checks
    from align.embed.encoders import load_encoder
    from align.glossary.files import load_glossaries
    from align.aligner.sentences import align_documents
    from align.wordalign import link_alignments

    clock = _Stopwatch()
    started = time.perf_counter()
    with Progress(quiet, on_stage=on_stage) as progress:
        with clock("read"), progress.stage("read + segment", total=2) as stage:
            zh_doc, en_doc = read_pair(zh_path, en_path, presegmented)
            stage.advance(2)
        glossary = None
        if glossaries:
            with clock("glossary"), progress.stage("glossary", total=len(glossaries)) as stage:
                glossary = load_glossaries([str(p) for p in glossaries])
                stage.advance(len(glossaries))
        with clock("model"), progress.stage("load model", total=1):
            encoder = load_encoder(model, cache_dir=cache_dir)
        calls_before = encoder.model_calls
        sentences = zh_doc.texts + en_doc.texts
        with clock("embed"), progress.stage("embed sentences", total=len(sentences)) as stage:
            for start in range(0, len(sentences), EMBED_CHUNK):
                chunk = sentences[start : start + EMBED_CHUNK]
                encoder.encode(chunk)  # fills the cache the aligner reads from
                stage.advance(len(chunk))
        encoded = encoder.model_calls - calls_before
        desc = f"align {len(zh_doc.segments)} zh × {len(en_doc.segments)} en"
        with clock("align"), progress.stage(desc, total=len(sentences)):
            links = align_documents(zh_doc, en_doc, encoder, glossary=glossary, **(align_options or {}))
        ctx = CheckContext(links, zh_doc, en_doc, glossary, encoder=encoder, options=options or {})
        with clock("word-align"), progress.stage(f"word-align {len(links)} links", total=len(links)):
            link_alignments(ctx)  # memoised on the context: the checks read it from there
        with clock("checks"), progress.stage(f"check {len(links)} links", total=len(links)):
            flags = locate_flags(run_checks(ctx, select=select, ignore=ignore), links, zh_doc, en_doc)
    timings = {**clock.timings, "total": time.perf_counter() - started}
    summary = build_summary(
        zh_doc,
        en_doc,
        links,
        flags,
        model=encoder.model_id,
        timings=timings,
        glossaries=[str(p) for p in glossaries],
        glossary_entries=len(glossary.entries) if glossary else 0,
        select=select or (),
        ignore=ignore or (),
    )
    summary["embedding"] = {"sentences": len(sentences), "encoded": encoded, "from_cache": len(sentences) - encoded}
    return CheckRun(zh_doc, en_doc, links, flags, summary, timings)
