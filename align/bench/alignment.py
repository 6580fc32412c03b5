"""``align bench alignment``: accuracy, speed and memory of the sentence aligner.

Scoring is the standard rule of Vecalign/Bertalign (after Sennrich & Volk 2010), as described
in ``shared/bench/README.md``: strict and lax precision/recall/F1, counts pooled over documents.
The Bible set is scored at verse level (sentence ids → verses, links joined by union-find).
"""
from __future__ import annotations

import ast
import json
import random
import resource
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from align.model import Link

LinkSet = list[tuple[tuple[int, ...], tuple[int, ...]]]


# ----- link files and scoring -----
def parse_links(lines: Iterable[str]) -> LinkSet:
    """``[zh ids]:[en ids]`` per line (a third ``:score`` field is ignored)."""
    out = []
    for line in lines:
        line = line.strip()
        if not line:
            continue
        src, tgt = line.split(":")[:2]
        out.append((tuple(ast.literal_eval(src)), tuple(ast.literal_eval(tgt))))
    return out


def link_pairs(links: Sequence[Link]) -> LinkSet:
    return [(tuple(lk.zh_ids), tuple(lk.en_ids)) for lk in links]


@dataclass
class Counts:
    """Pooled hit counts: (strict, lax, total) for precision and for recall."""

    p_strict: int = 0
    p_lax: int = 0
    p_total: int = 0
    r_strict: int = 0
    r_lax: int = 0
    r_total: int = 0

    def add(self, gold: LinkSet, test: LinkSet) -> None:
        gold = [g for g in gold if g[0] or g[1]]
        test = [t for t in test if t[0] or t[1]]
        hits = _hits(test, gold)
        self.p_strict, self.p_lax, self.p_total = (
            self.p_strict + hits[0], self.p_lax + hits[1], self.p_total + len(test))
        gold_nz = [g for g in gold if g[0] and g[1]]
        test_nz = [t for t in test if t[0] and t[1]]
        hits = _hits(gold_nz, test_nz)
        self.r_strict, self.r_lax, self.r_total = (
            self.r_strict + hits[0], self.r_lax + hits[1], self.r_total + len(gold_nz))

    def scores(self) -> dict[str, float]:
        out = {}
        for kind in ("strict", "lax"):
            p = getattr(self, f"p_{kind}") / max(self.p_total, 1)
            r = getattr(self, f"r_{kind}") / max(self.r_total, 1)
            out[f"{kind}_p"], out[f"{kind}_r"] = p, r
            out[f"{kind}_f1"] = 2 * p * r / (p + r) if p + r else 0.0
        return out


def _hits(judged: LinkSet, reference: LinkSet) -> tuple[int, int]:
    """Strict: exact link in reference. Lax: target ids meet the reference targets of its sources."""
    exact = set(reference)
    targets: dict[int, set[int]] = {}
    for src, tgt in reference:
        for s in src:
            targets.setdefault(s, set()).update(tgt)
    strict = lax = 0
    for src, tgt in judged:
        if (src, tgt) in exact:
            strict += 1
            lax += 1
        elif any(set(tgt) & targets.get(s, set()) for s in src):
            lax += 1
    return strict, lax


def verse_level(links: LinkSet, zh_verse: Sequence[str], en_verse: Sequence[str]) -> LinkSet:
    """Replace sentence ids by verse ids and join links that share a verse."""
    order: dict[str, int] = {}
    for v in list(zh_verse) + list(en_verse):
        order.setdefault(v, len(order))
    return join_overlapping([({order[zh_verse[i]] for i in src}, {order[en_verse[j]] for j in tgt})
                             for src, tgt in links])


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


# ----- sets -----
@dataclass
class Pair:
    name: str
    zh: list[str]
    en: list[str]
    gold: LinkSet | None = None
    zh_verse: list[str] | None = None
    en_verse: list[str] | None = None
    extra: dict = field(default_factory=dict)


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def bible_pairs(shared: Path) -> list[Pair]:
    d = shared / "bench" / "bible-zh-en"
    return [Pair("bible", _lines(d / "zh.txt"), _lines(d / "en.txt"), parse_links(_lines(d / "gold.align")),
                 _lines(d / "zh.verse"), _lines(d / "en.verse"))]


