"""Glossary files: CSV and TBX, round trips, bad files, several glossaries, append_entry,
and the seed glossary checked against the seed texts."""
from __future__ import annotations

import codecs
import re

import pytest
from conftest import SEED_GLOSSARY, SEEDS

from align.errors import InputError
from align.glossary.files import (
    append_entry,
    csv_text,
    load_glossaries,
    read_csv,
    read_glossary,
    read_tbx,
    write_csv,
    write_tbx,
)
from align.glossary.termbase import GlossaryEntry, find_problems

HEADER = "zh,en,variants,forbidden,case_sensitive,note\n"


def test_seed_csv_tbx_csv_round_trip_is_exact(tmp_path):
    entries = read_csv(SEED_GLOSSARY)
    write_tbx(entries, tmp_path / "seed.tbx")
    back = read_tbx(tmp_path / "seed.tbx")
    assert back == entries
    write_csv(back, tmp_path / "seed.csv")
    assert (tmp_path / "seed.csv").read_bytes() == codecs.BOM_UTF8 + SEED_GLOSSARY.read_bytes()  # Excel's mark


def test_shipped_seed_tbx_matches_the_csv():
    assert read_tbx(SEED_GLOSSARY.with_suffix(".tbx")) == read_csv(SEED_GLOSSARY)


def test_tbx_v2_martif_from_other_tools_is_read(tmp_path):
    path = tmp_path / "v2.tbx"
    path.write_text(
        """<?xml version="1.0" encoding="UTF-8"?>
<martif type="TBX-Basic" xml:lang="en"><text><body>
<termEntry id="c1"><note>from a CAT tool</note>
 <langSet xml:lang="zh-CN"><tig><term>科技部</term></tig></langSet>
 <langSet xml:lang="en-US">
  <tig><term>Ministry of Science and Technology</term>
       <termNote type="administrativeStatus">preferredTerm-admn-sts</termNote></tig>
  <ntig><termGrp><term>MOST</term></termGrp></ntig>
  <tig><term>Science Ministry</term>
       <termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote></tig>
 </langSet></termEntry></body></text></martif>""",
        encoding="utf-8",
    )
    [entry] = read_tbx(path)
    assert (entry.id, entry.zh, entry.en, entry.variants, entry.forbidden, entry.note) == (
        "c1", "科技部", "Ministry of Science and Technology", ("MOST",), ("Science Ministry",), "from a CAT tool")


def test_csv_with_only_the_guide_columns_gets_stable_ids(tmp_path):
    path = tmp_path / "g.csv"
    path.write_text(HEADER + "科技部,Ministry of Science and Technology,MOST| most ,,TRUE,n\n", encoding="utf-8")
    [entry] = read_csv(path)
    assert entry.variants == ("MOST", "most") and entry.case_sensitive and entry.status == "approved"
    assert entry.id == read_csv(path)[0].id and entry.source == f"{path}:2"


@pytest.mark.parametrize("content, line, problem", [
    ("zh,english,note\n科技部,MOST,\n", 1, "missing column(s) en; unknown column(s) english"),
    (HEADER + "科技部,MOST,,,false,\n,Ministry,,,false,\n", 3, "empty zh term"),
    (HEADER + "科技部,MOST,,,maybe,\n", 2, "case_sensitive must be true or false"),
    (HEADER + "科技部,MOST,,,false\n", 2, "expected 6 fields, found 5"),
    ("zh,en,id\n科技部,MOST,a\n中国科学院,CAS,a\n", 3, "duplicate id 'a' (first on line 2)"),
    ("zh,en,status\n科技部,MOST,maybe\n", 2, "status must be one of"),
    ("", 1, "empty glossary"),
])
def test_bad_csv_one_line_error_with_file_and_line(tmp_path, content, line, problem):
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_glossary(path)
    assert err.value.line == line and err.value.path == str(path)
    assert problem in str(err.value) and "\n" not in str(err.value)


def test_non_utf8_glossary_names_the_line(tmp_path):
    path = tmp_path / "gbk.csv"
    path.write_bytes((HEADER + "科技部,MOST,,,false,\n").encode("gbk"))
    with pytest.raises(InputError, match=r"gbk\.csv:2: not UTF-8"):
        read_glossary(path)


