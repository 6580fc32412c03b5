"""Error analysis of the sentence aligner by bead type (issue 16): for each dev set, which gold
bead types ours and Bertalign's algorithm (same vectors) get exactly right, which bead types
each over-makes, and — for the gold beads Bertalign gets and we miss — what our links did
there instead.

    python scripts/bead_errors.py [--set NAME-SUBSTRING ...] [--model NAME] [--regions]

Every dev set of ``align.bench.devsets`` by default (``--set calibration`` for the calibration
parts only). A bead type is "zh-en" sentence counts. A gold bead we miss is classed by our
links that touch any of its sentences:

- ``split``: all of them lie inside the gold bead (we cut it into smaller links);
- ``merged``: one of our links holds the whole gold bead and more (we joined it to a neighbour);
- ``shifted``: neither (a boundary moved: our links cross the gold bead's edge).

``--regions`` also lists every stretch where the two paths part (between two lattice points
both pass through) and one of them has more gold links there: each path's beads with their
score terms under *our* scoring — cosine, margin (cosine minus the neighbours' background),
Bertalign's length factor, our length cost and merge cost, and the bead score — with every
merged run of both paths encoded exactly. Where our score prefers Bertalign's path, the
search or the run approximation lost it; where it prefers ours, the scoring is at fault.
"""
from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import numpy as np  # noqa: E402

from align.aligner import signals  # noqa: E402
from align.aligner.sentences import AlignConfig, Lattice, _join_en, _join_zh  # noqa: E402
from align.bench import bertalign  # noqa: E402
from align.bench.alignment import run_pair  # noqa: E402
from align.bench.devsets import dev_sets  # noqa: E402
from align.embed.encoders import load_encoder  # noqa: E402


def bead_type(link) -> str:
    return f"{len(link[0])}-{len(link[1])}"


def miss_kind(gold_link, ours) -> str:
    """How our links cover one gold bead that none of them equals."""
    zs, es = set(gold_link[0]), set(gold_link[1])
    touching = [(set(z), set(e)) for z, e in ours if zs & set(z) or es & set(e)]
    if any(zs <= z and es <= e for z, e in touching):
        return "merged"
    if all(z <= zs and e <= es for z, e in touching):
        return "split"
    return "shifted"


def analyse(pairs, encoder) -> dict:
    gold_n, ours_hit, bert_hit = Counter(), Counter(), Counter()
    ours_made, ours_right, bert_made, bert_right = Counter(), Counter(), Counter(), Counter()
    lost: Counter = Counter()  # (gold type, kind) where Bertalign is right and we are not
    won: Counter = Counter()  # gold types we get right and Bertalign does not
    for pair in pairs:
        gold = set(pair.gold or [])
        ours = set(run_pair(pair, encoder)["links"])
        theirs = set(bertalign.align(pair.zh, pair.en, encoder))
        for link in gold:
            t = bead_type(link)
            gold_n[t] += 1
            ours_hit[t] += link in ours
            bert_hit[t] += link in theirs
            if link in theirs and link not in ours:
                lost[(t, miss_kind(link, ours))] += 1
            if link in ours and link not in theirs:
                won[t] += 1
        for made, right, links in ((ours_made, ours_right, ours), (bert_made, bert_right, theirs)):
            for link in links:
                made[bead_type(link)] += 1
                right[bead_type(link)] += link in gold
    return {"gold": gold_n, "ours_hit": ours_hit, "bert_hit": bert_hit, "ours_made": ours_made,
            "ours_right": ours_right, "bert_made": bert_made, "bert_right": bert_right, "lost": lost, "won": won}


def _order(key: str) -> tuple[int, int]:
    a, b = key.split("-")
    return (int(a) + int(b), int(a))


