"""Build the translators'-file samples in tests/data/ from the seed pair.

The seed pair (seeds/003 zh, seeds/000 en) is aligned once with `align`; every two-sided
link becomes one unit (id ``u<N>``). The same units are then written as

* ``seed-units.zh.txt`` / ``seed-units.en.txt``: one unit per line (the presegmented reference);
* ``seed.xlf``: XLIFF 1.2 written with lxml as a CAT tool does, with inline codes (``<g>``
  around the first Latin name, ``<x/>`` before the final stop) that the reader must remove;
* ``seed.sdlxliff``: the SDLXLIFF dialect (``<seg-source>``/``<mrk mtype="seg">``, the sdl
  namespace), zh→en like the others;
* ``seed.mqxliff``: memoQ's MQXLIFF (XLIFF 1.2 with the ``MQXliff`` namespace, ``mq:status`` /
  ``mq:segmentguid`` on each unit, ``xml:space="preserve"``, memoQ's inline codes: ``<bpt>``/
  ``<ept>`` around the first Latin name, an escaped ``mq:rxt`` tag in a ``<ph>`` before the stop);
* ``seed-20.xlf``: XLIFF 2.0 written by hand from the OASIS spec (``<pc>``/``<ph/>``);
* ``seed.po``: Gettext PO from translate-toolkit's ``pypo``, and ``seed-po2xliff.xlf``
  converted from it by translate-toolkit's own ``po2xliff`` (an independent writer);
* ``seed.tmx``: TMX 1.4 from translate-toolkit's ``tmxfile``;
* ``seed.xlsx``: a bilingual table (id, zh, en) written with openpyxl;
* ``seed-en.pdf`` / ``seed-zh.pdf``: the seed texts as PDFs (fpdf2) with wrapped lines, a
  running header and page numbers.

Run: ``python scripts/make_samples.py`` (needs the default model; takes about a minute), or
``python scripts/make_samples.py --from-units`` to rewrite the files from the shipped
``seed-units.*.txt`` without aligning again.
"""
from __future__ import annotations

import datetime
import io
import re
import sys
from pathlib import Path

from lxml import etree

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "tests" / "data"
ZH_SEED = REPO / "seeds" / "003_61e2e90163225e43.txt"
EN_SEED = REPO / "seeds" / "000_1deec09b464cf72e.txt"
XLIFF12 = "urn:oasis:names:tc:xliff:document:1.2"
XLIFF20 = "urn:oasis:names:tc:xliff:document:2.0"
SDL = "http://sdl.com/FileTypes/SdlXliff/1.0"
MQ = "MQXliff"  # memoQ's namespace name, as memoQ writes it (not a URI)
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
FORUM = datetime.datetime(2019, 4, 25, tzinfo=datetime.timezone.utc)  # every sample's date: bytes that repeat
LATIN_NAME = re.compile(r"\b[A-Z][A-Za-z&]+(?: [A-Z][A-Za-z&]+)*")


def seed_units() -> list[tuple[str, str, str]]:
    """(id, zh, en) of every two-sided link of the seed pair."""
    from align.pipeline import run_check

    run = run_check(ZH_SEED, EN_SEED, quiet=True)
    units = []
    for link in run.links:
        zh, en = " ".join(link.zh.split()), " ".join(link.en.split())
        if zh and en:
            units.append((f"u{len(units) + 1}", zh, en))
    return units


