"""Glossaries against a corpus of aligned pairs: what maintainers need to keep them true.

* :func:`load_corpus` reads aligned pairs from a run folder or its ``pairs.jsonl`` (written
  by ``align check``), a TMX file, or a raw document pair ``ZH::EN`` aligned on the fly.
* :func:`term_usage`: for every entry, how its Chinese term was actually rendered.
* :func:`suggest_terms`: candidate term pairs — recurring Chinese terms (jieba words and
  runs of up to three words) and English noun-phrase-like n-grams that co-occur in aligned
  pairs far more than chance, ranked by Dunning's log-likelihood ratio (G²).
"""
from __future__ import annotations

import json
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from align.errors import InputError
from align.glossary import Glossary, GlossaryEntry, auto_id
from align.model import Link
from align.terms import fold, new_tokenizer

DOC_PAIR_SEPARATOR = "::"


# ---------------------------------------------------------------------------- corpus


def load_corpus(sources: Iterable[str | Path], *, quiet: bool = True) -> list[Link]:
    """Aligned pairs from every source, in order (see the module docstring for formats)."""
    links: list[Link] = []
    for source in sources:
        text = str(source)
        if DOC_PAIR_SEPARATOR in text:
            zh_path, en_path = text.split(DOC_PAIR_SEPARATOR, 1)
            links.extend(_align_pair(Path(zh_path), Path(en_path), quiet))
            continue
        path = Path(text)
        if path.is_dir():
            path = path / "pairs.jsonl"
        if not path.exists():
            raise InputError(path, "no such corpus file (give a run folder, pairs.jsonl, a .tmx, or ZH::EN)")
        if path.suffix.lower() == ".tmx":
            links.extend(_read_tmx(path))
        else:
            links.extend(_read_pairs_jsonl(path))
    return links


def _read_pairs_jsonl(path: Path) -> list[Link]:
    links = []
    with open(path, encoding="utf-8", errors="strict") as fh:
        for number, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                links.append(Link.from_json(json.loads(line)))
            except (ValueError, KeyError, TypeError) as e:
                raise InputError(path, f"not a pairs.jsonl record ({e.__class__.__name__}: {e})", number) from None
    return links


def _read_tmx(path: Path) -> list[Link]:
    from lxml import etree

    try:
        root = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True)).getroot()
    except etree.XMLSyntaxError as e:
        raise InputError(path, f"not well-formed XML: {e.msg}", e.lineno) from None
    links = []
    for unit in root.iter("tu"):
        sides: dict[str, str] = {}
        for tuv in unit.iter("tuv"):
            lang = (tuv.get("{http://www.w3.org/XML/1998/namespace}lang") or tuv.get("lang") or "").lower()
            seg = tuv.find("seg")
            if seg is not None:
                sides.setdefault(lang[:2], "".join(seg.itertext()))
        if sides.get("zh") and sides.get("en"):
            links.append(Link(len(links), (), (), sides["zh"], sides["en"], 1.0))
    return links


def _align_pair(zh_path: Path, en_path: Path, quiet: bool) -> list[Link]:
    from align.align import align_documents
    from align.embed import load_encoder
    from align.progress import Progress
    from align.segment import load_document

    with Progress(quiet) as progress, progress.stage(f"aligning {zh_path.name} ↔ {en_path.name}", 1):
        return align_documents(load_document(zh_path, "zh"), load_document(en_path, "en"), load_encoder())


# ---------------------------------------------------------------------------- usage


@dataclass
class Usage:
    """How one entry's Chinese term was rendered across a corpus."""

    entry: GlossaryEntry
    occurrences: int = 0
    renderings: Counter = field(default_factory=Counter)  # (surface text, kind) -> count
    unmatched: int = 0
    examples: dict[str, int] = field(default_factory=dict)  # rendering or "" -> first link

    def to_json(self) -> dict:
        return {
            "id": self.entry.id,
            "zh": self.entry.zh,
            "en": self.entry.en,
            "occurrences": self.occurrences,
            "renderings": [
                {"text": text, "kind": kind, "count": n, "example_link": self.examples.get(text)}
                for (text, kind), n in self.renderings.most_common()
            ],
            "unmatched": self.unmatched,
            "unmatched_example_link": self.examples.get(""),
        }


def term_usage(glossary: Glossary, links: Sequence[Link]) -> list[Usage]:
    """For every entry: occurrences of its zh term and the English found for each."""
    usage = {e.id: Usage(e) for e in glossary.entries}
    for link in links:
        if not (link.zh and link.en):
            continue
        en_hits = glossary.find_en(link.en, nested=True)
        for zh_hit in glossary.find_zh(link.zh):
            record = usage[zh_hit.entry.id]
            record.occurrences += 1
            found = [h for h in en_hits if h.entry.id == zh_hit.entry.id]
            for hit in found:
                record.renderings[(hit.text, hit.kind)] += 1
                record.examples.setdefault(hit.text, link.index)
            if not found:
                record.unmatched += 1
                record.examples.setdefault("", link.index)
    return list(usage.values())


