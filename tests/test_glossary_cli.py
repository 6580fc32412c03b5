"""`align glossary …` end to end through the CLI, on the seed glossary and seed pair."""
from __future__ import annotations

import csv
import json
import math

import pytest
from conftest import EN_SEED, SEED_GLOSSARY, ZH_SEED

from align.cli import main
from align.glossary.files import read_csv
from align.glossary.termmine import suggest_terms
from align.model import Link
from align.report.tmx import write_tmx


@pytest.fixture(scope="module")
def seed_run(tmp_path_factory, encoder):
    """A run folder with the seed pair's pairs.jsonl (real segmenter and aligner)."""
    from align.aligner.sentences import align_documents
    from align.fileio import write_jsonl
    from align.text.segment import load_document

    links = align_documents(load_document(ZH_SEED, "zh"), load_document(EN_SEED, "en"), encoder)
    run = tmp_path_factory.mktemp("run")
    write_jsonl(run / "pairs.jsonl", [link.to_json() for link in links])
    write_tmx(links, run / "pairs.tmx")
    return run


def test_lint_seed_glossary_is_clean_and_conflicts_exit_1(tmp_path, capsys):
    assert main(["glossary", "lint", str(SEED_GLOSSARY)]) == 0
    other = tmp_path / "other.csv"
    other.write_text("zh,en,variants,forbidden,case_sensitive,note\n科技部,Science Ministry,,,false,\n"
                     "科技部,Science Ministry,,,false,\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["glossary", "lint", str(SEED_GLOSSARY), str(other)]) == 1
    out = capsys.readouterr().out
    assert "two-renderings" in out and "duplicate-entry" in out and f"{other}:3" in out


def test_lint_reports_entries_unused_in_a_corpus(seed_run, tmp_path, capsys):
    extra = tmp_path / "extra.csv"
    extra.write_text("zh,en\n量子计算,quantum computing\n科技部,Ministry of Science and Technology\n", encoding="utf-8")
    assert main(["glossary", "lint", str(extra), "--corpus", str(seed_run), "-q"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines == [f"{extra}:2: unused: 量子计算 ({read_csv(extra)[0].id}) never occurs in the corpus"]


def test_export_import_round_trip_through_the_cli(tmp_path):
    assert main(["glossary", "export", str(SEED_GLOSSARY), "--out", str(tmp_path / "g.tbx")]) == 0
    assert main(["glossary", "import", str(tmp_path / "g.tbx"), "--out", str(tmp_path / "g.csv")]) == 0
    assert (tmp_path / "g.csv").read_bytes() == b"\xef\xbb\xbf" + SEED_GLOSSARY.read_bytes()  # with Excel's BOM


def test_broken_glossary_is_one_line_exit_2(tmp_path, capsys):
    bad = tmp_path / "bad.tbx"
    bad.write_text("<tbx><text>\n<body>", encoding="utf-8")
    assert main(["glossary", "import", str(bad), "--out", str(tmp_path / "x.csv")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"align: error: {bad}:") and "not well-formed XML" in err[0]
    assert not (tmp_path / "x.csv").exists()


@pytest.mark.parametrize("corpus", ["pairs.jsonl", "pairs.tmx"])
def test_usage_counts_renderings_per_entry(seed_run, tmp_path, capsys, corpus):
    out = tmp_path / "usage.json"
    assert main(["glossary", "usage", str(SEED_GLOSSARY), "--corpus", str(seed_run / corpus), "--out", str(out)]) == 0
    rows = {r["id"]: r for r in json.loads(out.read_text(encoding="utf-8"))}
    most = rows["most"]
    renderings = {(r["text"], r["kind"]): r["count"] for r in most["renderings"]}
    assert renderings[("MOST", "variant")] >= 2 and renderings[("Ministry of Science and Technology", "approved")] >= 1
    init = {r["kind"] for r in rows["cooperation-initiative"]["renderings"]}
    assert init == {"forbidden"}
    assert rows["cas-bangkok"]["unmatched"] == 1
    assert "most\t科技部" in capsys.readouterr().out


def test_suggest_on_the_seed_pair_ranks_institution_names_first(tmp_path):
    out = tmp_path / "candidates.csv"
    assert main(["glossary", "suggest", "--corpus", f"{ZH_SEED}::{EN_SEED}", "--out", str(out), "-q"]) == 0
    entries = read_csv(out)  # the candidates file is itself an importable glossary
    assert entries and {e.status for e in entries} == {"proposed"}
    top = {e.zh: e for e in entries[:15]}
    # institutions, with the acronym the English also uses counted as the same term
    assert (top["科技部"].en, top["科技部"].variants) == ("Ministry of Science and Technology", ("MOST",))
    assert (top["中国科学院"].en, top["中国科学院"].variants) == ("Chinese Academy of Sciences", ("CAS",))
    assert top["南非"].en == "South Africa" and top["王志刚"].en == "Wang Zhigang"
    # no general-vocabulary runs glued across function words (中国是科技, 合作的贡献者)
    assert not [e.zh for e in entries[:30] if any(w in e.zh for w in "的是更")]
    assert [en for zh, en in ((e.zh, e.en) for e in entries) if zh == "科技部"] == ["Ministry of Science and Technology"]
    with open(out, encoding="utf-8-sig") as fh:
        note = next(r for r in csv.DictReader(fh) if r["zh"] == "科技部")["note"]
    assert "Ministry of Science and Technology" in note and "G2=" in note  # an example pair


def test_suggest_on_bible_gold_pairs_ranks_names_first(shared_dir):
    """A different corpus, domain and register: Genesis, Chinese Union Version ↔ KJV."""
    bible = shared_dir / "bench" / "bible-zh-en"
    zh = (bible / "zh.txt").read_text(encoding="utf-8").splitlines()
    en = (bible / "en.txt").read_text(encoding="utf-8").splitlines()
    links = []
    for line in (bible / "gold.align").read_text().splitlines()[:800]:
        zh_ids, en_ids = (json.loads(side) for side in line.split(":"))
        if zh_ids and en_ids:
            links.append(Link(len(links), tuple(zh_ids), tuple(en_ids), "".join(zh[i] for i in zh_ids),
                              " ".join(en[i] for i in en_ids), 1.0))
    found = suggest_terms(links)
    pairs = [(s.zh, s.en) for s in found]
    for name in [("亚伯拉罕", "Abraham"), ("挪亚", "Noah"), ("雅各", "Jacob")]:
        assert name in pairs[:10]
    assert ("埃及", "Egypt") in pairs[:40]
    assert sum(en[0].isupper() for _, en in pairs[:20]) >= 17  # persons and places, not common words


def test_suggest_skips_terms_already_in_a_glossary(seed_run, tmp_path):
    out = tmp_path / "c.csv"
    assert main(["glossary", "suggest", "--corpus", str(seed_run), "--glossary", str(SEED_GLOSSARY),
                 "--out", str(out), "-q"]) == 0
    known = {e.zh for e in read_csv(SEED_GLOSSARY)}
    assert not known & {e.zh for e in read_csv(out)}


def test_corpus_errors_name_the_file(tmp_path, capsys):
    bad = tmp_path / "pairs.jsonl"
    bad.write_text(json.dumps(Link(0, (0,), (0,), "科技部", "MOST", 0.9).to_json()) + "\n{oops\n", encoding="utf-8")
    assert main(["glossary", "usage", str(SEED_GLOSSARY), "--corpus", str(bad)]) == 2
    assert f"{bad}:2: not a pairs.jsonl record" in capsys.readouterr().err


def usage_table(capsys) -> tuple[list[str], dict[str, dict[str, str]]]:
    lines = capsys.readouterr().out.splitlines()
    header = lines[0].split("\t")
    return header, {cells[0]: dict(zip(header, cells)) for cells in (line.split("\t") for line in lines[1:])}


def test_usage_counts_each_occurrence_once_with_a_header(seed_run, tmp_path, capsys):
    from align.glossary.files import load_glossaries
    from align.glossary.termmine import USAGE_COLUMNS, load_corpus
    from align.glossary.terms import longest_leftmost

    out = tmp_path / "usage.json"
    assert main(["glossary", "usage", str(SEED_GLOSSARY), "--corpus", str(seed_run), "--out", str(out), "-q"]) == 0
    header, table = usage_table(capsys)
    assert tuple(header) == USAGE_COLUMNS
    rows = {r["id"]: r for r in json.loads(out.read_text(encoding="utf-8"))}
    glossary = load_glossaries([SEED_GLOSSARY])
    links = [link for link in load_corpus([str(seed_run)]) if link.zh and link.en]
    # each occurrence counted once, under the longest term: the occurrences add up to the
    # longest-match hits of the text, and each is a rendering, a short reference or not found
    outer = [h for link in links for h in longest_leftmost(glossary.find_zh(link.zh, nested=True))]
    assert sum(r["occurrences"] for r in rows.values()) == len(outer)
    for r in rows.values():
        shorts = sum(s["count"] for s in r["short_references"])
        assert r["occurrences"] == sum(x["count"] for x in r["renderings"]) + shorts + r["unmatched"], r["id"]
        if r["occurrences"] or r["nested"]:
            assert table[r["id"]]["zh"] == r["zh"]
    # an entry met only inside a longer one is listed, with where it was met
    inside = [r for r in rows.values() if r["nested"] and not r["occurrences"]]
    assert inside, "the seed has terms met only inside longer ones"
    for r in inside:
        assert table[r["id"]]["occurrences"] == "0" and r["nested"][0]["in"] in table[r["id"]]["inside longer terms"]
    # 秘书长: approved "Secretary General" and variant "Secretary-General" match the same
    # span; an occurrence is counted once, as approved
    sg = rows["secretary-general"]
    assert sum(x["count"] for x in sg["renderings"]) <= sg["occurrences"]
    # case spellings of one rendering are one row, the spellings listed
    transfer = next(r for r in rows.values() if r["zh"] == "技术转移")
    main_rendering = transfer["renderings"][0]
    assert len({f.casefold() for f in main_rendering["forms"]}) < len(main_rendering["forms"])
    assert "written" in table[transfer["id"]]["renderings"]


def test_usage_counts_short_references_the_checks_accept(seed_run, tmp_path, capsys):
    """A missing term the glossary check downgrades to info as a short reference back to
    the full form ("the Group") is a short reference in usage, not "not found"."""
    from align.checks.registry import CheckContext, run_checks
    from align.glossary.files import load_glossaries
    from align.glossary.termmine import load_corpus, term_usage

    glossary = load_glossaries([SEED_GLOSSARY])
    links = load_corpus([str(seed_run)])
    flags = run_checks(CheckContext(links, glossary=glossary), select=["glossary.missing_term"])
    short = [f for f in flags if f.severity == "info" and "short_reference" in f.evidence]
    assert short, "the seed pair refers back to full names with short forms"
    usage = {u.entry.id: u for u in term_usage(glossary, links)}
    for f in short:
        entry = f.evidence["entry"]["id"]
        assert usage[entry].short_references[f.evidence["short_reference"]] >= 1
    assert sum(sum(u.short_references.values()) for u in usage.values()) == len(short)


def test_suggest_with_the_seed_glossary_proposes_nothing_it_has(seed_run, tmp_path, capsys):
    from align.glossary.termmine import SUGGEST_COLUMNS
    from align.model import normalise_for_matching
    from align.text.zhtext import pos_tokens

    out = tmp_path / "c.csv"
    assert main(["glossary", "suggest", "--corpus", f"{ZH_SEED}::{EN_SEED}", "--glossary", str(SEED_GLOSSARY),
                 "--out", str(out), "--show", "50"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert tuple(lines[0].split("\t")) == SUGGEST_COLUMNS  # the ranking evidence, per candidate
    shown = [dict(zip(SUGGEST_COLUMNS, line.split("\t"))) for line in lines[1:]]
    top = read_csv(out)[:50]
    assert [(r["zh"], r["en"]) for r in shown] == [(e.zh, e.en) for e in top]
    for row in shown:
        factors = [float(row[k]) for k in ("G2", "specificity", "en name", "zh name", "standalone")]
        assert abs(float(row["score"]) - math.prod(factors)) < 0.15 + 0.01 * float(row["score"])
    known = read_csv(SEED_GLOSSARY)
    forms = {normalise_for_matching(f) for e in known for f, _ in e.forms()}
    for e in top:
        assert not any(e.zh in k.zh for k in known), e.zh  # no known term, nor a piece of one (一带, 科学院)
        assert normalise_for_matching(e.en) not in forms and not {normalise_for_matching(v) for v in e.variants} & forms
        assert pos_tokens(e.zh)[0].flag != "m", e.zh  # no quantity-led run (两国)
    assert (("合作倡议", "Cooperation Proposal for Silk Road Innovation") not in {(e.zh, e.en) for e in top})


def test_suggest_leaves_out_quantity_led_runs(seed_run):
    from align.glossary.termmine import load_corpus

    found = suggest_terms(load_corpus([str(seed_run)]))
    assert "两国" not in {s.zh for s in found} and found
