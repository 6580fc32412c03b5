"""Find the numbers a sentence states, in Chinese or English, with spans.

A *quantity* is a value plus how it is stated: exact or approximate (多/余/近/超/上百,
"more than", "nearly", "hundreds"), percent or not, and whether it is *soft* — a spelled-out
"one"/一/"first"/"a" that languages use for grammar as much as for counting, so an
unmatched one is no evidence of a translation error. List numbering (一是/二是, ``1.``,
"First, …") is not a quantity at all.

Offsets are into the caller's text: full-width forms are folded character by character
(:func:`align.text.zhtext.fold_width`), which never changes the length.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from typing import Any

from align.text.zhtext import fold_width, token_at

APPROX_KINDS = ("about", "over", "under", "vague")


@dataclass(frozen=True)
class Quantity:
    value: float
    start: int
    end: int
    text: str
    percent: bool = False
    approx: str = ""  # "" (exact) or one of APPROX_KINDS
    soft: bool = False

    def to_json(self) -> dict[str, Any]:
        value: float | int = int(self.value) if float(self.value).is_integer() else self.value
        return {
            "value": value,
            "text": self.text,
            "span": [self.start, self.end],
            "percent": self.percent,
            "approx": self.approx or None,
        }


def same_value(a: Quantity, b: Quantity) -> bool:
    return a.percent == b.percent and math.isclose(a.value, b.value, rel_tol=1e-9)


def loosely_equal(a: Quantity, b: Quantity) -> bool:
    """Equal, or a vague amount (上百, "hundreds", 数十, "dozens") within the same order
    of magnitude as the other side's number."""
    if same_value(a, b):
        return True
    if a.percent != b.percent or "vague" not in (a.approx, b.approx):
        return False
    low, high = sorted((a.value, b.value))
    return low > 0 and high < low * 10


def fraction_as_ordinal(a: Quantity, b: Quantity) -> bool:
    """十分之一 rendered as "a tenth" / "the tenth part": a fraction 1/n on one side, the
    ordinal n on the other."""
    fraction, ordinal = (a, b) if a.value < 1 else (b, a)
    return 0 < fraction.value < 1 and re.search(r"(?:th|1st|2nd|3rd|third|second)$", ordinal.text.strip().lower()) \
        is not None and math.isclose(fraction.value * ordinal.value, 1.0, rel_tol=1e-9)


def decade_shorthand(a: Quantity, b: Quantity) -> bool:
    """上世纪80年代 (the 1980s) written "the 80s": a decade by its last two digits."""
    year, short = (a, b) if a.value > b.value else (b, a)
    return not (a.percent or b.percent) and 1900 <= year.value < 2100 and year.value % 10 == 0 \
        and short.value == year.value % 100 and short.text.rstrip().endswith("s")


def approximations_conflict(a: Quantity, b: Quantity) -> bool:
    """One side says "more than", the other "nearly" the same number."""
    return {a.approx, b.approx} == {"over", "under"}


@dataclass
class Comparison:
    """How the numbers of a zh/en pair correspond."""

    matched: list[tuple[Quantity, Quantity]]
    mismatched: list[tuple[Quantity, Quantity]]
    missing: list[Quantity]  # stated in zh only
    extra: list[Quantity]  # stated in en only


def compare(zh: list[Quantity], en: list[Quantity]) -> Comparison:
    """Pair up the two sides' numbers in both directions.

    Equal values pair first, then a fraction with its ordinal (十分之一 ↔ "a tenth"), then a
    vague amount with a number of its order of magnitude;
    what is left over pairs in reading order as *different* values, and the rest is
    missing or extra. Soft numbers (一, "one", "first") never count as left over.
    """
    zh_left, en_left = list(zh), list(en)
    matched = []
    for rule in (same_value, fraction_as_ordinal, decade_shorthand, loosely_equal):
        for z in list(zh_left):
            partner = next((e for e in en_left if rule(z, e)), None)
            if partner is not None:
                matched.append((z, partner))
                zh_left.remove(z)
                en_left.remove(partner)
    zh_left = [q for q in zh_left if not q.soft]
    en_left = [q for q in en_left if not q.soft]
    paired = min(len(zh_left), len(en_left))
    return Comparison(
        matched=matched,
        mismatched=list(zip(zh_left[:paired], en_left[:paired])),
        missing=zh_left[paired:],
        extra=en_left[paired:],
    )