def _xml(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _tagged(parent: etree._Element, text: str, wrap: str, empty: str, ns: str) -> None:
    """``text`` into ``parent`` with the first Latin name wrapped in ``wrap`` and an ``empty``
    code before a closing stop: inline markup a reader must see through."""
    m = LATIN_NAME.search(text)
    stop = text[-1] in ".。" and len(text) > 1
    body, tail = (text[:-1], text[-1]) if stop else (text, "")
    if m and m.end() <= len(body):
        parent.text = body[: m.start()]
        g = etree.SubElement(parent, f"{{{ns}}}{wrap}", id="1")
        g.text = body[m.start() : m.end()]
        g.tail = body[m.end() :]
        last = g
    else:
        parent.text = body
        last = None
    if stop:
        x = etree.SubElement(parent, f"{{{ns}}}{empty}", id="2")
        x.tail = tail
    elif last is None:
        parent.text = text


def xliff12(units) -> bytes:
    root = etree.Element(f"{{{XLIFF12}}}xliff", nsmap={None: XLIFF12}, version="1.2")
    file_el = etree.SubElement(root, f"{{{XLIFF12}}}file", original="003_61e2e90163225e43.txt",
                               datatype="plaintext", **{"source-language": "zh-CN", "target-language": "en-US"})
    body = etree.SubElement(file_el, f"{{{XLIFF12}}}body")
    for uid, zh, en in units:
        tu = etree.SubElement(body, f"{{{XLIFF12}}}trans-unit", id=uid)
        etree.SubElement(tu, f"{{{XLIFF12}}}source").text = zh
        _tagged(etree.SubElement(tu, f"{{{XLIFF12}}}target", state="translated"), en, "g", "x", XLIFF12)
    return _xml(root)


def sdlxliff(units) -> bytes:
    root = etree.Element(f"{{{XLIFF12}}}xliff", nsmap={None: XLIFF12, "sdl": SDL}, version="1.2")
    root.set(f"{{{SDL}}}version", "1.0")
    file_el = etree.SubElement(root, f"{{{XLIFF12}}}file", original="003_61e2e90163225e43.txt",
                               datatype="x-sdlfilterframework2",
                               **{"source-language": "zh-CN", "target-language": "en-US"})
    body = etree.SubElement(file_el, f"{{{XLIFF12}}}body")
    for number, (uid, zh, en) in enumerate(units, 1):
        tu = etree.SubElement(body, f"{{{XLIFF12}}}trans-unit", id=f"{uid}-tu")
        etree.SubElement(tu, f"{{{XLIFF12}}}source").text = zh
        seg_source = etree.SubElement(tu, f"{{{XLIFF12}}}seg-source")
        etree.SubElement(seg_source, f"{{{XLIFF12}}}mrk", mtype="seg", mid=str(number)).text = zh
        target = etree.SubElement(tu, f"{{{XLIFF12}}}target")
        _tagged(etree.SubElement(target, f"{{{XLIFF12}}}mrk", mtype="seg", mid=str(number)), en, "g", "x", XLIFF12)
        segs = etree.SubElement(tu, f"{{{SDL}}}seg-defs")
        etree.SubElement(segs, f"{{{SDL}}}seg", id=str(number), conf="Translated")
    return _xml(root)


def mqxliff(units) -> bytes:
    """The units as memoQ exports a bilingual MQXLIFF: confirmed segments, memoQ's codes."""
    import uuid

    root = etree.Element(f"{{{XLIFF12}}}xliff", nsmap={None: XLIFF12, "mq": MQ}, version="1.2")
    file_el = etree.SubElement(root, f"{{{XLIFF12}}}file", original="003_61e2e90163225e43.txt", datatype="plaintext",
                               **{"source-language": "zh-cn", "target-language": "en-us"})
    header = etree.SubElement(file_el, f"{{{XLIFF12}}}header")
    etree.SubElement(header, f"{{{XLIFF12}}}tool", **{"tool-id": "MQ", "tool-name": "MemoQ", "tool-version": "10.0"})
    body = etree.SubElement(file_el, f"{{{XLIFF12}}}body")
    for number, (uid, zh, en) in enumerate(units, 1):
        guid = uuid.uuid5(uuid.NAMESPACE_URL, f"align:seed:{uid}")
        tu = etree.SubElement(body, f"{{{XLIFF12}}}trans-unit", id=str(number))
        tu.set(f"{{{MQ}}}status", "ManuallyConfirmed")
        tu.set(f"{{{MQ}}}segmentguid", str(guid))
        tu.set(f"{{{MQ}}}percent", "0")
        source = etree.SubElement(tu, f"{{{XLIFF12}}}source")
        source.set(XML_SPACE, "preserve")
        source.text = zh
        target = etree.SubElement(tu, f"{{{XLIFF12}}}target")
        target.set(XML_SPACE, "preserve")
        _memoq_codes(target, en)
    return _xml(root)


def _memoq_codes(target: etree._Element, text: str) -> None:
    """memoQ's inline codes: a bold run as ``<bpt>``/``<ept>`` pairs holding ``{}``, and an
    inline tag as a ``<ph>`` holding the escaped ``<mq:rxt>`` memoQ stores for it."""
    _tagged(target, text, "g", "x", XLIFF12)
    for code in list(target):
        tail = code.tail
        if etree.QName(code).localname == "g":
            bpt = etree.Element(f"{{{XLIFF12}}}bpt", id="1", ctype="bold")
            bpt.text = "{}"
            bpt.tail = code.text
            ept = etree.Element(f"{{{XLIFF12}}}ept", id="1")
            ept.text = "{}"
            ept.tail = tail
            code.addprevious(bpt)
            code.addprevious(ept)
        else:
            ph = etree.Element(f"{{{XLIFF12}}}ph", id="2")
            ph.text = '<mq:rxt displaytext="fn" val="&lt;fn/&gt;"/>'
            ph.tail = tail
            code.addprevious(ph)
        target.remove(code)


def xliff20(units) -> bytes:
    root = etree.Element(f"{{{XLIFF20}}}xliff", nsmap={None: XLIFF20}, version="2.0", srcLang="zh-CN", trgLang="en")
    file_el = etree.SubElement(root, f"{{{XLIFF20}}}file", id="f1", original="003_61e2e90163225e43.txt")
    for uid, zh, en in units:
        unit = etree.SubElement(file_el, f"{{{XLIFF20}}}unit", id=uid)
        segment = etree.SubElement(unit, f"{{{XLIFF20}}}segment", id="s1", state="translated")
        etree.SubElement(segment, f"{{{XLIFF20}}}source").text = zh
        _tagged(etree.SubElement(segment, f"{{{XLIFF20}}}target"), en, "pc", "ph", XLIFF20)
    return _xml(root)


def gettext(units) -> bytes:
    from translate.storage import pypo

    store = pypo.pofile()
    store.updateheader(add=True, Language="en", X_Source_Language="zh_CN",
                       POT_Creation_Date=f"{FORUM:%Y-%m-%d %H:%M}+0000")
    for uid, zh, en in units:
        unit = store.addsourceunit(zh)
        unit.target = en
        unit.setcontext(uid)
    return bytes(store)


def po2xliff(po: bytes) -> bytes:
    from translate.convert.po2xliff import po2xliff as convertor
    from translate.storage import po as postore

    return convertor().convertstore(postore.pofile(io.BytesIO(po)), sourcelanguage="zh-CN", targetlanguage="en")


def tmx(units) -> bytes:
    from translate.storage import tmx as tmxstore

    store = tmxstore.tmxfile(sourcelanguage="zh-CN")
    store.settargetlanguage("en-US")
    for uid, zh, en in units:
        store.addtranslation(zh, "zh-CN", en, "en-US")
        store.units[-1].xmlelement.set("tuid", uid)
    return bytes(store)


def xlsx(units) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "seed"
    sheet.append(["id", "zh", "en"])
    for row in units:
        sheet.append(list(row))
    book.properties.created = book.properties.modified = FORUM.replace(tzinfo=None)
    out = io.BytesIO()
    book.save(out)
    return _dated_zip(out.getvalue())


def _dated_zip(data: bytes) -> bytes:
    """The workbook with every member, and the "modified" date openpyxl sets on saving,
    stamped with the forum's date, so the bytes repeat."""
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            member = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                stamp = f"{FORUM:%Y-%m-%dT%H:%M:%SZ}".encode()
                member = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + stamp, member)
            target.writestr(zipfile.ZipInfo(info.filename, FORUM.timetuple()[:6]), member)
    return out.getvalue()


