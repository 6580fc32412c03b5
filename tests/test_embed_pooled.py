"""Approximate leave-a-clause-out vectors from one forward pass (align.embed.pooled), on real
text: the seed pair and Bible gold links, against the real USE v3 encoder."""
from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest

from align.bench.divergence import bible_links, seed_links
from align.checks import CheckContext, run_checks
from align.embed import pooled
from align.embed.cache import EmbeddingCache
from align.embed.encoders import APPROXIMATE_WITHOUT, load_encoder
from align.text.zhtext import clause_spans

BIBLE = Path(__file__).resolve().parents[2] / "shared" / "bench" / "bible-zh-en"


@pytest.fixture(scope="module")
def bible():
    return bible_links(BIBLE, 80, random.Random(5))


def _sides(links):
    """(text, clause spans, other side) of every side with two clauses or more."""
    out = []
    for link in links:
        for lang, other in (("zh", link.en), ("en", link.zh)):
            text = getattr(link, lang)
            spans = clause_spans(text, lang)
            if len(spans) >= 2:
                out.append((text, spans, other))
    return out


def test_summing_the_token_rows_of_a_whole_text_gives_the_backends_own_vector(encoder, bible):
    """What the approximation reads of the backend's internals is what its encode computes."""
    texts = [t for link in bible[:60] for t in (link.zh, link.en)]
    net = pooled.numpy_backend(encoder._backend)
    assert net is not None
    assert np.min(np.sum(pooled.whole_vectors(net, texts) * encoder.encode(texts), axis=1)) > 0.99999


def test_approximate_gain_of_leaving_a_clause_out_is_close_to_the_exact_one(encoder, bible):
    sides = _sides(bible)
    approximate = encoder.vectors_without([(text, spans) for text, spans, _ in sides])
    errors = []
    for (text, spans, other), without in zip(sides, approximate):
        exact = encoder.encode([text[:a] + text[b:] for a, b in spans])
        other_vector = encoder.encode([other])[0]
        errors.extend(np.abs((without - exact) @ other_vector))
    assert len(errors) > 100
    assert np.percentile(errors, 95) < 0.05 and np.median(errors) < 0.01


def test_approximations_are_cached_apart_from_the_models_own_vectors(tmp_path):
    encoder = load_encoder(cache_dir=tmp_path)
    text = "科技部认真组织实施行动计划，重点开展科技人文交流，取得了丰硕成果。"
    spans = clause_spans(text, "zh")
    first = encoder.vectors_without([(text, spans)])[0]
    cache = EmbeddingCache(tmp_path / "embeddings.sqlite")
    keys = [EmbeddingCache.key(text[:a] + text[b:]) for a, b in spans]
    assert cache.count(encoder.model_id + APPROXIMATE_WITHOUT) == len(spans)
    assert cache.get_many(encoder.model_id, keys) == {}  # never taken for the exact vectors
    assert np.array_equal(encoder.vectors_without([(text, spans)])[0], first)


class _ExactOnly:
    """The real encoder without the approximation: every suspect clause is encoded exactly."""

    def __init__(self, encoder):
        self.encoder = encoder

    def encode(self, texts):
        return self.encoder.encode(texts)


@pytest.mark.parametrize("corpus", ["seed", "bible"])
def test_clause_flags_are_the_same_with_and_without_the_approximation(encoder, bible, corpus):
    links = seed_links(encoder) if corpus == "seed" else bible
    select = ["omission.partial", "omission.addition"]
    found = run_checks(CheckContext(links, encoder=encoder), select=select)
    exact = run_checks(CheckContext(links, encoder=_ExactOnly(encoder)), select=select)
    assert [(f.link, f.check, f.zh_span, f.en_span) for f in found] == \
        [(f.link, f.check, f.zh_span, f.en_span) for f in exact]