def textberg_pairs(shared: Path) -> list[Pair]:
    d = shared / "bench" / "textberg-de-fr"
    return [Pair(f"textberg/{f.name}", _lines(f), _lines(d / "fr" / f.name), parse_links(_lines(d / "gold" / f.name)))
            for f in sorted((d / "de").iterdir())]


def synthetic_pair(n: int, shared: Path, seed: int = 0, deleted: float = 0.02) -> Pair:
    """An n-verse pair of Bible verses drawn at random, with ``deleted`` of the English
    verses dropped; gold is known by construction."""
    bible = bible_pairs(shared)[0]
    rng = random.Random(seed)
    verses = [("".join(bible.zh[i] for i in s), " ".join(bible.en[j] for j in t)) for s, t in bible.gold if s and t]
    zh, en, gold = [], [], []
    for k in range(n):
        z, e = verses[rng.randrange(len(verses))]
        zh.append(z)
        if rng.random() < deleted:
            gold.append(((k,), ()))
        else:
            gold.append(((k,), (len(en),)))
            en.append(e)
    return Pair(f"synthetic/{n}", zh, en, gold)


# ----- running -----
def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_pair(pair: Pair, encoder, **config) -> dict:
    """Align one pair, timing embedding (single sentences) and the rest separately."""
    from align.aligner.sentences import align_sentences

    calls0 = encoder.model_calls
    t0 = time.perf_counter()
    encoder.encode(pair.zh)
    encoder.encode(pair.en)
    t1 = time.perf_counter()
    links = align_sentences(pair.zh, pair.en, encoder, **config)
    t2 = time.perf_counter()
    return {
        "links": link_pairs(links),
        "scores": [lk.score for lk in links],
        "confidences": [lk.confidence for lk in links],
        "embed_s": t1 - t0,
        "align_s": t2 - t1,
        "encoded": encoder.model_calls - calls0,
    }


def score_pair(pair: Pair, test: LinkSet, counts: Counts) -> None:
    gold = pair.gold or []
    if pair.zh_verse is not None:
        gold = verse_level(gold, pair.zh_verse, pair.en_verse)
        test = verse_level(test, pair.zh_verse, pair.en_verse)
    counts.add(gold, test)


def seed_anchor_report(shared: Path, encoder, **config) -> dict:
    """Check the seed pair against ``seed-anchors.json`` (needs ``align.text.segment``)."""
    from align.aligner.sentences import align_documents
    from align.text.segment import load_document

    spec = json.loads((shared / "bench" / "seed-anchors.json").read_text(encoding="utf-8"))
    seeds = shared / "seeds"
    zh = load_document(seeds / spec["zh_file"], "zh")
    en = load_document(seeds / spec["en_file"], "en")
    t0 = time.perf_counter()
    links = align_documents(zh, en, encoder, **config)
    seconds = time.perf_counter() - t0
    return {"seconds": seconds, **check_anchors(spec, zh.texts, en.texts, links)}


def check_anchors(spec: dict, zh: list[str], en: list[str], links: Sequence[Link]) -> dict:
    """Which gold anchors hold: both sentences in one link; zh_only/en_only left unaligned."""
    zh_of = _sentence_finder(zh, "")
    en_of = _sentence_finder(en, " ")
    link_of_zh = {i: k for k, lk in enumerate(links) for i in lk.zh_ids}
    link_of_en = {j: k for k, lk in enumerate(links) for j in lk.en_ids}
    failed = []
    for a in spec["links"]:
        i = zh_of(a["zh"], a.get("zh_occurrence", 0))
        j = en_of(a["en"], a.get("en_occurrence", 0))
        if i is None or j is None or link_of_zh.get(i) != link_of_en.get(j):
            failed.append({"zh": a["zh"], "en": a["en"]})
    for text in spec.get("zh_only", []):
        i = zh_of(text if isinstance(text, str) else text["zh"], 0)
        if i is None or links[link_of_zh[i]].en_ids:
            failed.append({"zh_only": text})
    for text in spec.get("en_only", []):
        j = en_of(text if isinstance(text, str) else text["en"], 0)
        if j is None or links[link_of_en[j]].zh_ids:
            failed.append({"en_only": text})
    total = len(spec["links"]) + len(spec.get("zh_only", [])) + len(spec.get("en_only", []))
    return {"anchors": total, "satisfied": total - len(failed), "failed": failed}


