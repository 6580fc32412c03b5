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
from dataclasses import dataclass, field, replace
from pathlib import Path

from align.errors import InputError
from align.glossary import MIN_G2
from align.glossary.termbase import Glossary, GlossaryEntry, auto_id
from align.glossary.terms import fold, inflections, is_acronym, new_tokenizer
from align.model import Link, normalise_for_matching

DOC_PAIR_SEPARATOR = "::"
NOT_FOUND = "(not found)"
SHORT_REFERENCE = "(short reference)"  # the key of a usage's first short-reference link
KIND_ORDER = ("approved", "variant", "forbidden", "short reference", "missing")


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
    from align.aligner.sentences import align_documents
    from align.embed.encoders import load_encoder
    from align.progress import Progress
    from align.text.segment import load_document

    with Progress(quiet) as progress, progress.stage(f"aligning {zh_path.name} ↔ {en_path.name}", 1):
        return align_documents(load_document(zh_path, "zh"), load_document(en_path, "en"), load_encoder())


# ---------------------------------------------------------------------------- usage


@dataclass
class Usage:
    """How one entry's Chinese term was rendered across a corpus.

    Each occurrence of the term (outside a longer glossary term) is counted once: as the
    one rendering found for it (an English span matching two forms of the entry counts
    once, as its best kind), as a short reference back to an earlier full rendering (the
    ones ``glossary.missing_term`` accepts: "the Group", "Minister Wang"), or as not
    found. An occurrence inside a longer term (中国科学院 in 中国科学院院长) is counted
    under the longest match and listed in ``nested`` by that term.
    """

    entry: GlossaryEntry
    occurrences: int = 0
    renderings: Counter = field(default_factory=Counter)  # (surface text, kind) -> count
    unmatched: int = 0
    short_references: Counter = field(default_factory=Counter)  # short form as written -> count
    nested: Counter = field(default_factory=Counter)  # the longer term's Chinese -> count
    examples: dict[str, int] = field(default_factory=dict)  # rendering or "" -> first link

    def to_json(self) -> dict:
        return {
            "id": self.entry.id,
            "zh": self.entry.zh,
            "en": self.entry.en,
            "occurrences": self.occurrences,
            "renderings": folded_renderings(self),
            "short_references": [{"text": text, "count": n} for text, n in self.short_references.most_common()],
            "unmatched": self.unmatched,
            "unmatched_example_link": self.examples.get(""),
            "nested": [{"in": zh, "count": n} for zh, n in self.nested.most_common()],
        }


def term_usage(glossary: Glossary, links: Sequence[Link]) -> list[Usage]:
    """For every entry: occurrences of its zh term and the English found for each (see
    :class:`Usage`). ``links`` are one document's, in order (short references look back)."""
    from align.checks.glossary import back_reference
    from align.checks.registry import CheckContext
    from align.glossary.terms import longest_leftmost

    ctx = CheckContext(list(links), glossary=glossary)
    usage = {e.id: Usage(e) for e in glossary.entries}
    for link in links:
        if not (link.zh and link.en):
            continue
        zh_all = glossary.find_zh(link.zh, nested=True)
        outer = longest_leftmost(zh_all)
        for hit in zh_all:
            if hit not in outer:
                container = next(o for o in outer if o.start < hit.end and hit.start < o.end)
                usage[hit.entry.id].nested[container.text] += 1
        en_by_entry: dict[str, list] = defaultdict(list)
        for hit in glossary.find_en(link.en, nested=True):
            en_by_entry[hit.entry.id].append(hit)
        occurrences = Counter(hit.entry.id for hit in outer)
        for entry_id, k in occurrences.items():
            record = usage[entry_id]
            record.occurrences += k
            hits = en_by_entry.get(entry_id, [])
            found = _one_per_span(longest_leftmost(hits), hits)
            for hit in found[:k]:
                record.renderings[(hit.text, hit.kind)] += 1
                record.examples.setdefault(hit.text, link.index)
            missing = k - len(found[:k])
            if missing and (reference := back_reference(record.entry, link, ctx)):
                record.short_references[reference[0].group()] += 1
                record.examples.setdefault(SHORT_REFERENCE, link.index)
                missing -= 1
            if missing:
                record.unmatched += missing
                record.examples.setdefault("", link.index)
    return list(usage.values())