def unused_entries(glossary: Glossary, links: Sequence[Link]) -> list[GlossaryEntry]:
    """Entries whose Chinese term occurs nowhere in the corpus (nested occurrences count)."""
    seen = {h.entry.id for link in links if link.zh for h in glossary.find_zh(link.zh, nested=True)}
    return [e for e in glossary.entries if e.id not in seen]


# ---------------------------------------------------------------------------- suggest

_ZH_STOP = set("的 了 和 与 及 或 在 是 为 对 将 把 被 也 都 就 等 中 上 下 之 其 并 而 从 向 以 于 由 到".split())
_EN_STOP = set(
    """a an the of and or for to in on at by with from as into onto over under than that this these those
    is are was were be been being has have had will would can could may should it its their his her our
    we they he she which who whom whose what when where while also not no but if so such more most other
    all any each some many much very up out about between through during before after since until both""".split()
)
_EN_WORD = re.compile(r"[A-Za-z][A-Za-z&'’\-]*|\d[\d,.]*")
_EN_CLAUSE = re.compile(r"[,;:()\"“”!?]|\.(?:\s|$)")
_ZH_BLOCK = re.compile(r"[\u4E00-\u9FFF]+")
MAX_ZH_WORDS = 3
MAX_EN_WORDS = 3
_NAME_LINKS = {"of", "and", "for", "the", "in", "on", "&"}


@dataclass(frozen=True)
class Suggestion:
    zh: str
    en: str
    score: float  # G²
    dice: float
    together: int  # pairs with both
    zh_count: int  # pairs with the zh term
    en_count: int  # pairs with the en phrase
    examples: tuple[int, ...]  # link numbers

    def to_entry(self, links_by_index: dict[int, Link]) -> GlossaryEntry:
        example = links_by_index.get(self.examples[0]) if self.examples else None
        note = (
            f"G2={self.score:.1f} dice={self.dice:.2f} pairs={self.together}/{self.zh_count}/{self.en_count}"
            f"; links {', '.join(map(str, self.examples))}"
        )
        if example:
            note += f"; e.g. {_snippet(example.zh, self.zh)} ↔ {_snippet(example.en, self.en)}"
        return GlossaryEntry(auto_id(self.zh, self.en), self.zh, self.en, note=note, status="proposed")


def _snippet(text: str, term: str, width: int = 24) -> str:
    i = text.lower().find(term.lower())
    if i < 0:
        return text[: 2 * width]
    return ("…" if i > width else "") + text[max(0, i - width): i + len(term) + width] + (
        "…" if i + len(term) + width < len(text) else ""
    )


def _zh_terms(text: str, tokenizer) -> set[str]:
    terms = set()
    for block in _ZH_BLOCK.findall(re.sub(r"\s+", "", text)):
        # search mode also yields the dictionary words inside long words (科技部 in 中国科技部)
        terms.update(w for w in tokenizer.cut_for_search(block) if len(w) >= 2)
        words = tokenizer.lcut(block)
        for i in range(len(words)):
            for n in range(1, MAX_ZH_WORDS + 1):
                gram = words[i: i + n]
                if len(gram) < n or gram[0] in _ZH_STOP or gram[-1] in _ZH_STOP:
                    continue
                term = "".join(gram)
                if len(term) >= 2 and (n == 1 or all(len(w) >= 2 for w in (gram[0], gram[-1]))):
                    terms.add(term)
    return terms


def _en_phrases(text: str, surfaces: dict[str, Counter]) -> set[str]:
    """Noun-phrase-like candidates without a tagger: maximal runs of capitalised words
    (names: "Ministry of Science and Technology", with of/and/for/the/in inside), and
    lower-case n-grams of two or three words that neither start nor end with a function word."""
    phrases: list[str] = []
    folded = fold(text, "en").cased  # typographic quotes and hyphen/space unified
    for clause in _EN_CLAUSE.split(folded):
        words = _EN_WORD.findall(clause)
        i = 0
        while i < len(words):
            if _capitalised(words[i]) and words[i].lower() not in _EN_STOP:
                j = i + 1
                while j < len(words) and (
                    _capitalised(words[j])
                    or (words[j] in _NAME_LINKS and j + 1 < len(words) and _capitalised(words[j + 1]))
                ):
                    j += 1
                phrases.append(" ".join(words[i:j]))
                i = j
                continue
            for n in range(2, MAX_EN_WORDS + 1):
                gram = words[i: i + n]
                if len(gram) < n or any(_capitalised(w) for w in gram):
                    break
                # a single common word is rarely a glossary term; names and compounds are
                if n > 1 and gram[0].lower() not in _EN_STOP and gram[-1].lower() not in _EN_STOP:
                    phrases.append(" ".join(gram))
            i += 1
    for surface in phrases:
        surfaces[surface.lower()][surface] += 1
    return {p.lower() for p in phrases}


