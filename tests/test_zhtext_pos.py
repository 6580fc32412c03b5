"""align's POS tagger (jieba's tables loaded per leading character, the HMM decoded by numpy)
must tag exactly as jieba's own POSTokenizer does: the checks rely on jieba's tags, the
tagger only makes them cheaper."""
import itertools

import jieba
import jieba.posseg
from conftest import SHARED, ZH_SEED

from align.glossary.terms import USER_WORD_WEIGHT, new_tokenizer
from align.text.lexicon import Tagger, shared
from align.text.segment import load_document
from align.text.zhtext import _tokenizer, pos_tokens


def _real_chinese_lines():
    seed = [s.text for s in load_document(ZH_SEED, "zh").segments]
    with open(SHARED / "bench" / "bible-zh-en" / "zh.txt", encoding="utf-8") as fh:
        bible = [line.strip() for line in itertools.islice(fh, 0, 6000, 12)]
    return seed + bible


def test_tagger_tags_like_jieba_on_real_text():
    reference = jieba.posseg.POSTokenizer(jieba.Tokenizer())
    ours = _tokenizer()
    lines = _real_chinese_lines()
    assert len(lines) > 500
    for line in lines:
        expected = [(p.word, p.flag) for p in reference.cut(line)]
        assert list(ours.cut(line)) == expected, line


def test_pos_tokens_offsets_point_into_the_text():
    text = "中国科学院将在泰国启动东盟（曼谷）创新中心，韩龙表示。"
    tokens = pos_tokens(text)
    assert "".join(t.word for t in tokens) == text
    for token in tokens:
        assert text[token.start:token.end] == token.word


def test_tagger_without_hmm_and_search_cuts_like_jieba():
    """The glossary miner's paths: POS cuts without the HMM, search-mode cuts."""
    reference = jieba.posseg.POSTokenizer(jieba.Tokenizer())
    ours = Tagger()
    for line in _real_chinese_lines()[::3]:
        assert list(ours.cut(line, HMM=False)) == [(p.word, p.flag) for p in reference.cut(line, HMM=False)], line
        assert list(ours.tokenizer.cut_for_search(line)) == list(reference.tokenizer.cut_for_search(line)), line


def test_user_words_cut_like_jieba_with_the_same_words():
    """Words added before their characters' tables are loaded must outlive the load (the
    glossary tokenizer adds its terms first, then cuts)."""
    words = ["科技创新合作", "一带一路科技创新", "耶和华神", "丝路创新"]
    reference = jieba.Tokenizer()
    ours = new_tokenizer(words)
    for word in sorted(words):
        suggested = max(reference.suggest_freq(word, False), reference.FREQ.get(word, 0))
        reference.add_word(word, suggested * USER_WORD_WEIGHT)
    for word in words:
        assert ours.FREQ[word] == reference.FREQ[word]
    for line in _real_chinese_lines()[::2] + ["推动一带一路科技创新合作，耶和华神说"]:
        assert ours.lcut(line, HMM=False) == reference.lcut(line, HMM=False), line


def test_lexicon_file_written_once_and_rebuilt_when_damaged(tmp_path):
    lexicon = shared(str(tmp_path))
    (path,) = tmp_path.glob("jieba-lexicon-*.bin")
    assert lexicon.shard("中").freq["中国"] > 0 and lexicon.shard("中").tags["中国"] == "ns"
    written = path.stat().st_mtime_ns
    shared.cache_clear()
    assert shared(str(tmp_path)).total == lexicon.total
    assert path.stat().st_mtime_ns == written  # read, not rebuilt
    path.write_bytes(path.read_bytes()[:1000])  # a truncated file (a crashed writer, a full disk)
    shared.cache_clear()
    rebuilt = shared(str(tmp_path))
    assert rebuilt.shard("中").freq == lexicon.shard("中").freq
    assert path.stat().st_size > 1000
    shared.cache_clear()


def test_unwritable_cache_folder_still_tags(tmp_path):
    """A cache folder that cannot be written (here: under a file, which even root cannot
    write into) costs a rebuild per process, nothing else."""
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    try:
        tagger = Tagger(lexicon=shared(str(blocker / "cache")))
        assert list(tagger.cut("中国科学院")) == [("中国科学院", "nt")]
        assert blocker.read_text() == "not a folder"
    finally:
        shared.cache_clear()
