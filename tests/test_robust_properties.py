"""No input makes the text front end hang: property tests with a 1 s deadline per example.

Each strategy mixes real seed text with runs (1–200 long) of the characters that make
backtracking regexes explode — dots (tables of contents), dashes, digits, quotes, brackets
— so a pattern with nested quantifiers fails here long before a user's file finds it.
Example counts are sized for CI: the whole file runs in well under a minute.
"""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from align.glossary.files import read_csv
from align.glossary.termbase import Glossary
from align.text.clean import clean_paragraphs
from align.text.numbers import en_quantities, zh_quantities
from align.text.segment import segment_text

ROOT = Path(__file__).resolve().parents[1]
SEED_ZH = (ROOT / "seeds" / "003_61e2e90163225e43.txt").read_text(encoding="utf-8")
SEED_EN = (ROOT / "seeds" / "000_1deec09b464cf72e.txt").read_text(encoding="utf-8")
RUN_CHARS = list(".-—–…1０9,，'\"“”‘’()[]（）【】《》。！？!? \n")

DEADLINE = settings(
    deadline=timedelta(seconds=1),
    max_examples=60,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _seed_pieces(text: str) -> list[str]:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return [line[:120] for line in lines[:: max(1, len(lines) // 60)]]


RUN = st.builds(lambda ch, n: ch * n, st.sampled_from(RUN_CHARS), st.integers(1, 200))
MIXED_RUN = st.lists(st.sampled_from(RUN_CHARS), min_size=1, max_size=8).flatmap(
    lambda chars: st.integers(1, 200).map(lambda n: ("".join(chars) * n)[: max(n, len(chars))])
)


def _texts(seed: str) -> st.SearchStrategy[str]:
    piece = st.one_of(st.sampled_from(_seed_pieces(seed)), RUN, MIXED_RUN, st.sampled_from(
        ["1 Introduction", "Dr.", "U.S.", "No.", "3.5", "1,900", "第一章", "一、", " ", "\n", "\n\n"]))
    return st.lists(piece, min_size=1, max_size=12).map("".join)


EN_TEXTS = _texts(SEED_EN)
ZH_TEXTS = _texts(SEED_ZH)


@pytest.fixture(scope="module", autouse=True)
def _loaded() -> None:
    """Lazy imports and dictionaries load once here, not inside a timed example."""
    zh_quantities(SEED_ZH[:2000])
    en_quantities(SEED_EN[:2000])
    segment_text(SEED_ZH[:2000], "zh")


@DEADLINE
@given(EN_TEXTS)
def test_en_segmenter_is_fast_on_any_run(text):
    segment_text(text, "en")


@DEADLINE
@given(ZH_TEXTS)
def test_zh_segmenter_is_fast_on_any_run(text):
    segment_text(text, "zh")


@DEADLINE
@given(st.one_of(EN_TEXTS, ZH_TEXTS))
def test_cleaner_is_fast_on_any_run(text):
    list(clean_paragraphs(text))


@DEADLINE
@given(EN_TEXTS)
def test_en_number_parser_is_fast_on_any_run(text):
    en_quantities(text)


@DEADLINE
@given(ZH_TEXTS)
def test_zh_number_parser_is_fast_on_any_run(text):
    zh_quantities(text)


@pytest.fixture(scope="module")
def seed_glossary() -> Glossary:
    glossary = Glossary(read_csv(ROOT / "glossaries" / "seed.csv"))
    glossary.find_zh(SEED_ZH[:2000])  # loads jieba's dictionary outside the timed examples
    glossary.find_en(SEED_EN[:2000])
    return glossary


@DEADLINE
@given(en=EN_TEXTS, zh=ZH_TEXTS)
def test_glossary_matcher_is_fast_on_any_run(seed_glossary, en, zh):
    seed_glossary.find_en(en)
    seed_glossary.find_zh(zh)


@pytest.mark.parametrize("run", ["." * 200, "-" * 200, ". " * 200, "…" * 200, "!?" * 100])
def test_table_of_contents_line_is_one_sentence(run):
    """The issue's reproducer: a heading, a run of leaders, a page number."""
    text = f"1 Introduction{run}5\n"
    segments = segment_text(text, "en")
    assert "".join(s.text for s in segments).replace(" ", "") == text.strip().replace(" ", "")
    assert segments[0].text.startswith("1 Introduction")
