"""Text helpers the divergence checks share: width folding that keeps offsets, a private
jieba part-of-speech tokenizer, and clause splitting for both languages.

Offsets matter everywhere here: every flag points into the link's own text, so nothing
may change the length of the string the checks scan.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache


def fold_width(text: str) -> str:
    """NFKC each character on its own (full-width digits, ％, Ａ → ASCII) when that keeps
    it one character long, so offsets into the result are offsets into ``text``."""
    if _ASTRAL.search(text) is None:  # nearly every text: one table look-up per character
        return text.translate(_bmp_width_table())
    out = []
    for ch in text:
        folded = unicodedata.normalize("NFKC", ch)
        out.append(folded if len(folded) == 1 else ch)
    return "".join(out)


_ASTRAL = re.compile("[\U00010000-\U0010FFFF]")


@lru_cache(maxsize=1)
def _bmp_width_table() -> dict[int, str]:
    """``fold_width`` of each character of the Basic Multilingual Plane that it changes
    (~1,800 of them; ~10 ms to list, once per process)."""
    table = {}
    for point in range(0x10000):
        char = chr(point)
        if not unicodedata.is_normalized("NFKC", char):
            folded = unicodedata.normalize("NFKC", char)
            if len(folded) == 1:
                table[point] = folded
    return table


@dataclass(frozen=True)
class Token:
    word: str
    flag: str
    start: int
    end: int


@lru_cache(maxsize=1)
def _tokenizer():
    """A private jieba POS tagger (:class:`align.text.lexicon.Tagger`): jieba's module-level
    state is left alone, because other parts of the program (or the user's code) may
    customise it."""
    from align.text.lexicon import Tagger

    return Tagger()


def in_dictionary(word: str) -> bool:
    """Is ``word`` a word of jieba's dictionary (not one its HMM made up for unknown text)?"""
    return bool(_tokenizer().tokenizer.FREQ.get(word))


@lru_cache(maxsize=4096)
def pos_tokens(text: str) -> tuple[Token, ...]:
    """jieba words with their POS tags and offsets into ``text``."""
    tokens, at = [], 0
    for word, flag in (pair for block in _blocks(text) for pair in _block_tags(block)):
        start = text.find(word, at)
        if start < 0:  # jieba never drops text, but never trust an offset blindly
            continue
        tokens.append(Token(word, flag, start, start + len(word)))
        at = start + len(word)
    return tuple(tokens)


def token_at(text: str, position: int) -> Token | None:
    """The jieba word of ``text`` covering ``position``: the same word ``pos_tokens`` gives,
    found by tagging only the block (run of Chinese / Latin / digits, or the text between
    two such runs) that holds it."""
    offset = 0
    for block in _blocks(text):
        if offset <= position < offset + len(block):
            for token in pos_tokens(block):
                if token.start <= position - offset < token.end:
                    return Token(token.word, token.flag, token.start + offset, token.end + offset)
            return None
        offset += len(block)
    return None


def _blocks(text: str) -> list[str]:
    """The pieces jieba's POS tokenizer cuts independently of each other: cutting a text is
    cutting each of them, so their tags can be cached and shared between texts (a sentence,
    its width-folded form and its clauses have the same Chinese runs)."""
    from align.text.lexicon import RE_HAN_INTERNAL

    return [block for block in RE_HAN_INTERNAL.split(text) if block]


@lru_cache(maxsize=65536)
def _block_tags(block: str) -> tuple[tuple[str, str], ...]:
    """(word, tag) of one block; the HMM over unknown words is the slow part of POS tagging."""
    return tuple(_tokenizer().cut(block))


_ZH_CLAUSE_END = "，；。！？：,;!?:…"  # not 、: enumeration items are not clauses
_EN_CLAUSE_END = re.compile(r"[,;:!?]\s|[.!?]['\"”’)]?\s+(?=[A-Z“\"'(])|—|\s-\s")


def clause_spans(text: str, lang: str, *, min_len: int | None = None) -> list[tuple[int, int]]:
    """Split ``text`` into clauses at commas, semicolons, colons and sentence
    ends; fragments shorter than ``min_len`` (zh characters / en words) join the next one,
    an enumeration like 科技人文交流、共建联合实验室 is never cut (、 joins items, not clauses)."""
    if lang == "zh":
        min_len = 6 if min_len is None else min_len
        cuts = [i + 1 for i, ch in enumerate(text) if ch in _ZH_CLAUSE_END]
    else:
        min_len = 3 if min_len is None else min_len
        cuts = [m.end() for m in _EN_CLAUSE_END.finditer(text)]
    bounds = [0, *cuts, len(text)]
    raw = [(a, b) for a, b in zip(bounds, bounds[1:]) if text[a:b].strip()]
    merged: list[tuple[int, int]] = []
    pending: int | None = None
    for a, b in raw:
        start = a if pending is None else pending
        if clause_length(text[start:b], lang) < min_len:
            pending = start
            continue
        merged.append((start, b))
        pending = None
    if pending is not None:
        if merged:
            merged[-1] = (merged[-1][0], len(text))
        else:
            merged.append((pending, len(text)))
    return [_strip_span(text, a, b) for a, b in merged]


def clause_length(piece: str, lang: str) -> int:
    """Characters (zh) or words (en) of a piece of text, punctuation not counted."""
    if lang == "zh":
        return sum(1 for ch in piece if ch.isalnum())
    return len(re.findall(r"[A-Za-z0-9]+", piece))


def _strip_span(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b
