"""Bertalign's algorithm (Liu & Zhu 2022, github.com/bfsujason/bertalign, MIT), re-implemented
on our encoder so the benchmark can put it side by side with ours on the same vectors.

Faithful to ``bertalign/aligner.py`` and ``corelib.py`` with their defaults (``max_align=5``,
``top_k=3``, ``win=5``, ``skip=-0.1``, margin and length penalty on):

1. Every run of 1 .. ``max_align - 1`` consecutive sentences is encoded exactly (lines joined
   with a space, as Bertalign's ``yield_overlaps`` does).
2. First pass: each source sentence's ``top_k`` nearest target sentences; a DP over 0-1,
   1-0 (score 0) and 1-1 beads (the cosine, when the target is among the source's top k), in a
   window of ``max(250, 6%)`` around the diagonal; its 1-1 beads are the anchors.
3. Second pass: a DP over every bead (a, b) with a + b <= ``max_align`` (plus 0-1, 1-0 at
   ``skip``) in a band from one anchor to the next widened by ``win``; a bead scores its cosine
   minus the mean similarity of each side to the other side's adjacent sentences, times
   ``log2(1 + min/max)`` of the UTF-8 byte lengths (target scaled by the document's ratio).

Both DPs run on the banded row-vectorised DP of ``align.aligner.sentences`` (same recurrence;
ties may break differently).
"""
from __future__ import annotations

from itertools import pairwise

import numpy as np

from align.aligner.sentences import NEG, _banded_dp, _beads

LinkSet = list[tuple[tuple[int, ...], tuple[int, ...]]]


def _clean(line: str) -> str:
    line = line.strip()
    return line if line else "BLANK_LINE"


def run_texts(lines: list[str], size: int) -> list[str]:
    """Bertalign's overlap layer: the run of ``size`` lines ending at each line ('PAD' before)."""
    lines = [_clean(x) for x in lines]
    pad = ["PAD"] * min(size - 1, len(lines))
    return pad + [" ".join(lines[k : k + size]) for k in range(len(lines) - size + 1)]


class _Runs:
    """vectors[a-1, k], byte lengths[a-1, k] of the run of ``a`` lines ending at line k."""

    def __init__(self, lines: list[str], sizes: int, encoder):
        texts = [run_texts(lines, a) for a in range(1, sizes + 1)]
        flat = [t for layer in texts for t in layer]
        vecs = encoder.encode(flat)
        n = len(lines)
        self.vec = vecs.reshape(sizes, n, -1)
        self.len = np.array([len(t.encode("utf-8")) for t in flat], dtype=np.float64).reshape(sizes, n)


def align(zh: list[str], en: list[str], encoder, *, max_align: int = 5, top_k: int = 3, win: int = 5,
          skip: float = -0.1) -> LinkSet:
    """Bertalign's links (zh ids, en ids) for two sentence lists, zh as the source."""
    n, m = len(zh), len(en)
    if n == 0 or m == 0:
        return [((i,), ()) for i in range(n)] + [((), (j,)) for j in range(m)]
    sizes = max_align - 1
    src, tgt = _Runs(zh, sizes, encoder), _Runs(en, sizes, encoder)
    char_ratio = src.len[0].sum() / tgt.len[0].sum()
    anchors = _first_pass(src.vec[0], tgt.vec[0], top_k)
    band = _second_band(anchors, win, n, m)
    types = [(1, 0)] + [(a, b) for a in range(1, max_align) for b in range(1, max_align) if a + b <= max_align]
    ta = np.array([a for a, _ in types])
    tb = np.array([b for _, b in types])

    def row_scores(i: int, cols: np.ndarray) -> np.ndarray:
        out = np.full((len(types), len(cols)), NEG, dtype=np.float32)
        out[0] = skip
        for t, (a, b) in enumerate(types[1:], start=1):
            if a > i:
                continue
            ok = cols >= b
            if not ok.any():
                continue
            j = cols[ok]
            sv = src.vec[a - 1, i - 1]
            tv = tgt.vec[b - 1, j - 1]
            sim = tv @ sv
            nb_tgt = _neighbour_sim(tgt.vec[0], j, b, m, sv)
            nb_src = _neighbour_sim_src(src.vec[0], i, a, n, tv)
            score = sim - (nb_tgt + nb_src) / 2
            sl = src.len[a - 1, i - 1]
            tl = tgt.len[b - 1, j - 1] * char_ratio
            score = score * np.log2(1 + np.minimum(sl, tl) / np.maximum(sl, tl))
            out[t, ok] = score
        return out

    path = _banded_dp(n, m, band, ta, tb, row_scores, skip)
    return _beads(path)


