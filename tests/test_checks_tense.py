"""tense.plan_vs_done on the seed's model case and near-misses of the same shapes."""
from __future__ import annotations

from align.checks import CheckContext, run_checks
from align.checks.tense import en_markers, zh_markers
from align.model import Link


def tense_flags(zh: str, en: str):
    return run_checks(CheckContext([Link(0, (0,), (0,), zh, en, 0.9)]), select=["tense"])


CAS_ZH = "中国科学院将在泰国启动东盟（曼谷）创新中心，为两国科技合作搭建新平台……"
CAS_EN = ("CAS has established the Innovation Cooperation Center in Bangkok, a new platform for S&T "
          "cooperation between the two countries.")


def test_plan_rendered_as_done_is_flagged_with_both_markers():
    [flag] = tense_flags(CAS_ZH, CAS_EN)
    assert flag.check == "tense.plan_vs_done"
    assert CAS_ZH[slice(*flag.zh_span)] == "将"
    assert CAS_EN[slice(*flag.en_span)] == "has established"
    assert flag.evidence["zh"] == "plan" and flag.evidence["en"] == "done"


def test_plan_rendered_as_plan_is_not_flagged():
    en = "CAS will launch the ASEAN (Bangkok) Innovation Center in Thailand."
    assert tense_flags(CAS_ZH, en) == []


def test_done_rendered_as_plan_is_flagged():
    zh = "中国已与东盟 9 个国家建立了“双边技术转移”工作机制。"
    en = "China will establish working mechanisms of bilateral technology transfer with nine ASEAN countries."
    [flag] = tense_flags(zh, en)
    assert flag.evidence == {**flag.evidence, "zh": "done", "en": "plan"}


def test_jiang_as_object_marker_is_not_a_plan():
    zh = "2015 年，矿冶集团将超大型浮选机技术和双侧吹竖炉熔池熔炼技术带到南非，解决了当地的难题。"
    assert [m for m in zh_markers(zh) if m.kind == "plan"] == []
    en = "In 2015, the Group has brought super-large floatation technologies to solve the local problems."
    assert tense_flags(zh, en) == []


def test_jihua_as_a_noun_is_not_a_plan():
    zh = "特别是宣布启动“一带一路”科技创新行动计划以来，科技部认真组织实施行动计划。"
    assert [m.text for m in zh_markers(zh) if m.kind == "plan"] == []


def test_le_in_a_condition_or_description_is_not_a_report():
    assert zh_markers("人若打坏了他奴仆的一只眼，就要放他去。")[0].kind == "plan"
    assert all(m.kind != "done" for m in zh_markers("摸了人死尸的，就必七天不洁净。"))


def test_english_markers():
    kinds = [(m.kind, m.text) for m in en_markers("MOST has been implementing the plan and will launch it.")]
    assert kinds == [("done", "has been"), ("plan", "will")]
    assert en_markers("the will of the people") == []
    assert en_markers("China has a long coast") == []  # possession, not the perfect


def test_questions_and_conditions_neither_plan_nor_report():
    assert tense_flags("亚比米勒却还没有亲近撒拉。他说，主阿，连有义的国，你也要毁灭吗？",
                       "But Abimelech had not come near her: and he said, LORD, wilt thou slay also a righteous nation?") == []
    assert tense_flags("我如今若在你眼前蒙恩，求你将你的道指示我，使我可以认识你。",
                       "Now therefore, I pray thee, if I have found grace in thy sight, shew me now thy way.") == []
    assert en_markers("When a man or woman shall commit any sin, that person shall be guilty")[0].text == "shall"
    # near-miss: the same perfect asserted outside a condition still counts
    assert [m.kind for m in en_markers("I have found grace in thy sight.")] == ["done"]


def test_markers_are_compared_where_they_stand():
    zh = "我必赐福给你，叫你的后裔繁多，你的名也必为大。"
    # "will" → "has" on the first verb: the later "will" no longer hides it
    [flag] = tense_flags(zh, "And I have blessed thee, and I will make thy seed many, and thy name shall be great.")
    assert flag.evidence == {**flag.evidence, "zh": "plan", "en": "done"}
    assert tense_flags(zh, "And I will bless thee, and I will make thy seed many, and thy name shall be great.") == []


