"""Approximate leave-a-clause-out vectors from one forward pass (align.embed.pooled), on real
text: the seed pair and Bible gold links, against the real USE v3 encoder."""
from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest
from conftest import EN_SEED, ZH_SEED

from align.bench.divergence import bible_links, seed_links
from align.checks import CheckContext, run_checks
from align.embed import pooled
from align.embed.cache import EmbeddingCache
from align.embed.encoders import APPROXIMATE_WITHOUT, load_encoder
from align.pipeline import align_pair, read_pair
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


def _clauses(text: str, lang: str) -> list[tuple[int, int]]:
    spans = clause_spans(text, lang)
    return spans if len(spans) >= 2 else []


def test_one_forward_pass_gives_the_backends_own_vectors_bit_for_bit_and_the_approximations(tmp_path, bible):
    """The sentence vectors made together with the clause approximations are exactly those
    of a plain encode (same micro-batches, same operations); the approximations are those
    ``vectors_without`` makes, cached so that asking for them costs no forward pass."""
    zh_doc, en_doc = read_pair(ZH_SEED, EN_SEED)
    lang = {**{t: "en" for t in en_doc.texts}, **{t: "zh" for t in zh_doc.texts}}
    lang.update({link.zh: "zh" for link in bible})
    lang.update({link.en: "en" for link in bible})
    texts = list(lang)
    assert len(texts) > 250 and sum(1 for t in texts if _clauses(t, lang[t])) > 100
    encoder = load_encoder(cache_dir=tmp_path)
    calls = encoder.model_calls
    shared = encoder.encode(texts, parts_left_out=lambda text: _clauses(text, lang[text]))
    assert encoder.model_calls - calls == len(texts)
    assert np.array_equal(shared, load_encoder(cache=False).encode(texts))
    items = [(text, _clauses(text, lang[text])) for text in texts if _clauses(text, lang[text])]
    calls = encoder.model_calls
    cached = encoder.vectors_without(items)
    assert encoder.model_calls == calls  # every approximation came from the cache
    fresh = pooled.vectors_without(pooled.numpy_backend(encoder._backend), items)
    assert all(np.allclose(a, b, atol=1e-6) for a, b in zip(cached, fresh, strict=True))


def test_the_pipeline_caches_the_clause_approximations_of_the_sentences_it_embeds(tmp_path):
    zh_doc, en_doc = read_pair(ZH_SEED, EN_SEED)
    encoder = load_encoder(cache_dir=tmp_path)
    align_pair(zh_doc, en_doc, encoder=encoder)
    expected = {text[:a] + text[b:] for doc, lang in ((zh_doc, "zh"), (en_doc, "en"))
                for text in doc.texts for a, b in _clauses(text, lang)}
    assert len(expected) > 50
    assert encoder.cache.count(encoder.model_id + APPROXIMATE_WITHOUT) == len(expected)


def test_approximate_gain_of_leaving_a_clause_out_is_close_to_the_exact_one(encoder, bible):
    sides = _sides(bible)
    approximate = encoder.vectors_without([(text, spans) for text, spans, _ in sides])
    exact = iter(encoder.encode([text[:a] + text[b:] for text, spans, _ in sides for a, b in spans]))
    others = encoder.encode([other for _, _, other in sides])
    errors = []
    for (_, spans, _), without, other_vector in zip(sides, approximate, others):
        errors.extend(np.abs((without - np.stack([next(exact) for _ in spans])) @ other_vector))
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
