"""Checks against professional MQM annotations (``align bench mqm``).

Each item of an MQM file (``{"set", "system", "doc", "seg", "zh", "en", "errors": [...]}``,
one JSON object per line; format in ``shared/bench/mqm-wmt23-zhen/README.md``) is a
ready-made 1-1 pair. Items are grouped by (system, doc) and sorted by seg, so each group is
one translated document and document-level checks see all of it; every check runs at its
defaults, without a glossary.

The scoring rule of the README: a segment is *positive* when a rater marked a ``Major``
error whose category starts with ``Accuracy/`` (or a ``Non-translation!``); the stricter
variant needs two raters. The checker predicts positive when it raises any ``error`` or
``warning`` flag on the pair. Two baselines on the same items: the length-ratio outlier
(Chinese characters per English word outside the 5th–95th percentile) and the lowest
sentence cosine at the same flag rate as the checker.
"""
from __future__ import annotations

import json
import math
import re
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from align.errors import InputError
from align.model import Flag, Link

SUBCATEGORIES = {  # README sub-category -> category prefixes of the annotation scheme
    "Mistranslation": ("Accuracy/Mistranslation",),
    "Omission": ("Accuracy/Omission",),
    "Addition": ("Accuracy/Addition",),
    "Untranslated": ("Accuracy/Untranslated", "Accuracy/Source language fragment", "Non-translation!"),
}
ACTIONABLE = ("error", "warning")
_REQUIRED = {"system": str, "doc": str, "seg": int, "zh": str, "en": str, "errors": list}
_WORD = re.compile(r"[A-Za-z0-9]+(?:['’.-][A-Za-z0-9]+)*")
_HAN = re.compile(r"[\u3400-\u9fff]")


@dataclass(frozen=True)
class MqmError:
    rater: str
    category: str
    severity: str
    zh_span: tuple[int, int] | None
    en_span: tuple[int, int] | None

    @property
    def is_major_accuracy(self) -> bool:
        return (self.severity == "Major" and self.category.startswith("Accuracy/")) or \
            "Non-translation" in self.category or "Non-translation" in self.severity

    @property
    def subcategory(self) -> str | None:
        for name, prefixes in SUBCATEGORIES.items():
            if self.category.startswith(prefixes) or self.severity.startswith(prefixes):
                return name
        return None


@dataclass
class MqmItem:
    system: str
    doc: str
    seg: int
    zh: str
    en: str
    errors: list[MqmError] = field(default_factory=list)

    @property
    def key(self) -> tuple[str, str, int]:
        return (self.system, self.doc, self.seg)

    def raters_marking_major_accuracy(self) -> set[str]:
        return {e.rater for e in self.errors if e.is_major_accuracy}

    def positive(self, min_raters: int = 1) -> bool:
        return len(self.raters_marking_major_accuracy()) >= min_raters

    def subcategories(self) -> set[str]:
        return {e.subcategory for e in self.errors if e.is_major_accuracy and e.subcategory}


def _span(value: Any, path: Path, line: int, text: str, side: str) -> tuple[int, int] | None:
    """A rater's span, clipped to the text: annotation tools' spans can run a character past
    the end (65 of 21,226 spans in WMT23 zh-en)."""
    if value is None:
        return None
    if not (isinstance(value, list) and len(value) == 2 and all(isinstance(v, int) for v in value)
            and 0 <= value[0] <= value[1]):
        raise InputError(path, f"{side}_span must be null or [start, end) with 0 <= start <= end, got {value!r}",
                         line)
    return (min(value[0], len(text)), min(value[1], len(text)))


