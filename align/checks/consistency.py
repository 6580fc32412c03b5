"""The same source translated differently (``consistency.*``), in a document and a batch.

* ``consistency.zh_variants``: one Chinese sentence (after normalisation) rendered into
  materially different English — different content words, not just punctuation or case.
* ``consistency.en_variants``: one English sentence used for materially different Chinese
  (the other Chinese lacks half the character bigrams of the longer one, or more).
* ``consistency.term_variants``: a recurring Chinese term the glossary does not cover,
  rendered by English wordings that never occur together (一带一路 → "Belt and Road" in
  most places, "BRI" in one). The wordings are found by co-occurrence within the document.

Within a group the reference is the most frequent rendering (the earliest on a tie); every
link that departs from it is flagged, with the other renderings as evidence.
:func:`corpus_flags` runs the sentence-level checks across the documents of a batch.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from align.checks.registry import CheckContext, code_enabled, register
from align.model import Flag, Link, normalise_for_matching
from align.text.tokens import english_names
from align.text.zhtext import pos_tokens

_STOPWORDS = frozenset(
    """a an the of and or to in on at for with by from as is are was were be been being it its
    this that these those which who whom whose not only but also so such than then there their
    they them he she his her we our you your i me my will would shall should can could may might
    must do does did has have had into over under about more most very""".split()
)
_TERM_TAGS = ("n", "nz", "nt", "ns", "vn", "j", "l", "nrt")


def zh_key(text: str) -> str:
    """Chinese text reduced to what it says: no spaces, punctuation or width differences."""
    return "".join(ch for ch in normalise_for_matching(text) if unicodedata.category(ch)[0] in "LN")


def en_words(text: str) -> list[str]:
    """Lower-cased words; a possessive 's is dropped (Abram's → abram)."""
    return re.findall(r"[a-z0-9]+(?:['’](?!s\b)[a-z]+)?", normalise_for_matching(text))


def en_content(text: str) -> tuple[str, ...]:
    """English content words in order: the wording that makes a rendering different."""
    return tuple(w for w in en_words(text) if w not in _STOPWORDS)


Item = tuple[str, Link]  # (document name, link)


def _departures(
    items: Sequence[Item], key: Callable[[Link], str], rendering: Callable[[Link], object], min_key: int,
) -> Iterator[tuple[Item, list[Item]]]:
    """Items whose rendering differs from their group's reference rendering (each item's
    rendering computed once: a group of a sentence repeated m times costs m, not m²)."""
    groups: dict[str, list[Item]] = defaultdict(list)
    for item in items:
        k = key(item[1])
        if len(k) >= min_key:
            groups[k].append(item)
    for members in groups.values():
        renderings = [rendering(link) for _, link in members]
        counts = Counter(renderings)
        if len(counts) < 2:
            continue
        first: dict[object, int] = {}
        for i, r in enumerate(renderings):
            first.setdefault(r, i)
        reference = max(counts, key=lambda r: (counts[r], -first[r]))
        for item, r in zip(members, renderings):
            if r != reference:
                yield item, members


def _bigram_overlap(a: str, b: str) -> float:
    """Share of the longer Chinese string's character bigrams that the other one has too."""
    x, y = Counter(a[i:i + 2] for i in range(len(a) - 1)), Counter(b[i:i + 2] for i in range(len(b) - 1))
    return sum((x & y).values()) / max(1, sum(x.values()), sum(y.values()))


def _zh_variant_flags(items: Sequence[Item], ctx: CheckContext) -> Iterator[tuple[str, Flag]]:
    min_chars = ctx.option("consistency.zh_variants", "min_chars")
    paired = [item for item in items if not item[1].one_sided]
    for (doc, link), members in _departures(paired, lambda x: zh_key(x.zh), lambda x: en_content(x.en), min_chars):
        others = [(d, other) for d, other in members if other is not link]
        where = ", ".join(_where(d, other, doc) for d, other in others)
        yield doc, ctx.flag(
            link, "consistency.zh_variants",
            f"The same Chinese is translated differently elsewhere ({where}).",
            en_span=(0, len(link.en)),
            evidence={"others": [_evidence(d, other, "en") for d, other in others]},
        )


