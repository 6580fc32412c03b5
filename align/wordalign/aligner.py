"""Word alignment inside one link: which English words render each Chinese word, and which
content words on either side render nothing.

Signals, strongest first:

* the same number or Latin token on both sides (2019 ↔ 2019, GDP ↔ GDP);
* a pinyin reading: a Chinese name whose pinyin is an English word (习近平 ↔ Xi Jinping);
* CC-CEDICT: an English word whose lemma (or stem) is a content word of one of the Chinese
  word's senses (发展 "to develop; development" ↔ developing). A jieba word the dictionary
  does not hold is looked up by its longest dictionary parts (新冠疫苗 → 新冠 + 疫苗).

A Chinese word is *content* when jieba tags it as a noun, verb, adjective, idiom, time or
number word and the dictionary gives it at least one sense with a content word; light
verbs and single-character verbs (是, 有, 进行, 说) are not, because translations absorb them.
"""
from __future__ import annotations

import re
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from align.wordalign import english
from align.wordalign.dictionary import Dictionary
from align.wordalign.wordlist import WordList

_CONTENT_TAGS = ("n", "v", "a", "i", "l", "j", "t", "m", "s", "b", "eng", "z")
_NOT_CONTENT_TAGS = ("vshi", "vyou", "mq")
# verbs and adverbs a translation folds into its syntax (进行研究 → "study")
LIGHT_WORDS = frozenset("""进行 开展 加以 予以 作出 做出 实现 表示 指出 认为 强调 称 介绍 提出 有关 相关 方面 问题 工作
情况 一些 一个 这个 那个 其中 目前 当前 现在 已经 正在 仍然 还是 通过 以及 对于 关于 由于 因为 所以 但是
可以 能够 应该 需要 必须 成为 作为 具有 拥有 存在 发生 出现 得到 受到 进一步 不断 更加 非常 十分 一直
表明 显示 据悉 据 此外 同时 另外 这样 那样 如此 任何 所有 各种 各类 包括""".split())
_DIGITS = re.compile(r"\d+(?:[.,]\d+)*")
_LATIN = re.compile(r"[A-Za-z]+")
_HAN = re.compile(r"[\u3400-\u9fff]")
_UNITS = frozenset("年 月 日 号 时 点 分 岁 个 名 人 次 天 周".split())


@dataclass(frozen=True, slots=True)
class ZhWord:
    start: int
    end: int
    text: str
    tag: str
    keys: frozenset[str]
    content: bool
    known: bool  # the dictionary (or a reading) gives it some English
    name: bool  # a proper name: jieba tags it nr/ns/nt/nz or the dictionary lists it as one


class WordAlignment:
    """The words of a link and the pairs (zh index, en index) the signals support, stored
    compactly (see ``WordList``): the pairs as one integer array, which words are linked as
    one byte per word."""

    __slots__ = ("zh", "en", "_pairs", "_zh_linked", "_en_linked")

    def __init__(self, zh: Sequence[ZhWord], en: Sequence[english.EnWord],
                 pairs: Iterable[tuple[int, int]] = ()) -> None:
        self.zh = zh if isinstance(zh, WordList) else WordList.of(ZhWord, zh)
        self.en = en if isinstance(en, WordList) else WordList.of(english.EnWord, en)
        self._pairs = array("i", [x for pair in pairs for x in pair])
        self._zh_linked = bytearray(len(self.zh))
        self._en_linked = bytearray(len(self.en))
        for i, j in self.pairs:
            self._zh_linked[i] = self._en_linked[j] = 1

    @property
    def pairs(self) -> list[tuple[int, int]]:
        return list(zip(self._pairs[::2], self._pairs[1::2]))

    def zh_aligned(self, i: int) -> bool:
        return bool(self._zh_linked[i])

    def en_aligned(self, j: int) -> bool:
        return bool(self._en_linked[j])

    def renderings(self, i: int) -> list[english.EnWord]:
        """The English words aligned to Chinese word ``i``."""
        pairs = self._pairs
        return [self.en[pairs[k + 1]] for k in range(0, len(pairs), 2) if pairs[k] == i]

    def _zh_known_content(self) -> list[int]:
        return [i for i, (content, known) in enumerate(zip(self.zh.column("content"), self.zh.column("known")))
                if content and known]

    def _en_content(self) -> list[int]:
        return [j for j, content in enumerate(self.en.column("content")) if content]

    def unaligned_zh(self) -> list[int]:
        """Known content words of the Chinese that no English word renders."""
        return [i for i in self._zh_known_content() if not self._zh_linked[i]]

    def unaligned_en(self) -> list[int]:
        """Content words of the English that render no Chinese word."""
        return [j for j in self._en_content() if not self._en_linked[j]]

    def zh_coverage(self) -> float:
        """Share of the Chinese known content words that the English renders (1.0 when none)."""
        known = self._zh_known_content()
        return sum(self._zh_linked[i] for i in known) / len(known) if known else 1.0

    def en_coverage(self) -> float:
        content = self._en_content()
        return sum(self._en_linked[j] for j in content) / len(content) if content else 1.0