def load_items(path: str | Path) -> list[MqmItem]:
    """Every item of an MQM JSONL file; a malformed line is refused with its line number."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(path, "no such file") from None
    except UnicodeDecodeError as exc:
        raise InputError(path, f"not UTF-8 ({exc.reason} at byte {exc.start})") from None
    items: list[MqmItem] = []
    seen: set[tuple[str, str, int]] = set()
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(path, f"not JSON ({exc.msg})", number) from None
        if not isinstance(row, dict):
            raise InputError(path, "each line must be a JSON object", number)
        for name, kind in _REQUIRED.items():
            if not isinstance(row.get(name), kind) or isinstance(row.get(name), bool):
                raise InputError(path, f"field {name!r} missing or not a {kind.__name__}", number)
        errors = []
        for error in row["errors"]:
            if not isinstance(error, dict) or not isinstance(error.get("category"), str) \
                    or not isinstance(error.get("severity"), str):
                raise InputError(path, "each error needs a string 'category' and 'severity'", number)
            errors.append(MqmError(str(error.get("rater", "")), error["category"], error["severity"],
                                   _span(error.get("zh_span"), path, number, row["zh"], "zh"),
                                   _span(error.get("en_span"), path, number, row["en"], "en")))
        item = MqmItem(row["system"], row["doc"], row["seg"], row["zh"], row["en"], errors)
        if item.key in seen:
            raise InputError(path, f"duplicate item (system {item.system!r}, doc {item.doc!r}, seg {item.seg})",
                             number)
        seen.add(item.key)
        items.append(item)
    if not items:
        raise InputError(path, "no items")
    return items


def documents(items: Iterable[MqmItem]) -> list[list[MqmItem]]:
    """Items grouped by (system, doc), each group in segment order: one translated document."""
    groups: dict[tuple[str, str], list[MqmItem]] = defaultdict(list)
    for item in items:
        groups[(item.system, item.doc)].append(item)
    return [sorted(group, key=lambda i: i.seg) for _, group in sorted(groups.items())]


PARTS = ("all", "dev", "heldout")


def in_heldout(doc: str) -> bool:
    """A fixed third of the source documents, by a hash of the document id: every system's
    translation of a document lands on the same side, so nothing fitted on the development
    part has seen a held-out source text."""
    import hashlib

    return int(hashlib.sha1(doc.encode("utf-8")).hexdigest(), 16) % 3 == 0


def select_part(items: Sequence[MqmItem], part: str) -> list[MqmItem]:
    """``all`` items, the ``dev`` (development) documents, or the ``heldout`` ones."""
    if part not in PARTS:
        raise ValueError(f"part must be one of {', '.join(PARTS)}, not {part!r}")
    if part == "all":
        return list(items)
    return [item for item in items if in_heldout(item.doc) == (part == "heldout")]


def item_links(group: Sequence[MqmItem], cosines: dict[tuple, float]) -> list[Link]:
    """A document's items as 1-1 links, confidence from the cosine as the aligner computes it."""
    from align.aligner.sentences import calibrated_confidence

    return [Link(i, (i,), (i,), item.zh, item.en, calibrated_confidence(cosines[item.key]))
            for i, item in enumerate(group)]


def sentence_cosines(items: Sequence[MqmItem], encoder) -> dict[tuple, float]:
    zh = encoder.encode([item.zh for item in items])
    en = encoder.encode([item.en for item in items])
    return {item.key: float(np.dot(a, b)) for item, a, b in zip(items, zh, en)}


def learnt_translations(items: Sequence[MqmItem]):
    """The word translation model learnt from every item's pair (no labels read): the
    corpus a document's checks align its words with, as ``align batch`` would."""
    from align.wordalign import dictionary_alignments
    from align.wordalign.model1 import learn

    return learn(dictionary_alignments([Link(k, (k,), (k,), item.zh, item.en, 0.0)
                                        for k, item in enumerate(items)]).values())


def run_checks_on_items(items: Sequence[MqmItem], encoder, *, select: Sequence[str] | None = None,
                        ignore: Sequence[str] | None = None, options: dict | None = None,
                        progress=None) -> tuple[dict[tuple, list[Flag]], dict[tuple, float], float]:
    """Flags per item key, cosines per item key, seconds spent in the checks."""
    from align.pipeline import check_links

    cosines = sentence_cosines(items, encoder)
    translations = learnt_translations(items)
    flags: dict[tuple, list[Flag]] = {item.key: [] for item in items}
    seconds = 0.0
    groups = documents(items)
    iterator = progress.track(groups, "check documents", total=len(groups)) if progress else groups
    for group in iterator:
        links = item_links(group, cosines)
        started = time.perf_counter()
        found = check_links(links, encoder=encoder, select=select, ignore=ignore, options=options,
                            translations=translations)
        seconds += time.perf_counter() - started
        for flag in found:
            flags[group[flag.link].key].append(flag)
    return flags, cosines, seconds


# ---------------------------------------------------------------- scoring

def prf(predicted: set, positive: set) -> dict[str, float]:
    tp = len(predicted & positive)
    p = tp / len(predicted) if predicted else 0.0
    r = tp / len(positive) if positive else 0.0
    return {"flagged": len(predicted), "tp": tp, "precision": p, "recall": r,
            "f1": 2 * p * r / (p + r) if p + r else 0.0}


def zh_chars_per_en_word(item: MqmItem) -> float:
    return len(_HAN.findall(item.zh)) / max(1, len(_WORD.findall(item.en)))


