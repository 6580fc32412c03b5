"""Alignment fixes made by reviewers: merge two links, split one, mark a sentence untranslated.

A fix names the links it changes by a fingerprint of their normalised text, not by index,
so it carries over to a re-run on the same text and is a no-op once applied (the links it
names no longer exist), which makes applying fixes idempotent.
"""
from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from align.model import Link, normalise_for_matching


class FixError(ValueError):
    """A fix that cannot be made on these links (shown to the reviewer)."""


@dataclass(frozen=True)
class Fix:
    action: str  # merge | split | untranslated
    params: dict[str, Any]


def describe_fix(action: str, params: dict[str, Any]) -> str:
    """A fix as the history reads it: "merge of link 4 with the next", …"""
    if action == "merge":
        return f"merge of link {params['at']} with the next"
    if action == "split":
        return f"split of link {params['at']} (first part: {params['zh_keep']} zh, {params['en_keep']} en sentences)"
    return f"untranslated mark on {params['lang']} sentence {params['sentence'] + 1} of link {params['at']}"


def link_key(link: Link) -> str:
    """Fingerprint of a link's normalised text: what a fix refers to across runs."""
    key = normalise_for_matching(link.zh) + "\x1f" + normalise_for_matching(link.en)
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def link_sentences(link: Link, lang: str) -> list[str]:
    """The sentences of one side of a link, cut at its stored bounds (never re-segmented)."""
    return [text for _, text in _sentences(link, lang)]


def _sentences(link: Link, lang: str) -> list[tuple[int, str]]:
    try:
        return link.sentences(lang)
    except ValueError as exc:
        raise FixError(f"{exc}: re-run align check to split or take out its sentences") from None


def default_split(zh: list[str], en: list[str]) -> tuple[int, int] | None:
    """How many zh and en sentences to keep in the first part, as the split form proposes it.

    The boundary nearest the middle (by characters) of the side with more sentences, and on
    the other side the boundary nearest the same share of its text: always a valid split,
    None when neither side has two sentences to split between.
    """
    primary, other = (zh, en) if len(zh) >= len(en) else (en, zh)
    if len(primary) < 2:
        return None
    shares_p, shares_o = _shares(primary), _shares(other)
    k = min(range(1, len(primary)), key=lambda i: (abs(shares_p[i] - 0.5), i))
    j = min(range(len(other) + 1), key=lambda i: (abs(shares_o[i] - shares_p[k]), -i))
    return (k, j) if primary is zh else (j, k)


def _shares(texts: list[str]) -> list[float]:
    """Share of the side's characters before each sentence boundary (0 … 1)."""
    total = max(1, sum(len(t) for t in texts))
    shares, seen = [0.0], 0
    for text in texts:
        seen += len(text)
        shares.append(seen / total)
    return shares


def merge_fix(links: list[Link], position: int) -> Fix:
    if position + 1 >= len(links):
        raise FixError(f"link {links[position].index} is the last link: nothing to merge with")
    first, second = links[position], links[position + 1]
    return Fix("merge", {"first": link_key(first), "second": link_key(second), "at": position})


def split_fix(link: Link, position: int, zh_keep: int, en_keep: int) -> Fix:
    """Keep the first ``zh_keep`` zh and ``en_keep`` en sentences in the first part."""
    if not (0 <= zh_keep <= len(link.zh_ids) and 0 <= en_keep <= len(link.en_ids)):
        raise FixError(f"link {link.index}: split point outside the link")
    if zh_keep + en_keep == 0 or zh_keep + en_keep == len(link.zh_ids) + len(link.en_ids):
        raise FixError(f"link {link.index}: a split must leave sentences on both parts")
    return Fix("split", {"link": link_key(link), "at": position, "zh_keep": zh_keep, "en_keep": en_keep})


def untranslated_fix(link: Link, position: int, lang: str, sentence: int) -> Fix:
    """Take the first or last ``lang`` sentence out of the link as a one-sided link."""
    ids = link.zh_ids if lang == "zh" else link.en_ids
    if lang not in ("zh", "en") or not 0 <= sentence < len(ids):
        raise FixError(f"link {link.index}: no {lang} sentence {sentence}")
    if 0 < sentence < len(ids) - 1:
        raise FixError(f"link {link.index}: split the link first; only an outer sentence can be taken out")
    return Fix("untranslated", {"link": link_key(link), "at": position, "lang": lang, "sentence": sentence})