# ---------------------------------------------------------------- Chinese

_CN_DIGITS = "零〇一二三四五六七八九两"
_CN_DIGIT_VALUE = {ch: i for i, ch in enumerate("〇一二三四五六七八九")} | {"零": 0}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10_000, "亿": 100_000_000}
_ARABIC = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_ZH_NUMBER = re.compile(
    rf"(?P<arabic>{_ARABIC})(?P<scale>\s*[十百千万亿]+)?"
    rf"|(?P<cn>[{_CN_DIGITS}十百千万亿]+(?:点[{_CN_DIGITS}]+)?)"
)
# Measure words and units that follow a counted number (and date parts).
_CLASSIFIERS = set(
    "个项名位人次场届年月日号天周岁元角倍家国所座条件份种类批期章节款点颗架艘台辆部本篇句层"
    "米吨度秒里亩斤尺寸丈肘只头匹对套片块棵株根道门间户口夜昼代世辈圈轮步卷册首封张把杯碗"
    "斗升群队营连城省市县镇村岛洲季站所股支枚处例起宗笔幅"
)
_ZH_LEXICALISED = {  # numeral-initial words that do not count anything
    "十分", "万分", "千万", "万万", "万一", "一一", "一二", "三三两两", "千千万万", "一再",
    "两者", "二者", "一带", "一路", "四方", "两下", "万代", "万国", "万民", "万物", "万事", "万有",
}
_ZH_APPROX_BEFORE = [
    ("大约", "about"), ("约", "about"), ("将近", "under"), ("接近", "under"), ("近", "under"),
    ("不到", "under"), ("不足", "under"), ("超过", "over"), ("超", "over"), ("逾", "over"),
    ("上", "vague"), ("数", "vague"), ("几", "vague"),
]
_ZH_APPROX_AFTER = [("多", "over"), ("余", "over"), ("来", "about"), ("几", "over")]
_ZH_APPROX_TAIL = [("以上", "over"), ("之多", "over"), ("左右", "about"), ("上下", "about"),
                   ("以下", "under"), ("以内", "under")]
_ZH_CLAUSE_START = re.compile(r"(?:^|[。；;：:，,！？!?\n“”\"（(])\s*$")
_ZH_FRACTION = re.compile(
    rf"(?P<den>百|千|{_ARABIC}|[{_CN_DIGITS}十百千]+)分之(?P<num>{_ARABIC}|[{_CN_DIGITS}十百千点]+)"
)
_ZH_MYRIAD_IDIOM = re.compile(r"成千上万|成百上千|数以万计|数以千计|数以百计")


def _cn_value(numeral: str) -> float | None:
    import cn2an

    if numeral[0] in _CN_UNITS:
        numeral = "一" + numeral
    try:
        return float(cn2an.cn2an(numeral, "smart"))
    except (ValueError, KeyError, IndexError, TypeError):
        return None


def zh_numeral_values(text: str) -> set[float]:
    """Every value a numeral of the Chinese spells, counted or not (五闩, 十舍客勒: units the
    quantity reader does not know). Evidence that a number is *there*, never a quantity."""
    values = set()
    for m in _ZH_NUMBER.finditer(fold_width(text)):
        if m.group("arabic"):
            value = _arabic_value(m.group("arabic"), m.group("scale") or "")
        else:
            value = _cn_value(m.group("cn"))
        if value is not None:
            values.add(value)
        cn = m.group("cn") or ""
        if len(cn) == 2 and all(ch in _CN_DIGIT_VALUE for ch in cn):
            # a year by its last two digits: 九二共识 ↔ "the 1992 Consensus"
            short = 10 * _CN_DIGIT_VALUE[cn[0]] + _CN_DIGIT_VALUE[cn[1]]
            values |= {1900.0 + short, 2000.0 + short}
    return values


def en_compound_values(text: str) -> set[float]:
    """Values of number words fused into a longer word (foursquare, sevenfold, twofold):
    evidence that a number is *there*, never a quantity."""
    return {float(_SMALL[m.group(1)]) for m in re.finditer(r"\b(" + "|".join(sorted(_SMALL, key=len, reverse=True))
                                                         + r")[a-z]{3,}", text.lower())
            if m.group(1) in _SMALL}


