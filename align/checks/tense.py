"""Plan versus accomplished fact between the two sides (``tense.*``).

Chinese marks aspect and modality with words, not inflection: 将/即将/计划/拟/预计/要/会
before a verb announce a plan, 已/已经/曾 before a verb and 了/过 after one report a
completed fact. English uses will/shall/plans to/is to versus has/have/had + participle.
A pair is flagged when one side only announces and the other only reports, like the seed's
中国科学院将在泰国启动…创新中心 ↔ "CAS has established the … Center".

Markers are read with jieba's part-of-speech tags and only count when a verb follows (or,
for 了/过, precedes) *in the same clause*, so 将 as the object marker (将超大型浮选机技术带到
南非 = "brought … to South Africa") or a 将 whose verb is in another clause does not count.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from align.checks.registry import CheckContext, register
from align.model import Flag, Link
from align.text.zhtext import Token, clause_spans, pos_tokens

_ZH_PLAN = {"将", "将要", "即将", "计划", "拟", "预计", "将会", "必将", "准备", "打算", "有望", "拟于", "就要",
            "必", "必不", "必定", "就必"}  # 必 is the written "shall": 我必赐福给你 = "I will bless thee"
# Modal words: 会 (can, tends to, would), 要 (must, wants), 应该 (should); 会 and 要 after a
# pronoun or a person's name are the future ("I will", "the LORD will"). They
# are no report of a fact, so they neutralise a 了 nearby, but they are no plan either: an
# English "has …" beside them is not a tense error.
_ZH_MODAL = {"要", "会", "必要", "不可", "应当", "应该", "必须", "务要", "可以", "愿"}
_ZH_PLAN_OR_MODAL = frozenset(_ZH_PLAN | _ZH_MODAL)  # built once: looked up for every token
# clauses that state a condition, a consequence or a description, not a report
_ZH_CONDITION = ("若", "如果", "倘若", "假如", "要是", "如", "凡", "当", "一旦", "以致", "以至", "免得")
_SECOND_PERSON = ("你", "你们", "您")
_ZH_DONE_BEFORE = {"已", "已经", "曾", "曾经", "业已", "早已"}
_ZH_DONE_AFTER = {"了", "过"}
_ZH_NEGATIONS = ("不", "没", "没有", "未", "别")
# 将 followed by one of these introduces an action (将在…启动, 将为…设计); followed by a noun it
# is the written-language object marker (将 X 带到 Y = 把 X 带到 Y).
_ACTION_START = ("v", "vd", "vn", "d", "p", "c")
# a verb of disposal after 将 + object ends in a result or direction (带到, 提上, 放在, 列为, 纳入)
_DISPOSAL_COMPLEMENTS = tuple("到在为成入给上进至出回作")

_EN_PLAN = re.compile(
    r"\b(?:will|shall|(?<=\w)'ll|(?:is|are|am|was|were)\s+going\s+to|"
    r"(?:plans?|planned|planning|intends?|intended|aims?|aimed)\s+to|"
    r"(?:is|are)\s+(?:expected|scheduled|set|due|slated)\s+to|(?:is|are)\s+to\s+(?:be\s+)?\w+)\b",
    re.IGNORECASE,
)
_IRREGULAR_PARTICIPLES = set(
    """been done gone seen given taken made come become brought bought built caught chosen
    drawn driven eaten fallen felt found flown forgotten got gotten grown heard held hidden
    hit kept known laid led left lent lost meant met paid put read risen run said sent set
    shown shut sung sat slept spent spoken stood stolen struck sworn taught told thought
    thrown understood won written begun broken borne born begotten beaten blown dealt dug
    fed fought forgiven frozen hung let lain lit overcome ridden rung sought sold shaken
    shone shot sunk slain spread sprung stuck stung swept swum torn undertaken woken worn
    wept withdrawn""".split()
)
_EN_PERFECT = re.compile(
    r"\b(?P<aux>has|have|had|'ve|'s)\s+(?:(?:not|never|already|also|just|recently|successfully|"
    r"\w+ly)\s+)*(?P<participle>[a-z]+)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Marker:
    kind: str  # "plan" | "done" | "modal" (会/要/应该: neither, but not a report either)
    start: int
    end: int
    text: str
    verb: tuple[int, int] | None = None  # the Chinese verb the marker is tied to


def zh_markers(text: str) -> list[Marker]:
    """Plan and completion markers of a Chinese sentence, each tied to a verb in its clause."""
    found = []
    for clause_start, clause_end in clause_spans(text, "zh", min_len=0):
        if _is_question(text[clause_start:clause_end]):
            continue  # 你也要毁灭吗？ asks; it neither plans nor reports
        tokens = [t for t in pos_tokens(text) if clause_start <= t.start < clause_end and t.word.strip()]
        for i, token in enumerate(tokens):
            kind = _zh_marker_kind(tokens, i)
            if kind:
                found.append(Marker(kind, token.start, token.end, token.word, _verb_of(tokens, i)))
    return found


def _verb_of(tokens: list[Token], i: int) -> tuple[int, int] | None:
    """The verb a marker is tied to: the word before 了/过, else the first verb after it."""
    if tokens[i].word in _ZH_DONE_AFTER:
        return (tokens[i - 1].start, tokens[i - 1].end) if i else None
    verb = next((t for t in tokens[i + 1:] if t.flag.startswith("v")), None)
    return (verb.start, verb.end) if verb else None


def _zh_marker_kind(tokens: list[Token], i: int) -> str | None:
    token = tokens[i]
    previous = tokens[i - 1] if i else None
    following = tokens[i + 1:]
    if previous is not None and previous.word in _ZH_NEGATIONS:
        return None
    if token.word in _ZH_DONE_AFTER:
        # 若打坏了…, 摸了人死尸的: a condition or a description, not a report
        conditional = tokens[0].word.startswith(_ZH_CONDITION)
        descriptive = any(t.word == "的" for t in following)
        if conditional or descriptive:
            return None
        after_verb = previous is not None and previous.flag.startswith("v")
        return "done" if token.flag in ("ul", "ug", "u") and after_verb else None
    verb_follows = any(t.flag.startswith(("v", "z", "a")) for t in following) \
        or bool(following and following[0].flag == "p")  # 必给你: 给 as a verb, tagged p
    if token.word in _ZH_DONE_BEFORE:
        return "done" if verb_follows else None
    if token.word not in _ZH_PLAN_OR_MODAL or not verb_follows:
        return None
    if token.word == "将" and (not (following and following[0].flag.startswith(_ACTION_START))
                              or _object_then_disposal(following)):
        return None  # the object marker: 将 X 带到 Y, 将种植牙降价提上日程
    if token.word == "计划" and previous is not None and previous.flag.startswith("n"):
        return None  # 行动计划: a plan, the noun
    if token.word in ("要", "会") and token.flag not in ("v", "d"):
        return None
    if token.word in ("要", "就要") and previous is not None and previous.word in _SECOND_PERSON:
        return None  # 你要写上: an instruction, not a plan
    if token.word in ("要", "会") and _person_subject(tokens[:i]):
        return "plan"  # 我要使你成为大国, 我也要…, 他会来: a person's will or a prediction ("I will")
    return "modal" if token.word in _ZH_MODAL else "plan"


def _object_then_disposal(following: list[Token]) -> bool:
    """将 + a noun phrase + a verb of result or direction: 将 marks the object (将种植牙降价提上
    日程 "put the price cut on the agenda"), where the future 将 is followed by its verb and
    that verb's object (将启动创新中心)."""
    if not following or following[0].flag.startswith(("p", "d", "c")):
        return False  # 将在泰国建成…: a time, place or manner first, then the verb
    for previous, token, after in zip(following, following[1:], [*following[2:], None]):
        if not previous.flag.startswith("n") or not token.flag.startswith("v"):
            continue
        if len(token.word) > 1 and token.word.endswith(_DISPOSAL_COMPLEMENTS):
            return True
        if after is not None and after.word in _DISPOSAL_COMPLEMENTS:
            return True
    return False


