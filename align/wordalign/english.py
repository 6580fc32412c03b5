"""English words as the word aligner compares them: tokens with offsets, content words,
and match keys (the word, its lemmas from ``lemminflect``, a crude suffix stem), so
"developing", "developed" and "development" meet the dictionary's "to develop"."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from align.wordalign.wordlist import WordList

WORD = re.compile(r"(?:[A-Z]\.){2,}|[A-Za-z]+(?:['’][A-Za-z]+)*|\d+(?:[.,]\d+)*(?=st|nd|rd|th|\b)")
# function words and the commonest verbs of saying/being: a translation may add or drop
# them freely, so they neither count as content nor as evidence of a rendering
STOPWORDS = frozenset("""
a an the and or but nor so yet for of in on at by to from with within without into onto upon over under
about above below across after before against along among around as behind beneath beside besides between
beyond during except inside near off out outside since through throughout till toward towards until via
per than then there here this that these those such which who whom whose what when where why how whether
i me my mine we us our ours you your yours he him his she her hers it its they them their theirs one ones
is am are was were be been being have has had having do does did doing done will would shall should can
could may might must ought not no nor never also too very just only even still already again ever
all any both each either neither every few many more most much other another some several own same
if unless because although though while whereas however therefore thus hence moreover furthermore
meanwhile otherwise indeed rather quite almost nearly perhaps s t ll re ve d m
said says say saying told tell according
thou thee thy thine ye hath doth shalt wilt art unto hast didst
st nd rd th co ltd inc com mr mrs ms dr
""".split())
_SUFFIXES = ("ships", "ship", "hoods", "hood", "ations", "ation", "ments", "ment", "ness", "ities", "ity",
             "ically", "ical", "ional", "th", "ions", "ion", "ives", "ive", "ing", "ings", "eth", "est",
             "edly", "ed", "ers", "er", "ies",
             "ially", "ial", "ally", "al", "ics", "ic", "ese", "ian", "ean", "an", "ly", "es", "s", "y", "e", "a")
_NUMBER_WORDS = {w: n for n, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve".split())}
_NUMBER_WORDS |= {w: n for n, w in enumerate(
    "_ first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth".split()) if n}
_NUMBER_WORDS |= {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "hundred": 100, "thousand": 1000,
                  "dozen": 12, "twice": 2, "once": 1, "double": 2, "half": 0.5}
_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
           "october", "november", "december")
# magnitudes a Chinese number word carries (5亿 ↔ 500 million, 3万 ↔ 30,000 / 30 thousand)
MAGNITUDES = {"万": ("thousand", "million"), "亿": ("million", "billion"), "千": ("thousand",),
              "百": ("hundred",), "兆": ("trillion",)}


def fold_accents(text: str) -> str:
    """Ríos → Rios, one character for one, so offsets into the result index ``text``."""
    import unicodedata

    out = []
    for ch in text:
        if ord(ch) > 127:
            base = unicodedata.normalize("NFKD", ch)[:1]
            out.append(base if base.isascii() and base.isalpha() else ch)
        else:
            out.append(ch)
    return "".join(out)


@dataclass(frozen=True, slots=True)
class EnWord:
    start: int
    end: int
    text: str
    keys: frozenset[str]
    content: bool
    capitalised: bool


def stem(word: str) -> str:
    """The word less one common suffix, kept at four letters or more (economy, economic →
    econom): a loose key, used beside the lemmas, never alone as evidence of a sense."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


@lru_cache(maxsize=1)
def _lemmatizer():
    """lemminflect's lemmatizer with its lemma table (80,000 lines of gzipped CSV, parsed on
    first use) loaded from a copy in the cache folder instead: the same table, parsed once."""
    from importlib.metadata import version

    from lemminflect.core.Lemmatizer import LemmaLUCodec, Lemmatizer

    from align.embed.cache import default_cache_dir
    from align.fileio import cached_marshal

    lemmatizer = Lemmatizer()
    if not hasattr(lemmatizer, "lemma_dict"):
        path = default_cache_dir() / f"lemminflect-lemmas-{version('lemminflect')}.marshal"
        lemmatizer.lemma_dict = cached_marshal(path, lambda: LemmaLUCodec.load(lemmatizer.lemma_lu_fn))
    return lemmatizer


@lru_cache(maxsize=200_000)
def keys(word: str) -> frozenset[str]:
    """Match keys of one word: lower case, every lemma lemminflect knows, the stem."""
    lemmatizer = _lemmatizer()

    lower = word.lower().replace("’", "'")
    if re.fullmatch(r"(?:[a-z]\.){2,}", lower):  # U.S. → us, U.K. → uk
        lower = lower.replace(".", "")
    if lower.endswith("'s"):
        lower = lower[:-2]
    found = {lower}
    if lower in _NUMBER_WORDS:  # three, third ↔ 三, 3
        found.add(f"{_NUMBER_WORDS[lower]:g}")
    if lower in _MONTHS:  # 2月 ↔ February: the month's number is its key too
        found.add(f"month:{_MONTHS.index(lower) + 1}")
    if word.isupper() and lower == "us":
        found |= {"usa", "america"}
    lemmas = lemmatizer.getAllLemmas(lower)
    if not lemmas and lower.endswith("s"):
        lemmas = lemmatizer.getAllLemmasOOV(lower, "NOUN")
    for forms in lemmas.values():
        found.update(forms)
    forms = [form for form in found if ":" not in form]
    found |= {"~" + stem(form) for form in forms} | {"~" + stem(stem(form)) for form in forms}
    return frozenset(found)


def is_common_noun(word: str) -> bool:
    """lemminflect knows the word, lower-cased, as an ordinary noun (lord, president, king):
    after "the" a capitalised one is a title, not a name."""
    return "NOUN" in _lemmatizer().getAllLemmas(word.lower())


def lemmas(word: str) -> tuple[str, ...]:
    """The lemmas of ``word`` (its lower-case self when lemminflect knows none)."""
    return tuple(sorted(k for k in keys(word) if not k.startswith("~")))


def is_content(word: str) -> bool:
    """Not a function word (an upper-case acronym such as US or IT always counts)."""
    lower = word.lower()
    if word.replace(".", "").isupper() and len(word) > 1:
        return True
    return lower not in STOPWORDS and (len(lower) > 1 or lower.isdigit())


@lru_cache(maxsize=200_000)
def _record(word: str) -> tuple[str, frozenset[str], bool, bool]:
    """The fields of an English word after its offsets (``EnWord`` order), one shared record
    per distinct spelling (accents folded one character for one, so the folded word's keys
    are those of the word as found in the folded text)."""
    folded = fold_accents(word)
    return word, keys(folded), is_content(folded), folded[:1].isupper()


def words(text: str):
    """Every word of ``text`` with its offsets, match keys and whether it carries content,
    packed (``align.wordalign.wordlist.WordList``)."""
    spans: list[int] = []
    records = []
    for m in WORD.finditer(fold_accents(text)):
        spans += (m.start(), m.end())
        records.append(_record(text[m.start():m.end()]))
    return WordList(EnWord, spans, records)


@lru_cache(maxsize=300_000)
def sense_keys(sense: str) -> frozenset[str]:
    """Match keys of every content word of one dictionary sense ("to carry out")."""
    out: set[str] = set()
    head = sense.split(",", 1)[0]  # "Barack Obama, US Democrat politician": the rest describes
    for m in WORD.finditer(fold_accents(head)):
        if is_content(m.group()):
            out |= keys(m.group())
    return frozenset(out)
