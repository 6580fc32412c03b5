"""Links are views onto segments: every flag of the seed run points back to its text in the
decoded original file, and the review app splits a link at its stored sentence bounds."""
from __future__ import annotations

import dataclasses
import json
import re

import pytest
from conftest import EN_SEED, SEED_GLOSSARY, ZH_SEED
from review_helpers import ReviewClient, review_server, write_run

from align.model import Document, Flag, Link, locate_flags
from align.pipeline import run_check
from align.report import write_run as write_report
from align.review.export import decision_rows
from align.review.fixes import link_sentences, split_fix
from align.review.workspace import Workspace
from align.text.ingest import read_text
from align.text.segment import load_document, segment_text


@pytest.fixture(scope="module")
def seed_check(tmp_path_factory):
    run = run_check(ZH_SEED, EN_SEED, glossaries=[SEED_GLOSSARY], quiet=True)
    out = tmp_path_factory.mktemp("seed-run")
    write_report(run, out)
    return run, out


def unwrapped(original: str, lang: str) -> str:
    """The file's text with its line wrapping undone as cleaning undoes it: a break between
    English words is one space, between Chinese characters nothing."""
    return re.sub(r"\s*\n\s*", " " if lang == "en" else "", original)


def test_every_flag_of_the_seed_run_points_at_its_text_in_the_original_file(seed_check):
    run, out = seed_check
    originals = {"zh": read_text(ZH_SEED)[0], "en": read_text(EN_SEED)[0]}
    records = [json.loads(line) for line in (out / "flags.jsonl").read_text("utf-8").splitlines()]
    assert len(records) == len(run.flags) > 0
    located = exact = 0
    for record, flag in zip(records, run.flags):
        assert Flag.from_json(record) == flag  # the file spans survive flags.jsonl
        for lang in ("zh", "en"):
            span, file_span = record[f"{lang}_span"], record[f"{lang}_file_span"]
            assert (span is None) == (file_span is None), (flag.check, lang)
            if span is None:
                continue
            located += 1
            original = originals[lang]
            flagged = record[lang][span[0]:span[1]]
            in_file = original[file_span["start"]:file_span["end"]]
            assert file_span["file"] == str(ZH_SEED if lang == "zh" else EN_SEED)
            if "\n" not in in_file:
                exact += 1
                assert in_file == flagged, (flag.check, lang)
            else:  # the flagged text runs over a wrapped line of the file
                assert unwrapped(in_file, lang) == flagged, (flag.check, lang)
            line = original.split("\n")[file_span["line"] - 1]
            assert line[file_span["col"] - 1:].startswith(flagged[0])
    assert located == sum((f.zh_span is not None) + (f.en_span is not None) for f in run.flags)
    assert exact > located / 2


def test_every_finding_of_the_seed_run_has_its_own_id_also_for_a_word_repeated_in_its_sentence(seed_check):
    """Review decisions are keyed by flag id: two findings on the same words at two places of
    one sentence (科技创新 twice in link 22) must not share a decision."""
    run, _ = seed_check
    assert len({flag.id for flag in run.flags}) == len(run.flags)
    repeated = [(a, b) for a in run.flags for b in run.flags
                if a.link == b.link and a.check == b.check and a.zh_span and b.zh_span
                and a.zh_span[0] < b.zh_span[0] and a.zh[slice(*a.zh_span)] == b.zh[slice(*b.zh_span)]]
    assert repeated  # the seed has the case this guards


def test_pairs_jsonl_carries_each_sentence_of_each_link(seed_check):
    run, out = seed_check
    docs = {"zh": run.zh_doc, "en": run.en_doc}
    for line in (out / "pairs.jsonl").read_text("utf-8").splitlines():
        record = json.loads(line)
        link = Link.from_json(record)
        for lang in ("zh", "en"):
            bounds = record[f"{lang}_sentences"]
            assert [i for i, _, _ in bounds] == record[f"{lang}_ids"]
            for i, a, b in bounds:
                assert record[lang][a:b] == docs[lang].segments[i].text
            assert [t for _, t in link.sentences(lang)] == [docs[lang].segments[i].text for i in record[f"{lang}_ids"]]


