"""Names and Latin-script tokens on one side only (``entity.*``).

* Latin tokens written inside the Chinese (PMC, 5G, G20, CATTC) are normally kept as they
  are in English, so one missing from the English is reported; a Latin token with a digit
  (5G, G20) in the English that the Chinese lacks is reported as extra. Plain English
  acronyms (STI, MOST) are translations of Chinese words and are not reported, unless the
  Chinese of the same document writes that acronym itself elsewhere.
* Chinese personal names (jieba's ``nr`` tag, a common surname, used next to a title or a
  speech verb) must appear in the English as pinyin — "Wang Zhigang", "Zhigang Wang" or,
  on a second mention, the surname; a pinyin name in the English whose characters are not
  in the Chinese is reported as extra (a swapped name).
* Names the glossary knows are left to ``glossary.*``, so nothing is reported twice.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

import ahocorasick

from align.checks.registry import CheckContext, register
from align.model import Flag, Link
from align.text.tokens import CAPITALISED, english_names, latin_tokens
from align.text.zhtext import fold_width, pos_tokens

_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
    "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴"
    "莫孔向汤习怀"
)
_SURNAME_SET = frozenset(_SURNAMES)
_TITLES = ("长", "席", "理", "记", "任", "书", "员", "授", "士", "生", "者", "官", "使", "裁", "人")
_SPEECH_AFTER = ("表示", "指出", "说", "认为", "强调", "介绍", "称", "出席", "作", "等", "在", "提出", "致辞", "发言")
_NAME_SEPARATORS = "˙·•・"
_NOT_PERSON_NAMES = {"hong kong"}


def _is_code_name(token: str) -> bool:
    """5G, G20, COVID-19, MP3 — but not 21st-century or 1990s, which are numbers."""
    glued = re.search(r"[A-Za-z]\d|\d[A-Za-z]|[A-Za-z]-\d", token) is not None
    return glued and re.match(r"\d+(?:st|nd|rd|th|s)\b", token) is None


def _contains_token(text: str, token: str) -> bool:
    return re.search(rf"(?<![A-Za-z0-9]){re.escape(token)}(?![A-Za-z0-9])", fold_width(text), re.IGNORECASE) is not None


def _ascii_fold(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


def _compact(text: str) -> str:
    return re.sub(r"[^a-z]", "", _ascii_fold(text).lower())


def zh_person_names(text: str) -> list[tuple[int, int, str]]:
    """Chinese personal names: a jieba ``nr`` word of 2–3 characters starting with a common
    surname, standing after a title (部长, 院长, 记者…) or before a speech verb (表示, 指出…),
    and not part of a transliterated foreign name (弗朗西斯˙高锐, 马克萨特)."""
    if not any(ch in _SURNAME_SET for ch in text):
        return []  # no word can start with a surname: spare the tagger
    tokens = [t for t in pos_tokens(text) if t.word.strip()]
    names = []
    for i, token in enumerate(tokens):
        if token.flag != "nr" or not 2 <= len(token.word) <= 3 or token.word[0] not in _SURNAMES:
            continue
        before = tokens[i - 1] if i else None
        after = tokens[i + 1] if i + 1 < len(tokens) else None
        near = text[max(0, token.start - 1):token.end + 1]
        if any(sep in near for sep in _NAME_SEPARATORS):
            continue
        if (before and before.flag.startswith("nr")) or (after and after.flag.startswith("nr")):
            continue
        titled = before is not None and before.word.endswith(_TITLES)
        speaking = after is not None and after.word in _SPEECH_AFTER
        if (titled or speaking or before is None) and not _common_word(token.word):
            names.append((token.start, token.end, token.word))
    return names


def _dictionary():
    from align.wordalign.dictionary import shared

    return shared()


def _common_word(word: str) -> bool:
    """A dictionary word with an ordinary sense (顾问 "adviser", 谢谢 "thank you", 高峰 "peak"),
    which jieba's tagger often calls a name after a title or before a verb: CC-CEDICT lists
    it with a sense that is not a proper name."""
    dictionary = _dictionary()
    return any(sense not in dictionary.names.get(word, ()) for sense in dictionary.lookup(word))


def _dictionary_renderings(name: str) -> list[str]:
    """How CC-CEDICT writes a name in English (金正恩 → "Kim Jong-un", 白宫 → "White House"):
    the name part of each sense, before its description."""
    return [sense.split(",")[0].split(";")[0].strip() for sense in _dictionary().names.get(name, ())]


def _pinyin(text: str) -> list[str]:
    from pypinyin import lazy_pinyin

    return lazy_pinyin(text, errors=lambda chars: [""] * len(chars))


def _name_in_english(name: str, english: str) -> bool:
    syllables = _pinyin(name)
    surname, given = syllables[0], "".join(syllables[1:])
    compact = _compact(english)
    if surname + given in compact or given + surname in compact:
        return True
    if any(len(_compact(form)) > 1 and _compact(form) in compact for form in _dictionary_renderings(name)):
        return True
    if _romanised_elsewhere(name, english):
        return True
    return re.search(rf"\b{surname.capitalize()}\b", _ascii_fold(english)) is not None


# Korean and Vietnamese romanisations of common surnames (McCune–Reischauer, Revised
# Romanisation and their usual spellings; quốc ngữ without diacritics): a name written this
# way is not expected in pinyin.
_EAST_ASIAN_SURNAMES = {
    "金": "Kim Gim", "李": "Lee Yi Ri Rhee Ly", "朴": "Park Pak Bak", "崔": "Choi Choe", "郑": "Jung Chung Jeong",
    "姜": "Kang", "赵": "Cho Jo", "尹": "Yoon Yun", "张": "Jang Chang", "林": "Lim Im", "韩": "Han", "申": "Shin Sin",
    "文": "Moon Mun", "宋": "Song", "洪": "Hong", "吴": "Oh Ngo", "徐": "Seo Suh", "黄": "Hwang Hoang Huynh",
    "安": "Ahn An", "柳": "Ryu Yoo", "卢": "Roh Noh", "高": "Ko Go", "梁": "Yang Ryang Luong", "孙": "Son",
    "裴": "Bae Bui", "白": "Baek Paik", "许": "Heo Hur", "南": "Nam", "河": "Ha", "阮": "Nguyen", "陈": "Tran",
    "黎": "Le", "范": "Pham", "潘": "Phan", "武": "Vu Vo", "邓": "Dang", "杜": "Do", "胡": "Ho", "杨": "Duong",
    "丁": "Dinh", "何": "Ha", "方": "Phuong", "刘": "Yoo Luu", "郭": "Kwak Quach", "权": "Kwon", "全": "Jeon Chun",
}
_NAME_RUN = re.compile(r"\b[A-Z][a-z]+(?:[\s-]+[A-Za-z][a-z]*)*")


def _romanised_elsewhere(name: str, english: str) -> bool:
    """A Korean or Vietnamese name in its own romanisation (李雪主 ↔ Ri Sol-ju, 金正恩 ↔ Kim
    Jong Un, 范明政 ↔ Pham Minh Chinh): the surname so romanised, then one capitalised or
    hyphenated part per remaining character. Pinyin is not expected there."""
    surnames = _EAST_ASIAN_SURNAMES.get(name[0], "").split()
    if not surnames:
        return False
    for m in _NAME_RUN.finditer(_ascii_fold(english)):
        words = m.group().split()
        for i, word in enumerate(words):
            if word not in surnames:
                continue
            parts: list[str] = []
            for following in words[i + 1:]:
                if not (following[0].isupper() or parts and "-" in following):
                    break
                parts += [p for p in following.split("-") if p]
                if len(parts) >= len(name) - 1:
                    break
            if len(parts) == len(name) - 1 and not all(_pinyin_parse(p, 1) for p in parts):
                return True
    return False


@lru_cache(maxsize=1)
def _pinyin_syllables() -> frozenset[str]:
    """Every pinyin syllable (the readings of the 20,902 basic CJK characters), computed once
    and kept in the cache folder: converting them takes pypinyin about a second."""
    from importlib.metadata import version

    from align.embed.cache import default_cache_dir
    from align.fileio import cached_marshal

    def syllables() -> frozenset[str]:
        from pypinyin import lazy_pinyin

        return frozenset(lazy_pinyin("".join(chr(c) for c in range(0x4E00, 0x9FA6))))

    return cached_marshal(default_cache_dir() / f"pinyin-syllables-{version('pypinyin')}.marshal", syllables)


@lru_cache(maxsize=1)
def _surname_pinyin() -> frozenset[str]:
    return frozenset(p.capitalize() for p in _pinyin(_SURNAMES)) - {"He"}


def _pinyin_parse(word: str, max_syllables: int = 2) -> bool:
    """Whether ``word`` is one or two pinyin syllables (Zhigang = zhi + gang)."""
    word, syllables = word.lower(), _pinyin_syllables()
    if word in syllables:
        return True
    return max_syllables > 1 and any(
        word[:k] in syllables and word[k:] in syllables for k in range(1, len(word))
    )


def en_pinyin_names(text: str) -> list[tuple[int, int, str]]:
    """"Surname Given" pairs in English that read as Chinese names in pinyin."""
    found = []
    for m in re.finditer(r"\b([A-Z][a-z]+)\s+([A-Z][a-z]+)\b", text):
        surname, given = m.group(1), m.group(2)
        if surname in _surname_pinyin() and _pinyin_parse(given) and m.group().lower() not in _NOT_PERSON_NAMES:
            found.append((m.start(), m.end(), text[m.start():m.end()]))
    return found


def _glossary_spans(ctx: CheckContext, text: str, lang: str) -> list[tuple[int, int]]:
    if ctx.glossary is None:
        return []
    hits = ctx.glossary.find_zh(text) if lang == "zh" else ctx.glossary.find_en(text)
    return [(hit.start, hit.end) for hit in hits]


def _covered(span: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    return any(a <= span[0] and span[1] <= b for a, b in spans)


@register("entity.names", codes=("entity.missing", "entity.extra"),
          severity={"entity.missing": "warning", "entity.extra": "warning"})
def names(link: Link, ctx: CheckContext) -> Iterator[Flag]:
    """Latin tokens and personal names present on one side only."""
    if link.one_sided:
        return
    zh_glossary, en_glossary = _glossary_spans(ctx, link.zh, "zh"), _glossary_spans(ctx, link.en, "en")
    facts = _document_facts(ctx)
    for start, end, token in latin_tokens(link.zh):
        if not _contains_token(link.en, token) and not _covered((start, end), zh_glossary):
            yield ctx.flag(
                link, "entity.missing",
                f"{token} appears in the Chinese but not in the English.",
                zh_span=(start, end), evidence={"token": token, "kind": "latin"},
            )
    for start, end, name in zh_person_names(link.zh):
        if any(name in zh or zh in name for zh, _ in facts.induced):
            continue  # a name the document renders its own way (罗得 ↔ Lot): entity.swapped's job
        if not _name_in_english(name, link.en) and not _covered((start, end), zh_glossary):
            yield ctx.flag(
                link, "entity.missing",
                f"The name {name} ({' '.join(_pinyin(name)).title()}) is not in the English.",
                zh_span=(start, end), evidence={"name": name, "pinyin": _pinyin(name), "kind": "person"},
            )
    for start, end, token in latin_tokens(link.en):
        reportable = _is_code_name(token) or (token.upper() == token and token.casefold() in facts.zh_latin)
        if reportable and not _contains_token(link.zh, token) and not _covered((start, end), en_glossary):
            yield ctx.flag(
                link, "entity.extra",
                f"{token} appears in the English but not in the Chinese.",
                en_span=(start, end), evidence={"token": token, "kind": "latin"},
            )
    spelt = en_pinyin_names(link.en)
    zh_pinyin = "".join(_pinyin(link.zh)) if spelt else ""  # the pinyin of the whole pair only when needed
    for start, end, name in spelt:
        if _compact(name) not in zh_pinyin and not _covered((start, end), en_glossary):
            yield ctx.flag(
                link, "entity.extra",
                f"The name {name} is in the English but its Chinese characters are not in the Chinese.",
                en_span=(start, end), evidence={"name": name, "kind": "person"},
            )


@dataclass(frozen=True)
class _DocumentFacts:
    zh_latin: frozenset[str]  # Latin tokens the Chinese of the document writes (lower-cased)
    induced: tuple[tuple[str, str], ...]  # (Chinese form, English name) learnt from the document
    names: _NameIndex  # ``induced``, indexed for look-ups per link
    unmapped_names: frozenset[str]  # English names of the document with no learnt Chinese form
    companions: dict[str, frozenset[str]]  # Chinese strings that accompany an unmapped name


def _document_facts(ctx: CheckContext) -> _DocumentFacts:
    """What the entity checks learn from the whole document, computed once per check run."""
    return ctx.memo("entity.document_facts", lambda: _learn_document_facts(ctx))


def _learn_document_facts(ctx: CheckContext) -> _DocumentFacts:
    paired = [link for link in ctx.links if not link.one_sided]
    grams = _gram_links(paired)  # one index of Chinese substrings serves both name tables
    induced = tuple(_induced_table(ctx, paired, grams))
    unmapped = frozenset(english_names(list(ctx.links))) - {en for _, en in induced}
    facts = _DocumentFacts(
        zh_latin=frozenset(token.casefold() for link in ctx.links for _, _, token in latin_tokens(link.zh)),
        induced=induced,
        names=_NameIndex(induced),
        unmapped_names=unmapped,
        companions=name_companions(paired, set(unmapped), grams=grams),
    )
    return facts


# ---------------------------------------------------------------- swapped names

_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")


def _cjk_grams(text: str) -> set[str]:
    """Chinese substrings of 2–4 characters: candidate renderings of a name."""
    return {run[i:i + n] for run in _CJK_RUN.findall(text) for n in (2, 3, 4)
            for i in range(len(run) - n + 1)}


def _gram_links(links: list[Link]) -> dict[str, set[int]]:
    grams: dict[str, set[int]] = {}
    for link in links:
        for gram in _cjk_grams(link.zh):
            grams.setdefault(gram, set()).add(link.index)
    return grams


def induce_renderings(links: list[Link], min_links: int = 3, min_dice: float = 0.75,
                      grams: dict[str, set[int]] | None = None) -> dict[str, str]:
    """English name → the Chinese string that co-occurs with it best across the
    document's links (Dice over links, 2–4 characters): a name list learnt from the
    document itself, for names no glossary lists (亚伯兰 ↔ Abram). ``grams`` is
    ``_gram_links(links)`` when the caller already has it."""
    grams = grams if grams is not None else _gram_links(links)
    by_index = {link.index: link for link in links}
    renderings = {}
    for name, name_links in english_names(links).items():
        if len(name_links) < min_links:
            continue
        candidates = {g for i in name_links for g in _cjk_grams(by_index[i].zh)}
        scored = []
        for gram in candidates:
            shared = len(grams[gram] & name_links)
            if shared >= min_links:
                scored.append((2 * shared / (len(grams[gram]) + len(name_links)), len(gram), gram))
        if scored:
            dice, _, gram = max(scored)
            if dice >= min_dice:
                renderings[name] = gram
    return renderings


def name_companions(links: list[Link], names: set[str], min_share: float = 0.6,
                    max_spread: int = 3, grams: dict[str, set[int]] | None = None) -> dict[str, frozenset[str]]:
    """For names with no learnt rendering: the Chinese strings that stand in most (a clear
    majority) of the links the name does, and not much more widely (中国 for China, which Dice misses because
    中国 also stands in 中国科学院 ↔ "Chinese Academy of Sciences"). A link whose Chinese holds
    one of them gives no reason to take the name for a swapped-in intruder."""
    grams = grams if grams is not None else _gram_links(links)
    by_index = {link.index: link for link in links}
    where = english_names(links)
    companions = {}
    for name in names:
        name_links = where.get(name, set())
        if len(name_links) < 2:
            continue
        candidates = {g for i in name_links for g in _cjk_grams(by_index[i].zh)}
        companions[name] = frozenset(
            g for g in candidates
            if len(grams[g] & name_links) >= min_share * len(name_links)
            and len(grams[g]) <= max_spread * len(name_links))
    return companions


def _induced_table(ctx: CheckContext, paired: list[Link], grams: dict[str, set[int]]) -> list[tuple[str, str]]:
    """(Chinese form, English name) pairs learnt from the document's two-sided links."""
    min_links = ctx.option("entity.swapped", "min_links")
    min_dice = ctx.option("entity.swapped", "min_dice")
    return [(zh, en) for en, zh in induce_renderings(paired, min_links, min_dice, grams).items()]


