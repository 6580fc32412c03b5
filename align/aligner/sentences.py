"""Monotone n:m sentence alignment in time and memory linear in document length.

How it works (after Vecalign's multi-resolution search and Bertalign's margin scoring):

1. Every sentence is encoded once. A merged run of sentences ("bead" side) is first
   approximated by the length-weighted sum of its sentences' vectors, which costs no encoding.
2. A coarse path is found by aligning halved-resolution documents (pairs of sentences averaged)
   recursively, until the lattice is small enough for a full search; each level's path,
   widened by ``band`` sentences, is the search band of the next finer level.
3. An exact dynamic programme in that band picks beads 0-1, 1-0, 1-n, n-1 (n <= ``max_bead``)
   and n-m (2 <= n, m <= ``max_nm``; beyond 2-2 only in a document whose first path merges at
   least as often as it links 1-1), maximising the sum of bead scores: margin-normalised
   cosine (cosine minus the mean similarity of each side to its nearest neighbours, which
   cancels "hub" sentences that resemble everything) times a length-ratio factor (Bertalign's),
   minus a length-ratio cost, plus a bonus for
   numbers and Latin tokens found on both sides (``align.aligner.signals``), minus a penalty
   per extra sentence that the document's sentence-count ratio scales down on the side that
   has more sentences.
4. Merged runs that the chosen path uses are then encoded for real, and so are the merges
   whose best path (forward + backward max-marginals) comes within the approximation's error
   of the best one — the error measured on this document's own re-encoded runs — closest
   first, within a budget; the band is searched again with those exact vectors (Bertalign's
   second pass, which encodes every run in a band around its 1-1 anchors, made selective).

Each two-sided link gets two numbers in [0, 1]: ``score``, its cosine on a logistic curve
(``calibrated_confidence``: how alike the two sides are, which the checks read), and
``confidence``, the probability that the link is exactly right, a logistic of its features
(cosine, margin, extra sentences, length mismatch, how far the best path is ahead of the best
path without it) fitted on calibration documents only: see CONFIDENCE_COEF.

A sentence the search leaves unaligned is then offered to its neighbouring links at the
clause level (``_rescue_orphans``): a translator who splits off a sentence's last clauses
produces a pair whose whole-sentence similarity is too weak for a merge.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, fields, replace
from typing import Any

import numpy as np

from align.aligner import signals
from align.errors import AlignError, InputError
from align.model import Document, Link, join_sentences

NEG = -1e9
# No real sentence is this long; a longer one is a file without sentence breaks, which
# would take minutes to encode and could not be aligned meaningfully anyway.
MAX_SENTENCE_CHARS = 20_000


@dataclass(frozen=True)
class AlignConfig:
    """Aligner settings; every constant is explained where it is used."""

    # largest n in 1-n / n-1 beads (2-2 is always allowed): 5 gains on both calibration dev
    # sets over 4 (issue 16, fourth round), 6 loses Text+Berg
    max_bead: int = 5
    # largest n and m of n-m beads: 2-2 everywhere; 2-3, 3-2, 3-3 (at 3) only where the first
    # search's path already merges (see Lattice.allow_large_nm)
    max_nm: int = 3
    band: int = 8  # half-width, in sentences, of the search band around the coarse path
    skip: float = -0.15  # score of a 1-0 / 0-1 bead: a deletion beats a pair scoring below it
    neighbours: int = 3  # k of the margin (mean cosine to the k most similar sentences)
    # weight of the squared log length ratio: the largest of 0.05-0.6 that the calibration dev
    # sets (bible-split and Text+Berg) gain on together while the Bible verse level holds 0.974
    length_weight: float = 0.35
    # the margin score times log2(1 + shorter / longer) of the bead's two sides (Bertalign's length
    # penalty), lengths in units with the document's expected ratio: 1 for equal lengths, 0.58 for 1:2
    length_factor: bool = True
    # in a document that links 1-1 as a rule, a 1-1 bead's length cost stops at the largest one
    # among its first path's 1-1 beads (see Lattice.cap_single_length)
    cap_single_length: bool = True
    token_weight: float = 0.1  # bonus per shared number / Latin token (capped, see signals)
    paragraph_bonus: float = 0.1  # for a link ending where a paragraph starts on both sides
    # per extra sentence in a bead: a merge must earn its place; on the side with more
    # sentences, times the document's sentence-count ratio (fewer / more)
    merge_penalty: float = 0.08
    exact_rounds: int = 3  # times to re-encode the merged runs the path uses and search again
    # ...and, in the first round, the merges whose best path comes within the approximation's error
    # (this quantile of the document's own exact-minus-approximate cosines) of the best path,
    # closest first, at most near_budget runs per sentence of the document in all
    near_quantile: float = 0.9
    near_budget: float = 0.1
    full_search_cells: int = 250_000  # lattice size below which no coarse pass is needed
    # orphan rescue (see _rescue_orphans): a wrong USE pair scores above 0.49 once in 100
    rescue_threshold: float = 0.49
    rescue_gap: float = 0.1  # ...and the other neighbour's boundary clauses must score this much less

    @classmethod
    def from_options(cls, **options: Any) -> AlignConfig:
        known = {f.name for f in fields(cls)}
        unknown = set(options) - known
        if unknown:
            raise TypeError(f"unknown aligner option(s): {', '.join(sorted(unknown))}")
        return cls(**options)


def check_alignable(*docs: Document) -> None:
    """Refuse a document with a sentence over ``MAX_SENTENCE_CHARS``, naming file and line.

    Callers run this straight after reading, before anything is encoded: one sentence of
    10 MB would otherwise be embedded first and exhaust memory.
    """
    for doc in docs:
        for seg in doc.segments:
            if len(seg.text) > MAX_SENTENCE_CHARS:
                line = doc.original.count("\n", 0, seg.start) + 1 if doc.original else None
                raise InputError(doc.path or doc.doc_id, _too_long(len(seg.text)), line=line)


def align_documents(zh: Document, en: Document, encoder, *, glossary=None, **config: Any) -> list[Link]:
    """Align two segmented documents."""
    check_alignable(zh, en)
    paragraphs = ([s.paragraph for s in zh.segments], [s.paragraph for s in en.segments])
    return _align(zh.texts, en.texts, encoder, AlignConfig.from_options(**config), glossary=glossary,
                  paragraphs=paragraphs)[0]


def align_sentences(zh: list[str], en: list[str], encoder, **config: Any) -> list[Link]:
    """Align two lists of sentences (one sentence per item)."""
    return _checked_align(zh, en, encoder, False, **config)[0]


def align_sentences_with_features(zh: list[str], en: list[str], encoder, **config: Any):
    """``align_sentences`` and, per link, what its confidence was computed from
    (``bead_features``; None for a one-sided link): for fitting and measuring the confidence."""
    return _checked_align(zh, en, encoder, True, **config)


def _checked_align(zh, en, encoder, with_gaps: bool, **config: Any):
    for side, texts in (("zh", zh), ("en", en)):
        for k, text in enumerate(texts):
            if len(text) > MAX_SENTENCE_CHARS:
                raise AlignError(f"{side} sentence {k}: {_too_long(len(text))}")
    return _align(list(zh), list(en), encoder, AlignConfig.from_options(**config), with_gaps=with_gaps)


def _too_long(length: int) -> str:
    return (f"a sentence of {length:,} characters is too long to align (limit {MAX_SENTENCE_CHARS:,}); "
            "is the file missing its line or sentence breaks?")


def _align(zh, en, encoder, cfg, *, glossary=None, paragraphs=None, with_gaps: bool = False):
    n, m = len(zh), len(en)
    if n == 0 or m == 0:
        beads = [((i,), ()) for i in range(n)] + [((), (j,)) for j in range(m)]
        return _links(beads, zh, en, {}), [None] * len(beads)
    emb_zh = encoder.encode(zh)
    emb_en = encoder.encode(en)
    features = signals.pair_features(zh, en, glossary, paragraphs)
    lattice = Lattice(emb_zh, emb_en, cfg, features)
    band = lattice.band()
    path = lattice.search(band)
    opened = lattice.allow_large_nm(path)
    capped = lattice.cap_single_length(path)  # after allow_large_nm: only where it stayed closed
    if opened or capped:
        path = lattice.search(band)
    exact = _ExactRuns(zh, en, emb_zh, emb_en, encoder, lattice)
    budget = int(cfg.near_budget * (n + m))
    for round_ in range(cfg.exact_rounds):
        beads = lattice.merge_candidates(path)
        exact.encode(beads)
        if round_ == 0 and budget > 0 and exact.errors:
            # the approximation errs by up to this much upwards on this document's own
            # re-encoded runs: a merge whose best path is closer than that may win exactly
            within = float(np.quantile(exact.errors, cfg.near_quantile))
            near = [bead for _, bead in lattice.marginals(band).near_merges(max(within, 0.0))]
            taken, _ = exact.encode(near, limit=budget, must_gain=True)
            beads += near[:taken]
        if not beads:
            break
        path = lattice.search(band)
    searched = _beads(path)
    beads = _rescue_orphans(searched, zh, en, encoder, cfg)
    on_search_path = set(searched)
    rescued = [bead for bead in set(beads) - on_search_path if bead[0] and bead[1]]
    exact.encode([(zi[0], zi[-1] + 1, ei[0], ei[-1] + 1) for zi, ei in rescued])
    gaps: dict = {}
    if with_gaps or CONFIDENCE_COEF["gap"]:  # one more forward-backward pass: only when used
        on_path = [bead for bead in beads if bead[0] and bead[1] and bead in on_search_path]
        gaps = dict(zip(on_path, lattice.marginals(band).gaps(on_path)))
    features = {bead: bead_features(lattice, bead, gaps.get(bead, 0.0)) for bead in beads if bead[0] and bead[1]}
    links = _links(beads, zh, en, features)
    return links, [features.get((lk.zh_ids, lk.en_ids)) for lk in links]


# P(link exactly right), a logistic of the features below, as scripts/fit_confidence.py fits
# it on the calibration documents of the alignment dev sets (never on the held-out ones; its
# reliability there is in benchmarks/README.md, "the link confidence shipped"). Refit and paste
# the script's block whenever the search changes. It is the link's ``confidence``; its
# ``score`` stays the cosine curve of ``calibrated_confidence``, which adequacy.score and
# omission.low_confidence were fitted on: they ask how alike the two sides' meanings are,
# which a link that is exactly right can still fail.
COSINE_MIDPOINT, COSINE_SCALE = 0.45, 0.09  # the curve of calibrated_confidence (see its docstring)
CONFIDENCE_FEATURES = ("cosine", "margin", "gap", "extra", "length")
CONFIDENCE_COEF = {"intercept": 1.3162, "cosine": 0.7846, "margin": 2.2585, "gap": 6.7958, "extra": -0.8801,
                   "length": -1.2709}
GAP_CAP = 1.0  # a path ahead by more than this is as sure as the search can be


def bead_features(lattice: Lattice, bead, gap: float) -> dict[str, float]:
    """What the confidence is computed from: the bead's cosine, its margin (cosine minus the
    neighbours' background), how far the best path is ahead of the best path without it
    (``gap``, 0 for a bead the search did not choose), its extra sentences beyond 1-1, and
    its squared log length ratio (``length``, what the search's length cost is weighted on)."""
    cosine = lattice.cosine(bead)
    return {"cosine": cosine, "margin": cosine - lattice.background(bead), "gap": min(gap, GAP_CAP),
            "extra": float(len(bead[0]) + len(bead[1]) - 2), "length": lattice.length_mismatch(bead)}


def link_confidence(features: dict[str, float], coef: dict[str, float] = CONFIDENCE_COEF) -> float:
    z = coef["intercept"] + sum(coef[k] * features[k] for k in CONFIDENCE_FEATURES)
    return 1.0 / (1.0 + math.exp(-z))


class _ExactRuns:
    """Encodes merged runs for real, in batches, and gives the lattice their exact cosines;
    ``errors`` keeps exact minus approximate cosine of every bead scored so far."""

    def __init__(self, zh, en, emb_zh, emb_en, encoder, lattice: Lattice):
        self.zh, self.en, self.encoder, self.lattice = zh, en, encoder, lattice
        self.single = (emb_zh, emb_en)
        self.vec: dict[tuple[str, int, int], np.ndarray] = {}
        self.errors: list[float] = []

    def encode(self, beads, limit: int | None = None, must_gain: bool = False) -> tuple[int, int]:
        """Score ``beads`` (zh start, zh end, en start, en end) exactly, in their order until
        ``limit`` runs would have to be encoded; returns (beads scored, runs encoded).

        ``must_gain`` (merges the search did not choose): the exact cosine does not replace
        the approximation when an end sentence only rides along (``_rides_along``): an
        untranslated line must not enter the path on its neighbour's exact score."""
        need: dict[tuple[str, int, int], None] = {}
        taken = []
        for bead in beads:
            zs, ze, es, ee = bead
            new = [r for r in (("zh", zs, ze), ("en", es, ee)) if r[2] - r[1] > 1 and r not in self.vec]
            if limit is not None and len(need) + len(set(new) - set(need)) > limit:
                break
            need.update(dict.fromkeys(new))
            taken.append(bead)
        beads = taken
        need = sorted(need)
        for side, texts, join in (("zh", self.zh, _join_zh), ("en", self.en, _join_en)):
            runs = [r for r in need if r[0] == side]
            if runs:
                self.vec.update(zip(runs, self.encoder.encode([join(texts[s:e]) for _, s, e in runs])))
        for zs, ze, es, ee in beads:
            x = self.vec[("zh", zs, ze)] if ze - zs > 1 else self.single[0][zs]
            y = self.vec[("en", es, ee)] if ee - es > 1 else self.single[1][es]
            cosine = float(x @ y)
            approx = self.lattice.approx_cosine(zs, ze, es, ee)
            self.errors.append(cosine - approx)
            if must_gain and self._rides_along(zs, ze, es, ee, cosine, x, y):
                cosine = approx
            self.lattice.set_exact_cosine(zs, ze, es, ee, cosine)
        return len(beads), len(need)

    def _rides_along(self, zs: int, ze: int, es: int, ee: int, cosine: float, x, y) -> bool:
        """An end sentence of the merge adds nothing: dropping it leaves a bead at least as
        similar, and the sentence itself resembles the other side less than it resembles its
        usual nearest neighbours (its margin background)."""
        lat = self.lattice
        ends = []
        if ze - zs > 1:
            ends += [(s, (zs + (s == zs), ze - (s == ze - 1), es, ee), self.single[0][s] @ y, lat.bg1_zh[s])
                     for s in (zs, ze - 1)]
        if ee - es > 1:
            ends += [(s, (zs, ze, es + (s == es), ee - (s == ee - 1)), self.single[1][s] @ x, lat.bg1_en[s])
                     for s in (es, ee - 1)]
        for _, (a, b, c, d), own, background in ends:
            part = lat.cosine((tuple(range(a, b)), tuple(range(c, d))))
            if cosine <= part and own < background:
                return True
        return False


def _join_zh(parts) -> str:
    return join_sentences("zh", parts)[0]


def _join_en(parts) -> str:
    return join_sentences("en", parts)[0]


_CLAUSE = {"zh": re.compile(r"[^，；：,;:]+[，；：,;:]*"), "en": re.compile(r"[^,;:]+[,;:]*")}


def _boundary_clauses(text: str, lang: str, trailing: bool) -> list[str]:
    """The proper runs of clauses at one end of a sentence: the last 1, 2, ... clauses
    (``trailing``) or the first 1, 2, ..., never the whole sentence."""
    parts = [p for p in _CLAUSE[lang].findall(text) if p.strip()]
    join = _join_zh if lang == "zh" else _join_en
    runs = range(1, len(parts))
    return [join(parts[-t:] if trailing else parts[:t]) for t in runs]


def _fits(link, orphan, cfg: AlignConfig) -> bool:
    """The merged bead stays within the bead sizes the lattice scores (``max_bead``)."""
    size = max(cfg.max_bead, 2)
    return len(link[0]) + len(orphan[0]) <= size and len(link[1]) + len(orphan[1]) <= size


def _rescue_orphans(beads, zh, en, encoder, cfg: AlignConfig):
    """Merge a sentence left unaligned into the neighbouring link that translates it in part.

    A translator who splits off the last clauses of a sentence (…，取得了丰硕成果。 →
    "Thanks to ceaseless efforts …, fruitful outcomes have been made.") leaves a sentence
    whose whole-sentence similarity to the merged link is below the DP's threshold for a
    merge. The orphan is compared with the other side's boundary clauses of the link before
    it (its trailing clauses) and of the link after it (its leading clauses); it joins the
    better one when that clause match is as high as a wrong USE pair almost never scores
    (``rescue_threshold``) and clearly higher than the other neighbour's (``rescue_gap``).
    """
    orphans = [k for k, (zi, ei) in enumerate(beads) if bool(zi) != bool(ei)]
    if not orphans:
        return beads
    candidates = []  # (orphan bead, neighbour bead, orphan text, clause texts)
    for k in orphans:
        zi, ei = beads[k]
        other = "en" if zi else "zh"
        texts = zh if zi else en
        others = en if zi else zh
        orphan = texts[(zi or ei)[0]]
        for nb, trailing in ((k - 1, True), (k + 1, False)):
            if 0 <= nb < len(beads) and beads[nb][0] and beads[nb][1] and _fits(beads[nb], beads[k], cfg):
                ids = beads[nb][1] if zi else beads[nb][0]
                side = others[ids[-1] if trailing else ids[0]]
                candidates.append((k, nb, orphan, _boundary_clauses(side, other, trailing)))
    pieces = sorted({t for _, _, o, cl in candidates for t in (o, *cl)})
    vec = dict(zip(pieces, encoder.encode(pieces))) if pieces else {}
    best: dict[int, list[tuple[float, int]]] = {}
    for k, nb, orphan, clauses in candidates:
        score = max((float(vec[orphan] @ vec[c]) for c in clauses), default=-1.0)
        best.setdefault(k, []).append((score, nb))
    merged = {}  # neighbour bead -> orphan beads to fold into it
    for k, scored in best.items():
        scored.sort(reverse=True)
        top, nb = scored[0]
        runner_up = scored[1][0] if len(scored) > 1 else -1.0
        if top >= cfg.rescue_threshold and top - runner_up >= cfg.rescue_gap:
            merged.setdefault(nb, []).append(k)
    absorbed = {k for ks in merged.values() for k in ks}
    out = []
    for k, (zi, ei) in enumerate(beads):
        if k in absorbed:
            continue
        for o in merged.get(k, ()):
            zi = tuple(sorted(zi + beads[o][0]))
            ei = tuple(sorted(ei + beads[o][1]))
        out.append((zi, ei))
    return out


def _beads(path: list[tuple[int, int]]) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    return [(tuple(range(i0, i1)), tuple(range(j0, j1))) for (i0, j0), (i1, j1) in zip(path, path[1:])]


def _links(beads, zh, en, features) -> list[Link]:
    """The beads as links: a two-sided one (``features``) scored by its cosine curve and given
    its confidence; a one-sided one scores 0 and has no confidence (nothing to fit it on)."""
    links = []
    for k, (zi, ei) in enumerate(beads):
        feats = features.get((zi, ei))
        links.append(Link.of_sentences(
            k, [(i, zh[i]) for i in zi], [(j, en[j]) for j in ei],
            calibrated_confidence(feats["cosine"]) if feats else 0.0,
            confidence=link_confidence(feats) if feats else None))
    return links


def bead_types(max_bead: int, max_nm: int = 2) -> list[tuple[int, int]]:
    """(zh count, en count) of every allowed bead except 0-1 (handled within a row): 1-n and
    n-1 up to ``max_bead``, n-m with 2 <= n, m <= ``max_nm``."""
    types = [(1, 0), (1, 1), (2, 2)]
    for k in range(2, max(1, max_bead) + 1):
        types += [(1, k), (k, 1)]
    types += [(a, b) for a in range(2, max_nm + 1) for b in range(2, max_nm + 1)]
    return sorted(set(types))


def _normalise(x: np.ndarray) -> np.ndarray:
    return x / np.maximum(np.linalg.norm(x, axis=-1, keepdims=True), 1e-12)


def _downsample(emb: np.ndarray) -> np.ndarray:
    """Halve the resolution: each row the normalised sum of two neighbouring sentences."""
    if len(emb) % 2:
        emb = np.vstack([emb, emb[-1:]])
    return _normalise(emb[0::2] + emb[1::2])


class Lattice:
    """The alignment lattice of one document pair: bead scores and the banded search.

    Lattice point (i, j) means zh[:i] and en[:j] are aligned; a bead (a, b) ending there
    covers zh[i-a:i] and en[j-b:j]. The cosine of a merged run is computed from the 1-1
    similarities alone: with run vectors ``sum(w_k v_k)`` normalised, the cosine of two runs
    is the weighted box sum of their sentence similarities divided by the two run norms, so
    no run is ever materialised (and exact cosines of re-encoded runs override it).
    """

    def __init__(self, emb_zh, emb_en, cfg: AlignConfig, features: signals.PairFeatures | None = None):
        self.zh, self.en = emb_zh, emb_en
        self.n, self.m = len(emb_zh), len(emb_en)
        self.cfg = cfg
        self.f = features
        types = bead_types(cfg.max_bead, cfg.max_nm)
        self.A = max(a for a, _ in types)
        self.B = max(b for _, b in types)
        self.ta = np.array([a for a, _ in types])
        self.tb = np.array([b for _, b in types])
        # n-m beads beyond 2-2: closed until allow_large_nm opens them
        self.large_nm = np.flatnonzero((self.ta >= 2) & (self.tb >= 2) & (np.maximum(self.ta, self.tb) > 2))
        self.large_open = False
        self.single_length_cap: float | None = None  # set by cap_single_length
        # Run-vector weights: the encoder averages over tokens, so a longer sentence weighs
        # more in the vector of a concatenation; sqrt damps very long ones.
        if features is not None:
            self.w_zh = np.sqrt(features.len_zh + 1.0).astype(np.float32)
            self.w_en = np.sqrt(features.len_en + 1.0).astype(np.float32)
        else:
            self.w_zh = np.ones(self.n, dtype=np.float32)
            self.w_en = np.ones(self.m, dtype=np.float32)
        self.norm_zh = _run_norms(emb_zh, self.w_zh, self.A)
        self.norm_en = _run_norms(emb_en, self.w_en, self.B)
        self.bg1_zh, self.bg1_en = np.zeros(self.n, np.float32), np.zeros(self.m, np.float32)
        self.bg_zh = _run_max(self.bg1_zh, self.A)
        self.bg_en = _run_max(self.bg1_en, self.B)
        self.exact: dict[int, dict[tuple[int, int, int], float]] = {}  # row -> (a, b, j) -> cosine
        self._scores: dict[int, np.ndarray] = {}
        if features is not None:
            self.len_zh = _run_sums(features.len_zh, self.A)
            self.len_en = _run_sums(features.len_en, self.B)
            # beads (a, b): extra sentences cost a little, so a split must earn its place
            extra_zh, extra_en = (self.ta - 1).clip(0), (self.tb - 1).clip(0)
            # a side with more sentences than the other must merge some of them: its extra
            # sentences cost less, in proportion to the document's sentence-count ratio
            scale_zh, scale_en = min(1.0, self.m / self.n), min(1.0, self.n / self.m)
            self.merge_cost = cfg.merge_penalty * (scale_zh * extra_zh + scale_en * extra_en)
        else:
            self.merge_cost = np.zeros(len(types))

    # ----- the band and the margins -----
    def band(self) -> tuple[np.ndarray, np.ndarray]:
        """Per lattice row i (0..n): the inclusive column range [lo_i, hi_i] to search."""
        band = _coarse_band(self.zh, self.en, self.cfg)
        self._margins(band)
        return band

    def _margins(self, band) -> None:
        """Mean cosine of each sentence to its k nearest neighbours inside the band."""
        lo, hi = band
        n, m, k = self.n, self.m, self.cfg.neighbours
        bg_zh = np.array([_topk_mean(self.en[lo[i] : max(hi[i + 1], lo[i] + 1)] @ self.zh[i], k) for i in range(n)])
        first = np.searchsorted(hi, np.arange(m), side="left")
        last = np.searchsorted(lo, np.arange(m), side="right")
        bg_en = np.array(
            [_topk_mean(self.zh[max(first[j] - 1, 0) : max(last[j], first[j] + 1)] @ self.en[j], k) for j in range(m)]
        )
        self.bg1_zh, self.bg1_en = bg_zh.astype(np.float32), bg_en.astype(np.float32)
        self.bg_zh = _run_max(bg_zh, self.A)
        self.bg_en = _run_max(bg_en, self.B)

    def allow_large_nm(self, path) -> bool:
        """Open the n-m beads beyond 2-2 (2-3, 3-2, 3-3) when this document shows that its
        translator merges as a rule: the path of a search without them has at least as many
        merged two-sided beads (a + b > 2) as 1-1 beads. Where both sides split freely a gold
        2-3 is common; in verse-like or sentence-for-sentence text it would only be one more
        way to over-merge. Returns whether they were opened (every row is rescored)."""
        sizes = [(i1 - i0, j1 - j0) for (i0, j0), (i1, j1) in zip(path, path[1:])]
        merged = sum(1 for a, b in sizes if a and b and a + b > 2)
        if not len(self.large_nm) or merged < sizes.count((1, 1)):
            return False
        self.large_open = True
        self._scores.clear()
        return True

    def cap_single_length(self, path) -> bool:
        """Where the translator links 1-1 as a rule (the n-m beads stayed closed), cap a 1-1
        bead's length cost at the largest one among this document's first-path 1-1 beads.

        The first path shows how unequal this document's sentence pairs get; a pair more unequal
        than that (a caption run into a sentence, a paraphrase) is not less likely a pair for it,
        so its cosine decides. Uncapped, such a weak gold pair scores far below a skip and the
        search hides it in a 2-2 with its strong neighbour, whose cosine that neighbour carries.
        Where the translator merges as a rule, unequal lengths are the sign of a merge and the
        cost stays whole. Returns whether the cap was set (every row is rescored)."""
        if not self.cfg.cap_single_length or self.large_open or self.f is None:
            return False
        costs = [self.length_mismatch(bead) for bead in _beads(path) if len(bead[0]) == len(bead[1]) == 1]
        if not costs:
            return False
        self.single_length_cap = self.cfg.length_weight * max(costs)
        self._scores.clear()
        return True

    # ----- exact cosines of re-encoded runs -----
    def merge_candidates(self, path) -> list[tuple[int, int, int, int]]:
        """Merged beads on the path whose cosine is still an approximation."""
        out = []
        for (i0, j0), (i1, j1) in zip(path, path[1:]):
            a, b = i1 - i0, j1 - j0
            if a and b and a + b > 2 and (a, b, j1) not in self.exact.get(i1, {}):
                out.append((i0, i1, j0, j1))
        return out

    def set_exact_cosine(self, zs: int, ze: int, es: int, ee: int, cosine: float) -> None:
        self.exact.setdefault(ze, {})[(ze - zs, ee - es, ee)] = cosine
        self._scores.pop(ze, None)

    # ----- scores -----
    def row_scores(self, i: int, cols: np.ndarray) -> np.ndarray:
        """Scores (types, len(cols)) of every bead type ending at (i, j) for j in ``cols``."""
        A, B, cfg = min(self.A, i), self.B, self.cfg
        c0 = max(0, int(cols[0]) - B)
        c1 = int(cols[-1])
        raw = self.zh[i - A : i] @ self.en[c0:c1].T  # (A, E) sentence cosines
        wz, we = self.w_zh[i - A : i, None], self.w_en[None, c0:c1]
        bvec = np.arange(1, B + 1)
        upper = cols - c0
        lower = np.maximum(upper[None, :] - bvec[:, None], 0)
        norm_x = self.norm_zh[1 : A + 1, i][:, None, None]
        norm_y = self.norm_en[1:, cols][None, :, :]
        # zh rows bottom-up: runs[a-1] = weighted sum over the last a zh sentences
        runs = np.cumsum((raw * wz)[::-1], axis=0)
        cos = _box(runs * we, upper, lower) / (norm_x * norm_y + 1e-9)  # (A, B, W)
        for (a, b, j), value in self.exact.get(i, {}).items():
            where = np.searchsorted(cols, j)
            if a <= A and where < len(cols) and cols[where] == j:
                cos[a - 1, b - 1, where] = value
        score = cos - 0.5 * (self.bg_zh[1 : A + 1, i][:, None, None] + self.bg_en[1:, cols][None, :, :])
        if self.f is not None:
            lx = self.len_zh[1 : A + 1, i][:, None, None]
            ly = self.len_en[1:, cols][None, :, :]
            zh_units, en_units = lx + 1.0, self.f.ratio * ly + 1.0
            if cfg.length_factor:
                score *= np.log2(1.0 + np.minimum(zh_units, en_units) / np.maximum(zh_units, en_units))
            length_cost = cfg.length_weight * np.log(zh_units / en_units) ** 2
            if self.single_length_cap is not None:
                length_cost[0, 0] = np.minimum(length_cost[0, 0], self.single_length_cap)
            score -= length_cost
            if cfg.token_weight and self.f.has_tokens(i - A, i):
                for a in range(1, A + 1):
                    for b in range(1, B + 1):
                        score[a - 1, b - 1] += cfg.token_weight * self.f.token_bonus(i - a, i, cols - b, cols)
        if self.f is not None and self.f.para_zh is not None and self.f.para_zh[i]:
            score += cfg.paragraph_bonus * self.f.para_en[cols][None, None, :]
        score[:, (cols[None, :] - bvec[:, None]) < 0] = NEG
        out = np.full((len(self.ta), len(cols)), cfg.skip, dtype=np.float32)
        pair = self.tb > 0
        ok = pair & (self.ta <= A)
        out[ok] = score[self.ta[ok] - 1, self.tb[ok] - 1] - self.merge_cost[ok, None]
        out[pair & (self.ta > A)] = NEG
        if not self.large_open:
            out[self.large_nm] = NEG
        return out

    def bead_score(self, zs: int, ze: int, es: int, ee: int) -> float:
        """The search's score of one bead (zh[zs:ze], en[es:ee]), as ``row_scores`` gives it:
        for error analysis (scripts/bead_errors.py) of two candidate paths."""
        a, b = ze - zs, ee - es
        if not a or not b:
            return self.cfg.skip * (a + b)
        t = np.flatnonzero((self.ta == a) & (self.tb == b))
        return float(self.row_scores(ze, np.array([ee]))[t[0], 0]) if len(t) else NEG

    def cosine(self, bead) -> float:
        """A two-sided bead's cosine: exact if its runs were encoded, else the approximation."""
        zi, ei = bead
        i, j, a, b = zi[-1] + 1, ei[-1] + 1, len(zi), len(ei)
        if (a, b, j) in self.exact.get(i, {}):
            return self.exact[i][(a, b, j)]
        return self.approx_cosine(i - a, i, j - b, j)

    def background(self, bead) -> float:
        """The margin's background of a two-sided bead (what its cosine is compared with)."""
        zi, ei = bead
        return 0.5 * float(self.bg_zh[len(zi), zi[-1] + 1] + self.bg_en[len(ei), ei[-1] + 1])

    def length_mismatch(self, bead) -> float:
        """Squared log ratio of a two-sided bead's lengths against the document's expected ratio
        (0 without length features)."""
        if self.f is None:
            return 0.0
        zh_units, en_units = float(self.f.len_zh[list(bead[0])].sum()), float(self.f.len_en[list(bead[1])].sum())
        return math.log((zh_units + 1.0) / (self.f.ratio * en_units + 1.0)) ** 2

    def approx_cosine(self, zs: int, ze: int, es: int, ee: int) -> float:
        """The cosine of two runs from their length-weighted vector sums (no encoding)."""
        x = (self.zh[zs:ze] * self.w_zh[zs:ze, None]).sum(0) / self.norm_zh[ze - zs, ze]
        y = (self.en[es:ee] * self.w_en[es:ee, None]).sum(0) / self.norm_en[ee - es, ee]
        return float(x @ y)

    # ----- the dynamic programme -----
    def search(self, band) -> list[tuple[int, int]]:
        """Best path in the band. Row scores are kept between searches (the band does not
        change), so a search after new exact cosines only rescores the rows they touch."""
        return _banded_dp(self.n, self.m, band, self.ta, self.tb, self._cached_row_scores, self.cfg.skip)

    def marginals(self, band) -> Marginals:
        """Forward and backward scores of the band: every bead's best path through it."""
        args = (self.n, self.m, band, self.ta, self.tb, self._cached_row_scores, self.cfg.skip)
        S, _, _ = _forward(*args)
        Bk = _backward(*args)
        return Marginals(self, band, S, Bk)

    def _cached_row_scores(self, i: int, cols: np.ndarray) -> np.ndarray:
        if i not in self._scores:
            self._scores[i] = self.row_scores(i, cols)
        return self._scores[i]


@dataclass
class Marginals:
    """Max-marginals of one search: ``row(i)[t, c]`` is the score of the best path that
    uses bead type t ending at (i, lo[i] + c); ``best`` is the best path's score."""

    lattice: Lattice
    band: tuple[np.ndarray, np.ndarray]
    S: np.ndarray
    Bk: np.ndarray

    @property
    def best(self) -> float:
        return float(self.S[-1, self.lattice.m - self.band[0][-1]])

    def row(self, i: int) -> np.ndarray:
        lat, (lo, hi) = self.lattice, self.band
        cols = np.arange(lo[i], hi[i] + 1)
        prev = _previous(self.S, lo, hi, i, cols, lat.ta, lat.tb)
        return prev + lat._cached_row_scores(i, cols) + self.Bk[i, : len(cols)][None, :]

    def near_merges(self, within: float) -> list[tuple[float, tuple[int, int, int, int]]]:
        """Merged beads whose cosine is still approximate and whose best path is within
        ``within`` of the best: (gap, (zh start, zh end, en start, en end)), closest first."""
        lat, lo = self.lattice, self.band[0]
        merged = (lat.ta > 0) & (lat.tb > 0) & (lat.ta + lat.tb > 2)
        best = self.best
        out = []
        for i in range(1, lat.n + 1):
            gap = best - self.row(i)
            ts, cs = np.nonzero((gap < within) & merged[:, None])
            done = lat.exact.get(i, {})
            for t, c in zip(ts, cs):
                a, b, j = int(lat.ta[t]), int(lat.tb[t]), int(lo[i] + c)
                if (a, b, j) not in done:
                    out.append((float(gap[t, c]), (i - a, i, j - b, j)))
        out.sort()
        return out

    def gaps(self, beads) -> list[float]:
        """For each two-sided bead (in document order): how much better the best path is than
        the best path without it (0 for a bead the best path does not use). Every path covers
        the bead's first zh sentence with exactly one bead, so the best path without it is the
        best max-marginal of the other beads covering that sentence."""
        lat, lo = self.lattice, self.band[0]
        best = self.best
        rows: dict[int, np.ndarray] = {}
        out = []
        for zi, ei in beads:
            i0, i_end, j_end = zi[0], zi[-1] + 1, ei[-1] + 1
            for r in [r for r in rows if r <= i0]:
                del rows[r]
            rival = NEG
            for r in range(i0 + 1, min(i0 + lat.A, lat.n) + 1):
                if r not in rows:
                    rows[r] = self.row(r).max(axis=1), self.row(r)
                top, scores = rows[r]
                covers = lat.ta >= r - i0
                if r == i_end:
                    own = np.flatnonzero((lat.ta == len(zi)) & (lat.tb == len(ei)))
                    c = j_end - lo[r]
                    if len(own) and 0 <= c < scores.shape[1]:
                        top = top.copy()
                        others = np.delete(scores[own[0]], c)
                        top[own[0]] = others.max() if len(others) else NEG
                rival = max(rival, float(top[covers].max()))
            out.append(max(0.0, best - rival))
        return out



def _box(rows: np.ndarray, upper: np.ndarray, lower: np.ndarray) -> np.ndarray:
    """(R, B, W) sums of ``rows[r, lower[b, w]:upper[w]]`` via column prefix sums."""
    prefix = np.zeros((rows.shape[0], rows.shape[1] + 1), dtype=np.float32)
    np.cumsum(rows, axis=1, out=prefix[:, 1:])
    return prefix[:, upper][:, None, :] - prefix[:, lower]


def _run_norms(emb: np.ndarray, w: np.ndarray, k: int, chunk: int = 4096) -> np.ndarray:
    """norms[b, j] = |sum_{t=j-b}^{j-1} w_t v_t| for b = 1..k (row 0 and j < b: 1)."""
    n = len(emb)
    out = np.ones((k + 1, n + 1), dtype=np.float32)
    for c0 in range(0, n, chunk):
        c1 = min(n, c0 + chunk)
        acc = np.zeros((c1 - c0, emb.shape[1]), dtype=np.float32)
        for b in range(1, k + 1):
            src = np.arange(c0, c1) - (b - 1)  # run ending at j = t + 1 adds sentence j - b
            ok = src >= 0
            acc[ok] += emb[src[ok]] * w[src[ok], None]
            out[b, c0 + 1 : c1 + 1] = np.where(ok | (b == 1), np.linalg.norm(acc, axis=1), 1.0)
    return np.maximum(out, 1e-6)


def _run_sums(values: np.ndarray, k: int) -> np.ndarray:
    """sums[b, j] = sum(values[j-b:j]) for b = 0..k (clipped at the start)."""
    csum = np.concatenate([[0.0], np.cumsum(values, dtype=np.float64)])
    j = np.arange(len(values) + 1)
    return np.stack([csum[j] - csum[np.clip(j - b, 0, None)] for b in range(k + 1)]).astype(np.float32)


def _run_max(values: np.ndarray, k: int) -> np.ndarray:
    """maxes[b, j] = max(values[j-b:j]) for b = 0..k (row 0 and j < b: clipped at the start).

    A run's margin is its most "popular" sentence's: with the mean, an untranslated sentence
    (which resembles nothing, so has a low margin) would make a merge that swallows it
    look better than leaving it out."""
    n = len(values)
    out = np.zeros((k + 1, n + 1), dtype=np.float32)
    for b in range(1, k + 1):
        for t in range(1, b + 1):
            idx = np.arange(n + 1) - t
            vals = np.where(idx >= 0, values[np.clip(idx, 0, None)], -np.inf)
            out[b] = vals if t == 1 else np.maximum(out[b], vals)
        out[b, ~np.isfinite(out[b])] = 0.0
    return out


def calibrated_confidence(cosine: float) -> float:
    """A link's confidence: a logistic of its USE cosine, spread over the range links occur in.

    USE v3 on the seed pair: true zh-en pairs score 0.43-0.87 (10th percentile 0.51, median
    about 0.65), wrong pairs median 0.18, 99th percentile 0.49. The curve is 0.5 at 0.45 (between
    the lowest true pairs and the top of the wrong ones) and rises e-fold per 0.09, so a wrong
    pair's median maps to 0.05, the true pairs' 10th percentile to 0.66, their median to 0.90
    and the best to 0.99. (A likelihood-ratio fit to the true and wrong distributions would be
    three times steeper and put nearly every true link at 1.00, which ranks nothing.)
    """
    return 1.0 / (1.0 + math.exp(-(cosine - COSINE_MIDPOINT) / COSINE_SCALE))


def _topk_mean(sims: np.ndarray, k: int) -> float:
    if len(sims) == 0:
        return 0.0
    k = min(k, len(sims))
    return float(np.partition(sims, len(sims) - k)[-k:].mean())


def _coarse_band(zh: np.ndarray, en: np.ndarray, cfg: AlignConfig):
    """Search band from the path at half resolution (recursively), or the full lattice."""
    n, m = len(zh), len(en)
    if (n + 1) * (m + 1) <= cfg.full_search_cells or min(n, m) < 4:
        return np.zeros(n + 1, dtype=np.int64), np.full(n + 1, m, dtype=np.int64)
    coarse = Lattice(_downsample(zh), _downsample(en), replace(cfg, max_bead=2, max_nm=2))
    cpath = coarse.search(coarse.band())
    return _project_band(cpath, n, m, cfg.band)


def _project_band(cpath, n: int, m: int, width: int):
    """Fine band around a coarse path: coarse lattice point (I, J) is fine point (2I, 2J);
    each fine row gets the columns its coarse step spans, widened by ``width`` rows and
    columns on every side."""
    lo_raw = np.full(n + 1, m, dtype=np.int64)
    hi_raw = np.zeros(n + 1, dtype=np.int64)
    for (i0, j0), (i1, j1) in zip(cpath, cpath[1:]):
        r0, r1 = min(2 * i0, n), min(2 * i1, n)
        lo_raw[r0 : r1 + 1] = np.minimum(lo_raw[r0 : r1 + 1], min(2 * j0, m))
        hi_raw[r0 : r1 + 1] = np.maximum(hi_raw[r0 : r1 + 1], min(2 * j1, m))
    rows = np.arange(n + 1)
    lo = np.clip(lo_raw[np.clip(rows - width, 0, n)] - width, 0, m)
    hi = np.clip(hi_raw[np.clip(rows + width, 0, n)] + width, 0, m)
    lo = np.minimum.accumulate(lo[::-1])[::-1]
    hi = np.maximum.accumulate(hi)
    lo[0], hi[n] = 0, m
    return lo, hi


def _previous(S, lo, hi, i: int, cols: np.ndarray, ta, tb) -> np.ndarray:
    """(types, len(cols)): ``S`` at the start point (i - a, j - b) of each bead type ending at
    (i, j), NEG where that start lies outside the band."""
    width = S.shape[1]
    p = i - ta
    live = p >= 0
    pc = np.maximum(p, 0)
    q = cols[None, :] - tb[:, None]
    lo_p = lo[pc][:, None]
    ok = live[:, None] & (q >= lo_p) & (q <= hi[pc][:, None])
    return np.where(ok, S[pc[:, None], np.minimum(np.maximum(q - lo_p, 0), width - 1)], NEG)


def _forward(n: int, m: int, band, ta, tb, row_scores, skip: float):
    """Forward pass: S[i, j - lo[i]] = best score of a path from (0, 0) to (i, j), with the
    back-pointers to recover it.

    Row by row, all bead types at once; in-row 0-1 beads are a running maximum
    (``S[j] = max_k T[k] + (j-k)*skip``), so a row is a fixed number of vector operations.
    """
    lo, hi = band
    width = int((hi - lo).max()) + 1
    S = np.full((n + 1, width), NEG, dtype=np.float64)
    back = np.full((n + 1, width), -2, dtype=np.int16)  # bead type, -1: 0-1 chain, -2: none
    chain = np.zeros((n + 1, width), dtype=np.int32)  # where a 0-1 chain began (band column)
    for i in range(n + 1):
        cols = np.arange(lo[i], hi[i] + 1)
        w = len(cols)
        if i == 0:
            T = np.where(cols == 0, 0.0, NEG)
            Tb = np.full(w, -2, dtype=np.int16)
        else:
            cand = _previous(S, lo, hi, i, cols, ta, tb) + row_scores(i, cols)
            Tb = np.argmax(cand, axis=0).astype(np.int16)
            T = cand[Tb, np.arange(w)]
            Tb[T <= NEG / 2] = -2
        offs = np.arange(w, dtype=np.float64) * skip
        shifted = T - offs
        run_max = np.maximum.accumulate(shifted)
        idx = np.arange(w)
        start = np.maximum.accumulate(np.where(shifted >= run_max, idx, 0))
        S[i, :w] = run_max + offs
        chain[i, :w] = start
        back[i, :w] = np.where(start == idx, Tb, -1)
    return S, back, chain


def _backward(n: int, m: int, band, ta, tb, row_scores, skip: float) -> np.ndarray:
    """Backward pass: Bk[i, j - lo[i]] = best score of a path from (i, j) to (n, m).

    With the forward scores it gives every bead's max-marginal (the best path forced through
    it): S[start] + bead score + Bk[end]. Row by row from the end, the bead types grouped by
    their zh count (one gather per group)."""
    lo, hi = band
    width = int((hi - lo).max()) + 1
    Bk = np.full((n + 1, width), NEG, dtype=np.float64)
    ahead: dict[int, np.ndarray] = {}  # row r -> row scores + Bk[r]: the value of a bead ending in r
    groups = [(int(a), np.flatnonzero(ta == a)) for a in np.unique(ta)]
    for i in range(n, -1, -1):
        cols = np.arange(lo[i], hi[i] + 1)
        w = len(cols)
        T = np.where(cols == m, 0.0, NEG) if i == n else np.full(w, NEG)
        for a, types in groups:
            r = i + a
            if r > n:
                continue
            q = cols[None, :] + tb[types][:, None]
            ok = (q >= lo[r]) & (q <= hi[r])
            values = ahead[r][types[:, None], np.clip(q - lo[r], 0, hi[r] - lo[r])]
            T = np.maximum(T, np.where(ok, values, NEG).max(axis=0))
        offs = np.arange(w, dtype=np.float64) * skip
        shifted = (T + offs)[::-1]  # T[k] + k*skip, from the right end
        Bk[i, :w] = np.maximum.accumulate(shifted)[::-1] - offs
        if i > 0:
            ahead[i] = row_scores(i, cols) + Bk[i, :w][None, :]
        ahead.pop(i + int(ta.max()), None)
    return Bk


def _trace(n: int, m: int, band, ta, tb, back, chain) -> list[tuple[int, int]]:
    lo, _ = band
    path = [(n, m)]
    i, j = n, m
    while (i, j) != (0, 0):
        c = j - lo[i]
        t = int(back[i, c])
        if t == -1:
            k = int(chain[i, c]) + int(lo[i])
            path.extend((i, jj) for jj in range(j - 1, k - 1, -1))
            j = k
            continue
        if t < 0:
            raise RuntimeError("alignment lattice has no path inside the band")
        i, j = i - int(ta[t]), j - int(tb[t])
        path.append((i, j))
    return path[::-1]


def _banded_dp(n: int, m: int, band, ta, tb, row_scores, skip: float) -> list[tuple[int, int]]:
    """Best monotone path from (0, 0) to (n, m) inside the band; returns lattice points."""
    S, back, chain = _forward(n, m, band, ta, tb, row_scores, skip)
    return _trace(n, m, band, ta, tb, back, chain)
