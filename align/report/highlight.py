"""Flagged spans as HTML: escape the text, wrap each flagged stretch in ``<mark>``.

Shared by ``report.html`` and the review app, so a span looks the same everywhere.
Spans may overlap (two checks on one term); the text is cut at every span boundary and
each piece carries every flag that covers it.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

from markupsafe import Markup, escape

from align.model import SEVERITIES, Flag


def span_pieces(
    text: str, spans: Iterable[tuple[int, int, object]]
) -> list[tuple[str, list[object]]]:
    """Cut ``text`` at every span boundary: ``[(piece, [payloads covering it]), ...]``.

    Spans outside the text are clipped; empty spans are dropped.
    """
    clipped = []
    for start, end, payload in spans:
        start, end = max(0, start), min(len(text), end)
        if start < end:
            clipped.append((start, end, payload))
    cuts = sorted({0, len(text), *(s for s, _, _ in clipped), *(e for _, e, _ in clipped)})
    pieces = []
    for left, right in zip(cuts, cuts[1:]):
        covering = [p for s, e, p in clipped if s <= left and right <= e]
        pieces.append((text[left:right], covering))
    return pieces


def worst_severity(flags: Iterable[Flag]) -> str | None:
    """The most serious severity among ``flags`` (``error`` > ``warning`` > ``info``)."""
    ranks = [SEVERITIES.index(f.severity) for f in flags]
    return SEVERITIES[min(ranks)] if ranks else None


def mark_spans(text: str, flags: Sequence[Flag], side: str) -> Markup:
    """HTML-escaped ``text`` with the ``side`` (``"zh"``/``"en"``) span of each flag marked.

    Each ``<mark>`` gets ``class="sev-<worst severity>"``, ``data-flags`` (the flag ids,
    space-separated) and a ``title`` with the messages, so hovering shows why.
    """
    spans = [(*getattr(f, f"{side}_span"), f) for f in flags if getattr(f, f"{side}_span")]
    html = []
    for piece, covering in span_pieces(text, spans):
        if not covering:
            html.append(escape(piece))
            continue
        title = "\n".join(f"{f.check}: {f.message}" for f in covering)
        html.append(
            Markup('<mark class="sev-{}" data-flags="{}" title="{}">{}</mark>').format(
                worst_severity(covering), " ".join(f.id for f in covering), title, piece
            )
        )
    return Markup("").join(html)
