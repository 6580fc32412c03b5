"""Word translation probabilities learnt from a run's own links (IBM Model 1, both
directions), with CC-CEDICT as the prior: the word aligner's signal for renderings the
dictionary does not list (城管 ↔ "urban management", 推高 ↔ "drive up").

Training reads the links' content words only (Chinese jieba words, English lemmas) and the
pairs the dictionary already links. Each EM iteration is a few ``numpy`` passes over the
co-occurring (Chinese word, English word) pairs of every link, so it costs time and memory
linear in the number of links (each link's pairs are bounded by its length); a run with more
than ``MAX_TRAINING_LINKS`` links learns from an even spread of that many, and every link is
then aligned with the result. A dictionary link adds ``PRIOR`` pseudo-counts to its pair in
every iteration, so the dictionary's translations keep their mass while EM finds the rest.

A new word pair is linked when each word is the other's most likely partner *in the link*
(the posterior of Model 1 in both directions, NULL word included, at least ``MIN_POSTERIOR``)
and each is a likely translation of the other out of context (``MIN_TRANSLATION`` both
ways), seen together in at least ``MIN_LINKS`` links: two words one link merely left over
are not paired for that alone. Calibrated on
the WMT23 MQM development documents and clean Bible pairs (benchmarks/README.md, "MQM").
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from align.wordalign.aligner import WordAlignment

ITERATIONS = 5
PRIOR = 2.0  # pseudo-counts a dictionary link adds to its word pair per iteration
MIN_POSTERIOR = 0.2
MIN_TRANSLATION = 0.05  # p(en | zh) and p(zh | en) of a new pair, out of context
MIN_LINKS = 2  # training links holding both words of a new pair
MIN_KEPT = 0.01  # pairs whose probability is below this in both directions are not kept
MAX_TRAINING_LINKS = 20_000
_FLOOR = 1e-6  # the probability of a pair the table does not hold
NULL = 0


def _lemma(text: str, keys: frozenset[str], content: bool) -> str | None:
    """The form Model 1 counts an English content word under (given by its fields): its
    shortest lemma ("developing" → develop), lower case; None for a function word."""
    if not content:
        return None
    forms = [k for k in keys if not k.startswith("~") and ":" not in k]
    return min(forms, key=lambda k: (len(k), k)) if forms else text.lower()


def _tokens(alignment: WordAlignment) -> tuple[list[int], list[str], list[int], list[str]]:
    """(zh positions, zh words, en positions, en lemmas) of the link's content words."""
    zh_text = alignment.zh.column("text")
    zi = [i for i, content in enumerate(alignment.zh.column("content")) if content]
    en = alignment.en
    lemmas = map(_lemma, en.column("text"), en.column("keys"), en.column("content"))
    ej, et = [], []
    for j, lemma in enumerate(lemmas):
        if lemma is not None:
            ej.append(j)
            et.append(lemma)
    return zi, [zh_text[i] for i in zi], ej, et


