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

import re
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


_DATE_WORD = re.compile(r"[一二三四五六七八九十]月|星期|礼拜")
_PRONOUN = re.compile(r"\b(?:he|him|his|she|her|hers|they|them|their)\b", re.I)


def _readings(text: str) -> set[str]:
    """Pinyin of every run of one to three characters: an English name spelt from the Chinese
    (Zhao for 赵) is a reading, not a different entity."""
    from pypinyin import lazy_pinyin

    syllables = lazy_pinyin(text)
    return {"".join(syllables[i:i + n]).lower() for n in (1, 2, 3) for i in range(len(syllables))}


def _sentence_initial(text: str, at: int) -> bool:
    before = text[:at].rstrip(" \"“‘'(")
    return not before or before[-1] in ".!?:;—"


def _unrendered_capitalised(alignment: WordAlignment, text: str) -> list:
    """Capitalised English words, not opening a sentence, that render no Chinese word (a name
    spelt some other way than the dictionary's: Macau for Macao)."""
    return [w for j, w in enumerate(alignment.en)
            if w.capitalised and not alignment.en_aligned(j) and not _sentence_initial(text, w.start)]


_DETERMINER_BEFORE = re.compile(r"\b(?:the|a|an|this|that|my|our|your|his|her|their|thy)\s+$", re.I)


def _title(text: str, word) -> bool:
    """A capitalised ordinary noun after a determiner: "the Lord", "our President" — a title
    or a common noun written with a capital, not the name CC-CEDICT transliterates (洛德)."""
    from align.wordalign.english import is_common_noun

    return _DETERMINER_BEFORE.search(text[:word.start]) is not None and is_common_noun(word.text)


def english_name_spans(alignment: WordAlignment, text: str) -> list[tuple[int, int, str, frozenset[str]]]:
    """English names the dictionary knows, longest first, not overlapping: (start, end, name,
    its Chinese forms)."""
    from align.wordalign.dictionary import english_names
    from align.wordalign.english import STOPWORDS

    known = english_names()
    en = alignment.en
    capitalised, starts, ends = en.column("capitalised"), en.column("start"), en.column("end")
    found: list[tuple[int, int, str, frozenset[str]]] = []
    j = 0
    while j < len(capitalised):
        match = None
        if capitalised[j]:  # a name starts with a capital: other positions are not tried
            for size in range(min(4, len(capitalised) - j), 0, -1):
                last = j + size - 1
                if not all(capitalised[j:last + 1]) or any(text[ends[k]:starts[k + 1]] not in (" ", "-")
                                                          for k in range(j, last)):
                    continue
                name = text[starts[j]:ends[last]]
                if name in known and (size > 1 or (len(name) >= 4 and name.lower() not in STOPWORDS
                                                    and not _sentence_initial(text, starts[j])
                                                    and not _title(text, en[j]))):
                    match = (starts[j], ends[last], name, known[name], size)
                    break
        if match:
            found.append(match[:4])
            j += match[4]
        else:
            j += 1
    return found


def _linked_elsewhere(name, alignment: WordAlignment, absent: list[tuple[int, int]]) -> bool:
    """Every word of the name is linked by the word aligner, and not only to the English names
    that lack their Chinese: the name is given, if not as the dictionary spells it (耶和华 ↔
    LORD, 以色列人 ↔ "children of Israel", learnt from the run's links); 东方航空 linked to
    "Air China" alone is still another airline."""
    inside = [i for i, w in enumerate(alignment.zh) if name.start <= w.start and w.end <= name.end]
    if not inside or not all(alignment.zh_aligned(i) for i in inside):
        return False
    return any(not any(a <= e.start and e.end <= b for a, b in absent)
               for i in inside for e in alignment.renderings(i))


@register("entity.dictionary_names", codes=("entity.wrong_name", "entity.untranslated_name"),
          severity={"entity.wrong_name": "warning", "entity.untranslated_name": "warning"})
def dictionary_names(link: Link, ctx: CheckContext) -> Iterator[Flag]:
    """Names the dictionary knows: an English name whose Chinese is absent while another
    Chinese name goes unrendered (a wrong entity), and a transliterated foreign name in the
    Chinese that the English does not give."""
    from align.text.zhtext import fold_width, pos_tokens
    from align.wordalign import rendered, shared_dictionary, zh_names
    from align.wordalign.aligner import is_transliteration
    from align.wordalign.dictionary import transliteration_characters

    alignment = link_alignments(ctx).get(link.index)
    if alignment is None:
        return
    names = zh_names(link.zh, shared_dictionary())
    if not names:
        return
    folded = fold_width(link.zh)
    variants = _unrendered_capitalised(alignment, link.en)
    absent = [(start, end, name, forms) for start, end, name, forms in english_name_spans(alignment, link.en)
              if not any(form in folded for form in forms) and not _DATE_WORD.search("".join(forms))]
    if absent:  # the pinyin of every run of the Chinese, only where a name may be spelt from it
        readings = _readings(folded)
        absent = [span for span in absent if span[2].lower().replace(" ", "") not in readings]
    unrendered = [name for name in names if not rendered(name, alignment)
                  and not _linked_elsewhere(name, alignment, [(start, end) for start, end, *_ in absent])]
    # a wrong entity is a substitution, one name for another: as many English names without
    # their Chinese as Chinese names without their English
    if len(absent) == len(unrendered):
        unrendered_left = []
        for (start, end, english_name, forms), other in zip(absent, unrendered):
            yield ctx.flag(
                link, "entity.wrong_name",
                f"The English names {english_name} ({'/'.join(sorted(forms)[:3])}), but the Chinese has "
                f"{other.text} ({other.english[0]}).",
                zh_span=(other.start, other.end), en_span=(start, end),
                evidence={"english_name": english_name, "its_chinese": sorted(forms),
                          "chinese_name": other.text, "chinese_name_english": list(other.english)},
            )
        unrendered = unrendered_left  # each unrendered Chinese name is reported once
    if variants or _PRONOUN.search(link.en):  # a name spelt otherwise, or referred to as "he"
        return
    spelling = transliteration_characters()
    tags = {(t.start, t.end): t.flag for t in pos_tokens(folded)}
    for name in unrendered:
        if is_transliteration(name) and (tags.get((name.start, name.end)) == "nrt"
                                         or (len(name.text) >= 3 and all(c in spelling for c in name.text))):
            yield ctx.flag(
                link, "entity.untranslated_name",
                f"The Chinese names {name.text} ({name.english[0]}), which the English does not give.",
                zh_span=(name.start, name.end),
                evidence={"name": name.text, "english": list(name.english)},
            )