def _en_variant_flags(items: Sequence[Item], ctx: CheckContext) -> Iterator[tuple[str, Flag]]:
    min_words = ctx.option("consistency.en_variants", "min_words")
    paired = [item for item in items if not item[1].one_sided]
    key = lambda x: " ".join(en_words(x.en)) if len(en_words(x.en)) >= min_words else ""  # noqa: E731
    zh_keys: dict[str, str] = {}  # Chinese text → zh_key, each text reduced once
    overlaps: dict[tuple[str, str], float] = {}  # per pair of distinct Chinese renderings
    group_keys: dict[int, Counter] = {}  # per group: how many members have each Chinese rendering

    def zh_of(link: Link) -> str:
        if link.zh not in zh_keys:
            zh_keys[link.zh] = zh_key(link.zh)
        return zh_keys[link.zh]

    def overlap(a: str, b: str) -> float:
        if (a, b) not in overlaps:
            overlaps[a, b] = _bigram_overlap(a, b)
        return overlaps[a, b]

    for (doc, link), members in _departures(paired, key, zh_of, 1):
        others = [(d, other) for d, other in members if other is not link]
        if id(members) not in group_keys:
            group_keys[id(members)] = Counter(zh_of(other) for _, other in members)
        own = zh_of(link)
        other_keys = [k for k, n in group_keys[id(members)].items() if n > (k == own)]
        if all(overlap(own, k) >= 0.5 for k in other_keys):
            continue  # 耶和华对摩西说 / 耶和华吩咐摩西说 ↔ "And the LORD spake unto Moses": a wording, not a meaning
        where = ", ".join(_where(d, other, doc) for d, other in others)
        yield doc, ctx.flag(
            link, "consistency.en_variants",
            f"The same English translates different Chinese elsewhere ({where}).",
            zh_span=(0, len(link.zh)),
            evidence={"others": [_evidence(d, other, "zh") for d, other in others]},
        )


def _where(doc: str, link: Link, current_doc: str) -> str:
    return f"link {link.index}" if doc == current_doc else f"{doc} link {link.index}"


def _evidence(doc: str, link: Link, side: str) -> dict:
    return {"doc": doc, "link": link.index, side: getattr(link, side)}


@register("consistency.zh_variants", scope="document", options={"min_chars": 8},
          severity={"consistency.zh_variants": "warning"})
def zh_variants(ctx: CheckContext) -> Iterator[Flag]:
    """The same Chinese sentence translated into materially different English."""
    return (f for _, f in _zh_variant_flags([("", link) for link in ctx.links], ctx))


@register("consistency.en_variants", scope="document", options={"min_words": 5},
          severity={"consistency.en_variants": "info"})
def en_variants(ctx: CheckContext) -> Iterator[Flag]:
    """The same English sentence used for different Chinese."""
    return (f for _, f in _en_variant_flags([("", link) for link in ctx.links], ctx))


def corpus_flags(
    runs: Sequence[tuple[str, Sequence[Link]]],
    *,
    select: Iterable[str] | None = None,
    ignore: Iterable[str] | None = None,
    options: dict[str, dict[str, Any]] | None = None,
) -> list[tuple[str, Flag]]:
    """Sentence-level consistency across the documents of a batch.

    ``runs`` is a list of ``(doc_name, links)``. Returns ``(doc_name, flag)`` pairs for the
    links whose rendering departs from a group that spans at least two documents (groups
    within one document are reported by that document's own run); each flag's evidence
    names the other documents and links (``evidence["others"][i]["doc"]``) and its own
    document (``evidence["doc"]``). ``options`` are the per-code settings of a run
    (``min_chars``, ``min_words``, ``severity``).
    """
    ctx = CheckContext([], options=options or {})
    items = [(doc, link) for doc, links in runs for link in links]
    out = []
    for code, producer in (("consistency.zh_variants", _zh_variant_flags),
                           ("consistency.en_variants", _en_variant_flags)):
        if not code_enabled(code, list(select or []), list(ignore or [])):
            continue
        for doc, f in producer(items, ctx):
            if any(other["doc"] != doc for other in f.evidence["others"]):
                f.evidence["doc"] = doc
                out.append((doc, f))
    return out


@register("consistency.term_variants", scope="document",
          options={"min_links": 3, "min_precision": 0.8, "max_document_share": 0.2},
          severity={"consistency.term_variants": "info"})