@dataclass(frozen=True)
class TranslationModel:
    """``table[(zh word, en lemma)] = (p(en | zh), p(zh | en))`` for the pairs that matter,
    ``seen[(zh, en)]`` the number of training links holding both, and the NULL word's
    probabilities per word."""

    table: dict[tuple[str, str], tuple[float, float]]
    seen: dict[tuple[str, str], int]
    en_null: dict[str, float]  # p(en | NULL)
    zh_null: dict[str, float]  # p(zh | NULL)
    links: int  # training links
    # the median training link's mean per-word log probability (``word_log_probabilities``) of
    # its English given its Chinese, and of its Chinese given its English: the level a link's
    # own is read against, since it falls as the training corpus grows (more words compete)
    typical_en: float = 0.0
    typical_zh: float = 0.0
    # zh word → {en lemma: (p(en | zh), p(zh | en))}: ``table`` by its first word, built on
    # first use, so a link's grid looks up only the pairs the model holds
    _by_zh: dict = field(default_factory=dict, compare=False, repr=False)

    def to_json(self) -> dict:
        """The model as JSON data (``from_json`` reads it back, equal): what ``align batch``
        writes once for its workers to load."""
        return {"links": self.links, "typical_en": self.typical_en, "typical_zh": self.typical_zh,
                "table": [[zh, en, a, b, self.seen.get((zh, en), 0)] for (zh, en), (a, b) in self.table.items()],
                "seen_only": [[zh, en, n] for (zh, en), n in self.seen.items() if (zh, en) not in self.table],
                "en_null": self.en_null, "zh_null": self.zh_null}

    @classmethod
    def from_json(cls, data: dict) -> TranslationModel:
        seen = {(zh, en): n for zh, en, _, _, n in data["table"] if n}
        seen.update({(zh, en): n for zh, en, n in data["seen_only"]})
        return cls({(zh, en): (a, b) for zh, en, a, b, _ in data["table"]}, seen, data["en_null"], data["zh_null"],
                   data["links"], data["typical_en"], data["typical_zh"])

    def _grids(self, alignment: WordAlignment) -> tuple[list[int], list[str], list[int], list[str], np.ndarray,
                                                         np.ndarray, np.ndarray, np.ndarray]:
        """(zh positions, zh words, en positions, en lemmas, p(en j | zh i), p(zh i | en j),
        p(en j | NULL), p(zh i | NULL)) over the link's content words."""
        zi, zt, ej, et = _tokens(alignment)
        ef = np.full((len(zt), len(et)), _FLOOR)
        fe = np.full((len(zt), len(et)), _FLOOR)
        by_zh = self._rows_by_zh()
        for a, f in enumerate(zt):
            row = by_zh.get(f)
            if row:
                for b, e in enumerate(et):
                    found = row.get(e)
                    if found is not None:
                        ef[a, b], fe[a, b] = found
        en_null = np.array([self.en_null.get(e, _FLOOR) for e in et])
        zh_null = np.array([self.zh_null.get(f, _FLOOR) for f in zt])
        return zi, zt, ej, et, ef, fe, en_null, zh_null

    def _rows_by_zh(self) -> dict[str, dict[str, tuple[float, float]]]:
        if not self._by_zh and self.table:
            rows: dict[str, dict[str, tuple[float, float]]] = {}
            for (zh, en), probabilities in self.table.items():
                rows.setdefault(zh, {})[en] = probabilities
            self._by_zh.update(rows)  # whole or not at all, for a thread reading it meanwhile
        return self._by_zh

    def word_log_probabilities(self, alignment: WordAlignment) -> tuple[np.ndarray, np.ndarray]:
        """Per English content word, log p(word | the Chinese) under Model 1 (the mean of
        its translation probabilities from each Chinese content word and NULL), and per
        Chinese content word the same from the English: the classic quality-estimation
        signal — a word nothing on the other side is a likely source of is a likely error."""
        *_, ef, fe, en_null, zh_null = self._grids(alignment)
        zh_count, en_count = ef.shape
        en = np.log((ef.sum(axis=0) + en_null) / (zh_count + 1)) if en_count else np.zeros(0)
        zh = np.log((fe.sum(axis=1) + zh_null) / (en_count + 1)) if zh_count else np.zeros(0)
        return en, zh

    def posteriors(self, alignment: WordAlignment) -> tuple[list[int], list[int], np.ndarray, np.ndarray]:
        """(zh positions, en positions, P[en j from zh i], P[zh i from en j]) of the link's
        content words: Model 1's alignment posteriors, each normalised over the link."""
        zi, _, ej, _, p_en, p_zh = self._posteriors(alignment)
        return zi, ej, p_en, p_zh

    def _posteriors(self, alignment: WordAlignment) -> tuple[list[int], list[str], list[int], list[str],
                                                               np.ndarray, np.ndarray]:
        zi, zt, ej, et, ef, fe, en_null, zh_null = self._grids(alignment)
        p_en = ef / (ef.sum(axis=0) + en_null) if ef.size else ef
        p_zh = fe / (fe.sum(axis=1, keepdims=True) + zh_null[:, None]) if fe.size else fe
        return zi, zt, ej, et, p_en, p_zh

    def extend(self, alignment: WordAlignment) -> WordAlignment:
        """The alignment with the learnt pairs the dictionary missed added: a content word on
        either side that is not linked yet, paired with its mutual most likely partner."""
        zi, zh_words, ej, en_tokens, p_en, p_zh = self._posteriors(alignment)
        if not zi or not ej:
            return alignment
        added = []
        # a word repeated on both sides (耶和华 … 耶和华 ↔ LORD … LORD) has equal posteriors
        # at each place: the ties pair the first with the first, the second with the second
        nearness = 1.0 - 1e-6 * np.abs(_occurrence(zh_words)[:, None] - _occurrence(en_tokens)[None, :])
        best_zh, best_en = (p_en * nearness).argmax(axis=0), (p_zh * nearness).argmax(axis=1)
        for a, i in enumerate(zi):
            b = int(best_en[a])
            j = ej[b]
            if int(best_zh[b]) != a or min(p_en[a, b], p_zh[a, b]) < MIN_POSTERIOR:
                continue
            if alignment.zh_aligned(i) and alignment.en_aligned(j):
                continue
            pair = (zh_words[a], en_tokens[b])
            if self.seen.get(pair, 0) < MIN_LINKS or min(self.table.get(pair, (0.0, 0.0))) < MIN_TRANSLATION:
                continue
            added.append((i, j))
        if not added:
            return alignment
        return WordAlignment(alignment.zh, alignment.en, sorted(set(alignment.pairs) | set(added)))

    def translations(self, word: str, limit: int = 5) -> list[tuple[str, float]]:
        """The English lemmas most likely to render ``word``, with p(en | zh)."""
        found = [(e, ef) for (f, e), (ef, _) in self.table.items() if f == word]
        return sorted(found, key=lambda pair: -pair[1])[:limit]


