"""Error analysis of the sentence aligner by bead type (issue 16): for each dev set, which gold
bead types ours and Bertalign's algorithm (same vectors) get exactly right, which bead types
each over-makes, and — for the gold beads Bertalign gets and we miss — what our links did
there instead.

    python scripts/bead_errors.py [--set NAME-SUBSTRING ...] [--model NAME]

Every dev set of ``align.bench.devsets`` by default (``--set calibration`` for the calibration
parts only). A bead type is "zh-en" sentence counts. A gold bead we miss is classed by our
links that touch any of its sentences:

- ``split``: all of them lie inside the gold bead (we cut it into smaller links);
- ``merged``: one of our links holds the whole gold bead and more (we joined it to a neighbour);
- ``shifted``: neither (a boundary moved: our links cross the gold bead's edge).
"""
from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", action="append", default=None, help="substring of a dev set name (repeatable)")
    parser.add_argument("--model", default=None)
    args = parser.parse_args()
    encoder = load_encoder(args.model)
    for name, pairs in dev_sets(REPO.parent / "shared").items():
        if args.set and not any(s in name for s in args.set):
            continue
        print(f"\n#### {name}\n")
        print("\n".join(table(analyse(pairs, encoder))))


if __name__ == "__main__":
    main()
