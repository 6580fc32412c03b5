"""The report writers over links and flags built from real seed sentences.

The links are the Thailand paragraph of the seed pair, aligned by hand; the flags are
what a checker would say about them (the CAS Bangkok sentence announces a *future* launch
in Chinese and a *past* establishment in English, and names the centre differently).
"""
from __future__ import annotations

import dataclasses
import json

import pytest

from align.model import Document, Flag, Link, Segment
from align.pipeline import CheckRun
from align.report import OUTPUT_FILES, write_run
from align.report.highlight import mark_spans, span_pieces
from align.report.tmx import CONFIDENCE_PROP, write_tmx
from align.report.xlsx import SEVERITY_FILLS
from align.summary import build_summary

ZH = [
    "华为公司在曼谷设立科技和创新实验室，顺应泰国政府创新经济发展方向，为中小型和初创企业提供服务。",
    "同时，中国企业将为泰国泰空公司设计建造一颗宽带通信卫星，计划于2019 年发射升空。",
    "中国科学院将在泰国启动东盟（曼谷）创新中心，为两国科技合作搭建新平台……",
    "放眼望去，中泰务实合作正进入以新技术、新经济为代表的新轨道。",
    "二、“技术转移”架起“一带一路”合作新桥梁",
]
EN = [
    "In line with the innovation economy development in Thailand, Huawei set up a STI lab in "
    "Bangkok to provide services for SMEs and start-up companies.",
    "In the meantime, Chinese enterprise will design and manufacture a broadband communications "
    "satellite for Thai Airways International and launch it in 2019.",
    "CAS has established the Innovation Cooperation Center in Bangkok, a new platform for S&T "
    "cooperation between the two countries.",
    "The pragmatic cooperation is entering a new track with new technologies and new economy as "
    "the representatives.",
]
SCORES = [0.83, 0.71, 0.58, 0.66, 0.0]


def document(doc_id: str, lang: str, sentences: list[str]) -> Document:
    sep = "" if lang == "zh" else " "
    original, segments = "", []
    for i, text in enumerate(sentences):
        start = len(original)
        original += text + sep
        segments.append(Segment(doc_id, i, 0, text, start, start + len(text)))
    return Document(doc_id, lang, original, segments, path=f"{doc_id}.txt", encoding="utf-8")


def span(text: str, part: str) -> tuple[int, int]:
    start = text.index(part)
    return (start, start + len(part))


def make_run(zh=ZH, en=EN, scores=SCORES, extra_flags=()) -> CheckRun:
    zh_doc, en_doc = document("003_zh", "zh", zh), document("000_en", "en", en)
    links = [
        Link(i, (i,), (i,) if i < len(en) else (), zh[i], en[i] if i < len(en) else "", scores[i])
        for i in range(len(zh))
    ]
    cas = links[2]
    flags = [
        Flag(2, "tense.mismatch", "warning", cas.zh, cas.en,
             "Chinese says the centre will be launched (将); English says it has been established",
             zh_span=span(cas.zh, "将在泰国启动"), en_span=span(cas.en, "has established")),
        Flag(2, "glossary.missing_term", "error", cas.zh, cas.en,
             "东盟（曼谷）创新中心 should be rendered as 'China-ASEAN (Bangkok) Innovation Center'",
             zh_span=span(cas.zh, "东盟（曼谷）创新中心")),
        Flag(2, "entity.missing", "info", cas.zh, cas.en, "ASEAN (东盟) is not named in the English",
             zh_span=span(cas.zh, "东盟")),
        Flag(1, "entity.mismatch", "warning", links[1].zh, links[1].en,
             "泰国泰空公司 is rendered as Thai Airways International",
             zh_span=span(links[1].zh, "泰国泰空公司"), en_span=span(links[1].en, "Thai Airways International")),
        Flag(4, "omission.zh_only", "warning", links[4].zh, "", "heading has no English counterpart"),
        *extra_flags,
    ]
    timings = {"read": 0.1, "align": 0.2, "checks": 0.05}
    summary = build_summary(zh_doc, en_doc, links, flags, model="test-model", timings=timings)
    return CheckRun(zh_doc, en_doc, links, flags, summary, timings)


def test_span_pieces_cut_overlapping_spans_at_every_boundary():
    text = "中国科学院将在泰国启动东盟（曼谷）创新中心"
    pieces = span_pieces(text, [(5, 11, "tense"), (11, 21, "glossary"), (11, 13, "entity"), (30, 40, "out")])
    assert "".join(p for p, _ in pieces) == text
    assert [(p, set(c)) for p, c in pieces] == [
        ("中国科学院", set()),
        ("将在泰国启动", {"tense"}),
        ("东盟", {"glossary", "entity"}),
        ("（曼谷）创新中心", {"glossary"}),
    ]


def test_mark_spans_escapes_text_and_messages():
    text = 'a <script>alert(1)</script> & <img src=x onerror="alert(2)"> b'
    link = Link(0, (0,), (0,), "中", text, 0.5)
    flag = Flag(0, "number.extra", "error", "中", text, 'message with <b onmouseover="x()">', en_span=(2, 10))
    html = str(mark_spans(text, [flag], "en"))
    assert "<script>" not in html and "<img" not in html and "<b " not in html
    assert "&lt;script&gt;" in html and "&lt;img" in html
    assert html.count("<mark") == 1 and 'class="sev-error"' in html
    assert link.en == text  # the link itself is never altered