CJK_FONT = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")  # Debian fonts-wqy-zenhei (TrueType outlines)
RUNNING_HEADER = "Silk Road of Innovation · Thematic Forum Report 2019"
ZH_RUNNING_HEADER = "聚焦“一带一路”国际科技合作发展 · 2019"


LATIN_FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")  # Debian fonts-dejavu-core


def pdf(seed: Path, header: str, lang: str) -> bytes:
    """The seed's paragraphs (as the cleaner rebuilds them) typeset on A4 by fpdf2: lines
    wrapped at the page width, a blank gap between paragraphs, a running header and a page
    number on every page."""
    from fpdf import FPDF

    from align.text.clean import clean_paragraphs
    from align.text.ingest import read_text

    class Report(FPDF):
        def header(self) -> None:
            self.set_font("cjk", size=8)
            self.cell(0, 6, header, align="C")
            self.ln(10)

        def footer(self) -> None:
            self.set_y(-12)
            self.set_font("cjk", size=8)
            self.cell(0, 6, str(self.page_no()), align="C")

    doc = Report(format="A4")
    doc.set_creator("align scripts/make_samples.py (fpdf2)")
    doc.set_creation_date(FORUM)  # reproducible bytes
    # Chinese wraps at any character, as CJK typesetting does; English at spaces.
    if lang == "zh":
        doc.add_font("cjk", fname=str(CJK_FONT), collection_font_number=0)
    else:
        doc.add_font("cjk", fname=str(LATIN_FONT))
    doc.set_auto_page_break(True, margin=18)
    doc.add_page()
    text, _ = read_text(seed)
    for paragraph in clean_paragraphs(text):
        doc.set_font("cjk", size=10.5)
        doc.multi_cell(0, 6, paragraph.text, wrapmode="CHAR" if lang == "zh" else "WORD")
        doc.ln(4)
    return bytes(doc.output())


