"""The main job: read both files, segment, embed, align, run every check.

Data in, data out, in three layers (like sacrebleu's metrics): ``check_links`` runs the
checks on links, ``check_documents`` embeds, aligns and checks two segmented documents, and
``run_check`` reads the files, glossaries and model first — the whole of ``align check``
minus the writing (``align.report.write_run``). The CLI, ``align batch``, the benchmarks and
the notebook all run these. Each stage is timed; the progress bar shows the stage and its counts.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from align.model import Document, Flag, Link, locate_flags
from align.progress import Progress
from align.summary import build_summary

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


def check_links(
    links: Sequence[Link],
    *,
    zh_doc: Document | None = None,
    en_doc: Document | None = None,
    encoder=None,
    glossary=None,
    select: Sequence[str] | None = None,
    ignore: Sequence[str] | None = None,
    options: dict[str, dict[str, Any]] | None = None,
    translations=None,
) -> list[Flag]:
    """Every selected check on ready-made links; with the documents, the flags also get
    their file spans (``locate_flags``). What the benchmarks run on their own links;
    ``translations``, a word translation model learnt from more links than these
    (``align.wordalign.model1.learn``), else the links teach their own."""
    from align.checks import CheckContext

    ctx = CheckContext(list(links), zh_doc, en_doc, glossary, encoder=encoder, options=options or {},
                       translations=translations)
    return _checked(ctx, select, ignore)


def _checked(ctx, select: Sequence[str] | None, ignore: Sequence[str] | None, jobs: int = 1) -> list[Flag]:
    """The flags of the selected checks (over ``jobs`` processes, see ``run_checks``); each
    link also gets its adequacy probability (for the report's column and the review app)
    when the score is among them."""
    from align.checks import adequacy, run_checks
    from align.checks.registry import code_enabled

    flags = run_checks(ctx, select=select, ignore=ignore, jobs=jobs)
    if code_enabled("adequacy.score", select, ignore):
        by_index = {link.index: link for link in ctx.links}
        for index, p in adequacy.link_probabilities(ctx, flags).items():
            by_index[index].adequacy = p
    if ctx.zh_doc is not None and ctx.en_doc is not None:
        flags = locate_flags(flags, ctx.links, ctx.zh_doc, ctx.en_doc)
    return flags


@dataclass
class AlignedPair:
    """Two documents embedded and aligned, not yet checked: the first pass of ``align
    batch``, whose word alignments teach the corpus translation model every document is
    then checked with. ``words``: the dictionary's word alignment of each two-sided link
    (``align.wordalign.dictionary_alignments``), when computed already."""

    zh_doc: Document
    en_doc: Document
    links: list[Link]
    timings: dict[str, float]  # every stage so far, reading and loading included
    encoded: int  # sentences the encoder computed (the rest came from the cache)
    words: dict[int, Any] | None = None

    def align_words(self) -> None:
        """The dictionary's word alignments, timed as the word-align stage."""
        from align.wordalign import dictionary_alignments

        started = time.perf_counter()
        self.words = dictionary_alignments(self.links)
        self.timings["word-align"] = self.timings.get("word-align", 0.0) + time.perf_counter() - started


def align_pair(
    zh_doc: Document,
    en_doc: Document,
    *,
    encoder,
    glossary=None,
    align_options: dict[str, Any] | None = None,
    paired: bool = False,
    quiet: bool = True,
    timings: dict[str, float] | None = None,
    on_stage: Callable[[str], None] | None = None,
) -> AlignedPair:
    """Embed and align two segmented documents (see :func:`check_documents`)."""
    from align.aligner.sentences import align_documents
    from align.embed.encoders import Encoder

    clock = _Stopwatch()
    clock.timings.update(timings or {})
    with Progress(quiet, on_stage=on_stage) as progress:
        calls_before = encoder.model_calls
        sentences = zh_doc.texts + en_doc.texts
        encode = encoder.encode
        if isinstance(encoder, Encoder):  # approximations of each sentence less a clause, for the omission checks
            encode = partial(encoder.encode, parts_left_out=_clauses_left_out(zh_doc, en_doc))
        with clock("embed"), progress.stage("embed sentences", total=len(sentences)) as stage:
            for start in range(0, len(sentences), EMBED_CHUNK):
                chunk = sentences[start : start + EMBED_CHUNK]
                encode(chunk)  # fills the cache the aligner reads from
                stage.advance(len(chunk))
        encoded = encoder.model_calls - calls_before
        desc = f"align {len(zh_doc.segments)} zh × {len(en_doc.segments)} en"
        with clock("align"), progress.stage(desc, total=len(sentences)):
            if paired:
                links = paired_links(zh_doc, en_doc, encoder)
            else:
                links = align_documents(zh_doc, en_doc, encoder, glossary=glossary, **(align_options or {}))
    return AlignedPair(zh_doc, en_doc, links, clock.timings, encoded)


def _clauses_left_out(zh_doc: Document, en_doc: Document) -> Callable[[str], list[tuple[int, int]]]:
    """Text → the clauses the omission checks may leave out of it when it is a pair side
    (those of a sentence with two clauses or more): a one-to-one link's sides are its
    sentences, so the encoder approximates them from the sentence's own forward pass."""
    from align.text.zhtext import clause_spans

    lang = {**dict.fromkeys(en_doc.texts, "en"), **dict.fromkeys(zh_doc.texts, "zh")}

    def clauses(text: str) -> list[tuple[int, int]]:
        spans = clause_spans(text, lang[text])
        return spans if len(spans) >= 2 else []
    return clauses


def check_aligned(
    aligned: AlignedPair,
    *,
    encoder,
    glossary=None,
    glossary_files: Sequence[str | Path] = (),
    select: Sequence[str] | None = None,
    ignore: Sequence[str] | None = None,
    options: dict[str, dict[str, Any]] | None = None,
    translations=None,
    quiet: bool = True,
    on_stage: Callable[[str], None] | None = None,
    jobs: int = 1,
) -> CheckRun:
    """Word-align and check an aligned pair (see :func:`check_documents`); ``translations``,
    a word translation model learnt from a bigger corpus, else the links teach their own;
    ``jobs`` 2 runs part of the work in a forked second process (:mod:`align.parallel`)."""
    from align.checks import CheckContext
    from align.wordalign import link_alignments, seed_dictionary_alignments

    clock = _Stopwatch()
    clock.timings.update(aligned.timings)
    started = time.perf_counter()
    links, zh_doc, en_doc = aligned.links, aligned.zh_doc, aligned.en_doc
    with Progress(quiet, on_stage=on_stage) as progress:
        ctx = CheckContext(links, zh_doc, en_doc, glossary, encoder=encoder, options=options or {},
                           translations=translations)
        if aligned.words is not None:
            seed_dictionary_alignments(ctx, aligned.words)
        with clock("word-align"), progress.stage(f"word-align {len(links)} links", total=len(links)):
            link_alignments(ctx)  # memoised on the context: the checks read it from there
        with clock("checks"), progress.stage(f"check {len(links)} links", total=len(links)):
            flags = _checked(ctx, select, ignore, jobs)
    model = ctx.memo("translations", lambda: None)
    run_timings = {**clock.timings, "total": sum(aligned.timings.values()) + time.perf_counter() - started}
    summary = build_summary(
        zh_doc,
        en_doc,
        links,
        flags,
        model=encoder.model_id,
        timings=run_timings,
        glossaries=[str(p) for p in glossary_files],
        glossary_entries=len(glossary.entries) if glossary else 0,
        select=select or (),
        ignore=ignore or (),
    )
    sentences = len(zh_doc.segments) + len(en_doc.segments)
    summary["embedding"] = {"sentences": sentences, "encoded": aligned.encoded,
                            "from_cache": sentences - aligned.encoded}
    summary["translation_model"] = {"learnt_from": "corpus" if translations is not None else "document",
                                    "links": model.links if model is not None else 0}
    return CheckRun(zh_doc, en_doc, links, flags, summary, run_timings)


def check_documents(
    zh_doc: Document,
    en_doc: Document,
    *,
    encoder,
    glossary=None,
    glossary_files: Sequence[str | Path] = (),
    select: Sequence[str] | None = None,
    ignore: Sequence[str] | None = None,
    options: dict[str, dict[str, Any]] | None = None,
    align_options: dict[str, Any] | None = None,
    paired: bool = False,
    quiet: bool = True,
    timings: dict[str, float] | None = None,
    on_stage: Callable[[str], None] | None = None,
    jobs: int = 1,
) -> CheckRun:
    """Embed, align and check two segmented documents: data in, data out, no files read.

    ``glossary`` is a loaded ``Glossary`` (``glossary_files`` only names its files in the
    summary); ``select``/``ignore`` take check codes or categories; ``options`` are per-check
    settings (``{code: {key: value}}``); ``align_options`` go to the aligner. ``paired``
    documents are aligned already, segment ``i`` with segment ``i`` (the units of a bilingual
    file): no alignment search, see :func:`paired_links`. ``timings`` of stages run before
    (reading, loading) go into the run's timings and total; ``on_stage`` hears each stage's
    name as it starts (a batch worker passes it on to the progress bar); ``jobs`` 2 runs part
    of the check work in a forked second process (:mod:`align.parallel`).
    """
    aligned = align_pair(zh_doc, en_doc, encoder=encoder, glossary=glossary, align_options=align_options,
                         paired=paired, quiet=quiet, timings=timings, on_stage=on_stage)
    return check_aligned(aligned, encoder=encoder, glossary=glossary, glossary_files=glossary_files, select=select,
                         ignore=ignore, options=options, quiet=quiet, on_stage=on_stage, jobs=jobs)


def paired_links(zh_doc: Document, en_doc: Document, encoder) -> list[Link]:
    """Segment ``i`` of each side as link ``i``, with the confidence the aligner gives a 1-1
    bead (the calibrated cosine of the pair)."""
    from align.aligner.sentences import calibrated_confidence

    if len(zh_doc.segments) != len(en_doc.segments):
        raise ValueError(f"paired documents differ in length ({len(zh_doc.segments)} vs {len(en_doc.segments)})")
    zh_vecs, en_vecs = encoder.encode(zh_doc.texts), encoder.encode(en_doc.texts)
    return [
        Link.of_sentences(i, [(i, zh.text)], [(i, en.text)], calibrated_confidence(float(zh_vecs[i] @ en_vecs[i])))
        for i, (zh, en) in enumerate(zip(zh_doc.segments, en_doc.segments))
    ]


def load_resources(glossaries: Sequence[str | Path], model: str | None, cache_dir: str | Path | None,
                   clock: _Stopwatch | None = None, progress: Progress | None = None):
    """The loaded glossary (or None) and encoder of a run, each stage timed on ``clock``
    and shown on ``progress`` when given."""
    from align.embed.encoders import load_encoder
    from align.glossary.files import load_glossaries

    clock, progress = clock or _Stopwatch(), progress or Progress(quiet=True)
    glossary = None
    if glossaries:
        with clock("glossary"), progress.stage("glossary", total=len(glossaries)) as stage:
            glossary = load_glossaries([str(p) for p in glossaries])
            stage.advance(len(glossaries))
    with clock("model"), progress.stage("load model", total=1):
        encoder = load_encoder(model, cache_dir=cache_dir)
    return glossary, encoder


def read_and_align(
    zh_path: str | Path,
    en_path: str | Path,
    *,
    glossaries: Sequence[str | Path] = (),
    model: str | None = None,
    align_options: dict[str, Any] | None = None,
    presegmented: bool = False,
    cache_dir: str | Path | None = None,
    quiet: bool = False,
    on_stage: Callable[[str], None] | None = None,
):
    """The first half of :func:`run_check`: read both files and the glossaries, load the
    model, embed and align. Returns (``AlignedPair``, loaded glossary or None, encoder)."""
    clock = _Stopwatch()
    with Progress(quiet, on_stage=on_stage) as progress:
        with clock("read"), progress.stage("read + segment", total=2) as stage:
            zh_doc, en_doc = read_pair(zh_path, en_path, presegmented)
            stage.advance(2)
        glossary, encoder = load_resources(glossaries, model, cache_dir, clock, progress)
    aligned = align_pair(zh_doc, en_doc, encoder=encoder, glossary=glossary, align_options=align_options,
                         quiet=quiet, timings=clock.timings, on_stage=on_stage)
    return aligned, glossary, encoder


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
    jobs: int = 1,
) -> CheckRun:
    """``align check`` minus the writing: read both files and the glossaries, load the
    model, then embed, align and check (:func:`check_documents`; ``jobs``, see
    :func:`check_aligned`). Bad input raises ``align.errors.InputError``."""
    aligned, glossary, encoder = read_and_align(zh_path, en_path, glossaries=glossaries, model=model,
                                                align_options=align_options, presegmented=presegmented,
                                                cache_dir=cache_dir, quiet=quiet, on_stage=on_stage)
    return check_aligned(aligned, encoder=encoder, glossary=glossary, glossary_files=glossaries, select=select,
                         ignore=ignore, options=options, quiet=quiet, on_stage=on_stage, jobs=jobs)