@pytest.mark.parametrize("content, line, problem", [
    ("<tbx><text><body><conceptEntry id='a'>\n<langSec xml:lang='zh'>", 2, "not well-formed XML"),
    ("<html/>", 1, "not a TBX file"),
    ("<tbx><text><body>\n<conceptEntry id='a'><langSec xml:lang='en'><termSec><term>x</term></termSec></langSec>"
     "</conceptEntry></body></text></tbx>", 2, "no Chinese (zh) term"),
    ("<tbx><text><body>\n" + "<conceptEntry id='a'><langSec xml:lang='zh'><termSec><term>科</term></termSec></langSec>"
     "<langSec xml:lang='en'><termSec><term>x</term></termSec></langSec></conceptEntry>\n" * 2 + "</body></text></tbx>",
     3, "duplicate id 'a' (first on line 2)"),
])
def test_bad_tbx_one_line_error_with_file_and_line(tmp_path, content, line, problem):
    path = tmp_path / "bad.tbx"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_glossary(path)
    assert err.value.line == line and problem in str(err.value)


def test_conflicts_between_glossaries_are_reported_not_merged(tmp_path):
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_text(HEADER + "科技部,Ministry of Science and Technology,MOST,,false,\n", encoding="utf-8")
    b.write_text(HEADER + "科技部,Science Ministry,,,false,\n中国科学院,Chinese Academy of Sciences,,MOST,false,\n",
                 encoding="utf-8")
    glossary = load_glossaries([a, b])
    assert len(glossary.entries) == 3
    kinds = sorted(p.kind for p in glossary.conflicts)
    assert kinds == ["forbidden-approved", "two-renderings"]
    assert all(str(tmp_path) in str(p) for p in glossary.conflicts)
    assert load_glossaries([a]).conflicts == []


def test_seed_glossary_has_no_problems_and_enough_entries():
    entries = read_csv(SEED_GLOSSARY)
    assert len(entries) >= 40
    assert find_problems(entries) == []


def test_every_seed_entry_is_attested_in_the_seed_texts():
    """zh in 003; approved or variant English in 000/001/002/004 — or a note says why not."""
    zh_text = re.sub(r"\s+", "", (SEEDS / "003_61e2e90163225e43.txt").read_text(encoding="utf-8"))
    zh_text = zh_text.replace("˙", "·").replace("（", "(").replace("）", ")")
    en_text = " ".join(
        " ".join(p.read_text(encoding="utf-8").split()) for p in sorted(SEEDS.glob("00[0124]_*.txt"))
    ).replace("’", "'").replace("‚Äô", "'").lower()
    for entry in read_csv(SEED_GLOSSARY):
        zh = entry.zh.replace("（", "(").replace("）", ")")
        assert zh in zh_text, entry.id
        if not any(form.lower() in en_text for form in entry.accepted):
            assert "000" in entry.note or "seed" in entry.note, f"{entry.id}: unattested English, no note"


def test_append_entry_keeps_the_file_and_a_backup(tmp_path):
    path = tmp_path / "g.csv"
    original = HEADER + "科技部,Ministry of Science and Technology,MOST,,false,\n"
    path.write_text(original, encoding="utf-8")
    added = append_entry(path, GlossaryEntry("", "中国科学院", "Chinese Academy of Sciences", ("CAS",)))
    assert path.read_text(encoding="utf-8").startswith(original)
    assert (tmp_path / "g.csv.bak").read_text(encoding="utf-8") == original
    assert [e.zh for e in read_csv(path)] == ["科技部", "中国科学院"] and added.source == f"{path}:3"
    with pytest.raises(InputError, match="already an entry"):
        append_entry(path, GlossaryEntry("", "中国科学院", "Chinese Academy of Sciences"))
    with pytest.raises(InputError, match="no status column"):
        append_entry(path, GlossaryEntry("", "工程院", "CAE", status="proposed"))
    assert [e.zh for e in read_csv(path)] == ["科技部", "中国科学院"]


def test_append_entry_to_tbx_and_to_a_new_file(tmp_path):
    tbx = tmp_path / "g.tbx"
    write_tbx([GlossaryEntry("a", "科技部", "MOST")], tbx)
    append_entry(tbx, GlossaryEntry("b", "中国科学院", "CAS"))
    assert [e.id for e in read_tbx(tbx)] == ["a", "b"]
    new = tmp_path / "new.csv"
    append_entry(new, GlossaryEntry("c", "东盟", "ASEAN"))
    assert new.read_text(encoding="utf-8") == "\ufeff" + csv_text([GlossaryEntry("c", "东盟", "ASEAN")])


def test_append_entry_keeps_a_byte_order_mark_and_its_absence(tmp_path):
    row = "科技部,Ministry of Science and Technology,MOST,,false,\n"
    for mark in (b"", codecs.BOM_UTF8):
        path = tmp_path / f"g{len(mark)}.csv"
        original = mark + (HEADER + row).encode("utf-8")
        path.write_bytes(original)
        append_entry(path, GlossaryEntry("", "东盟", "ASEAN"))
        data = path.read_bytes()
        assert data.startswith(original) and data.count(codecs.BOM_UTF8) == len(mark) // 3
        assert [e.zh for e in read_csv(path)] == ["科技部", "东盟"]
