"""`align bench checks`: seconds per link of each check as the document grows.

The Bible dev pair is aligned once; documents of 1k … 50k links are made by repeating it
(links, sentence ids and offsets shifted, so every check sees a consistent document), and
every registered check is timed on each size in one check run, in registry order, as
``align check`` runs them (a per-document table a check learns is charged to the first check
that asks for it; the word-alignment stage is its own row). A check is linear when its time
per link stays flat: the table gives µs per link at each size and the largest / smallest.
"""
from __future__ import annotations

import dataclasses
import time
from pathlib import Path

from align.model import Document, Link

DEFAULT_SIZES = (1_000, 2_000, 5_000, 10_000, 20_000, 50_000)


def repeat_pair(zh_doc: Document, en_doc: Document, links: list[Link],
                size: int) -> tuple[Document, Document, list[Link]]:
    """The first ``size`` links of the pair repeated end to end, with both documents
    repeated as often as that takes."""
    copies = -(-size // len(links))
    zh, en = _repeat(zh_doc, copies), _repeat(en_doc, copies)
    out = []
    for k in range(size):
        copy, link = divmod(k, len(links))
        out.append(_shifted(links[link], k, copy * len(zh_doc.segments), copy * len(en_doc.segments)))
    return zh, en, out


def _repeat(doc: Document, copies: int) -> Document:
    step = len(doc.original)
    segments = [
        dataclasses.replace(s, index=s.index + c * len(doc.segments), paragraph=s.paragraph + c * len(doc.segments),
                            start=s.start + c * step, end=s.end + c * step)
        for c in range(copies) for s in doc.segments
    ]
    return Document(doc.doc_id, doc.lang, doc.original * copies, segments, doc.path, doc.encoding)


def _shifted(link: Link, index: int, zh_shift: int, en_shift: int) -> Link:
    return dataclasses.replace(
        link,
        index=index,
        zh_ids=tuple(i + zh_shift for i in link.zh_ids),
        en_ids=tuple(i + en_shift for i in link.en_ids),
        zh_sentences=tuple((i + zh_shift, a, b) for i, a, b in link.zh_sentences),
        en_sentences=tuple((i + en_shift, a, b) for i, a, b in link.en_sentences),
    )


def time_checks(zh_doc: Document, en_doc: Document, links: list[Link], encoder) -> dict[str, float]:
    """Seconds of the word-alignment stage and of each registered check on ``links``."""
    from align.checks import CheckContext, run_checks
    from align.checks.registry import REGISTRY, load_builtin_checks
    from align.wordalign import link_alignments

    load_builtin_checks()
    ctx = CheckContext(links, zh_doc, en_doc, None, encoder=encoder)
    started = time.perf_counter()
    link_alignments(ctx)
    seconds = {"word-align (stage)": time.perf_counter() - started}
    for name, info in REGISTRY.items():
        started = time.perf_counter()
        run_checks(ctx, select=list(info.codes))
        seconds[name] = time.perf_counter() - started
    return seconds


def run_benchmark(shared: Path, sizes: tuple[int, ...] = DEFAULT_SIZES, progress=print) -> str:
    """A Markdown table: µs per link of each check at each size, and max / min.

    Each size starts cold: a fresh embedding cache (the clause vectors of
    ``omission.partial`` are encoded anew) and empty per-text caches, after one untimed
    warm-up run that loads the dictionaries and models every size shares.
    """
    import tempfile

    from align.aligner.sentences import align_documents
    from align.embed.encoders import load_encoder
    from align.text.segment import load_presegmented

    bible = shared / "bench" / "bible-zh-en"
    zh_doc = load_presegmented(bible / "zh.txt", "zh")
    en_doc = load_presegmented(bible / "en.txt", "en")
    links = align_documents(zh_doc, en_doc, load_encoder())
    table: dict[str, dict[int, float]] = {}
    with tempfile.TemporaryDirectory(prefix="align-bench-checks-") as tmp:
        time_checks(*repeat_pair(zh_doc, en_doc, links, 200), load_encoder(cache_dir=Path(tmp) / "warm-up"))
        for size in sizes:
            _clear_text_caches()
            started = time.perf_counter()
            encoder = load_encoder(cache_dir=Path(tmp) / str(size))
            for name, seconds in time_checks(*repeat_pair(zh_doc, en_doc, links, size), encoder).items():
                table.setdefault(name, {})[size] = seconds
            progress(f"{size:,} links: {time.perf_counter() - started:.1f} s")
    return format_table(table, sizes)


def _clear_text_caches() -> None:
    """Empty align's per-text memo caches (``lru_cache`` larger than a loader's)."""
    import sys

    for name, module in list(sys.modules.items()):
        if name == "align" or name.startswith("align."):
            for value in vars(module).values():
                parameters = getattr(value, "cache_parameters", None)
                if parameters and (parameters()["maxsize"] or 0) > 2:
                    value.cache_clear()


def format_table(table: dict[str, dict[int, float]], sizes: tuple[int, ...]) -> str:
    header = ["check", *(f"{s:,} links" for s in sizes), "max / min"]
    lines = ["| " + " | ".join(header) + " |", "| --- | " + " | ".join(["---:"] * (len(header) - 1)) + " |"]
    totals = {s: sum(row[s] for row in table.values()) for s in sizes}
    for name, row in [*table.items(), ("all checks", totals)]:
        per_link = [row[s] / s * 1e6 for s in sizes]
        spread = max(per_link) / min(per_link) if min(per_link) > 0 else float("inf")
        label = f"**{name}**" if name == "all checks" else f"`{name}`"
        lines.append("| " + " | ".join([label, *(f"{p:,.0f}" for p in per_link), f"{spread:.2f}×"]) + " |")
    return "\n".join(lines) + "\n\nµs per link (wall clock, one process)."