def _capitalised(word: str) -> bool:
    return word[0].isupper()


def log_likelihood(k11: int, k12: int, k21: int, k22: int) -> float:
    """Dunning's G² for a 2×2 contingency table."""

    def h(*counts: int) -> float:
        total = sum(counts)
        return sum(c * math.log(c / total) for c in counts if c)

    return 2 * (h(k11, k12, k21, k22) - h(k11 + k12, k21 + k22) - h(k11 + k21, k12 + k22))


def suggest_terms(
    links: Sequence[Link],
    *,
    glossary: Glossary | None = None,
    min_together: int = 2,
    limit: int = 200,
) -> list[Suggestion]:
    """Candidate term pairs, best first; pairs whose zh term is already in ``glossary`` are
    skipped. A phrase inside a longer phrase with the same counts is dropped (it adds
    nothing), so "Ministry of Science" yields to "Ministry of Science and Technology"."""
    known = {e.zh for e in glossary.entries} if glossary else set()
    tokenizer = new_tokenizer(known)
    # A repeated sentence pair is counted once: repetition is not evidence of translation.
    distinct = {(link.zh, link.en): link for link in reversed(links) if link.zh and link.en}
    pairs = sorted(distinct.values(), key=lambda link: link.index)
    surfaces: dict[str, Counter] = defaultdict(Counter)
    zh_sets = [_zh_terms(link.zh, tokenizer) - known for link in pairs]
    en_sets = [_en_phrases(link.en, surfaces) for link in pairs]
    zh_count = Counter(t for terms in zh_sets for t in terms)
    en_count = Counter(p for phrases in en_sets for p in phrases)
    together: Counter = Counter()
    examples: dict[tuple[str, str], list[int]] = defaultdict(list)
    for link, zh_terms, en_phrases in zip(pairs, zh_sets, en_sets):
        zh_terms = {t for t in zh_terms if zh_count[t] >= min_together}
        en_phrases = {p for p in en_phrases if en_count[p] >= min_together}
        for z in zh_terms:
            for e in en_phrases:
                together[z, e] += 1
                if len(examples[z, e]) < 3:
                    examples[z, e].append(link.index)
    n = len(pairs)
    scored = []
    for (z, e), k in together.items():
        if k < min_together:
            continue
        fz, fe = zh_count[z], en_count[e]
        g2 = log_likelihood(k, fz - k, fe - k, n - fz - fe + k)
        if k * n <= fz * fe:  # no more often than chance
            continue
        scored.append(Suggestion(z, surfaces[e].most_common(1)[0][0], g2, 2 * k / (fz + fe), k, fz, fe,
                                 tuple(examples[z, e])))
    return _prune_subsumed(scored)[:limit]


def _prune_subsumed(scored: list[Suggestion]) -> list[Suggestion]:
    """Drop a pair when a longer zh or en term containing it has the same counts."""
    by_zh: dict[str, list[Suggestion]] = defaultdict(list)
    by_en: dict[str, list[Suggestion]] = defaultdict(list)
    for s in scored:
        by_zh[s.zh].append(s)
        by_en[s.en.lower()].append(s)
    kept = []
    for s in scored:
        en = s.en.lower()
        longer_en = any(
            o.en.lower() != en and f" {en} " in f" {o.en.lower()} " and o.together == s.together and o.en_count == s.en_count
            for o in by_zh[s.zh]
        )
        longer_zh = any(
            o.zh != s.zh and s.zh in o.zh and o.together == s.together and o.zh_count == s.zh_count
            for o in by_en[en]
        )
        if not (longer_en or longer_zh):
            kept.append(s)
    return _mutual_best(kept)


def _mutual_best(scored: list[Suggestion]) -> list[Suggestion]:
    """Keep a pair only if each side is the other's best partner (ties kept): a light form of
    competitive linking that removes indirect associations (论坛 ↔ "Second Belt and Road …")."""
    order = sorted(scored, key=lambda s: (-s.score, -s.dice, -len(s.en), -len(s.zh)))
    best_zh: dict[str, tuple] = {}
    best_en: dict[str, tuple] = {}
    for s in order:
        best_zh.setdefault(s.zh, (s.score, s.dice))
        best_en.setdefault(s.en.lower(), (s.score, s.dice))
    return [s for s in order if best_zh[s.zh] == (s.score, s.dice) == best_en[s.en.lower()]]


def suggestions_to_entries(suggestions: Sequence[Suggestion], links: Sequence[Link]) -> list[GlossaryEntry]:
    by_index = {link.index: link for link in links}
    return [s.to_entry(by_index) for s in suggestions]


__all__ = [
    "Suggestion",
    "Usage",
    "load_corpus",
    "log_likelihood",
    "suggest_terms",
    "suggestions_to_entries",
    "term_usage",
    "unused_entries",
]
