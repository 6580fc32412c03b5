"""The review database, alignment fixes, carry-over, export and apply — without a browser."""
from __future__ import annotations

import csv
import json
import shutil
import sqlite3

import pytest
from review_helpers import EN_SEED, REPO, ZH_SEED, flags_for, seed_links, write_run

from align.cli import main
from align.errors import InputError
from align.model import Link
from align.review.db import SCHEMA_VERSION, ReviewDB
from align.review.fixes import (
    FixError,
    apply_fixes,
    link_key,
    merge_fix,
    split_fix,
    untranslated_fix,
)
from align.review.runfolder import load_doc
from align.review.workspace import Workspace

SEED_GLOSSARY = REPO / "glossaries" / "seed.csv"


def test_fresh_database_is_migrated_with_wal_and_foreign_keys(tmp_path):
    db = ReviewDB(tmp_path / "r.sqlite")
    with db.connect() as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        with pytest.raises(sqlite3.IntegrityError):  # an event must name a known flag
            conn.execute(
                "INSERT INTO flag_events (flag_id, action, reviewer, at) VALUES ('nope', 'confirm', 'x', 't')"
            )
    ReviewDB(tmp_path / "r.sqlite")  # reopening runs no migration twice


def test_database_from_a_newer_align_is_refused(tmp_path):
    path = tmp_path / "r.sqlite"
    ReviewDB(path)
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(InputError, match="newer"):
        ReviewDB(path)


def test_history_is_append_only_and_latest_status_wins(tmp_path):
    run = write_run(tmp_path / "run", seed_links())
    ws = Workspace(run)
    flag = ws.docs[0].flags[0]
    ws.db.add_flag_event(flag.id, "confirm", "Ann")
    ws.db.add_flag_event(flag.id, "comment", "Bo", comment="see the Chinese")
    ws.db.add_flag_event(flag.id, "dismiss", "Bo", reason="false alarm")
    state = ws.db.flag_states()[flag.id]
    assert (state.status, state.reviewer, state.reason, state.comments) == ("dismissed", "Bo", "false alarm", 1)
    with ws.db.connect() as conn:
        for statement in ("UPDATE flag_events SET action = 'confirm'", "DELETE FROM flag_events"):
            with pytest.raises(sqlite3.DatabaseError, match="append-only"):
                conn.execute(statement)
    assert [e["action"] for e in ws.db.flag_history(flag.id)] == ["confirm", "comment", "dismiss"]


def test_merge_split_and_untranslated_keep_every_sentence_once_and_apply_once():
    links = seed_links()
    fixes = [
        merge_fix(links, 2),
        split_fix(links[-1], len(links) - 1, 1, 1),
        untranslated_fix(links[0], 0, "en", 0),
    ]
    fixed, applied = apply_fixes(links, fixes)
    assert applied == [0, 1, 2]
    assert [link.index for link in fixed] == list(range(len(fixed)))
    for side in ("zh_ids", "en_ids"):
        ids = [i for link in fixed for i in getattr(link, side)]
        assert ids == sorted({i for link in links for i in getattr(link, side)})
    merged = next(link for link in fixed if link.zh_ids == (2, 3))
    assert merged.zh == links[2].zh + links[3].zh and merged.en == f"{links[2].en} {links[3].en}"
    assert [(link.zh_ids, link.en_ids) for link in fixed[:2]] == [((), (0,)), ((0,), ())]
    assert [(link.zh_ids, link.en_ids) for link in fixed[-2:]] == [((10,), (10,)), ((11,), ())]
    again, applied_again = apply_fixes(fixed, fixes)
    assert applied_again == [] and again == fixed


def test_impossible_fixes_are_refused():
    links = seed_links()
    with pytest.raises(FixError):
        merge_fix(links, len(links) - 1)
    with pytest.raises(FixError):
        split_fix(links[-1], len(links) - 1, 0, 0)
    three = Link.of_sentences(0, list(enumerate(["一。", "二。", "三。"])), [(0, "One.")], 0.5)
    with pytest.raises(FixError, match="outer"):
        untranslated_fix(three, 0, "zh", 1)


