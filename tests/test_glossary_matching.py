"""Every matching rule with a hit and a near-miss, on constructed glossaries."""
from __future__ import annotations

from pathlib import Path

import pytest

from align.glossary.termbase import Glossary, GlossaryEntry


def gl(*entries: GlossaryEntry) -> Glossary:
    return Glossary(entries)


def E(zh, en, variants=(), forbidden=(), case_sensitive=False, id=None):  # noqa: N802
    return GlossaryEntry(id or zh, zh, en, tuple(variants), tuple(forbidden), case_sensitive)


def spans(hits):
    return [(h.text, h.kind, h.entry.id) for h in hits]


# ------------------------------------------------------------------ English


def test_en_word_boundaries():
    g = gl(E("东", "east"))
    assert spans(g.find_en("to the east of the river")) == [("east", "approved", "东")]
    assert g.find_en("Easter is in spring; the northeast; eastern") == []


def test_en_case_insensitive_by_default_case_sensitive_when_marked():
    g = gl(E("带", "Belt and Road"), E("苹果", "Apple", case_sensitive=True))
    assert spans(g.find_en("the belt and road countries")) == [("belt and road", "approved", "带")]
    assert spans(g.find_en("Apple shares")) == [("Apple", "approved", "苹果")]
    assert g.find_en("an apple a day") == []


def test_en_acronyms_always_match_case():
    g = gl(E("科技部", "Ministry of Science and Technology", variants=["MOST"]))
    assert spans(g.find_en("MOST has implemented the plan")) == [("MOST", "variant", "科技部")]
    assert g.find_en("most of the plan; Most people") == []


@pytest.mark.parametrize("text, found", [
    ("two joint laboratories", "joint laboratories"),
    ("science parks and", "science parks"),
    ("the think tank's report", "think tank's"),
    ("the universities' role", "universities'"),
    ("boxes", "boxes"),
])
def test_en_plural_and_possessive(text, found):
    g = gl(E("实验室", "joint laboratory"), E("园区", "science park"), E("智库", "think tank"),
           E("高校", "university"), E("盒", "box"))
    assert [h.text for h in g.find_en(text)] == [found]


def test_en_inflection_is_not_free_suffixing():
    g = gl(E("园区", "science park"), E("欧", "Central and Eastern Europe"))
    assert g.find_en("science parking lot") == []
    assert g.find_en("Central and Eastern European countries") == []


def test_en_hyphen_space_and_typographic_quotes():
    g = gl(E("智库", "think tank"), E("中国", "People's Republic of China"), E("海丝", "21st-Century Maritime Silk Road"))
    assert [h.text for h in g.find_en("think-tanks and think tanks")] == ["think-tanks", "think tanks"]
    assert [h.text for h in g.find_en("the People’s Republic of China")] == ["People’s Republic of China"]
    assert [h.text for h in g.find_en("the 21st century Maritime Silk Road")] == ["21st century Maritime Silk Road"]
    assert g.find_en("thinktank; Peoples Republic of China") == []


def test_en_full_width_forms_match_and_spans_point_into_the_original():
    g = gl(E("人工智能", "AI"))
    text = "in terms of ＡＩ and robotics"
    [hit] = g.find_en(text)
    assert (hit.text, text[hit.start:hit.end]) == ("ＡＩ", "ＡＩ")
    assert g.find_en("in terms of ＡＩＭ") == []


def test_en_longest_match_and_shared_spans():
    g = gl(E("论坛", "Belt and Road Forum for International Cooperation"), E("一带一路", "Belt and Road"),
           E("科技部", "Ministry of Science and Technology", ["MOST"]),
           E("中华人民共和国科学技术部", "Ministry of Science and Technology of the People's Republic of China", ["MOST"]))
    assert spans(g.find_en("the Belt and Road Forum for International Cooperation")) == [
        ("Belt and Road Forum for International Cooperation", "approved", "论坛")]
    nested = g.find_en("the Belt and Road Forum for International Cooperation", nested=True)
    assert {h.entry.id for h in nested} == {"论坛", "一带一路"}
    assert sorted(h.entry.id for h in g.find_en("MOST of")) == ["中华人民共和国科学技术部", "科技部"]


def test_en_forbidden_forms_are_found_with_their_kind():
    g = gl(E("倡议", "Cooperation Initiative on Silk Road of Innovation",
             forbidden=["Cooperation Proposal for Silk Road Innovation"]))
    [hit] = g.find_en("jointly issued the Cooperation Proposal for Silk Road Innovation, which")
    assert (hit.kind, hit.text) == ("forbidden", "Cooperation Proposal for Silk Road Innovation")
    assert g.find_en("the Cooperation Proposal for innovation") == []


# ------------------------------------------------------------------ Chinese


