"""Excel-friendly CSV (UTF-8 with a BOM) wherever align writes CSV, and the review app's
decisions exported into the world of a CAT tool (`align review export --format xliff`)."""
from __future__ import annotations

import codecs
import csv
import json

from lxml import etree

from align.cli import main
from tests.conftest import REPO, SEED_GLOSSARY
from tests.review_helpers import ReviewClient, review_server, seed_links, write_run

DATA = REPO / "tests" / "data"


def test_review_export_csv_has_a_bom(tmp_path):
    run = write_run(tmp_path / "run", seed_links())
    out = tmp_path / "d.csv"
    assert main(["review", "export", str(run), "--format", "csv", "--out", str(out)]) == 0
    assert out.read_bytes().startswith(codecs.BOM_UTF8)
    with open(out, encoding="utf-8-sig", newline="") as fh:
        assert next(csv.reader(fh))[0] == "doc"


def test_review_export_xliff_carries_the_decisions(tmp_path, encoder):
    from align.review.workspace import Workspace

    run = tmp_path / "run"
    assert main(["check", str(DATA / "seed.xlf"), "--out", str(run), "-g", str(SEED_GLOSSARY), "-q"]) == 0
    workspace = Workspace(run)
    flag = workspace.docs[0].flags[0]
    workspace.db.add_flag_event(flag.id, "dismiss", "张伟", reason="acceptable variant")
    out = tmp_path / "reviewed.xlf"
    assert main(["review", "export", str(run), "--format", "xliff", "--out", str(out)]) == 0
    tree = etree.parse(str(out))
    notes = tree.xpath("//*[local-name()='note'][@from='align']")
    assert len(notes) == len(workspace.docs[0].flags)  # one per flag, none left from the check's copy
    [dismissed] = [n for n in notes if flag.id in n.text]
    assert "dismissed by 张伟 (acceptable variant)" in dismissed.text
    units = {f["id"]: f["unit"] for f in map(json.loads, (run / "flags.jsonl").read_text(encoding="utf-8").splitlines())}
    assert dismissed.getparent().get("id") == units[flag.id]  # on its trans-unit
    # the CSV export and the review pages name the unit of every flag, also one without a span
    assert main(["review", "export", str(run), "--format", "csv", "--out", str(tmp_path / "d.csv")]) == 0
    with open(tmp_path / "d.csv", encoding="utf-8-sig", newline="") as fh:
        assert {r["flag_id"]: r["unit"] for r in csv.DictReader(fh)} == units
    spanless = next(i for i in workspace.queue() if i.flag.position is None)
    with review_server(run) as (base, _):
        client = ReviewClient(base, "Ann")
        queue = client.http.get("/").text
        page = client.http.get(f"/flag/0/{spanless.position}").text
    assert f"unit {spanless.flag.unit}" in queue
    assert f'unit <span id="unit">{spanless.flag.unit}</span>' in page


def test_review_export_xliff_refuses_a_text_run(tmp_path, capsys):
    run = write_run(tmp_path / "run", seed_links())
    out = tmp_path / "x.xlf"
    assert main(["review", "export", str(run), "--format", "xliff", "--out", str(out)]) == 2
    assert "not a run of an XLIFF file" in capsys.readouterr().err
    assert not out.exists()
