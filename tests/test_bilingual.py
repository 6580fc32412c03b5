"""Bilingual files (XLIFF 1.2/2.0, SDLXLIFF, TMX, PO, XLSX, CSV) checked unit by unit.

The samples in tests/data/ are the seed pair's aligned units written by
scripts/make_samples.py (lxml as a CAT tool writes XLIFF, translate-toolkit's writers for
PO/TMX and its po2xliff converter, openpyxl for XLSX); seed-units.*.txt are the same units
one per line, the presegmented reference."""
from __future__ import annotations

import html
import json
import re
from collections import Counter

import pytest
from lxml import etree

from align.cli import main
from align.errors import InputError
from align.formats import read_bilingual
from tests.conftest import REPO, SEED_GLOSSARY

DATA = REPO / "tests" / "data"
ZH_UNITS = DATA / "seed-units.zh.txt"
EN_UNITS = DATA / "seed-units.en.txt"
SAMPLES = ["seed.xlf", "seed.sdlxliff", "seed.mqxliff", "seed-20.xlf", "seed.po", "seed-po2xliff.xlf", "seed.tmx",
           "seed.xlsx"]
# The formats run through every check (po2xliff's file reads into the very same units above).
CHECKED = ["seed.xlf", "seed.sdlxliff", "seed.mqxliff", "seed-20.xlf", "seed.po", "seed.tmx", "seed.xlsx"]
XSD = DATA / "xsd"  # the OASIS schemas, as published (tests/data/xsd/README.md)
XS = "{http://www.w3.org/2001/XMLSchema}"
BANGKOK = "CAS has established the Innovation Cooperation Center in Bangkok"


def unit_lines() -> tuple[list[str], list[str]]:
    return ZH_UNITS.read_text(encoding="utf-8").splitlines(), EN_UNITS.read_text(encoding="utf-8").splitlines()


@pytest.fixture(scope="module")
def reference(encoder):
    """Flags of the presegmented pair, as (unit number, code) counts; the alignment must be
    the identity for the comparison to mean "same units"."""
    from align.pipeline import run_check

    run = run_check(ZH_UNITS, EN_UNITS, presegmented=True, glossaries=[SEED_GLOSSARY], quiet=True)
    assert all(link.zh_ids == link.en_ids and len(link.zh_ids) == 1 for link in run.links)
    return Counter((run.links[f.link].zh_ids[0], f.check) for f in run.flags)


@pytest.fixture(scope="module")
def bilingual_runs(encoder):
    from align.formats.check import run_bilingual_check

    return {name: run_bilingual_check(DATA / name, glossaries=[SEED_GLOSSARY], quiet=True) for name in CHECKED}


@pytest.mark.parametrize("name", SAMPLES)
def test_units_read_as_the_presegmented_lines(name):
    zh, en = unit_lines()
    bilingual = read_bilingual(DATA / name)
    assert [u.zh.text for u in bilingual.units] == zh
    assert [u.en.text for u in bilingual.units] == en
    assert bilingual.source_lang == "zh" and not bilingual.skipped


@pytest.mark.parametrize("name", SAMPLES)
def test_every_character_maps_back_into_the_file(name):
    """Inline codes (<g>, <x/>, <pc>, <ph/>), entities (&amp;) and PO escapes are not in
    the checked text, yet each character points at itself in the file."""
    bilingual = read_bilingual(DATA / name)
    for unit in bilingual.units:
        for side in (unit.zh, unit.en):
            for ch, (a, b) in zip(side.text, side.spans):
                raw = bilingual.original[a:b]
                assert raw == ch or raw in {"&amp;", "&lt;", "&gt;", '\\"', '""'}, (unit.id, ch, raw)