USAGE_COLUMNS = ("id", "zh", "occurrences", "renderings", "short references", "not found", "inside longer terms")


def usage_cells(usage: Usage) -> list[str]:
    """One row of the ``align glossary usage`` table, under :data:`USAGE_COLUMNS`."""
    row = usage.to_json()

    def rendering(r: dict) -> str:
        spelled = f" (written {', '.join(f'“{f}”' for f in r['forms'])})" if len(r["forms"]) > 1 else ""
        return f"“{r['text']}” ×{r['count']} {r['kind']}{spelled}"

    unmatched = f"{row['unmatched']} (e.g. link {row['unmatched_example_link']})" if row["unmatched"] else "0"
    return [
        row["id"], row["zh"], str(row["occurrences"]),
        "; ".join(rendering(r) for r in row["renderings"]) or "—",
        "; ".join(f"“{r['text']}” ×{r['count']}" for r in row["short_references"]) or "—",
        unmatched,
        "; ".join(f"{r['in']} ×{r['count']}" for r in row["nested"]) or "—",
    ]


def _one_per_span(chosen: list, hits: list) -> list:
    """One hit per chosen English span, of the best kind (approved, then variant, then
    forbidden): "Secretary General" matching both the approved form and a variant counts once."""
    return [
        min((h for h in hits if h.span == span), key=lambda h: KIND_ORDER.index(h.kind))
        for span in sorted({h.span for h in chosen})
    ]


def glossary_form(entry: GlossaryEntry, text: str, kind: str) -> str:
    """The entry's form (approved, a variant or a forbidden one) that ``text`` was matched
    as: the form itself, or its plural or possessive, in any case; ``text`` if none."""
    key = normalise_for_matching(text)
    for form, form_kind in entry.forms():
        if form_kind == kind and key in {normalise_for_matching(s) for s in inflections(form)}:
            return form
    return text


def folded_renderings(usage: Usage) -> list[dict]:
    """``usage``'s renderings, one per glossary form, most frequent first.

    Spellings of one form — other case, plural, possessive ("Belt and Road", "belt and
    road", "Belt and Road's") — count as one rendering. Each row shows the most frequent
    spelling as found in the text (never lowercased) as ``text``, the entry's ``form``,
    every spelling seen in ``forms`` (most frequent first) and its first link.
    """
    groups: dict[tuple[str, str], Counter] = {}
    for (text, kind), n in usage.renderings.items():
        groups.setdefault((glossary_form(usage.entry, text, kind), kind), Counter())[text] += n
    rows = []
    for (form, kind), spellings in groups.items():
        forms = [text for text, _ in spellings.most_common()]
        rows.append({
            "text": forms[0], "form": form, "kind": kind, "count": sum(spellings.values()), "forms": forms,
            "example_link": min((usage.examples[f] for f in forms if f in usage.examples), default=None),
        })
    return sorted(rows, key=lambda row: (-row["count"], KIND_ORDER.index(row["kind"])))


