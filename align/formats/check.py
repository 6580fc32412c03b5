"""``align check FILE``: check a bilingual file unit by unit, without re-aligning.

Each translation unit is one link (its zh and en segment), scored by the aligner's
confidence (the calibrated USE cosine of the pair), so the document-level checks (the
typical confidence of a file, names used across units) see the whole file as they would
an aligned pair of documents.
"""
from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from align.formats import read_bilingual
from align.formats.units import BilingualFile
from align.model import Link
from align.pipeline import EMBED_CHUNK, CheckRun
from align.progress import Progress


def unit_links(zh_doc, en_doc, encoder, stage=None) -> list[Link]:
    """One link per unit, scored like an aligner's 1-1 bead."""
    from align.review.fixes import encoder_scorer

    texts = zh_doc.texts + en_doc.texts
    for start in range(0, len(texts), EMBED_CHUNK):
        encoder.encode(texts[start : start + EMBED_CHUNK])  # fills the cache the scorer reads
        if stage is not None:
            stage.advance(len(texts[start : start + EMBED_CHUNK]))
    score = encoder_scorer(encoder)
    return [
        Link.of_sentences(i, [(i, zh.text)], [(i, en.text)], score(zh.text, en.text))
        for i, (zh, en) in enumerate(zip(zh_doc.segments, en_doc.segments))
    ]


def run_bilingual_check(
    path: str | Path,
    *,
    glossaries: Sequence[str | Path] = (),
    model: str | None = None,
    select: Sequence[str] | None = None,
    ignore: Sequence[str] | None = None,
    options: dict[str, dict[str, Any]] | None = None,
    cache_dir: str | Path | None = None,
    quiet: bool = False,
) -> tuple[CheckRun, BilingualFile]:
    """Read ``path`` (XLIFF, TMX, PO, CSV, XLSX) and run every check on its units; the run's
    summary gets a ``bilingual`` entry (format, languages, units, units left out)."""
    from align.checks import CheckContext, run_checks
    from align.embed.encoders import load_encoder
    from align.glossary.files import load_glossaries
    from align.model import locate_flags
    from align.report.summary import build_summary
    from align.wordalign import link_alignments

    started = time.perf_counter()
    timings: dict[str, float] = {}
    with Progress(quiet) as progress:
        t = time.perf_counter()
        with progress.stage("read units", total=1) as stage:
            bilingual = read_bilingual(path)
            zh_doc, en_doc = bilingual.documents()
            stage.advance(1)
        timings["read"] = time.perf_counter() - t
        glossary = load_glossaries([str(p) for p in glossaries]) if glossaries else None
        t = time.perf_counter()
        encoder = load_encoder(model, cache_dir=cache_dir)
        timings["model"] = time.perf_counter() - t
        t = time.perf_counter()
        with progress.stage(f"embed {len(zh_doc.segments)} units", total=2 * len(zh_doc.segments)) as stage:
            links = unit_links(zh_doc, en_doc, encoder, stage)
        timings["embed"] = time.perf_counter() - t
        t = time.perf_counter()
        with progress.stage(f"check {len(links)} units", total=len(links)):
            ctx = CheckContext(links, zh_doc, en_doc, glossary, encoder=encoder, options=options or {})
            link_alignments(ctx)
            flags = locate_flags(run_checks(ctx, select=select, ignore=ignore), links, zh_doc, en_doc)
        timings["checks"] = time.perf_counter() - t
    timings["total"] = time.perf_counter() - started
    summary = build_summary(
        zh_doc, en_doc, links, flags, model=encoder.model_id, timings=timings,
        glossaries=[str(p) for p in glossaries], glossary_entries=len(glossary.entries) if glossary else 0,
        select=select or (), ignore=ignore or (),
    )
    summary["bilingual"] = bilingual.summary()
    return CheckRun(zh_doc, en_doc, links, flags, summary, timings), bilingual