def shipped_units() -> list[tuple[str, str, str]]:
    """(id, zh, en) of the units in tests/data/seed-units.*.txt."""
    zh = (DATA / "seed-units.zh.txt").read_text(encoding="utf-8").splitlines()
    en = (DATA / "seed-units.en.txt").read_text(encoding="utf-8").splitlines()
    return [(f"u{i}", z, e) for i, (z, e) in enumerate(zip(zh, en), 1)]


def main(argv: list[str]) -> int:
    sys.path.insert(0, str(REPO))
    DATA.mkdir(parents=True, exist_ok=True)
    if "--from-units" in argv:
        units = shipped_units()
    else:
        units = seed_units()
        (DATA / "seed-units.zh.txt").write_text("".join(zh + "\n" for _, zh, _ in units), encoding="utf-8")
        (DATA / "seed-units.en.txt").write_text("".join(en + "\n" for _, _, en in units), encoding="utf-8")
    po = gettext(units)
    outputs = {
        "seed.xlf": xliff12(units),
        "seed.sdlxliff": sdlxliff(units),
        "seed.mqxliff": mqxliff(units),
        "seed-20.xlf": xliff20(units),
        "seed.po": po,
        "seed-po2xliff.xlf": po2xliff(po),
        "seed.tmx": tmx(units),
        "seed.xlsx": xlsx(units),
        "seed-en.pdf": pdf(EN_SEED, RUNNING_HEADER, "en"),
        "seed-zh.pdf": pdf(ZH_SEED, ZH_RUNNING_HEADER, "zh"),
    }
    for name, data in outputs.items():
        (DATA / name).write_bytes(data)
    print(f"{len(units)} units → {', '.join(outputs)} in {DATA}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