def term_consistency(glossary: Glossary, runs: Sequence[tuple[str, Sequence[Link]]]) -> list[dict]:
    """Every glossary term found in the documents of a corpus, with its renderings per document.

    ``runs`` is ``[(document, links)]``. One row per term that occurs anywhere, with its
    renderings (one per glossary form, spellings kept, see :func:`folded_renderings`; "not
    found" where no approved, variant or forbidden form is in the English; "short reference"
    for a short form the checks accept, spellings listed), each with its
    count and, per document, its count and first link. ``status`` is ``consistent`` (one
    rendering everywhere), ``varies across documents`` (documents use different sets of
    renderings) or ``varies`` (the same mix in every document). Varying terms come first.
    """
    per_document: dict[str, list[tuple[str, Usage]]] = defaultdict(list)
    for document, links in runs:
        for usage in term_usage(glossary, links):
            if usage.occurrences:
                per_document[usage.entry.id].append((document, usage))
    out = []
    for usages in per_document.values():
        entry = usages[0][1].entry
        total = Usage(entry)
        by_rendering: dict[tuple[str, str], list[dict]] = defaultdict(list)
        for document, usage in usages:
            total.occurrences += usage.occurrences
            total.renderings.update(usage.renderings)
            total.unmatched += usage.unmatched
            for r in folded_renderings(usage):
                by_rendering[(r["form"], r["kind"])].append(
                    {"document": document, "count": r["count"], "link": r["example_link"]})
            if usage.short_references:
                by_rendering[("", "short reference")].append(
                    {"document": document, "count": sum(usage.short_references.values()),
                     "link": usage.examples.get(SHORT_REFERENCE)})
            if usage.unmatched:
                by_rendering[("", "missing")].append(
                    {"document": document, "count": usage.unmatched, "link": usage.examples.get("")})
            total.short_references.update(usage.short_references)
        renderings = [{**r, "by_document": by_rendering[(r["form"], r["kind"])]} for r in folded_renderings(total)]
        if total.short_references:
            shorts = [text for text, _ in total.short_references.most_common()]
            renderings.append({"text": shorts[0], "form": "", "kind": "short reference",
                               "count": sum(total.short_references.values()), "forms": shorts,
                               "by_document": by_rendering[("", "short reference")]})
        if total.unmatched:
            renderings.append({"text": NOT_FOUND, "form": "", "kind": "missing", "count": total.unmatched,
                               "forms": [], "by_document": by_rendering[("", "missing")]})
        mixes = {frozenset(key for key, docs in by_rendering.items() if any(d["document"] == doc for d in docs))
                 for doc, _ in usages}
        status = "consistent" if len(renderings) == 1 else "varies across documents" if len(mixes) > 1 else "varies"
        out.append({"id": entry.id, "zh": entry.zh, "approved": entry.en, "occurrences": total.occurrences,
                    "documents": [doc for doc, _ in usages], "renderings": renderings, "status": status})
    order = {"varies across documents": 0, "varies": 1, "consistent": 2}
    return sorted(out, key=lambda row: (order[row["status"]], -len(row["documents"]), -row["occurrences"], row["zh"]))


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
    score: float  # ranking score: G² weighted by termhood
    g2: float  # Dunning's log-likelihood ratio of the co-occurrence
    dice: float
    together: int  # pairs with both
    zh_count: int  # pairs with the zh term
    en_count: int  # pairs with the en phrase
    examples: tuple[int, ...]  # link numbers
    variants: tuple[str, ...] = ()  # acronyms counted as this English name (MOST)
    # the termhood weights behind ``score`` = g2 × specificity × en_name × zh_name × standalone
    specificity: float = 1.0  # how rare the Chinese is in jieba's reference counts (0-1)
    en_name: float = 1.0  # NAME_WEIGHT when the English is a name (capitalised phrase, acronym)
    zh_name: float = 1.0  # NAME_WEIGHT when the Chinese holds a word tagged as a name
    standalone: float = 1.0  # share of the English phrase's pairs where it stands on its own

    def evidence(self) -> str:
        """Why it ranks where it does, in one line (also the CSV note's start)."""
        return (
            f"score={self.score:.1f} = G2={self.g2:.1f} × specificity={self.specificity:.2f} × en_name="
            f"{self.en_name:g} × zh_name={self.zh_name:g} × standalone={self.standalone:.2f}; dice={self.dice:.2f} "
            f"pairs={self.together}/{self.zh_count}/{self.en_count}"
        )

    def to_entry(self, links_by_index: dict[int, Link]) -> GlossaryEntry:
        example = links_by_index.get(self.examples[0]) if self.examples else None
        note = f"{self.evidence()}; links {', '.join(map(str, self.examples))}"
        if example:
            note += f"; e.g. {_snippet(example.zh, self.zh)} ↔ {_snippet(example.en, self.en)}"
        return GlossaryEntry(auto_id(self.zh, self.en), self.zh, self.en, self.variants, note=note, status="proposed")