Scorer = Callable[[str, str], float]


def apply_fixes(
    links: list[Link], fixes: list[Fix], score: Scorer | None = None
) -> tuple[list[Link], list[int]]:
    """Apply fixes in order; return the renumbered links and the positions of fixes applied.

    A fix whose links are not found (already applied, or the text changed) is skipped. The
    links a fix makes are marked ``fixed`` and scored by ``score(zh, en)`` (see
    :func:`encoder_scorer`); without one they score 0.
    """
    applied = []
    current = list(links)
    for number, fix in enumerate(fixes):
        changed = _apply_one(current, fix)
        if changed is not None:
            current = changed
            applied.append(number)
    made = {id(link) for link in current} - {id(link) for link in links}
    return [_renumber(link, i, score if id(link) in made else None) for i, link in enumerate(current)], applied


def encoder_scorer(encoder) -> Scorer:
    """A fixed link's confidence as the aligner gives one: the calibrated cosine of its
    joined zh and en text; a one-sided link has 0. Scores are memoised per scorer."""
    from align.aligner.sentences import calibrated_confidence

    memo: dict[tuple[str, str], float] = {}

    def score(zh: str, en: str) -> float:
        if not (zh and en):
            return 0.0
        if (zh, en) not in memo:
            x, y = encoder.encode([zh, en])
            memo[(zh, en)] = calibrated_confidence(float(x @ y))
        return memo[(zh, en)]

    return score


def _apply_one(links: list[Link], fix: Fix) -> list[Link] | None:
    p = fix.params
    if fix.action == "merge":
        spots = [
            i for i in range(len(links) - 1)
            if link_key(links[i]) == p["first"] and link_key(links[i + 1]) == p["second"]
        ]
        if not spots:
            return None
        i = _nearest(spots, p.get("at", 0))
        return links[:i] + [_join(links[i], links[i + 1])] + links[i + 2:]
    spots = [i for i, link in enumerate(links) if link_key(link) == p["link"]]
    if not spots:
        return None
    i = _nearest(spots, p.get("at", 0))
    if fix.action == "split":
        parts = _split(links[i], p["zh_keep"], p["en_keep"])
    elif fix.action == "untranslated":
        parts = _take_out(links[i], p["lang"], p["sentence"])
    else:
        raise FixError(f"unknown fix {fix.action!r}")
    return links[:i] + parts + links[i + 1:]


def _nearest(spots: list[int], hint: int) -> int:
    return min(spots, key=lambda i: abs(i - hint))


def _join(a: Link, b: Link) -> Link:
    return _part(_sentences(a, "zh") + _sentences(b, "zh"), _sentences(a, "en") + _sentences(b, "en"))


def _split(link: Link, zh_keep: int, en_keep: int) -> list[Link]:
    zh, en = _sentences(link, "zh"), _sentences(link, "en")
    return [_part(zh[:zh_keep], en[:en_keep]), _part(zh[zh_keep:], en[en_keep:])]


def _take_out(link: Link, lang: str, sentence: int) -> list[Link]:
    """The sentence alone as a one-sided link, before or after the rest of the link."""
    own, other = _sentences(link, lang), _sentences(link, "en" if lang == "zh" else "zh")
    alone = {lang: [own[sentence]], "other": []}
    rest = {lang: own[:sentence] + own[sentence + 1:], "other": other}
    parts = [alone, rest] if sentence == 0 else [rest, alone]
    made = [_part(p[lang], p["other"]) if lang == "zh" else _part(p["other"], p[lang]) for p in parts]
    return [link for link in made if link.zh_ids or link.en_ids]


def _part(zh: list[tuple[int, str]], en: list[tuple[int, str]]) -> Link:
    return Link.of_sentences(0, zh, en, 0.0, fixed=True)


def _renumber(link: Link, index: int, score: Scorer | None) -> Link:
    """The link at its new position, scored by ``score`` when given (a link a fix just made)."""
    return dataclasses.replace(link, index=index, score=score(link.zh, link.en) if score else link.score)


def locate(links: list[Link], old: Link) -> int | None:
    """Index of the (fixed) link that now holds the old link's first sentence."""
    for link in links:
        if (old.zh_ids and old.zh_ids[0] in link.zh_ids) or (
            old.en_ids and old.en_ids[0] in link.en_ids
        ):
            return link.index
    return None