@lru_cache(maxsize=65536)
def _pinyin_keys(text: str, person: bool) -> frozenset[str]:
    """Readings of a Chinese name as an English text may spell it: whole, surname + given
    name (习近平 → xijinping, xi, jinping)."""
    from pypinyin import lazy_pinyin

    syllables = [s.lower() for s in lazy_pinyin(text)]
    if not syllables or not all(s.isalpha() for s in syllables):
        return frozenset()
    found = {"".join(syllables)}
    if person and len(syllables) >= 2:
        found |= {syllables[0], "".join(syllables[1:])}
    return frozenset(found)


def _dictionary_keys(dictionary: Dictionary, text: str) -> tuple[frozenset[str], bool]:
    """Keys of every sense of ``text``, or of its longest dictionary parts when the whole
    is not a headword; and whether every character found a sense."""
    senses = dictionary.lookup(text)
    if senses:
        return frozenset().union(*(english.sense_keys(s) for s in senses)), True
    found: set[str] = set()
    at, complete = 0, True
    while at < len(text):
        for size in dictionary.head_lengths.get(text[at], ()):
            part = text[at : at + size]
            if size <= len(text) - at and dictionary.lookup(part):
                found |= frozenset().union(*(english.sense_keys(s) for s in dictionary.lookup(part)))
                at += size
                break
        else:
            complete = False
            at += 1
    return frozenset(found), complete


_NUMERALS = {c: n for n, c in enumerate("零一二三四五六七八九十")} | {"两": 2, "百": 100, "千": 1000}


def _numeral_value(word: str) -> float | None:
    """The value of a plain Chinese numeral word (三, 十二, 第三), else None."""
    word = word.removeprefix("第")
    if not word or any(c not in _NUMERALS for c in word):
        return None
    if len(word) == 1:
        return _NUMERALS[word]
    try:
        import cn2an

        return float(cn2an.cn2an(word, "normal"))
    except (ValueError, KeyError):
        return None