def _snippet(text: str, term: str, width: int = 24) -> str:
    i = text.lower().find(term.lower())
    if i < 0:
        return text[: 2 * width]
    return ("…" if i > width else "") + text[max(0, i - width): i + len(term) + width] + (
        "…" if i + len(term) + width < len(text) else ""
    )


# jieba part-of-speech tags of function words: conjunction, adverb, preposition, pronoun,
# measure word, particles, interjection, onomatopoeia, punctuation, locality.
_ZH_FUNCTION_TAGS = ("c", "d", "p", "r", "q", "u", "y", "e", "o", "x", "f")
# Tags of names: person, place, organisation, other proper noun, abbreviation (东盟).
_ZH_NAME_TAGS = ("nr", "ns", "nt", "nz", "j")


def _zh_terms(text: str, tagger, names: dict[str, bool]) -> set[str]:
    """Recurring-term candidates: dictionary words (search mode also yields the words inside
    long ones, 科技部 in 中国科技部) and runs of up to ``MAX_ZH_WORDS`` content words; a
    term never contains a function word (的, 是, 更 …). ``names`` records which terms
    contain a word tagged as a name (the Chinese counterpart of capitalisation)."""
    terms = set()
    for block in _ZH_BLOCK.findall(re.sub(r"\s+", "", text)):
        for word in tagger.tokenizer.cut_for_search(block):
            if len(word) >= 2 and _content_word(word, tagger.word_tag_tab) and not _quantity_led(word, tagger):
                terms.add(word)
                names[word] = names.get(word, False) or tagger.word_tag_tab.get(word, "").startswith(_ZH_NAME_TAGS)
        words = list(tagger.cut(block, HMM=True))
        for i in range(len(words)):
            for n in range(1, MAX_ZH_WORDS + 1):
                gram = words[i: i + n]
                if len(gram) < n or any(w in _ZH_STOP or f.startswith(_ZH_FUNCTION_TAGS) for w, f in gram):
                    break
                if gram[0][1] == "m" or (n == 1 and _quantity_led(gram[0][0], tagger)):
                    break  # a quantity (两国, 三十, 第二届) is for the number checks
                term = "".join(w for w, _ in gram)
                if len(term) >= 2 and (n == 1 or all(len(w) >= 2 for w in (gram[0][0], gram[-1][0]))):
                    terms.add(term)
                    names[term] = names.get(term, False) or any(f.startswith(_ZH_NAME_TAGS) for _, f in gram)
    return terms


def _content_word(word: str, tags: dict[str, str]) -> bool:
    tag = tags.get(word, "n")
    return word not in _ZH_STOP and tag != "m" and not tag.startswith(_ZH_FUNCTION_TAGS)


def _quantity_led(term: str, tagger) -> bool:
    """两国 ("two countries"), 三十, 第二届: the tagger reads a quantity (``m``) first. Such
    runs are for the number checks; 一带一路 (一带 + 一路) starts with a noun and stays."""
    first = next(iter(tagger.cut(term, HMM=False)), None)
    return first is not None and first[1] == "m"