def term_variants(ctx: CheckContext) -> Iterator[Flag]:
    """A recurring Chinese term outside the glossary rendered by competing English wordings."""
    min_links = ctx.option("consistency.term_variants", "min_links")
    precision = ctx.option("consistency.term_variants", "min_precision")
    paired = [link for link in ctx.links if not link.one_sided]
    term_links: dict[str, set[int]] = defaultdict(set)
    term_span: dict[tuple[str, int], tuple[int, int]] = {}
    for link in paired:
        covered = _glossary_spans(ctx, link.zh)
        for token in pos_tokens(link.zh):
            if len(token.word) >= 2 and token.flag in _TERM_TAGS and not _inside(token.start, covered):
                term_links[token.word].add(link.index)
                term_span.setdefault((token.word, link.index), (token.start, token.end))
    gram_links: dict[str, set[int]] = defaultdict(set)
    grams_of: dict[int, set[str]] = {}
    for link in paired:
        grams_of[link.index] = _ngrams(link.en)
        for gram in grams_of[link.index]:
            gram_links[gram].add(link.index)
    by_index = {link.index: link for link in paired}
    names = {name.lower() for name in english_names(paired)}
    max_share = ctx.option("consistency.term_variants", "max_document_share")
    for term, links in term_links.items():
        # a term in most links co-occurs with every wording: no evidence either way
        if len(links) < min_links or len(links) > max_share * len(paired):
            continue
        counts = Counter(g for i in links for g in grams_of[i])
        # sorted: ties between wordings must not follow set order (it changes with PYTHONHASHSEED)
        candidates = sorted(g for g, c in counts.items() if c >= 2 and c / len(gram_links[g]) >= precision)
        if len(candidates) < 2:
            continue
        # names are entity.swapped's business: a term's wordings are the document's common words
        candidates = [g for g in candidates if not set(g.split()) & names]
        if len(candidates) < 2:
            continue
        primary = max(candidates, key=lambda g: (counts[g], len(g)))
        if _best_term(primary, gram_links, term_links, grams_of) != term:
            continue  # the usual wording belongs to another term of the same links (一岁的羊羔: "first year")
        primary_links = gram_links[primary] & links
        if len(primary_links) < len(links) / 2:
            continue
        for variant in sorted(candidates, key=lambda g: -counts[g]):
            variant_links = gram_links[variant] & links
            if variant_links & primary_links or _related_wording(variant, primary):
                continue
            if _best_term(variant, gram_links, term_links, grams_of) != term:
                continue  # the wording belongs to another term of the same links (Sodom: 所多玛)
            for index in sorted(variant_links):
                link = by_index[index]
                yield ctx.flag(
                    link, "consistency.term_variants",
                    f"{term} is rendered “{primary}” in {len(primary_links)} places "
                    f"but “{variant}” here.",
                    zh_span=term_span[term, index], en_span=_find_words(link.en, variant),
                    evidence={"term": term, "usual": primary, "usual_links": sorted(primary_links),
                              "here": variant},
                )
            break


def _best_term(gram: str, gram_links, term_links, grams_of) -> str:
    """The Chinese term most often beside an English wording (ties: the higher Dice)."""
    links = gram_links[gram]
    scores = {}
    for term, term_set in term_links.items():
        shared = len(term_set & links)
        if shared:
            scores[term] = (shared, 2 * shared / (len(term_set) + len(links)))
    return max(scores, key=lambda t: (scores[t], len(t)))


def _glossary_spans(ctx: CheckContext, text: str) -> list[tuple[int, int]]:
    return [(hit.start, hit.end) for hit in ctx.glossary.find_zh(text)] if ctx.glossary is not None else []


def _inside(position: int, spans: list[tuple[int, int]]) -> bool:
    return any(a <= position < b for a, b in spans)


def _ngrams(text: str, longest: int = 3) -> set[str]:
    """Word n-grams that start and end with a content word ("belt and road", "bri")."""
    words = en_words(text)
    grams = set()
    for n in range(1, longest + 1):
        for i in range(len(words) - n + 1):
            gram = words[i:i + n]
            if gram[0] not in _STOPWORDS and gram[-1] not in _STOPWORDS and not gram[0].isdigit():
                grams.add(" ".join(gram))
    return grams


def _related_wording(a: str, b: str) -> bool:
    """Shared words or shared stems (exchange / exchanges, economy / economic)."""
    return any(x[:5] == y[:5] if min(len(x), len(y)) >= 5 else x == y for x in a.split() for y in b.split())


def _find_words(text: str, gram: str) -> tuple[int, int] | None:
    pattern = r"\W+".join(re.escape(w) for w in gram.split())
    m = re.search(rf"(?<!\w){pattern}(?!\w)", text, re.IGNORECASE)
    return m.span() if m else None
