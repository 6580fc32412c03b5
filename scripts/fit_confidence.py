"""Fit the link confidence's logistic regression (``CONFIDENCE_COEF`` in
align/aligner/sentences.py) on the calibration documents of the alignment dev sets and print
the coefficient block to paste into that module, with the reliability of the fitted model on
the held-out documents.

    python scripts/fit_confidence.py [--model NAME] [--without FEATURE ...]

Each two-sided link the aligner outputs (default settings) is one example, labelled by
whether it is exactly a gold link (the strict rule of ``align bench alignment``), with the
module's own ``bead_features``. Calibration documents: every dev set whose name says
"calibration" (``align.bench.devsets``); held out: the rest, never seen by the fit. The fit is
``align.bench.alignment.fit_confidence``; per held-out dev set the script prints the
reliability curve, the Brier score against the base rate's and the cosine curve's (the link
``score``), and the share of wrong links among the lowest-confidence tenth. ``--without gap``
fits with that feature left out (``gap`` costs the aligner one more forward-backward pass).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from align.aligner.sentences import CONFIDENCE_FEATURES, calibrated_confidence, link_confidence  # noqa: E402
from align.bench.alignment import (  # noqa: E402
    brier,
    confidence_examples,
    fit_confidence,
    lowest_wrong,
    reliability,
)
from align.bench.devsets import dev_sets  # noqa: E402
from align.embed.encoders import load_encoder  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=None)
    parser.add_argument("--without", action="append", default=[], choices=CONFIDENCE_FEATURES,
                        help="leave this feature out of the fit (repeatable)")
    args = parser.parse_args()
    encoder = load_encoder(args.model)
    sets = dev_sets(REPO.parent / "shared")
    calibration = [p for name, ps in sets.items() if "calibration" in name for p in ps]
    x, y = confidence_examples(calibration, encoder)
    coef = {k: round(v, 4) for k, v in fit_confidence(x, y, without=args.without).items()}
    print(f"# {len(y)} calibration links, {sum(y) / len(y):.3f} exactly gold")
    print(_block(coef))
    for name, pairs in sets.items():
        if "calibration" in name:
            continue
        hx, hy = confidence_examples(pairs, encoder)
        features = [dict(zip(CONFIDENCE_FEATURES, row)) for row in hx]
        judged = [(link_confidence(f, coef), ok) for f, ok in zip(features, hy)]
        curve = [(calibrated_confidence(f["cosine"]), ok) for f, ok in zip(features, hy)]
        rate = sum(hy) / len(hy)
        print(f"# {name}: {len(hy)} links, {rate:.3f} exactly gold")
        for b in reliability(judged):
            share = f"{b['correct']:.3f}" if b["correct"] is not None else "-"
            print(f"#   {b['lo']:.1f}-{b['hi']:.1f}: {b['links']} links, {share} exactly gold")
        print(f"#   Brier {brier(judged):.4f} (base rate {rate * (1 - rate):.4f}, cosine curve {brier(curve):.4f}); "
              f"wrong among the lowest-confidence 10% {lowest_wrong(judged):.3f} (all links {1 - rate:.3f})")


def _block(coef: dict[str, float]) -> str:
    """The assignment as align/aligner/sentences.py writes it."""
    items = [f'"{k}": {v!r}' for k, v in coef.items()]
    return 'CONFIDENCE_COEF = {' + ", ".join(items[:5]) + ",\n                   " + ", ".join(items[5:]) + "}"


if __name__ == "__main__":
    main()
