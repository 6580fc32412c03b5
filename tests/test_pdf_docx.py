"""PDF input (pdfplumber) and Word tables / text boxes, in document order.

tests/data/seed-en.pdf and seed-zh.pdf are the seed texts typeset by fpdf2
(scripts/make_samples.py): wrapped lines, a running header and a page number on each page."""
from __future__ import annotations

import docx
import pdfplumber
import pytest
from lxml import etree

from align.cli import main
from align.errors import InputError
from align.text.ingest import read_text
from align.text.pdf import page_of
from align.text.segment import load_document
from tests.conftest import EN_SEED, REPO, ZH_SEED

DATA = REPO / "tests" / "data"
PDFS = [(DATA / "seed-en.pdf", EN_SEED, "en", "Silk Road of Innovation · Thematic Forum Report 2019"),
        (DATA / "seed-zh.pdf", ZH_SEED, "zh", "聚焦“一带一路”国际科技合作发展 · 2019")]


@pytest.mark.parametrize("pdf, txt, lang, header", PDFS, ids=["en", "zh"])
def test_pdf_segments_into_the_seed_sentences_without_the_running_header(pdf, txt, lang, header):
    from_pdf = load_document(pdf, lang)
    from_txt = load_document(txt, lang)
    assert ["".join(s.text.split()) for s in from_pdf.segments] == ["".join(s.text.split()) for s in from_txt.segments]
    with pdfplumber.open(pdf) as document:
        pages = len(document.pages)
        first_lines = [page.extract_text_lines()[0]["text"] for page in document.pages]
    assert pages > 1 and all(line == header for line in first_lines)  # the header is in the PDF…
    assert header not in from_pdf.original  # …and gone from the text
    lines = from_pdf.original.split("\n")
    assert not [line for line in lines if line.strip().isdigit()]  # page numbers gone
    assert from_pdf.original.count("\f") == pages - 1


@pytest.mark.parametrize("pdf, txt, lang, header", PDFS, ids=["en", "zh"])
def test_pdf_offsets_map_back_to_page_and_position(pdf, txt, lang, header):
    doc = load_document(pdf, lang)
    with pdfplumber.open(pdf) as document:
        page_texts = ["".join(page.extract_text().split()) for page in document.pages]
    for segment in doc.segments:
        a, b = segment.file_span(0, len(segment.text))
        first, last = page_of(doc.original, a), page_of(doc.original, b - 1)
        head = "".join(segment.text.split())[:6]
        assert head in page_texts[first - 1], (segment.text, first)
        span = doc.file_span(a, b)
        assert span.page == first and last >= first
        assert "".join(doc.original[a:b].split()) == "".join(segment.text.split())


def test_a_pdf_pair_runs_through_align_check(tmp_path, capsys, encoder):
    import json

    out = tmp_path / "run"
    assert main(["check", str(DATA / "seed-zh.pdf"), str(DATA / "seed-en.pdf"), "--out", str(out), "-q"]) == 0
    flags = [json.loads(line) for line in (out / "flags.jsonl").read_text(encoding="utf-8").splitlines()]
    pages = {f["en_file_span"]["page"] for f in flags if f.get("en_file_span")}
    assert pages and pages <= {1, 2, 3, 4} and len(pages) > 1


def _encrypted_pdf(path):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_encryption(owner_password="owner", user_password="secret")
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(0, 10, "Secret report.")
    pdf.output(str(path))


def _image_only_pdf(path):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_fill_color(120, 120, 120)
    pdf.rect(20, 20, 100, 60, style="F")  # a drawing, no text layer
    pdf.output(str(path))


@pytest.mark.parametrize("make, problem", [(_encrypted_pdf, "encrypted PDF"), (_image_only_pdf, "no text layer")],
                         ids=["encrypted", "image-only"])
def test_bad_pdfs_one_line_exit_2_nothing_written(make, problem, tmp_path, capsys):
    bad = tmp_path / "bad.pdf"
    make(bad)
    with pytest.raises(InputError, match=problem):
        read_text(bad)
    out = tmp_path / "out"
    assert main(["check", str(bad), str(EN_SEED), "--out", str(out), "-q"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and str(bad) in err[0] and problem in err[0]
    assert not out.exists()


W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
TEXT_BOX = (
    f'<w:r xmlns:w="{W}" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:v="urn:schemas-microsoft-com:vml">'
    "<mc:AlternateContent><mc:Choice Requires=\"wps\"><w:drawing><wps:wsp><wps:txbx><w:txbxContent>"
    "<w:p><w:r><w:t>中国科学院在曼谷建立了创新合作中心。</w:t></w:r></w:p>"
    "</w:txbxContent></wps:txbx></wps:wsp></w:drawing></mc:Choice>"
    "<mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent>"
    "<w:p><w:r><w:t>中国科学院在曼谷建立了创新合作中心。</w:t></w:r></w:p>"
    "</w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>"
)


def test_docx_tables_and_text_boxes_in_document_order(tmp_path):
    document = docx.Document()
    document.add_paragraph("第一段在表格之前。")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "表格第一格。"
    table.cell(0, 1).text = "表格第二格。"
    merged = table.cell(1, 0).merge(table.cell(1, 1))
    merged.text = "合并的单元格。"
    anchor = document.add_paragraph("文本框之前的段落。")
    anchor._p.append(etree.fromstring(TEXT_BOX))
    document.add_paragraph("最后一段。")
    path = tmp_path / "report.docx"
    document.save(path)
    text, encoding = read_text(path)
    assert encoding == "docx"
    assert text.split("\n") == ["第一段在表格之前。", "表格第一格。", "表格第二格。", "合并的单元格。",
                                "文本框之前的段落。", "中国科学院在曼谷建立了创新合作中心。", "最后一段。"]
    segments = load_document(path, "zh").segments
    assert [s.text for s in segments][-2:] == ["中国科学院在曼谷建立了创新合作中心。", "最后一段。"]
    for s in segments:
        assert text[s.start : s.end] == s.text
