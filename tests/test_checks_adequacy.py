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
    def signals(cosine_z: float, length: float, flagged: float, m1_document: float = 0.0) -> dict[str, float]:
        return {"cosine_z": cosine_z, "length": length, "cosine_z_by_length": cosine_z * length,
                "m1_en_document": m1_document, "flagged": flagged}

    base = signals(0.0, 3.6, 0.0)
    for worse in (signals(-3.0, 3.6, 0.0), signals(0.0, 5.0, 0.0), signals(0.0, 3.6, 1.0), signals(0.0, 3.6, 0.0, -0.5)):
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


def test_a_document_of_wrong_translations_reads_as_one(document, encoder):
    """Real text: the document's Chinese under its English shifted by one segment (every
    link a whole-sentence mistranslation) against the faithful document, with the corpus
    Model 1 the benchmark uses: each link's own Model 1 score and the document's fall, and
    every probability rises."""
    from align.aligner.sentences import calibrated_confidence
    from align.model import Link

    group, links = document
    translations = mqm.learnt_translations(mqm.load_items(MQM))
    english = [link.en for link in links[1:] + links[:1]]
    cosines = (encoder.encode([link.zh for link in links]) * encoder.encode(english)).sum(axis=1)
    shifted = [Link(link.index, link.zh_ids, link.en_ids, link.zh, en, calibrated_confidence(float(c)))
               for link, en, c in zip(links, english, cosines)]
    faithful = adequacy.link_features(CheckContext(links, translations=translations), [])
    wrong = adequacy.link_features(CheckContext(shifted, translations=translations), [])
    assert wrong[0]["m1_en_document"] < faithful[0]["m1_en_document"] - 0.5
    assert sum(wrong[k]["m1_en"] < faithful[k]["m1_en"] for k in faithful) >= 0.8 * len(faithful)
    assert all(adequacy.probability(wrong[k]) > adequacy.probability(faithful[k]) for k in faithful)


def test_only_a_finding_its_check_rated_error_or_warning_counts(document):
    """An info-rated finding of a code declared a warning (an uncertain name swap) is no
    evidence for the score, and does not silence its warning; a user's severity for another
    code changes neither."""
    _, links = document
    ctx = CheckContext(links)
    info = ctx.flag(links[0], "entity.swapped", "uncertain", severity="info")
    warning = ctx.flag(links[1], "entity.swapped", "a swap")
    assert adequacy.raised([info, warning], ctx) == {1}
    quiet = CheckContext(links, options={"entity.swapped": {"severity": "info"}})
    demoted = quiet.flag(links[1], "entity.swapped", "a swap")
    assert demoted.severity == "info" and adequacy.raised([demoted], quiet) == {1}


def test_clean_bible_checked_as_a_batch_of_small_documents_stays_quiet(encoder):
    """The false-alarm gate as ``align batch`` meets it: 1,000 clean KJV/CUV gold pairs as
    documents of 50 consecutive pairs, one Model 1 learnt from all of them, so every
    document-relative signal reads a stretch of the Bible against itself — error + warning
    flags of all checks stay ≤ 5 per 100, as on the same pairs checked as one document."""
    import random
    from dataclasses import replace

    from align.bench.divergence import _rescored, bible_links
    from align.wordalign import dictionary_alignments
    from align.wordalign.model1 import learn

    links = _rescored(bible_links(SHARED / "bench" / "bible-zh-en", 1000, random.Random(13)), encoder)
    translations = learn(dictionary_alignments(links).values())
    raised = 0
    for start in range(0, len(links), 50):
        chunk = [replace(link, index=k) for k, link in enumerate(links[start:start + 50])]
        flags = run_checks(CheckContext(chunk, encoder=encoder, translations=translations))
        raised += sum(f.severity in ("error", "warning") for f in flags)
    whole = run_checks(CheckContext(links, encoder=encoder))
    assert 100.0 * raised / len(links) <= 5.0
    assert 100.0 * sum(f.severity in ("error", "warning") for f in whole) / len(links) <= 5.0
