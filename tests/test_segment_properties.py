"""Property tests on generated text: segments are in order, never overlap, cover every
non-space character of the input, and carry no line breaks or edge whitespace."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from align.text.segment import segment_text

# Pieces of real-looking text: words, Chinese characters, numbers, punctuation of both
# languages, abbreviations, item numbers, and every kind of whitespace the cleaner meets.
PIECES = st.sampled_from(
    [
        "the", "Road", "cooper-", "ation", "S&T", "Dr.", "No.", "U.S.", "3.5", "1,900",
        "1 ", "2.", "I.", "一、", "科", "技", "创新", "“一带一路”", "（曼谷）", "合作",
        ".", "!", "?", "。", "！", "？", "；", "……", "”", "’", ",", "，", "、", ":", "：",
        "-", "**", "(", ")", "A", "b", "9",
        " ", " ", "  ", "\n", "\n\n", "\n \n", "\u3000", "\xa0", "\t", "\r\n",
    ]
)
TEXTS = st.lists(PIECES, min_size=0, max_size=80).map("".join)


def _check(text: str, lang: str) -> None:
    segments = segment_text(text, lang)
    covered = [False] * len(text)
    previous_end = 0
    for i, s in enumerate(segments):
        assert s.index == i
        assert 0 <= s.start < s.end <= len(text)
        assert s.start >= previous_end, "segments overlap or are out of order"
        previous_end = s.end
        assert s.text and s.text == s.text.strip() and "\n" not in s.text
        for k in range(s.start, s.end):
            covered[k] = True
    missing = [c for c, hit in zip(text, covered) if not hit and not c.isspace()]
    assert not missing, f"not covered: {missing!r}"
    paragraphs = [s.paragraph for s in segments]
    assert paragraphs == sorted(paragraphs)


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_zh_segments_cover_text_in_order(text):
    _check(text, "zh")


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_en_segments_cover_text_in_order(text):
    _check(text, "en")


@settings(max_examples=100, deadline=None)
@given(st.text(min_size=0, max_size=200))
def test_any_unicode_text_is_covered(text):
    _check(text, "en")