def _en_phrases(text: str, surfaces: dict[str, Counter], standalone: Counter) -> set[str]:
    """Noun-phrase-like candidates without a tagger: names — runs of capitalised words with
    of/and/for/the/in inside ("Ministry of Science and Technology") and every shorter name
    inside a run ("Chinese Academy of Sciences" in "President of Chinese Academy of
    Sciences"); acronyms (MOST, CAS — never function words); and lower-case n-grams of two
    or three words with no function word in them ("technology transfer platforms").

    ``standalone`` counts the pairs in which a phrase is seen on its own (a whole run, or a
    lower-case n-gram): as in C-value term extraction, a name met only inside longer names
    ("Science and Technology" in "Ministry of …", "Minister of …") is a fragment, not a
    term, and one met mostly inside longer names is less of a term."""
    phrases: list[str] = []
    whole: set[str] = set()
    folded = fold(text, "en").cased  # typographic quotes and hyphen/space unified
    for clause in _EN_CLAUSE.split(folded):
        words = _EN_WORD.findall(clause)
        i = 0
        while i < len(words):
            if _name_word(words[i]):
                j = i + 1
                while j < len(words) and (
                    _name_word(words[j])
                    or (words[j] in _NAME_LINKS and j + 1 < len(words) and _name_word(words[j + 1]))
                ):
                    j += 1
                phrases.extend(_names_inside(words[i:j]))
                whole.add(" ".join(words[i:j]).lower())
                i = j
                continue
            for n in range(2, MAX_EN_WORDS + 1):
                gram = words[i: i + n]
                if len(gram) < n or any(_capitalised(w) or w.lower() in _EN_STOP for w in gram):
                    break
                phrases.append(" ".join(gram))
                whole.add(phrases[-1].lower())
            i += 1
    for surface in phrases:
        surfaces[surface.lower()][surface] += 1
    standalone.update(whole)
    return {p.lower() for p in phrases}


def _name_word(word: str) -> bool:
    return _capitalised(word) and (word.lower() not in _EN_STOP or is_acronym(word))


def _names_inside(run: list[str]) -> list[str]:
    """Every span of a capitalised run that starts and ends with a name word."""
    edges = [k for k, w in enumerate(run) if _name_word(w)]
    return [" ".join(run[a: b + 1]) for a in edges for b in edges if b >= a]


def _acronym_expansions(surfaces: dict[str, Counter], standalone: Counter) -> dict[str, str]:
    """Acronym → the one standalone name of the corpus it abbreviates (lower-cased keys), so
    that "MOST" and "Ministry of Science and Technology" count as one English term."""
    names = [key for key in standalone if " " in key and is_name(surfaces[key].most_common(1)[0][0])]
    expansions = {}
    for key, forms in surfaces.items():
        acronym = forms.most_common(1)[0][0]
        if " " in acronym or not is_acronym(acronym):
            continue
        matches = [name for name in names if abbreviates(acronym, name)]
        if matches:
            expansions[key] = max(matches, key=lambda name: (standalone[name], name))
    return expansions


def abbreviates(acronym: str, name: str) -> bool:
    """The acronym's letters are the initials of the name's words, in order, from the first
    word to the last; only link words may go without a letter (MOST = Ministry Of Science
    and Technology, CAS = Chinese Academy of Sciences) — after Schwartz & Hearst (2003)."""
    letters = [c.lower() for c in acronym if c.isalpha()]
    words = name.split()
    matched = 0
    for word in words:
        if matched < len(letters) and word[0].lower() == letters[matched]:
            matched += 1
        elif word.lower() not in _NAME_LINKS:
            return False
    return len(words) > 1 and matched == len(letters) and words[-1][0].lower() == letters[-1]


def is_name(phrase: str) -> bool:
    """A capitalised phrase or an acronym: the surface sign of a named entity."""
    words = phrase.split()
    return _capitalised(words[0]) and (len(words) > 1 or is_acronym(phrase))


def _capitalised(word: str) -> bool:
    return word[0].isupper()