def test_zh_longest_match_wins_when_terms_nest():
    g = gl(E("中国科学院", "Chinese Academy of Sciences"), E("中国科学院院长", "President of the Chinese Academy of Sciences"))
    assert spans(g.find_zh("中国科学院院长白春礼")) == [("中国科学院院长", "approved", "中国科学院院长")]
    assert spans(g.find_zh("中国科学院将在泰国启动")) == [("中国科学院", "approved", "中国科学院")]
    assert {h.entry.id for h in g.find_zh("中国科学院院长白春礼", nested=True)} == {"中国科学院", "中国科学院院长"}


@pytest.mark.parametrize("term, text", [
    ("人才", "工人才能得到"),  # 工人/才能
    ("日本", "今日本来有雨"),  # 今日/本来
    ("中美", "集中美元储备"),  # 集中/美元
])
def test_zh_terms_are_whole_words_not_substrings(term, text):
    g = gl(E(term, "x"))
    assert g.find_zh(text) == []
    assert [h.text for h in g.find_zh(f"我们的{term}很好")] == [term]


@pytest.mark.parametrize("term, text", [
    ("科技创新", "高度认可中国科技实力和科技创新能力"),  # jieba alone: 科技/创新能力
    ("科技部", "由中国科技部主办"),  # jieba's dictionary has the word 中国科技部
])
def test_zh_terms_inside_compounds_are_found(term, text):
    g = gl(E(term, "x"))
    assert [h.text for h in g.find_zh(text)] == [term]


BIBLE_ZH = Path(__file__).resolve().parent.parent.parent / "shared" / "bench" / "bible-zh-en" / "zh.txt"


def test_zh_two_character_term_is_not_cut_out_of_a_transliterated_name():
    """Exodus 31:6, 35:34, 38:23 (Chinese Union Version): 但支派中亚希撒抹的儿子亚何利亚伯
    ("Aholiab, the son of Ahisamach, of the tribe of Dan"): 中 + 亚希撒抹, not 中亚."""
    lines = [line for line in BIBLE_ZH.read_text("utf-8").splitlines() if "亚希撒抹" in line]
    assert len(lines) == 3
    g = gl(E("中亚", "Central Asia"), E("但", "Dan"))
    for line in lines:
        assert "中亚" not in {h.entry.zh for h in g.find_zh(line, nested=True)}, line
    # the term itself, and beside names jieba knows, is still found
    for text in ("推动中亚地区合作", "中亚国家代表出席", "美国特朗普政府", "中国科学院白春礼院长"):
        term = next(t for t in ("中亚", "美国", "中国科学院") if t in text)
        g = gl(E(term, "x"))
        assert [h.text for h in g.find_zh(text)] == [term], text


def test_zh_names_beside_words_the_tagger_glues_into_names_are_found():
    """jieba's HMM glues unknown runs into made-up names (摩西|向天扬, 以色列|中凡); a name
    term next to them is still matched: over the first 800 lines of the Chinese Bible (Genesis),
    every occurrence of these two-character names is found."""
    names = ("摩西", "亚伦", "以撒", "雅各", "约瑟", "法老", "埃及", "迦南", "利未")
    g = gl(*(E(n, n) for n in names))
    lines = BIBLE_ZH.read_text("utf-8").splitlines()[:800]
    for line in lines:
        found = [h.text for h in g.find_zh(line)]
        for name in names:
            expected = line.count(name) - ("亚伦巴古" in line and name == "亚伦")  # a place name, Allonbachuth
            assert found.count(name) >= expected - line.count("利未记"), (name, line)


def test_zh_full_width_spaces_and_quotes_are_folded_but_spans_are_original():
    g = gl(E("东盟（曼谷）创新中心", "ASEAN (Bangkok) Innovation Center"), E("“创新之路”合作倡议", "Initiative"),
           E("2030可持续发展议程", "2030 Agenda"), E("弗朗西斯·高锐", "Francis Gurry"))
    text = "启动东盟(曼谷)创新\n中心，发起了《\"创新之路\"合作倡议》，联合国2030 可持续发展议程；弗朗西斯˙高锐"
    hits = g.find_zh(text)
    assert [text[h.start:h.end] for h in hits] == [h.text for h in hits] == [
        "东盟(曼谷)创新\n中心", "\"创新之路\"合作倡议", "2030 可持续发展议程", "弗朗西斯˙高锐"]
    assert g.find_zh("东盟曼谷创新中心") == []


def test_glossary_jieba_words_stay_private():
    """The glossary's user words must not leak into jieba's process-wide dictionary."""
    import jieba

    g = gl(E("矿冶集团", "the Group"))
    assert [h.text for h in g.find_zh("北京的矿冶集团在南非")] == ["矿冶集团"]
    assert "矿冶集团" not in jieba.lcut("北京的矿冶集团在南非")
