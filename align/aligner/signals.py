"""Alignment signals besides embeddings, the ones translators use themselves.

* Length: a sentence's length in *units* — one per CJK character, one per run of Latin
  letters or digits — so Chinese characters are compared with English words. The expected
  ratio is estimated per document pair, which keeps the signal language-agnostic.
* Anchor tokens: numbers and Latin-script words of a Chinese sentence (``APEC``, ``2023``,
  ``5.2%``) that reappear in the English; numbers only when both sides are non-CJK.
* Glossary terms: with a glossary, a term found on the zh side whose approved or variant
  rendering is found on the en side counts as one more shared anchor token.
* Paragraph boundaries: a lattice point where a new paragraph starts on both sides is where
  translators' paragraphs meet, so a link ending there earns a bonus. Off when a side has no
  paragraph information (presegmented input: every line is its own "paragraph").
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from align.model import CJK_CHAR as _CJK
from align.model import normalise_for_matching

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_LATIN = re.compile(r"[a-z][a-z\-]{1,}")
MAX_TOKEN_BONUS = 3  # shared tokens beyond this add nothing: one long list is not 10 anchors


def length_units(text: str) -> int:
    """CJK characters + non-CJK word tokens."""
    cjk = len(_CJK.findall(text))
    words = len(_WORD.findall(_CJK.sub(" ", text)))
    return cjk + words


def anchor_tokens(text: str, latin: bool) -> frozenset[str]:
    """Numbers (digits, separators dropped) and, if ``latin``, Latin words of 2+ letters."""
    norm = normalise_for_matching(text)
    numbers = {re.sub(r"[.,](?=\d{3}\b)", "", t) for t in _NUMBER.findall(norm)}
    tokens = set(numbers)
    if latin:
        tokens |= set(_LATIN.findall(_CJK.sub(" ", norm)))
    return frozenset(tokens)


@dataclass
class PairFeatures:
    len_zh: np.ndarray
    len_en: np.ndarray
    ratio: float  # expected zh units per en unit
    # zh sentence -> {en sentence: shared anchor tokens}
    shared: dict[int, dict[int, int]] = field(default_factory=dict)
    # lattice point i (0..n) -> a paragraph starts at sentence i (or i is the end); None: unknown
    para_zh: np.ndarray | None = None
    para_en: np.ndarray | None = None

    def has_tokens(self, s: int, e: int) -> bool:
        return any(i in self.shared for i in range(s, e))

    def token_bonus(self, s: int, e: int, c0: np.ndarray, c1: np.ndarray) -> np.ndarray:
        """Number of anchor tokens shared by zh[s:e] and each en[c0:c1], capped."""
        out = np.zeros(len(c0), dtype=np.float32)
        hits = [self.shared[i] for i in range(s, e) if i in self.shared]
        if not hits:
            return out
        for row in hits:
            for j, count in row.items():
                out += count * ((c0 <= j) & (j < c1))
        return np.minimum(out, MAX_TOKEN_BONUS)


def paragraph_breaks(paragraphs) -> np.ndarray | None:
    """Lattice points (0..n) at which a paragraph begins or the text ends; None when every
    sentence is its own paragraph (no information: presegmented, one sentence per line)."""
    paragraphs = list(paragraphs)
    if len(set(paragraphs)) == len(paragraphs):
        return None
    change = [True] + [a != b for a, b in zip(paragraphs, paragraphs[1:])] + [True]
    return np.array(change, dtype=bool)


def pair_features(zh, en, glossary=None, paragraphs=None) -> PairFeatures:
    """``paragraphs``: optional (zh paragraph ids, en paragraph ids), one per sentence."""
    len_zh = np.array([length_units(t) for t in zh], dtype=np.float32)
    len_en = np.array([length_units(t) for t in en], dtype=np.float32)
    ratio = float((len_zh.sum() + 1.0) / (len_en.sum() + 1.0))
    cjk_zh = any(_CJK.search(t) for t in zh[:200])
    tok_zh = [anchor_tokens(t, latin=cjk_zh) for t in zh]
    tok_en = [anchor_tokens(t, latin=cjk_zh) for t in en]
    if glossary is not None:
        tok_zh = [toks | _term_ids(glossary.find_zh(t)) for toks, t in zip(tok_zh, zh)]
        tok_en = [toks | _term_ids(glossary.find_en(t)) for toks, t in zip(tok_en, en)]
    shared = _shared_tokens(tok_zh, tok_en)
    para_zh, para_en = (paragraph_breaks(p) for p in paragraphs) if paragraphs else (None, None)
    if para_zh is None or para_en is None:
        para_zh = para_en = None
    return PairFeatures(len_zh, len_en, ratio, shared, para_zh, para_en)


def _term_ids(hits) -> frozenset[str]:
    return frozenset(f"term:{h.entry.id}" for h in hits if h.kind in ("approved", "variant"))


def _shared_tokens(tok_zh, tok_en, window: float = 0.1) -> dict[int, dict[int, int]]:
    """Shared anchor tokens between sentences at roughly the same relative position.

    An inverted index keeps this linear; tokens frequent in the document (>5 en sentences)
    say little about position and are ignored.
    """
    index: dict[str, list[int]] = defaultdict(list)
    for j, toks in enumerate(tok_en):
        for t in toks:
            index[t].append(j)
    n, m = len(tok_zh), len(tok_en)
    reach = max(50, int(window * m))
    shared: dict[int, dict[int, int]] = {}
    for i, toks in enumerate(tok_zh):
        expect = i * m / max(n, 1)
        row: dict[int, int] = {}
        for t in toks:
            where = index.get(t, ())
            if 0 < len(where) <= 5:
                for j in where:
                    if abs(j - expect) <= reach:
                        row[j] = row.get(j, 0) + 1
        if row:
            shared[i] = row
    return shared