def _neighbour_sim(single: np.ndarray, j: np.ndarray, b: int, length: int, sv: np.ndarray) -> np.ndarray:
    """Bertalign's get_neighbor_sim for a run of b target lines ending at line j-1 (each j):
    the mean similarity to the lines just before and after it (the sum where one is missing)."""
    left = j - b
    right = j + 1
    has_r = right <= length
    has_l = left != 0
    r = np.zeros(len(j), dtype=np.float32)
    lft = np.zeros(len(j), dtype=np.float32)
    if has_r.any():
        r[has_r] = single[right[has_r] - 1] @ sv
    if has_l.any():
        lft[has_l] = single[left[has_l] - 1] @ sv
    return np.where(has_r & has_l, (lft + r) / 2, lft + r)


def _neighbour_sim_src(single: np.ndarray, i: int, a: int, length: int, tv: np.ndarray) -> np.ndarray:
    """The same for the source run (fixed) against each target run vector ``tv``."""
    left, right = i - a, i + 1
    r = tv @ single[right - 1] if right <= length else np.zeros(len(tv), dtype=np.float32)
    lft = tv @ single[left - 1] if left != 0 else np.zeros(len(tv), dtype=np.float32)
    return (lft + r) / 2 if right <= length and left != 0 else lft + r


def _first_pass(src: np.ndarray, tgt: np.ndarray, top_k: int) -> list[tuple[int, int]]:
    """1-1 anchors (lattice points after each 1-1 bead) of Bertalign's first pass."""
    n, m = len(src), len(tgt)
    k = min(top_k, m)
    hits: list[dict[int, float]] = []
    for c0 in range(0, n, 1024):
        sims = src[c0 : c0 + 1024] @ tgt.T
        idx = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        for row, cand in zip(sims, idx):
            hits.append({int(c): float(row[c]) for c in cand})
    win = max(250, int(max(n, m) * 0.06))
    centre = (np.arange(n + 1) * (m / n)).astype(np.int64)
    lo = np.clip(centre - win, 0, m)
    hi = np.clip(centre + win, 0, m)
    lo[0], hi[n] = 0, m
    ta, tb = np.array([1, 1]), np.array([0, 1])

    def row_scores(i: int, cols: np.ndarray) -> np.ndarray:
        out = np.zeros((2, len(cols)), dtype=np.float32)
        out[1, cols < 1] = NEG
        for j, d in hits[i - 1].items():
            where = np.searchsorted(cols, j + 1)
            if where < len(cols) and cols[where] == j + 1:
                out[1, where] = d
        return out

    path = _banded_dp(n, m, (lo, hi), ta, tb, row_scores, 0.0)
    return [(i1, j1) for (i0, j0), (i1, j1) in pairwise(path)
            if i1 - i0 == 1 and j1 - j0 == 1 and (j1 - 1) in hits[i1 - 1]]


def _second_band(anchors: list[tuple[int, int]], win: int, n: int, m: int):
    """Bertalign's find_second_search_path: rows between two anchors search from the first
    anchor's column - win to the next anchor's column + win."""
    anchors = list(anchors)
    if not anchors or anchors[-1] != (n, m):
        if anchors and (anchors[-1][0] == n or anchors[-1][1] == m):
            anchors.pop()
        anchors.append((n, m))
    lo = np.zeros(n + 1, dtype=np.int64)
    hi = np.zeros(n + 1, dtype=np.int64)
    prev_src, prev_tgt = 0, 0
    for s, t in anchors:
        lo[prev_src + 1 : s + 1] = max(0, prev_tgt - win)
        hi[prev_src + 1 : s + 1] = min(m, t + win)
        prev_src, prev_tgt = s, t
    lo[0], hi[0] = lo[1] if n else 0, hi[1] if n else m
    lo[0] = 0
    return lo, hi
