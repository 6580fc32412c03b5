"""Sentence-level development sets with many n:m beads, built from the shared bench data.

Why: the shipped Bible gold is verse-level and nearly all 1-1, which is not where aligners
differ. Translators of literary and institutional text split and merge sentences freely, so
the dev sets re-create that structure from gold we hold:

* **Bible, re-segmented** (``bible-split/…``, one document per book): each Chinese verse is
  one sentence, and inside a chapter a verse is joined to the one before it with probability
  ``JOIN_ZH`` (seeded per book, so the set is fixed); every English line is split after KJV's
  clause punctuation (``:`` and ``;`` followed by a space), and inside a chapter the first
  clause of a verse is joined to the last clause of the verse before it with probability
  ``JOIN_EN``. Every sentence is then a whole verse (or two), or clauses of one verse with at
  most one join across a verse boundary, so the gold is exact at sentence level (no finer
  correct alignment exists): each gold link's sentences are mapped to the new sentences that
  contain them, and links sharing a new sentence are joined (union-find). The English has
  about twice as many sentences as the Chinese, with 1-2, 1-3, 2-3, 2-4, 3-4 … beads (the
  English joins make the n-m ones). Each book's first ``CHAPTERS`` chapters are its document:
  Bertalign's side-by-side run encodes four runs per sentence, and on two shared cores that
  keeps the whole bench within minutes. Genesis and Exodus are the calibration part,
  Leviticus and Numbers are held out.
* **Text+Berg** documents 001-003 (calibration) and 004-007 (held out).

Nothing here is tuned: the split rule is the punctuation itself and ``JOIN_ZH`` / ``JOIN_EN``
only set how many joins there are.
"""
from __future__ import annotations

import random
import re
from pathlib import Path

from align.bench.alignment import LinkSet, Pair, bible_pairs, textberg_pairs

JOIN_ZH = 0.15  # share of in-chapter verse boundaries where two Chinese verses are joined
JOIN_EN = 0.15  # ... where the English clauses either side of the boundary are joined
CHAPTERS = 5  # chapters per book in the dev document (bench cost, not accuracy)
CALIBRATION_BOOKS = ("Gen", "Exo")
HELD_OUT_BOOKS = ("Lev", "Num")
CALIBRATION_TEXTBERG = ("001", "002", "003")
_CLAUSE_END = re.compile(r"(?<=[:;]) +")


def split_clauses(line: str) -> list[str]:
    """An English line cut after every ``:`` / ``;`` that a space follows."""
    return [p for p in _CLAUSE_END.split(line.strip()) if p]


def resegment_book(bible: Pair, book: str, chapters: int = CHAPTERS, join_zh: float = JOIN_ZH,
                   join_en: float = JOIN_EN) -> Pair:
    """The first ``chapters`` chapters of one book of the Bible pair, with English clauses as
    sentences and some verses joined."""

    def wanted(verse: str) -> bool:
        name, chapter, _ = verse.split(":")
        return name == book and int(chapter) <= chapters

    zh_ids = [i for i, v in enumerate(bible.zh_verse) if wanted(v)]
    en_ids = [j for j, v in enumerate(bible.en_verse) if wanted(v)]
    rng = random.Random(f"bible-split/{book}")
    zh_new: list[str] = []
    zh_map: dict[int, int] = {}
    for k, i in enumerate(zh_ids):
        prev = zh_ids[k - 1] if k else None
        joined = prev is not None and bible.zh_verse[prev] == bible.zh_verse[i]
        if prev is not None and not joined:
            joined = _same_chapter(bible.zh_verse[prev], bible.zh_verse[i]) and rng.random() < join_zh
        if joined:
            zh_new[-1] += bible.zh[i]
        else:
            zh_new.append(bible.zh[i])
        zh_map[i] = len(zh_new) - 1
    en_new: list[str] = []
    en_map: dict[int, list[int]] = {}
    for k, j in enumerate(en_ids):
        parts = split_clauses(bible.en[j])
        prev = en_ids[k - 1] if k else None
        ids = []
        if (prev is not None and bible.en_verse[prev] != bible.en_verse[j]
                and _same_chapter(bible.en_verse[prev], bible.en_verse[j]) and rng.random() < join_en):
            en_new[-1] += " " + parts.pop(0)
            ids.append(len(en_new) - 1)
        en_map[j] = ids + list(range(len(en_new), len(en_new) + len(parts)))
        en_new.extend(parts)
    zh_set, en_set = set(zh_ids), set(en_ids)
    links = []
    for src, tgt in bible.gold or []:
        if (src and src[0] in zh_set) or (tgt and tgt[0] in en_set):
            links.append(({zh_map[i] for i in src}, {t for j in tgt for t in en_map[j]}))
    return Pair(f"bible-split/{book}", zh_new, en_new, join_overlapping(links))


def _same_chapter(verse_a: str, verse_b: str) -> bool:
    return verse_a.rsplit(":", 1)[0] == verse_b.rsplit(":", 1)[0]


def join_overlapping(links: list[tuple[set[int], set[int]]]) -> LinkSet:
    """Join links that share a sentence on either side (union-find), sorted by position."""
    parent = list(range(len(links)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    owner: dict[tuple[str, int], int] = {}
    for k, (src, tgt) in enumerate(links):
        for key in [("zh", i) for i in src] + [("en", j) for j in tgt]:
            if key in owner:
                parent[find(k)] = find(owner[key])
            else:
                owner[key] = k
    groups: dict[int, tuple[set[int], set[int]]] = {}
    for k, (src, tgt) in enumerate(links):
        zs, es = groups.setdefault(find(k), (set(), set()))
        zs.update(src)
        es.update(tgt)
    out = [(tuple(sorted(z)), tuple(sorted(e))) for z, e in groups.values()]
    return sorted(out, key=lambda lk: (lk[0][0] if lk[0] else -1, lk[1][0] if lk[1] else -1))


def dev_sets(shared: Path) -> dict[str, list[Pair]]:
    """Every dev set by name: (calibration | held-out) × (bible-split | textberg)."""
    bible = bible_pairs(shared)[0]
    textberg = textberg_pairs(shared)
    calib = [p for p in textberg if p.name.split("/")[-1] in CALIBRATION_TEXTBERG]
    held = [p for p in textberg if p.name.split("/")[-1] not in CALIBRATION_TEXTBERG]
    return {
        f"bible-split calibration (Gen, Exo 1-{CHAPTERS})": [resegment_book(bible, b) for b in CALIBRATION_BOOKS],
        f"bible-split held out (Lev, Num 1-{CHAPTERS})": [resegment_book(bible, b) for b in HELD_OUT_BOOKS],
        "textberg calibration (001-003)": calib,
        "textberg held out (004-007)": held,
    }


def bead_histogram(pairs: list[Pair]) -> dict[str, int]:
    """Gold bead types ("zh-en" sentence counts) and how often each occurs."""
    out: dict[str, int] = {}
    for p in pairs:
        for src, tgt in p.gold or []:
            key = f"{len(src)}-{len(tgt)}"
            out[key] = out.get(key, 0) + 1
    return dict(sorted(out.items(), key=lambda kv: -kv[1]))
