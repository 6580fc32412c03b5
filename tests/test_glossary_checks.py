"""Glossary checks on the real seed pair (real segmenter, real aligner, real encoder) and
on constructed links."""
from __future__ import annotations

import re

import pytest
from conftest import EN_SEED, SEED_GLOSSARY, ZH_SEED

from align.checks import CheckContext, run_checks
from align.glossary.files import load_glossaries
from align.glossary.termbase import Glossary, GlossaryEntry
from align.glossary.terms import fold
from align.model import Link


@pytest.fixture(scope="module")
def seed_links(encoder):
    from align.aligner.sentences import align_documents
    from align.text.segment import load_document

    return align_documents(load_document(ZH_SEED, "zh"), load_document(EN_SEED, "en"), encoder)


@pytest.fixture(scope="module")
def seed_flags(seed_links):
    glossary = load_glossaries([SEED_GLOSSARY])
    return run_checks(CheckContext(seed_links, glossary=glossary), select=["glossary"])


def _zh(flag):
    return flag.zh[slice(*flag.zh_span)] if flag.zh_span else None


def _en(flag):
    return flag.en[slice(*flag.en_span)] if flag.en_span else None


def _loose(text: str, lang: str) -> str:
    """A deliberately looser fold than the matcher's: no spaces at all, no hyphens, lower case."""
    return re.sub(r"[\s\-]+", "", fold(text, lang).text)


def test_seed_pair_flags_the_cas_bangkok_center(seed_flags):
    [flag] = [f for f in seed_flags if f.check == "glossary.missing_term" and f.evidence["entry"]["id"] == "cas-bangkok"]
    assert re.sub(r"\s", "", _zh(flag)) == "东盟（曼谷）创新中心"
    assert "Innovation Cooperation Center in Bangkok" in " ".join(flag.en.split())
    assert flag.severity == "error"


def test_seed_pair_flags_the_forbidden_initiative_title(seed_flags):
    flags = [f for f in seed_flags if f.check == "glossary.forbidden_term"]
    assert len(flags) == 2  # the sentence citing the title, and the section heading
    for flag in flags:
        assert " ".join(_en(flag).split()) == "Cooperation Proposal for Silk Road Innovation"
        assert re.sub(r"\s", "", _zh(flag)) == "“创新之路”合作倡议"
        assert flag.evidence["entry"]["en"] == "Cooperation Initiative on Silk Road of Innovation"


def test_no_seed_flag_is_a_matching_artefact(seed_flags):
    """Each flag was read (README, "Glossaries"); here the mechanical part: no flag would
    go away under a looser match (substring, case, hyphen, spacing), so none comes from
    the matcher missing a rendering or a term that is there."""
    assert seed_flags
    for flag in seed_flags:
        entry = flag.evidence["entry"]
        if flag.check == "glossary.missing_term":
            assert _loose(_zh(flag), "zh") == _loose(entry["zh"], "zh")
            for form in [entry["en"], *entry["variants"]]:
                assert _loose(form, "en") not in _loose(flag.en, "en"), (flag.link, form)
        elif flag.check == "glossary.unexpected_term":
            assert _loose(entry["zh"], "zh") not in _loose(flag.zh, "zh"), (flag.link, entry["zh"])
        else:
            assert _loose(_en(flag), "en") in {_loose(f, "en") for f in entry["forbidden"]}


def link(zh: str, en: str, index: int = 0) -> Link:
    return Link(index, (index,), (index,), zh, en, 0.9)


GLOSSARY = Glossary([
    GlossaryEntry("most", "科技部", "Ministry of Science and Technology", ("MOST",)),
    GlossaryEntry("most-prc", "中华人民共和国科学技术部", "Ministry of Science and Technology of the People's Republic of China",
                  ("MOST of China",)),
    GlossaryEntry("init", "“创新之路”合作倡议", "Cooperation Initiative on Silk Road of Innovation",
                  forbidden=("Cooperation Proposal for Silk Road Innovation",)),
    GlossaryEntry("brf", "“一带一路”国际合作高峰论坛", "Belt and Road Forum for International Cooperation"),
    GlossaryEntry("brf2", "第二届“一带一路”国际合作高峰论坛", "Second Belt and Road Forum for International Cooperation"),
    GlossaryEntry("draft", "东盟", "ASEAN", status="proposed"),
])


def flags_for(zh: str, en: str):
    return run_checks(CheckContext([link(zh, en)], glossary=GLOSSARY), select=["glossary"])


def test_missing_term_spans_and_entry():
    [flag] = flags_for("科技部与相关方共同发起。", "The ministry and relevant sides jointly issued it.")
    assert (flag.check, _zh(flag), flag.en_span, flag.evidence["entry"]["id"]) == (
        "glossary.missing_term", "科技部", None, "most")


def test_variant_satisfies_and_forbidden_is_flagged_with_both_spans():
    [flag] = flags_for("科技部与相关方共同发起了《“创新之路”合作倡议》。",
                       "MOST and relevant sides jointly issued the Cooperation Proposal for Silk Road Innovation.")
    assert (flag.check, _zh(flag), _en(flag)) == (
        "glossary.forbidden_term", "“创新之路”合作倡议", "Cooperation Proposal for Silk Road Innovation")


def test_unexpected_term_only_when_no_entry_of_the_span_is_in_the_chinese():
    [flag] = flags_for("王志刚出席会议。", "Wang Zhigang of MOST attended.")
    assert (flag.check, _en(flag), flag.severity) == ("glossary.unexpected_term", "MOST", "warning")
    # MOST belongs to both entries: the full Chinese name makes it expected
    assert flags_for("中华人民共和国科学技术部一致倡议：", "MOST of China reached the following agreements:") == []


