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
    def signals(cosine_z: float, length: float, flagged: float) -> dict[str, float]:
        return {"cosine_z": cosine_z, "length": length, "cosine_z_by_length": cosine_z * length, "flagged": flagged}

    base = signals(0.0, 3.6, 0.0)
    for worse in (signals(-3.0, 3.6, 0.0), signals(0.0, 5.0, 0.0), signals(0.0, 3.6, 1.0)):
        assert 0.0 < adequacy.probability(base) < adequacy.probability(worse) < 1.0
    # a poorer match for its document raises the probability at every length seen in news text
    for length in (2.0, 3.6, 5.0):
        assert adequacy.probability(signals(-2.0, length, 0.0)) > adequacy.probability(signals(0.0, length, 0.0))
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