def _is_han(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff"  # what _HAN matches


def _compounds(text: str, dictionary: Dictionary, min_len: int = 3) -> list[tuple[int, int, str]]:
    """Dictionary headwords of three characters or more found by forward maximum matching:
    jieba may cut one (一带一路 → 一带 + 一路) that the dictionary holds whole."""
    senses, head_lengths, length = dictionary.senses, dictionary.head_lengths, len(text)
    found, at = [], 0
    while at < length:
        if _is_han(text[at]):
            for size in head_lengths.get(text[at], ()):
                if min_len <= size <= length - at and text[at : at + size] in senses:
                    found.append((at, at + size, text[at : at + size]))
                    at += size
                    break
            else:
                at += 1
        else:
            at += 1
    return found


def _han_record(dictionary: Dictionary, word: str, tag: str, compounds: tuple[str, ...]) -> tuple:
    """A Chinese word's fields after its offsets (``ZhWord`` order): its match keys are the
    keys of its senses, of the longer ``compounds`` around it, its numeral value, reading and
    magnitudes. Memoised per distinct word on the dictionary, so a document's thousands of
    occurrences share one record (one word string, one key set) per word."""
    memo_key = (word, tag, compounds)
    found = dictionary.key_memo.get(memo_key)
    if found is None:
        keys, known = _dictionary_keys(dictionary, word)
        for compound in compounds:
            keys = keys | _dictionary_keys(dictionary, compound)[0]
        value = _numeral_value(word)
        if value is not None:  # 三 ↔ three, third, 3
            keys = keys | {f"{value:g}"}
        if len(word) >= 2:  # 杉杉 ↔ Shanshan, 习近平 ↔ Xi Jinping: a reading spelt out is a rendering
            keys = keys | _pinyin_keys(word, tag in ("nr", "nrfg"))
        for character, magnitudes in english.MAGNITUDES.items():
            if character in word:
                keys = keys | frozenset(magnitudes)
        name = tag in ("nr", "ns", "nt", "nz", "nrt", "nrfg") or word in dictionary.names
        content = (tag.startswith(_CONTENT_TAGS) and tag not in _NOT_CONTENT_TAGS and word not in LIGHT_WORDS
                   and not (len(word) == 1 and tag.startswith("v")) and bool(keys))
        found = dictionary.key_memo[memo_key] = (word, tag, keys, content, known and bool(keys), name)
    return found


def _token_record(dictionary: Dictionary, word: str, tag: str, after: str) -> tuple:
    """The fields of a number or Latin token (2019, GDP), whose keys also depend on the
    character ``after`` it (2月 ↔ February, 5亿 ↔ 500 million); memoised like ``_han_record``."""
    after = after if (after == "月" and word.isdigit()) or after in english.MAGNITUDES else ""
    memo_key = (word, tag, after)
    found = dictionary.key_memo.get(memo_key)
    if found is None:
        keys = set(english.keys(word))
        if after == "月":
            keys.add(f"month:{int(word)}")
        if after in english.MAGNITUDES:
            keys |= set(english.MAGNITUDES[after])
        found = dictionary.key_memo[memo_key] = (word, tag, frozenset(keys), True, True, bool(_LATIN.fullmatch(word)))
    return found


def zh_words(text: str, dictionary: Dictionary) -> WordList:
    """The Chinese of a link as jieba words with their match keys (packed, see ``WordList``)."""
    from align.text.zhtext import fold_width, pos_tokens

    folded = fold_width(text)
    compounds = _compounds(folded, dictionary)
    spans: list[int] = []
    records: list[tuple] = []
    for token in pos_tokens(folded):
        word, tag = token.word, token.flag
        if not word.strip():
            continue
        if _DIGITS.fullmatch(word) or _LATIN.fullmatch(word):
            record = _token_record(dictionary, word, tag, folded[token.end : token.end + 1])
        elif word in _UNITS and records and spans[-1] == token.start and _DIGITS.fullmatch(records[-1][0]):
            continue  # 2023年, 2月, 11日: the number carries the meaning
        elif not _HAN.search(word):
            continue
        else:
            wider = tuple(c for a, b, c in compounds if a <= token.start and token.end <= b and b - a > len(word))
            record = _han_record(dictionary, word, tag, wider)
        spans += (token.start, token.end)
        records.append(record)
    return WordList(ZhWord, spans, records)


def align_words(zh: str, en: str, dictionary: Dictionary) -> WordAlignment:
    """Word alignment of one pair of texts (offsets index ``zh`` and ``en`` as given)."""
    zh_side = zh_words(zh, dictionary)
    en_side = english.words(en)
    index: dict[str, list[int]] = {}
    for j, keys in enumerate(en_side.column("keys")):
        for key in keys:
            index.setdefault(key, []).append(j)
    en_keys = index.keys()
    pairs = sorted({(i, j) for i, keys in enumerate(zh_side.column("keys")) for key in keys & en_keys
                    for j in index[key]})
    return WordAlignment(zh_side, en_side, pairs)


@dataclass(frozen=True)
class ZhName:
    """A proper name of the dictionary found in a Chinese text, with the English it gives
    (a word that is also a common word, 金子 "gold; Kaneko", is not taken for a name)."""

    start: int
    end: int
    text: str
    english: tuple[str, ...]  # the names its senses give ("Joe Biden", "Biden")
    reading: frozenset[str]  # its pinyin, as English may spell it


def zh_names(text: str, dictionary: Dictionary) -> list[ZhName]:
    """Dictionary proper names in ``text``, by forward maximum matching over the whole
    dictionary (so a name is never found inside a longer ordinary word)."""
    from align.text.zhtext import fold_width
    from align.wordalign.dictionary import name_head

    folded = fold_width(text)
    senses, names, head_lengths = dictionary.senses, dictionary.names, dictionary.head_lengths
    found, at = [], 0
    while at < len(folded):
        char = folded[at]
        if not _is_han(char):
            at += 1
            continue
        for size in head_lengths.get(char, ()):
            if size <= len(folded) - at and (size == 1 or folded[at : at + size] in senses):
                break
        else:
            size = 1
        word = folded[at : at + size]
        if size >= 2 and word in names and len(names[word]) == len(senses[word]):  # only a name
            after_number = at > 0 and folded[at - 1].isdigit() and word[0] in _UNITS  # 11日电 is not 日电
            heads = tuple(dict.fromkeys(h for h in map(name_head, names[word]) if h[:1].isupper()))
            if heads and not after_number:
                found.append(ZhName(at, at + size, word, heads, _pinyin_keys(word, False)))
        at += size
    return found


def rendered(name: ZhName, alignment: WordAlignment) -> bool:
    """Whether the English spells the name's reading, or at least half the words of one of its
    English forms (Biden for Joe Biden, China Eastern for China Eastern Airlines, but not
    China alone)."""
    en_keys = alignment.en.column("keys")
    if any(name.reading & keys for keys in en_keys):
        return True
    for head in name.english:
        parts = [english.keys(m.group()) for m in english.WORD.finditer(english.fold_accents(head))
                 if english.is_content(m.group())]
        matched = sum(any(part & keys for keys in en_keys) for part in parts)
        if parts and matched * 2 >= len(parts):
            return True
    return False


def is_transliteration(name: ZhName) -> bool:
    """A foreign name spelt in Chinese characters: its English form is not its pinyin
    (拜登 ↔ Biden, but 上海 ↔ Shanghai is a Chinese name)."""
    return not any(m.group().lower() in name.reading for head in name.english
                   for m in english.WORD.finditer(english.fold_accents(head)))