def length_ratio_outliers(items: Sequence[MqmItem]) -> set:
    ratios = np.array([zh_chars_per_en_word(i) for i in items])
    low, high = np.percentile(ratios, [5, 95])
    return {i.key for i, r in zip(items, ratios) if r < low or r > high}


def lowest_cosine(cosines: dict[tuple, float], count: int) -> set:
    return set(sorted(cosines, key=lambda k: (cosines[k], k))[:count])


def _overlaps(span: tuple[int, int] | None, spans: Iterable[tuple[int, int]]) -> bool:
    return span is not None and any(span[0] < e and s < span[1] for s, e in spans)


def score(items: Sequence[MqmItem], flags: dict[tuple, list[Flag]], cosines: dict[tuple, float]) -> dict[str, Any]:
    """The README's table: P/R/F1, recall per sub-category, per code, baselines."""
    by_key = {item.key: item for item in items}
    predicted = {k for k, fs in flags.items() if any(f.severity in ACTIONABLE for f in fs)}
    positive = {i.key for i in items if i.positive(1)}
    positive2 = {i.key for i in items if i.positive(2)}
    result: dict[str, Any] = {
        "items": len(items), "documents": len(documents(items)),
        "positive": len(positive), "positive_2_raters": len(positive2),
        "checker": prf(predicted, positive), "checker_2_raters": prf(predicted, positive2),
    }
    result["subcategory_recall"] = {}
    for name in SUBCATEGORIES:
        members = {i.key for i in items if name in i.subcategories()}
        result["subcategory_recall"][name] = {
            "positive": len(members),
            "recall": len(members & predicted) / len(members) if members else None,
            "cosine_recall": None,
        }
    codes: dict[str, dict[str, Any]] = defaultdict(lambda: {"flags": 0, "items": set(), "with_span": 0,
                                                            "overlap": 0, "overlap_major": 0})
    for key, found in flags.items():
        item = by_key[key]
        zh_any = [e.zh_span for e in item.errors if e.zh_span]
        en_any = [e.en_span for e in item.errors if e.en_span]
        zh_major = [e.zh_span for e in item.errors if e.zh_span and e.is_major_accuracy]
        en_major = [e.en_span for e in item.errors if e.en_span and e.is_major_accuracy]
        for f in found:
            if f.severity not in ACTIONABLE:
                continue
            row = codes[f.check]
            row["flags"] += 1
            row["items"].add(key)
            if f.zh_span or f.en_span:
                row["with_span"] += 1
                row["overlap"] += _overlaps(f.zh_span, zh_any) or _overlaps(f.en_span, en_any)
                row["overlap_major"] += _overlaps(f.zh_span, zh_major) or _overlaps(f.en_span, en_major)
    result["codes"] = {
        code: {"flags": row["flags"], "items": len(row["items"]),
               "precision": len(row["items"] & positive) / len(row["items"]) if row["items"] else 0.0,
               "with_span": row["with_span"],
               "span_overlap": row["overlap"] / row["with_span"] if row["with_span"] else None,
               "span_overlap_major": row["overlap_major"] / row["with_span"] if row["with_span"] else None}
        for code, row in sorted(codes.items())
    }
    length = length_ratio_outliers(items)
    cosine = lowest_cosine(cosines, len(predicted))
    result["baselines"] = {
        "length_ratio": {**prf(length, positive), "f1_2_raters": prf(length, positive2)["f1"]},
        "cosine_same_rate": {**prf(cosine, positive), "f1_2_raters": prf(cosine, positive2)["f1"]},
    }
    for name, row in result["subcategory_recall"].items():
        members = {i.key for i in items if name in i.subcategories()}
        row["cosine_recall"] = len(members & cosine) / len(members) if members else None
    return result


def clean_bible_flags(encoder, pairs: int, *, select: Sequence[str] | None = None,
                      ignore: Sequence[str] | None = None, options: dict | None = None) -> dict[str, Any]:
    """Error + warning flags of every check on ``pairs`` clean Bible gold links (the sample
    ``align bench divergence`` draws, seed 13), per 100 pairs: the false-alarm gate."""
    import random

    from align.bench.divergence import _rescored, bible_links
    from align.checks import CheckContext, run_checks

    folder = Path(__file__).resolve().parents[2].parent / "shared" / "bench" / "bible-zh-en"
    links = _rescored(bible_links(folder, pairs, random.Random(13)), encoder)
    flags = [f for f in run_checks(CheckContext(links, encoder=encoder, options=options or {}), select=select,
                                   ignore=ignore) if f.severity in ACTIONABLE]
    return {"pairs": len(links), "flags": len(flags), "per_100": 100.0 * len(flags) / max(1, len(links)),
            "by_code": dict(Counter(f.check for f in flags).most_common())}