# The letters of ``(?<![A-Za-z])name(?![A-Za-z])`` under re.IGNORECASE: ASCII plus the four
# characters Python's case folding pairs with an ASCII letter (İ ı ſ and the Kelvin sign).
_LETTER_RUN = re.compile(r"[A-Za-z]+", re.IGNORECASE)
_ASCII_TWINS = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"})


def _letters_key(word: str) -> str:
    return word.translate(_ASCII_TWINS).lower()


class _NameIndex:
    """The learnt (Chinese form, English name) table, indexed once per document so that a
    link costs time in its own length, not in the number of names the document taught:
    English names by their lower-cased letters (a name is a whole run of letters), the
    Chinese forms in one Aho–Corasick automaton."""

    def __init__(self, induced: tuple[tuple[str, str], ...]):
        self.induced = induced
        self._by_en: dict[str, list[int]] = {}
        self._by_zh: dict[str, list[int]] = {}
        for i, (zh, en) in enumerate(induced):
            self._by_en.setdefault(_letters_key(en), []).append(i)
            self._by_zh.setdefault(zh, []).append(i)
        self._automaton = ahocorasick.Automaton()
        for zh in self._by_zh:
            self._automaton.add_word(zh, zh)
        if self._by_zh:
            self._automaton.make_automaton()

    def english_present(self, text: str) -> dict[str, tuple[int, int]]:
        """Learnt English names in ``text`` → the span of the first occurrence, as a
        case-insensitive whole-word search for each name would find it."""
        found: dict[str, tuple[int, int]] = {}
        for m in _LETTER_RUN.finditer(text):
            for i in self._by_en.get(_letters_key(m.group()), ()):
                found.setdefault(self.induced[i][1], m.span())
        return found

    def chinese_present(self, text: str) -> set[str]:
        """Learnt Chinese forms that occur in ``text`` (overlapping ones too)."""
        if not self._by_zh:
            return set()
        return {zh for _, zh in self._automaton.iter(text)}

    def rows(self, english: dict[str, tuple[int, int]], chinese: set[str]) -> list[int]:
        """Indices, in table order, of the rows whose name or form is present."""
        hits = {i for en in english for i in self._by_en[_letters_key(en)]}
        hits.update(i for zh in chinese for i in self._by_zh[zh])
        return sorted(hits)


