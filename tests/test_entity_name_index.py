"""``entity.swapped`` looks learnt names up through one index per document; it must find
exactly what one case-insensitive whole-word regex per (link, name) found before."""
from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from align.checks.entity import _NameIndex

NAMES = ["Abram", "Abraham", "Isaac", "Sarai", "Sarah", "Kish", "Israel", "Bethel", "Haran"]
FORMS = ["亚伯兰", "亚伯拉罕", "以撒", "撒莱", "撒拉", "基士", "以色列", "伯特利", "哈兰"]
INDUCED = tuple(zip(FORMS, NAMES)) + (("亚伯兰", "Abe"),)
# the characters Python's re.IGNORECASE pairs with ASCII letters, and near-misses
PIECES = NAMES + [n.lower() for n in NAMES] + [n.upper() for n in NAMES] + [
    "\u0130saac", "\u0131saac", "I\u017fAAC", "\u212aish", "Kelvin", "Israelites", "Bethharan",
    "isaacs", " ", ", ", "-", "'s", "5", "é", "the", "and", "\n"]


def _regex_present(name: str, text: str):
    return re.search(rf"(?<![A-Za-z]){re.escape(name)}(?![A-Za-z])", text, re.IGNORECASE)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=20).map("".join))
def test_english_names_found_as_the_per_name_regex_finds_them(text):
    index = _NameIndex(INDUCED)
    expected = {}
    for _, name in INDUCED:
        m = _regex_present(name, text)
        if m:
            expected[name] = m.span()
    assert index.english_present(text) == expected


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(FORMS + ["的", "玛土撒拉", "伯", "兰", "。"]), max_size=12).map("".join))
def test_chinese_forms_found_as_substring_search_finds_them(text):
    index = _NameIndex(INDUCED)
    assert index.chinese_present(text) == {zh for zh, _ in INDUCED if zh in text}


def test_rows_keep_table_order_and_cover_both_sides():
    index = _NameIndex(INDUCED)
    english = index.english_present("And Sarah said to Abram")
    rows = index.rows(english, index.chinese_present("以撒的"))
    assert [INDUCED[i] for i in rows] == [r for r in INDUCED if r[1] in ("Abram", "Sarah") or r[0] == "以撒"]


def test_an_empty_table_finds_nothing():
    index = _NameIndex(())
    assert index.english_present("Abram") == {} and index.chinese_present("亚伯兰") == set()
    assert index.rows({}, set()) == []
