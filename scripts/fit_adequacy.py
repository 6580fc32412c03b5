"""Fit the adequacy score's logistic regression (align/checks/adequacy.py) on the
development documents of an MQM set, with whole documents held out, and print the
coefficient block to paste into that module.

    python scripts/fit_adequacy.py [--data items.jsonl] [--signals signals.json] [--bible 1000]

Steps: run every other check on each item of the development part and of the held-out
part (each part on its own, grouped by system and document, as ``align bench mqm --part``
does, with the Model 1 it learns from the part's pairs) and compute each link's signals with
the module's own ``link_features``; cross-validate by source document (GroupKFold, 5 folds, on the dev part
only) to choose the threshold — the one with the best out-of-fold F1 of "any other
error/warning flag, or a score over the threshold", subject to precision ≥ 0.65 and to the
clean-Bible gate on each of three samples of gold pairs (seeds 13, the one ``align bench mqm``
counts, 14 and 15: error + warning flags of all checks ≤ 5 per 100; the score's warning counts
only on a pair no other check flags, where it is not just ``info``) — one sample alone lets
the threshold fit that sample's few borderline verses — each checked both as one document
and as ``align batch`` checks a corpus (documents of 50 consecutive pairs, one Model 1
learnt from all): there every document-relative signal reads a book against its own
stretch, and a book of laws among narrative looks like a worse translator. Refit on all
dev documents; the table also shows the refitted model's in-sample dev F1 and its margin
over the lowest-cosine baseline at the same flag rate, the figures ``align bench mqm --part
dev`` prints.
``--signals`` keeps the computed signals so a second run skips the checks.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from align.bench import mqm  # noqa: E402
from align.checks import adequacy  # noqa: E402

GATE = 5.0  # error + warning flags per 100 clean Bible gold pairs
BATCH_DOCUMENT = 50  # pairs per document when the gate is also run as ``align batch`` checks a corpus
MIN_PRECISION = 0.65
BIBLE_SEEDS = (13, 14, 15)


def mqm_signals(items, encoder) -> list[dict]:
    from align.checks import CheckContext
    from align.progress import Progress

    rows = []
    with Progress(False) as progress:
        flags, cosines, _ = mqm.run_checks_on_items(items, encoder, ignore=["adequacy"], progress=progress)
    translations = mqm.learnt_translations(items)  # the corpus model the benchmark's checks see
    for group in mqm.documents(items):
        links = mqm.item_links(group, cosines)
        found = [f for item in group for f in flags[item.key]]  # f.link: the item's place in its group
        features = adequacy.link_features(CheckContext(links, translations=translations), found)
        shown = {f.link for f in found if f.severity in ("error", "warning")}
        for i, item in enumerate(group):
            if i in features:
                rows.append({"doc": item.doc, "system": item.system, "seg": item.seg, "positive": item.positive(1),
                             "heldout": mqm.in_heldout(item.doc), "cosine": cosines[item.key],
                             "features": features[i], "flagged": i in shown})
    return rows


def bible_signals(encoder, pairs: int, seed: int, document: int | None = None) -> list[dict]:
    """The signals of ``pairs`` clean Bible gold pairs checked as one document, or — with
    ``document`` — as ``align batch`` checks a corpus: consecutive stretches of ``document``
    pairs, each its own document, all with one Model 1 learnt from every pair."""
    from dataclasses import replace

    from align.bench.divergence import _rescored, bible_links
    from align.checks import CheckContext, run_checks
    from align.wordalign import dictionary_alignments
    from align.wordalign.model1 import learn

    links = _rescored(bible_links(REPO.parent / "shared" / "bench" / "bible-zh-en", pairs, random.Random(seed)),
                      encoder)
    translations = learn(dictionary_alignments(links).values()) if document else None
    rows = []
    for start in range(0, len(links), document or len(links)):
        chunk = [replace(link, index=k) for k, link in enumerate(links[start:start + (document or len(links))])]
        ctx = CheckContext(chunk, encoder=encoder, translations=translations)
        flags = run_checks(ctx, ignore=["adequacy"])
        features = adequacy.link_features(ctx, flags)
        counts = {}
        for flag in flags:
            if flag.severity in ("error", "warning"):
                counts[flag.link] = counts.get(flag.link, 0) + 1
        rows += [{"features": features[link.index], "flagged": link.index in counts,
                  "flags": counts.get(link.index, 0)} for link in chunk if link.index in features]
    return rows


def matrix(rows, names) -> np.ndarray:
    return np.array([[row["features"][name] for name in names] for row in rows], dtype=float).reshape(
        len(rows), len(names))


def scores(predicted: np.ndarray, truth: np.ndarray) -> tuple[float, float, float]:
    tp = float((predicted & truth).sum())
    p = tp / predicted.sum() if predicted.sum() else 0.0
    r = tp / truth.sum() if truth.sum() else 0.0
    return p, r, 2 * p * r / (p + r) if p + r else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default=str(REPO.parent / "shared" / "bench" / "mqm-wmt23-zhen" / "items.jsonl"))
    parser.add_argument("--signals", help="JSON file keeping the computed signals (read if present)")
    parser.add_argument("--bible", type=int, default=1000, help="clean Bible gold pairs for the gate")
    parser.add_argument("--features", default=",".join(adequacy.FEATURES),
                        help="comma-separated signals to fit on (default: the module's FEATURES); any key of "
                             "adequacy.link_features")
    args = parser.parse_args()
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import GroupKFold

    cached = Path(args.signals) if args.signals else None
    data = json.loads(cached.read_text(encoding="utf-8")) if cached and cached.exists() else {}
    if not {"mqm", "bible", "bible_batch"} <= data.keys():
        from align.embed.encoders import load_encoder

        encoder = load_encoder(None)
        if "mqm" not in data:
            items = mqm.load_items(args.data)
            # each part on its own, as ``align bench mqm --part`` runs it (Model 1 learns from the part's pairs)
            parts = [mqm_signals(mqm.select_part(items, part), encoder) for part in ("dev", "heldout")]
            data["mqm"] = [row for rows in parts for row in rows]
        if "bible" not in data:
            data["bible"] = {str(seed): bible_signals(encoder, args.bible, seed) for seed in BIBLE_SEEDS}
        if "bible_batch" not in data:
            data["bible_batch"] = {str(seed): bible_signals(encoder, args.bible, seed, BATCH_DOCUMENT)
                                   for seed in BIBLE_SEEDS}
        if cached:
            cached.write_text(json.dumps(data), encoding="utf-8")
    dev = [row for row in data["mqm"] if not row["heldout"]]
    test = [row for row in data["mqm"] if row["heldout"]]
    names = tuple(args.features.split(","))
    x, y = matrix(dev, names), np.array([row["positive"] for row in dev])
    groups = np.array([row["doc"] for row in dev])
    means, scales = x.mean(axis=0), x.std(axis=0) + 1e-9
    standard = (x - means) / scales
    oof = np.zeros(len(dev))
    for train, held in GroupKFold(n_splits=5).split(standard, y, groups):
        model = LogisticRegression(C=1.0, max_iter=1000).fit(standard[train], y[train])
        oof[held] = model.predict_proba(standard[held])[:, 1]
    # pairs another check flags as an error or warning (the score is only info there)
    flagged = np.array([row["flagged"] for row in dev])
    print(f"dev: {len(dev)} pairs, {len(set(groups))} documents; out-of-fold AUC {roc_auc_score(y, oof):.3f}")
    model = LogisticRegression(C=1.0, max_iter=1000).fit(standard, y)
    samples = [(np.array([row["flagged"] for row in rows], dtype=bool),
                model.predict_proba((matrix(rows, names) - means) / scales)[:, 1], sum(row["flags"] for row in rows))
               for gate in ("bible", "bible_batch") for rows in data[gate].values() if rows]
    insample = model.predict_proba(standard)[:, 1]
    tx = (matrix(test, names) - means) / scales
    tp_ = model.predict_proba(tx)[:, 1]
    ty = np.array([row["positive"] for row in test])
    tflagged = np.array([row["flagged"] for row in test])
    cosines = np.array([row["cosine"] for row in dev])
    best = None
    seeds = " / ".join(data["bible"])
    print("| threshold | dev P (oof) | dev R | dev F1 | lowest cosine, same rate: F1 | dev F1 (fit on all dev) | "
          f"its margin | held-out P | R | F1 | Bible flags /100, one document (seeds {seeds}) | "
          f"{BATCH_DOCUMENT}-pair documents |")
    for threshold in np.arange(0.50, 0.96, 0.01):
        predicted = flagged | (oof >= threshold)
        p, r, f = scores(predicted, y)
        lowest = cosines <= np.sort(cosines)[max(0, predicted.sum() - 1)]
        hp, hr, hf = scores(tflagged | (tp_ >= threshold), ty)
        fitted = flagged | (insample >= threshold)
        fitted_margin = scores(fitted, y)[2] - scores(cosines <= np.sort(cosines)[max(0, fitted.sum() - 1)], y)[2]
        # flags, not pairs: the other checks' error + warning flags, plus a score warning on each
        # pair none of them flagged (on a flagged pair the score is only info)
        rates = [100.0 * (others + ((scored >= threshold) & ~pre).sum()) / len(scored)
                 for pre, scored, others in samples]
        one, batch = rates[:len(data["bible"])], rates[len(data["bible"]):]
        print(f"| {threshold:.2f} | {p:.3f} | {r:.3f} | {f:.3f} | {scores(lowest, y)[2]:.3f} | "
              f"{scores(fitted, y)[2]:.3f} | {fitted_margin:+.3f} | {hp:.3f} | {hr:.3f} | {hf:.3f} | "
              f"{' / '.join(f'{rate:.1f}' for rate in one)} | {' / '.join(f'{rate:.1f}' for rate in batch)} |")
        if p >= MIN_PRECISION and max(rates, default=0.0) <= GATE and (best is None or f > best[1]):
            best = (threshold, f)
    print(f"\nchosen threshold: {best[0]:.2f}" if best else "\nno threshold meets the precision and Bible gate")
    print(f"FEATURES = {names!r}")
    print("COEFFICIENTS = {" + ", ".join(f'"{n}": {c:.4f}' for n, c in zip(names, model.coef_[0])) + "}")
    print("MEANS = {" + ", ".join(f'"{n}": {m:.4f}' for n, m in zip(names, means)) + "}")
    print("SCALES = {" + ", ".join(f'"{n}": {s:.4f}' for n, s in zip(names, scales)) + "}")
    print(f"INTERCEPT = {model.intercept_[0]:.4f}")
    print(f"LONGEST = {x[:, list(names).index('length')].max():.4f}")
    if best:
        print(f"THRESHOLD = {best[0]:.2f}")


if __name__ == "__main__":
    main()