def log_likelihood(k11: int, k12: int, k21: int, k22: int) -> float:
    """Dunning's G² for a 2×2 contingency table."""

    def h(*counts: int) -> float:
        total = sum(counts)
        return sum(c * math.log(c / total) for c in counts if c)

    return 2 * (h(k11, k12, k21, k22) - h(k11 + k12, k21 + k22) - h(k11 + k21, k12 + k22))


# Termhood weights on G². Glossaries are mostly names (institutions, programmes, places,
# titles), and a capitalised phrase or an acronym is the surface sign of one in English.
NAME_WEIGHT = 2.0
# General vocabulary is penalised by how common the Chinese term is in jieba's reference
# counts: a term rarer than one in a million words (10^-6) counts as fully specific; 合作
# (about 2 in 10,000) gets 0.6 of the weight of a specific term.
SPECIFIC_LOG10 = 6.0




def zh_specificity(term: str, tokenizer) -> float:
    """min(1, -log10 P(term) / 6) under jieba's unigram model (a term not in the dictionary
    as one word gets the product of its words' probabilities)."""
    freq, total = tokenizer.FREQ, tokenizer.total
    words = [term] if freq.get(term) else tokenizer.lcut(term, HMM=False)
    log_p = sum(math.log10(max(freq.get(w) or 1, 1) / total) for w in words)
    return min(1.0, -log_p / SPECIFIC_LOG10)


def suggest_terms(
    links: Sequence[Link],
    *,
    glossary: Glossary | None = None,
    min_together: int = 2,
    min_g2: float = MIN_G2,
    limit: int = 200,
) -> list[Suggestion]:
    """Candidate term pairs, best first. With ``glossary``, the text its terms and forms
    cover is cut out first (:func:`_mask_known`), and no candidate is a known Chinese term,
    a fragment of one, or an English form the glossary lists (approved, variant or
    forbidden). Pairs co-occurring in fewer than ``min_together`` pairs, or with G² below
    ``min_g2``, are dropped. A phrase inside a longer phrase with the same counts is dropped (it adds
    nothing), so "Ministry of Science" yields to "Ministry of Science and Technology"."""
    from align.text.lexicon import Tagger

    known = {e.zh for e in glossary.entries} if glossary else set()
    known_en = {normalise_for_matching(form) for e in glossary.entries for form, _ in e.forms()} if glossary else set()
    tokenizer = new_tokenizer(known)
    tagger = Tagger(tokenizer)
    # A repeated sentence pair is counted once: repetition is not evidence of translation.
    distinct = {(link.zh, link.en): link for link in reversed(links) if link.zh and link.en}
    pairs = sorted(distinct.values(), key=lambda link: link.index)
    if glossary is not None:
        pairs = [_mask_known(link, glossary) for link in pairs]
    surfaces: dict[str, Counter] = defaultdict(Counter)
    zh_names: dict[str, bool] = {}
    zh_sets = [_zh_terms(link.zh, tagger, zh_names) - known for link in pairs]
    standalone: Counter = Counter()
    en_sets = [_en_phrases(link.en, surfaces, standalone) for link in pairs]
    zh_count = Counter(t for terms in zh_sets for t in terms)
    expansions = _acronym_expansions(surfaces, standalone)
    for phrases in en_sets:
        for acronym in phrases & expansions.keys():
            phrases.discard(acronym)
            phrases.add(expansions[acronym])
    for acronym, name in expansions.items():
        standalone[name] += standalone.pop(acronym, 0)
    acronyms = defaultdict(list)
    for acronym, name in expansions.items():
        acronyms[name].append(surfaces[acronym].most_common(1)[0][0])
    en_count = Counter(p for phrases in en_sets for p in phrases)
    together: Counter = Counter()
    examples: dict[tuple[str, str], list[int]] = defaultdict(list)
    for link, zh_terms, en_phrases in zip(pairs, zh_sets, en_sets):
        zh_terms = {t for t in zh_terms if zh_count[t] >= min_together}
        en_phrases = {p for p in en_phrases if en_count[p] >= min_together and p in standalone}
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
        if k * n <= fz * fe or g2 < min_g2:  # no more often than chance, or not significantly
            continue
        if known and (z in known or any(z in term for term in known)):
            continue  # a known term, or a fragment of one (一带 of 一带一路, 科学院 of 中国科学院)
        if normalise_for_matching(e) in known_en \
                or any(normalise_for_matching(v) in known_en for v in acronyms.get(e, ())):
            continue  # an English form the glossary already has: approved, variant or forbidden
        surface = surfaces[e].most_common(1)[0][0]
        weights = (
            zh_specificity(z, tokenizer),
            NAME_WEIGHT if is_name(surface) else 1.0,
            NAME_WEIGHT if zh_names.get(z) else 1.0,
            min(standalone[e], fe) / fe,
        )
        scored.append(Suggestion(z, surface, g2 * math.prod(weights), g2, 2 * k / (fz + fe), k, fz, fe,
                                 tuple(examples[z, e]), tuple(sorted(acronyms.get(e, ()))), *weights))
    return _prune_subsumed(scored)[:limit]


