"""`align check` end to end on the seed pair: six files that parse and agree; exit codes."""
from __future__ import annotations

import json
from collections import Counter

import pytest
from conftest import EN_SEED, SEED_GLOSSARY, SHARED, ZH_SEED

from align.cli import main
from align.model import Flag, Link
from align.report import OUTPUT_FILES
from align.report.tmx import ALIGNMENT_CONFIDENCE_PROP


def by_class(node, tag: str, cls: str) -> list:
    return node.xpath(f'.//{tag}[contains(concat(" ", normalize-space(@class), " "), " {cls} ")]')


@pytest.fixture(scope="module")
def seed_out(tmp_path_factory):
    """The README's main-job command on the seed pair, with --fail-on error."""
    out = tmp_path_factory.mktemp("seed") / "out"
    rc = main(["check", str(ZH_SEED), str(EN_SEED), "--glossary", str(SEED_GLOSSARY), "--out", str(out),
               "--quiet", "--fail-on", "error"])
    return out, rc


def test_check_writes_six_files_that_parse_and_agree(seed_out):
    import pandas as pd
    from lxml import html as lxml_html
    from translate.storage.tmx import tmxfile

    out, _ = seed_out
    assert sorted(p.name for p in out.iterdir()) == sorted(OUTPUT_FILES)
    links = [Link.from_json(json.loads(line)) for line in (out / "pairs.jsonl").read_text("utf-8").splitlines()]
    flags = [Flag.from_json(json.loads(line)) for line in (out / "flags.jsonl").read_text("utf-8").splitlines()]
    summary = json.loads((out / "summary.json").read_text("utf-8"))

    # links cover every sentence of both sides once, in order
    assert [i for link in links for i in link.zh_ids] == list(range(summary["zh"]["segments"]))
    assert [i for link in links for i in link.en_ids] == list(range(summary["en"]["segments"]))
    assert [link.index for link in links] == list(range(len(links))) == list(range(summary["links"]))
    assert all(0.0 <= link.score <= 1.0 for link in links)

    # flags: counted the same in summary.json, per check and per severity
    assert summary["flags"] == len(flags) > 0
    by_check = Counter(f.check for f in flags)
    assert {c: sum(v.values()) for c, v in summary["by_check"].items()} == dict(by_check)
    assert summary["by_severity"] == {s: sum(f.severity == s for f in flags) for s in ("error", "warning", "info")}
    for f in flags:  # each flag quotes its link's text, and its spans fall inside it
        link = links[f.link]
        assert (f.zh, f.en) == (link.zh, link.en)
        assert not f.zh_span or 0 <= f.zh_span[0] < f.zh_span[1] <= len(f.zh)
        assert not f.en_span or 0 <= f.en_span[0] < f.en_span[1] <= len(f.en)
    assert {"read", "embed", "align", "checks", "report", "total"} <= set(summary["timings"])
    assert summary["model"] and summary["versions"]["align"]

    # report.html: a row per link, a flag entry per flag, counts per check, a mark per span
    doc = lxml_html.fromstring((out / "report.html").read_bytes())
    rows = by_class(doc, "tr", "pair")
    assert [int(r.get("id").split("-")[1]) for r in rows] == [link.index for link in links]
    assert [float(r.get("data-score")) for r in rows] == pytest.approx([link.score for link in links], abs=1e-4)
    assert len(by_class(doc, "li", "flag")) == len(flags)
    chips = {c.get("data-check"): int(c.find("b").text) for c in by_class(doc, "span", "check-count")}
    assert chips == dict(by_check)
    marked = {fid for m in doc.iter("mark") for fid in m.get("data-flags").split()}
    assert marked == {f.id for f in flags if f.zh_span or f.en_span}
    assert not doc.xpath("//script[@src] | //link[@href] | //img[@src]")  # self-contained

    # report.xlsx: the same links and flags
    sheets = pd.read_excel(out / "report.xlsx", sheet_name=None)
    assert list(sheets["pairs"]["link"]) == [link.index for link in links]
    assert list(sheets["pairs"]["similarity"]) == pytest.approx([link.score for link in links], abs=1e-4)
    confidence = [link.confidence for link in links]
    assert [None if pd.isna(c) else c for c in sheets["pairs"]["confidence"]] == pytest.approx(confidence, abs=1e-4)
    assert any(c is not None for c in confidence)
    assert sorted(sheets["flags"]["id"]) == sorted(f.id for f in flags)
    assert Counter(sheets["flags"]["check"]) == by_check

    # pairs.tmx: one unit per two-sided link, same text and confidence
    with open(out / "pairs.tmx", "rb") as fh:
        units = tmxfile(fh).units
    two_sided = [link for link in links if link.zh and link.en]
    assert [(u.getid(), u.source, u.target) for u in units] == [(str(link.index), link.zh, link.en) for link in two_sided]
    props = [{p.get("type"): p.text for p in u.xmlelement.iter(u.namespaced("prop"))} for u in units]
    assert [float(p[ALIGNMENT_CONFIDENCE_PROP]) for p in props] == pytest.approx(
        [link.confidence for link in two_sided], abs=1e-4)


def test_fail_on_error_exits_1_exactly_when_an_error_flag_exists(seed_out):
    out, rc = seed_out
    summary = json.loads((out / "summary.json").read_text("utf-8"))
    assert rc == (1 if summary["by_severity"]["error"] else 0)


def test_select_limits_checks_and_default_exit_is_0(tmp_path, capsys):
    out = tmp_path / "numbers"
    assert main(["check", str(ZH_SEED), str(EN_SEED), "--out", str(out), "--select", "number"]) == 0
    flags = [json.loads(line) for line in (out / "flags.jsonl").read_text("utf-8").splitlines()]
    assert all(f["check"].startswith("number.") for f in flags)
    stdout = capsys.readouterr().out
    assert f"{len(flags)} flags" in stdout and str(out / "report.html") in stdout


def test_bad_input_is_one_line_exit_2_and_writes_nothing(tmp_path, capsys):
    empty = tmp_path / "empty.txt"
    empty.write_text("", "utf-8")
    out = tmp_path / "out"
    assert main(["check", str(empty), str(EN_SEED), "--out", str(out), "--quiet"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"align: error: {empty}")
    assert not out.exists() and list(tmp_path.iterdir()) == [empty]


def test_presegmented_input_keeps_one_sentence_per_line(tmp_path):
    from align.pipeline import run_check

    bible = SHARED / "bench" / "bible-zh-en"
    paths = {}
    for lang, n in (("zh", 40), ("en", 32)):
        paths[lang] = tmp_path / f"gen.{lang}"
        paths[lang].write_text("\n".join((bible / f"{lang}.txt").read_text("utf-8").splitlines()[:n]) + "\n", "utf-8")
    run = run_check(paths["zh"], paths["en"], presegmented=True, select=["alignment"], quiet=True)
    assert (len(run.zh_doc.segments), len(run.en_doc.segments)) == (40, 32)
    assert [i for link in run.links for i in link.zh_ids] == list(range(40))
    assert set(run.timings) >= {"read", "model", "embed", "align", "checks", "total"}
