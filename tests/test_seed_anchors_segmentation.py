"""The gold anchors of the seed pair are a free check on segmentation: every zh / en
anchor substring must lie inside exactly one segment (it is part of one sentence).

Anchors are defined on the *joined* text of the raw files (zh: all whitespace removed;
en: whitespace collapsed to single spaces), with an occurrence index where a substring
appears more than once (see ``format_notes`` in seed-anchors.json).
"""
from __future__ import annotations

import json
import re

import pytest
from conftest import EN_SEED, SHARED, ZH_SEED

from align.text.segment import load_document

ANCHORS = json.loads((SHARED / "bench" / "seed-anchors.json").read_text(encoding="utf-8"))
JOIN = {"zh": lambda text: re.sub(r"\s+", "", text), "en": lambda text: " ".join(text.split())}
SEP = {"zh": "", "en": " "}


@pytest.fixture(scope="module")
def docs():
    return {"zh": load_document(ZH_SEED, "zh"), "en": load_document(EN_SEED, "en")}


def _segment_ranges(doc, lang):
    """Each segment's [start, end) in the joined text built from the segments."""
    ranges, pos = [], 0
    for s in doc.segments:
        piece = JOIN[lang](s.text)
        ranges.append((pos, pos + len(piece)))
        pos += len(piece) + len(SEP[lang])
    return ranges


def _containing_segments(doc, lang, fragment, occurrence):
    joined = JOIN[lang](doc.original)
    starts = [m.start() for m in re.finditer(re.escape(fragment), joined)]
    assert occurrence < len(starts), f"{fragment!r}: occurrence {occurrence} not found"
    start = starts[occurrence]
    end = start + len(fragment)
    return [i for i, (a, b) in enumerate(_segment_ranges(doc, lang)) if a <= start and end <= b]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_segments_rebuild_the_joined_file_text(docs, lang):
    """Cleaning only removes whitespace: the segments, joined, are the file's text."""
    doc = docs[lang]
    assert SEP[lang].join(JOIN[lang](t) for t in doc.texts) == JOIN[lang](doc.original)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_anchor_is_inside_exactly_one_segment(docs, lang):
    failures = []
    for link in ANCHORS["links"]:
        fragment = link[lang]
        hits = _containing_segments(docs[lang], lang, fragment, link.get(f"{lang}_occurrence", 0))
        if len(hits) != 1:
            failures.append((fragment, hits))
    assert not failures


def test_zh_only_sentence_is_inside_one_segment(docs):
    [fragment] = ANCHORS["zh_only"]
    [hit] = _containing_segments(docs["zh"], "zh", fragment, 0)
    assert docs["zh"].segments[hit].text.startswith("大道致远，携手远航")


def test_anchor_pairs_land_in_distinct_sentences_where_gold_says_1_1(docs):
    """Different 1-1 gold links must not be forced together by an under-split sentence."""
    seen = {"zh": {}, "en": {}}
    for link in ANCHORS["links"]:
        if link["type"] != "1-1":
            continue
        for lang in ("zh", "en"):
            [hit] = _containing_segments(docs[lang], lang, link[lang], link.get(f"{lang}_occurrence", 0))
            other = seen[lang].setdefault(hit, link[lang])
            assert other == link[lang], f"{lang} segment {hit} holds two 1-1 anchors: {other!r}, {link[lang]!r}"
