"""Word alignment inside each link (the pipeline stage between sentence alignment and the
checks): ``align_words`` for one pair of texts, ``link_alignments`` for a run's links,
computed once per check run and shared by every check that reads it."""
from __future__ import annotations

from typing import TYPE_CHECKING

from align.wordalign.aligner import WordAlignment, ZhName, ZhWord, align_words, rendered, zh_names  # noqa: F401
from align.wordalign.dictionary import Dictionary  # noqa: F401
from align.wordalign.dictionary import shared as shared_dictionary

if TYPE_CHECKING:  # pragma: no cover
    from align.checks.registry import CheckContext


def link_alignments(ctx: CheckContext) -> dict[int, WordAlignment]:
    """Link index → its word alignment, for every two-sided link of the run (memoised)."""

    def compute() -> dict[int, WordAlignment]:
        dictionary = shared_dictionary()
        return {link.index: align_words(link.zh, link.en, dictionary) for link in ctx.links if not link.one_sided}

    return ctx.memo("wordalign", compute)
