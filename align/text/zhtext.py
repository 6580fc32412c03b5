"""Text helpers the divergence checks share: width folding that keeps offsets, a private
jieba part-of-speech tokenizer, and clause splitting for both languages.

Offsets matter everywhere here: every flag points into the link's own text, so nothing
may change the length of the string the checks scan.
"""
from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

_lock = threading.Lock()
_pos_tokenizer = None


def fold_width(text: str) -> str:
    """NFKC each character on its own (full-width digits, ％, Ａ → ASCII) when that keeps
    it one character long, so offsets into the result are offsets into ``text``."""
    out = []
    for ch in text:
        folded = unicodedata.normalize("NFKC", ch)
        out.append(folded if len(folded) == 1 else ch)
    return "".join(out)


@dataclass(frozen=True)
class Token:
    word: str
    flag: str
    start: int
    end: int


def _tokenizer():
    """A private jieba POS tokenizer: jieba's module-level state is left alone, because
    other parts of the program (or the user's code) may customise it."""
    global _pos_tokenizer
    with _lock:
        if _pos_tokenizer is None:
            import logging

            import jieba
            import jieba.posseg

            jieba.setLogLevel(logging.WARNING)
            _pos_tokenizer = _tagger_class()(jieba.Tokenizer())
        return _pos_tokenizer


def _tagger_class():
    """jieba's POS tokenizer with its HMM over unknown words decoded by :class:`_Viterbi`."""
    from jieba import posseg

    decode = _Viterbi(posseg.char_state_tab_P, posseg.start_P, posseg.trans_P, posseg.emit_P)

    class Tagger(posseg.POSTokenizer):
        def _POSTokenizer__cut(self, sentence):  # jieba's POSTokenizer.__cut, with ``decode``
            pos_list = decode(sentence)[1]
            begin, nexti = 0, 0
            for i, char in enumerate(sentence):
                pos = pos_list[i][0]
                if pos == "B":
                    begin = i
                elif pos == "E":
                    yield posseg.pair(sentence[begin:i + 1], pos_list[i][1])
                    nexti = i + 1
                elif pos == "S":
                    yield posseg.pair(char, pos_list[i][1])
                    nexti = i + 1
            if nexti < len(sentence):
                yield posseg.pair(sentence[nexti:], pos_list[nexti][1])

    return Tagger


class _Viterbi:
    """jieba's POS HMM decoder (``jieba.posseg.viterbi``) with the inner maximum over the
    previous states done by numpy: the same sums in the same order, the same tie-break (the
    greatest state wins), so the same path; pure Python it is most of the checks' time."""

    def __init__(self, states, start_p, trans_p, emit_p):
        import numpy as np

        self._np = np
        self._char_states, self._start_p, self._emit_p = states, start_p, emit_p
        self._states = sorted(trans_p, reverse=True)  # first maximum = the greatest state
        self._index = {state: i for i, state in enumerate(self._states)}
        n = len(self._states)
        self._trans = np.full((n, n), float("-inf"))
        self._follows = np.zeros((n, n), dtype=bool)
        for state, nexts in trans_p.items():
            for following, p in nexts.items():
                self._trans[self._index[state], self._index[following]] = p
                self._follows[self._index[state], self._index[following]] = True
        self._has_next = self._follows.any(axis=1)
        self._all = np.arange(n)

    def _candidates(self, char: str):
        states = self._char_states.get(char)
        if states is None:
            return self._all
        return self._np.array(sorted(self._index[s] for s in states), dtype=int)

    def __call__(self, obs: str):
        np, min_float = self._np, -3.14e100
        current = self._candidates(obs[0])
        scores = np.array([self._start_p[self._states[i]] + self._emit_p[self._states[i]].get(obs[0], min_float)
                           for i in current])
        back = [None]
        path_states = [current]
        for char in obs[1:]:
            keep = self._has_next[current]
            prev, prev_scores = current[keep], scores[keep]
            expected = self._follows[prev].any(axis=0)
            wanted = np.zeros(len(self._states), dtype=bool)
            wanted[self._candidates(char)] = True
            chosen = wanted & expected
            if not chosen.any():
                chosen = expected if expected.any() else np.ones(len(self._states), dtype=bool)
            current = np.nonzero(chosen)[0]
            emit = np.array([self._emit_p[self._states[i]].get(char, min_float) for i in current])
            totals = (prev_scores[:, None] + self._trans[np.ix_(prev, current)]) + emit[None, :]
            best = totals.argmax(axis=0)
            scores = totals[best, np.arange(len(current))]
            back.append(prev[best])
            path_states.append(current)
        last = int(scores.argmax())
        prob, state = float(scores[last]), int(path_states[-1][last])
        route = [None] * len(obs)
        for i in range(len(obs) - 1, -1, -1):
            route[i] = self._states[state]
            if i:
                state = int(back[i][np.searchsorted(path_states[i], state)])
        return prob, route


def in_dictionary(word: str) -> bool:
    """Is ``word`` a word of jieba's dictionary (not one its HMM made up for unknown text)?"""
    tokenizer = _tokenizer().tokenizer
    tokenizer.check_initialized()
    return bool(tokenizer.FREQ.get(word))


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
    from jieba.posseg import re_han_internal

    return [block for block in re_han_internal.split(text) if block]


@lru_cache(maxsize=65536)
def _block_tags(block: str) -> tuple[tuple[str, str], ...]:
    """(word, tag) of one block; the HMM over unknown words is the slow part of POS tagging."""
    return tuple((pair.word, pair.flag) for pair in _tokenizer().cut(block))


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