def test_a_span_over_an_unwrapped_line_maps_to_both_lines_of_the_file():
    original = (
        "Delegates from forty countries attended the forum on the Silk Road\n"
        "Innovation initiative, which met in Beijing on Thursday. It adopted an\n"
        "initiative for the years ahead.\n"
    )
    segments = segment_text(original, "en", "doc")
    assert [s.text for s in segments] == [
        "Delegates from forty countries attended the forum on the Silk Road Innovation initiative, "
        "which met in Beijing on Thursday.",
        "It adopted an initiative for the years ahead.",
    ]
    link = Link.of_sentences(0, [(0, "丝绸之路")], [(s.index, s.text) for s in segments], 0.9)
    start = link.en.index("Road Innovation")
    flag = Flag(0, "glossary.missing_term", "warning", link.zh, link.en, "m", None, (start, start + 15))
    word = link.en.index("initiative for")
    last = Flag(0, "glossary.missing_term", "warning", link.zh, link.en, "m", None, (word, word + 10))
    doc = Document("doc", "en", original, segments, "doc.txt")
    zh_doc = Document("zh", "zh", "丝绸之路", segment_text("丝绸之路", "zh", "zh"), "zh.txt")
    first, second = (f.en_file_span for f in locate_flags([flag, last], [link], zh_doc, doc))
    assert original[first.start:first.end] == "Road\nInnovation" and (first.line, first.col) == (1, 63)
    assert original[second.start:second.end] == "initiative" and (second.line, second.col) == (3, 1)
    assert str(second) == "doc.txt:3:1"


def test_the_review_app_splits_a_three_sentence_link_at_each_boundary_from_its_bounds(tmp_path):
    zh_doc, en_doc = load_document(ZH_SEED, "zh"), load_document(EN_SEED, "en")
    zh = [(s.index, s.text) for s in zh_doc.segments[:3]]
    en = [(s.index, s.text) for s in en_doc.segments[:3]]
    link = Link.of_sentences(0, zh, en, 0.8)
    rest = [Link.of_sentences(k, [(k + 2, zh_doc.segments[k + 2].text)], [(k + 2, en_doc.segments[k + 2].text)], 0.8)
            for k in range(1, 3)]
    # Two headings and a sentence: the segmenter cannot recover them from the joined text.
    assert len(segment_text(link.zh, "zh")) != 3
    for boundary in (1, 2):
        run = write_run(tmp_path / f"run{boundary}", [link, *rest], flags=[])
        workspace = Workspace(run)
        doc = workspace.docs[0]
        assert link_sentences(doc.links[0], "zh") == [t for _, t in zh]
        fix = split_fix(doc.links[0], 0, boundary, boundary)
        workspace.db.add_link_fix(doc.key, fix.action, fix.params, "Ann")
        first, second = workspace.current_links(doc)[:2]
        for part, sides in ((first, (zh[:boundary], en[:boundary])), (second, (zh[boundary:], en[boundary:]))):
            assert part.zh_ids == tuple(i for i, _ in sides[0]) and part.en_ids == tuple(i for i, _ in sides[1])
            assert link_sentences(part, "zh") == [t for _, t in sides[0]]
            assert link_sentences(part, "en") == [t for _, t in sides[1]]
            assert part.en == " ".join(t for _, t in sides[1])


def test_the_report_and_the_review_app_show_where_each_flag_stands_in_the_file(seed_check):
    run, out = seed_check
    html = (out / "report.html").read_text("utf-8")
    located = [f for f in run.flags if f.position]
    assert located
    for flag in located:
        for lang in ("zh", "en"):
            span = flag.file_span(lang)
            if span:
                assert f'title="{span}">{lang} {span.short}</small>' in html
    import pandas as pd

    sheet = pd.read_excel(out / "report.xlsx", sheet_name="flags", keep_default_na=False)
    rows = sheet.to_dict("records")
    assert [row["id"] for row in rows] == [f.id for f in run.flags]  # one row per flag, in order
    for row, flag in zip(rows, run.flags):
        for lang in ("zh", "en"):
            span = flag.file_span(lang)
            assert row[f"{lang}_position"] == (str(span) if span else "")
    workspace = Workspace(out)
    exported = [row["zh_position"] or row["en_position"] for row in decision_rows(workspace)]
    assert exported == [str(item.flag.position or "") for item in workspace.queue()]
    with review_server(out) as (base, _):
        client = ReviewClient(base, "Ann")
        queue = client.http.get("/").text
        for item in workspace.queue():
            if item.flag.position:
                assert item.flag.position.short in queue
        item = next(i for i in workspace.queue() if i.flag.zh_file_span and i.flag.en_file_span)
        page = client.http.get(f"/flag/0/{item.position}").text
        for lang in ("zh", "en"):
            span = item.flag.file_span(lang)
            assert f'id="{lang}-pos" title="{span}">{span.short}</span>' in page


