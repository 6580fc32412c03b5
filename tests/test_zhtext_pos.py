"""The numpy POS-HMM decoder in align.text.zhtext must tag exactly as jieba's own decoder does:
the checks rely on jieba's tags, the decoder only makes them cheaper."""
import itertools

import jieba
import jieba.posseg
from conftest import SHARED, ZH_SEED

from align.text.segment import load_document
from align.text.zhtext import _tokenizer, pos_tokens


def _real_chinese_lines():
    seed = [s.text for s in load_document(ZH_SEED, "zh").segments]
    with open(SHARED / "bench" / "bible-zh-en" / "zh.txt", encoding="utf-8") as fh:
        bible = [line.strip() for line in itertools.islice(fh, 0, 6000, 12)]
    return seed + bible


def test_numpy_decoder_tags_like_jieba_on_real_text():
    reference = jieba.posseg.POSTokenizer(jieba.Tokenizer())
    ours = _tokenizer()
    lines = _real_chinese_lines()
    assert len(lines) > 500
    for line in lines:
        expected = [(p.word, p.flag) for p in reference.cut(line)]
        assert [(p.word, p.flag) for p in ours.cut(line)] == expected, line


def test_pos_tokens_offsets_point_into_the_text():
    text = "中国科学院将在泰国启动东盟（曼谷）创新中心，韩龙表示。"
    tokens = pos_tokens(text)
    assert "".join(t.word for t in tokens) == text
    for token in tokens:
        assert text[token.start:token.end] == token.word
