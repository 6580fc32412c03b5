"""Perturbation benchmark for the divergence checks (``align bench divergence``).

Known errors are injected into the English of aligned pairs — the seed report aligned by
the real pipeline, and a sample of Bible gold links (Chinese Union Version ↔ King James) —
with a fixed random seed:

* ``number``: a number in the English changed (digits +1..9, a number word swapped);
* ``clause``: one clause (between commas/semicolons, four words or more) dropped;
* ``name``: a capitalised name swapped for another name of the same document;
* ``will→has``: "will <verb>" turned into "has/have <participle>";
* ``sentence``: one English sentence deleted (the whole English when it has only one).

The injector finds its targets with its own simple patterns, not with the checks' parsers.
A perturbation counts as detected when its link gets more flags of some check of the expected
category than the same link got from that check in the clean run (a deleted sentence raises
``omission.unaligned_zh`` while the word-level ``omission.words`` notes on that link vanish:
detected, not cancelled out). False flags are every flag of these categories in
the clean run, per 100 pairs (on the seed this includes the report's real divergences).
"""
from __future__ import annotations

import ast
import random
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from align.model import Link

CATEGORIES = ("number", "entity", "omission", "tense", "consistency")
EXPECTED = {"number": "number", "clause": "omission", "name": "entity", "will→has": "tense",
            "sentence": "omission"}
_NUMBER = re.compile(r"\b(\d+|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|"
                     r"thirty|forty|fifty|sixty|hundred|thousand)\b")
_NUMBER_WORDS = ["two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
                 "twelve", "twenty", "thirty", "forty", "fifty", "sixty", "hundred", "thousand"]
_ZH_NUMERAL = re.compile(r"[0-9０-９二三四五六七八九十百千万两]")
_CLAUSE_CUT = re.compile(r"(?<=[,;:])\s+")
_SENTENCE_CUT = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"‘'(])")
_NAME = re.compile(r"\b([A-Z][a-z]+(?:\s[A-Z][a-z]+)?|[A-Z]{2,})\b")
_NOT_NAMES = {"And", "The", "But", "For", "Then", "Now", "When", "In", "Thou", "Thy", "Ye", "He", "She",
              "They", "It", "This", "That", "Behold", "Lord", "God", "I", "II", "III", "O"}
_WILL = re.compile(r"\b(?P<subject>\w+)\s+will\s+(?:(?:also|even|surely|not|\w+ly)\s+)?(?P<verb>[a-z]+)\b")
_PARTICIPLE = {"be": "been", "make": "made", "give": "given", "go": "gone", "come": "come", "do": "done",
               "see": "seen", "take": "taken", "bring": "brought", "say": "said", "build": "built",
               "set": "set", "put": "put", "send": "sent", "know": "known", "keep": "kept", "bless": "blessed",
               "multiply": "multiplied", "carry": "carried", "have": "had", "get": "got", "find": "found",
               "hear": "heard", "eat": "eaten", "smite": "smitten", "slay": "slain", "rise": "risen",
               "speak": "spoken", "write": "written", "lead": "led", "hold": "held", "stand": "stood"}


@dataclass
class Injection:
    kind: str
    link: int
    before: str
    after: str


# ---------------------------------------------------------------- perturbations

def _change_number(link: Link, rng: random.Random, names: list[str]) -> str | None:
    if not _ZH_NUMERAL.search(link.zh):
        return None
    matches = [m for m in _NUMBER.finditer(link.en) if m.start() > 0]  # not list numbering
    if not matches:
        return None
    m = rng.choice(matches)
    old = m.group()
    new = str(int(old) + rng.randint(1, 9)) if old.isdigit() else rng.choice([w for w in _NUMBER_WORDS if w != old])
    return link.en[:m.start()] + new + link.en[m.end():]


def _drop_clause(link: Link, rng: random.Random, names: list[str]) -> str | None:
    pieces = _CLAUSE_CUT.split(link.en)
    droppable = [i for i, p in enumerate(pieces) if len(p.split()) >= 4]
    if len(pieces) < 2 or not droppable:
        return None
    i = rng.choice(droppable)
    kept = pieces[:i] + pieces[i + 1:]
    return " ".join(kept)


def _names_inside(text: str) -> list[re.Match]:
    """Capitalised words not opening a sentence, so they are names, not grammar."""
    return [m for m in _NAME.finditer(text)
            if m.start() and not re.search(r"[.!?:“\"‘(]\s*$", text[:m.start()])]


def _swap_name(link: Link, rng: random.Random, names: list[str]) -> str | None:
    present = [m for m in _names_inside(link.en) if m.group() in names]
    if not present:
        return None
    m = rng.choice(present)
    shape = _name_shape(m.group())
    options = [n for n in names if n not in link.en and _name_shape(n) == shape]
    if not options:
        return None
    return link.en[:m.start()] + rng.choice(options) + link.en[m.end():]