def _unit_multiplier(units: str) -> int:
    """What a run of 万/亿/千… multiplies by: 万 → 10,000, 万亿 → 10¹²."""
    return math.prod(_CN_UNITS[unit] for unit in units.strip())


def _arabic_value(digits: str, scale: str = "") -> float:
    return float(digits.replace(",", "")) * _unit_multiplier(scale)


def _zh_value(text: str) -> float | None:
    if re.fullmatch(_ARABIC, text):
        return _arabic_value(text)
    return _cn_value(text)


_EN_PREFIXES = ("pre", "post", "mid", "non", "anti", "pro", "ex", "late", "early", "over", "under")


def _inside_latin_token(text: str, start: int, end: int) -> bool:
    """5G, G20, COVID-19: digits glued to Latin letters are names, not quantities (but
    pre-2019, mid-1990s are prefixed numbers)."""
    before = text[start - 1] if start else ""
    before2 = text[start - 2] if start > 1 else ""
    after = text[end] if end < len(text) else ""
    prefixed = before == "-" and re.search(rf"(?<![A-Za-z])(?:{'|'.join(_EN_PREFIXES)})-$", text[:start],
                                           re.IGNORECASE) is not None
    return (
        (before.isascii() and before.isalpha())
        or (before == "-" and before2.isascii() and before2.isalpha() and not prefixed)
        or (after.isascii() and after.isalpha())
    )


def zh_quantities(text: str) -> list[Quantity]:
    """Numbers stated in a Chinese sentence: Arabic (1,900 / 1.5万 / 3亿 / １９００),
    Chinese (五, 十九, 二〇一九, 一百二十), ordinals (第二), percentages (百分之五十, 50%),
    fractions (三分之一) and approximations (20多, 近150, 超1900, 上百)."""
    folded = fold_width(text)
    found: list[Quantity] = []
    taken: list[tuple[int, int]] = []

    def add(q: Quantity) -> None:
        found.append(q)
        taken.append((q.start, q.end))

    for m in _ZH_MYRIAD_IDIOM.finditer(folded):
        add(Quantity(1000.0 if "千" in m.group() else 100.0, m.start(), m.end(), text[m.start():m.end()],
                     approx="vague"))
        if "万" in m.group():
            found[-1] = Quantity(10_000.0, m.start(), m.end(), found[-1].text, approx="vague")
    for m in _ZH_FRACTION.finditer(folded):
        den, num = _zh_value(m.group("den")), _zh_value(m.group("num"))
        if not den or num is None:
            continue
        if den == 100:
            add(Quantity(num, m.start(), m.end(), text[m.start():m.end()], percent=True))
        else:
            add(Quantity(num / den, m.start(), m.end(), text[m.start():m.end()]))

    for m in _ZH_NUMBER.finditer(folded):
        start, end = m.span()
        if any(a <= start < b for a, b in taken):
            continue
        quantity = _zh_match(folded, text, m)
        if quantity is not None:
            add(quantity)
    return _share_range_units(sorted(found, key=lambda q: q.start), folded, _ZH_RANGE, _zh_scale)


_ZH_APPROX_INFIX = re.compile(r"\s*([多余])\s*([千万亿]+)")
_ZH_RANGE = re.compile(r"\s*(?:至|到|-|–|—|~|～|或|或者|和|与|、)\s*")
_EN_RANGE = re.compile(r"\s*(?:to|-|–|—|or|and|through)\s*(?:[A-Z]{0,3}[$€£¥]\s*)?", re.IGNORECASE)  # S$13.8 to S$14.3


def _zh_scale(q: Quantity) -> int:
    """The 万/亿/千 an Arabic number carries (600万 → 10,000), or 1."""
    m = re.fullmatch(rf"(?:{_ARABIC})\s*([千万亿]+)", fold_width(q.text).rstrip("多余"))
    return _unit_multiplier(m.group(1)) if m else 1


def _en_scale(q: Quantity) -> int:
    m = re.search(r"\b(hundred|thousand|million|billion|trillion)$", q.text.lower())
    return _SCALE[m.group(1)] if m and re.match(r"[\d.,]+\s", q.text) else 1


