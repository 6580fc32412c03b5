"""Finding glossary terms in Chinese and English text.

Both languages are matched on a *folded* copy of the text (NFKC, so full-width forms match
half-width ones; typographic quotes, dashes and middle dots unified; case folded) that keeps,
for every folded character, the index of the original character it came from. Hits are
reported as ``[start, end)`` offsets into the ORIGINAL text, so a reviewer sees exactly what
the translator wrote.

* English: word boundaries on both sides; a hyphen counts as a space (``think-tank`` =
  ``think tank``); the last word of every form may carry a plural (``-s``, ``-es``,
  ``-ies``) or a possessive (``'s``, ``s'``); an entry marked case sensitive, and any form
  written in capitals (an acronym such as ``MOST``, ``CAS``), must match letter case too.
* Chinese: spaces between Chinese characters are ignored (PDF extraction inserts them);
  a hit is kept only if jieba's segmentation of the text — with every glossary term loaded
  as a user word into a private ``jieba.Tokenizer`` — puts no word across either edge of
  the term (人才 is not found in 工人才, which segments as 工人/才).
* Both: one pass of an Aho–Corasick automaton finds every candidate; when candidates
  overlap, the leftmost-longest wins (中国科学院院长 over 中国科学院), and every entry
  sharing the winning span is reported.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

import ahocorasick

T = TypeVar("T")

# Characters unified after NFKC: quotes, dashes, middle dots.
_CHAR_MAP = {
    **dict.fromkeys("‘’‚‛′`´", "'"),
    **dict.fromkeys("“”„‟″«»", '"'),
    **dict.fromkeys("‐‑‒–—―−﹣", "-"),
    **dict.fromkeys("˙・‧•∙⋅", "·"),
}
# jieba cuts each run of these characters on its own (its ``re_han_default``).
_JIEBA_CLASS = r"[\u4E00-\u9FD5a-zA-Z0-9+#&\._%\-]"
_JIEBA_BLOCK = re.compile(_JIEBA_CLASS + "+")
_JIEBA_CHAR = re.compile(_JIEBA_CLASS)
_JIEBA_HEAD = re.compile(_JIEBA_CLASS + "*")
_JIEBA_TAIL = re.compile(_JIEBA_CLASS + r"*\Z")


@dataclass(frozen=True)
class Folded:
    """A folded copy of a text; ``origin[i]`` is the original index of folded char ``i``.

    ``cased`` is the same fold without case folding, position for position, so that
    case-sensitive forms can be verified on a hit.
    """

    text: str
    cased: str
    origin: Sequence[int]

    def span(self, start: int, end: int) -> tuple[int, int]:
        return self.origin[start], self.origin[end - 1] + 1


def _fold_char(ch: str) -> str:
    """Lower-case one character without changing its length (keeps positions aligned)."""
    folded = ch.casefold()
    if len(folded) == 1:
        return folded
    lowered = ch.lower()
    return lowered if len(lowered) == 1 else ch


def _is_ascii_alnum(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


class _CharTable(dict):
    """``str.translate`` table folding one character to exactly one character, built lazily;
    a character whose fold is not one character maps to a marker that sends the text to the
    slow path (``\x00`` never occurs in folded patterns)."""

    def __init__(self, lang: str, casefold: bool):
        super().__init__()
        self.lang, self.casefold = lang, casefold

    def __missing__(self, code: int) -> str:
        piece = unicodedata.normalize("NFKC", _CHAR_MAP.get(chr(code), chr(code)))
        piece = "".join(_CHAR_MAP.get(c, c) for c in piece)
        if self.lang == "en" and piece == "-":
            piece = " "
        if len(piece) != 1 or (piece.isspace() and piece != " ") or (self.lang == "zh" and piece.isspace()):
            piece = "\x00"
        elif self.casefold:
            piece = _fold_char(piece)
        self[code] = piece
        return piece


_TABLES = {(lang, cf): _CharTable(lang, cf) for lang in ("zh", "en") for cf in (True, False)}


def fold(text: str, lang: str, *, keep_case: bool = True) -> Folded:
    """Fold ``text`` for matching (see the module docstring); never used for display.

    Fast path: every character folds to one character and no space needs collapsing, so
    folded offsets are original offsets. Otherwise a character-by-character pass. Without
    ``keep_case`` (Chinese matching, where no form is case sensitive) ``cased`` is the
    case-folded text, which saves a second pass over the text.
    """
    folded = text.translate(_TABLES[lang, True])
    if "\x00" not in folded and "  " not in folded and not folded.startswith(" ") and not folded.endswith(" "):
        return Folded(folded, text.translate(_TABLES[lang, False]) if keep_case else folded, range(len(text)))
    return _fold_slow(text, lang)


def _fold_slow(text: str, lang: str) -> Folded:
    chars: list[str] = []
    origin: list[int] = []
    n = len(text)
    for i, raw in enumerate(text):
        for ch in unicodedata.normalize("NFKC", _CHAR_MAP.get(raw, raw)):
            ch = _CHAR_MAP.get(ch, ch)
            if lang == "en" and ch == "-":
                ch = " "
            if ch.isspace():
                if lang == "zh" and not _spaced_latin(text, i, n):
                    continue
                if not chars or chars[-1] == " ":
                    continue
                ch = " "
            chars.append(ch)
            origin.append(i)
    while chars and chars[-1] == " ":
        chars.pop()
        origin.pop()
    cased = "".join(chars)
    return Folded("".join(_fold_char(c) for c in cased), cased, origin)


def _spaced_latin(text: str, i: int, n: int) -> bool:
    """In Chinese text a space matters only between two Latin letters/digits."""
    before = i - 1
    while before >= 0 and text[before].isspace():
        before -= 1
    after = i + 1
    while after < n and text[after].isspace():
        after += 1
    return before >= 0 and after < n and _is_ascii_alnum(text[before]) and _is_ascii_alnum(text[after])


def fold_term(term: str, lang: str) -> Folded:
    return fold(term.strip(), lang)


# ---------------------------------------------------------------------------- inflection


def _plural(word: str) -> str | None:
    if not word or not word[-1].isalpha():
        return None
    lower = word.lower()
    if lower.endswith(("s", "x", "z", "ch", "sh")):
        return word + ("ES" if word.isupper() and len(word) > 1 and not word.endswith("S") else "es")
    if lower.endswith("y") and len(lower) > 1 and lower[-2] not in "aeiou" and not word.isupper():
        return word[:-1] + "ies"
    return word + "s"


def inflections(form: str) -> list[str]:
    """The form, its plural and its possessives (inflecting the last word only)."""
    head, _, last = form.rpartition(" ")
    prefix = head + " " if head else ""
    out = [form]
    plural = _plural(last)
    if plural:
        out.append(prefix + plural)
    out.append(form + "'s")
    if form.endswith("s"):
        out.append(form + "'")
    if plural and plural.endswith("s"):
        out.append(prefix + plural + "'")
    return list(dict.fromkeys(out))


def is_acronym(form: str) -> bool:
    """``MOST``, ``CAS``, ``S&T``: two or more letters, all capitals."""
    letters = [c for c in form if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


# ---------------------------------------------------------------------------- matching


@dataclass(frozen=True)
class Pattern:
    """One surface form of one entry, as stored in the automaton."""

    entry: int  # index into the matcher's entry list
    kind: str  # approved | variant | forbidden
    cased: str  # the folded form before case folding
    case_sensitive: bool


@dataclass(frozen=True)
class Candidate:
    start: int  # folded offsets
    end: int
    patterns: tuple[Pattern, ...]


def longest_leftmost(items: Iterable[T]) -> list[T]:
    """Resolve overlaps among things with ``start``/``end``: leftmost first, then longest;
    anything overlapping an earlier choice is dropped. Equal spans are all kept."""
    chosen: list[T] = []
    last = (-1, -1)
    for item in sorted(items, key=lambda c: (c.start, -(c.end - c.start))):
        if (item.start, item.end) == last or item.start >= last[1]:
            chosen.append(item)
            last = (item.start, item.end)
    return chosen


class TermMatcher:
    """An Aho–Corasick automaton over the folded forms of one language.

    ``forms`` yields ``(entry_index, kind, surface_form, case_sensitive)``.
    """

    def __init__(self, lang: str, forms: Iterable[tuple[int, str, str, bool]]):
        self.lang = lang
        self._automaton = ahocorasick.Automaton()
        self._tokenizer = None
        self._cuts: dict[str, list[tuple[int, int]]] = {}
        self._user_words: set[str] = set()
        table: dict[str, list[Pattern]] = {}
        for entry, kind, form, case_sensitive in forms:
            surfaces = inflections(form) if lang == "en" else [form]
            sensitive = case_sensitive or (lang == "en" and is_acronym(form))
            for surface in surfaces:
                folded = fold_term(surface, lang)
                if not folded.text:
                    continue
                pattern = Pattern(entry, kind, folded.cased, sensitive)
                bucket = table.setdefault(folded.text, [])
                if pattern not in bucket:
                    bucket.append(pattern)
                if lang == "zh":
                    self._user_words.update(
                        m.group() for m in _JIEBA_BLOCK.finditer(folded.text) if len(m.group()) > 1
                    )
        for key, patterns in table.items():
            self._automaton.add_word(key, (len(key), tuple(patterns)))
        self._empty = not table
        if table:
            self._automaton.make_automaton()

    def find(self, text: str, nested: bool = False) -> tuple[Folded, list[Candidate]]:
        """Candidates in ``text`` after boundary and case rules; overlaps resolved unless
        ``nested`` (then every candidate, e.g. 中国科学院 inside 中国科学院院长)."""
        folded = fold(text, self.lang, keep_case=self.lang == "en")
        if self._empty or not folded.text:
            return folded, []
        candidates = []
        for end_index, (length, patterns) in self._automaton.iter(folded.text):
            start, end = end_index + 1 - length, end_index + 1
            if self.lang == "en":
                if not _word_edges(folded.text, start, end):
                    continue
                patterns = tuple(
                    p for p in patterns if not p.case_sensitive or folded.cased[start:end] == p.cased
                )
                if not patterns:
                    continue
            elif not self._whole_zh_term(folded.text, start, end) or splits_name(text, *folded.span(start, end)):
                continue
            candidates.append(Candidate(start, end, patterns))
        return folded, candidates if nested else longest_leftmost(candidates)

    # -- Chinese whole-term rule

    def _whole_zh_term(self, text: str, start: int, end: int) -> bool:
        """False if a jieba word crosses either edge of ``text[start:end]``.

        A word that crosses an edge but contains the whole term is fine (科技部 in
        中国科技部), so only a dictionary word that starts outside the term and ends inside
        it, or the reverse, can make jieba glue across an edge. Most edges have none
        (:meth:`_partial_word_across`, a few dictionary look-ups) and are accepted without
        segmenting; the others are settled by jieba on a window of ``EDGE_WINDOW``
        characters either side of the edge, within the edge's block (jieba cuts each run of
        Han/Latin characters on its own), memoised per window.
        """
        for edge in (start, end):
            if not (0 < edge < len(text) and _JIEBA_CHAR.match(text, edge - 1) and _JIEBA_CHAR.match(text, edge)):
                continue  # the edge is a block boundary: jieba always cuts there
            lo = _JIEBA_TAIL.search(text, max(0, edge - EDGE_WINDOW), edge).start()
            hi = _JIEBA_HEAD.match(text, edge, edge + EDGE_WINDOW).end()
            if not self._partial_word_across(text, lo, hi, start, end, edge):
                continue
            for tok_start, tok_end in self._cut(text[lo:hi]):
                a, b = lo + tok_start, lo + tok_end
                if a < edge < b and not (a >= start and b <= end) and not (a <= start and b >= end):
                    return False
        return True

    def _partial_word_across(self, text: str, lo: int, hi: int, start: int, end: int, edge: int) -> bool:
        """Is there a dictionary word ``text[a:b]`` within ``[lo, hi)`` that crosses ``edge``
        and ends inside the term (left edge) or starts inside it (right edge)?

        jieba's dictionary holds every prefix of every word (frequency 0 for non-words), so a
        word starting at ``a`` can cross ``edge`` only if ``text[a:edge]`` is a known prefix
        (one look-up rules most starts out); from there ``b`` is extended while the prefix
        stays known.
        """
        freq = self.tokenizer.FREQ
        starts, last = (range(lo, edge), end - 1) if edge == start else (range(start + 1, end), hi)
        for a in starts:
            if text[a:edge] not in freq:
                continue
            for b in range(edge + 1, last + 1):
                count = freq.get(text[a:b])
                if count is None:
                    break
                if count:
                    return True
        return False

    def _cut(self, block: str) -> list[tuple[int, int]]:
        """jieba's words of one block as spans (cached: the same names recur)."""
        spans = self._cuts.get(block)
        if spans is None:
            spans, pos = [], 0
            for word in self.tokenizer.cut(block, HMM=False):
                spans.append((pos, pos + len(word)))
                pos += len(word)
            if len(self._cuts) < 100_000:
                self._cuts[block] = spans
        return spans

    @property
    def tokenizer(self):
        """A private jieba tokenizer with every term loaded as a user word.

        Private because jieba's module-level dictionary is process-wide: other stages
        (mining, entity checks) must not see, or change, the glossary's words.
        """
        if self._tokenizer is None:
            self._tokenizer = new_tokenizer(self._user_words)
        return self._tokenizer