def table(r: dict) -> list[str]:
    rows = ["| bead | gold | ours made | ours right | Bertalign made | Bertalign right "
            "| Bertalign right, ours not: split / merged / shifted | ours right, Bertalign not |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    types = sorted(set(r["gold"]) | set(r["ours_made"]) | set(r["bert_made"]), key=_order)
    for t in types:
        lost = " / ".join(str(r["lost"][(t, k)]) for k in ("split", "merged", "shifted"))
        rows.append(f"| {t} | {r['gold'][t]} | {r['ours_made'][t]} | {r['ours_right'][t]} | {r['bert_made'][t]} "
                    f"| {r['bert_right'][t]} | {lost} | {r['won'][t]} |")
    total = {k: sum(v.values()) for k, v in r.items()}
    kinds = " / ".join(str(sum(n for (_, k), n in r["lost"].items() if k == kind))
                       for kind in ("split", "merged", "shifted"))
    rows.append(f"| all | {total['gold']} | {total['ours_made']} | {total['ours_right']} | {total['bert_made']} "
                f"| {total['bert_right']} | {kinds} | {total['won']} |")
    return rows


def lattice_points(links) -> list[tuple[int, int]]:
    points = [(0, 0)]
    for zi, ei in links:
        points.append((points[-1][0] + len(zi), points[-1][1] + len(ei)))
    return points


def parted_regions(ours, theirs, gold):
    """(start point, end point, our links, their links) of every stretch between two lattice
    points both paths pass through where the two differ in how many gold links they hold."""
    po, pt = lattice_points(ours), lattice_points(theirs)
    common = sorted(set(po) & set(pt))

    def inside(links, points, lo, hi):
        return [lk for lk, p0, p1 in zip(links, points, points[1:]) if lo <= p0 and p1 <= hi and p0 != p1]

    for lo, hi in zip(common, common[1:]):
        mine, yours = inside(ours, po, lo, hi), inside(theirs, pt, lo, hi)
        if sum(lk in gold for lk in mine) != sum(lk in gold for lk in yours):
            yield lo, hi, mine, yours


def scoring_lattice(pair, encoder, cfg: AlignConfig) -> Lattice:
    """A lattice scored as the aligner's search scores it (same band, margins, n-m beads and 1-1 length cap)."""
    lattice = Lattice(encoder.encode(pair.zh), encoder.encode(pair.en), cfg, signals.pair_features(pair.zh, pair.en))
    band = lattice.band()
    path = lattice.search(band)
    lattice.allow_large_nm(path)
    lattice.cap_single_length(path)
    return lattice


def bead_terms(lattice: Lattice, encoder, pair, start, link) -> dict:
    """Our score terms of one link, its merged runs encoded exactly."""
    zs, es = start
    ze, ee = zs + len(link[0]), es + len(link[1])
    terms = {"type": bead_type(link), "score": lattice.bead_score(zs, ze, es, ee)}
    if not link[0] or not link[1]:
        return terms
    if ze - zs > 1 or ee - es > 1:
        x = encoder.encode([_join_zh(pair.zh[zs:ze])])[0] if ze - zs > 1 else lattice.zh[zs]
        y = encoder.encode([_join_en(pair.en[es:ee])])[0] if ee - es > 1 else lattice.en[es]
        lattice.set_exact_cosine(zs, ze, es, ee, float(x @ y))
        terms["score"] = lattice.bead_score(zs, ze, es, ee)
    cosine = lattice.cosine(link)
    units = float(lattice.f.len_zh[zs:ze].sum()) + 1.0, lattice.f.ratio * float(lattice.f.len_en[es:ee].sum()) + 1.0
    t = np.flatnonzero((lattice.ta == len(link[0])) & (lattice.tb == len(link[1])))
    terms.update(cosine=cosine, margin=cosine - lattice.background(link),
                 factor=float(np.log2(1.0 + min(units) / max(units))),
                 length_cost=lattice.cfg.length_weight * lattice.length_mismatch(link),
                 merge_cost=float(lattice.merge_cost[t[0]]) if len(t) else float("nan"))
    return terms


def region_rows(pairs, encoder) -> list[str]:
    rows = ["| document | zh | en | path | gold right | links: type (G = gold) cosine / margin / factor / "
            "length cost / merge cost → score | path score |", "| --- | --- | --- | --- | ---: | --- | ---: |"]
    prefers = {"ours": 0, "bertalign": 0}
    for pair in pairs:
        gold = set(pair.gold or [])
        ours = run_pair(pair, encoder)["links"]
        theirs = bertalign.align(pair.zh, pair.en, encoder)
        lattice = scoring_lattice(pair, encoder, AlignConfig())
        for lo, hi, mine, yours in parted_regions(ours, theirs, gold):
            totals = {}
            for name, links in (("ours", mine), ("Bertalign's", yours)):
                cells, point, total = [], lo, 0.0
                for link in links:
                    t = bead_terms(lattice, encoder, pair, point, link)
                    point = (point[0] + len(link[0]), point[1] + len(link[1]))
                    total += t["score"]
                    mark = t["type"] + (" G" if link in gold else "")
                    cells.append(mark if "cosine" not in t else
                                 f"{mark} {t['cosine']:.3f} / {t['margin']:.3f} / {t['factor']:.2f} / "
                                 f"{t['length_cost']:.3f} / {t['merge_cost']:.3f} → {t['score']:.3f}")
                totals[name] = total
                rows.append(f"| {pair.name} | {lo[0]}:{hi[0]} | {lo[1]}:{hi[1]} | {name} "
                            f"| {sum(lk in gold for lk in links)} | {'; '.join(cells)} | {total:.3f} |")
            prefers["ours" if totals["ours"] >= totals["Bertalign's"] else "bertalign"] += 1
    rows.append(f"\nour score prefers our path in {prefers['ours']} of these stretches, "
                f"Bertalign's in {prefers['bertalign']}")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", action="append", default=None, help="substring of a dev set name (repeatable)")
    parser.add_argument("--model", default=None)
    parser.add_argument("--regions", action="store_true", help="list the stretches where the two paths part")
    args = parser.parse_args()
    encoder = load_encoder(args.model)
    for name, pairs in dev_sets(REPO.parent / "shared").items():
        if args.set and not any(s in name for s in args.set):
            continue
        print(f"\n#### {name}\n")
        print("\n".join(table(analyse(pairs, encoder))))
        if args.regions:
            print()
            print("\n".join(region_rows(pairs, encoder)))


if __name__ == "__main__":
    main()