def _share_range_units(found: list[Quantity], folded: str, connector: re.Pattern, scale_of) -> list[Quantity]:
    """Both ends of a range or alternative share the unit written once: 400万至600万 ↔
    "4 to 6 million", 60或65% ↔ "60 or 65 percent", 百分之六十到七十."""
    shared = list(found)
    for i in range(len(shared) - 1):
        first, second = shared[i], shared[i + 1]
        if not connector.fullmatch(folded[first.end:second.start]):
            continue
        if second.percent and not first.percent:
            shared[i] = replace(first, percent=True)  # a suffix written once: 60或65%
        elif first.percent and not second.percent and first.text.startswith("百分之"):
            shared[i + 1] = replace(second, percent=True)  # a prefix written once: 百分之六十到七十
        scale = scale_of(second)
        if scale > 1 and scale_of(first) == 1 and first.value * scale <= second.value:
            shared[i] = replace(shared[i], value=first.value * scale)
    return shared


def _zh_match(folded: str, text: str, m: re.Match) -> Quantity | None:
    start, end = m.span()
    before, after = folded[:start], folded[end:]
    after_stripped = after.lstrip()
    if m.group("arabic"):
        if _inside_latin_token(folded, start, end):
            return None
        value = _arabic_value(m.group("arabic"), m.group("scale") or "")
        arabic, numeral = True, m.group("arabic")
    else:
        numeral = m.group("cn")
        arabic = False
        if numeral in _ZH_LEXICALISED or not _counts_as_number(folded, start, numeral, after_stripped, before):
            return None
        value = _cn_value(numeral)
        if value is None:
            return None
    if _is_zh_list_marker(before, after, numeral, arabic):
        return None
    approx, percent, span_start, span_end = "", False, start, end
    if after.startswith("年代") and value < 100 and value % 10 == 0:
        # 90年代 = the 1990s; 本世纪20年代 = the 2020s
        value += 2000 if re.search(r"(?:本世纪|21世纪|二十一世纪)\S{0,3}$", before) or value < 20 else 1900
    infix = _ZH_APPROX_INFIX.match(after)
    if infix and not (arabic and m.group("scale")):
        # 500余万 = "more than 5 million": the approximation stands before the unit it shares
        value *= _unit_multiplier(infix.group(2))
        approx, span_end = "over", end + infix.end()
        after = folded[span_end:]
        after_stripped = after.lstrip()
    if before.endswith("第"):
        span_start = start - 1
    for marker, kind in _ZH_APPROX_BEFORE:
        if before.rstrip().endswith(marker):
            if kind == "vague" and numeral[0] not in "十百千万亿":
                continue
            approx, span_start = kind, len(before.rstrip()) - len(marker)
            break
    tail_at = span_end + (len(after) - len(after_stripped))
    for marker, kind in _ZH_APPROX_AFTER:
        if after_stripped.startswith(marker) and (marker != "来" or _next_is_classifier(after_stripped[1:])):
            approx, span_end = kind, tail_at + len(marker)
            break
    if after_stripped.startswith("%"):
        percent, span_end = True, tail_at + 1
    else:
        rest = folded[span_end:].lstrip()
        window = rest[:3]
        for marker, kind in _ZH_APPROX_TAIL:
            at = window.find(marker)
            if at >= 0 and all(ch in _CLASSIFIERS for ch in window[:at]):
                approx = approx or kind
                break
    soft = value == 1 and not arabic
    return Quantity(value, span_start, span_end, text[span_start:span_end], percent, approx, soft)


def _next_is_classifier(s: str) -> bool:
    s = s.lstrip()
    return bool(s) and s[0] in _CLASSIFIERS