def _person_subject(before: list[Token]) -> bool:
    """The word before the modal, past adverbs (我又要, 我们都要), is a pronoun or a person."""
    for token in reversed(before):
        if token.flag != "d":
            return token.flag in ("r", "nr", "nrfg", "nrt")
    return False


def _is_question(clause: str) -> bool:
    return clause.rstrip().rstrip("”’\"'").endswith(("?", "？", "吗", "吗？", "呢？"))


def en_markers(text: str) -> list[Marker]:
    """Future/plan phrasing and perfect aspect (has/have/had + participle) in English,
    outside questions and condition or time clauses ("if I have found grace", "when a man
    shall commit"), which neither plan nor report."""
    return [m for m in _en_markers(text) if _asserted(text, m.start)]


def _asserted(text: str, at: int) -> bool:
    for start, end in clause_spans(text, "en", min_len=0):
        if start <= at < end:
            clause = text[start:end]
            opening = re.sub(r"^(?:and|but|for|now|then|that)\s+", "", clause.strip(" “\"‘'("), flags=re.IGNORECASE)
            return not (_is_question(clause) or _EN_CONDITION.match(opening))
    return True


_EN_CONDITION = re.compile(r"(?:if|when|whenever|once|after|unless|lest|though|although|whether|until|till)\b",
                           re.IGNORECASE)