def _occurrence(tokens: Sequence[str]) -> np.ndarray:
    """Per token, how many times the same token came before it."""
    seen: dict[str, int] = {}
    ranks = []
    for token in tokens:
        ranks.append(seen.get(token, 0))
        seen[token] = ranks[-1] + 1
    return np.array(ranks, dtype=float)


def _spread(items: Sequence, limit: int) -> list:
    if len(items) <= limit:
        return list(items)
    step = len(items) / limit
    return [items[int(k * step)] for k in range(limit)]


def _em(source: list[np.ndarray], target: list[np.ndarray], prior: list[np.ndarray],
        iterations: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """p(target | source) by Model 1 over sentences of int ids (source id 0 is NULL, added
    to each sentence here): (unique pair codes source * n + target, probabilities, the
    number of sentences holding each pair, the median over the sentences of the mean
    per-word log p(target word | source sentence) as ``word_log_probabilities`` will
    compute it from the kept table).
    ``prior[s]`` marks, per (source, target) co-occurrence of sentence s in row-major order,
    the pairs the dictionary links."""
    n_target = 1 + max((int(t.max()) for t in target if t.size), default=0)
    codes, positions, priors, distinct, sizes = [], [], [], [], []
    at = 0
    for src, tgt, marks in zip(source, target, prior):
        if not tgt.size:
            continue
        sizes.append((src.size, tgt.size))
        with_null = np.concatenate(([NULL], src))
        codes.append((np.repeat(with_null, tgt.size) * n_target + np.tile(tgt, with_null.size)).astype(np.int64))
        positions.append(np.tile(np.arange(at, at + tgt.size, dtype=np.int64), with_null.size))
        priors.append(np.concatenate((np.zeros(tgt.size, dtype=bool), marks)))
        distinct.append(np.unique(codes[-1]))
        at += tgt.size
    if not codes:
        return np.zeros(0, dtype=np.int64), np.zeros(0), np.zeros(0, dtype=np.int64), 0.0
    code = np.concatenate(codes)
    position = np.concatenate(positions)
    unique, inverse = np.unique(code, return_inverse=True)
    del code
    pseudo = PRIOR * np.bincount(inverse, weights=np.concatenate(priors).astype(float), minlength=unique.size)
    source_of = (unique // n_target).astype(np.int64)
    t = 1.0 + pseudo
    t /= np.bincount(source_of, weights=t)[source_of]
    for _ in range(iterations):
        weight = t[inverse]
        weight /= np.bincount(position, weights=weight, minlength=at)[position]
        counts = np.bincount(inverse, weights=weight, minlength=unique.size) + pseudo
        t = counts / np.bincount(source_of, weights=counts)[source_of]
    sentences = np.bincount(np.searchsorted(unique, np.concatenate(distinct)), minlength=unique.size)
    kept = np.where((source_of == NULL) | (t >= MIN_KEPT), t, _FLOOR)
    source_sizes, target_sizes = np.array(sizes).T
    word = np.log(np.bincount(position, weights=kept[inverse], minlength=at) / np.repeat(source_sizes + 1,
                                                                                          target_sizes))
    sentence_of = np.repeat(np.arange(len(sizes)), target_sizes)
    typical = float(np.median(np.bincount(sentence_of, weights=word) / target_sizes))
    return unique, t, sentences, typical


def learn(alignments: Iterable[WordAlignment], iterations: int = ITERATIONS) -> TranslationModel:
    """Model 1 in both directions over the links' content words, the dictionary as prior."""
    chosen = _spread([a for a in alignments if a.zh and a.en], MAX_TRAINING_LINKS)
    zh_ids: dict[str, int] = {}
    en_ids: dict[str, int] = {}
    zh_sents, en_sents, marks_ef, marks_fe = [], [], [], []
    for alignment in chosen:
        zi, zt, ej, et = _tokens(alignment)
        zh_sents.append(np.array([zh_ids.setdefault(w, len(zh_ids) + 1) for w in zt], dtype=np.int64))
        en_sents.append(np.array([en_ids.setdefault(w, len(en_ids) + 1) for w in et], dtype=np.int64))
        linked = set(alignment.pairs)
        grid = np.array([[(i, j) in linked for j in ej] for i in zi], dtype=bool).reshape(len(zi), len(ej))
        marks_ef.append(grid.ravel())  # source zh (rows), target en
        marks_fe.append(grid.T.ravel())  # source en, target zh
    ef_codes, ef, together, typical_en = _em(zh_sents, en_sents, marks_ef, iterations)
    fe_codes, fe, _, typical_zh = _em(en_sents, zh_sents, marks_fe, iterations)
    zh_words = ["<null>", *zh_ids]
    en_words = ["<null>", *en_ids]
    n_en, n_zh = len(en_words), len(zh_words)
    table: dict[tuple[str, str], list[float]] = {}
    en_null: dict[str, float] = {}
    zh_null: dict[str, float] = {}
    seen: dict[tuple[str, str], int] = {}
    for code, p, links in zip(ef_codes.tolist(), ef.tolist(), together.tolist()):
        f, e = divmod(code, n_en)
        if f == NULL:
            en_null[en_words[e]] = p
        elif p >= MIN_KEPT:
            table.setdefault((zh_words[f], en_words[e]), [_FLOOR, _FLOOR])[0] = p
            seen[(zh_words[f], en_words[e])] = links
    for code, p in zip(fe_codes.tolist(), fe.tolist()):
        e, f = divmod(code, n_zh)
        if e == NULL:
            zh_null[zh_words[f]] = p
        elif p >= MIN_KEPT:
            table.setdefault((zh_words[f], en_words[e]), [_FLOOR, _FLOOR])[1] = p
    kept = {pair: (a, b) for pair, (a, b) in table.items()}
    return TranslationModel(kept, seen, en_null, zh_null, len(chosen), typical_en, typical_zh)