def _counts_as_number(folded: str, start: int, numeral: str, after: str, before: str) -> bool:
    """A Chinese numeral counts when the words around it say so: a measure word or unit
    follows, 第 precedes, it is a year (二〇一九年), or jieba tags it as a numeral; never
    inside an idiom (千方百计, 一五一十) or a fixed word (十分, 一些 are not quantities)."""
    token = token_at(folded, start)
    if token is not None and (token.flag in ("i", "l") or token.word in _ZH_LEXICALISED):
        return False
    if token is not None and token.start == start and len(token.word) > len(numeral) + _next_is_classifier(after) \
            and token.flag not in ("m", "mq", "q", "t"):
        return False  # the numeral starts a longer word: 百姓, 万国
    if numeral in ("百", "千", "万", "亿") and not _next_is_classifier(after) \
            and not before.rstrip().endswith(("上", "数", "几")):
        return False  # a bare 万 is "all" / "by no means" far more often than 10,000
    has_unit = any(ch in _CLASSIFIERS or ch in "十百千万亿" for ch in numeral)
    if not has_unit and len(numeral) > 1:
        # digit strings: 二〇一九年 is a year; 一一 / 一二 are words
        return len(numeral) == 4 or after.startswith("年")
    if before.endswith("第") or _next_is_classifier(after) or after[:1] in ("多", "余", "%"):
        return True
    if before.rstrip().endswith(("上", "数", "几")) and numeral[0] in "十百千万":
        return True
    if len(numeral) > 1:
        return True
    return token is not None and token.start == start and token.flag in ("m", "mq", "t", "q")


def _is_zh_list_marker(before: str, after: str, numeral: str, arabic: bool) -> bool:
    """一是 / 二、 / （三） / 1 探索… / 第一， at the start of a clause."""
    stripped = before.rstrip()
    if stripped.endswith("第"):
        return bool(_ZH_CLAUSE_START.search(stripped[:-1])) and after.lstrip()[:1] in ("，", ",", "、")
    if not _ZH_CLAUSE_START.search(before):
        return False
    nxt = after[:1]
    if nxt in ("、", ".", "．", ")", "）") and not after[1:2].isdigit():
        return True
    if not arabic and after.startswith("是"):
        return True
    if arabic and len(numeral) <= 2 and after[:1].isspace():
        rest = after.lstrip()
        return bool(rest) and not rest[0].isdigit() and rest[0] not in _CLASSIFIERS and rest[0] not in "多余%"
    return False


# ---------------------------------------------------------------- English

_SMALL = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "twoscore": 40, "threescore": 60,
    "fourscore": 80,
}
_ORDINAL = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
    "nineteenth": 19, "twentieth": 20, "thirtieth": 30, "fortieth": 40, "fiftieth": 50,
    "sixtieth": 60, "seventieth": 70, "eightieth": 80, "ninetieth": 90,
}
_SCALE = {"hundred": 100, "thousand": 1000, "million": 10**6, "billion": 10**9, "trillion": 10**12}
_SCALE_ORDINAL = {"hundredth": 100, "thousandth": 1000, "millionth": 10**6}
_MULTIPLE = {"once": 1, "twice": 2, "thrice": 3, "both": 2, "dozen": 12, "score": 20}
_VAGUE = {"dozens": 12, "tens": 10, "hundreds": 100, "thousands": 1000, "millions": 10**6,
          "billions": 10**9}
_MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"], start=1)}
_MONTH_ABBREVIATIONS = ("Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sept", "Sep", "Oct", "Nov", "Dec")
_MONTH_NAME = "|".join([*(m.capitalize() for m in _MONTHS), *_MONTH_ABBREVIATIONS])
_LIST_ORDINALS = {"firstly", "secondly", "thirdly", "fourthly", "fifthly", "lastly", "finally"}
_NUMBER_WORDS = {*_SMALL, *_ORDINAL, *_SCALE, *_SCALE_ORDINAL, *_MULTIPLE}
_EN_NUMBER = re.compile(
    rf"(?P<digits>(?<![\w.,])(?:{_ARABIC}))(?P<suffix>st|nd|rd|th|s)?"
    rf"|(?P<vague>\b(?:{'|'.join(_VAGUE)})\b(?:\s+of\s+(?:thousands|millions|billions)\b)?)"
    rf"|(?P<month>\b(?:{_MONTH_NAME})\b\.?)",
    re.IGNORECASE,
)
_WORD = re.compile(r"[A-Za-z]+")
_EN_APPROX_BEFORE = re.compile(
    r"\b(?P<m>more than|over|above|upwards of|at least|in excess of|nearly|almost|close to|"
    r"less than|fewer than|under|below|up to|no more than|about|around|approximately|some|"
    r"roughly|circa|an estimated|several|a few)\s+$",
    re.IGNORECASE,
)
_EN_APPROX_KIND = {
    "more than": "over", "over": "over", "above": "over", "upwards of": "over",
    "at least": "over", "in excess of": "over", "nearly": "under", "almost": "under",
    "close to": "under", "less than": "under", "fewer than": "under", "under": "under",
    "below": "under", "up to": "under", "no more than": "under", "several": "vague",
    "a few": "vague",
}
_EN_APPROX_AFTER = re.compile(r"^(?:\s+or\s+(?:so|more)\b|-plus\b|\+|\s*-?odd\b)", re.IGNORECASE)
_EN_PERCENT = re.compile(r"^\s*(?:%|per\s*cent\b|percent\b|-percent\b)", re.IGNORECASE)
_EN_SCALE_AFTER = re.compile(r"^[\s-]+(hundred|thousand|million|billion|trillion)\b", re.IGNORECASE)
_MONTH_CONTEXT = re.compile(
    r"(?:\b(?:in|on|since|by|until|till|from|of|early|late|mid|last|next|this|before|after|during|through)\s+$)",
    re.IGNORECASE,
)