_HAN = re.compile(r"[\u4E00-\u9FFF]")


def splits_name(text: str, start: int, end: int) -> bool:
    """Would a two-character term at ``text[start:end]`` take a character from a
    transliterated name beside it?

    jieba's part-of-speech tagger (on the text, without any glossary words) marks a foreign
    name it does not know with ``nrt``. When such a word begins right after the term (or ends
    right before it) and the term's edge character joins it into one name when tagged on its
    own, the character belongs to the name: in 但支派中亚希撒抹的儿子 the tagger reads
    中亚|希撒|抹, but 亚希撒 tags as one name (Ahisamach), so 中亚 "Central Asia" is not in
    the text. Names jieba knows (特朗普, 白春礼) are dictionary words and never take a
    character from the term beside them (美国特朗普). Only two-character terms are at risk:
    a longer term is itself strong evidence of where the words are (向耶和华献 keeps 耶和华).
    """
    if end - start != 2:
        return False
    before = start > 0 and _HAN.match(text, start - 1) is not None
    after = end < len(text) and _HAN.match(text, end) is not None
    if not (before or after):
        return False
    from align.text.zhtext import in_dictionary, pos_tokens

    for tok in pos_tokens(text):
        if tok.flag != "nrt" or in_dictionary(tok.word):
            continue
        if after and tok.start == end:
            probe = pos_tokens(text[end - 1:tok.end])
        elif before and tok.end == start:
            probe = pos_tokens(text[tok.start:start + 1])
        else:
            continue
        if len(probe) == 1 and probe[0].flag.startswith(("nr", "ns")):
            return True
    return False


# A user word weighs this many times the frequency jieba suggests to keep it whole: enough
# that compounds keep the term (科技创新 in 科技创新能力), not enough to force it across a
# word boundary (人才 in 工人才能, 日本 in 今日本来, 中美 in 集中美元). Chosen on such
# general examples (tests/test_glossary_matching.py), not on the seed documents.
USER_WORD_WEIGHT = 10
EDGE_WINDOW = 8


def new_tokenizer(user_words: Iterable[str] = ()):
    """A private jieba tokenizer (jieba's module-level one is process-wide) with
    ``user_words`` added, over tables loaded per leading character
    (:mod:`align.text.lexicon`)."""
    from align.text.lexicon import tokenizer

    tok = tokenizer()
    for word in sorted(user_words):
        suggested = max(tok.suggest_freq(word, False), tok.FREQ.get(word, 0))
        tok.add_word(word, suggested * USER_WORD_WEIGHT)
    return tok


def _word_edges(text: str, start: int, end: int) -> bool:
    """English word boundary on both sides of ``text[start:end]``."""
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return not _word_char(before) and not _word_char(after)


def _word_char(ch: str) -> bool:
    return ch.isalnum() or unicodedata.category(ch) == "Mn"
