"""`align bench mqm`: reads any file in the MQM format, scores by the README's rule."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import SHARED

from align.bench.mqm import documents, load_items, score
from align.errors import InputError
from align.model import Flag

MQM = SHARED / "bench" / "mqm-wmt23-zhen" / "items.jsonl"


def _subset(tmp_path, docs: int = 2):
    """The first ``docs`` documents of one system, as a file of their own."""
    rows = [json.loads(line) for line in MQM.read_text(encoding="utf-8").splitlines()]
    system = rows[0]["system"]
    wanted = sorted({r["doc"] for r in rows if r["system"] == system})[:docs]
    chosen = [r for r in rows if r["system"] == system and r["doc"] in wanted]
    path = tmp_path / "subset.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in reversed(chosen)), encoding="utf-8")
    return path, chosen


def test_items_are_grouped_into_documents_in_segment_order(tmp_path):
    path, chosen = _subset(tmp_path)
    groups = documents(load_items(path))
    assert len(groups) == 2
    for group in groups:
        assert [i.seg for i in group] == sorted(i.seg for i in group)
        assert len({(i.system, i.doc) for i in group}) == 1
    assert sum(len(g) for g in groups) == len(chosen)


def test_positive_follows_the_scoring_rule(tmp_path):
    path, chosen = _subset(tmp_path)
    items = {i.key: i for i in load_items(path)}
    for row in chosen:
        raters = {e["rater"] for e in row["errors"]
                  if (e["severity"] == "Major" and e["category"].startswith("Accuracy/"))
                  or "Non-translation" in e["category"] or "Non-translation" in e["severity"]}
        item = items[(row["system"], row["doc"], row["seg"])]
        assert item.positive(1) == bool(raters)
        assert item.positive(2) == (len(raters) >= 2)


def test_score_counts_flagged_pairs_against_positives(tmp_path):
    path, _ = _subset(tmp_path)
    items = load_items(path)
    # flag every third pair with a warning and every fifth with an info (info never counts)
    flags = {i.key: [] for i in items}
    for n, item in enumerate(items):
        if n % 3 == 0:
            flags[item.key].append(Flag(0, "number.missing", "warning", item.zh, item.en, "m", (0, 1), None))
        if n % 5 == 0:
            flags[item.key].append(Flag(0, "tense.plan_vs_done", "info", item.zh, item.en, "m"))
    cosines = {i.key: float(n) for n, i in enumerate(items)}
    result = score(items, flags, cosines)
    predicted = [i for n, i in enumerate(items) if n % 3 == 0]
    hits = sum(i.positive() for i in predicted)
    assert result["checker"]["flagged"] == len(predicted)
    assert result["checker"]["precision"] == pytest.approx(hits / len(predicted))
    assert result["checker"]["recall"] == pytest.approx(hits / sum(i.positive() for i in items))
    assert "tense.plan_vs_done" not in result["codes"]
    lowest = items[:len(predicted)]  # cosine = position: the first ones are the lowest
    assert result["baselines"]["cosine_same_rate"]["tp"] == sum(i.positive() for i in lowest)


@pytest.mark.parametrize("line, problem", [
    ("not json", "not JSON"),
    ('{"system": "s", "doc": "d", "seg": 1, "zh": "中", "en": "x"}', "'errors'"),
    ('{"system": "s", "doc": "d", "seg": 1, "zh": "中", "en": "x", "errors": [{"category": "Accuracy/Addition",'
     ' "severity": "Major", "zh_span": [3, 1], "en_span": null}]}', "zh_span"),
])
def test_bad_lines_are_refused_with_their_line_number(tmp_path, line, problem):
    path = tmp_path / "bad.jsonl"
    good = '{"system": "s", "doc": "d", "seg": 0, "zh": "中文", "en": "Chinese", "errors": []}'
    path.write_text(good + "\n" + line + "\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_items(path)
    assert f"{path}:2" in str(caught.value) and problem in str(caught.value)


def test_cli_scores_a_file_in_the_format(tmp_path):
    path, chosen = _subset(tmp_path)
    out = tmp_path / "result.json"
    done = subprocess.run([sys.executable, "-m", "align", "bench", "mqm", "--data", str(path), "--out", str(out),
                           "--quiet", "--bible", "0"], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "| checks (error + warning) |" in done.stdout and "lowest cosine" in done.stdout
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["items"] == len(chosen)
    assert result["positive"] == sum(1 for r in chosen if any(
        e["severity"] == "Major" and e["category"].startswith("Accuracy/") for e in r["errors"]))
    assert set(result["subcategory_recall"]) == {"Mistranslation", "Omission", "Addition", "Untranslated"}


def test_cli_refuses_a_missing_file(tmp_path):
    done = subprocess.run([sys.executable, "-m", "align", "bench", "mqm", "--data", str(tmp_path / "none.jsonl")],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "none.jsonl: no such file" in done.stderr


def test_parts_split_by_source_document_and_bible_gate_is_counted(tmp_path):
    from align.bench.mqm import in_heldout, select_part

    items = load_items(MQM)
    dev, held = select_part(items, "dev"), select_part(items, "heldout")
    assert len(dev) + len(held) == len(items) and dev and held
    assert not {i.doc for i in dev} & {i.doc for i in held}  # every system's version on one side
    assert all(in_heldout(i.doc) for i in held)
    path, chosen = _subset(tmp_path, docs=6)
    out = tmp_path / "result.json"
    done = subprocess.run([sys.executable, "-m", "align", "bench", "mqm", "--data", str(path), "--out", str(out),
                           "--quiet", "--part", "heldout", "--bible", "30"], capture_output=True, text=True,
                          timeout=600)
    result = json.loads(out.read_text(encoding="utf-8"))
    assert done.returncode == 0, done.stderr
    assert result["items"] == sum(1 for r in chosen if in_heldout(r["doc"])) and result["part"] == "heldout"
    assert result["clean_bible"]["pairs"] == 30 and "clean Bible gold pairs: 30" in done.stdout