def test_modal_words_are_not_plans():
    # 会 (tends to, can), 要 (must), 应该 (should) are modality: an English perfect beside them
    # is no tense error; 将 in the same place still is.
    en = "The two sides have strengthened cooperation in science and technology."
    for modal in ("会", "要", "应该"):
        zh = f"双方{modal}加强科技领域的合作。"
        assert tense_flags(zh, en) == [], modal
        assert [m.kind for m in zh_markers(zh)] == ["modal"], modal
    [flag] = tense_flags("双方将加强科技领域的合作。", en)
    assert flag.evidence["zh"] == "plan"


def test_modal_word_still_neutralises_a_completion_nearby():
    zh = "我们应该加强了解，深化合作。"
    assert tense_flags(zh, "We will strengthen mutual understanding and deepen cooperation.") == []


def test_le_inside_a_word_is_no_completion():
    zh = "记者了解到，该项目进展顺利。"
    assert [m for m in zh_markers(zh) if m.kind == "done"] == []
    assert tense_flags(zh, "The reporter learned that the project will go smoothly.") == []


# ---------------------------------------------------------------- precision (issue 10)
# Shapes from the WMT23 MQM development set (shared/bench/mqm-wmt23-zhen) and constructed
# near misses: modal verbs, 了 inside a word, 将 marking an object.

def test_modal_verbs_in_mqm_shapes_are_not_plans():
    assert tense_flags("我们应该加强合作。", "We have strengthened cooperation.") == []
    assert tense_flags("该气球与之前被击落的那个中国间谍气球相比要小很多。",
                       "It is much smaller than the Chinese spy balloon that had been shot down earlier.") == []
    # 要 after a person still announces (CUV: 我要使你成为大国 ↔ "I will make of thee a great nation")
    [flag] = tense_flags("我要使你成为大国。", "I have made of thee a great nation.")
    assert flag.evidence["zh"] == "plan"
    # a modal still keeps a nearby 了 from reading as a report
    assert [m.kind for m in zh_markers("人们可以正常启程度假。")] == ["modal"]


def test_le_inside_other_words_is_no_completion():
    for zh in ("记者了解到，该项目进展顺利。", "为了解决问题，各方加强合作。", "这是了不起的成就。"):
        assert [m for m in zh_markers(zh) if m.kind == "done"] == []
    assert [m.kind for m in zh_markers("记者了解到了情况。")] == ["done"]


def test_jiang_marking_the_object_of_a_disposal_verb():
    zh = "随着种植牙集采的加速落地，各地也将种植牙降价提上日程。"
    assert tense_flags(zh, "Various places have also put the price reduction of dental implants on the agenda.") == []
    # 将 + place + verb is still a plan
    [flag] = tense_flags("中国将在泰国建成创新中心。", "China has built an innovation center in Thailand.")
    assert flag.evidence["zh"] == "plan"


def test_perfect_in_a_once_clause_reports_nothing():
    zh = "要增强战略的稳定性，战略一经形成，就要长期坚持。"
    en = "We must enhance the stability of the strategy: once the strategy has been formed, it must be upheld."
    assert tense_flags(zh, en) == []
    assert tense_flags(zh, "We must enhance the stability of the strategy: the strategy has been upheld.") != []


def test_a_future_marker_over_another_verb_than_the_completed_one_is_no_conflict():
    """Genesis 24:46: the 了 of 我便喝了 is rendered by "drank" (the word aligner links 喝 ↔
    drank), the "will" of the English governs "give", another event of the sentence."""
    zh = "她就急忙从肩头上拿下瓶来，说，请喝，我也给你的骆驼喝。我便喝了。她又给我的骆驼喝了。"
    en = ("And she made haste, and let down her pitcher from her shoulder, and said, Drink, and I will give "
          "thy camels drink also: so I drank, and she made the camels drink also.")
    assert tense_flags(zh, en) == []
    # near miss: the same completion with its own verb under the "will" is still flagged
    [flag] = tense_flags("我便喝了。", "So I will drink.")
    assert flag.evidence["zh"] == "done" and flag.evidence["en"] == "plan"
