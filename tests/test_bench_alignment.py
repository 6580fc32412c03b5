"""The alignment dev sets (Bible re-segmented, Text+Berg split) and Bertalign's algorithm
re-implemented on our encoder."""
from __future__ import annotations

import re

import pytest
from conftest import SHARED

from align.bench import bertalign
from align.bench.alignment import Counts, bible_pairs
from align.bench.devsets import bead_histogram, dev_sets, resegment_book, split_clauses


@pytest.fixture(scope="module")
def sets():
    return dev_sets(SHARED)


def test_dev_sets_hold_calibration_and_held_out_parts(sets):
    names = list(sets)
    assert any("calibration" in n for n in names) and any("held out" in n for n in names)
    docs = [p.name for ps in sets.values() for p in ps]
    assert len(docs) == len(set(docs))  # no document in two sets
    assert {"textberg/001", "textberg/007", "bible-split/Gen", "bible-split/Num"} <= set(docs)


def test_bible_split_gold_is_exact_and_covers_every_sentence(sets):
    bible = bible_pairs(SHARED)[0]
    for pair in [p for ps in sets.values() for p in ps if p.name.startswith("bible-split")]:
        zh_ids = [i for src, _ in pair.gold for i in src]
        en_ids = [j for _, tgt in pair.gold for j in tgt]
        assert sorted(zh_ids) == list(range(len(pair.zh)))  # each sentence in exactly one link
        assert sorted(en_ids) == list(range(len(pair.en)))
        assert zh_ids == sorted(zh_ids) and en_ids == sorted(en_ids)  # monotone
        # the English text is the KJV text, only re-cut
        book = pair.name.split("/")[1]
        first = next(j for j, v in enumerate(bible.en_verse) if v.startswith(book + ":"))
        joined = re.sub(r"\s+", "", "".join(pair.en))
        assert re.sub(r"\s+", "", "".join(bible.en[first : first + 40])).startswith(joined[:500])
    hist = bead_histogram([p for ps in sets.values() for p in ps if p.name.startswith("bible-split")])
    n_m = sum(c for k, c in hist.items() if min(map(int, k.split("-"))) >= 2)
    one_n = sum(c for k, c in hist.items() if k.startswith("1-") and k != "1-1")
    assert n_m >= 30 and one_n > hist["1-1"]  # the structure the set exists for


def test_resegmentation_is_fixed_by_its_seed():
    bible = bible_pairs(SHARED)[0]
    a, b = resegment_book(bible, "Gen", chapters=2), resegment_book(bible, "Gen", chapters=2)
    assert a.zh == b.zh and a.en == b.en and a.gold == b.gold


def test_split_clauses_cuts_after_colon_and_semicolon_only():
    assert split_clauses("And God said, Let there be light: and there was light.") == [
        "And God said, Let there be light:", "and there was light."]
    assert split_clauses("the earth was void; and darkness") == ["the earth was void;", "and darkness"]
    assert split_clauses("no cut at 3:16 or here") == ["no cut at 3:16 or here"]


def test_bertalign_finds_the_clause_structure_of_genesis(encoder):
    """Two chapters of the re-segmented Genesis: Bertalign's links cover both sides in
    order and most of them are the gold beads."""
    pair = resegment_book(bible_pairs(SHARED)[0], "Gen", chapters=1)
    links = bertalign.align(pair.zh, pair.en, encoder)
    assert [i for src, _ in links for i in src] == list(range(len(pair.zh)))
    assert [j for _, tgt in links for j in tgt] == list(range(len(pair.en)))
    counts = Counts()
    counts.add(pair.gold, links)
    scores = counts.scores()
    assert scores["lax_f1"] > 0.9 and scores["strict_f1"] > 0.5


def test_bertalign_run_texts_match_its_overlap_layer():
    assert bertalign.run_texts(["a", " b ", "", "d"], 2) == ["PAD", "a b", "b BLANK_LINE", "BLANK_LINE d"]
    assert bertalign.run_texts(["a"], 3) == ["PAD"]


def test_reliability_table_has_a_curve_per_dev_set():
    from align.bench.alignment import reliability_rows

    judged = {"a": [(0.1, False), (0.15, True), (0.9, True)], "b": [(0.5, True)]}
    curve = {"a": [(0.9, False), (0.2, True), (0.3, True)], "b": [(0.5, True)]}
    rows = reliability_rows(judged, curve)
    table = [r for r in rows if r.startswith("| a ") or r.startswith("| b ")]
    assert table[0].split(" | ")[1:3] == ["0.500 (2)", "– (0)"]
    assert table[0].rstrip(" |").endswith("1.000 (1)")
    assert table[1].split(" | ")[3] == "1.000 (1)"
    # then per set: links, share exactly gold, Brier of the confidence, of the base rate, of the
    # cosine curve, wrong among the lowest tenth (here its one lowest link), of all, of the curve's
    a = table[2].strip("| ").split(" | ")
    assert a[:3] == ["a", "3", "0.667"]
    assert float(a[3]) == pytest.approx((0.1 ** 2 + 0.85 ** 2 + 0.1 ** 2) / 3, abs=1e-4)
    assert float(a[4]) == pytest.approx(2 / 9, abs=1e-4)
    assert float(a[5]) == pytest.approx((0.81 + 0.64 + 0.49) / 3, abs=1e-4)
    assert a[6:] == ["1.000", "0.333", "0.000"]
