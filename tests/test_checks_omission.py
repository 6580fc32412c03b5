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
    return run_checks(CheckContext(links, encoder=encoder), select=["omission"],
                      ignore=["omission.words", "omission.added_words"])  # word-level: tests/test_checks_words.py


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


def test_low_confidence_is_relative_to_the_document_and_needs_an_odd_length():
    pairs = [("中国科学院将在泰国启动东盟创新中心。", "CAS will launch an ASEAN innovation center in Thailand."),
             ("本次分论坛共有近150名中外代表参会。", "About 150 delegates attended the thematic forum."),
             ("与会代表通过务实高效的交流，达成了广泛共识。", "Through pragmatic exchanges, delegates reached broad consensus."),
             ("双方都实现了科技资源共享和优势互补。", "Both sides realized sharing of S&T resources."),
             ("南非失业率较高，中国项目提供了更多工作机会。", "Unemployment is high, and Chinese projects provided more jobs."),
             # the English keeps only the opening words: low confidence and far too short
             ("北京矿冶科技集团有限公司总经理韩龙表示，过去由于冶炼技术落后，环境污染情况时常发生。",
              "Mr. Han Long said so."),
             # near-miss: as low a score, but a normal length (free translation, not an omission)
             ("大道致远，携手远航。", "Together we sail far.")]
    scores = [0.98, 0.97, 0.99, 0.95, 0.96, 0.30, 0.30]
    links = [Link(i, (i,), (i,), zh, en, score) for i, ((zh, en), score) in enumerate(zip(pairs, scores))]
    [flag] = run_checks(CheckContext(links), select=["omission.low_confidence"])
    assert flag.link == 5 and flag.evidence["typical"] > 0.9 and flag.evidence["length_stretch"] < 0.5
    assert run_checks(CheckContext(links, options={"omission.low_confidence": {"ratio": 0.2, "short_ratio": 0.2}}),
                      select=["omission.low_confidence"]) == []


def test_enumeration_items_are_not_clauses(encoder):
    zh = ("科技部认真组织实施行动计划，重点开展科技人文交流、共建联合实验室、科技园区合作、技术转移 4 项行动，"
          "取得了丰硕成果。")
    en = ("MOST has been conscientiously implementing the action plan and focusing on four areas of S&T "
          "people-to-people exchange, joint laboratories, science park cooperation and technology transfer, "
          "with fruitful outcomes.")
    assert [f for f in omission_flags([Link(0, (0,), (0,), zh, en, 0.95)], encoder)] == []


class _Recording:
    """The real encoder, remembering every text the checks send it."""

    def __init__(self, encoder):
        self.encoder, self.texts = encoder, []

    def encode(self, texts):
        texts = list(texts)
        self.texts += texts
        return self.encoder.encode(texts)


def test_a_clause_the_word_alignment_renders_is_not_encoded(encoder):
    """Each English clause's one content word rendered (合作 ↔ cooperate, 发展 ↔ develop):
    lexical proof of a counterpart, so no clause goes to the encoder — while the dropped
    clause of a real pair still does, and is flagged."""
    recording = _Recording(encoder)
    both = Link(0, (0,), (0,), "我们要合作，也要发展。", "We must cooperate, and we must also develop.", 0.9)
    assert omission_flags([both], recording) == [] and recording.texts == []

    zh = "大道致远，携手远航。“一带一路”沿线主要国家民众认为中国是全球经济发展重要引擎，高度认可中国科技实力和科技创新能力。"
    en = ("People along the Belt and Road believe that China is an important engine of global economic "
          "development and highly recognize China’s S&T strengths and STI capacity.")
    [flag] = omission_flags([Link(0, (0, 1), (0,), zh, en, 0.97)], recording)
    assert zh[slice(*flag.zh_span)] == "大道致远，携手远航。"
    assert zh.replace("大道致远，携手远航。", "") in recording.texts  # the pair without the clause