def _is_proper_name(english: str) -> bool:
    """Every content word capitalised: a person, place or organisation."""
    words = re.findall(r"[A-Za-z][\w'’-]*", english)
    content = [w for w in words if w.lower() not in ("of", "and", "the", "for", "in", "on", "de")]
    return bool(content) and all(w[0].isupper() for w in content)


def _glossary_names(ctx: CheckContext, link: Link) -> tuple[list, list]:
    """Glossary names on one side only: (English hits whose Chinese is absent, Chinese hits
    whose English is absent), matched as the glossary matches (longest, with variants)."""
    if ctx.glossary is None:
        return [], []
    zh_hits = [h for h in ctx.glossary.find_zh(link.zh, nested=True) if _is_proper_name(h.entry.en)]
    en_hits = [h for h in ctx.glossary.find_en(link.en, nested=True) if _is_proper_name(h.entry.en)]
    zh_ids, en_ids = {h.entry.id for h in zh_hits}, {h.entry.id for h in en_hits}
    return ([(h.entry.zh, h.entry.en, h.span) for h in en_hits if h.entry.id not in zh_ids],
            [(h.entry.zh, h.entry.en, h.span) for h in zh_hits if h.entry.id not in en_ids])


def _names_the_chinese_gives(ctx: CheckContext, link: Link, learnt_names: set[str]) -> set[str]:
    """Capitalised words of the English forms of the glossary terms and learnt names the
    Chinese contains (总经理 gives General and Manager, 南非 gives South and Africa);
    ``learnt_names``: the English of the learnt forms the Chinese contains."""
    words = set(learnt_names)
    if ctx.glossary is not None:
        words |= {w for hit in ctx.glossary.find_zh(link.zh, nested=True)
                  for form, _ in hit.entry.forms() for w in CAPITALISED.findall(form)}
    return words


