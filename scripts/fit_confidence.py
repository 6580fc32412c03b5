"""Fit the link confidence's logistic regression (``CONFIDENCE_COEF`` in
align/aligner/sentences.py) on the calibration documents of the alignment dev sets and print
the coefficient block to paste into that module, with the reliability curve of the fitted
model on the held-out documents.

    python scripts/fit_confidence.py [--model NAME]

Each two-sided link the aligner outputs (default settings) is one example, labelled by
whether it is exactly a gold link (the strict rule of ``align bench alignment``), with the
module's own ``bead_features``. Calibration documents: every dev set whose name says
"calibration" (``align.bench.devsets``); held out: the rest, never seen by the fit. The
features are standardised for the fit (Newton's method, a small L2 penalty so that a
separable feature cannot run off) and the coefficients printed on the raw scale.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from align.aligner.sentences import CONFIDENCE_FEATURES, align_sentences_with_features  # noqa: E402
from align.bench.alignment import reliability  # noqa: E402
from align.bench.devsets import dev_sets  # noqa: E402
from align.embed.encoders import load_encoder  # noqa: E402

L2 = 1e-2  # on standardised features, per example


def examples(pairs, encoder) -> tuple[np.ndarray, np.ndarray]:
    rows, labels = [], []
    for pair in pairs:
        gold = set(pair.gold or [])
        links, features = align_sentences_with_features(pair.zh, pair.en, encoder)
        for link, feats in zip(links, features):
            if feats is not None:
                rows.append([feats[k] for k in CONFIDENCE_FEATURES])
                labels.append((link.zh_ids, link.en_ids) in gold)
    return np.array(rows, dtype=np.float64), np.array(labels, dtype=np.float64)


def fit_logistic(x: np.ndarray, y: np.ndarray, iterations: int = 50) -> tuple[float, np.ndarray]:
    """Intercept and weights (raw feature scale) of an L2-penalised logistic regression."""
    mean, std = x.mean(0), x.std(0) + 1e-9
    z = np.hstack([np.ones((len(x), 1)), (x - mean) / std])
    w = np.zeros(z.shape[1])
    penalty = L2 * len(x) * np.diag([0.0] + [1.0] * x.shape[1])
    for _ in range(iterations):
        p = 1 / (1 + np.exp(-z @ w))
        grad = z.T @ (p - y) + penalty @ w
        hess = (z * (p * (1 - p))[:, None]).T @ z + penalty
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-10:
            break
    weights = w[1:] / std
    return float(w[0] - (weights * mean).sum()), weights


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=None)
    args = parser.parse_args()
    encoder = load_encoder(args.model)
    sets = dev_sets(REPO.parent / "shared")
    calibration = [p for name, ps in sets.items() if "calibration" in name for p in ps]
    held_out = [p for name, ps in sets.items() if "calibration" not in name for p in ps]
    x, y = examples(calibration, encoder)
    intercept, weights = fit_logistic(x, y)
    coef = {"intercept": round(intercept, 4), **{k: round(float(v), 4) for k, v in zip(CONFIDENCE_FEATURES, weights)}}
    print(f"# {len(y)} calibration links, {y.mean():.3f} exactly gold")
    print(f"CONFIDENCE_COEF = {coef!r}")
    hx, hy = examples(held_out, encoder)
    z = coef["intercept"] + hx @ np.array([coef[k] for k in CONFIDENCE_FEATURES])
    judged = list(zip((1 / (1 + np.exp(-z))).tolist(), hy.astype(bool).tolist()))
    print(f"# held out: {len(hy)} links, {hy.mean():.3f} exactly gold")
    for b in reliability(judged):
        share = f"{b['correct']:.3f}" if b["correct"] is not None else "-"
        print(f"# {b['lo']:.1f}-{b['hi']:.1f}: {b['links']} links, {share} exactly gold")


if __name__ == "__main__":
    main()