@pytest.mark.parametrize("name", CHECKED)
def test_same_flags_on_the_same_units_as_presegmented_text(name, reference, bilingual_runs):
    run, bilingual = bilingual_runs[name]
    got = Counter((f.link, f.check) for f in run.flags)
    assert got == reference
    assert all(f.unit == bilingual.units[f.link].id for f in run.flags)
    bangkok = next(i for i, u in enumerate(bilingual.units) if u.en.text.startswith(BANGKOK))
    assert any(f.link == bangkok for f in run.flags), "the CAS Bangkok center unit is flagged"


@pytest.mark.parametrize("name", CHECKED)
def test_flag_file_spans_point_at_the_flagged_text(name, bilingual_runs):
    run, bilingual = bilingual_runs[name]
    checked = 0
    for flag in run.flags:
        for lang, span, fspan in (("zh", flag.zh_span, flag.zh_file_span), ("en", flag.en_span, flag.en_file_span)):
            if span is None or fspan is None:
                continue
            flagged = (flag.zh if lang == "zh" else flag.en)[span[0] : span[1]]
            raw = bilingual.original[fspan.start : fspan.end]
            if name.endswith(("xlf", "xliff", "tmx")):
                codes = re.sub(r"<(bpt|ept|ph|it)\b[^>]*>.*?</\1>", "", raw)  # native code, not text
                plain = html.unescape(re.sub(r"<[^>]+>", "", codes))
            else:  # a PO string continued on the next line, and its escapes
                plain = re.sub(r'"\s*\n\s*"', "", raw).replace('\\"', '"')
            assert " ".join(plain.split()) == " ".join(flagged.split()), (flag.check, raw)
            line = bilingual.original.count("\n", 0, fspan.start) + 1
            assert fspan.line == line
            checked += 1
    assert checked > 10


def test_cli_writes_the_report_and_an_annotated_xliff(tmp_path, capsys, encoder):
    out = tmp_path / "run"
    src = DATA / "seed.xlf"
    before = src.read_bytes()
    assert main(["check", str(src), "--out", str(out), "-g", str(SEED_GLOSSARY), "-q"]) == 0, capsys.readouterr()
    assert src.read_bytes() == before
    flags = [json.loads(line) for line in (out / "flags.jsonl").read_text(encoding="utf-8").splitlines()]
    assert flags and all(f["unit"].startswith("u") for f in flags)
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["bilingual"]["format"] == "xliff-1.2" and summary["bilingual"]["units"] == 54
    # the annotated copy opens in translate-toolkit with every note on its unit
    from translate.storage import xliff

    store = xliff.xlifffile(open(out / "seed.xlf", "rb").read())
    notes = {u.xmlelement.get("id"): u.getnotes() for u in store.units}
    for flag in flags:
        assert flag["id"] in notes[flag["unit"]], flag
    written = etree.parse(str(out / "seed.xlf")).xpath("//*[local-name()='note'][@from='align']")
    assert len(written) == len(flags)
    assert "report" in (out / "report.html").read_text(encoding="utf-8")


def test_html_and_xlsx_cite_the_unit_of_every_flag_also_without_a_span(tmp_path, bilingual_runs):
    import pandas as pd

    from align.report import write_run

    run, bilingual = bilingual_runs["seed.xlf"]
    write_run(run, tmp_path, bilingual=bilingual)
    spanless = [f for f in run.flags if f.position is None]
    assert spanless, "the seed file has flags with no span (adequacy.score)"
    page = etree.HTML((tmp_path / "report.html").read_text(encoding="utf-8"))
    for flag in run.flags:
        items = page.xpath(f"//li[@data-flag='{flag.id}']")
        assert items and all(f"unit {flag.unit}" in "".join(item.itertext()) for item in items), flag
    sheet = pd.read_excel(tmp_path / "report.xlsx", sheet_name="flags", keep_default_na=False, dtype=str)
    assert sorted(zip(sheet["id"], sheet["unit"])) == sorted((f.id, f.unit) for f in run.flags)