def test_decisions_carry_over_to_a_rerun_and_lapse_when_the_text_changes(tmp_path):
    links = seed_links()
    run = write_run(tmp_path / "run", links)
    ws = Workspace(run)
    first, second = ws.docs[0].flags[:2]
    ws.db.add_flag_event(first.id, "dismiss", "Ann", run_id=ws.run_id(ws.docs[0]), reason="false alarm")
    ws.db.add_flag_event(second.id, "confirm", "Ann", run_id=ws.run_id(ws.docs[0]))
    ws.db.add_link_fix(ws.docs[0].key, "merge", merge_fix(links, 4).params, "Ann")

    # Re-run: same text for link 0, revised English for link 1 (so its flag changes).
    revised = list(links)
    revised[1] = Link(1, (1,), (1,), links[1].zh, links[1].en.replace("The event", "This event"), 0.6)
    write_run(run, revised)
    ws.refresh()
    items = {item.flag.link: item for item in ws.queue()}
    carried = [i for i in ws.queue() if i.flag.id == first.id]
    assert carried and carried[0].state.status == "dismissed" and carried[0].carried
    assert items[1].flag.check == second.check and items[1].state.status == "open"
    assert [d["flag_id"] for d in ws.lapsed()] == [second.id]
    assert [link.zh_ids for link in ws.current_links(ws.docs[0])][4] == (4, 5)


