"""Checks on the word alignment inside each link (``align.wordalign``).

Content words that nothing on the other side renders: a run of Chinese content words whose
every dictionary sense is missing from the English (``omission.words``), and a run of
English content words that render no Chinese word (``omission.added_words``). The word
aligner only knows CC-CEDICT, readings, numbers and Latin tokens, so a free but faithful
rendering also leaves words unaligned: these findings are ``info`` by default, evidence a
reviewer reads and one input of the adequacy score, and a run must hold several content
words (``min_words``) before it is reported at all.
"""
from __future__ import annotations

from collections.abc import Iterator

from align.checks.registry import CheckContext, register
from align.model import Flag, Link
from align.wordalign import WordAlignment, link_alignments

_ZH_BREAKS = frozenset("，。；：！？、,.;:!?“”\"（）()《》")
_EN_BREAKS = frozenset(",.;:!?\"()“”—")


def zh_gaps(alignment: WordAlignment, text: str, min_words: int) -> list[list[int]]:
    """Runs of Chinese content words no English word renders (names and bare numbers are left
    to the entity and number checks); a rendered content word or punctuation ends a run."""
    runs: list[list[int]] = []
    current: list[int] = []
    previous_end = 0
    for i, word in enumerate(alignment.zh):
        if current and any(ch in _ZH_BREAKS for ch in text[previous_end:word.start]):
            runs.append(current)
            current = []
        previous_end = word.end
        gap = word.content and word.known and not alignment.zh_aligned(i) and not word.name \
            and not word.text.isdigit()
        if gap:
            current.append(i)
        elif word.content or word.text in _ZH_BREAKS:
            if current:
                runs.append(current)
            current = []
    if current:
        runs.append(current)
    return [run for run in runs if len(run) >= min_words]


def en_gaps(alignment: WordAlignment, text: str, min_words: int) -> list[list[int]]:
    """Runs of English content words that render no Chinese word (capitalised names, which
    the entity checks judge, and numbers excepted)."""
    runs: list[list[int]] = []
    current: list[int] = []
    previous_end = 0
    for j, word in enumerate(alignment.en):
        if any(ch in _EN_BREAKS for ch in text[previous_end:word.start]) and current:
            runs.append(current)
            current = []
        previous_end = word.end
        if word.content and not alignment.en_aligned(j) and not word.capitalised and not word.text[0].isdigit():
            current.append(j)
        elif word.content:
            if current:
                runs.append(current)
            current = []
    if current:
        runs.append(current)
    return [run for run in runs if len(run) >= min_words]


def _senses(word: str) -> list[str]:
    from align.wordalign import shared_dictionary

    return list(shared_dictionary().lookup(word)[:4])


@register("omission.words", options={"min_words": 2}, severity={"omission.words": "info"})
def omitted_words(link: Link, ctx: CheckContext) -> Iterator[Flag]:
    """Chinese content words none of whose dictionary senses the English renders."""
    alignment = link_alignments(ctx).get(link.index)
    if alignment is None:
        return
    for run in zh_gaps(alignment, link.zh, ctx.option("omission.words", "min_words")):
        words = [alignment.zh[i] for i in run]
        start, end = words[0].start, words[-1].end
        shown = "".join(link.zh[start:end].split())
        yield ctx.flag(
            link, "omission.words",
            f"The English renders none of the dictionary senses of {shown}: it may be left out or mistranslated.",
            zh_span=(start, end),
            evidence={"words": [w.text for w in words], "senses": {w.text: _senses(w.text) for w in words},
                      "zh_coverage": round(alignment.zh_coverage(), 3)},
        )


@register("omission.added_words", options={"min_words": 3}, severity={"omission.added_words": "info"})
def added_words(link: Link, ctx: CheckContext) -> Iterator[Flag]:
    """English content words that render no Chinese word."""
    alignment = link_alignments(ctx).get(link.index)
    if alignment is None:
        return
    for run in en_gaps(alignment, link.en, ctx.option("omission.added_words", "min_words")):
        words = [alignment.en[j] for j in run]
        start, end = words[0].start, words[-1].end
        yield ctx.flag(
            link, "omission.added_words",
            f"No Chinese word is rendered by “{link.en[start:end]}”: it may be added or mistranslated.",
            en_span=(start, end),
            evidence={"words": [w.text for w in words], "en_coverage": round(alignment.en_coverage(), 3)},
        )