def test_write_run_writes_six_files_that_agree(tmp_path):
    run = make_run()
    paths = write_run(run, tmp_path / "out")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(OUTPUT_FILES)
    assert set(paths) == set(OUTPUT_FILES)
    pairs = [json.loads(line) for line in paths["pairs.jsonl"].read_text("utf-8").splitlines()]
    assert [Link.from_json(p) for p in pairs] == [
        dataclasses.replace(link, score=round(link.score, 4)) for link in run.links
    ]
    flags = [Flag.from_json(json.loads(line)) for line in paths["flags.jsonl"].read_text("utf-8").splitlines()]
    assert [f.id for f in flags] == [f.id for f in run.flags]
    summary = json.loads(paths["summary.json"].read_text("utf-8"))
    assert summary["flags"] == len(flags) == 5
    assert summary["by_check"]["tense.mismatch"]["warning"] == 1
    assert summary["by_severity"] == {"error": 1, "warning": 3, "info": 1}
    assert summary["links"] == len(pairs) and summary["link_types"] == {"1-1": 4, "1-0": 1}
    assert set(summary["timings"]) >= {"read", "align", "checks", "report"}
    # no staging folder left beside the output
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_failed_write_leaves_previous_report_untouched(tmp_path):
    out = tmp_path / "out"
    write_run(make_run(), out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    # a flag pointing at a link that does not exist: the workbook cannot place it
    orphan = Flag(99, "number.missing", "error", "九十九", "", "no such link")
    broken = make_run(extra_flags=[orphan])
    with pytest.raises(KeyError):
        write_run(broken, out)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert [p.name for p in tmp_path.iterdir()] == ["out"]
    with pytest.raises(KeyError):
        write_run(broken, tmp_path / "fresh")
    assert not (tmp_path / "fresh").exists()


def test_tmx_reads_back_through_translate_toolkit(tmp_path):
    from translate.storage.tmx import tmxfile

    run = make_run()
    path = tmp_path / "pairs.tmx"
    assert write_tmx(run.links, path) == 4  # the heading has no English: not a translation unit
    with open(path, "rb") as fh:
        store = tmxfile(fh)
    two_sided = [link for link in run.links if link.zh and link.en]
    assert [(u.source, u.target) for u in store.units] == [(link.zh, link.en) for link in two_sided]
    assert store.sourcelanguage == "zh-CN"
    assert [u.getid() for u in store.units] == [str(link.index) for link in two_sided]
    confidences = [
        float(u.xmlelement.find(f"{u.namespaced('prop')}[@type='{CONFIDENCE_PROP}']").text) for u in store.units
    ]
    assert confidences == pytest.approx([link.score for link in two_sided], abs=1e-4)
    langs = {tuv.get("{http://www.w3.org/XML/1998/namespace}lang") for u in store.units for tuv in u.getlanguageNodes()}
    assert langs == {"zh-CN", "en"}
    assert b'<tmx version="1.4">' in path.read_bytes()


def test_xlsx_sheets_are_styled_and_flagged_cells_coloured(tmp_path):
    import pandas as pd
    from openpyxl import load_workbook

    run = make_run()
    paths = write_run(run, tmp_path)
    book = load_workbook(paths["report.xlsx"])
    assert book.sheetnames == ["pairs", "flags", "summary"]
    for ws in book:
        assert ws.freeze_panes == "A2"
        assert ws["A1"].font.bold and ws["A2"].alignment.wrap_text
    pairs = book["pairs"]
    header = [c.value for c in pairs[1]]
    zh_col, en_col = header.index("zh") + 1, header.index("en") + 1
    assert pairs.column_dimensions["E"].width > pairs.column_dimensions["A"].width
    cas_row = next(r for r in range(2, pairs.max_row + 1) if pairs.cell(r, 1).value == 2)
    # CAS row: worst flag is an error with a zh span; the en span is the tense warning
    assert pairs.cell(cas_row, zh_col).fill.start_color.rgb.endswith(SEVERITY_FILLS["error"])
    assert pairs.cell(cas_row, en_col).fill.start_color.rgb.endswith(SEVERITY_FILLS["warning"])
    clean_row = next(r for r in range(2, pairs.max_row + 1) if pairs.cell(r, 1).value == 0)
    assert pairs.cell(clean_row, zh_col).fill.fill_type is None
    frames = pd.read_excel(paths["report.xlsx"], sheet_name=None)
    assert len(frames["pairs"]) == len(run.links) and len(frames["flags"]) == len(run.flags)
    assert sorted(frames["flags"]["id"]) == sorted(f.id for f in run.flags)
    summary = frames["summary"]
    assert summary[(summary.section == "flags")]["value"].iloc[0] == len(run.flags)


def test_html_escapes_document_text_and_messages(tmp_path):
    payload_zh = "<script>alert('zh')</script>中国科学院"
    payload_en = 'CAS <img src=x onerror="alert(1)"> established'
    run = make_run(zh=[*ZH[:4], payload_zh], en=[*EN, payload_en], scores=[*SCORES[:4], 0.4])
    html = write_run(run, tmp_path)["report.html"].read_text("utf-8")
    assert "<script>alert" not in html and "<img" not in html and "onerror=\"" not in html
    assert "&lt;script&gt;alert(" in html and "&lt;img src=x onerror=" in html
    assert html.count('<tr id="link-') == len(run.links)
    assert "http://" not in html.replace("http://www.w3.org/2000/svg", "") and "https://" not in html