def _mask_known(link: Link, glossary: Glossary) -> Link:
    """The link with every glossary term (nested ones too) and every English form the
    glossary lists (approved, variant, forbidden) cut out: text a glossary already covers
    is no evidence for a new term, and its pieces (一带, 科学院, "Academy of Sciences") are
    not terms. Each cut becomes a clause break, so no candidate spans it."""
    def cut(text: str, hits, mark: str) -> str:
        spans = sorted({h.span for h in hits})
        out, at = [], 0
        for start, end in spans:
            if start >= at:
                out.append(text[at:start] + mark)
                at = end
            elif end > at:
                at = end
        return "".join(out) + text[at:]

    return replace(link, zh=cut(link.zh, glossary.find_zh(link.zh, nested=True), "，"),
                   en=cut(link.en, glossary.find_en(link.en, nested=True), " ; "))


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
            o.en.lower() != en and f" {en} " in f" {o.en.lower()} "
            and o.together == s.together and o.en_count == s.en_count
            for o in by_zh[s.zh]
        )
        longer_zh = any(
            o.zh != s.zh and s.zh in o.zh and o.together == s.together and o.zh_count == s.zh_count
            for o in by_en[en]
        )
        if not (longer_en or longer_zh):
            kept.append(s)
    return _competitive_linking(kept)


def _competitive_linking(scored: list[Suggestion]) -> list[Suggestion]:
    """Melamed's competitive linking: take pairs best first, each term on either side at most
    once, so a term's indirect associates (论坛 ↔ "Second Belt and Road …", the other names
    of the same sentence) do not also become candidates."""
    linked_zh: set[str] = set()
    linked_en: set[str] = set()
    kept = []
    for s in sorted(scored, key=lambda s: (-s.score, -s.dice, -len(s.en), -len(s.zh), s.zh, s.en)):
        en = s.en.lower()
        if s.zh in linked_zh or en in linked_en:
            continue
        linked_zh.add(s.zh)
        linked_en.add(en)
        kept.append(s)
    return kept


SUGGEST_COLUMNS = ("rank", "zh", "en", "variants", "score", "G2", "specificity", "en name", "zh name", "standalone",
                   "pairs together", "pairs zh", "pairs en", "dice")


def suggestion_cells(s: Suggestion) -> list[str]:
    """One row of the ``align glossary suggest`` table, under :data:`SUGGEST_COLUMNS` (after rank)."""
    return [s.zh, s.en, ", ".join(s.variants) or "—", f"{s.score:.1f}", f"{s.g2:.1f}", f"{s.specificity:.2f}",
            f"{s.en_name:g}", f"{s.zh_name:g}", f"{s.standalone:.2f}", str(s.together), str(s.zh_count),
            str(s.en_count), f"{s.dice:.2f}"]


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
