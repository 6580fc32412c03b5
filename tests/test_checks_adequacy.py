"""adequacy.score: the shipped logistic regression on real pairs (WMT23 news, one document
as ten systems translated it), its reasons, threshold and place after the other checks."""
from __future__ import annotations

import pytest
from conftest import SHARED

from align.bench import mqm
from align.checks import CheckContext, adequacy, run_checks

MQM = SHARED / "bench" / "mqm-wmt23-zhen" / "items.jsonl"


@pytest.fixture(scope="module")
def document(encoder):
    items = mqm.load_items(MQM)
    group = next(g for g in mqm.documents(items) if len(g) >= 8)
    return group, mqm.item_links(group, mqm.sentence_cosines(group, encoder))


def test_probability_rises_with_the_evidence_of_an_error():
    base = {"m1_en_mean": 0.0, "m1_en_document": 0.0, "cosine_z": 0.0, "en_gaps_rel": 0.0, "length": 3.6,
            "flagged": 0.0}
    worse = {**base, "m1_en_mean": -1.5, "cosine_z": -3.0, "en_gaps_rel": 1.5, "flagged": 1.0}
    assert 0.0 < adequacy.probability(base) < adequacy.probability(worse) < 1.0
    assert set(adequacy.COEFFICIENTS) == set(adequacy.FEATURES) == set(adequacy.MEANS) == set(adequacy.SCALES)


def test_score_runs_after_the_other_checks_and_gives_reasons(document):
    group, links = document
    everything = run_checks(CheckContext(links, options={"adequacy.score": {"threshold": 0.0}}))
    scored = [f for f in everything if f.check == "adequacy.score"]
    assert len(scored) == len([link for link in links if not link.one_sided])
    others = adequacy.raised(everything)
    for flag in scored:
        # a pair another check flagged is sent to the reviewer once: the score stands beside it as info
        assert flag.severity == ("info" if flag.link in others else "warning")
        assert 0.0 <= flag.evidence["probability"] <= 1.0
        assert flag.evidence["signals"]["flagged"] == float(flag.link in others)
        assert flag.message.startswith("The English may not say what the Chinese says (probability ")
    ranked = sorted(scored, key=lambda f: f.evidence["probability"])
    assert ranked[-1].evidence["reasons"]  # the likeliest error names what weighs most


def test_threshold_and_selection(document):
    _, links = document
    assert run_checks(CheckContext(links, options={"adequacy.score": {"threshold": 1.01}}), select=["adequacy"]) == []
    default = run_checks(CheckContext(links), select=["adequacy"])
    assert all(f.evidence["probability"] >= adequacy.THRESHOLD for f in default)


def test_a_swapped_translation_scores_higher_than_its_own(document, encoder):
    """Real text: one system's English for a segment replaced by its English of another
    segment (a whole-sentence mistranslation) gets a higher probability than the faithful pair,
    with the corpus model the benchmark uses."""
    group, links = document
    translations = mqm.learnt_translations(mqm.load_items(MQM))
    own = adequacy.link_features(CheckContext(links, translations=translations), [])
    from align.aligner.sentences import calibrated_confidence
    from align.model import Link

    cosine = float(encoder.encode([links[2].zh])[0] @ encoder.encode([links[5].en])[0])
    swapped_links = list(links)
    swapped_links[2] = Link(2, (2,), (2,), links[2].zh, links[5].en, calibrated_confidence(cosine))
    swapped = adequacy.link_features(CheckContext(swapped_links, translations=translations), [])
    assert swapped[2]["m1_en_mean"] < own[2]["m1_en_mean"] - 0.5
    assert adequacy.probability(swapped[2]) > adequacy.probability(own[2])