class _LocalSchemas(etree.Resolver):
    """The W3C schema of the xml: namespace that the XLIFF schemas import, read from
    tests/data/xsd/ instead of the network."""

    def resolve(self, url, pubid, context):
        if url.endswith("/2001/xml.xsd"):
            return self.resolve_filename(str(XSD / "informativeCopiesOf3rdPartySchemas" / "w3c" / "xml.xsd"), context)
        return None


def xliff_schema(name: str, lax_extensions: bool = False) -> etree.XMLSchema:
    """An OASIS XLIFF schema; ``lax_extensions`` validates a CAT tool's own namespace (sdl:,
    mq:), which has no schema here, laxly, as OASIS's transitional 1.2 schema does; every
    XLIFF element and its order is still checked."""
    parser = etree.XMLParser(no_network=True)
    parser.resolvers.add(_LocalSchemas())
    document = etree.parse(str(XSD / name), parser)
    if lax_extensions:
        for wildcard in document.iter(f"{XS}any", f"{XS}anyAttribute"):
            if wildcard.get("namespace") == "##other":
                wildcard.set("processContents", "lax")
    return etree.XMLSchema(document)


@pytest.mark.parametrize("name, schema, lax", [
    ("seed.xlf", "xliff-core-1.2-strict.xsd", False),
    ("seed.sdlxliff", "xliff-core-1.2-strict.xsd", True),
    ("seed.mqxliff", "xliff-core-1.2-strict.xsd", True),
    ("seed-20.xlf", "xliff_core_2.0.xsd", False),
])
def test_annotated_xliff_validates_against_the_oasis_schema(name, schema, lax, tmp_path, bilingual_runs):
    from align.report import write_run

    validator = xliff_schema(schema, lax)
    assert validator.validate(etree.parse(str(DATA / name))), validator.error_log  # the sample itself
    run, bilingual = bilingual_runs[name]
    write_run(run, tmp_path, bilingual=bilingual)
    annotated = etree.parse(str(tmp_path / name))
    assert validator.validate(annotated), validator.error_log
    notes = annotated.xpath("//*[local-name()='note'][@from='align' or @category='align']")
    assert len(notes) == len(run.flags) > 0


@pytest.mark.parametrize("name", ["seed.sdlxliff", "seed.mqxliff"])
def test_cat_dialect_notes_open_in_translate_toolkit_on_their_units(name, tmp_path, bilingual_runs):
    from translate.storage import xliff

    from align.report import write_run

    run, bilingual = bilingual_runs[name]
    write_run(run, tmp_path, bilingual=bilingual)
    store = xliff.xlifffile((tmp_path / name).read_bytes())
    notes = {u.xmlelement.get("id"): u.getnotes() for u in store.units}
    for flag in run.flags:
        assert flag.id in notes[flag.unit.split("#")[0]], flag


def test_annotated_xliff_20_notes_on_the_right_units(tmp_path, bilingual_runs):
    from translate.storage import xliff2

    from align.report import write_run

    run, bilingual = bilingual_runs["seed-20.xlf"]
    write_run(run, tmp_path, bilingual=bilingual)
    tree = etree.parse(str(tmp_path / "seed-20.xlf"))
    ns = {"x": "urn:oasis:names:tc:xliff:document:2.0"}
    for flag in run.flags:
        unit = tree.xpath(f"//x:unit[@id='{flag.unit}']", namespaces=ns)[0]
        children = [etree.QName(c).localname for c in unit]
        assert children.index("notes") < children.index("segment")  # the spec's order
        assert any(flag.id in n.text for n in unit.xpath("x:notes/x:note", namespaces=ns))
    # translate-toolkit opens it; its units are the segments, whose parent <unit> holds the notes
    store = xliff2.Xliff2File.parsestring((tmp_path / "seed-20.xlf").read_bytes())
    assert [u.getid().split("::")[0] for u in store.units] == [u.id for u in bilingual.units]
    texts = {u.getid().split("::")[0]: " ".join(u.xmlelement.getparent().itertext()) for u in store.units}
    assert all(flag.id in texts[flag.unit] for flag in run.flags)