def _sentence_finder(sentences: list[str], sep: str):
    """Map (substring, occurrence) of the joined text to the sentence containing it."""
    import re

    clean = (lambda s: re.sub(r"\s+", "", s)) if sep == "" else (lambda s: " ".join(s.split()))
    parts = [clean(s) for s in sentences]
    starts, pos = [], 0
    for p in parts:
        starts.append(pos)
        pos += len(p) + len(sep)
    joined = sep.join(parts)

    def find(sub: str, occurrence: int) -> int | None:
        sub = clean(sub)
        at = -1
        for _ in range(occurrence + 1):
            at = joined.find(sub, at + 1)
            if at < 0:
                return None
        import bisect

        return bisect.bisect_right(starts, at) - 1

    return find


def synthetic_run(n: int, shared: Path, model: str | None = None, cache: bool = True) -> dict:
    """Time and memory of one synthetic pair (run in a fresh process for a clean peak RSS)."""
    from align.embed.encoders import load_encoder

    t0 = time.perf_counter()
    encoder = load_encoder(model, cache=cache)
    pair = synthetic_pair(n, shared)
    result = run_pair(pair, encoder)
    counts = Counts()
    counts.add(pair.gold, result["links"])
    return {
        "n": n,
        "embed_s": result["embed_s"],
        "align_s": result["align_s"],
        "total_s": time.perf_counter() - t0,
        "peak_mb": peak_rss_mb(),
        "strict_f1": counts.scores()["strict_f1"],
    }


