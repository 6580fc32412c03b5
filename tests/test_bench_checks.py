"""`align bench checks` builds its large documents by repeating a real pair: every link of
the repeated document must point at segments that hold its text, at consistent offsets."""
from __future__ import annotations

from conftest import SHARED

from align.bench.checks import format_table, repeat_pair
from align.model import Link
from align.text.segment import load_presegmented

BIBLE = SHARED / "bench" / "bible-zh-en"


def test_repeated_pair_keeps_links_and_segments_consistent(tmp_path):
    for lang in ("zh", "en"):
        lines = BIBLE.joinpath(f"{lang}.txt").read_text(encoding="utf-8").splitlines()[:20]
        (tmp_path / f"{lang}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    zh_doc = load_presegmented(tmp_path / "zh.txt", "zh")
    en_doc = load_presegmented(tmp_path / "en.txt", "en")
    links = [Link(i, (i,), (i,), zh_doc.segments[i].text, en_doc.segments[i].text, 0.8) for i in range(20)]
    zh, en, repeated = repeat_pair(zh_doc, en_doc, links, 45)
    assert [link.index for link in repeated] == list(range(45))
    assert len(zh.segments) == 60 and [s.index for s in zh.segments] == list(range(60))
    for link in repeated:
        assert link.zh == zh.segments[link.zh_ids[0]].text and link.en == en.segments[link.en_ids[0]].text
        assert link.zh_sentences[0][0] == link.zh_ids[0]
        segment = zh.segments[link.zh_ids[0]]
        assert zh.original[segment.start:segment.end] == segment.text


def test_table_gives_microseconds_per_link_and_the_spread():
    table = format_table({"a.check": {1000: 0.5, 2000: 1.5}}, (1000, 2000))
    assert "| `a.check` | 500 | 750 | 1.50× |" in table
    assert "**all checks**" in table