def run_benchmark(data: str | Path, *, model: str | None = None, select: Sequence[str] | None = None,
                  ignore: Sequence[str] | None = None, options: dict | None = None,
                  quiet: bool = False, part: str = "all", bible: int = 0) -> dict[str, Any]:
    """``part``: all items, the development documents or the held-out ones (``in_heldout``);
    ``bible``: also count the flags on that many clean Bible gold pairs (0: skip)."""
    from align.embed.encoders import load_encoder
    from align.progress import Progress

    items = select_part(load_items(data), part)
    if not items:
        raise InputError(Path(data), f"no items in part {part!r}")
    started = time.perf_counter()
    encoder = load_encoder(model)
    calls_before = encoder.model_calls
    with Progress(quiet) as progress:
        flags, cosines, seconds = run_checks_on_items(items, encoder, select=select, ignore=ignore,
                                                      options=options, progress=progress)
    total = time.perf_counter() - started
    result = score(items, flags, cosines)
    if bible:
        result["clean_bible"] = clean_bible_flags(encoder, bible, select=select, ignore=ignore, options=options)
    result.update({
        "part": part, "data": str(data), "model": encoder.model_id, "check_seconds": seconds, "total_seconds": total,
        "pairs_per_second": len(items) / seconds if seconds else math.inf,
        "encoded": encoder.model_calls - calls_before,
    })
    return result


def format_table(result: dict[str, Any]) -> str:
    def row(name: str, m: dict, m2: float | None) -> str:
        f2 = "" if m2 is None else f"{m2:.3f}"
        return (f"| {name} | {m['flagged']} | {m['precision']:.3f} | {m['recall']:.3f} | "
                f"**{m['f1']:.3f}** | {f2} |")

    checker, base = result["checker"], result["baselines"]
    lines = [
        f"{result['data']} ({result.get('part', 'all')}): {result['items']} pairs, "
        f"{result['documents']} documents (system × doc); "
        f"positive (Major accuracy, any rater) {result['positive']}, ≥ 2 raters {result['positive_2_raters']}; "
        f"model {result['model']}",
        "",
        "| method | flagged | precision | recall | F1 | F1 (≥ 2 raters) |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
        row("checks (error + warning)", checker, result["checker_2_raters"]["f1"]),
        row("lowest cosine, same flag rate", base["cosine_same_rate"], base["cosine_same_rate"]["f1_2_raters"]),
        row("length-ratio outlier (5th–95th pct)", base["length_ratio"], base["length_ratio"]["f1_2_raters"]),
        "",
        f"≥ 2 raters: precision {result['checker_2_raters']['precision']:.3f}, "
        f"recall {result['checker_2_raters']['recall']:.3f}",
        "",
        "| sub-category (Major) | positive pairs | recall | cosine baseline recall |",
        "| --- | ---: | ---: | ---: |",
    ]
    for name, sub in result["subcategory_recall"].items():
        rec = "—" if sub["recall"] is None else f"{sub['recall']:.3f}"
        crec = "—" if sub["cosine_recall"] is None else f"{sub['cosine_recall']:.3f}"
        lines.append(f"| {name} | {sub['positive']} | {rec} | {crec} |")
    lines += ["", "| check code | flags | pairs | precision | flags with a span | span overlap (any error) | "
                  "span overlap (Major accuracy) |",
              "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for code, c in result["codes"].items():
        ov = "—" if c["span_overlap"] is None else f"{c['span_overlap']:.2f}"
        ovm = "—" if c["span_overlap_major"] is None else f"{c['span_overlap_major']:.2f}"
        lines.append(
            f"| {code} | {c['flags']} | {c['items']} | {c['precision']:.3f} | {c['with_span']} | {ov} | {ovm} |"
        )
    if "clean_bible" in result:
        bible = result["clean_bible"]
        by_code = ", ".join(f"{code} {n}" for code, n in bible["by_code"].items()) or "none"
        lines += ["", f"clean Bible gold pairs: {bible['pairs']}, error + warning flags {bible['flags']} = "
                      f"{bible['per_100']:.1f} per 100 (gate ≤ 5): {by_code}"]
    lines += ["", f"checks: {result['check_seconds']:.1f} s, {result['pairs_per_second']:.1f} pairs/s; "
                  f"total {result['total_seconds']:.1f} s ({result['encoded']} texts encoded, rest from cache)"]
    return "\n".join(lines)
