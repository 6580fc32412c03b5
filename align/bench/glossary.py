"""Glossary matching speed on a synthetic termbase and synthetic sentences.

Chinese terms are real jieba dictionary words (2–4 characters) and English terms are
2–4-word combinations of words from the English seeds, so matching meets realistic
alphabets and word lengths; sentences are random words with terms planted in a third.
"""
from __future__ import annotations

import random
import re
import time
from pathlib import Path

from align.glossary.termbase import Glossary, GlossaryEntry

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def _vocabularies(rng: random.Random) -> tuple[list[str], list[str]]:
    import jieba

    with open(Path(jieba.__file__).parent / "dict.txt", encoding="utf-8") as fh:
        zh = [line.split(" ", 1)[0] for line in fh]
    zh = [w for w in zh if 2 <= len(w) <= 4 and re.fullmatch(r"[\u4E00-\u9FFF]+", w)]
    en_text = " ".join(p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("00[0124]_*.txt")))
    en = sorted(set(re.findall(r"[A-Za-z]{3,}", en_text)))
    rng.shuffle(zh)
    return zh, en


def synthetic_glossary(n: int, rng: random.Random) -> tuple[Glossary, list[str], list[str]]:
    zh_words, en_words = _vocabularies(rng)
    entries = []
    for i in range(n):
        en = " ".join(rng.sample(en_words, rng.randint(2, 4)))
        entries.append(GlossaryEntry(f"e{i}", zh_words[i], en, variants=(en.split()[0].upper(),) if i % 5 == 0 else (),
                                     forbidden=(en + " office",) if i % 7 == 0 else ()))
    return Glossary(entries), zh_words[n:], en_words


def synthetic_sentences(glossary: Glossary, zh_filler: list[str], en_filler: list[str], n: int,
                        rng: random.Random) -> tuple[list[str], list[str]]:
    zh, en = [], []
    for _ in range(n):
        z = [rng.choice(zh_filler) for _ in range(12)]
        e = [rng.choice(en_filler).lower() for _ in range(20)]
        if rng.random() < 0.33:
            entry = rng.choice(glossary.entries)
            z.insert(rng.randrange(len(z)), entry.zh)
            e.insert(rng.randrange(len(e)), entry.en)
        zh.append("".join(z) + "。")
        en.append(" ".join(e).capitalize() + ".")
    return zh, en


def run_benchmark(entries: int = 5000, sentences: int = 20000, seed: int = 13) -> dict:
    rng = random.Random(seed)
    glossary, zh_filler, en_filler = synthetic_glossary(entries, rng)
    zh, en = synthetic_sentences(glossary, zh_filler, en_filler, sentences, rng)
    t0 = time.perf_counter()
    glossary.find_zh("")  # builds the zh automaton
    glossary.find_en("")
    t1 = time.perf_counter()
    glossary.find_zh(f"在{glossary.entries[0].zh}中")  # a hit inside a word loads jieba + user words
    t2 = time.perf_counter()
    zh_hits = sum(len(glossary.find_zh(s)) for s in zh)
    t3 = time.perf_counter()
    en_hits = sum(len(glossary.find_en(s)) for s in en)
    t4 = time.perf_counter()
    return {
        "entries": entries,
        "sentences_per_language": sentences,
        "build_automata_s": round(t1 - t0, 3),
        "load_jieba_s": round(t2 - t1, 3),
        "match_zh_s": round(t3 - t2, 3),
        "match_en_s": round(t4 - t3, 3),
        "zh_hits": zh_hits,
        "en_hits": en_hits,
    }