def _en_markers(text: str) -> list[Marker]:
    found = [Marker("plan", m.start(), m.end(), m.group()) for m in _EN_PLAN.finditer(text)
             if not _is_noun_will(text, m)]
    for m in _EN_PERFECT.finditer(text):
        participle = m.group("participle").lower()
        if m.group("aux").lower() == "'s" and participle != "been":
            continue  # he's going / it's done: too ambiguous
        if participle.endswith("ed") or participle.endswith("en") or participle in _IRREGULAR_PARTICIPLES:
            found.append(Marker("done", m.start(), m.end(), m.group()))
    return sorted(found, key=lambda marker: marker.start)


def _is_noun_will(text: str, m: re.Match) -> bool:
    """"the will of the people", "good will": will as a noun."""
    if m.group().lower() != "will":
        return False
    before = text[:m.start()].lower()
    after = text[m.end():].lstrip().lower()
    return re.search(r"\b(?:the|his|her|their|my|your|our|good|free|a)\s+$", before) is not None \
        or after.startswith(("of ", ",", ".", ";"))


@register("tense.plan_vs_done", options={"max_offset": 0.3}, severity={"tense.plan_vs_done": "warning"})
def plan_vs_done(link: Link, ctx: CheckContext) -> Iterator[Flag]:
    """One side announces a plan, the other reports it as done (将 vs "has …").

    Markers are compared where they stand: translation keeps the order of clauses roughly,
    so a Chinese marker is set against the English markers at a comparable relative position
    (within ``max_offset`` of the sentence length). It is flagged when every English marker
    there has the opposite aspect and no Chinese marker of that aspect stands near it; a
    "will" left elsewhere in the sentence does not hide a "has" put in its place.
    """
    if link.one_sided:
        return
    zh, en = zh_markers(link.zh), en_markers(link.en)
    reach = ctx.option("tense.plan_vs_done", "max_offset")
    opposite = {"plan": "done", "done": "plan"}
    for z in zh:
        if z.kind == "modal":
            continue
        near_en = [e for e in en if abs(_position(e, link.en) - _position(z, link.zh)) <= reach]
        near_zh = [m for m in zh if abs(_position(m, link.zh) - _position(z, link.zh)) <= reach]
        if not near_en or any(e.kind != opposite[z.kind] for e in near_en) \
                or any(m.kind != z.kind for m in near_zh):
            continue
        if not _verb_under(z, near_en, link, ctx):
            continue
        e = min(near_en, key=lambda m: abs(_position(m, link.en) - _position(z, link.zh)))
        wording = {"plan": "a plan or future event", "done": "something already done"}
        yield ctx.flag(
            link, "tense.plan_vs_done",
            f"The Chinese states {wording[z.kind]} ({z.text}), "
            f"the English {wording[e.kind]} ({e.text}).",
            zh_span=(z.start, z.end), en_span=(e.start, e.end),
            evidence={"zh": z.kind, "en": e.kind, "zh_markers": [m.text for m in zh],
                      "en_markers": [m.text for m in en]},
        )
        return


_CLAUSE_BREAK = re.compile(r"[,;:.!?，；：。！？]")


def _verb_under(z: Marker, near_en: list[Marker], link: Link, ctx: CheckContext) -> bool:
    """Whether the English marker governs the English rendering of the marker's verb, where
    the word aligner renders that verb: 我便喝了 ↔ "I will give … so I drank" renders 喝 by
    "drank", outside the "will", so the "will" says nothing about it. With no rendering
    found the positions decide alone."""
    from align.wordalign import link_alignments

    alignment = link_alignments(ctx).get(link.index)
    if z.verb is None or alignment is None:
        return True
    a, b = z.verb
    inside = [i for i, w in enumerate(alignment.zh) if a < w.end and w.start < b]
    renderings = sorted({e.start: e for i in inside for e in alignment.renderings(i)}.values(), key=lambda e: e.start)
    if not renderings:
        return True
    # a verb said as often as its renderings (喝 ×4 ↔ Drink, drink, drank, drink): the k-th
    # time is the k-th rendering; otherwise the rendering nearest the verb's place
    same = [i for i, w in enumerate(alignment.zh) if w.text == alignment.zh[inside[0]].text]
    if len(inside) == 1 and len(same) == len(renderings):
        word = renderings[same.index(inside[0])]
    else:
        at = (a + b) / 2 / max(1, len(link.zh))
        word = min(renderings, key=lambda w: abs((w.start + w.end) / 2 / max(1, len(link.en)) - at))
    return any(_governs(link.en, marker, word.start) for marker in near_en)


def _governs(text: str, marker: Marker, at: int) -> bool:
    """The word at ``at`` is inside the marker or at most three words after it, same clause."""
    if marker.start <= at < marker.end:
        return True
    between = text[marker.end:at]
    return at >= marker.end and not _CLAUSE_BREAK.search(between) and len(between.split()) <= 3


def _position(marker: Marker, text: str) -> float:
    """Where a marker stands in its sentence, from 0 (start) to 1 (end)."""
    return (marker.start + marker.end) / 2 / max(1, len(text))
