"""omission.* with the real encoder: unaligned sentences, low confidence, clauses with no
counterpart (the seed's third suggestion) and their near-misses."""
from __future__ import annotations

from align.checks import CheckContext, run_checks
from align.model import Link

SUGGESTIONS_ZH = ("一是坚持扩大开放，共创科技愿景；二是坚持伙伴精神，加强对话交流；三是坚持前瞻布局，挖掘增长动力；"
                  "四是坚持普惠共享，促进民生改善。")
SUGGESTIONS_EN = ("First is to stick to opening-up and create a vision of science and technology; second is to "
                  "uphold partnership and strengthen exchanges; third is to put in place forward-looking layout; "
                  "fourth is to insist on sharing for universal benefits and improve people’s well-being.")


def omission_flags(links, encoder):
    return run_checks(CheckContext(links, encoder=encoder), select=["omission"])


def test_clause_without_counterpart_is_flagged(encoder):
    [flag] = omission_flags([Link(0, (0,), (0,), SUGGESTIONS_ZH, SUGGESTIONS_EN, 0.99)], encoder)
    assert flag.check == "omission.partial"
    assert SUGGESTIONS_ZH[slice(*flag.zh_span)].startswith("挖掘增长动力")
    assert flag.evidence["best_similarity"] < 0.4


def test_complete_translation_is_not_flagged(encoder):
    en = SUGGESTIONS_EN.replace("forward-looking layout;", "forward-looking layout and tap new drivers of growth;")
    assert omission_flags([Link(0, (0,), (0,), SUGGESTIONS_ZH, en, 0.99)], encoder) == []


def test_dropped_clause_is_found_and_partial_needs_the_encoder(encoder):
    zh = "大道致远，携手远航。“一带一路”沿线主要国家民众认为中国是全球经济发展重要引擎，高度认可中国科技实力和科技创新能力。"
    en = ("People along the Belt and Road believe that China is an important engine of global economic "
          "development and highly recognize China’s S&T strengths and STI capacity.")
    link = Link(0, (0, 1), (0,), zh, en, 0.97)
    [flag] = omission_flags([link], encoder)
    assert zh[slice(*flag.zh_span)] == "大道致远，携手远航。" and flag.severity == "warning"
    assert omission_flags([link], None) == []


def test_unaligned_sentences_both_directions():
    links = [Link(0, (0,), (), "大道致远，携手远航。", "", 0.0), Link(1, (), (0,), "", "(Source: MOST)", 0.0)]
    flags = run_checks(CheckContext(links), select=["omission"])
    assert [(f.link, f.check) for f in flags] == [(0, "omission.unaligned_zh"), (1, "omission.unaligned_en")]
    assert flags[0].zh_span == (0, len(links[0].zh))


def test_low_confidence_is_relative_to_the_document():
    links = [Link(i, (i,), (i,), f"第{i}句。", f"Sentence {i}.", score) for i, score in
             enumerate([0.98, 0.97, 0.99, 0.95, 0.96, 0.30])]
    [flag] = run_checks(CheckContext(links), select=["omission.low_confidence"])
    assert flag.link == 5 and flag.evidence["typical"] > 0.9
    assert run_checks(CheckContext(links, options={"omission.low_confidence": {"ratio": 0.2}}),
                      select=["omission.low_confidence"]) == []