def _inside_longer_name(zh: str, forms_here: set[str]) -> bool:
    """撒拉 (Sarah) inside 玛土撒拉 (Methuselah): the longer name is what the text says;
    ``forms_here``: the learnt Chinese forms the text contains."""
    return any(zh in longer and longer != zh for longer in forms_here)


_SENTENCE_OPENS_BEFORE = re.compile(
    r"(?:^|[.!?:;“\"‘(]|\b(?:said|saying|say|says|answered|cried|spake)\b[^.!?;:,]*,)\s*$"
)


def _opens_sentence(text: str, at: int) -> bool:
    """At a sentence start, including direct speech ("and said, Peradventure …")."""
    return _SENTENCE_OPENS_BEFORE.search(text[:at]) is not None


def _headline(text: str) -> bool:
    """Title case ("A Special Issue on International S&T Cooperation"): capitals say nothing."""
    words = re.findall(r"[A-Za-z][\w'’-]*", text)
    content = [w for w in words if w.lower() not in ("a", "an", "the", "of", "and", "for", "in", "on", "to", "with")]
    return len(content) >= 3 and sum(w[0].isupper() for w in content) >= 0.8 * len(content)


def _shares_bigram(form: str, text: str) -> bool:
    return any(form[i:i + 2] in text for i in range(len(form) - 1)) if len(form) > 1 else form in text