def test_untranslated_and_empty_targets_are_left_out_and_reported(tmp_path):
    path = tmp_path / "part.xlf"
    path.write_text(
        '<?xml version="1.0"?>\n<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">'
        '<file source-language="en" target-language="zh-CN" datatype="plaintext" original="x"><body>\n'
        '<trans-unit id="a"><source>The center opened in 2019.</source><target>中心于2019年开放。</target></trans-unit>\n'
        '<trans-unit id="b"><source>Nobody translated this.</source></trans-unit>\n'
        '<trans-unit id="c"><source>Empty one.</source><target/></trans-unit>\n'
        '<trans-unit id="d" translate="no"><source>CAS</source></trans-unit>\n'
        "</body></file></xliff>\n",
        encoding="utf-8",
    )
    bilingual = read_bilingual(path)
    assert bilingual.source_lang == "en"  # en→zh file: the source is the English side
    assert [u.id for u in bilingual.units] == ["a"] and bilingual.units[0].zh.text == "中心于2019年开放。"
    assert {s["unit"]: s["reason"] for s in bilingual.skipped} == {
        "b": "untranslated (no target)", "c": "empty target", "d": "translate=no"}


def test_csv_with_named_columns_and_quotes(tmp_path):
    path = tmp_path / "pairs.csv"
    path.write_text('\ufeffKey,English,中文\nk1,"He said ""yes"".",他说“是”。\nk2,Second.,\n', encoding="utf-8")
    bilingual = read_bilingual(path)
    assert bilingual.source_lang == "en"
    [unit] = bilingual.units
    assert unit.id == "k1" and unit.en.text == 'He said "yes".' and unit.line == 2
    assert bilingual.original[unit.en.spans[8][0] : unit.en.spans[8][1]] == '""'
    assert bilingual.skipped == [{"unit": "k2", "reason": "empty target"}]


BAD_FILES = {
    "not-xml.xlf": (b"this is not XML <xliff", "not well-formed XML"),
    "no-target.xlf": (
        b'<?xml version="1.0"?><xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">'
        b'<file source-language="zh-CN" datatype="plaintext" original="x"><body>'
        b'<trans-unit id="1"><source>\xe4\xb8\xad</source></trans-unit></body></file></xliff>',
        "no target language",
    ),
    "no-target-20.xlf": (
        b'<?xml version="1.0"?><xliff version="2.0" xmlns="urn:oasis:names:tc:xliff:document:2.0" srcLang="zh-CN">'
        b'<file id="f"><unit id="u"><segment><source>\xe4\xb8\xad</source></segment></unit></file></xliff>',
        "no target language",
    ),
    "one-lang.tmx": (
        b'<?xml version="1.0"?><tmx version="1.4"><header srclang="en" adminlang="en" segtype="sentence" '
        b'datatype="plaintext" o-tmf="x" creationtool="x" creationtoolversion="1"/><body>'
        b'<tu><tuv xml:lang="en"><seg>Hello.</seg></tuv></tu></body></tmx>',
        "TMX with one language",
    ),
    "fr.xlf": (
        b'<?xml version="1.0"?><xliff version="2.0" xmlns="urn:oasis:names:tc:xliff:document:2.0" srcLang="fr" '
        b'trgLang="de"><file id="f"><unit id="u"><segment><source>Oui.</source><target>Ja.</target></segment>'
        b"</unit></file></xliff>",
        "Chinese↔English files only",
    ),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_files_one_line_exit_2_nothing_written(name, tmp_path, capsys):
    data, problem = BAD_FILES[name]
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(InputError, match=problem):
        read_bilingual(path)
    out = tmp_path / "out"
    assert main(["check", str(path), "--out", str(out), "-q"]) == 2
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and str(path) in lines[0] and problem in lines[0], err
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == [name]