def en_quantities(text: str) -> list[Quantity]:
    """Numbers stated in an English sentence: digits (1,900 / 1.5 / 21st), number words
    (five, twenty-one, an hundred and twenty, threescore and ten), ordinals, month names in
    dates, percentages and approximations ("more than 20", "about 150", "hundreds")."""
    folded = fold_width(text)
    periods = [*_en_periods(folded), *_en_fractions(folded)]
    symbolic = periods + [q for q in _en_symbolic(folded) if not any(a <= q[0] < b for a, b, *_ in periods)]
    taken = [(start, end) for start, end, *_ in symbolic]
    found = []
    for start, end, value, approx, soft in [*symbolic, *_en_word_runs(folded, taken)]:
        found.append(_with_modifiers(folded, text, start, end, value, approx, soft))
    return _share_range_units(sorted(found, key=lambda q: q.start), folded, _EN_RANGE, _en_scale)


_EN_PERIOD = re.compile(
    rf"\b(?:(?P<count>a|an|one|{'|'.join(w for w in _SMALL if _SMALL[w] > 1)}|\d+)\s+)?"
    r"(?P<period>decades?|centur(?:y|ies))\b",
    re.IGNORECASE,
)


def _en_periods(folded: str):
    """"A decade" is 十年, "three decades" 三十年, "a century" 百年. Uncounted ("the past
    decade", "for decades") they are soft: they match a 十年 but are never missing from it."""
    for m in _EN_PERIOD.finditer(folded):
        years = 10.0 if m.group("period").lower().startswith("decade") else 100.0
        count = (m.group("count") or "").lower()
        if count in ("", "a", "an", "one"):
            plural = m.group("period").lower().endswith("s")
            yield m.start(), m.end(), years, "vague" if plural else "", True
        else:
            yield m.start(), m.end(), years * (_SMALL.get(count) or float(count)), "", False


_DENOMINATORS = {**{word: value for word, value in _ORDINAL.items() if value >= 3}, "quarter": 4, **_SCALE_ORDINAL}
_EN_FRACTION = re.compile(
    rf"\b(?P<count>{'|'.join(w for w, v in _SMALL.items() if 1 <= v <= 19)}|\d{{1,2}})[\s-]+"
    rf"(?P<part>(?:{'|'.join(sorted(_DENOMINATORS, key=len, reverse=True))})s?)\b(?!-)",
    re.IGNORECASE,  # (?!-): not "two third-party vendors"
)


def _en_fractions(folded: str):
    """"Two thirds", "three-quarters", KJV's "three tenth deals": a count of parts, 2/3, 3/4,
    3/10 (三分之二, 四分之三, 十分之三). One part ("a tenth", "one third") is left to the
    ordinal, which the comparison pairs with 十分之一 itself."""
    for m in _EN_FRACTION.finditer(folded):
        count = m.group("count").lower()
        parts = _SMALL.get(count) or float(count)
        if parts < 2:
            continue
        part = m.group("part").lower()
        yield m.start(), m.end(), parts / _DENOMINATORS[part.removesuffix("s")], "", False