@register("entity.swapped", scope="document", options={"min_links": 3, "min_dice": 0.75},
          severity={"entity.swapped": "error"})
def swapped(ctx: CheckContext) -> Iterator[Flag]:
    """A name in the English where the Chinese names someone or something else."""
    for link in ctx.links:
        if link.one_sided:
            continue
        unexplained, unrendered = _glossary_names(ctx, link)
        facts = _document_facts(ctx)
        index = facts.names
        present = index.english_present(link.en)
        forms_here = index.chinese_present(link.zh)
        rows = [index.induced[i] for i in index.rows(present, forms_here)]
        rendered = {zh for zh, en in rows if en in present}  # 王志刚 is rendered by Wang or Zhigang
        for zh, en in rows:
            if en in present and zh not in forms_here:
                unexplained.append((zh, en, present[en]))
            elif zh not in rendered and zh in forms_here and not _inside_longer_name(zh, forms_here):
                at = link.zh.find(zh)
                unrendered.append((zh, en, (at, at + len(zh))))
        # a name the document uses too rarely to learn its Chinese can still be the intruder
        pinyin = [span for *span, _ in en_pinyin_names(link.en)]
        named_in_zh = _names_the_chinese_gives(ctx, link, {en for zh, en in rows if zh in forms_here})
        unexplained += [("", m.group(), m.span()) for m in CAPITALISED.finditer(link.en)
                        if m.group() in facts.unmapped_names and not _headline(link.en)
                        and not any(g in link.zh for g in facts.companions.get(m.group(), ()))  # China ← 中国
                        and not _opens_sentence(link.en, m.start())
                        and m.group() not in named_in_zh  # South ← 南非 (South Africa)
                        and not any(a <= m.start() < b for a, b in pinyin)  # Han Long: a person, pinyin's job
                        and not any(m.group()[:4] == en[:4] for _, en, _ in unrendered)]  # Egyptian: Egypt
        # a swap replaces a name outright: nothing of the absent name may be left on either side
        unexplained = [u for u in unexplained if not (u[0] and _shares_bigram(u[0], link.zh))]
        # …nor inside a longer English name (Haran in Bethharan, Israel in Israelitish)
        unrendered = [u for u in unrendered if not any(w.lower() in link.en.lower() for w in CAPITALISED.findall(u[1]))]
        if not unexplained or not unrendered:
            continue
        zh_form, en_name, en_span = unexplained[0]
        expected_zh, expected_en, zh_span = unrendered[0]
        shown = link.en[en_span[0]:en_span[1]]
        absent = f" and no {zh_form}" if zh_form else ""
        yield ctx.flag(
            link, "entity.swapped",
            f"The English names {shown}, but the Chinese has {expected_zh} ({expected_en}) here{absent}.",
            severity="error" if zh_form else "info",
            zh_span=zh_span, en_span=en_span,
            evidence={"english_name": en_name, "its_chinese": zh_form,
                      "chinese_here": expected_zh, "its_english": expected_en},
        )