def test_export_csv_and_json_through_the_cli(tmp_path, capsys):
    run = write_run(tmp_path / "run", seed_links())
    ws = Workspace(run)
    flag = ws.docs[0].flags[0]
    ws.db.add_flag_event(flag.id, "dismiss", "张伟", reason="acceptable variant")
    ws.db.add_flag_event(flag.id, "comment", "Ann", comment="agreed, | fine")
    assert main(["review", "export", str(run), "--format", "csv", "--out", str(tmp_path / "d.csv")]) == 0
    with open(tmp_path / "d.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == len(ws.docs[0].flags)
    row = next(r for r in rows if r["flag_id"] == flag.id)
    assert (row["status"], row["reviewer"], row["reason"]) == ("dismissed", "张伟", "acceptable variant")
    assert "Ann: agreed, | fine" in row["comments"]
    assert main(["review", "export", str(run), "--format", "json", "--out", str(tmp_path / "d.json")]) == 0
    data = json.loads((tmp_path / "d.json").read_text(encoding="utf-8"))
    assert [e["action"] for e in data["history"]] == ["dismiss", "comment"]
    assert main(["review", "export", str(run), "--format", "xml", "--out", str(tmp_path / "d.x")]) == 2
    assert "unknown export format" in capsys.readouterr().err


def test_apply_folds_fixes_into_pairs_tmx_and_flag_links_once(tmp_path):
    links = seed_links()
    run = write_run(tmp_path / "run", links)
    ws = Workspace(run)
    flags_before = ws.docs[0].flags
    ws.db.add_link_fix(ws.docs[0].key, "merge", merge_fix(links, 1).params, "Ann")
    assert main(["review", "apply", str(run)]) == 0
    written = load_doc(run, run)
    pairs, flags_after = written.links, written.flags
    assert len(pairs) == len(links) - 1 and pairs[1].zh_ids == (1, 2)
    tmx = (run / "pairs.tmx").read_text(encoding="utf-8")
    assert tmx.count("<tu ") == len(pairs) and links[2].en.split()[0] in tmx
    assert [f.id for f in flags_after] == [f.id for f in flags_before]  # decisions still apply
    assert {f.link for f in flags_after if f.zh == links[2].zh} == {1}
    assert {f.link for f in flags_after if f.zh == links[5].zh} == {4}
    before = (run / "pairs.jsonl").read_bytes()
    assert main(["review", "apply", str(run)]) == 0
    assert (run / "pairs.jsonl").read_bytes() == before


def test_batch_folder_lists_every_pair_and_bad_input_names_file_and_line(tmp_path, capsys):
    links = seed_links()
    write_run(tmp_path / "batch" / "a", links[:4])
    write_run(tmp_path / "batch" / "b", links[4:8])
    ws = Workspace(tmp_path / "batch")
    assert [d.name for d in ws.docs] == ["a", "b"]
    assert len(ws.queue(doc="1")) == len(flags_for(links[4:8]))
    assert {i.flag.severity for i in ws.queue(severity="error")} == {"error"}
    (tmp_path / "batch" / "b" / "flags.jsonl").write_text('{"link": 4}\nnot json\n', encoding="utf-8")
    assert main(["review", "export", str(tmp_path / "batch"), "--out", str(tmp_path / "x.csv")]) == 2
    assert "flags.jsonl:1:" in capsys.readouterr().err
    assert main(["review", "apply", str(tmp_path / "empty")]) == 2
    assert "not a folder" in capsys.readouterr().err
    assert main(["review", str(tmp_path / "empty"), "--port", "0"]) == 2  # refused before serving
    assert "empty: not a folder" in capsys.readouterr().err
    assert not (tmp_path / "x.csv").exists()


def test_review_group_routes_a_run_folder_to_serve(capsys):
    assert main(["review", "--help"]) == 0
    out = capsys.readouterr().out
    assert "RUN_DIR" in out and "export" in out and "apply" in out
    assert main(["review", "serve", "--help"]) == 0
    assert "--token" in capsys.readouterr().out


def test_link_key_ignores_width_case_and_spacing():
    a = Link(0, (0,), (0,), "２０１９年", "In  2019 ,", 0.5)
    b = Link(5, (3,), (4,), "2019年", "in 2019 ,", 0.9)
    assert link_key(a) == link_key(b)


def test_default_split_is_valid_and_cuts_nearest_the_middle_on_a_real_run(tmp_path):
    from align.review.fixes import default_split, link_sentences

    run = tmp_path / "seed"
    assert main(["check", str(ZH_SEED), str(EN_SEED), "--out", str(run), "--quiet"]) == 0
    links = Workspace(run).docs[0].links
    three = Link.of_sentences(0, list(enumerate(["一二三。", "四。", "五六。"])), list(enumerate(["One two.", "Three four five six."])), 0.5)
    multi = [link for link in links if max(len(link.zh_ids), len(link.en_ids)) > 1] + [three]
    assert len(multi) > 1
    for link in multi:
        zh, en = link_sentences(link, "zh"), link_sentences(link, "en")
        zh_keep, en_keep = default_split(zh, en)
        split_fix(link, link.index, zh_keep, en_keep)  # a valid split: no FixError
        side, keep = (zh, zh_keep) if len(zh) >= len(en) else (en, en_keep)
        total = sum(map(len, side))
        offsets = [sum(map(len, side[:k])) for k in range(1, len(side))]
        assert abs(sum(map(len, side[:keep])) - total / 2) == min(abs(o - total / 2) for o in offsets)
    assert default_split(["一。"], ["One."]) is None  # a 1:1 link has nothing to split
    # zh 4+2+3 characters: the cut after the first (4 of 9) is nearest the middle; en 8+20:
    # after "One two." (8 of 28, 0.29) is nearer 4/9 than keeping both (1.0) or none (0).
    assert default_split(*[link_sentences(three, lang) for lang in ("zh", "en")]) == (1, 1)


def test_apply_rescores_fixed_links_with_the_encoder_and_reports_the_same_on_a_rerun(tmp_path, capsys, encoder):
    from align.aligner.sentences import calibrated_confidence

    links = seed_links()
    run = write_run(tmp_path / "run", links)
    ws = Workspace(run)
    key = ws.docs[0].key
    ws.db.add_link_fix(key, "merge", merge_fix(links, 1).params, "Ann")
    ws.db.add_link_fix(key, "untranslated", untranslated_fix(links[-1], len(links) - 1, "zh", 1).params, "Ann")
    lapsed = ws.db.add_link_fix(key, "merge", merge_fix(links, 5).params, "Ann")
    ws.db.add_fix_event(lapsed, "undo", "Ann")
    assert main(["review", "apply", str(run)]) == 0
    assert "2 alignment fix(es) applied" in capsys.readouterr().err
    pairs = load_doc(run, run).links
    fixed = [link for link in pairs if link.fixed]
    assert [(x.zh_ids, x.en_ids) for x in fixed] == [((1, 2), (1, 2)), ((10,), (10,)), ((11,), ())]
    merged = fixed[0]
    zh_vec, en_vec = encoder.encode([merged.zh, merged.en])
    assert merged.score == pytest.approx(calibrated_confidence(float(zh_vec @ en_vec)), abs=1e-4)
    assert 0 < merged.score < 1 and fixed[2].score == 0.0  # one-sided, as the aligner scores it
    assert all(not link.fixed and link.score == 0.6 for link in pairs if link.zh_ids == link.en_ids == (0,))
    tmx = (run / "pairs.tmx").read_text(encoding="utf-8")
    assert tmx.count('<prop type="x-align-fixed">reviewer</prop>') == 2  # two-sided fixed units
    assert '<prop type="x-confidence">1.0000</prop>' not in tmx
    for _ in range(2):
        before = (run / "pairs.jsonl").read_bytes()
        assert main(["review", "apply", str(run)]) == 0
        assert "nothing new to apply (2 already in pairs.jsonl)" in capsys.readouterr().err
        assert (run / "pairs.jsonl").read_bytes() == before
    # Written into the file, a fix can no longer be undone from the app; the undone one stays out.
    ws.refresh()
    states = {r["id"]: r["state"] for r in ws.fix_records(ws.docs[0])}
    assert sorted(states.values()) == ["in pairs.jsonl", "in pairs.jsonl", "undone"]
    with pytest.raises(FixError, match="already written into pairs.jsonl"):
        ws.undo_fix(ws.docs[0], min(states), "Ann")


def test_an_undone_fix_no_longer_applies_and_a_fix_built_on_it_lapses(tmp_path):
    links = seed_links()
    run = write_run(tmp_path / "run", links)
    ws = Workspace(run)
    doc = ws.docs[0]
    merge = ws.db.add_link_fix(doc.key, "merge", merge_fix(links, 2).params, "Ann")
    merged = ws.current_links(doc)
    ws.db.add_link_fix(doc.key, "split", split_fix(merged[2], 2, 1, 0).params, "Ann")
    ws.undo_fix(doc, merge, "Bo")
    assert [(x.zh_ids, x.en_ids) for x in ws.current_links(doc)] == [(x.zh_ids, x.en_ids) for x in links]
    assert [r["state"] for r in ws.fix_records(doc)] == ["undone", "lapsed"]
    with pytest.raises(FixError, match="already undone"):
        ws.undo_fix(doc, merge, "Bo")


def test_a_refused_glossary_approval_records_nothing(tmp_path):
    from align.review.glossary_screen import GlossaryDesk

    glossary = tmp_path / "g.csv"
    shutil.copy(SEED_GLOSSARY, glossary)
    db = ReviewDB(tmp_path / "r.sqlite")
    desk = GlossaryDesk(db, glossary, None)
    with pytest.raises(ValueError, match="already in the glossary"):
        desk.decide_candidate("科技部", "ministry of science and technology", "", "", "approve", "Mei")
    with pytest.raises(ValueError, match="no glossary file"):
        GlossaryDesk(db, None, None).decide_candidate("主旨发言", "keynote speech", "", "", "approve", "Mei")
    assert db.term_proposals() == []
    proposal = db.add_term_proposal("科技部", "Ministry of Science and Technology", "Ann")
    assert desk.proposals()[0]["in_glossary"]
    with pytest.raises(ValueError, match="already in the glossary"):
        desk.decide(proposal, "approve", "Mei")
    desk.decide(proposal, "approve", "Mei", en="Ministry of Science & Technology")  # edited: a new entry
    assert ("科技部", "Ministry of Science & Technology") in {(e.zh, e.en) for e in desk.entries()}
    assert db.term_proposals()[0]["decided_en"] == "Ministry of Science & Technology"


def test_cohen_kappa_and_disputes():
    from align.review.agreement import cohen_kappa

    # po = 3/4; chance: A confirms 3/4, B 1/2 → pe = 3/8 + 1/8 = 1/2; kappa = (3/4 - 1/2) / (1/2)
    assert cohen_kappa([("c", "c"), ("c", "c"), ("d", "d"), ("c", "d")]) == pytest.approx(0.5)
    assert cohen_kappa([("c", "c")] * 3) is None  # no variation: undefined
    assert cohen_kappa([]) is None


def test_export_names_the_document_of_a_single_pair_run(tmp_path):
    links = seed_links()
    run = write_run(tmp_path / "seed-run", links)
    ws = Workspace(run)
    flag = ws.docs[0].flags[0]
    ws.db.add_flag_event(flag.id, "confirm", "Ann", doc=ws.docs[0].key, link=flag.link)
    ws.db.add_link_fix(ws.docs[0].key, "merge", merge_fix(links, 1).params, "Ann")
    ws.db.add_term_proposal("创新合作", "innovation cooperation", "Ann", doc=ws.docs[0].key, link=0)
    assert main(["review", "export", str(run), "--format", "json", "--out", str(tmp_path / "d.json")]) == 0
    data = json.loads((tmp_path / "d.json").read_text(encoding="utf-8"))
    docs = {r["doc"] for key in ("flags", "history", "alignment_fixes", "glossary_proposals") for r in data[key]}
    assert docs == {"seed-run"}
