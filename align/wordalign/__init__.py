"""Word alignment inside each link (the pipeline stage between sentence alignment and the
checks): ``align_words`` for one pair of texts (the dictionary's links), ``link_alignments``
for a run's links, computed once per check run and shared by every check that reads it:
the dictionary's links plus those of the translation model (``model1``) learnt from the
run's own links, or handed in on the context from a bigger corpus."""
from __future__ import annotations

from typing import TYPE_CHECKING

from align.wordalign.aligner import WordAlignment, ZhName, ZhWord, align_words, rendered, zh_names  # noqa: F401
from align.wordalign.dictionary import Dictionary  # noqa: F401
from align.wordalign.dictionary import shared as shared_dictionary

if TYPE_CHECKING:  # pragma: no cover
    from align.checks.registry import CheckContext
    from align.model import Link
    from align.wordalign.model1 import TranslationModel


def dictionary_alignments(links: list[Link]) -> dict[int, WordAlignment]:
    """Link index → the dictionary's word alignment, for every two-sided link."""
    dictionary = shared_dictionary()
    return {link.index: align_words(link.zh, link.en, dictionary) for link in links if not link.one_sided}


_DICTIONARY_MEMO = "wordalign.dictionary"


def seed_dictionary_alignments(ctx: CheckContext, alignments: dict[int, WordAlignment]) -> None:
    """Hand the run the dictionary alignments of its links computed earlier (the first pass
    of ``align batch`` computed them to teach the corpus model), so they are not redone."""
    ctx.memo(_DICTIONARY_MEMO, lambda: alignments)


def link_alignments(ctx: CheckContext) -> dict[int, WordAlignment]:
    """Link index → its word alignment, for every two-sided link of the run (memoised)."""

    def compute() -> dict[int, WordAlignment]:
        from align.wordalign import model1

        by_dictionary = ctx.memo(_DICTIONARY_MEMO, lambda: dictionary_alignments(list(ctx.links)))
        model = ctx.translations or model1.learn(by_dictionary.values())
        ctx.memo("translations", lambda: model)
        return {index: model.extend(alignment) for index, alignment in by_dictionary.items()}

    return ctx.memo("wordalign", compute)


def translation_model(ctx: CheckContext) -> TranslationModel:
    """The word translation model the run's alignments used."""
    link_alignments(ctx)
    return ctx.memo("translations", lambda: None)