def _en_symbolic(folded: str):
    """Digits, vague plurals (hundreds of …) and months in dates."""
    for m in _EN_NUMBER.finditer(folded):
        start, end = m.span()
        if m.group("digits"):
            digits, suffix = m.group("digits"), (m.group("suffix") or "").lower()
            if not suffix and _inside_latin_token(folded, start, end):
                continue
            value = float(digits.replace(",", ""))
            scale = _EN_SCALE_AFTER.match(folded[end:])
            if scale:
                value *= _SCALE[scale.group(1).lower()]
                end += scale.end()
            if _is_en_list_marker(folded[:start], folded[end:], digits):
                continue
            decade = re.fullmatch(r"\d{3}0", digits) is not None  # the 1990s: a decade, not "thousands"
            yield start, end, value, "vague" if suffix == "s" and not decade else "", False
        elif m.group("vague"):
            phrase = m.group("vague").lower().split()
            value = float(_VAGUE[phrase[0]])
            if len(phrase) == 3:
                value *= _SCALE[phrase[2].rstrip("s")]
            yield start, end, value, "vague", False
        elif _is_date_month(folded, start, end, m.group("month")):
            yield start, end, float(_month_number(m.group("month"))), "", False


def _en_word_runs(folded: str, taken: list[tuple[int, int]]):
    """Runs of number words: "twenty-one", "an hundred and thirty", "two and thirty"."""
    words = [
        (m.start(), m.end(), m.group().lower())
        for m in _WORD.finditer(folded)
        if not any(a <= m.start() < b for a, b in taken)
    ]
    i = 0
    while i < len(words):
        start, end, word = words[i]
        article = word in ("a", "an") and i + 1 < len(words) and words[i + 1][2] in (*_SCALE, "dozen", "score") \
            and folded[end:words[i + 1][0]].isspace()
        if word not in _NUMBER_WORDS and not article:
            i += 1
            continue
        run = [word]
        j = i + 1
        while j < len(words):
            gap = folded[words[j - 1][1]:words[j][0]]
            if words[j][2] == "and" and j + 1 < len(words) and gap.isspace():
                gap, j = f"{gap}and{folded[words[j][1]:words[j + 1][0]]}", j + 1
            if not _joins(run[-1], gap, words[j][2]) and not _article_after_scale(run[-1], gap, words, j):
                if words[j - 1][2] == "and":
                    j -= 1
                break
            run.append(words[j][2])
            j += 1
        run_end = words[j - 1][1]
        i = j
        if run[0] in _LIST_ORDINALS or _is_en_list_ordinal(run, folded[:start], folded[run_end:]):
            continue
        if "score" in run and not _counted_score(run, folded[run_end:]):
            continue  # "the score was high", "a score of 90": a result, not twenty
        value, soft = _parse_number_words(run)
        yield start, run_end, value, "", soft


def _counted_score(run: list[str], after: str) -> bool:
    """"Score" counts twenty only when something counts the scores and the phrase goes on as
    the archaic number does: "a score of years", "three score and ten", "two score men"."""
    at = run.index("score")
    if at == 0:
        return False
    goes_on = at < len(run) - 1 or re.match(r"^\s+(?:and\b|of\b(?!\s+\d)|[a-z]+s\b)", after, re.IGNORECASE)
    return bool(goes_on)


def _article_after_scale(previous: str, gap: str, words: list, j: int) -> bool:
    """King James additions: "an hundred thousand and eight thousand and an hundred"."""
    return previous in _SCALE and gap.strip().lower() == "and" and words[j][2] in ("a", "an") \
        and j + 1 < len(words) and _SCALE.get(words[j + 1][2], _SCALE[previous]) < _SCALE[previous]


def _joins(previous: str, gap: str, word: str) -> bool:
    """Whether ``word`` continues the number that ends in ``previous``."""
    if word not in _NUMBER_WORDS or word in _MULTIPLE and word not in ("dozen", "score"):
        return False
    if previous in ("a", "an"):
        return gap.isspace()
    small_prev, small_next = _SMALL.get(previous), _SMALL.get(word, _ORDINAL.get(word))
    if gap.strip().lower() == "and":
        scale_prev = previous in _SCALE or previous in ("score", "threescore", "fourscore", "twoscore")
        kjv = small_prev is not None and small_next is not None and (
            (small_prev < 10 and small_next >= 20 and small_next % 10 == 0)
            or (small_prev >= 20 and small_prev % 10 == 0 and small_next < 10))
        return scale_prev or kjv
    if gap not in ("-", " "):
        return False
    if word in _SCALE or word in _SCALE_ORDINAL or word in ("dozen", "score"):
        return previous not in _ORDINAL
    if previous in _SCALE:
        return True
    tens = small_prev is not None and small_prev >= 20 and small_prev % 10 == 0
    return tens and small_next is not None and small_next < 10