def _name_shape(name: str) -> str:
    return "acronym" if name.isupper() else f"words{len(name.split())}"


def _will_to_has(link: Link, rng: random.Random, names: list[str]) -> str | None:
    matches = list(_WILL.finditer(link.en))
    if not matches:
        return None
    m = rng.choice(matches)
    verb = m.group("verb")
    participle = _PARTICIPLE.get(verb) or (verb + "d" if verb.endswith("e") else
                                           verb[:-1] + "ied" if verb.endswith("y") else verb + "ed")
    aux = "have" if m.group("subject").lower() in ("i", "we", "you", "they", "ye") else "has"
    return link.en[:m.start()] + f"{m.group('subject')} {aux} {participle}" + link.en[m.end():]


def _delete_sentence(link: Link, rng: random.Random, names: list[str]) -> str | None:
    sentences = _SENTENCE_CUT.split(link.en)
    if len(sentences) < 2:
        return ""
    i = rng.randrange(len(sentences))
    return " ".join(sentences[:i] + sentences[i + 1:])


PERTURBATIONS: dict[str, Callable[[Link, random.Random, list[str]], str | None]] = {
    "number": _change_number, "clause": _drop_clause, "name": _swap_name,
    "will→has": _will_to_has, "sentence": _delete_sentence,
}


def document_names(links: list[Link]) -> list[str]:
    """Capitalised names used inside English sentences (not sentence-initial words)."""
    lower = {w for link in links for w in re.findall(r"\b[a-z]+\b", link.en)}
    counts = Counter(m.group() for link in links for m in _names_inside(link.en))
    return sorted(n for n in counts if n not in _NOT_NAMES and not set(n.split()) & _NOT_NAMES
                  and not any(w.lower() in lower for w in n.split()))


# ---------------------------------------------------------------- corpora

def seed_links(encoder) -> list[Link]:
    """The seed pair as the real pipeline segments and aligns it."""
    from align.aligner.sentences import align_documents
    from align.pipeline import read_pair

    repo = Path(__file__).resolve().parents[2]
    zh, en = read_pair(repo / "seeds" / "003_61e2e90163225e43.txt", repo / "seeds" / "000_1deec09b464cf72e.txt")
    return align_documents(zh, en, encoder)


def bible_links(folder: Path, count: int, rng: random.Random) -> list[Link]:
    """A random sample of two-sided Bible gold links, in document order."""
    zh = (folder / "zh.txt").read_text(encoding="utf-8").splitlines()
    en = (folder / "en.txt").read_text(encoding="utf-8").splitlines()
    beads = []
    for line in (folder / "gold.align").read_text(encoding="utf-8").splitlines():
        left, right = line.split("]:[", 1)
        zh_ids = tuple(ast.literal_eval(left + "]"))
        en_ids = tuple(ast.literal_eval("[" + right.split("]")[0] + "]"))
        if zh_ids and en_ids:
            beads.append((zh_ids, en_ids))
    chosen = sorted(rng.sample(range(len(beads)), min(count, len(beads))))
    return [
        Link.of_sentences(i, [(j, zh[j]) for j in beads[b][0]], [(j, en[j]) for j in beads[b][1]], 0.0)
        for i, b in enumerate(chosen)
    ]


def _rescored(links: list[Link], encoder) -> list[Link]:
    """Confidence as the aligner computes it for a bead (calibrated USE cosine)."""
    from align.aligner.sentences import calibrated_confidence

    two_sided = [link for link in links if link.zh.strip() and link.en.strip()]
    zh = encoder.encode([link.zh for link in two_sided])
    en = encoder.encode([link.en for link in two_sided])
    cosines = {link.index: float(np.dot(a, b)) for link, a, b in zip(two_sided, zh, en)}
    return [replace(link, score=calibrated_confidence(cosines[link.index]) if link.index in cosines else 0.0)
            for link in links]


# ---------------------------------------------------------------- running

def _run(links: list[Link], encoder, glossary) -> list:
    from align.pipeline import check_links

    return check_links(links, encoder=encoder, glossary=glossary, select=list(CATEGORIES))


def _by_link(flags) -> dict[int, Counter]:
    """Flags per link, counted by check code."""
    per_link: dict[int, Counter] = {}
    for f in flags:
        per_link.setdefault(f.link, Counter())[f.check] += 1
    return per_link


def _detected(after: Counter, before: Counter, category: str) -> bool:
    return any(n > before[code] for code, n in after.items() if code.split(".")[0] == category)


