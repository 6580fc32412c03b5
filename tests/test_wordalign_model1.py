"""IBM Model 1 translation probabilities learnt from a run's own links (align.wordalign.model1),
on one WMT23 MQM source document and its ten machine translations."""
from __future__ import annotations

from conftest import SHARED

from align.bench.mqm import load_items
from align.checks import CheckContext
from align.model import Link
from align.wordalign import dictionary_alignments, link_alignments, shared_dictionary, translation_model
from align.wordalign.model1 import learn

DOC = "news_chinanews.com.280883:zh-en"  # the Beijing Stock Exchange (北交所, "BSE") lends shares


def document_links() -> tuple[list, list[Link]]:
    items = [i for i in load_items(SHARED / "bench" / "mqm-wmt23-zhen" / "items.jsonl") if i.doc == DOC]
    return items, [Link(k, (k,), (k,), i.zh, i.en, 0.9) for k, i in enumerate(items)]


def renderings(alignment, word: str) -> set[str]:
    return {w.text for i, z in enumerate(alignment.zh) if z.text == word for w in alignment.renderings(i)}


def test_learnt_translations_link_what_the_dictionary_misses():
    items, links = document_links()
    assert "北交所" not in shared_dictionary()
    by_dictionary = dictionary_alignments(links)
    model = learn(by_dictionary.values())
    assert model.links == len(links) and {"beijing", "stock", "exchange"} <= {e for e, _ in model.translations("北交所")}
    hit = next(k for k, i in enumerate(items) if i.system == "ONLINE-A" and i.seg == 4)
    assert renderings(by_dictionary[hit], "北交所") == set()
    assert renderings(model.extend(by_dictionary[hit]), "北交所") == {"BSE"}
    # the dictionary's own links stay
    assert set(by_dictionary[hit].pairs) <= set(model.extend(by_dictionary[hit]).pairs)


def test_a_pair_seen_in_one_link_only_is_not_linked():
    items, links = document_links()
    hit = next(k for k, i in enumerate(items) if i.system == "ONLINE-A" and i.seg == 4)
    alone = CheckContext([links[hit]])  # the run's own links: this one pair, nothing to learn from
    assert renderings(link_alignments(alone)[hit], "北交所") == set()
    assert translation_model(alone).links == 1


def test_a_model_handed_in_on_the_context_is_used():
    items, links = document_links()
    model = learn(dictionary_alignments(links).values())
    hit = next(k for k, i in enumerate(items) if i.system == "ONLINE-A" and i.seg == 4)
    ctx = CheckContext([links[hit]], translations=model)
    assert renderings(link_alignments(ctx)[hit], "北交所") == {"BSE"} and translation_model(ctx) is model


def test_word_log_probabilities_read_a_mistranslation_against_the_training_level():
    import numpy as np

    items, links = document_links()
    alignments = list(dictionary_alignments(links).values())
    model = learn(alignments)
    means = [model.word_log_probabilities(a)[0].mean() for a in alignments if model.word_log_probabilities(a)[0].size]
    # the level a link is read against is the median training link's, as computed at run time
    assert abs(model.typical_en - float(np.median(means))) < 1e-6
    zh_means = [model.word_log_probabilities(a)[1].mean() for a in alignments if model.word_log_probabilities(a)[1].size]
    assert abs(model.typical_zh - float(np.median(zh_means))) < 1e-6
    # one segment's Chinese under another segment's English: its words are unlikely translations
    own = next(k for k, i in enumerate(items) if i.system == "ONLINE-A" and i.seg == 4)
    other = next(k for k, i in enumerate(items) if i.system == "ONLINE-A" and i.seg != 4)
    swapped = dictionary_alignments([Link(0, (0,), (0,), items[own].zh, items[other].en, 0.9)])[0]
    right, _ = model.word_log_probabilities(alignments[own])
    wrong, _ = model.word_log_probabilities(swapped)
    assert right.mean() > model.typical_en - 0.5 > wrong.mean()