def _with_modifiers(folded: str, text: str, start: int, end: int, value: float, approx: str, soft: bool) -> Quantity:
    prefix = _EN_APPROX_BEFORE.search(folded[:start])
    if prefix:
        approx = approx or _EN_APPROX_KIND.get(prefix.group("m").lower(), "about")
        start = prefix.start("m")
    suffix = _EN_APPROX_AFTER.match(folded[end:])
    if suffix:
        approx = approx or ("about" if "so" in suffix.group().lower() else "over")
        end += suffix.end()
    percent = _EN_PERCENT.match(folded[end:])
    if percent:
        end += percent.end()
    return Quantity(value, start, end, text[start:end], bool(percent), approx, soft)


def _parse_number_words(words: list[str]) -> tuple[float, bool]:
    """Additive parse, which also reads the King James order (two and thirty = 32)."""
    words = [w for w in words if w != "and"]
    total, current = 0.0, 0.0
    for word in words:
        if word in ("a", "an"):
            current += 1
        elif word in _SMALL:
            current += _SMALL[word]
        elif word in _ORDINAL:
            current += _ORDINAL[word]
        elif word in ("dozen", "score"):
            current = max(current, 1) * _MULTIPLE[word]
        elif word in _MULTIPLE:
            current += _MULTIPLE[word]
        elif word in ("hundred", "hundredth"):
            current = max(current, 1) * 100
        else:
            total += max(current, 1) * (_SCALE.get(word) or _SCALE_ORDINAL[word])
            current = 0
    value = total + current
    return value, value == 1 or words in (["both"], ["once"])


def _is_en_list_ordinal(words: list[str], before: str, after: str) -> bool:
    """"First is to …; second is to …" and "First, …" number a list."""
    if len(words) != 1 or words[0] not in _ORDINAL:
        return False
    clause_start = re.search(r"(?:^|[;:.!?,]|\band)\s*$", before) is not None
    return clause_start and re.match(r"^(?:\s*,|\s+(?:is|are|of all)\b)", after, re.IGNORECASE) is not None


def _is_en_list_marker(before: str, after: str, digits: str) -> bool:
    """``1 Explore …``, ``2. …``, ``(3)`` at the start of a sentence or line."""
    if len(digits) > 2 or not re.search(r"(?:^|\n|[(])\s*$", before):
        return False
    if before.rstrip().endswith("(") and after.startswith(")"):
        return True
    if _EN_MONTH_AFTER.match(after):
        return False  # 11 February 2023: a date
    return re.match(r"^(?:[.)](?!\d)|\s+[A-Z])", after) is not None


_EN_MONTH_AFTER = re.compile(rf"\s+(?:{_MONTH_NAME})\b")


def _month_number(word: str) -> int:
    name = word.rstrip(".").lower()
    return _MONTHS.get(name) or next(i for m, i in _MONTHS.items() if m.startswith(name))


def _is_date_month(folded: str, start: int, end: int, word: str) -> bool:
    """A month name counts in a date (April 25th, 2019 / 25 April / in May 2019 / Feb. 11)
    and, spelled in full, wherever it stands as a month (December's figures); "May" and
    "March" only in a date or after a time word, and an abbreviation only before a day."""
    if not word[0].isupper():
        return False
    day_follows = re.match(r"^\s+\d{1,4}(?:st|nd|rd|th)?\b", folded[end:])
    if day_follows or re.search(r"\b\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?$", folded[:start]):
        return True
    name = word.rstrip(".").lower()
    if name not in _MONTHS:
        return False
    if name in ("may", "march"):
        return bool(_MONTH_CONTEXT.search(folded[:start]))
    return re.match(r"^\s+[A-Z][a-z]", folded[end:]) is None  # not a given name: June Carter
