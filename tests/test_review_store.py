"""The review database, alignment fixes, carry-over, export and apply — without a browser."""
from __future__ import annotations

import csv
import json
import sqlite3

import pytest
from review_helpers import flags_for, seed_links, write_run

from align.cli import main
from align.errors import InputError
from align.fileio import read_jsonl
from align.model import Flag, Link
from align.review.db import SCHEMA_VERSION, ReviewDB
from align.review.fixes import FixError, apply_fixes, link_key, merge_fix, split_fix, untranslated_fix
from align.review.workspace import Workspace


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
    three = Link(0, (0, 1, 2), (0,), "一。二。三。", "One.", 0.5)
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
    pairs = [Link.from_json(r) for r in read_jsonl(run / "pairs.jsonl")]
    assert len(pairs) == len(links) - 1 and pairs[1].zh_ids == (1, 2)
    tmx = (run / "pairs.tmx").read_text(encoding="utf-8")
    assert tmx.count("<tu ") == len(pairs) and links[2].en.split()[0] in tmx
    flags_after = [Flag.from_json(r) for r in read_jsonl(run / "flags.jsonl")]
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