def evaluate_corpus(name: str, links: list[Link], encoder, glossary, rng: random.Random,
                    per_kind: int, progress) -> dict[str, Any]:
    links = _rescored(links, encoder)
    names = document_names(links)
    clean_flags = _run(links, encoder, glossary)
    clean = _by_link(clean_flags)
    actionable = Counter(f.category for f in clean_flags if f.severity != "info")
    every = Counter(f.category for f in clean_flags)
    result: dict[str, Any] = {
        "corpus": name, "pairs": len(links),
        "clean_flags": {f"{check} ({severity})": n for (check, severity), n
                        in sorted(Counter((f.check, f.severity) for f in clean_flags).items())},
        "clean_flag_details": [{"link": f.link, "check": f.check, "severity": f.severity,
                                "message": f.message, "zh": links[f.link].zh, "en": links[f.link].en}
                               for f in clean_flags],
        "false_flags_per_100": {c: round(100 * actionable[c] / len(links), 2) for c in CATEGORIES},
        "false_flags_per_100_total": round(100 * sum(actionable.values()) / len(links), 2),
        "flags_per_100_with_info": round(100 * sum(every.values()) / len(links), 2),
        "perturbations": {},
    }
    for kind in progress.track(PERTURBATIONS, f"{name}: perturbations"):
        order = list(range(len(links)))
        rng.shuffle(order)
        injections: list[Injection] = []
        perturbed = list(links)
        for i in order:
            if len(injections) >= per_kind:
                break
            new_en = PERTURBATIONS[kind](links[i], rng, names)
            if new_en is not None and new_en != links[i].en:
                injections.append(Injection(kind, i, links[i].en, new_en))
                perturbed[i] = replace(links[i], en=new_en, en_sentences=())
        perturbed = _rescored(perturbed, encoder)
        flagged = _by_link(_run(perturbed, encoder, glossary))
        category = EXPECTED[kind]
        detected = [inj for inj in injections
                    if _detected(flagged.get(inj.link, Counter()), clean.get(inj.link, Counter()), category)]
        result["perturbations"][kind] = {
            "expected": category, "injected": len(injections), "detected": len(detected),
            "recall": round(len(detected) / len(injections), 3) if injections else None,
            "missed": [{"link": inj.link, "before": inj.before, "after": inj.after}
                       for inj in injections if inj not in detected][:5],
        }
    return result


def run_benchmark(*, seed: int = 13, bible_pairs: int = 600, shared: Path | None = None,
                  quiet: bool = False) -> dict[str, Any]:
    from align.embed.encoders import load_encoder
    from align.progress import Progress

    repo = Path(__file__).resolve().parents[2]
    shared = shared or repo.parent / "shared"
    encoder = load_encoder()
    glossary = None
    glossary_file = repo / "glossaries" / "seed.csv"
    if glossary_file.exists():
        from align.glossary.files import load_glossaries

        glossary = load_glossaries([glossary_file])
    results = {"seed": seed, "model": encoder.model_id, "corpora": []}
    with Progress(quiet) as progress:
        rng = random.Random(seed)
        results["corpora"].append(
            evaluate_corpus("seed report", seed_links(encoder), encoder, glossary, rng, 10, progress))
        if bible_pairs:
            rng = random.Random(seed)
            links = bible_links(shared / "bench" / "bible-zh-en", bible_pairs, rng)
            results["corpora"].append(
                evaluate_corpus(f"Bible ({len(links)} gold links)", links, encoder, None, rng,
                                max(10, bible_pairs // 10), progress))
    return results


def format_table(results: dict[str, Any]) -> str:
    """Markdown tables: recall per perturbation, false flags per 100 clean pairs."""
    lines = [f"seed {results['seed']}, model {results['model']}", "",
             "| corpus | perturbation | expected flag | injected | detected | recall |",
             "| --- | --- | --- | ---: | ---: | ---: |"]
    for corpus in results["corpora"]:
        for kind, row in corpus["perturbations"].items():
            recall = "—" if row["recall"] is None else f"{row['recall']:.2f}"
            lines.append(f"| {corpus['corpus']} | {kind} | {row['expected']}.* | {row['injected']} | "
                         f"{row['detected']} | {recall} |")
    lines += ["", "| corpus | clean pairs | " + " | ".join(CATEGORIES) + " | all | all incl. info |",
              "| --- | ---: | " + " | ".join("---:" for _ in CATEGORIES) + " | ---: | ---: |"]
    for corpus in results["corpora"]:
        per = corpus["false_flags_per_100"]
        lines.append(f"| {corpus['corpus']} | {corpus['pairs']} | "
                     + " | ".join(f"{per[c]:.1f}" for c in CATEGORIES)
                     + f" | {corpus['false_flags_per_100_total']:.1f} | {corpus['flags_per_100_with_info']:.1f} |")
    lines += ["", "(second table: warning/error flags per 100 untouched pairs, by category; last column adds info)",
              "", "| corpus | check (severity) | clean flags | per 100 pairs |", "| --- | --- | ---: | ---: |"]
    for corpus in results["corpora"]:
        for check, n in corpus["clean_flags"].items():
            lines.append(f"| {corpus['corpus']} | {check} | {n} | {100 * n / corpus['pairs']:.1f} |")
    return "\n".join(lines)