def test_a_segment_unit_is_carried_to_the_flags_file_span():
    original = "科技部主办。\n"
    zh_doc = Document("zh", "zh", original, [dataclasses.replace(s, unit="tu-7") for s in segment_text(original, "zh", "zh")],
                      "a.xlf")
    en_doc = Document("en", "en", "MOST hosted.\n", segment_text("MOST hosted.\n", "en", "en"), "b.txt")
    link = Link.of_sentences(0, [(0, zh_doc.segments[0].text)], [(0, en_doc.segments[0].text)], 0.9)
    flag = Flag(0, "glossary.missing_term", "warning", link.zh, link.en, "m", (0, 3), (0, 4))
    [located] = locate_flags([flag], [link], zh_doc, en_doc)
    assert located.zh_file_span.unit == "tu-7" and located.en_file_span.unit is None
    assert located.zh_file_span.to_json()["unit"] == "tu-7" and "unit" not in located.en_file_span.to_json()
    assert Flag.from_json(json.loads(json.dumps(located.to_json()))) == located
    assert str(located.zh_file_span) == "a.xlf:1:1 (unit tu-7)"


def test_the_review_app_shows_each_flagged_links_error_risk(seed_check):
    """The queue and the pair page give the adequacy probability of the flag's link, read
    back from pairs.jsonl (a one-sided link has none)."""
    run, out = seed_check
    workspace = Workspace(out)
    with review_server(out) as (base, _):
        client = ReviewClient(base, "Ann")
        queue = client.http.get("/").text
        cells = re.findall(r'<td class="risk">([^<]*)</td>', queue)
        expected = [f"{item.risk:.2f}" if item.risk is not None else "–" for item in workspace.queue()]
        assert cells == expected and any(cell != "–" for cell in cells)
        written = {link.index: link.adequacy for link in run.links}  # pairs.jsonl keeps 3 decimals
        assert [item.risk for item in workspace.queue()] == \
            [None if written[item.flag.link] is None else round(written[item.flag.link], 3) for item in workspace.queue()]
        item = next(i for i in workspace.queue() if i.risk is not None)
        page = client.http.get(f"/flag/0/{item.position}").text
        assert f'<td class="risk">{item.risk:.2f}</td>' in page


def test_the_review_app_shows_each_flagged_links_confidence_and_orders_the_queue_by_it(seed_check):
    """The queue and the pair page give the confidence of the flag's link (the probability that
    the aligner's link is exactly right); ``order=confidence`` lists the flags lowest first
    (flags without one last) and the pair page's next / previous follow that order."""
    run, out = seed_check
    workspace = Workspace(out)
    ordered = workspace.queue(order="confidence")
    assert sorted(ordered, key=lambda i: (i.doc.key, i.position)) == \
        sorted(workspace.queue(), key=lambda i: (i.doc.key, i.position))
    known = [i.confidence for i in ordered if i.confidence is not None]
    assert known and known == sorted(known)
    assert all(i.confidence is None for i in ordered[len(known):])
    written = {link.index: link.confidence for link in run.links}
    assert all(i.confidence == pytest.approx(written[i.flag.link], abs=1e-4) for i in ordered if i.confidence is not None)
    with review_server(out) as (base, _):
        client = ReviewClient(base, "Ann")
        for query, items in (("", workspace.queue()), ("?order=confidence", ordered)):
            cells = re.findall(r'<td class="confidence">([^<]*)</td>', client.http.get("/" + query).text)
            assert cells == [f"{i.confidence:.2f}" if i.confidence is not None else "–" for i in items]
        page = client.http.get(f"/flag/0/{ordered[1].position}?order=confidence").text
        assert f'id="next" href="/flag/0/{ordered[2].position}?order=confidence"' in page
        assert f'id="prev" href="/flag/0/{ordered[0].position}?order=confidence"' in page
        assert 'selected>link confidence, lowest first' in client.http.get("/?order=confidence").text