def _synthetic_in_subprocess(n: int, shared: Path, model: str | None, cache: bool) -> dict:
    import subprocess
    import sys

    code = (
        "import json,sys; from pathlib import Path; from align.bench.alignment import synthetic_run; "
        f"print(json.dumps(synthetic_run({n}, Path({str(shared)!r}), {model!r}, {cache!r})))"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def bertalign_anchor_report(shared: Path, encoder) -> dict:
    """The seed anchors under Bertalign's algorithm on the same segmentation and vectors."""
    from align.bench import bertalign
    from align.text.segment import load_document

    spec = json.loads((shared / "bench" / "seed-anchors.json").read_text(encoding="utf-8"))
    zh = load_document(shared / "seeds" / spec["zh_file"], "zh")
    en = load_document(shared / "seeds" / spec["en_file"], "en")
    t0 = time.perf_counter()
    pairs = bertalign.align(zh.texts, en.texts, encoder)
    seconds = time.perf_counter() - t0
    links = [Link(k, zi, ei, "", "", 0.0) for k, (zi, ei) in enumerate(pairs)]
    return {"seconds": seconds, **check_anchors(spec, zh.texts, en.texts, links)}


def scored_sets(shared: Path, names: Sequence[str]) -> list[tuple[str, list[Pair]]]:
    """(row name, pairs) for each requested set; ``dev`` expands to the four dev sets."""
    from align.bench.devsets import dev_sets

    out = []
    for name in names:
        if name == "bible":
            out.append(("Bible (shipped, verse level)", bible_pairs(shared)))
        elif name == "dev":
            out.extend(dev_sets(shared).items())
        elif name == "textberg":
            out.append(("textberg all (001-007)", textberg_pairs(shared)))
        else:
            raise ValueError(f"unknown alignment bench set {name!r}")
    return out


def run_set(pairs: Sequence[Pair], encoder, *, bertalign: bool = True, **config) -> dict:
    """Ours (and Bertalign's) pooled scores and seconds on one set."""
    from align.bench import bertalign as bert

    ours, theirs = Counts(), Counts()
    ours_s = theirs_s = 0.0
    sentences = 0
    judged: list[tuple[float, bool]] = []
    curve: list[tuple[float, bool]] = []
    for pair in pairs:
        result = run_pair(pair, encoder, **config)
        ours_s += result["embed_s"] + result["align_s"]
        sentences += len(pair.zh) + len(pair.en)
        score_pair(pair, result["links"], ours)
        if pair.zh_verse is None:
            gold = set(pair.gold or [])
            two_sided = [(k, link in gold) for k, link in enumerate(result["links"]) if link[0] and link[1]]
            judged += [(result["confidences"][k], ok) for k, ok in two_sided]
            curve += [(result["scores"][k], ok) for k, ok in two_sided]
        if bertalign:
            t0 = time.perf_counter()
            score_pair(pair, bert.align(pair.zh, pair.en, encoder), theirs)
            theirs_s += time.perf_counter() - t0
    return {"docs": len(pairs), "sentences": sentences, "ours": ours.scores(), "ours_s": ours_s,
            "bertalign": theirs.scores() if bertalign else None, "bertalign_s": theirs_s, "judged": judged,
            "curve": curve}


def reliability(judged: Sequence[tuple[float, bool]], bins: int = 5) -> list[dict]:
    """The reliability curve of link confidences: per confidence bin, how many two-sided links
    fall in it and what share of them are exactly a gold link (strict)."""
    out = []
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        inside = [ok for score, ok in judged if lo <= score < hi or (b == bins - 1 and score == 1.0)]
        out.append({"lo": lo, "hi": hi, "links": len(inside),
                    "correct": sum(inside) / len(inside) if inside else None})
    return out


def brier(judged: Sequence[tuple[float, bool]]) -> float:
    """Mean squared error of the probabilities against 1 (exactly gold) / 0."""
    return sum((p - ok) ** 2 for p, ok in judged) / len(judged)


def lowest_wrong(judged: Sequence[tuple[float, bool]], share: float = 0.1) -> float:
    """The share of wrong links among the ``share`` of links with the lowest probability: what a
    reviewer who sorts by it finds first."""
    lowest = sorted(judged, key=lambda j: j[0])[:max(1, round(share * len(judged)))]
    return 1 - sum(ok for _, ok in lowest) / len(lowest)


def reliability_rows(judged: dict[str, Sequence[tuple[float, bool]]],
                     curve: dict[str, Sequence[tuple[float, bool]]]) -> list[str]:
    """Markdown reliability curves of the shipped link confidence, one row per dev set: per
    confidence bin, the share of its two-sided links that are exactly gold and (in brackets) how
    many links fall in it; then per set its Brier score against the base rate's and the cosine
    curve's (``score``), and the share of wrong links among the lowest-confidence tenth."""
    bins = reliability([])
    rows = ["", "Reliability of link confidence (two-sided links, strict: exactly gold (links) per bin):", "",
            "| set | " + " | ".join(f"{b['lo']:.1f}–{b['hi']:.1f}" for b in bins) + " |",
            "| --- |" + " ---: |" * len(bins)]
    for name, pairs in judged.items():
        cells = [f"{b['correct']:.3f} ({b['links']})" if b["correct"] is not None else "– (0)"
                 for b in reliability(pairs)]
        rows.append(f"| {name} | " + " | ".join(cells) + " |")
    rows += ["", "| set | links | exactly gold | Brier: confidence | base rate | cosine curve (score) "
             "| wrong: lowest-confidence 10% | all links | lowest-score 10% |",
             "| --- |" + " ---: |" * 8]
    for name, pairs in judged.items():
        if not pairs:
            continue
        rate = sum(ok for _, ok in pairs) / len(pairs)
        rows.append(f"| {name} | {len(pairs)} | {rate:.3f} | {brier(pairs):.4f} | {rate * (1 - rate):.4f} "
                    f"| {brier(curve[name]):.4f} | {lowest_wrong(pairs):.3f} | {1 - rate:.3f} "
                    f"| {lowest_wrong(curve[name]):.3f} |")
    return rows


CONFIDENCE_L2 = 1e-2  # ridge on standardised features, per example: a separable feature cannot run off


def confidence_examples(pairs: Iterable[Pair], encoder) -> tuple[list[list[float]], list[bool]]:
    """Every two-sided link the aligner outputs (default settings) on ``pairs``: its
    ``bead_features`` (in ``CONFIDENCE_FEATURES`` order) and whether it is exactly a gold link."""
    from align.aligner.sentences import CONFIDENCE_FEATURES, align_sentences_with_features

    rows, labels = [], []
    for pair in pairs:
        gold = set(pair.gold or [])
        links, features = align_sentences_with_features(pair.zh, pair.en, encoder)
        for link, feats in zip(links, features):
            if feats is not None:
                rows.append([feats[k] for k in CONFIDENCE_FEATURES])
                labels.append((link.zh_ids, link.en_ids) in gold)
    return rows, labels


def fit_confidence(rows: Sequence[Sequence[float]], labels: Sequence[bool], iterations: int = 50,
                   without: Sequence[str] = ()) -> dict[str, float]:
    """Coefficients of ``link_confidence`` (raw feature scale): an L2-penalised logistic
    regression of P(exactly gold) on the features, by Newton's method on standardised features;
    the features ``without`` get 0 (to see what one of them adds)."""
    import numpy as np

    from align.aligner.sentences import CONFIDENCE_FEATURES

    used = [k for k, name in enumerate(CONFIDENCE_FEATURES) if name not in without]
    x, y = np.asarray(rows, dtype=np.float64)[:, used], np.asarray(labels, dtype=np.float64)
    mean, std = x.mean(0), x.std(0) + 1e-9
    z = np.hstack([np.ones((len(x), 1)), (x - mean) / std])
    w = np.zeros(z.shape[1])
    penalty = CONFIDENCE_L2 * len(x) * np.diag([0.0] + [1.0] * x.shape[1])
    for _ in range(iterations):
        p = 1 / (1 + np.exp(-z @ w))
        step = np.linalg.solve((z * (p * (1 - p))[:, None]).T @ z + penalty, z.T @ (p - y) + penalty @ w)
        w -= step
        if np.abs(step).max() < 1e-10:
            break
    weights = w[1:] / std
    fitted = dict(zip((CONFIDENCE_FEATURES[k] for k in used), map(float, weights)))
    return {"intercept": float(w[0] - (weights * mean).sum()), **{k: fitted.get(k, 0.0) for k in CONFIDENCE_FEATURES}}


def run_benchmark(shared: Path, sets: Sequence[str], synthetic: Sequence[int] = (), *, model=None,
                  cache: bool = True, bertalign: bool = True, **config) -> str:
    """Run the chosen sets and return a Markdown table: ours and Bertalign's algorithm on the
    same vectors, strict and lax, and the seconds of each (with a warm cache, the seconds are
    the alignment; on a cold one they include encoding, Bertalign's ~4 runs per sentence)."""
    from align.embed.encoders import load_encoder

    t0 = time.perf_counter()
    encoder = load_encoder(model, cache=cache)
    load_s = time.perf_counter() - t0
    rows = [
        ("| set | docs | sentences | strict P | strict R | strict F1 | lax F1 | s "
         "| Bertalign strict F1 | Bertalign lax F1 | Bertalign s |"),
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    judged: dict[str, list[tuple[float, bool]]] = {}
    curve: dict[str, list[tuple[float, bool]]] = {}
    for name, pairs in scored_sets(shared, [s for s in sets if s != "seed"]):
        r = run_set(pairs, encoder, bertalign=bertalign, **config)
        if "calibration" in name or "held out" in name:
            judged[name], curve[name] = r["judged"], r["curve"]
        o, b = r["ours"], r["bertalign"]
        theirs = f"{b['strict_f1']:.4f} | {b['lax_f1']:.4f} | {r['bertalign_s']:.1f}" if b else "| |"
        rows.append(
            f"| {name} | {r['docs']} | {r['sentences']} | {o['strict_p']:.4f} | {o['strict_r']:.4f} "
            f"| **{o['strict_f1']:.4f}** | {o['lax_f1']:.4f} | {r['ours_s']:.1f} | {theirs} |"
        )
    if "seed" in sets:
        rep = seed_anchor_report(shared, encoder, **config)
        theirs = bertalign_anchor_report(shared, encoder) if bertalign else None
        rows.append(
            f"| seed anchors | 1 | | | | **{rep['satisfied']}/{rep['anchors']}** | | {rep['seconds']:.1f} "
            + (f"| {theirs['satisfied']}/{theirs['anchors']} | | {theirs['seconds']:.1f} |" if theirs else "| | | |")
        )
        for fail in rep["failed"]:
            rows.append(f"| seed: failed | {json.dumps(fail, ensure_ascii=False)} | | | | | | | | | |")
    for n in synthetic:
        r = _synthetic_in_subprocess(n, shared, model, cache)
        rows.append(
            f"| synthetic {n} | 1 | {2 * n} | | | {r['strict_f1']:.4f} | | {r['embed_s'] + r['align_s']:.1f} "
            f"| | | |"
        )
    if judged:
        rows += reliability_rows({**judged, "all dev sets": [j for js in judged.values() for j in js]},
                                 {**curve, "all dev sets": [j for js in curve.values() for j in js]})
    rows.append(f"\nmodel load {load_s:.1f} s; encoder {encoder.model_id}; cache {'on' if cache else 'off'}; "
                f"peak RSS {peak_rss_mb():.0f} MB")
    return "\n".join(rows)