def test_nested_terms_count_as_present_on_both_sides():
    assert flags_for("本届“一带一路”国际合作高峰论坛增设分论坛。",
                     "The forum was included in the Second Belt and Road Forum for International Cooperation.") == []


def test_proposed_entries_and_one_sided_links_are_not_checked():
    assert flags_for("中国已与东盟9个国家建立机制。", "China has mechanisms with nine countries.") == []
    assert run_checks(CheckContext([link("科技部主办。", "")], glossary=GLOSSARY), select=["glossary"]) == []
    assert [f.check for f in run_checks(CheckContext([link("", "the Cooperation Proposal for Silk Road Innovation")],
                                                      glossary=GLOSSARY), select=["glossary"])] == [
        "glossary.forbidden_term"]


def test_no_glossary_no_flags():
    assert run_checks(CheckContext([link("科技部", "x")]), select=["glossary"]) == []


# ------------------------------------------------------------------ short back-references

PEOPLE = Glossary([
    GlossaryEntry("wang", "王志刚", "Wang Zhigang"),
    GlossaryEntry("bgrimm", "北京矿冶科技集团有限公司", "BGRIMM Technology Group"),
    GlossaryEntry("forum", "“创新之路”分论坛", "Silk Road of Innovation Thematic Forum"),
    GlossaryEntry("cas-bangkok", "东盟（曼谷）创新中心", "ASEAN (Bangkok) Innovation Center"),
])
FULL = {  # first mentions, in full, from the seed pair
    "wang": ("科技部部长王志刚出席会议并作主旨发言。",
             "Wang Zhigang, Minister of Science and Technology delivered a keynote speech at the forum."),
    "bgrimm": ("北京矿冶科技集团有限公司总经理韩龙表示，",
               "Mr. Han Long, General Manager of BGRIMM Technology Group said that"),
    "forum": ("“创新之路”分论坛在北京国家会议中心举行。",
              "the Silk Road of Innovation Thematic Forum was held at the National Convention Center in Beijing."),
    "cas-bangkok": ("启动东盟（曼谷）创新中心。", "launched the ASEAN (Bangkok) Innovation Center."),
}


def glossary_flags(*pairs):
    links = [link(zh, en, i) for i, (zh, en) in enumerate(pairs)]
    return [f for f in run_checks(CheckContext(links, glossary=PEOPLE), select=["glossary"]) if f.link == len(links) - 1]


@pytest.mark.parametrize("entry, zh, en, short", [
    ("wang", "王志刚指出，", "Minister Wang remarked that", "Minister Wang"),
    ("bgrimm", "通过交流合作，北京矿冶科技集团有限公司的团队也学习到了先进技术。",
     "Thanks to exchanges and cooperation, the Group also learned advanced techniques.", "the Group"),
    ("forum", "本次“创新之路”分论坛共有近150名代表参会。",
     "About 150 delegates attended the thematic forum.", "the thematic forum"),
])
def test_short_reference_after_the_full_form_is_info(entry, zh, en, short):
    [flag] = glossary_flags(FULL[entry], (zh, en))
    assert (flag.check, flag.severity, _en(flag)) == ("glossary.missing_term", "info", short)
    assert "short reference" in flag.message
    assert flag.evidence["full_form"]["link"] == 0
    assert flag.evidence["full_form"]["text"] == PEOPLE.entries[[e.id for e in PEOPLE.entries].index(entry)].en


@pytest.mark.parametrize("entry, zh, en", [
    ("wang", "王志刚指出，", "Minister Zhang remarked that"),  # another person's surname
    ("wang", "王志刚指出，", "The minister remarked that"),  # a title alone names nobody
    ("forum", "本次“创新之路”分论坛共有近150名代表参会。",
     "About 150 delegates attended the Belt and Road Forum."),  # a head noun, but another forum
    ("cas-bangkok", "中国科学院将在泰国启动东盟（曼谷）创新中心。",
     "CAS has established the Innovation Cooperation Center in Bangkok."),  # another name, not a short one
])
def test_other_names_are_not_short_references(entry, zh, en):
    [flag] = glossary_flags(FULL[entry], (zh, en))
    assert (flag.evidence["entry"]["id"], flag.severity) == (entry, "error")


def test_a_first_mention_in_short_form_stays_an_error():
    [flag] = glossary_flags(("通过交流合作，北京矿冶科技集团有限公司的团队也学习到了先进技术。",
                             "Thanks to exchanges and cooperation, the Group also learned advanced techniques."))
    assert flag.severity == "error"
    # the full form must come EARLIER in the document, not later
    links = [link("北京矿冶科技集团有限公司的团队也学习到了先进技术。", "the Group also learned advanced techniques.", 0),
             link(*FULL["bgrimm"], 1)]
    flags = run_checks(CheckContext(links, glossary=PEOPLE), select=["glossary"])
    assert [(f.link, f.severity) for f in flags] == [(0, "error")]


def test_seed_pair_short_references_are_info_and_point_at_the_full_form(seed_flags, seed_links):
    infos = [f for f in seed_flags if f.check == "glossary.missing_term" and f.severity == "info"]
    assert infos
    for flag in infos:
        earlier = flag.evidence["full_form"]
        assert earlier["link"] < flag.link
        assert seed_links[earlier["link"]].en[slice(*earlier["en_span"])] == earlier["text"]
    assert {(f.evidence["entry"]["zh"], _en(f)) for f in infos} >= {("王志刚", "Minister Wang"),
                                                                    ("北京矿冶科技集团有限公司", "the Group")}
