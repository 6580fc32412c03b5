"""consistency.* within a document and across a batch."""
from __future__ import annotations

from align.checks import CheckContext, run_checks
from align.checks.consistency import corpus_flags
from align.model import Link

ZH = "中国是科技全球化的参与者、受益者，也是推动更广泛创新合作的贡献者、引领者。"
EN_1 = ("China is a participant and beneficiary of S&T globalization and contributor and leader of "
        "extensive innovation cooperation.")
EN_2 = ("China is not only a player and beneficiary of S&T globalization, but also contributor and "
        "leader of more extensive innovation cooperation.")
OTHER = [("当下，全球范围内新一轮科技革命和产业变革加速演进。",
          "Today, a new round of scientific revolution and industrial transformation is accelerating across the world.")]


def links_of(pairs):
    return [Link(i, (i,), (i,), zh, en, 0.9) for i, (zh, en) in enumerate(pairs)]


def test_same_chinese_rendered_two_ways_is_flagged_once():
    links = links_of([(ZH, EN_1), *OTHER, (ZH.replace("，", ", "), EN_2)])
    [flag] = run_checks(CheckContext(links), select=["consistency.zh_variants"])
    assert flag.link == 2 and flag.evidence["others"][0]["link"] == 0


def test_trivial_differences_are_not_material():
    links = links_of([(ZH, EN_1), *OTHER, (ZH, EN_1.upper().replace(".", ""))])
    assert run_checks(CheckContext(links), select=["consistency"]) == []


def test_same_english_for_different_chinese():
    links = links_of([(ZH, EN_1), *OTHER, ("中国是科技全球化的参与者。", EN_1)])
    [flag] = run_checks(CheckContext(links), select=["consistency.en_variants"])
    assert flag.link == 2


def test_term_rendered_by_competing_wordings():
    pairs = [
        ("知识产权保护很重要。", "Intellectual property protection matters."),
        ("加强知识产权合作。", "Strengthen intellectual property cooperation."),
        ("我们重视知识产权。", "We value intellectual property."),
        ("完善知识产权制度。", "Improve the IP system."),
        ("知识产权人才培养。", "Training IP professionals."),
    ] + [(f"第{i}项科技合作顺利开展。", f"Science cooperation project {i} went well.") for i in range(1, 21)]
    flagged = run_checks(CheckContext(links_of(pairs)), select=["consistency.term_variants"])
    assert sorted(f.link for f in flagged) == [3, 4]
    assert {f.evidence["usual"] for f in flagged} == {"intellectual property"}
    assert {f.evidence["here"] for f in flagged} == {"ip"}


def test_corpus_flags_span_documents_and_name_them():
    runs = [("report-a", links_of([(ZH, EN_1), *OTHER])), ("report-b", links_of([*OTHER, (ZH, EN_2)]))]
    flagged = corpus_flags(runs)
    assert [(doc, f.link, f.check) for doc, f in flagged] == [("report-b", 1, "consistency.zh_variants")]
    assert flagged[0][1].evidence["doc"] == "report-b"
    assert flagged[0][1].evidence["others"][0]["doc"] == "report-a"
    assert corpus_flags(runs, ignore=["consistency"]) == []
    assert corpus_flags([("only", links_of([(ZH, EN_1), (ZH, EN_2)]))]) == []  # within one doc: the doc's own run


def test_same_english_for_reworded_chinese_is_not_flagged():
    en = "And the LORD spake unto Moses, saying,"
    links = links_of([("耶和华对摩西说，", en), *OTHER, ("耶和华吩咐摩西说，", en)])
    assert run_checks(CheckContext(links), select=["consistency.en_variants"]) == []
